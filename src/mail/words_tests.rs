use super::*;
use crate::mail::fields::{address_field, parameter};

#[test]
fn an_escape_sequence_in_one_word_and_its_text_in_the_next() {
    let raw = b"=?ISO-2022-JP?B?GyRC?= =?ISO-2022-JP?B?RDk0fDVZMktDZiROPCtGMDF+RXobKEI=?=";
    assert_eq!(unstructured(raw), "長期休暇中の自動応答");
}

#[test]
fn a_utf8_character_cut_across_two_words_and_a_folded_line() {
    let raw = b"=?UTF-8?B?44K14w==?=\r\n =?utf-8?B?g7zjg5Djg7znp7vooYzkvZzmpa0=?=";
    assert_eq!(unstructured(raw), "サーバー移行作業");
    // The same cut in Q encoding.
    let raw = b"=?UTF-8?Q?=E3=83=86=E3?= =?UTF-8?Q?=82=B9=E3=83=88_ok?=";
    assert_eq!(unstructured(raw), "テスト ok");
}

#[test]
fn the_shift_state_carries_into_the_next_word() {
    let raw = b"=?ISO-2022-JP?B?GyRCRDk0fA==?= =?ISO-2022-JP?B?NVkyS0NmJE48K0YwMX5FehsoQg==?=";
    assert_eq!(unstructured(raw), "長期休暇中の自動応答");
}

#[test]
fn unpadded_and_overlong_base64_words_leave_no_replacement_character() {
    assert_eq!(unstructured(b"=?UTF-8?B?44OG44K544OI?="), "テスト");
    // "テス" is 6 bytes: 8 characters, no padding needed; "テ" alone needs "==".
    assert_eq!(unstructured(b"=?UTF-8?B?44OG?="), "テ");
    assert_eq!(unstructured(b"=?UTF-8?B?44OG44K5?="), "テス");
    let long = "長い件名".repeat(20);
    let word = format!(
        "=?UTF-8?B?{}?=",
        base64_of(long.as_bytes()).trim_end_matches('=')
    );
    assert!(word.len() > 75);
    assert_eq!(unstructured(word.as_bytes()), long);
}

fn base64_of(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

#[test]
fn a_word_glued_to_text_is_decoded_without_adding_a_space() {
    assert_eq!(unstructured(b"Re:=?UTF-8?B?44OG44K544OI?="), "Re:テスト");
    assert_eq!(
        unstructured(b"Re: =?UTF-8?B?44OG44K544OI?= (2)"),
        "Re: テスト (2)"
    );
}

#[test]
fn space_between_words_of_different_charsets_is_not_text() {
    let raw = b"=?UTF-8?B?44OG?= =?ISO-2022-JP?B?GyRCJTklSBsoQg==?=";
    assert_eq!(unstructured(raw), "テスト");
}

#[test]
fn a_mislabelled_word_is_read_as_what_its_bytes_are() {
    // Shift_JIS bytes in a word labelled ISO-2022-JP.
    let sjis = b"\x8c\xa9\x90\xcf\x88\xcb\x97\x8a"; // 見積依頼
    let raw = format!("=?ISO-2022-JP?B?{}?=", base64_of(sjis));
    assert_eq!(unstructured(raw.as_bytes()), "見積依頼");
    // UTF-8 bytes labelled us-ascii and iso-8859-1.
    let raw = format!("=?us-ascii?B?{}?=", base64_of("お知らせ".as_bytes()));
    assert_eq!(unstructured(raw.as_bytes()), "お知らせ");
    assert_eq!(
        convert(Some(b"iso-8859-1"), "お知らせ".as_bytes()),
        "お知らせ"
    );
    // Real Latin-1 stays Latin-1.
    assert_eq!(
        convert(Some(b"iso-8859-1"), b"caf\xe9 cr\xe8me"),
        "café crème"
    );
    assert_eq!(convert(Some(b"CP932"), sjis), "見積依頼");
}

#[test]
fn unfinished_and_broken_words_stay_as_text() {
    assert_eq!(unstructured(b"=?UTF-8?B?44OG"), "=?UTF-8?B?44OG");
    assert_eq!(unstructured(b"a =?x?z?y?= b"), "a =?x?z?y?= b");
    assert_eq!(unstructured(b"=?UTF-8?Q?a\r\n b?="), "=?UTF-8?Q?a b?=");
    assert_eq!(unstructured(b"100% =? sure"), "100% =? sure");
}

#[test]
fn address_fields_get_whole_names_without_breaking_the_list() {
    let raw = b"=?UTF-8?B?5bGx55Sw?= =?UTF-8?B?5aSq6YOO?= <taro@example.jp>, \"=?UTF-8?B?6Iqx5a2Q?=\" <hanako@example.jp>, x@example.jp (=?UTF-8?B?5qyh6YOO?=)";
    assert_eq!(
        String::from_utf8(address_field(raw).into_owned()).unwrap(),
        "\"山田太郎\" <taro@example.jp>, \"花子\" <hanako@example.jp>, x@example.jp (次郎)"
    );
    // A decoded name holding quotes and commas stays one name.
    let raw = format!("=?UTF-8?B?{}?= <a@example.jp>", base64_of(b"Doe, \"J\""));
    assert_eq!(
        String::from_utf8(address_field(raw.as_bytes()).into_owned()).unwrap(),
        "\"Doe, \\\"J\\\"\" <a@example.jp>"
    );
    assert!(matches!(address_field(b"a@b, c@d"), Cow::Borrowed(_)));
}

#[test]
fn rfc2231_sections_are_joined_before_the_charset() {
    // 見積依頼書.doc in UTF-8, a character cut between sections and inside a percent run.
    let value = b"attachment;\r\n filename*0*=UTF-8''%E8%A6%8B%E7%A9;\r\n filename*1*=%8D%E4%BE%9D%E9%A0%BC%E6%9B%B8.doc";
    assert_eq!(
        parameter(value, "filename").as_deref(),
        Some("見積依頼書.doc")
    );
    // Sections out of order, one of them plain.
    let value = b"attachment; filename*1=\".doc\"; filename*0*=utf-8'ja'%E6%9B%B8";
    assert_eq!(parameter(value, "filename").as_deref(), Some("書.doc"));
    // Shift_JIS in RFC 2231.
    let value = b"attachment; filename*=shift_jis''%8C%A9%90%CF.xls";
    assert_eq!(parameter(value, "filename").as_deref(), Some("見積.xls"));
}

#[test]
fn raw_and_encoded_names_in_quoted_parameters() {
    let value = b"attachment; filename=\"\x8c\xa9\x90\xcf\x88\xcb\x97\x8a\x8f\x91.doc\"";
    assert_eq!(
        parameter(value, "filename").as_deref(),
        Some("見積依頼書.doc")
    );
    let value = b"application/msword; name=\"=?ISO-2022-JP?B?GyRCQGJMQBsoQg==?=.doc\"";
    assert_eq!(parameter(value, "name").as_deref(), Some("説明.doc"));
    assert_eq!(parameter(b"text/plain; charset=utf-8", "name"), None);
    // filename= is not filenamex=.
    assert_eq!(parameter(b"attachment; filenamex=a", "filename"), None);
}

mod properties {
    use super::super::*;
    use crate::mail::fields::{address_field, parameter};
    use proptest::prelude::*;

    fn soup() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(&b"=?"[..]),
            Just(&b"?="[..]),
            Just(&b"?"[..]),
            Just(&b"=?UTF-8?B?"[..]),
            Just(&b"=?iso-2022-jp?q?"[..]),
            Just(&b"44OG"[..]),
            Just(&b"=E3=83"[..]),
            Just(&b"\x1b$B"[..]),
            Just(&b"\r\n "[..]),
            Just(&b" "[..]),
            Just(&b"\""[..]),
            Just(&b"("[..]),
            Just(&b")"[..]),
            Just(&b"<a@b>"[..]),
            Just(&b","[..]),
            Just(&b"\\"[..]),
            Just(&b"\x93\xe9"[..]),
            Just(&b"; name*0*=utf-8''%E3"[..]),
            Just(&b"; name=\""[..]),
        ];
        prop::collection::vec(piece, 0..80).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn no_input_panics(raw in soup()) {
            let _ = unstructured(&raw);
            let _ = address_field(&raw);
            let _ = parameter(&raw, "name");
        }

        /// Text with no encoded word in it comes back as it was.
        #[test]
        fn plain_text_is_kept(text in "[a-zA-Z0-9 .,:!日本語]{0,80}") {
            prop_assert_eq!(unstructured(text.as_bytes()), text.clone());
        }

        /// Any UTF-8 text, encoded as words cut at any byte, decodes back whole.
        #[test]
        fn cut_words_join(text in "\\PC{1,40}", cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5)) {
            let bytes = text.as_bytes();
            let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len())).collect();
            at.push(0);
            at.push(bytes.len());
            at.sort_unstable();
            at.dedup();
            let words: Vec<String> = at
                .windows(2)
                .map(|w| format!("=?UTF-8?B?{}?=", super::base64_of(&bytes[w[0]..w[1]])))
                .collect();
            prop_assert_eq!(unstructured(words.join("\r\n ").as_bytes()), text);
        }
    }
}

#[test]
fn two_whole_iso_2022_jp_words_join_without_a_replacement_character() {
    // Each word resets to ASCII at its end and shifts again at the next one's start.
    let raw = b"=?ISO-2022-JP?B?GyRCTWg9NSROGyhC?=\r\n =?ISO-2022-JP?B?GyRCQkckQTlnJG8kOyRLJEQkJCRGGyhC?=";
    assert_eq!(unstructured(raw), "来週の打ち合わせについて");
}

#[test]
fn a_raw_shift_jis_name_keeps_its_backslash_second_bytes() {
    // 予定表: 予 is 0x97 0x5C and 表 0x95 0x5C; the backslashes are not escapes.
    let value = b"attachment; filename=\"\x97\x5c\x92\xe8\x95\x5c.xls\"";
    assert_eq!(parameter(value, "filename").as_deref(), Some("予定表.xls"));
    // In ASCII a backslash still escapes.
    let value = b"attachment; filename=\"a\\\"b.txt\"";
    assert_eq!(parameter(value, "filename").as_deref(), Some("a\"b.txt"));
}
