//! The drafts that answering starts from: reply (to Reply-To, else From), reply to all
//! (everyone else in Cc, never oneself), forward inline or as an attached message. The
//! subject gets one "Re: " or "Fwd: ", never a stack of them; a reply carries the thread
//! in In-Reply-To and References and quotes the text with "> " under a line saying who
//! wrote it, in the window's language.

use super::{Attachment, Draft, Mailbox};
use crate::mail::thread::{Facts, Person};
use crate::t;

/// Prefixes a reply or forward adds, in the spellings mail programs use (Japanese ones
/// included), any number of times, with a count ("Re[2]:") or a full-width colon.
const REPLY: &[&str] = &["re", "aw", "sv", "返信", "返"];
const FORWARD: &[&str] = &["fwd", "fw", "転送", "wg", "tr"];

/// `subject` without the prefixes in `kinds` at its start (nor the spaces after them).
fn strip<'a>(mut subject: &'a str, kinds: &[&[&str]]) -> &'a str {
    loop {
        let trimmed = subject.trim_start();
        let found = kinds.iter().flat_map(|k| k.iter()).find_map(|prefix| {
            let head = trimmed.get(..prefix.len())?;
            if !head.eq_ignore_ascii_case(prefix) {
                return None;
            }
            let mut rest = &trimmed[prefix.len()..];
            // A count: Re[2]: or Re(2):
            if let Some(open) = rest.strip_prefix(['[', '(']) {
                let digits = open.trim_start_matches(|c: char| c.is_ascii_digit());
                rest = digits.strip_prefix([']', ')'])?;
            }
            rest.strip_prefix([':', '：'])
        });
        match found {
            Some(rest) => subject = rest,
            None => return trimmed,
        }
    }
}

/// "Re: " and the subject without any earlier reply prefix.
pub fn reply_subject(subject: &str) -> String {
    format!("Re: {}", strip(subject, &[REPLY]))
}

/// "Fwd: " and the subject without any earlier forward prefix (a stack of reply
/// prefixes under it becomes one "Re: ").
pub fn forward_subject(subject: &str) -> String {
    let rest = strip(subject, &[FORWARD]);
    let bare = strip(rest, &[REPLY]);
    if bare.len() == rest.len() {
        format!("Fwd: {rest}")
    } else {
        format!("Fwd: Re: {bare}")
    }
}

fn mailbox((name, address): &Person) -> Mailbox {
    Mailbox::new(name.clone(), address.clone())
}

fn is_me(address: &str, me: &[String]) -> bool {
    me.iter().any(|m| m.eq_ignore_ascii_case(address))
}

/// An address as compared: letters in one case.
fn key(address: &str) -> String {
    address.to_ascii_lowercase()
}

/// A reply to `parent` from `from`; with `all`, everyone else it went to is in Cc.
/// `me` are the addresses that are the user's own (never answered to).
pub fn reply(parent: &Facts, from: &Mailbox, me: &[String], all: bool) -> Draft {
    let mut to: Vec<Mailbox> = if parent.reply_to.is_empty() {
        parent.from.iter().map(mailbox).collect()
    } else {
        parent.reply_to.iter().map(mailbox).collect()
    };
    // Answering one's own message answers its recipients. A sender Poplar could not
    // read leaves To empty (for the person to fill in), never everyone else.
    if !to.is_empty() && to.iter().all(|m| is_me(&m.address, me)) && !parent.to.is_empty() {
        to = parent.to.iter().map(mailbox).collect();
    }
    let mut cc = Vec::new();
    if all {
        // A set, so that a message to 300,000 people is answered in one pass.
        let mut known: std::collections::HashSet<String> =
            to.iter().map(|m| key(&m.address)).collect();
        known.extend(me.iter().map(|m| key(m)));
        for person in parent.to.iter().chain(&parent.cc) {
            if known.insert(key(&person.1)) {
                cc.push(mailbox(person));
            }
        }
    }
    let mut references = parent.references.clone();
    if let Some(id) = &parent.message_id {
        references.push(id.clone());
    }
    Draft {
        from: from.clone(),
        to,
        cc,
        subject: reply_subject(&parent.subject),
        body: quoted(parent),
        in_reply_to: parent.message_id.clone(),
        references,
        ..Draft::default()
    }
}

/// "On DATE, NAME wrote:" and the text with "> " before each line.
fn quoted(parent: &Facts) -> String {
    let who = parent
        .from
        .first()
        .map(|(name, address)| {
            if name.is_empty() {
                address.clone()
            } else {
                name.clone()
            }
        })
        .unwrap_or_default();
    let date = parent
        .date
        .map(crate::mail::format_date)
        .unwrap_or_default();
    let mut body = String::from("\n\n");
    body.push_str(&t!("reply-wrote", date = date, name = who));
    body.push('\n');
    for line in parent.body.lines() {
        body.push('>');
        if !line.is_empty() && !line.starts_with('>') {
            body.push(' ');
        }
        body.push_str(line);
        body.push('\n');
    }
    body
}

/// A forward of `parent`, its text inline under a short header block and its
/// attachments (`attachments`, the parent's files) attached again.
pub fn forward_inline(parent: &Facts, from: &Mailbox, attachments: Vec<Attachment>) -> Draft {
    let people = |list: &[Person]| {
        list.iter()
            .map(|(name, address)| {
                if name.is_empty() {
                    address.clone()
                } else {
                    format!("{name} <{address}>")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut body = format!("\n\n{}\n", t!("forward-title"));
    let mut line = |label: String, value: String| {
        if !value.is_empty() {
            body.push_str(&format!("{label}: {value}\n"));
        }
    };
    line(t!("header-subject"), parent.subject.clone());
    line(
        t!("header-date"),
        parent
            .date
            .map(crate::mail::format_date)
            .unwrap_or_default(),
    );
    line(t!("header-from"), people(&parent.from));
    line(t!("header-to"), people(&parent.to));
    line(t!("header-cc"), people(&parent.cc));
    body.push('\n');
    body.push_str(&parent.body);
    Draft {
        from: from.clone(),
        subject: forward_subject(&parent.subject),
        body,
        attachments,
        ..Draft::default()
    }
}

/// A forward of `raw` (whose facts are `parent`) as an attached message, byte for byte.
pub fn forward_attached(parent: &Facts, raw: &[u8], from: &Mailbox) -> Draft {
    let stem: String = parent
        .subject
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    let name = if stem.trim().is_empty() {
        "message.eml".to_string()
    } else {
        format!("{}.eml", stem.trim())
    };
    Draft {
        from: from.clone(),
        subject: forward_subject(&parent.subject),
        attachments: vec![Attachment {
            name,
            content_type: "message/rfc822".into(),
            bytes: raw.to_vec(),
        }],
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests;
