//! The junk filter wired into Poplar, against a real Dovecot: taught with `poplar junk`,
//! it sorts new junk into the Junk folder in the transaction that stores it, after the
//! rules (a rule's folder stands), never deletes anything on the server, and "not junk"
//! takes a message back to its inbox. Its counts survive a backup and a restore.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::dovecot::Dovecot;
use common::junk_corpus::{Mail, generate};
use common::poplar;

/// A corpus message as mail carries it; `tag` (a number, which the filter does not read
/// as a word) tells the messages apart in the list.
fn raw(mail: &Mail, tag: usize) -> Vec<u8> {
    let encode = |s: &str| {
        let q: String = s.bytes().map(|b| format!("={b:02X}")).collect();
        format!("=?UTF-8?Q?{q}?=")
    };
    let (name, address) = mail
        .from
        .rsplit_once(" <")
        .map_or(("", mail.from.as_str()), |(n, a)| {
            (n, a.trim_end_matches('>'))
        });
    format!(
        "From: {} <{address}>\r\nTo: me@example.org\r\nSubject: {} #{tag}\r\n\
Date: Mon, 02 Dec 2024 09:00:00 +0900\r\nMessage-ID: <{tag}.{}@example.org>\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        encode(name),
        encode(&mail.subject),
        fastrand::u64(..),
        mail.body.replace('\n', "\r\n")
    )
    .into_bytes()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let (status, out, err) = poplar(data, args, None);
    assert!(status.success(), "{args:?}: {err}");
    String::from_utf8(out).unwrap()
}

/// tag → (id, folder) of every stored message.
fn places(data: &Path) -> HashMap<usize, (i64, String)> {
    let rows: serde_json::Value =
        serde_json::from_str(&ok(data, &["list", "--all", "--json"])).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let subject = r["subject"].as_str().unwrap();
            let tag = subject.rsplit_once(" #").unwrap().1.parse().unwrap();
            (
                tag,
                (
                    r["id"].as_i64().unwrap(),
                    r["folder"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_taught_filter_sorts_new_junk_into_junk_after_the_rules() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    server.add_account(data, "home", &["--keep", "forever"]);

    // Teach it: 60 junk and 60 good messages, fetched, then marked.
    let teach = generate(0x5eed, 120);
    for (tag, mail) in teach.iter().enumerate() {
        server.deliver(&raw(mail, tag));
    }
    server.fetch_into(data);
    let stored = places(data);
    let ids = |junk: bool| -> Vec<String> {
        teach
            .iter()
            .enumerate()
            .filter(|(_, m)| m.junk == junk)
            .map(|(tag, _)| stored[&tag].0.to_string())
            .collect()
    };
    let mut args = vec!["junk"];
    let good = ids(false);
    args.extend(good.iter().map(String::as_str));
    args.push("--not");
    let said = ok(data, &args);
    assert!(said.contains("0 junk and 60 good"), "{said}");
    assert!(said.contains("once it has 50 of each"), "{said}");
    let mut args = vec!["junk"];
    let junk = ids(true);
    args.extend(junk.iter().map(String::as_str));
    let said = ok(data, &args);
    assert_eq!(said.trim(), "Trained on 60 junk and 60 good messages.");
    let stored = places(data);
    for (tag, mail) in teach.iter().enumerate() {
        let expected = if mail.junk { "Junk" } else { "Inbox" };
        assert_eq!(stored[&tag].1, expected, "taught message {tag}");
    }

    // New mail it never saw; one junk message a rule files elsewhere first.
    let fresh = generate(0xa51de, 80);
    let offset = 1000;
    for (n, mail) in fresh.iter().enumerate() {
        server.deliver(&raw(mail, offset + n));
    }
    let ruled = offset + fresh.iter().position(|m| m.junk).unwrap();
    ok(
        data,
        &[
            "rule",
            "add",
            "取っておく",
            "--subject",
            &format!("#{ruled}"),
            "--move-to",
            "保存",
        ],
    );
    let on_server = server.count();
    server.fetch_into(data);
    assert_eq!(
        server.count(),
        on_server,
        "nothing is deleted on the server"
    );
    let stored = places(data);
    assert_eq!(stored[&ruled].1, "保存", "the rule's folder stands");
    let (mut caught, mut junk, mut false_junk) = (0, 0, 0);
    for (n, mail) in fresh.iter().enumerate() {
        let tag = offset + n;
        if tag == ruled {
            continue;
        }
        let in_junk = stored[&tag].1 == "Junk";
        if mail.junk {
            junk += 1;
            caught += usize::from(in_junk);
        } else {
            assert_eq!(
                stored[&tag].1, "Inbox",
                "good mail {tag} stays in the inbox"
            );
            false_junk += usize::from(in_junk);
        }
    }
    assert_eq!(false_junk, 0);
    assert!(caught * 10 >= junk * 8, "{caught} of {junk} junk caught");

    // Not junk after all: back to the inbox, and taught.
    let (tag, id) = stored
        .iter()
        .filter(|(tag, (_, folder))| **tag >= offset && folder == "Junk")
        .map(|(tag, (id, _))| (*tag, *id))
        .min()
        .unwrap();
    let said = ok(data, &["junk", "--not", &id.to_string()]);
    assert_eq!(said.trim(), "Trained on 60 junk and 61 good messages.");
    assert_eq!(places(data)[&tag].1, "Inbox");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(data, &["list", "--folder", "Junk", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 60 + caught - 1);
}

#[test]
fn the_filter_leaves_mail_alone_until_taught_and_junk_of_unknown_ids_is_refused() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    server.add_account(data, "home", &["--keep", "delete"]);
    let mail = generate(7, 20);
    for (tag, m) in mail.iter().enumerate() {
        server.deliver(&raw(m, tag));
    }
    server.fetch_into(data);
    assert!(places(data).values().all(|(_, folder)| folder == "Inbox"));
    let (status, _, err) = poplar(data, &["junk", "999999"], None);
    assert!(!status.success());
    assert!(err.contains("999999"), "{err}");
}

/// The window, in English and Japanese: Junk on the reading pane and J move a message to
/// the Junk folder (shown in the sidebar once it exists), Shift+J there takes one back to
/// its inbox, and Preferences say what the filter was taught.
#[test]
fn junk_and_not_junk_in_the_window() {
    use common::window::{Window, matches_snapshot};
    use iced::keyboard::Key;
    use poplar::app::Message;
    use poplar::i18n::Language;
    use poplar::store::{Role, Store, View};
    use poplar::t;
    for (language, tag) in [(Language::English, "en"), (Language::Japanese, "ja")] {
        let dir = tempfile::tempdir().unwrap();
        let paths = poplar::paths::Paths::at(dir.path());
        paths.ensure().unwrap();
        let mut store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&poplar::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "alice".into(),
                ..Default::default()
            })
            .unwrap();
        for (n, raw) in [
            common::japanese_message(),
            common::message("店長 <shop@spam.example>", "本日限定セール", "今だけ半額"),
            common::message("bob@example.org", "Lunch", "Noon?"),
        ]
        .iter()
        .enumerate()
        {
            let summary = poplar::mail::summarize(raw);
            store
                .insert_message(account.id, Some(&format!("u{n}")), raw, &summary)
                .unwrap();
        }
        let mut w = Window::start(paths.clone(), language);
        assert!(!w.shows(&t!("folder-junk")), "{tag}: no Junk folder yet");
        w.click("本日限定セール");
        w.click(&t!("action-junk"));
        w.click("Lunch");
        w.press(Key::Character("j".into()), false);
        let junk = store.find_role_folder(Role::Junk).unwrap().unwrap();
        assert_eq!(store.count(View::Folder(junk)).unwrap(), 2, "{tag}");
        assert_eq!(store.count(View::Inbox(None)).unwrap(), 1, "{tag}");

        // Lunch was good after all: Shift+J in the Junk folder takes it back.
        w.click(&t!("folder-junk"));
        w.click("Lunch");
        w.press(Key::Character("J".into()), true);
        assert_eq!(store.count(View::Folder(junk)).unwrap(), 1, "{tag}");
        assert_eq!(store.count(View::Inbox(None)).unwrap(), 2, "{tag}");
        assert_eq!(store.junk_trained().unwrap(), (1, 1), "{tag}");

        w.click("本日限定セール");
        w.expect(&t!("action-not-junk"));
        matches_snapshot(&w, &iced::Theme::Light, &format!("junk-{tag}-light"));

        w.send([Message::OpenPreferences]);
        w.expect(&t!(
            "preferences-junk-status",
            trained = t!("preferences-junk-trained", junk = 1, good = 1),
            state = t!("preferences-junk-learning", ready = 50)
        ));
        matches_snapshot(&w, &iced::Theme::Light, &format!("preferences-{tag}-light"));
    }
}
