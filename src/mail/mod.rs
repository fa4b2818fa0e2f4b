//! Turning raw message bytes into what the list and the reading pane show.
//! Parsing never fails: broken mail still yields something readable.

pub mod files;
pub mod html;

pub use files::{Danger, file_name_chars, safe_file_name};

use mail_parser::{Address, MessageParser, MimeHeaders, PartType};

/// The columns the message list needs, taken from the headers once at download time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub subject: String,
    /// Seconds since the epoch, from the Date header.
    pub date: Option<i64>,
}

/// What the reading pane shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub from: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub date: Option<i64>,
    pub body: String,
    /// Headings, strong text and links of HTML parts, as byte ranges of `body`.
    pub styles: Vec<html::Span>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its position among the message's attachments (for [`attachment`]).
    pub index: usize,
    /// The name it is shown and saved under (see [`files::safe_file_name`]).
    pub name: String,
    pub size: usize,
    /// Why opening it could run something, if it could.
    pub danger: Option<Danger>,
}

/// One attachment, ready to be written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub danger: Option<Danger>,
}

/// The name, decoded bytes and danger of attachment number `index`.
pub fn attachment(raw: &[u8], index: usize) -> Option<AttachmentFile> {
    let fixed = with_readable_headers(raw);
    let raw = fixed.as_deref().unwrap_or(raw);
    let message = MessageParser::default().parse(raw)?;
    let part = message.attachment(index as u32)?;
    let (name, danger) = judge(part, index);
    Some(AttachmentFile {
        name,
        bytes: part.contents().to_vec(),
        danger,
    })
}

/// An attachment's file name and danger, the same for the reading pane as for the file.
fn judge(part: &mail_parser::MessagePart<'_>, index: usize) -> (String, Option<Danger>) {
    let name = part
        .attachment_name()
        .map(clean)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("attachment-{}", index + 1));
    let declared = part
        .content_type()
        .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or_default()))
        .unwrap_or_default();
    let danger = files::danger(&name, &declared, part.contents());
    (safe_file_name(&name), danger)
}

/// The web and mail links in a message's text, in order, each once.
pub fn links(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')'))
    {
        // A link ends where the ASCII does (Japanese text often follows without a space).
        let word = match word.find(|c: char| !c.is_ascii_graphic()) {
            Some(end) => &word[..end],
            None => word,
        };
        let word = word.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        let is_link = ["http://", "https://", "mailto:"].iter().any(|p| {
            word.len() > p.len()
                && word
                    .get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p))
        });
        if is_link && !found.iter().any(|f| f == word) {
            found.push(word.to_string());
        }
        if found.len() == 50 {
            break;
        }
    }
    found
}

/// Where the header section ends (the blank line), or the whole message when there is none.
fn header_end(raw: &[u8]) -> usize {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    }
}

/// The `charset=` a header section names, if any.
fn named_charset(headers: &[u8]) -> Option<String> {
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

/// Decodes 8-bit text that names no charset (or names one it is not in): the named
/// charset if it decodes cleanly, else whichever Japanese encoding decodes it cleanly
/// into more Japanese, else Windows-1252 (which decodes anything).
fn decode_unlabelled(bytes: &[u8], named: Option<&str>) -> String {
    use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS, WINDOWS_1252};
    let clean = |encoding: &'static Encoding| {
        encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
    };
    if let Some(encoding) = named.and_then(|n| Encoding::for_label(n.as_bytes()))
        && let Some(text) = clean(encoding)
    {
        return text;
    }
    let japanese = |text: &str| {
        text.chars()
            .filter(|c| matches!(*c as u32, 0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E))
            .count()
    };
    match (clean(SHIFT_JIS), clean(EUC_JP)) {
        (Some(sjis), Some(euc)) if japanese(&euc) > japanese(&sjis) => euc,
        (Some(sjis), _) if japanese(&sjis) > 0 => sjis,
        (_, Some(euc)) if japanese(&euc) > 0 => euc,
        _ => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Raw 8-bit headers that are not UTF-8 (old Japanese mailers write Shift_JIS or EUC-JP
/// straight into Subject and From) rewritten as UTF-8, which the parser reads as such.
/// A single-part body without a charset is decoded the same way. None when the message
/// needs no help.
fn with_readable_headers(raw: &[u8]) -> Option<Vec<u8>> {
    let end = header_end(raw);
    let (headers, body) = raw.split_at(end);
    if headers.is_ascii() || std::str::from_utf8(headers).is_ok() {
        return None;
    }
    let named = named_charset(headers);
    let mut out = decode_unlabelled(headers, named.as_deref()).into_bytes();
    let multipart = headers
        .to_ascii_lowercase()
        .windows(10)
        .any(|w| w == b"multipart/");
    if named.is_none() && !multipart && !body.is_ascii() && std::str::from_utf8(body).is_err() {
        out.extend_from_slice(decode_unlabelled(body, None).as_bytes());
    } else {
        out.extend_from_slice(body);
    }
    Some(out)
}

pub fn summarize(raw: &[u8]) -> Summary {
    let fixed = with_readable_headers(raw);
    let raw = fixed.as_deref().unwrap_or(raw);
    match MessageParser::default().parse_headers(raw) {
        Some(message) => Summary {
            from: format_address(message.from()),
            to: format_address(message.to()),
            subject: clean(message.subject().unwrap_or_default()),
            date: message.date().map(|d| d.to_timestamp()),
        },
        None => Summary::default(),
    }
}

pub fn render(raw: &[u8]) -> Rendered {
    let fixed = with_readable_headers(raw);
    let raw = fixed.as_deref().unwrap_or(raw);
    let Some(message) = MessageParser::default().parse(raw) else {
        // Not even headers: show the bytes as text rather than nothing.
        return Rendered {
            body: String::from_utf8_lossy(raw).into_owned(),
            ..Rendered::default()
        };
    };
    let mut body = String::new();
    let mut styles = Vec::new();
    for i in 0..message.text_body_count() {
        let (text, spans) = match message.text_part(i as u32).map(|p| &p.body) {
            Some(PartType::Text(text)) => (text.replace("\r\n", "\n"), Vec::new()),
            Some(PartType::Html(html)) => html::to_styled(html),
            _ => continue,
        };
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        let offset = body.len();
        styles.extend(spans.into_iter().map(|s| html::Span {
            start: s.start + offset,
            end: s.end + offset,
            ..s
        }));
        body.push_str(&text);
    }
    let attachments = message
        .attachments()
        .enumerate()
        .map(|(index, part)| {
            let (name, danger) = judge(part, index);
            Attachment {
                index,
                name,
                size: part.len(),
                danger,
            }
        })
        .collect::<Vec<_>>();
    if message.text_body_count() == 0 && attachments.is_empty() {
        // Nothing recognisable as a body: the bytes themselves are the best we can show.
        body = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    }
    Rendered {
        from: format_address(message.from()),
        to: format_address(message.to()),
        cc: format_address(message.cc()),
        subject: clean(message.subject().unwrap_or_default()),
        date: message.date().map(|d| d.to_timestamp()),
        body,
        styles,
        attachments,
    }
}

/// "Name <addr>, ..." for display.
fn format_address(address: Option<&Address>) -> String {
    let Some(address) = address else {
        return String::new();
    };
    let parts: Vec<String> = address
        .iter()
        .map(|addr| {
            let name = addr.name.as_deref().map(str::trim).unwrap_or("");
            let mail = addr.address.as_deref().unwrap_or("");
            match (name.is_empty(), mail.is_empty()) {
                (false, false) => format!("{name} <{mail}>"),
                (false, true) => name.to_string(),
                (true, _) => mail.to_string(),
            }
        })
        .collect();
    clean(&parts.join(", "))
}

/// Control characters (a folded header's line breaks, stray escapes) would break a
/// one-line list cell.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_control() || c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The name part of "Name <address>", or the whole text when there is no name.
pub fn display_name(from: &str) -> &str {
    match from.rfind(" <") {
        Some(i) if from.ends_with('>') && i > 0 => from[..i].trim_matches('"'),
        _ => from,
    }
}

/// A date for display in the local time zone.
pub fn format_date(timestamp: i64) -> String {
    use chrono::{Local, TimeZone};
    match Local.timestamp_opt(timestamp, 0).single() {
        Some(d) => d.format("%Y-%m-%d %H:%M").to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_eight_bit_headers_without_a_charset_are_read() {
        use encoding_rs::{EUC_JP, SHIFT_JIS, WINDOWS_1252};
        let subject = "会議の件について";
        let from = "山田太郎";
        for encoding in [SHIFT_JIS, EUC_JP] {
            let mut raw = Vec::new();
            raw.extend_from_slice(b"From: ");
            raw.extend_from_slice(&encoding.encode(from).0);
            raw.extend_from_slice(b" <yamada@example.jp>\r\nSubject: ");
            raw.extend_from_slice(&encoding.encode(subject).0);
            raw.extend_from_slice(b"\r\n\r\n");
            raw.extend_from_slice(&encoding.encode("明日は十時からです。").0);
            raw.extend_from_slice(b"\r\n");
            let summary = summarize(&raw);
            assert_eq!(summary.subject, subject, "{}", encoding.name());
            assert_eq!(summary.from, "山田太郎 <yamada@example.jp>");
            let rendered = render(&raw);
            assert_eq!(rendered.subject, subject);
            assert_eq!(
                rendered.body.trim(),
                "明日は十時からです。",
                "{}",
                encoding.name()
            );
        }
        // A named charset is believed for the headers too.
        let mut raw = b"Subject: ".to_vec();
        raw.extend_from_slice(&WINDOWS_1252.encode("Café crème").0);
        raw.extend_from_slice(b"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx\r\n");
        assert_eq!(summarize(&raw).subject, "Café crème");
        // Latin text that is no Japanese encoding falls back to Windows-1252.
        let mut raw = b"Subject: ".to_vec();
        raw.extend_from_slice(&WINDOWS_1252.encode("Grüße aus Köln").0);
        raw.extend_from_slice(b"\r\n\r\nx\r\n");
        assert_eq!(summarize(&raw).subject, "Grüße aus Köln");
        // UTF-8 headers (RFC 6532) are left as they are.
        let raw = "Subject: 週末の予定\r\n\r\nx\r\n".as_bytes();
        assert_eq!(summarize(raw).subject, "週末の予定");
    }

    #[test]
    fn summarizes_iso_2022_jp() {
        // "会議の件" in ISO-2022-JP, B-encoded, and a Japanese body.
        let raw = b"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\r\n\
To: you@example.com\r\n\
Subject: =?ISO-2022-JP?B?GyRCMnE1RCRON28bKEI=?=\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0900\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=ISO-2022-JP\r\n\
Content-Transfer-Encoding: 7bit\r\n\
\r\n\
\x1b$B$3$s$K$A$O\x1b(B\r\n";
        let s = summarize(raw);
        assert_eq!(s.from, "山田 <yamada@example.jp>");
        assert_eq!(s.subject, "会議の件");
        assert_eq!(s.date, Some(1751331600));
        let r = render(raw);
        assert_eq!(r.body.trim(), "こんにちは");
    }

    #[test]
    fn html_only_becomes_text() {
        let raw = b"From: a@b.c\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Hello <b>world</b></p><script>alert(1)</script><img src=\"http://tracker.example/x.png\"></body></html>\r\n";
        let r = render(raw);
        assert!(r.body.contains("Hello world"), "{:?}", r.body);
        assert!(!r.body.contains("<b>"));
    }

    #[test]
    fn garbage_still_renders() {
        let r = render(b"\x00\xff\xfe not mail at all");
        assert!(r.body.contains("not mail at all"));
        let s = summarize(b"");
        assert_eq!(s, Summary::default());
    }

    #[test]
    fn display_names() {
        assert_eq!(display_name("山田太郎 <yamada@example.jp>"), "山田太郎");
        assert_eq!(display_name("bob@example.org"), "bob@example.org");
        assert_eq!(display_name("<x@y.z>"), "<x@y.z>");
    }

    #[test]
    fn links_are_found_once_and_japanese_text_is_safe() {
        let text = "見てください https://a.example/x. 次は (https://b.example) と mailto:c@d.e。あ https://a.example/x";
        assert_eq!(
            links(text),
            ["https://a.example/x", "https://b.example", "mailto:c@d.e"]
        );
        assert!(links("日本語だけ").is_empty());
    }

    #[test]
    fn folded_subject_is_one_line() {
        let s = summarize(b"Subject: one\r\n\ttwo\r\n\r\nbody");
        assert_eq!(s.subject, "one two");
    }
}
