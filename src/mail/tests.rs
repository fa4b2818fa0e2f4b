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

/// Header fields of `n` unfinished encoded words each, in the places mail-parser
/// decodes them: (what, message).
fn hostile_headers(n: usize) -> Vec<(&'static str, Vec<u8>)> {
    let words = "=?ab?q?x ".repeat(n);
    let folded = "=?ab?q?x\r\n ".repeat(n);
    vec![
        ("subject", format!("Subject: {words}\r\n\r\nbody\r\n")),
        (
            "folded subject",
            format!("Subject: {folded}x\r\n\r\nbody\r\n"),
        ),
        (
            "from",
            format!("From: {words}<a@b.example>\r\n\r\nbody\r\n"),
        ),
        ("list header", format!("List-Id: {words}\r\n\r\nbody\r\n")),
        (
            "attachment name in a part",
            format!(
                "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
                     Content-Type: text/plain\r\n\r\nhi\r\n--b\r\n\
                     Content-Type: application/pdf; name=\"{words}\"\r\n\r\nx\r\n--b--\r\n"
            ),
        ),
    ]
    .into_iter()
    .map(|(what, m)| (what, m.into_bytes()))
    .collect()
}

/// 50,000 unfinished encoded words in one field (450 KB) took mail-parser minutes
/// (it rereads the field from each of them); defused, milliseconds.
#[test]
fn thousands_of_encoded_words_in_a_header_parse_in_linear_time() {
    for (what, raw) in hostile_headers(50_000) {
        let started = std::time::Instant::now();
        let summary = summarize(&raw);
        let rendered = render(&raw);
        let took = started.elapsed();
        eprintln!("{what}: {} bytes in {took:?}", raw.len());
        assert!(
            took < std::time::Duration::from_secs(10),
            "{what}: {} bytes took {took:?}",
            raw.len()
        );
        if what == "subject" {
            // Shown as the text it is, without the mark that defused it.
            assert!(summary.subject.starts_with("=?ab?q?x =?ab?q?x"), "{what}");
            assert_eq!(rendered.body.trim(), "body");
        }
    }
}

#[test]
fn encoded_words_that_end_are_decoded_and_open_ones_are_text() {
    let raw = b"Subject: =?utf-8?q?caf=C3=A9?= =?UTF-8?B?5Lya6K2w?=\r\n\
            From: =?iso-8859-1?q?J=F6rg M=FCller?= <j@example.de>\r\n\r\nx\r\n";
    assert_eq!(defuse_encoded_words(raw), None);
    let s = summarize(raw);
    assert_eq!(s.subject, "café会議");
    assert_eq!(s.from, "Jörg Müller <j@example.de>");
    // The first word is still open where the second begins; the second one ends.
    let raw = b"Subject: =?ab?q?x =?utf-8?q?caf=C3=A9?=\r\n\r\nx\r\n";
    let defused = defuse_encoded_words(raw).unwrap();
    assert_eq!(
        defused,
        "Subject: =\u{200b}?ab?q?x =?utf-8?q?caf=C3=A9?=\r\n\r\nx\r\n".as_bytes()
    );
    assert_eq!(summarize(raw).subject, "=?ab?q?x café");
    // Lines without a ':' are no header field; a lone open word is harmless.
    assert_eq!(defuse_encoded_words(b"a =?ab?q?x =?ab?q?y\r\n"), None);
    assert_eq!(defuse_encoded_words(b"Subject: =?ab?q?x\r\n"), None);
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    fn header_soup() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(&b"=?"[..]),
            Just(&b"?="[..]),
            Just(&b"?"[..]),
            Just(&b"="[..]),
            Just(&b"ab"[..]),
            Just(&b"utf-8"[..]),
            Just(&b"?q?"[..]),
            Just(&b"?B?"[..]),
            Just(&b"5Lya"[..]),
            Just(&b"=C3=A9"[..]),
            Just(&b"\r\n "[..]),
            Just(&b"\r\n"[..]),
            Just(&b"Subject: "[..]),
            Just(&b"From: "[..]),
            Just(&b"Content-Type: multipart/mixed; boundary=b; name="[..]),
            Just(&b"\r\n--b\r\n"[..]),
            Just(&b"<a@b>"[..]),
            Just(&b"\""[..]),
            Just(&b" "[..]),
            Just(&b"\x93\xe9"[..]),
        ];
        prop::collection::vec(piece, 0..120).prop_map(|p| p.concat())
    }

    proptest! {
        /// The fast line-end conversion is `replace` (CR, LF, and other text mixed).
        #[test]
        fn lf_lines_is_replace(text in "[\r\na\u{3042}]{0,40}") {
            prop_assert_eq!(super::super::lf_lines(&text), text.replace("\r\n", "\n"));
        }

        #[test]
        fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = summarize(&raw);
            let r = render(&raw);
            let _ = attachment(&raw, 0);
            let _ = links(&r.body);
        }

        #[test]
        fn header_soup_never_panics_and_defusing_only_adds_the_invisible_mark(
            raw in header_soup()
        ) {
            let _ = summarize(&raw);
            let _ = render(&raw);
            if let Some(defused) = defuse_encoded_words(&raw) {
                let mark = super::super::defuse::DEFUSED.as_bytes();
                let mut back = Vec::new();
                let mut i = 0;
                while i < defused.len() {
                    if defused[i..].starts_with(mark) && i > 0 && defused[i - 1] == b'=' {
                        i += mark.len();
                    } else {
                        back.push(defused[i]);
                        i += 1;
                    }
                }
                prop_assert_eq!(back, raw);
            }
        }

        #[test]
        fn links_are_pieces_of_the_text(text in "\\PC{0,300}|(https?://[a-z.]{1,8}[ /<>\"(),.]?){0,60}") {
            let found = links(&text);
            prop_assert!(found.len() <= 50);
            for link in &found {
                prop_assert!(text.contains(link.as_str()));
                prop_assert!(found.iter().filter(|l| *l == link).count() == 1);
            }
        }
    }
}

#[test]
fn folded_subject_is_one_line() {
    let s = summarize(b"Subject: one\r\n\ttwo\r\n\r\nbody");
    assert_eq!(s.subject, "one two");
}
