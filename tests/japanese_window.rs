//! Japanese mail as Japanese mailers send it, in the window: encoded words split inside a
//! character, or carrying their ISO-2022-JP shift state into the next word, and file
//! names split across RFC 2231 sections read whole in the list and the reading pane.
//! None of the texts looked for appears in the messages' bytes: each is only there once
//! decoded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::window::{Window, matches_snapshot};
use poplar::i18n::Language;
use poplar::paths::Paths;
use poplar::store::{NewMessage, Store};

fn split_word_mail() -> Vec<Vec<u8>> {
    vec![
        // The subject's escape sequence alone in the first word; the shift state carried
        // into the second and third. The body in ISO-2022-JP.
        b"From: =?UTF-8?B?57WM5w==?= =?UTF-8?B?kIbpg6gg55Sw5Lit?= <tanaka@example.jp>\r\n\
Subject: =?ISO-2022-JP?B?GyRC?= =?ISO-2022-JP?B?RDk0fDVZMktDZiROPCtGMDE=?=\r\n \
=?ISO-2022-JP?B?fkV6IUobKEIxMhskQjduGyhCMjgbJEJGfCQrJGkbKEIxGyRCN24bKEI0GyRCRnwhSxsoQg==?=\r\n\
Date: Tue, 24 Dec 2024 18:00:00 +0900\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\
\x1b$B5Y2KCf$N$?$a!\"\x1b(B1\x1b$B7n\x1b(B5\x1b$BF|0J9_$KJV?.$$$?$7$^$9!#\x1b(B\r\n"
            .to_vec(),
        // A UTF-8 character cut across two Q-encoded words; the sender's name across two
        // B-encoded ones; the attachment's name across two RFC 2231 sections, cut inside
        // a character.
        b"From: =?UTF-8?B?5oOF5aA=?= =?UTF-8?B?seOCt+OCueODhuODoOmDqCDkvZDol6Q=?= <sato@example.jp>\r\n\
Subject: =?UTF-8?Q?=E4=BC=9A=E8=AD=B0=E5?=\r\n =?UTF-8?Q?=AE=A4=E3=81=AE=E4=BA=88=E7=B4=84=E3=81=AB=E3=81=A4=E3=81=84=E3=81=A6?=\r\n\
Date: Mon, 23 Dec 2024 09:30:00 +0900\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
5Lya6K2w5a6k44Gv5pyd44GL44KJ5LqI57SE5riI44G/44Gn44GZ44CC\r\n\
--b\r\nContent-Type: application/vnd.ms-excel\r\n\
Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E8%A6%8B%E7%A9%8D%E4%BE;\r\n \
filename*1*=%9D%E9%A0%BC%E6%9B%B8%2E%78%6C%73%78\r\n\
Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--b--\r\n"
            .to_vec(),
    ]
}

fn store(paths: &Paths) {
    paths.ensure().unwrap();
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store
        .add_account(&poplar::accounts::Settings {
            name: "会社".into(),
            email: "hanako@example.jp".into(),
            host: "pop.example.jp".into(),
            user: "hanako".into(),
            ..Default::default()
        })
        .unwrap();
    let mut batch: Vec<NewMessage> = split_word_mail()
        .into_iter()
        .enumerate()
        .map(|(n, bytes)| NewMessage::from_bytes(Some(format!("j{n}").into()), bytes))
        .collect();
    store.insert_batch(account.id, &mut batch).unwrap();
    while store.index_pending(500).unwrap() > 0 {}
}

#[test]
fn split_encoded_words_read_whole_in_the_list_and_the_pane() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    store(&paths);
    let mut w = Window::start(paths, Language::Japanese);
    w.expect("長期休暇中の自動応答（12月28日から1月4日）");
    w.expect("経理部 田中");
    w.expect("情報システム部 佐藤");
    w.click("会議室の予約について");
    assert!(
        w.body().contains("会議室は朝から予約済みです。"),
        "{}",
        w.body()
    );
    w.expect("情報システム部 佐藤 <sato@example.jp>");
    w.expect("見積依頼書.xlsx (4 B)");
    matches_snapshot(&w, &iced::Theme::Light, "split-words-ja-light");
    w.click("長期休暇中の自動応答（12月28日から1月4日）");
    w.expect("経理部 田中 <tanaka@example.jp>");
    assert!(
        w.body()
            .contains("休暇中のため、1月5日以降に返信いたします。"),
        "{}",
        w.body()
    );
}
