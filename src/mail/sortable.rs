//! What sorting rules look at in a message: its headers decoded as the reading pane
//! decodes them (raw Shift_JIS or EUC-JP bytes and encoded words alike), To and Cc as
//! the pane shows them, and its text when a rule asks for it.

use mail_parser::{HeaderName, MessageParser};

use super::{Summary, addresses, prepared, unstructured, words};
use crate::accounts::AccountId;
use crate::rules::Facts;

/// One message, read for the rules.
#[derive(Debug, Clone, Default)]
pub struct Sortable {
    pub from: String,
    pub to_cc: String,
    pub subject: String,
    /// Every header: (name, decoded value).
    pub headers: Vec<(String, String)>,
    /// None when not read (no rule asks) or not here (headers only).
    pub body: Option<String>,
    pub has_attachment: Option<bool>,
    pub size: u64,
}

impl Sortable {
    pub fn facts(&self, account: Option<AccountId>) -> Facts<'_> {
        Facts {
            account,
            from: &self.from,
            to_cc: &self.to_cc,
            subject: &self.subject,
            headers: &self.headers,
            body: self.body.as_deref(),
            size: self.size,
            has_attachment: self.has_attachment,
        }
    }
}

/// `raw` read for the rules; its text and attachments too when `text` (and the whole
/// message is here: `size` is its size on the server).
pub fn sortable(raw: &[u8], size: u64, text: bool) -> Sortable {
    read(raw, size, text, None)
        .map(|(s, _)| s)
        .unwrap_or_else(|| unreadable(size))
}

/// What the fetch reads of a message as it arrives, from one parse: the list's summary
/// (as [`super::summarize`] gives it) and the message read for the rules, of its headers
/// only those named in `names` (lower case) besides From, To, Cc and Subject.
pub fn sortable_and_summary(
    raw: &[u8],
    size: u64,
    text: bool,
    names: &[String],
) -> (Sortable, Summary) {
    read(raw, size, text, Some(names)).unwrap_or_else(|| (unreadable(size), Summary::default()))
}

fn unreadable(size: u64) -> Sortable {
    Sortable {
        size,
        ..Sortable::default()
    }
}

/// `names`: the headers decoded into [`Sortable::headers`] (None: all of them).
fn read(
    raw: &[u8],
    size: u64,
    text: bool,
    names: Option<&[String]>,
) -> Option<(Sortable, Summary)> {
    let fixed = prepared(raw);
    let readable = &*fixed;
    // With the text, one whole parse serves the headers and the text alike.
    let message = if text {
        MessageParser::default().parse(readable)
    } else {
        MessageParser::default().parse_headers(readable)
    }?;
    let decoded = |h: &mail_parser::Header<'_>| {
        let value = readable.get(h.offset_start as usize..h.offset_end as usize)?;
        Some(words::unstructured(value).trim().to_string())
    };
    let headers: Vec<(String, String)> = message
        .headers()
        .iter()
        .filter(|h| {
            names.is_none_or(|names| {
                let name = h.name.as_str();
                names.iter().any(|n| n.eq_ignore_ascii_case(name))
            })
        })
        .filter_map(|h| Some((h.name.as_str().to_string(), decoded(h)?)))
        .collect();
    let subject = message
        .headers()
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case("subject"))
        .and_then(decoded)
        .unwrap_or_default();
    let from = addresses(readable, &message, HeaderName::From);
    let to = addresses(readable, &message, HeaderName::To);
    let cc = addresses(readable, &message, HeaderName::Cc);
    let to_cc = match (to.is_empty(), cc.is_empty()) {
        (false, false) => format!("{to}, {cc}"),
        (true, _) => cc,
        (false, true) => to.clone(),
    };
    let (body, has_attachment) = if text {
        let (body, attached) = super::text_for_rules(readable, &message);
        (Some(body), Some(attached))
    } else {
        (None, None)
    };
    let summary = Summary {
        from: from.clone(),
        to,
        subject: unstructured(readable, message.headers(), &HeaderName::Subject),
        date: message.date().map(mail_parser::DateTime::to_timestamp),
    };
    let sortable = Sortable {
        from,
        to_cc,
        subject,
        headers,
        body,
        has_attachment,
        size,
    };
    Some((sortable, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_headers_are_read_decoded() {
        // The subject in ISO-2022-JP as an encoded word, a header in raw Shift_JIS.
        let mut raw = b"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\r\n\
To: a@example.org\r\nCc: b@example.org\r\n\
Subject: =?ISO-2022-JP?B?GyRCMnE1RBsoQg==?=\r\nX-Team: "
            .to_vec();
        raw.extend_from_slice(&[0x89, 0x63, 0x8b, 0xc6]); // 営業 in Shift_JIS
        raw.extend_from_slice(b"\r\n\r\nbody\r\n");
        let s = sortable(&raw, 99, true);
        assert_eq!(s.subject, "会議");
        assert!(s.from.contains("山田"), "{}", s.from);
        assert_eq!(s.to_cc, "a@example.org, b@example.org");
        let team = s.headers.iter().find(|(n, _)| n == "X-Team").unwrap();
        assert_eq!(team.1, "営業");
        assert_eq!(s.body.as_deref().map(str::trim), Some("body"));
        assert_eq!(s.has_attachment, Some(false));
        assert_eq!(s.size, 99);
    }

    /// Header lines a message may be made of: encoded words in three charsets, raw
    /// Shift_JIS, folding, repeats, broken encodings.
    const LINES: &[&[u8]] = &[
        b"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>",
        b"From: \x83\x65\x83\x58\x83\x67 <sjis@example.jp>",
        b"To: a@example.org, =?UTF-8?B?5bGx55Sw?= <b@example.org>",
        b"Cc: c@example.org",
        b"Subject: =?ISO-2022-JP?B?GyRCMnE1RBsoQg==?=",
        b"Subject: =?Shift_JIS?B?g2WDWINn?= again",
        b"Subject: plain\r\n folded",
        b"Subject: =?UTF-8?Q?broken=ZZ?=",
        b"X-Mailer: tool 7",
        b"X-Team: \x89\x63\x8b\xc6",
        b"Date: Mon, 7 Dec 2026 04:00:00 +0900",
        b"Date: not a date",
        b"Content-Type: multipart/mixed; boundary=b",
        b"Content-Type: text/plain; charset=euc-jp",
    ];

    fn message(lines: &[usize], body: &[u8]) -> Vec<u8> {
        let mut raw = Vec::new();
        for &i in lines {
            let line = LINES[i % LINES.len()];
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(body);
        raw
    }

    proptest::proptest! {
        /// The fetch's one parse gives what the two it replaces gave: the summary of the
        /// header block, and the rules' reading with only the named headers decoded.
        #[test]
        fn one_parse_reads_as_two(
            lines in proptest::collection::vec(0usize..64, 0..12),
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            text in proptest::bool::ANY,
        ) {
            let raw = message(&lines, &body);
            let names = vec!["x-team".to_string(), "date".to_string()];
            let (fetched, summary) = sortable_and_summary(&raw, 77, text, &names);
            let mut head = crate::store::HeaderCapture::default();
            head.push(&raw);
            proptest::prop_assert_eq!(summary, super::super::summarize(head.bytes()));
            let whole = sortable(&raw, 77, text);
            proptest::prop_assert_eq!(&fetched.from, &whole.from);
            proptest::prop_assert_eq!(&fetched.to_cc, &whole.to_cc);
            proptest::prop_assert_eq!(&fetched.subject, &whole.subject);
            proptest::prop_assert_eq!(&fetched.body, &whole.body);
            proptest::prop_assert_eq!(fetched.has_attachment, whole.has_attachment);
            let named: Vec<_> = whole
                .headers
                .into_iter()
                .filter(|(n, _)| names.contains(&n.to_ascii_lowercase()))
                .collect();
            proptest::prop_assert_eq!(fetched.headers, named);
        }
    }
}
