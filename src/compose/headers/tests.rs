use super::*;
use proptest::prelude::*;

/// Every encoded word of a header value: at most 75 characters, decodable alone, and
/// together the text they were made from.
fn decode_words(value: &str) -> String {
    let mut text = String::new();
    for word in value.split("\r\n ").flat_map(|line| line.split(' ')) {
        assert!(word.len() <= WORD, "{word} is {} long", word.len());
        let inner = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .unwrap_or_else(|| panic!("not an encoded word: {word:?}"));
        let (charset, rest) = inner.split_once("?B?").unwrap();
        let bytes = BASE64.decode(rest).unwrap();
        let decoded = match charset {
            "UTF-8" => String::from_utf8(bytes).expect("a word never splits a character"),
            "ISO-2022-JP" => {
                let (text, malformed) =
                    encoding_rs::ISO_2022_JP.decode_without_bom_handling(&bytes);
                assert!(!malformed, "a JIS word is whole");
                // A word ends in ASCII (RFC 1468): its last escape, if any, is ESC ( B;
                // ASCII may follow it ("ぁA" ends "ESC ( B A").
                let last_escape = bytes.iter().rposition(|b| *b == 0x1b);
                assert!(
                    last_escape.is_none_or(|i| bytes[i..].starts_with(b"\x1b(B")),
                    "a JIS word ends in ASCII: {bytes:?}"
                );
                text.into_owned()
            }
            other => panic!("charset {other}"),
        };
        text.push_str(&decoded);
    }
    text
}

#[test]
fn japanese_in_both_charsets() {
    let subject = "明日の会議について、資料を添付します（第２版）";
    let utf8 = unstructured(subject, Charset::Utf8, 9);
    assert!(utf8.starts_with("=?UTF-8?B?"));
    assert_eq!(decode_words(&utf8), subject);
    let jis = unstructured(subject, Charset::Iso2022Jp, 9);
    assert!(jis.starts_with("=?ISO-2022-JP?B?"), "{jis}");
    assert_eq!(decode_words(&jis), subject);
    for (i, line) in jis.split("\r\n").enumerate() {
        let used = if i == 0 { 9 } else { 0 };
        assert!(used + line.len() <= 76, "{line}");
    }
}

/// A character JIS has no code for sends the whole field in UTF-8 rather than losing it.
#[test]
fn what_jis_cannot_say_goes_in_utf8() {
    for text in ["会議 🎉", "ｶﾀｶﾅ", "Ünïcödé 日本"] {
        assert_eq!(jis(text), None, "{text}");
        let value = unstructured(text, Charset::Iso2022Jp, 9);
        assert!(value.starts_with("=?UTF-8?B?"), "{value}");
        assert_eq!(decode_words(&value), text);
    }
    assert!(jis("日本語").is_some());
}

/// Nothing typed into a field can start a header of its own.
#[test]
fn line_breaks_and_lookalike_words_are_encoded() {
    for text in [
        "x\r\nBcc: evil@example.org",
        "x\nBcc: evil@example.org",
        "=?UTF-8?B?abc?=",
        "tab\there",
    ] {
        let value = unstructured(text, Charset::Utf8, 9);
        assert!(
            !value.contains("\r\nBcc") && !value.contains("\nBcc"),
            "{value}"
        );
        if text.contains(['\r', '\n']) || text.contains("=?") {
            assert_eq!(decode_words(&value), text);
        }
    }
    assert_eq!(
        unstructured("Plain words stay plain", Charset::Utf8, 9),
        "Plain words stay plain"
    );
}

#[test]
fn no_folded_line_is_only_spaces() {
    for text in ["a".repeat(70) + "          b", "x ".repeat(50) + "     "] {
        let value = unstructured(&text, Charset::Utf8, 9);
        for line in value.split("\r\n") {
            assert!(!line.trim().is_empty(), "{value:?}");
        }
        assert_eq!(value.replace("\r\n", ""), text);
    }
}

#[test]
fn long_ascii_folds_at_spaces() {
    let text = "word ".repeat(40);
    let value = unstructured(text.trim(), Charset::Utf8, 9);
    let lines: Vec<&str> = value.split("\r\n").collect();
    assert!(lines.len() > 2);
    assert!(lines.iter().all(|l| l.len() <= LINE), "{lines:?}");
    assert_eq!(value.replace("\r\n", ""), text.trim());
}

#[test]
fn display_names() {
    assert_eq!(phrase("Taro Yamada", Charset::Utf8, 6), "Taro Yamada");
    assert_eq!(phrase("Yamada, Taro", Charset::Utf8, 6), "\"Yamada, Taro\"");
    assert_eq!(
        phrase("a \"b\" \\c", Charset::Utf8, 6),
        "\"a \\\"b\\\" \\\\c\""
    );
    assert_eq!(
        decode_words(&phrase("山田 太郎", Charset::Utf8, 6)),
        "山田 太郎"
    );
    let list = addresses(
        &[
            Mailbox::new("山田 太郎", "yamada@example.jp"),
            Mailbox::new("", "b@example.org"),
        ],
        Charset::Utf8,
        4,
    );
    assert!(
        list.ends_with("<yamada@example.jp>, b@example.org"),
        "{list}"
    );
}

#[test]
fn sendable_addresses() {
    for good in ["a@b.c", "first.last+tag@example.co.jp", "x@localhost"] {
        assert!(is_sendable(good), "{good}");
    }
    for bad in [
        "",
        "a",
        "@b.c",
        "a@",
        "a b@c.d",
        "a@b.c\r\nBcc: x@y",
        "<a@b.c>",
        "山田@example.jp",
        "a@b.c,d@e.f",
        "a@.b",
    ] {
        assert!(!is_sendable(bad), "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any text, in either charset: words of at most 75 characters, each whole, that
    /// decode to exactly the text.
    #[test]
    fn any_text_survives_encoding(text in "\\PC{1,120}", jis_asked in any::<bool>()) {
        let charset = if jis_asked { Charset::Iso2022Jp } else { Charset::Utf8 };
        let value = unstructured(&text, charset, 9);
        if needs_words(&text) {
            prop_assert_eq!(decode_words(&value), text);
        } else {
            prop_assert_eq!(value.replace("\r\n", ""), text);
        }
    }
}

/// A field 1,000 times longer than usual is encoded in time linear in its length.
#[test]
fn a_megabyte_subject() {
    let text = "長い件名".repeat(100_000);
    let value = unstructured(&text, Charset::Iso2022Jp, 9);
    assert_eq!(decode_words(&value), text);
}

/// Characters encoding_rs writes but JIS X 0208 does not have (NEC and IBM extensions)
/// send the field in UTF-8: strict readers fail on them.
#[test]
fn only_jis_x_0208_goes_in_jis() {
    for text in ["①番", "㈱山田", "髙橋", "山﨑"] {
        assert_eq!(jis(text), None, "{text}");
        assert!(unstructured(text, Charset::Iso2022Jp, 9).starts_with("=?UTF-8?B?"));
    }
    assert!(jis("高橋 山崎").is_some());
    // ESC in plain ASCII is never labelled ISO-2022-JP.
    assert_eq!(charset_for("a\u{1b}(Bb", Charset::Iso2022Jp), Charset::Utf8);
}

/// Long names, many of them: every header line within 78 characters.
#[test]
fn long_names_fold() {
    let list: Vec<Mailbox> = (0..20)
        .map(|i| {
            Mailbox::new(
                "A ".repeat(300 + i).trim(),
                format!("person{i}@example.org"),
            )
        })
        .chain([Mailbox::new("山田".repeat(100), "yamada@example.jp")])
        .collect();
    let value = addresses(&list, Charset::Utf8, 4);
    for line in value.split("\r\n") {
        assert!(line.len() <= 78, "{} long: {line}", line.len());
    }
    assert!(!is_sendable(&format!("{}@example.org", "a".repeat(250))));
}

/// A file name that looks like an encoded word is encoded itself, so no reader decodes
/// it into another name.
#[test]
fn a_lookalike_file_name_is_encoded() {
    let name = "=?UTF-8?B?ZXZpbC5leGU=?=";
    let p = parameter("filename", name, Charset::Utf8);
    assert!(!p.contains(name), "{p}");
    assert_eq!(attachment_name(&p), name, "{p}");
}

/// A Japanese name, long or short, reads back exactly (mail-parser once read
/// "見積書（第二版）.txt版）.txt" when RFC 2231 pieces stood beside the encoded words).
#[test]
fn long_file_names_read_back_exactly() {
    for name in [
        "見積書（第二版）.txt".to_string(),
        format!("{}.pdf", "資料".repeat(40)),
        format!("{}🍣.txt", "a".repeat(55)),
        "a \"quoted\" name;.txt".to_string(),
    ] {
        for charset in [Charset::Utf8, Charset::Iso2022Jp] {
            let p = parameter("filename", &name, charset);
            assert_eq!(attachment_name(&p), name, "{p}");
        }
    }
}

/// The name a reader finds in a Content-Disposition with this parameter.
fn attachment_name(parameter: &str) -> String {
    use mail_parser::MimeHeaders;
    let mime = format!(
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; {parameter}\r\n\r\ny\r\n--b--\r\n"
    );
    let parsed = mail_parser::MessageParser::default()
        .parse(mime.as_bytes())
        .unwrap();
    parsed
        .attachment(0)
        .and_then(|a| a.attachment_name())
        .unwrap_or_default()
        .to_string()
}

/// A case the property above once reported: hiragana then ASCII in JIS. The word was
/// right (it ends "ESC ( B A", in ASCII); the check wanted ESC ( B as the last bytes.
#[test]
fn hiragana_then_ascii_in_jis() {
    for text in ["ぁA", "ぁ A", "Aぁ", "ぁA\u{3000}B", "日本語ABC日本"] {
        let value = unstructured(text, Charset::Iso2022Jp, 9);
        assert_eq!(decode_words(&value), text, "{value}");
    }
}
