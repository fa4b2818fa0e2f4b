//! Header text as it goes out: RFC 2047 encoded words (never split inside a character,
//! each at most 75 characters, each decodable alone), display names, address lists and
//! RFC 2231 parameters, folded with CRLF + space. Nothing a sender types can end a header
//! line: a line break, or anything that looks like an encoded word, is itself encoded.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::Mailbox;

/// The character set of the text parts and the header words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Charset {
    /// UTF-8 (the default: every character).
    #[default]
    Utf8,
    /// ISO-2022-JP, for older Japanese mailers; text with a character JIS has no code for
    /// (an emoji, half-width katakana) is written in UTF-8 instead.
    Iso2022Jp,
}

/// The longest encoded word RFC 2047 allows.
const WORD: usize = 75;
/// Header lines are folded to stay within this many characters where they can.
const LINE: usize = 76;

/// `text` in ISO-2022-JP as RFC 1468 has it, if every character has a JIS X 0208 code
/// and comes back unchanged. Half-width katakana would come back full-width, and the
/// NEC and IBM extensions (①, ㈱, 髙, 﨑) that encoding_rs writes are not JIS X 0208:
/// strict readers (iconv, older mailers) fail on them. Such text is not sent in JIS.
pub fn jis(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::ISO_2022_JP.encode(text);
    if unmappable || text.contains('\u{1b}') || !only_jis_x_0208(&bytes) {
        return None;
    }
    let (back, malformed) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(&bytes);
    (!malformed && back == text).then(|| bytes.into_owned())
}

/// True when every two-byte character of `bytes` (ISO-2022-JP) is in a row JIS X 0208
/// defines: 1–8 and 16–84.
fn only_jis_x_0208(bytes: &[u8]) -> bool {
    let mut two_byte = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            two_byte = bytes.get(i + 1) == Some(&b'$');
            i += 3;
            continue;
        }
        if two_byte {
            let row = bytes[i];
            if !matches!(row, 0x21..=0x28 | 0x30..=0x74) {
                return false;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    true
}

/// Which charset `text` goes out in when `preferred` is asked for.
pub fn charset_for(text: &str, preferred: Charset) -> Charset {
    match preferred {
        Charset::Iso2022Jp if jis(text).is_some() => Charset::Iso2022Jp,
        _ => Charset::Utf8,
    }
}

/// True when `text` cannot go into a header as it is.
fn needs_words(text: &str) -> bool {
    !text.is_ascii()
        || text.contains("=?")
        || text
            .bytes()
            .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
        // A "word" this long could not be folded: encoded words can.
        || text.split(' ').any(|w| w.len() > 900)
}

/// An unstructured header value (a Subject, say), folded; `used` is how many characters
/// the line already holds ("Subject: " is 9).
pub fn unstructured(text: &str, charset: Charset, used: usize) -> String {
    if needs_words(text) {
        encoded_words(text, charset_for(text, charset), used)
    } else {
        fold_plain(text, used)
    }
}

/// ASCII text folded at spaces, keeping lines within [`LINE`] where a space allows.
fn fold_plain(text: &str, used: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut column = used;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            // Never before an empty word: a folded line of nothing but spaces is not
            // allowed (RFC 5322 §3.2.2).
            if column + 1 + word.len() > LINE && column > 1 && !word.is_empty() {
                out.push_str("\r\n ");
                column = 1;
            } else {
                out.push(' ');
                column += 1;
            }
        }
        out.push_str(word);
        column += word.len();
    }
    out
}

/// `text` as encoded words in `charset`, one after another with a fold between them.
fn encoded_words(text: &str, charset: Charset, used: usize) -> String {
    let prefix = match charset {
        Charset::Utf8 => "=?UTF-8?B?",
        Charset::Iso2022Jp => "=?ISO-2022-JP?B?",
    };
    // The bytes a word may hold: its base64 (4 per 3 bytes) plus "=?...?B?" and "?=".
    let room = |width: usize| (width.saturating_sub(prefix.len() + 2) / 4) * 3;
    let mut out = String::new();
    let mut first = true;
    let mut chunk = String::new();
    let flush = |chunk: &str, out: &mut String, first: &mut bool| {
        let bytes = match charset {
            Charset::Utf8 => chunk.as_bytes().to_vec(),
            Charset::Iso2022Jp => jis(chunk).unwrap_or_else(|| chunk.as_bytes().to_vec()),
        };
        if !*first {
            out.push_str("\r\n ");
        }
        *first = false;
        out.push_str(prefix);
        out.push_str(&BASE64.encode(bytes));
        out.push_str("?=");
    };
    // The first word shares its line with the header's name.
    let mut limit = room(WORD.min(LINE.saturating_sub(used)).max(prefix.len() + 14));
    for c in text.chars() {
        chunk.push(c);
        if encoded_len(&chunk, charset) > limit {
            chunk.pop();
            if !chunk.is_empty() {
                flush(&chunk, &mut out, &mut first);
            }
            chunk.clear();
            chunk.push(c);
            limit = room(WORD);
        }
    }
    if !chunk.is_empty() || first {
        flush(&chunk, &mut out, &mut first);
    }
    out
}

/// The bytes `chunk` takes in `charset` (for JIS, with its escape sequences).
fn encoded_len(chunk: &str, charset: Charset) -> usize {
    match charset {
        Charset::Utf8 => chunk.len(),
        Charset::Iso2022Jp => jis(chunk).map_or(chunk.len(), |b| b.len()),
    }
}

/// A display name as a phrase: as it is when it is plain words, quoted when it holds
/// specials, encoded words when it holds anything else.
pub fn phrase(name: &str, charset: Charset, used: usize) -> String {
    // A long name is written as encoded words, which fold: a quoted string cannot.
    if needs_words(name) || name.len() > 60 {
        return encoded_words(name, charset_for(name, charset), used);
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || " !#$%&'*+-/=?^_`{|}~".contains(c);
    if name.chars().all(atext) && !name.starts_with(' ') && !name.ends_with(' ') {
        return name.to_string();
    }
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push('"');
    for c in name.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// True for an address Poplar writes as it is: `local@domain`, printable ASCII, nothing
/// that could end the header or the address.
pub fn is_sendable(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"<>()[]\\,;:\"@".contains(&b))
    };
    // RFC 5321 §4.5.3.1: an address is at most 254 octets.
    address.len() <= 254
        && plain(local)
        && plain(domain)
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// An address list (`To`, `Cc`, `From`), folded between addresses.
pub fn addresses(list: &[Mailbox], charset: Charset, used: usize) -> String {
    let mut out = String::new();
    let mut column = used;
    for (i, mailbox) in list.iter().enumerate() {
        let one = if mailbox.name.trim().is_empty() {
            mailbox.address.clone()
        } else {
            let name = phrase(mailbox.name.trim(), charset, column);
            let last = name.rsplit("\r\n").next().unwrap_or_default().len();
            let start = if name.contains("\r\n") { 0 } else { column };
            // The address goes on a line of its own when the name filled this one.
            let gap = if start + last + 3 + mailbox.address.len() > LINE {
                "\r\n "
            } else {
                " "
            };
            format!("{name}{gap}<{}>", mailbox.address)
        };
        if i > 0 {
            out.push(',');
            column += 1;
            let first_line = one.split("\r\n").next().unwrap_or_default().len();
            if column + 1 + first_line > LINE {
                out.push_str("\r\n ");
                column = 1;
            } else {
                out.push(' ');
                column += 1;
            }
        }
        out.push_str(&one);
        column = match one.rsplit_once("\r\n") {
            Some((_, last)) => last.len(),
            None => column + one.len(),
        };
    }
    out
}

/// A MIME parameter (`name`, `filename`): plain when it is short ASCII, otherwise both an
/// RFC 2231 value (what current readers use) and an RFC 2047 one (what older Japanese
/// mailers read), each on its own folded line.
pub fn parameter(key: &str, value: &str, charset: Charset) -> String {
    let plain = value.is_ascii()
        && value.len() < 60
        && value.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !value.contains(['"', '\\'])
        // A name that looks like an encoded word would be decoded by the reader into
        // something else (evil.exe): it is encoded itself.
        && !value.contains("=?");
    if plain {
        return format!("{key}=\"{value}\"");
    }
    // Encoded words only, as Gmail and Outlook write them and as every Japanese mailer
    // reads them. Adding RFC 2231 pieces beside them confuses readers that join the two
    // (mail-parser read "見積書（第二版）.txt版）.txt").
    let words = encoded_words(value, charset_for(value, charset), key.len() + 4);
    format!("{key}=\"{words}\"")
}

#[cfg(test)]
mod tests;
