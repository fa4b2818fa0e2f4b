//! The remote view in the window, against a real Dovecot: the server's list with a large
//! message chosen (snapshots, en and ja), sorted by size, then deleted on the server after
//! the question that says it is not stored here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::dovecot::{self, Dovecot};
use common::window::{Window, matches_snapshot};
use poplar::app::Message;
use poplar::i18n::Language;
use poplar::paths::Paths;
use poplar::store::Store;
use poplar::t;
use poplar::ui::remote;

fn message(n: usize, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: 山田 <sender{n}@example.jp>\r\nSubject: {subject}\r\nDate: Mon, 7 Dec 2026 09:{n:02}:00 +0900\r\nMessage-ID: <r{n}@example.jp>\r\n\r\n{body}"
    )
    .into_bytes()
}

#[test]
fn the_servers_list_with_a_large_message_chosen_and_deleted() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    if std::env::var_os("POPLAR_SECRET_SERVICE").is_none() {
        common::skip("no private Secret Service: run through packaging/with-keyring.sh");
        return;
    }
    for n in 0..6 {
        server.deliver(&message(n, &format!("Weekly report {n}"), "short\r\n"));
    }
    for (language, tag) in [(Language::English, "en"), (Language::Japanese, "ja")] {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        // The password goes to the keyring: the window's own session finds it there.
        let password = format!("{}\n", dovecot::PASSWORD);
        let extra = ["--keep", "forever", "--password-stdin"];
        server.add_account_with(dir.path(), "work", &extra, Some(&password));
        server.fetch_into(dir.path());
        let big = "=?UTF-8?B?5Zuz6Z2i44Gu6YCB5LuY77yI5aSn44GN44GE77yJ?="; // 図面の送付（大きい）
        let number = server.count();
        server.deliver(&message(
            number,
            big,
            &"drawing data line\r\n".repeat(150_000),
        ));
        server.deliver(&message(number + 1, "Lunch?", "short\r\n"));

        let mut w = Window::start(paths.clone(), language);
        let id = Store::open(&paths.database()).unwrap().accounts().unwrap()[0].id;
        w.send([Message::OpenRemote(id)]);
        w.expect("図面の送付（大きい）");
        // Largest first (the column's heading is also the list's behind the view: the
        // message, not a click).
        let by_size = Message::Remote(remote::Message::Sort(remote::Column::Size));
        w.send([by_size.clone(), by_size]);
        w.expect(&format!("{} ▼", t!("column-size")));
        w.click("図面の送付（大きい）");
        matches_snapshot(&w, &iced::Theme::Light, &format!("remote-{tag}"));

        let before = server.count();
        w.click(&t!("remote-delete"));
        w.expect(&t!("remote-confirm-not-here", count = 1));
        // Named: which one would be gone for good.
        let named = format!("・山田 <sender{number}@example.jp> — 図面の送付（大きい）");
        w.expect(&named);
        w.click(&t!("remote-confirm-button"));
        assert_eq!(server.count(), before - 1, "deleted on the server");
        assert!(!w.shows("図面の送付（大きい）"), "listed again without it");
        w.expect("Lunch?");
        // Only the chosen one went; the others are as they were.
        assert!(
            server
                .mailbox()
                .iter()
                .all(|m| !m.ends_with(b"drawing data line\r\n"))
        );
        // Its password, stored by `account add`, leaves with the account's data folder.
        let store = Store::open(&paths.database()).unwrap();
        let account = store.accounts().unwrap().remove(0);
        poplar::secrets::Keyring::open(&store)
            .unwrap()
            .delete(&account)
            .unwrap();
    }
}
