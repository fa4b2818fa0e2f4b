//! Header text as Japanese mailers really write it: RFC 2047 encoded words and RFC 2231
//! parameters, decoded the way Thunderbird does rather than word by word.
//!
//! - Adjacent encoded words of one charset are decoded to bytes and joined before the
//!   charset conversion, so a character cut across two words (a UTF-8 sequence, a JIS
//!   double byte, an escape sequence in one word and its text in the next) comes out
//!   whole, and an ISO-2022-JP shift state carries from one word into the next.
//! - Base64 words are read leniently: any length, padding or none.
//! - An encoded word glued to other text (`Re:=?ISO-2022-JP?B?...?=`) is decoded too.
//! - Text whose label is wrong (8-bit bytes in an "ISO-2022-JP" word, UTF-8 in a
//!   "us-ascii" one) is decoded as what it really is (see [`convert`]).
//!
//! Everything here is one pass over its input: no step looks back or rescans.

use std::borrow::Cow;

use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8, WINDOWS_1252};

/// The longest charset name an encoded word may have (`=?charset?`); longer is text.
const MAX_CHARSET: usize = 64;

/// One piece of a header value.
enum Piece<'a> {
    /// An encoded word: its charset (as written, without an RFC 2231 language) and the
    /// bytes its text decodes to.
    Word { charset: &'a [u8], bytes: Vec<u8> },
    /// Spaces, tabs and line breaks.
    Space(&'a [u8]),
    /// Anything else.
    Text(&'a [u8]),
}

/// Finds "?=" and line breaks at or after a position; the positions asked about only
/// grow, so each byte is looked at once, however many encoded words start on a line.
struct Ahead<'a> {
    bytes: &'a [u8],
    close: Option<usize>,
    line_end: Option<usize>,
}

impl<'a> Ahead<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Ahead {
            bytes,
            close: None,
            line_end: None,
        }
    }

    /// The position of the first "?=" at or after `from` (the length when there is none).
    fn close(&mut self, from: usize) -> usize {
        match self.close {
            Some(at) if at >= from => at,
            _ => {
                let found = self.bytes[from.min(self.bytes.len())..]
                    .windows(2)
                    .position(|w| w == b"?=")
                    .map_or(self.bytes.len(), |i| from + i);
                self.close = Some(found);
                found
            }
        }
    }

    /// The position of the first line break at or after `from` (the length when none).
    fn line_end(&mut self, from: usize) -> usize {
        match self.line_end {
            Some(at) if at >= from => at,
            _ => {
                let found = self.bytes[from.min(self.bytes.len())..]
                    .iter()
                    .position(|&b| b == b'\n' || b == b'\r')
                    .map_or(self.bytes.len(), |i| from + i);
                self.line_end = Some(found);
                found
            }
        }
    }
}

/// The encoded word starting at `at` (which holds "=?"): its charset, encoding letter,
/// text, and the position after its "?=".
fn word_at<'a>(bytes: &'a [u8], at: usize, ahead: &mut Ahead<'a>) -> Option<(Piece<'a>, usize)> {
    let charset_start = at + 2;
    let question = bytes[charset_start..]
        .iter()
        .take(MAX_CHARSET + 1)
        .position(|&b| matches!(b, b'?' | b'\r' | b'\n' | b' ' | b'\t'))?;
    if question == 0 || bytes[charset_start + question] != b'?' {
        return None;
    }
    let charset = &bytes[charset_start..charset_start + question];
    let letter = *bytes.get(charset_start + question + 1)?;
    if bytes.get(charset_start + question + 2) != Some(&b'?') {
        return None;
    }
    let text_start = charset_start + question + 3;
    let text_end = ahead.close(text_start);
    if text_end >= bytes.len() || ahead.line_end(text_start) < text_end {
        return None;
    }
    let text = &bytes[text_start..text_end];
    let decoded = match letter {
        b'b' | b'B' => base64(text),
        b'q' | b'Q' => quoted(text),
        _ => return None,
    };
    // "ISO-2022-JP*ja" names a language too (RFC 2231); the charset is what counts.
    let charset = charset.split(|&b| b == b'*').next().unwrap_or(charset);
    Some((
        Piece::Word {
            charset,
            bytes: decoded,
        },
        text_end + 2,
    ))
}

/// Splits a header value into encoded words, spaces and other text.
fn pieces(bytes: &[u8]) -> Vec<Piece<'_>> {
    let mut ahead = Ahead::new(bytes);
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    fn flush<'a>(out: &mut Vec<Piece<'a>>, bytes: &'a [u8], from: usize, to: usize) {
        if from < to {
            out.push(Piece::Text(&bytes[from..to]));
        }
    }
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            flush(&mut out, bytes, text_start, i);
            let end = bytes[i..]
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .map_or(bytes.len(), |n| i + n);
            out.push(Piece::Space(&bytes[i..end]));
            i = end;
            text_start = end;
        } else if b == b'=' && bytes.get(i + 1) == Some(&b'?') {
            match word_at(bytes, i, &mut ahead) {
                Some((word, end)) => {
                    flush(&mut out, bytes, text_start, i);
                    out.push(word);
                    i = end;
                    text_start = end;
                }
                None => i += 2,
            }
        } else {
            i += 1;
        }
    }
    flush(&mut out, bytes, text_start, bytes.len());
    out
}

/// Base64 as encoded words really carry it: any length, padded or not, padding in the
/// middle (two words joined by a careless mailer) read as an end of a group.
fn base64(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut group: u32 = 0;
    let mut count = 0;
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                flush_base64(&mut out, group, count);
                group = 0;
                count = 0;
                continue;
            }
            _ => continue,
        };
        group = group << 6 | u32::from(value);
        count += 1;
        if count == 4 {
            out.extend_from_slice(&group.to_be_bytes()[1..]);
            group = 0;
            count = 0;
        }
    }
    flush_base64(&mut out, group, count);
    out
}

/// The whole bytes of an unfinished base64 group of `count` characters.
fn flush_base64(out: &mut Vec<u8>, group: u32, count: usize) {
    match count {
        2 => out.push((group >> 4) as u8),
        3 => out.extend_from_slice(&((group >> 2) as u16).to_be_bytes()),
        _ => {}
    }
}

/// The "Q" encoding: "_" is a space, "=XX" a byte; anything else is itself.
fn quoted(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => match text.get(i + 1..i + 3).and_then(|h| hex_pair(h[0], h[1])) {
                Some(byte) => {
                    out.push(byte);
                    i += 2;
                }
                None => out.push(b'='),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

pub(super) fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    Some(digit(high)? << 4 | digit(low)?)
}

/// The encoding a charset label names, with the names Japanese mailers use that the
/// WHATWG list lacks.
fn encoding_for(label: &[u8]) -> Option<&'static Encoding> {
    let lower = label.trim_ascii().to_ascii_lowercase();
    match lower.as_slice() {
        b"cp932" | b"ms932" | b"windows-31j" | b"x-sjis" | b"sjis" | b"shift-jis"
        | b"x-ms-cp932" | b"sjis-open" | b"sjis-win" => Some(SHIFT_JIS),
        b"iso-2022-jp-1" | b"iso-2022-jp-2" | b"iso-2022-jp-3" | b"iso-2022-jp-ext"
        | b"cp50220" | b"cp50221" | b"cp50222" | b"csiso2022jp" | b"jis" => Some(ISO_2022_JP),
        b"x-euc-jp" | b"eucjp" | b"eucjp-ms" | b"euc-jp-ms" | b"eucjp-win" | b"cp51932" => {
            Some(EUC_JP)
        }
        b"utf8" | b"utf-8" => Some(UTF_8),
        _ => Encoding::for_label(&lower),
    }
}

/// Whether [`convert`] knows the charset a label names (so can judge text under it).
pub fn knows(label: &[u8]) -> bool {
    encoding_for(label).is_some_and(|e| e != encoding_rs::REPLACEMENT)
}

/// Whether a label names ASCII or a Western charset (see [`convert`]).
pub fn is_western_label(label: &[u8]) -> bool {
    encoding_for(label).is_some_and(is_western)
}

/// Labels that say "no 8-bit text here" or "Western": bytes under them that are really
/// UTF-8 or Japanese are taken for what they are.
fn is_western(encoding: &'static Encoding) -> bool {
    encoding == WINDOWS_1252 || encoding.name() == "ISO-8859-15"
}

/// `bytes` as text, given the charset they are labelled with (if any).
///
/// The label is trusted when its decoding is clean, with the exceptions real mail needs:
/// under a Western or ASCII label, bytes that are valid UTF-8 are UTF-8 and bytes that
/// decode cleanly as Shift_JIS or EUC-JP with hiragana in them are Japanese (no Western
/// text has hiragana by accident); a label whose decoding is not clean (8-bit bytes under
/// "ISO-2022-JP") gives way to what the bytes are; JIS escapes under no label or a
/// Western one are ISO-2022-JP; an unknown label is treated as none.
pub fn convert(charset: Option<&[u8]>, bytes: &[u8]) -> String {
    let label = charset
        .and_then(encoding_for)
        .filter(|e| *e != encoding_rs::REPLACEMENT);
    let tidied = adjacent_escapes_merged(bytes);
    let bytes = &*tidied;
    let lossy = |e: &'static Encoding| e.decode_without_bom_handling(bytes).0.into_owned();
    if bytes.is_ascii() {
        let jis = bytes.windows(2).any(|w| w == b"\x1b$" || w == b"\x1b(");
        if jis
            && label.is_none_or(Encoding::is_ascii_compatible)
            && let Some(text) = clean(ISO_2022_JP, bytes)
        {
            return text;
        }
        return match label {
            Some(e) if !e.is_ascii_compatible() => lossy(e),
            _ => String::from_utf8_lossy(bytes).into_owned(),
        };
    }
    match label {
        Some(e) if is_western(e) => utf8_or_japanese(bytes, true).unwrap_or_else(|| lossy(e)),
        Some(e) => clean(e, bytes)
            .or_else(|| utf8_or_japanese(bytes, false))
            .unwrap_or_else(|| lossy(e)),
        None => utf8_or_japanese(bytes, false).unwrap_or_else(|| lossy(WINDOWS_1252)),
    }
}

fn clean(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(Cow::into_owned)
}

/// ISO-2022-JP with each escape sequence that is straight away followed by another one
/// left out. Joined encoded words give "ESC ( B" (one word's end) right before "ESC $ B"
/// (the next one's start); the WHATWG decoder counts such a pair as an error.
fn adjacent_escapes_merged(bytes: &[u8]) -> Cow<'_, [u8]> {
    let escape_at = |i: usize| bytes.get(i) == Some(&0x1b) && i + 3 <= bytes.len();
    let redundant = |i: usize| escape_at(i) && bytes.get(i + 3) == Some(&0x1b);
    if !(0..bytes.len()).any(redundant) {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if redundant(i) {
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Valid UTF-8, else whichever of Shift_JIS and EUC-JP decodes cleanly into more
/// Japanese (with `need_hiragana`, only Japanese that has hiragana counts).
fn utf8_or_japanese(bytes: &[u8], need_hiragana: bool) -> Option<String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    let score = |text: &str| {
        let (mut japanese, mut hiragana) = (0, 0);
        for c in text.chars() {
            match c as u32 {
                0x3040..=0x309F => {
                    japanese += 1;
                    hiragana += 1;
                }
                0x30A0..=0x30FF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E | 0x3000..=0x303F => {
                    japanese += 1;
                }
                _ => {}
            }
        }
        if need_hiragana && hiragana == 0 {
            0
        } else {
            japanese
        }
    };
    let sjis = clean(SHIFT_JIS, bytes).map(|t| (score(&t), t));
    let euc = clean(EUC_JP, bytes).map(|t| (score(&t), t));
    match (sjis, euc) {
        (Some((s, sjis)), Some((e, euc))) => {
            if e > s {
                Some(euc)
            } else if s > 0 {
                Some(sjis)
            } else {
                None
            }
        }
        (Some((s, text)), None) | (None, Some((s, text))) if s > 0 => Some(text),
        _ => None,
    }
}

/// An unstructured header value (Subject, a display name, a comment) as text: encoded
/// words decoded (adjacent ones of one charset as one run), line folding undone, raw
/// 8-bit text decoded as whatever it is.
pub fn unstructured(bytes: &[u8]) -> String {
    let pieces = pieces(bytes);
    let mut out = String::with_capacity(bytes.len());
    let mut run: Option<(&[u8], Vec<u8>)> = None;
    let mut pending_space: Option<&[u8]> = None;
    for piece in pieces {
        match piece {
            Piece::Word { charset, bytes } => match &mut run {
                // Space between two encoded words is not text (RFC 2047, 6.2).
                Some((current, joined)) if current.eq_ignore_ascii_case(charset) => {
                    pending_space = None;
                    joined.extend_from_slice(&bytes);
                }
                _ => {
                    finish_run(&mut out, run.take());
                    pending_space = None;
                    run = Some((charset, bytes));
                }
            },
            Piece::Space(space) => {
                if run.is_some() {
                    pending_space = Some(space);
                } else {
                    push_space(&mut out, space);
                }
            }
            Piece::Text(text) => {
                finish_run(&mut out, run.take());
                if let Some(space) = pending_space.take() {
                    push_space(&mut out, space);
                }
                out.push_str(&convert(None, text));
            }
        }
    }
    finish_run(&mut out, run);
    out
}

fn finish_run(out: &mut String, run: Option<(&[u8], Vec<u8>)>) {
    if let Some((charset, bytes)) = run {
        out.push_str(&convert(Some(charset), &bytes));
    }
}

/// Folding (a line break and the white space after it) is one space.
fn push_space(out: &mut String, space: &[u8]) {
    let unfolded: Vec<u8> = space
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if unfolded.is_empty() {
        out.push(' ');
    } else {
        out.push_str(&String::from_utf8_lossy(&unfolded));
    }
}

#[cfg(test)]
#[path = "words_tests.rs"]
mod tests;
