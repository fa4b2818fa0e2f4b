use super::*;
use crate::mail::thread::facts;

const PARENT: &[u8] = b"From: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\n\
To: me@example.org, Sato <sato@example.jp>\r\n\
Cc: cc@example.org, ME@example.org\r\n\
Subject: Re: RE: Re[2]: =?UTF-8?B?5Lya6K2w?=\r\n\
Message-ID: <p@example.jp>\r\n\
References: <root@example.jp>\r\n\
Date: Thu, 27 Mar 2025 08:26:00 +0000\r\n\r\n\
first line\r\n> earlier quote\r\n\r\nlast\r\n";

fn me() -> Mailbox {
    Mailbox::new("Me", "me@example.org")
}

#[test]
fn subjects_get_one_prefix() {
    assert_eq!(reply_subject("Re: Re: RE: hello"), "Re: hello");
    assert_eq!(reply_subject("Re[3]: AW: Sv: hello"), "Re: hello");
    assert_eq!(reply_subject("Re：返信: 会議"), "Re: 会議");
    assert_eq!(reply_subject("Fwd: news"), "Re: Fwd: news");
    assert_eq!(reply_subject("Rebuild: plan"), "Re: Rebuild: plan");
    assert_eq!(reply_subject(""), "Re: ");
    assert_eq!(forward_subject("Fwd: FW: 転送: report"), "Fwd: report");
    assert_eq!(forward_subject("Re: report"), "Fwd: Re: report");
    // A subject of nothing but prefixes, a million of them, ends in time.
    let many = "Re: ".repeat(250_000);
    assert_eq!(reply_subject(&many), "Re: ");
}

#[test]
fn a_reply_answers_the_sender_in_the_thread() {
    let f = facts(PARENT);
    let draft = reply(&f, &me(), &["me@example.org".into()], false);
    assert_eq!(draft.to, vec![Mailbox::new("山田", "yamada@example.jp")]);
    assert!(draft.cc.is_empty());
    assert_eq!(draft.subject, "Re: 会議");
    assert_eq!(draft.in_reply_to.as_deref(), Some("<p@example.jp>"));
    assert_eq!(draft.references, ["<root@example.jp>", "<p@example.jp>"]);
    assert!(draft.body.contains("山田"), "{}", draft.body);
    assert!(
        draft
            .body
            .contains("\n> first line\n>> earlier quote\n>\n> last\n"),
        "{}",
        draft.body
    );
}

#[test]
fn reply_to_wins_over_from() {
    let raw = b"From: a@example.org\r\nReply-To: list@example.org\r\nSubject: x\r\n\r\nx\r\n";
    let draft = reply(&facts(raw), &me(), &[], false);
    assert_eq!(draft.to, vec![Mailbox::new("", "list@example.org")]);
}

/// Reply to all: everyone else, once each, never oneself (in any case of letters).
#[test]
fn reply_all_copies_everyone_else() {
    let draft = reply(&facts(PARENT), &me(), &["me@example.org".into()], true);
    let cc: Vec<&str> = draft.cc.iter().map(|m| m.address.as_str()).collect();
    assert_eq!(cc, ["sato@example.jp", "cc@example.org"]);
}

/// Answering one's own sent message answers its recipients.
#[test]
fn replying_to_oneself_answers_the_recipients() {
    let raw = b"From: me@example.org\r\nTo: you@example.org\r\nSubject: x\r\n\r\nx\r\n";
    let draft = reply(&facts(raw), &me(), &["me@example.org".into()], false);
    assert_eq!(draft.to, vec![Mailbox::new("", "you@example.org")]);
}

#[test]
fn forwards() {
    let f = facts(PARENT);
    let inline = forward_inline(&f, &me(), vec![]);
    assert_eq!(inline.subject, "Fwd: Re: 会議");
    assert!(inline.to.is_empty() && inline.in_reply_to.is_none());
    assert!(inline.body.contains("yamada@example.jp"));
    assert!(inline.body.contains("first line\n> earlier quote"));
    let attached = forward_attached(&f, PARENT, &me());
    assert_eq!(attached.attachments[0].bytes, PARENT);
    assert_eq!(attached.attachments[0].content_type, "message/rfc822");
    assert_eq!(attached.attachments[0].name, "Re_ RE_ Re[2]_ 会議.eml");
}

/// A sender Poplar cannot read (a quoted local part, an undisclosed group) leaves To
/// empty: it never turns into a reply to everyone else the stranger wrote to.
#[test]
fn an_unreadable_sender_is_not_replaced_by_everyone_else() {
    let raw = b"From: \"john doe\"@example.com\r\nTo: me@example.org, third@example.org\r\nSubject: x\r\n\r\nx\r\n";
    let draft = reply(&facts(raw), &me(), &["me@example.org".into()], false);
    assert!(draft.to.is_empty(), "{:?}", draft.to);
}

/// Reply to all of 100,000 addresses is one pass (a set), and the list read is capped.
#[test]
fn reply_all_to_a_crowd() {
    let mut raw = b"From: a@example.org\r\nSubject: x\r\nCc: ".to_vec();
    for i in 0..100_000 {
        raw.extend_from_slice(format!("p{i}@example.org, ").as_bytes());
    }
    raw.extend_from_slice(b"last@example.org\r\n\r\nx\r\n");
    let draft = reply(&facts(&raw), &me(), &["me@example.org".into()], true);
    assert_eq!(draft.cc.len(), 1000);
}
