//! Structured header values read with [`super::words`]: display names in address fields
//! and attachment names in MIME parameters (RFC 2231).

use std::borrow::Cow;

use super::words::{convert, hex_pair, unstructured};

/// An address field's value (From, To, Cc...) with its encoded words decoded in place, so
/// that the address parser sees the names whole: a run of words in a display name
/// becomes a quoted string, words inside a quoted string or a comment become its text.
/// Addresses, separators and everything without encoded words stay as they were.
pub fn address_field(bytes: &[u8]) -> Cow<'_, [u8]> {
    if !bytes.windows(2).any(|w| w == b"=?") {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let mut i = 0;
    while i < bytes.len() {
        let (end, kind) = region(bytes, i);
        let inner = &bytes[i..end];
        match kind {
            Region::Phrase if inner.windows(2).any(|w| w == b"=?") => {
                let start = inner.len() - inner.trim_ascii_start().len();
                let stop = inner.trim_ascii_end().len().max(start);
                out.extend_from_slice(&inner[..start]);
                out.push(b'"');
                escape_into(&mut out, &unstructured(&inner[start..stop]), b"\\\"");
                out.push(b'"');
                out.extend_from_slice(&inner[stop..]);
            }
            // Inside quotes or parentheses: the text between them decoded, escaped again.
            Region::Quoted | Region::Comment if inner.windows(2).any(|w| w == b"=?") => {
                let (open, close) = (inner[0], inner[inner.len() - 1]);
                let special: &[u8] = if open == b'"' { b"\\\"" } else { b"\\()" };
                let text = unstructured(&unescape(&inner[1..inner.len() - 1]));
                out.push(open);
                escape_into(&mut out, &text, special);
                out.push(close);
            }
            _ => out.extend_from_slice(inner),
        }
        i = end;
    }
    Cow::Owned(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    /// Words of a display name (between separators, quotes, comments and angle brackets).
    Phrase,
    /// A quoted string, quotes included (an unterminated one runs to the end).
    Quoted,
    /// A comment, parentheses included (nested ones are inside it).
    Comment,
    /// One separator or an `<address>`: copied as it is.
    Other,
}

/// The region that starts at `at`, and where it ends.
fn region(bytes: &[u8], at: usize) -> (usize, Region) {
    match bytes[at] {
        b'"' => {
            let mut i = at + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return (i + 1, Region::Quoted),
                    _ => i += 1,
                }
            }
            (bytes.len(), Region::Other)
        }
        b'(' => {
            let mut depth = 0usize;
            let mut i = at;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            return (i + 1, Region::Comment);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            (bytes.len(), Region::Other)
        }
        b'<' => {
            let end = bytes[at..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(bytes.len(), |n| at + n + 1);
            (end, Region::Other)
        }
        b',' | b':' | b';' | b'>' | b')' => (at + 1, Region::Other),
        _ => {
            let end = bytes[at..]
                .iter()
                .position(|b| matches!(b, b'"' | b'(' | b'<' | b',' | b':' | b';' | b'>' | b')'))
                .map_or(bytes.len(), |n| at + n);
            (end, Region::Phrase)
        }
    }
}

/// A quoted string's or comment's text without its backslash escapes.
fn unescape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut escaped = false;
    for &b in bytes {
        if b == b'\\' && !escaped {
            escaped = true;
        } else {
            out.push(b);
            escaped = false;
        }
    }
    out
}

/// `text` with a backslash before each of `special`; line breaks become spaces (a decoded
/// word may hold one, and a header value must not).
fn escape_into(out: &mut Vec<u8>, text: &str, special: &[u8]) {
    for c in text.chars() {
        if c.is_ascii() && special.contains(&(c as u8)) {
            out.push(b'\\');
        }
        match c {
            '\r' | '\n' => out.push(b' '),
            _ => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// The value of parameter `name` (say "filename") of a header value such as
/// `attachment; filename*0*=UTF-8''%E8%A6...; filename*1*=...`: RFC 2231 sections joined
/// as bytes before the charset is applied (so a character split between sections, or
/// inside a percent run, comes out whole), RFC 2047 words inside a quoted value decoded
/// (what most mailers write), and raw 8-bit text decoded as whatever it is.
pub fn parameter(value: &[u8], name: &str) -> Option<String> {
    let mut plain: Option<Vec<u8>> = None;
    let mut extended: Option<Vec<u8>> = None;
    let mut sections: Vec<(u32, bool, Vec<u8>)> = Vec::new();
    for (key, text) in parameters(value) {
        let key = key.to_ascii_lowercase();
        let Some(rest) = key.strip_prefix(name.as_bytes()) else {
            continue;
        };
        match rest {
            b"" => plain = plain.or(Some(text)),
            b"*" => extended = extended.or(Some(text)),
            _ => {
                let Some(rest) = rest.strip_prefix(b"*") else {
                    continue;
                };
                let (digits, star) = match rest.strip_suffix(b"*") {
                    Some(digits) => (digits, true),
                    None => (rest, false),
                };
                if let Some(n) = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse().ok())
                    && sections.len() < MAX_SECTIONS
                {
                    sections.push((n, star, text));
                }
            }
        }
    }
    if !sections.is_empty() {
        sections.sort_by_key(|(n, _, _)| *n);
        sections.dedup_by_key(|(n, _, _)| *n);
        let mut charset: Option<Vec<u8>> = None;
        let mut joined = Vec::new();
        for (n, star, text) in sections {
            if !star {
                joined.extend_from_slice(&text);
                continue;
            }
            let text = if n == 0 {
                let (set, rest) = split_charset(&text);
                charset = set;
                rest
            } else {
                &text[..]
            };
            joined.extend_from_slice(&percent_decoded(text));
        }
        return Some(convert(charset.as_deref(), &joined));
    }
    if let Some(text) = extended {
        let (charset, rest) = split_charset(&text);
        return Some(convert(charset.as_deref(), &percent_decoded(rest)));
    }
    let text = plain?;
    if text.windows(2).any(|w| w == b"=?") {
        Some(unstructured(&text))
    } else {
        Some(convert(None, &text))
    }
}

/// More sections than any real name has are ignored (a hostile header's can be many).
const MAX_SECTIONS: usize = 1000;

/// `charset'language'text` split into the charset (if named) and the text.
fn split_charset(text: &[u8]) -> (Option<Vec<u8>>, &[u8]) {
    let mut parts = text.splitn(3, |&b| b == b'\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(charset), Some(_language), Some(rest)) => {
            ((!charset.is_empty()).then(|| charset.to_vec()), rest)
        }
        _ => (None, text),
    }
}

fn percent_decoded(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text.get(i + 1..i + 3).and_then(|h| hex_pair(h[0], h[1])) {
            Some(byte) if text[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    out
}

/// The `key=value` parameters after a header value's first `;`, values unquoted.
fn parameters(value: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    // Raw Shift_JIS (not UTF-8, not ASCII) has backslashes as second bytes (予 is 0x97
    // 0x5C): there a lead byte takes the next byte with it, whatever it is.
    let sjis = !value.is_ascii() && std::str::from_utf8(value).is_err();
    let mut i = match value.iter().position(|&b| b == b';') {
        Some(at) => at + 1,
        None => return out,
    };
    while i < value.len() {
        let key_end = value[i..]
            .iter()
            .position(|&b| b == b'=' || b == b';')
            .map_or(value.len(), |n| i + n);
        let key: Vec<u8> = value[i..key_end]
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if value.get(key_end) != Some(&b'=') {
            i = key_end + 1;
            continue;
        }
        let mut j = key_end + 1;
        while value.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        let mut text = Vec::new();
        if value.get(j) == Some(&b'"') {
            j += 1;
            while j < value.len() && value[j] != b'"' {
                if sjis && matches!(value[j], 0x81..=0x9F | 0xE0..=0xFC) && j + 1 < value.len() {
                    text.extend_from_slice(&value[j..j + 2]);
                    j += 2;
                    continue;
                }
                if value[j] == b'\\' && j + 1 < value.len() {
                    j += 1;
                }
                if !matches!(value[j], b'\r' | b'\n') {
                    text.push(value[j]);
                }
                j += 1;
            }
            j = value[j.min(value.len())..]
                .iter()
                .position(|&b| b == b';')
                .map_or(value.len(), |n| j + n);
        } else {
            let end = value[j..]
                .iter()
                .position(|&b| b == b';')
                .map_or(value.len(), |n| j + n);
            text = value[j..end].trim_ascii().to_vec();
            j = end;
        }
        if !key.is_empty() {
            out.push((key, text));
        }
        i = j + 1;
    }
    out
}
