//! 1,000 generated messages through 20 sorting rules at fetch time from a real Dovecot,
//! each landing exactly where a reference matcher written here says. Subjects and names
//! come as ISO-2022-JP, Shift_JIS and UTF-8 encoded words, in full- and half-width forms
//! (ＡＢＣ, ｾｰﾙ), so the rules' NFKC and case folding are exercised in every charset; the
//! texts are tested with contains, is, begins with, ends with and regular expressions,
//! on the subject, the sender, To/Cc, a header by name, the text, the size and
//! attachments, all or any, with "stop" in between. Messages a rule leaves on the server
//! or deletes there are never downloaded (Dovecot's own count of RETRs says so).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use base64::Engine;
use common::dovecot::Dovecot;
use common::poplar;
use unicode_normalization::UnicodeNormalization;

/// The Date of message n is this many seconds after the epoch plus n: it names the
/// message in `poplar list --json`.
const BASE: i64 = 1_733_130_000; // Mon, 02 Dec 2024 09:00:00 +0000
const COUNT: usize = 1000;

/// Words of subjects, each in the forms it comes in (the rules must not care which).
const WORDS: &[&[&str]] = &[
    &["請求書"],
    &["abc", "ABC", "ＡＢＣ", "Ａｂｃ"],
    &["セール", "ｾｰﾙ"],
    &["【重要】"],
    &["会議"],
    &["newsletter", "NEWSLETTER", "ＮＥＷＳＬＥＴＴＥＲ"],
    &["ポイント", "ﾎﾟｲﾝﾄ"],
    &["2024", "２０２４"],
    &["お知らせ"],
    &["ご案内"],
    &["Re:", "RE:", "Ｒｅ:"],
    &["定例", "週報", "lunch", "ランチ", "資料"],
];
const SENDERS: &[(&str, &str)] = &[
    ("山田太郎", "yamada@example.jp"),
    ("ＢＡＮＫ", "info@bank.example"),
    ("ｼｮｯﾌﾟ", "news@shop.example"),
    ("Alice", "alice@example.org"),
    ("佐藤", "sato@example.jp"),
];
const CATEGORIES: &[Option<&str>] = &[
    None,
    None,
    None,
    Some("a"),
    Some("b"),
    Some("skip"),
    Some("drop"),
];

struct Generated {
    raw: Vec<u8>,
    subject: String,
    from: String,
    to_cc: String,
    category: Option<&'static str>,
    body: String,
    attachment: bool,
}

/// `text` as an encoded word in `charset` (falling back to UTF-8 where a character has
/// no place in it), and the text it carries: ISO-2022-JP has no half-width katakana, so
/// the encoder writes ｾｰﾙ as セール and ﾎﾟ as ホ゜ (two characters, which NFKC does not
/// join), and the rules see what the message carries.
fn encoded(text: &str, charset: usize) -> (String, String) {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let (name, encoding) = match charset {
        0 => ("ISO-2022-JP", encoding_rs::ISO_2022_JP),
        1 => ("Shift_JIS", encoding_rs::SHIFT_JIS),
        _ => ("UTF-8", encoding_rs::UTF_8),
    };
    let (bytes, _, unmappable) = encoding.encode(text);
    if unmappable {
        return (
            format!("=?UTF-8?B?{}?=", b64(text.as_bytes())),
            text.to_string(),
        );
    }
    let carried = encoding.decode_without_bom_handling(&bytes).0.into_owned();
    if charset == 3 {
        let q: String = text.bytes().map(|b| format!("={b:02X}")).collect();
        return (format!("=?UTF-8?Q?{q}?="), carried);
    }
    (format!("=?{name}?B?{}?=", b64(&bytes)), carried)
}

fn generate(n: usize, rng: &mut fastrand::Rng) -> Generated {
    let mut words = Vec::new();
    for _ in 0..rng.usize(1..5) {
        let forms = WORDS[rng.usize(..WORDS.len())];
        words.push(forms[rng.usize(..forms.len())]);
    }
    let (subject_header, subject) = encoded(
        &words.join(if rng.bool() { " " } else { "" }),
        rng.usize(..4),
    );
    let (name, address) = SENDERS[rng.usize(..SENDERS.len())];
    let (name_header, name) = encoded(name, rng.usize(..4));
    let from = format!("{name} <{address}>");
    let to = if rng.bool() {
        "team@example.org"
    } else {
        "me@example.org"
    };
    let cc = (rng.u32(..4) == 0).then_some("boss@example.org");
    let to_cc = match cc {
        Some(cc) => format!("{to}, {cc}"),
        None => to.to_string(),
    };
    let category = CATEGORIES[rng.usize(..CATEGORIES.len())];
    // Sizes well clear of the rule's 4K, whatever Dovecot counts.
    let filler = if rng.bool() { 1_000 } else { 6_000 };
    let mut body = String::new();
    if rng.u32(..6) == 0 {
        body.push_str("配信停止はこちら\r\n");
    }
    while body.len() < filler {
        body.push_str("本文の行です。 some text of the message body\r\n");
    }
    let attachment = rng.u32(..5) == 0;
    let date_secs = n as i64;
    let (h, m, s) = (9 + date_secs / 3600, (date_secs / 60) % 60, date_secs % 60);
    let mut raw = format!(
        "From: {} <{address}>\r\nTo: {to}\r\n{}Subject: {}\r\n\
Date: Mon, 02 Dec 2024 {h:02}:{m:02}:{s:02} +0000\r\nMessage-ID: <r{n}@example.org>\r\n{}\
MIME-Version: 1.0\r\n",
        name_header,
        cc.map(|c| format!("Cc: {c}\r\n")).unwrap_or_default(),
        subject_header,
        category
            .map(|c| format!("X-Category: {c}\r\n"))
            .unwrap_or_default(),
    );
    let text_part = format!(
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64::engine::general_purpose::STANDARD.encode(body.as_bytes())
    );
    if attachment {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n--b{n}\r\n{text_part}--b{n}\r\n\
Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b{n}--\r\n"
        ));
    } else {
        raw.push_str(&text_part);
    }
    Generated {
        raw: raw.into_bytes(),
        subject,
        from,
        to_cc,
        category,
        body,
        attachment,
    }
}

/// As the rules compare texts: NFKC, then lower case.
fn norm(s: &str) -> String {
    s.nfkc().flat_map(char::to_lowercase).collect()
}

/// Where message `g` should land: None when it is not stored (left on the server, or
/// deleted there); else (folder, read, flagged). The rules below, in the same order.
fn reference(g: &Generated) -> Option<(String, bool, bool)> {
    let subject = norm(&g.subject);
    let from = norm(&g.from);
    let to_cc = norm(&g.to_cc);
    let big = g.raw.len() > 4096;
    let news = regex::Regex::new("^(re: ?)?newsletter").unwrap();
    let (mut folder, mut read, mut flag, mut junk, mut trash) = (None, false, false, false, false);
    // The first folder a rule names is where it goes.
    let to = |f: &str, folder: &mut Option<String>| {
        folder.get_or_insert_with(|| f.to_string());
    };
    macro_rules! rule {
        ($cond:expr, $body:block) => {
            if $cond $body
        };
    }
    rule!(subject.contains("請求書"), {
        to("経理", &mut folder);
        flag = true;
    });
    rule!(subject.contains("abc"), {
        to("ABC社", &mut folder);
    });
    rule!(subject.contains("セール"), {
        to("広告", &mut folder);
        read = true;
    });
    if subject.starts_with("【重要】") {
        flag = true;
        return Some(place(folder, junk, trash, read, flag));
    }
    rule!(subject.contains("会議") && to_cc.contains("team@"), {
        to("会議", &mut folder);
    });
    rule!(news.is_match(&subject), {
        to("ニュース", &mut folder);
    });
    rule!(subject.contains("ポイント"), {
        junk = true;
    });
    rule!(big, {
        read = true;
    });
    rule!(g.attachment, {
        to("添付", &mut folder);
    });
    rule!(g.category == Some("a"), {
        to("カテゴリA", &mut folder);
    });
    rule!(g.category == Some("b") || subject.ends_with("ご案内"), {
        read = true;
    });
    rule!(to_cc.contains("boss@"), {
        flag = true;
    });
    rule!(g.body.contains("配信停止"), {
        trash = true;
    });
    if from.contains("yamada") {
        to("山田さん", &mut folder);
        return Some(place(folder, junk, trash, read, flag));
    }
    rule!(subject.contains("2024"), {
        to("2024年", &mut folder);
    });
    rule!(subject == "お知らせ", {
        to("お知らせ", &mut folder);
    });
    rule!(from.contains("bank.example"), {
        to("銀行", &mut folder);
    });
    rule!(subject.starts_with("re:"), {
        read = true;
    });
    if g.category == Some("skip") || g.category == Some("drop") {
        return None;
    }
    Some(place(folder, junk, trash, read, flag))
}

fn place(
    folder: Option<String>,
    junk: bool,
    trash: bool,
    read: bool,
    flag: bool,
) -> (String, bool, bool) {
    let folder = if trash {
        "Trash".to_string()
    } else if junk {
        "Junk".to_string()
    } else {
        folder.unwrap_or_else(|| "Inbox".to_string())
    };
    (folder, read, flag)
}

/// The same 20 rules, through `poplar rule add`.
const RULES: &[&[&str]] = &[
    &["請求", "--subject", "請求書", "--move-to", "経理", "--flag"],
    &["abc", "--subject", "ＡＢＣ", "--move-to", "ABC社"],
    &[
        "セール",
        "--subject",
        "ｾｰﾙ",
        "--move-to",
        "広告",
        "--mark-read",
    ],
    &[
        "重要",
        "--regex",
        "--subject",
        "^【重要】",
        "--flag",
        "--stop",
    ],
    &[
        "会議",
        "--subject",
        "会議",
        "--to",
        "TEAM@",
        "--move-to",
        "会議",
    ],
    &[
        "news",
        "--regex",
        "--subject",
        "^(re: ?)?newsletter",
        "--move-to",
        "ニュース",
    ],
    &["ポイント", "--subject", "ポイント", "--junk"],
    &["大きい", "--size-over", "4K", "--mark-read"],
    &["添付", "--has-attachment", "--move-to", "添付"],
    &["A", "--header", "X-Category:a", "--move-to", "カテゴリA"],
    &[
        "B",
        "--any",
        "--header",
        "X-Category:b",
        "--regex",
        "--subject",
        "ご案内$",
        "--mark-read",
    ],
    &["上司", "--to", "boss@", "--flag"],
    &["配信停止", "--body", "配信停止", "--delete"],
    &[
        "山田",
        "--from",
        "YAMADA",
        "--move-to",
        "山田さん",
        "--stop",
    ],
    &["年", "--subject", "２０２４", "--move-to", "2024年"],
    &[
        "お知らせ",
        "--regex",
        "--subject",
        "^お知らせ$",
        "--move-to",
        "お知らせ",
    ],
    &["銀行", "--from", "bank.example", "--move-to", "銀行"],
    &["返信", "--regex", "--subject", "^re:", "--mark-read"],
    &["残す", "--header", "X-Category:skip", "--skip-download"],
    &["消す", "--header", "X-Category:drop", "--delete-on-server"],
];

#[test]
fn a_thousand_messages_land_where_a_reference_matcher_says() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    assert_eq!(RULES.len(), 20);
    let mut rng = fastrand::Rng::with_seed(0x50_47_1e);
    let mail: Vec<Generated> = (0..COUNT).map(|n| generate(n, &mut rng)).collect();
    for g in &mail {
        server.deliver(&g.raw);
    }
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    server.add_account(data, "home", &["--keep", "forever"]);
    for rule in RULES {
        let mut args = vec!["rule", "add"];
        args.extend_from_slice(rule);
        let (status, _, err) = poplar(data, &args, None);
        assert!(status.success(), "{rule:?}: {err}");
    }
    server.fetch_into(data);

    let (status, out, err) = poplar(data, &["list", "--all", "--json"], None);
    assert!(status.success(), "{err}");
    let rows: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut landed: HashMap<usize, (String, bool, bool)> = HashMap::new();
    for r in rows.as_array().unwrap() {
        let n = usize::try_from(r["date"].as_i64().unwrap() - BASE).unwrap();
        let place = (
            r["folder"].as_str().unwrap().to_string(),
            r["read"].as_bool().unwrap(),
            r["flagged"].as_bool().unwrap(),
        );
        assert!(landed.insert(n, place).is_none(), "message {n} twice");
    }
    let (mut stored, mut left, mut dropped) = (0, 0, 0);
    let mut folders = HashMap::<String, usize>::new();
    for (n, g) in mail.iter().enumerate() {
        let expected = reference(g);
        assert_eq!(
            landed.get(&n),
            expected.as_ref(),
            "message {n}: subject {:?}, from {:?}, category {:?}",
            g.subject,
            g.from,
            g.category
        );
        match expected {
            Some((folder, _, _)) => {
                stored += 1;
                *folders.entry(folder).or_default() += 1;
            }
            None if g.category == Some("skip") => left += 1,
            None => dropped += 1,
        }
    }
    // The generator reaches every rule's folder, and the server rules both ways.
    for folder in [
        "経理",
        "ABC社",
        "広告",
        "会議",
        "ニュース",
        "Junk",
        "添付",
        "カテゴリA",
        "Trash",
        "山田さん",
        "2024年",
        "銀行",
        "Inbox",
    ] {
        assert!(
            folders.get(folder).copied().unwrap_or(0) > 0,
            "nothing in {folder}: {folders:?}"
        );
    }
    assert!(left > 0 && dropped > 0);
    // Some messages a server rule would leave or delete were stopped by an earlier rule
    // that matched ("stop" holds before download too).
    let stopped = mail
        .iter()
        .filter(|g| matches!(g.category, Some("skip" | "drop")) && reference(g).is_some())
        .count();
    assert!(stopped > 0);
    assert_eq!(server.count(), COUNT - dropped);
    let log = server.log();
    let session = log
        .lines()
        .find(|l| l.contains("retr="))
        .expect("a session");
    assert!(
        session.contains(&format!("retr={stored}/"))
            && session.contains(&format!("del={dropped}/")),
        "{stored} downloads and {dropped} deletions expected: {session}"
    );
}
