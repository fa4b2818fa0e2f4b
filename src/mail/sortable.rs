//! What sorting rules look at in a message: its headers decoded as the reading pane
//! decodes them (raw Shift_JIS or EUC-JP bytes and encoded words alike), To and Cc as
//! the pane shows them, and its text when a rule asks for it.

use mail_parser::{HeaderName, MessageParser};

use super::{addresses, prepared, words};
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
    let fixed = prepared(raw);
    let readable = &*fixed;
    // With the text, one whole parse serves the headers and the text alike.
    let parsed = if text {
        MessageParser::default().parse(readable)
    } else {
        MessageParser::default().parse_headers(readable)
    };
    let Some(message) = parsed else {
        return Sortable {
            size,
            ..Sortable::default()
        };
    };
    let headers: Vec<(String, String)> = message
        .headers()
        .iter()
        .filter_map(|h| {
            let value = readable.get(h.offset_start as usize..h.offset_end as usize)?;
            let value = words::unstructured(value).trim().to_string();
            Some((h.name.as_str().to_string(), value))
        })
        .collect();
    let to = addresses(readable, &message, HeaderName::To);
    let cc = addresses(readable, &message, HeaderName::Cc);
    let to_cc = match (to.is_empty(), cc.is_empty()) {
        (false, false) => format!("{to}, {cc}"),
        (true, _) => cc,
        (false, true) => to,
    };
    let (body, has_attachment) = if text {
        let (body, attached) = super::text_for_rules(readable, &message);
        (Some(body), Some(attached))
    } else {
        (None, None)
    };
    Sortable {
        from: addresses(readable, &message, HeaderName::From),
        to_cc,
        subject: headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("subject"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        headers,
        body,
        has_attachment,
        size,
    }
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
}
