use super::*;
use crate::compose::{Attachment, Draft, Mailbox};
use crate::mail;
use proptest::prelude::*;

fn options(charset: Charset) -> Options {
    Options {
        charset,
        date: DateTime::parse_from_rfc2822("Sat, 05 Dec 2026 09:30:00 +0900").unwrap(),
        message_id: "<test.1@example.jp>".into(),
    }
}

fn draft() -> Draft {
    Draft {
        from: Mailbox::new("山田 太郎", "yamada@example.jp"),
        to: vec![Mailbox::new("佐藤 花子", "sato@example.jp")],
        cc: vec![Mailbox::new("", "cc@example.org")],
        bcc: vec![Mailbox::new("", "hidden@example.org")],
        subject: "会議の資料 🎉".into(),
        body: "お世話になっております。\n絵文字も送ります 🍣\n\n山田\n".into(),
        attachments: vec![Attachment {
            name: "議事録（第２回）.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: (0..=255u8).cycle().take(5000).collect(),
        }],
        in_reply_to: Some("<parent@example.jp>".into()),
        references: vec!["<root@example.jp>".into(), "<parent@example.jp>".into()],
    }
}

/// CRLF only, and no line longer than SMTP allows.
fn assert_wire_safe(bytes: &[u8]) {
    for (i, window) in bytes.windows(2).enumerate() {
        if window[1] == b'\n' {
            assert_eq!(window[0], b'\r', "a bare LF at {i}");
        }
        if window[0] == b'\r' {
            assert_eq!(window[1], b'\n', "a bare CR at {i}");
        }
    }
    for line in bytes.split(|&b| b == b'\n') {
        // 998 characters and the CR.
        assert!(line.len() <= 999, "a line of {} bytes", line.len());
    }
}

/// What was typed comes back exactly through Poplar's own reader, in both charsets:
/// a Japanese subject, a body with 4-byte emoji, a Japanese-named attachment.
#[test]
fn japanese_comes_back_exactly() {
    for charset in [Charset::Utf8, Charset::Iso2022Jp] {
        let draft = draft();
        let built = build(&draft, &options(charset)).unwrap();
        assert_wire_safe(&built.bytes);
        let shown = mail::render(&built.bytes);
        assert_eq!(shown.subject, draft.subject, "{charset:?}");
        assert_eq!(shown.body.trim_end(), draft.body.trim_end(), "{charset:?}");
        assert_eq!(shown.from, "山田 太郎 <yamada@example.jp>");
        assert_eq!(shown.to, "佐藤 花子 <sato@example.jp>");
        assert_eq!(shown.attachments.len(), 1);
        let file = mail::attachment(&built.bytes, 0).unwrap();
        assert_eq!(file.name, "議事録（第２回）.pdf");
        assert_eq!(file.bytes, draft.attachments[0].bytes);
        let facts = mail::thread::facts(&built.bytes);
        assert_eq!(facts.message_id.as_deref(), Some("<test.1@example.jp>"));
        assert_eq!(facts.references, draft.references);
    }
}

/// In ISO-2022-JP mode, text JIS can say goes in JIS; the emoji above went in UTF-8.
#[test]
fn jis_mode_writes_jis_where_it_can() {
    let mut draft = draft();
    draft.subject = "会議の資料".into();
    draft.body = "お世話になっております。\n山田\n".into();
    draft.attachments.clear();
    let built = build(&draft, &options(Charset::Iso2022Jp)).unwrap();
    let text = String::from_utf8(built.bytes.clone()).unwrap();
    assert!(built.bytes.is_ascii());
    assert!(text.contains("Subject: =?ISO-2022-JP?B?"), "{text}");
    assert!(text.contains("charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit"));
    let shown = mail::render(&built.bytes);
    assert_eq!(shown.subject, "会議の資料");
    assert_eq!(shown.body.trim_end(), "お世話になっております。\n山田");

    let built = build(&self::draft(), &options(Charset::Iso2022Jp)).unwrap();
    let text = String::from_utf8(built.bytes).unwrap();
    assert!(
        text.contains("Subject: =?UTF-8?B?"),
        "the emoji has no JIS code"
    );
    assert!(text.contains("text/plain; charset=UTF-8"));
}

#[test]
fn bcc_is_in_the_envelope_only() {
    let built = build(&draft(), &options(Charset::Utf8)).unwrap();
    let text = String::from_utf8(built.bytes).unwrap();
    assert!(!text.contains("hidden@example.org"));
    // No Bcc header (the random Message-ID and base64 text may hold the letters "bcc":
    // looking for them anywhere made this test fail now and then).
    let head = text.split("\r\n\r\n").next().unwrap();
    assert!(
        !head
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc")),
        "{head}"
    );
    assert_eq!(built.sender, "yamada@example.jp");
    assert_eq!(
        built.recipients,
        ["sato@example.jp", "cc@example.org", "hidden@example.org"]
    );
    let mut twice = draft();
    twice.cc.push(Mailbox::new("", "SATO@example.jp"));
    assert_eq!(
        build(&twice, &options(Charset::Utf8))
            .unwrap()
            .recipients
            .len(),
        3
    );
}

#[test]
fn headers_in_order_with_the_date_and_id() {
    let built = build(&draft(), &options(Charset::Utf8)).unwrap();
    let text = String::from_utf8(built.bytes).unwrap();
    assert!(text.starts_with("Date: Sat, 05 Dec 2026 09:30:00 +0900\r\nFrom: "));
    assert!(text.contains("\r\nMessage-ID: <test.1@example.jp>\r\n"));
    assert!(text.contains("\r\nIn-Reply-To: <parent@example.jp>\r\n"));
    assert!(text.contains("\r\nReferences: <root@example.jp>\r\n <parent@example.jp>\r\n"));
    assert!(!text.contains("format=flowed"));
    let id = message_id("me@example.co.jp");
    assert!(
        id.starts_with('<') && id.ends_with("@example.co.jp>"),
        "{id}"
    );
    assert_ne!(id, message_id("me@example.co.jp"));
    assert!(message_id("bad address").ends_with("@poplar.invalid>"));
}

#[test]
fn what_cannot_be_sent_is_refused() {
    let mut d = draft();
    d.from.address.clear();
    assert_eq!(build(&d, &options(Charset::Utf8)), Err(Error::NoSender));
    let mut d = draft();
    (d.to, d.cc, d.bcc) = (vec![], vec![], vec![]);
    assert_eq!(build(&d, &options(Charset::Utf8)), Err(Error::NoRecipient));
    let mut d = draft();
    d.bcc.push(Mailbox::new("", "x@y.z\r\nRCPT TO:<evil@x>"));
    assert!(matches!(
        build(&d, &options(Charset::Utf8)),
        Err(Error::BadAddress(_))
    ));
}

/// A subject, name or attachment name with a line break cannot add a header, and a
/// content type that is not a plain type/subtype is not written.
#[test]
fn nothing_typed_adds_a_header() {
    let mut d = draft();
    d.subject = "hi\r\nBcc: evil@example.org".into();
    d.to[0].name = "x\r\nBcc: evil@example.org".into();
    d.attachments[0].name = "a\r\nBcc: evil@example.org.pdf".into();
    d.attachments[0].content_type = "text/plain\r\nBcc: evil@example.org".into();
    let built = build(&d, &options(Charset::Utf8)).unwrap();
    let text = String::from_utf8(built.bytes).unwrap();
    assert!(!text.contains("\nBcc"), "{text}");
    assert!(text.contains("application/octet-stream"));
    assert!(!built.recipients.iter().any(|r| r.contains("evil")));
}

/// A forwarded message goes byte for byte: 7-bit as it is, 8-bit in base64.
#[test]
fn a_forwarded_message_keeps_its_bytes() {
    for raw in [
        b"From: a@b.c\r\nSubject: plain\r\n\r\nhello\r\n".to_vec(),
        b"From: a@b.c\r\nSubject: \x8a\xbf\x8e\x9a\r\n\r\n\x93\xfa\x96\x7b\r\n".to_vec(),
    ] {
        let mut d = draft();
        d.attachments = vec![Attachment {
            name: "fwd.eml".into(),
            content_type: "message/rfc822".into(),
            bytes: raw.clone(),
        }];
        let built = build(&d, &options(Charset::Utf8)).unwrap();
        assert_wire_safe(&built.bytes);
        assert_eq!(mail::attachment(&built.bytes, 0).unwrap().bytes, raw);
    }
}

/// A body 1,000 times larger than usual (10 MB) and many attachments build in one pass.
#[test]
fn a_large_message() {
    let mut d = draft();
    d.body = "長い本文の行です。\n".repeat(400_000);
    d.attachments = (0..50)
        .map(|i| Attachment {
            name: format!("ファイル{i}.bin"),
            content_type: "application/octet-stream".into(),
            bytes: vec![i as u8; 20_000],
        })
        .collect();
    let built = build(&d, &options(Charset::Iso2022Jp)).unwrap();
    assert_wire_safe(&built.bytes);
    assert_eq!(mail::render(&built.bytes).attachments.len(), 50);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any subject, name and body (no control characters but line breaks) read back as
    /// typed, in either charset.
    #[test]
    fn anything_typed_reads_back(
        subject in "[^\\p{C}]{0,80}",
        name in "[^\\p{C}\"\\\\]{1,120}",
        body in "([^\\p{C}]{0,60}\n){0,8}",
        // Without the characters the reader replaces in file names it saves.
        // begun and ended by a letter or digit (the reader trims dots and spaces there).
        file in "[\\p{L}\\p{N}]([^\\p{C}/\\\\<>:\"|?*]{0,38}[\\p{L}\\p{N}])?",
        jis_asked in any::<bool>(),
    ) {
        let charset = if jis_asked { Charset::Iso2022Jp } else { Charset::Utf8 };
        let tidy = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut d = draft();
        d.subject = subject.clone();
        d.to[0].name = name.clone();
        d.body = body.clone();
        d.attachments[0].name = file.clone();
        let built = build(&d, &options(charset)).unwrap();
        assert_wire_safe(&built.bytes);
        let shown = mail::render(&built.bytes);
        prop_assert_eq!(tidy(&shown.subject), tidy(&subject));
        prop_assert_eq!(shown.body.trim_end(), body.trim_end());
        if !name.trim().is_empty() {
            prop_assert!(shown.to.starts_with(&tidy(&name)), "{} vs {}", shown.to, name);
        }
        if !file.trim().is_empty() {
            prop_assert_eq!(tidy(&mail::attachment(&built.bytes, 0).unwrap().name), tidy(&file));
        }
    }
}
