//! What answering or forwarding a message needs from it: who wrote it and to whom (as
//! addresses, names decoded as for display), where replies go, its Message-ID and the
//! thread before it. A stranger writes all of this: ids that are not plain are dropped,
//! and a thread is cut to a few dozen ids.

use mail_parser::{Address, HeaderName, HeaderValue, MessageParser};

use super::{clean, prepared, render, with_addresses};

/// One address: (display name, address).
pub type Person = (String, String);

/// The most ids a reply's References carries: the first of the thread and the newest.
const MOST_REFERENCES: usize = 30;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub from: Vec<Person>,
    pub reply_to: Vec<Person>,
    pub to: Vec<Person>,
    pub cc: Vec<Person>,
    pub subject: String,
    pub date: Option<i64>,
    /// The Message-ID with its angle brackets, if it is a plain one.
    pub message_id: Option<String>,
    /// The thread this message answers, oldest first (plain ids only).
    pub references: Vec<String>,
    /// The text as the reading pane shows it.
    pub body: String,
}

/// The facts of `raw`, as far as they can be read.
pub fn facts(raw: &[u8]) -> Facts {
    let rendered = render(raw);
    let fixed = prepared(raw);
    let Some(message) = MessageParser::default().parse_headers(&*fixed) else {
        return Facts {
            subject: rendered.subject,
            body: rendered.body,
            ..Facts::default()
        };
    };
    let people = |name| with_addresses(&fixed, &message, name, people).unwrap_or_default();
    let message_id = message.message_id().and_then(plain_id);
    let mut references: Vec<String> = ids(message.references());
    if references.is_empty() {
        // A reply from a program that sets only In-Reply-To still has a thread.
        references = ids(message.in_reply_to());
    }
    if references.len() > MOST_REFERENCES {
        let newest = references.split_off(references.len() - (MOST_REFERENCES - 1));
        references.truncate(1);
        references.extend(newest);
    }
    Facts {
        from: people(HeaderName::From),
        reply_to: people(HeaderName::ReplyTo),
        to: people(HeaderName::To),
        cc: people(HeaderName::Cc),
        subject: rendered.subject,
        date: rendered.date,
        message_id,
        references,
        body: rendered.body,
    }
}

/// At most this many people are read from one field (a reply to all of them would be
/// refused by any server anyway), each name at most this many characters.
const MOST_PEOPLE: usize = 1000;
const LONGEST_NAME: usize = 200;

fn people(address: Option<&Address>) -> Vec<Person> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|addr| {
            let mail = addr.address.as_deref()?.trim();
            crate::compose::headers::is_sendable(mail).then(|| {
                let name = addr.name.as_deref().map(clean).unwrap_or_default();
                (name.chars().take(LONGEST_NAME).collect(), mail.to_string())
            })
        })
        .take(MOST_PEOPLE)
        .collect()
}

/// `<id>` when `id` is plain printable ASCII with an `@` (anything else could carry a
/// line break or a bracket into the reply's headers).
fn plain_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let plain = id.len() <= 250
        && id.contains('@')
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    plain.then(|| format!("<{id}>"))
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => plain_id(id).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| plain_id(id)).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_facts_of_a_reply() {
        let raw = b"From: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\n\
Reply-To: list@example.jp\r\n\
To: me@example.org, Other <other@example.org>\r\n\
Cc: third@example.org\r\n\
Subject: =?UTF-8?B?5Lya6K2w?=\r\n\
Message-ID: <abc@example.jp>\r\n\
References: <one@x> <two@x>\r\n\
Date: Thu, 27 Mar 2025 08:26:00 +0000\r\n\r\nHello\r\n";
        let f = facts(raw);
        assert_eq!(f.from, vec![("山田".into(), "yamada@example.jp".into())]);
        assert_eq!(f.reply_to, vec![(String::new(), "list@example.jp".into())]);
        assert_eq!(f.to.len(), 2);
        assert_eq!(f.cc, vec![(String::new(), "third@example.org".into())]);
        assert_eq!(f.subject, "会議");
        assert_eq!(f.message_id.as_deref(), Some("<abc@example.jp>"));
        assert_eq!(f.references, vec!["<one@x>", "<two@x>"]);
        assert!(f.body.contains("Hello"));
    }

    /// Ids that could carry anything into a reply's headers are dropped, and a thread of
    /// 100,000 ids is cut to the first and the newest.
    #[test]
    fn hostile_ids_are_dropped_and_threads_cut() {
        let mut raw = b"From: a@b.c\r\nMessage-ID: <bad id@x>\r\nReferences:".to_vec();
        for i in 0..100_000 {
            raw.extend_from_slice(format!(" <r{i}@x>").as_bytes());
        }
        raw.extend_from_slice(b"\r\n\r\nx\r\n");
        let f = facts(&raw);
        assert_eq!(f.message_id, None);
        assert_eq!(f.references.len(), MOST_REFERENCES);
        assert_eq!(f.references[0], "<r0@x>");
        assert_eq!(f.references.last().unwrap(), "<r99999@x>");
        let encoded = b"From: a@b.c\r\nMessage-ID: =?UTF-8?B?PGFAYj4NCkJjYzogeEB5?=\r\n\r\nx\r\n";
        assert_eq!(facts(encoded).message_id, None);
        assert_eq!(plain_id("<a@b>\r\nBcc: x@y"), None);
    }
}
