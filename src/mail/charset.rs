//! Text that names no charset, or the wrong one: raw 8-bit headers and bodies. The
//! judging of bytes is [`super::words::convert`]'s, the same as for encoded words.

use super::words::convert;

/// Where the header section ends (the blank line), or the whole message when there is none.
pub(super) fn header_end(raw: &[u8]) -> usize {
    let crlf = memchr::memmem::find(raw, b"\r\n\r\n").map(|p| p + 4);
    let lf = memchr::memmem::find(raw, b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    }
}

/// The `charset=` a header section names, if any.
pub(super) fn named_charset(headers: &[u8]) -> Option<String> {
    let lower = headers.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let value: String = headers[at..]
        .iter()
        .map(|b| *b as char)
        .skip_while(|c| *c == '"')
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// Raw 8-bit headers that are not UTF-8 (old Japanese mailers write Shift_JIS or EUC-JP
/// straight into Subject and From) rewritten as UTF-8, which the parser reads as such.
/// A single-part body without a charset is decoded the same way. None when the message
/// needs no help.
pub(super) fn with_readable_headers(raw: &[u8]) -> Option<Vec<u8>> {
    let end = header_end(raw);
    let (headers, body) = raw.split_at(end);
    if headers.is_ascii() || std::str::from_utf8(headers).is_ok() {
        return None;
    }
    let named = named_charset(headers);
    let mut out = convert(named.as_deref().map(str::as_bytes), headers).into_bytes();
    let multipart = headers
        .to_ascii_lowercase()
        .windows(10)
        .any(|w| w == b"multipart/");
    if named.is_none() && !multipart && !body.is_ascii() && std::str::from_utf8(body).is_err() {
        out.extend_from_slice(convert(None, body).as_bytes());
    } else {
        out.extend_from_slice(body);
    }
    Some(out)
}

/// The charset an HTML document names in a `<meta charset=...>` or a `<meta
/// http-equiv="Content-Type" content="text/html; charset=...">` near its start (where
/// browsers look for it: the first 4 KiB).
pub(super) fn meta_charset(html: &[u8]) -> Option<Vec<u8>> {
    let head = html[..html.len().min(4096)].to_ascii_lowercase();
    let mut rest = &head[..];
    while let Some(at) = rest.windows(5).position(|w| w == b"<meta") {
        let tag = &rest[at..];
        let tag = &tag[..tag.iter().position(|&b| b == b'>').unwrap_or(tag.len())];
        if let Some(c) = tag.windows(7).position(|w| w == b"charset") {
            let value: Vec<u8> = tag[c + 7..]
                .iter()
                .copied()
                .skip_while(|b| matches!(b, b' ' | b'=' | b'"' | b'\''))
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
                .collect();
            if !value.is_empty() {
                return Some(value);
            }
        }
        rest = &rest[at + 5..];
    }
    None
}
