//! Turning raw message bytes into what the list and the reading pane show.
//! Parsing never fails: broken mail still yields something readable.

pub mod html;

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
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its position among the message's attachments (for [`attachment`]).
    pub index: usize,
    pub name: String,
    pub size: usize,
}

/// The name and decoded bytes of attachment number `index`.
pub fn attachment(raw: &[u8], index: usize) -> Option<(String, Vec<u8>)> {
    let message = MessageParser::default().parse(raw)?;
    let part = message.attachment(index as u32)?;
    let name = part
        .attachment_name()
        .map(clean)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("attachment-{}", index + 1));
    Some((safe_file_name(&name), part.contents().to_vec()))
}

/// The characters of `name` with those that are not allowed (or are dangerous) in file
/// names on Windows, macOS or Linux replaced by '_'.
pub fn file_name_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().map(|c| match c {
        '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
        c if c.is_control() => '_',
        c => c,
    })
}

/// A file name that cannot leave the folder it is saved in.
fn safe_file_name(name: &str) -> String {
    let name: String = file_name_chars(name).collect();
    let name = name.trim().trim_start_matches('.').to_string();
    if name.is_empty() {
        "attachment".into()
    } else {
        name
    }
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

pub fn summarize(raw: &[u8]) -> Summary {
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
    let Some(message) = MessageParser::default().parse(raw) else {
        // Not even headers: show the bytes as text rather than nothing.
        return Rendered {
            body: String::from_utf8_lossy(raw).into_owned(),
            ..Rendered::default()
        };
    };
    let mut body = String::new();
    for i in 0..message.text_body_count() {
        let text = match message.text_part(i as u32).map(|p| &p.body) {
            Some(PartType::Text(text)) => text.to_string(),
            Some(PartType::Html(html)) => html::to_text(html),
            _ => continue,
        };
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&text);
    }
    let attachments = message
        .attachments()
        .enumerate()
        .map(|(index, part)| Attachment {
            index,
            name: part
                .attachment_name()
                .map(clean)
                .unwrap_or_else(|| "(unnamed)".to_string()),
            size: part.len(),
        })
        .collect::<Vec<_>>();
    if message.text_body_count() == 0 && attachments.is_empty() {
        // Nothing recognisable as a body: the bytes themselves are the best we can show.
        body = String::from_utf8_lossy(raw).into_owned();
    }
    Rendered {
        from: format_address(message.from()),
        to: format_address(message.to()),
        cc: format_address(message.cc()),
        subject: clean(message.subject().unwrap_or_default()),
        date: message.date().map(|d| d.to_timestamp()),
        body: body.replace("\r\n", "\n"),
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
