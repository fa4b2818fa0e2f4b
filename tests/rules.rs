//! Sorting rules at fetch time, from the command line, against a real Dovecot: each
//! message lands where its rules say in the transaction that stores it, Japanese matched
//! after NFKC and case folding (full-width ＡＢＣ as abc, half-width ｾｰﾙ as セール), in
//! any charset; `rule run` sorts what is stored already.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::dovecot::{self, Dovecot};
use common::poplar;

fn mail(headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Someone <someone@example.org>\r\nTo: alice@example.org\r\n\
Date: Mon, 02 Dec 2024 09:00:00 +0900\r\nMessage-ID: <{}@example.org>\r\n{headers}\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        fastrand::u64(..)
    )
    .into_bytes()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let (status, out, err) = poplar(data, args, None);
    assert!(status.success(), "{args:?}: {err}");
    String::from_utf8(out).unwrap()
}

/// (subject, folder, read, flagged) of every message, the Trash included.
fn where_they_are(data: &Path) -> Vec<(String, String, bool, bool)> {
    let out = ok(data, &["list", "--all", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut found: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["subject"].as_str().unwrap().to_string(),
                r["folder"].as_str().unwrap().to_string(),
                r["read"].as_bool().unwrap(),
                r["flagged"].as_bool().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn rules_sort_new_mail_as_it_is_stored() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    // Full-width ＡＢＣ in an ISO-2022-JP encoded word.
    server.deliver(&mail(
        "Subject: =?ISO-2022-JP?B?GyRCI0EjQiNDPFIbKEIgGyRCQEE1YT1xJE4kNDBGRmIbKEI=?=",
        "請求書をお送りします。",
    ));
    // Half-width katakana, UTF-8.
    server.deliver(&mail(
        "Subject: =?UTF-8?B?772+772w776Z44Gu44GK55+l44KJ44Gb?=",
        "今だけ半額",
    ));
    server.deliver(&mail(
        "Subject: From Becky\r\nX-Mailer: Becky! ver. 2.81",
        "hi",
    ));
    server.deliver(&mail(
        "Subject: Newsletter",
        "To stop these, UNSUBSCRIBE here.",
    ));
    server.deliver(&mail("Subject: Lunch", "Noon?"));

    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    server.add_account(data, "work", &["--keep", "delete"]);
    ok(
        data,
        &[
            "rule",
            "add",
            "請求",
            "--subject",
            "abc社",
            "--move-to",
            "経理",
        ],
    );
    ok(
        data,
        &[
            "rule",
            "add",
            "広告",
            "--subject",
            "セール",
            "--move-to",
            "広告",
            "--mark-read",
            "--stop",
        ],
    );
    // Never reached for the sale: the rule before it stops.
    ok(data, &["rule", "add", "全部", "--subject", "の", "--flag"]);
    ok(
        data,
        &[
            "rule",
            "add",
            "becky",
            "--header",
            "x-mailer:BECKY!",
            "--flag",
        ],
    );
    ok(
        data,
        &[
            "rule",
            "add",
            "配信停止",
            "--body",
            "unsubscribe",
            "--delete",
        ],
    );

    // What cannot be a rule is said, and nothing is added.
    for (args, said) in [
        (
            vec!["rule", "add", "請求", "--subject", "x", "--flag"],
            "already exists",
        ),
        (
            vec!["rule", "add", "bad", "--subject", "(", "--regex", "--flag"],
            "regular expression",
        ),
        (vec!["rule", "add", "none", "--flag"], "no condition"),
        (
            vec!["rule", "add", "idle", "--subject", "x"],
            "does nothing",
        ),
        (
            vec![
                "rule",
                "add",
                "who",
                "--account",
                "nobody",
                "--subject",
                "x",
                "--flag",
            ],
            "nobody",
        ),
        (
            vec!["rule", "add", "h", "--header", "no-colon", "--flag"],
            "NAME:TEXT",
        ),
    ] {
        let (status, _, err) = poplar(data, &args, None);
        assert!(!status.success(), "{args:?}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
    let listed: serde_json::Value =
        serde_json::from_str(&ok(data, &["rule", "list", "--json"])).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["請求", "広告", "全部", "becky", "配信停止"]);

    let (status, _, err) = poplar(
        data,
        &["fetch", "--password-stdin"],
        Some(&format!("{}\n", dovecot::PASSWORD)),
    );
    assert!(status.success(), "{err}");
    let s = |subject: &str, folder: &str, read: bool, flagged: bool| {
        (subject.to_string(), folder.to_string(), read, flagged)
    };
    assert_eq!(
        where_they_are(data),
        [
            s("From Becky", "Inbox", false, true),
            s("Lunch", "Inbox", false, false),
            s("Newsletter", "Trash", false, false),
            s("ＡＢＣ社 請求書のご案内", "経理", false, true),
            s("ｾｰﾙのお知らせ", "広告", true, false),
        ]
    );

    // Rules added later sort what is stored already, on request.
    ok(data, &["rule", "remove", "全部"]);
    ok(
        data,
        &[
            "rule",
            "add",
            "昼",
            "--subject",
            "LUNCH",
            "--move-to",
            "予定",
        ],
    );
    let out = ok(data, &["rule", "run", "昼"]);
    assert!(out.contains("matched 1 of 2"), "{out}");
    assert!(where_they_are(data).contains(&s("Lunch", "予定", false, false)));
    let (status, _, err) = poplar(data, &["rule", "remove", "全部"], None);
    assert!(!status.success());
    assert!(err.contains("no rule named"), "{err}");
}

/// "Leave it on the server" and "delete it there" are decided from the headers alone:
/// those messages are never RETR'd (Dovecot's own count says so), one is deleted unread,
/// the other stays and is never stored, not at the next fetch either.
#[test]
fn server_rules_decide_from_the_headers_without_downloading() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    server.deliver(&mail("Subject: Hello", "one"));
    server.deliver(&mail(
        "Subject: =?UTF-8?B?5bqD5ZGK?=\r\nX-Spam-Flag: YES",
        "spam",
    ));
    server.deliver(&mail("Subject: Big scan", &"x".repeat(300_000)));
    server.deliver(&mail("Subject: Another", "two"));

    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    server.add_account(data, "work", &["--keep", "forever"]);
    ok(
        data,
        &[
            "rule",
            "add",
            "spam",
            "--header",
            "X-Spam-Flag:yes",
            "--delete-on-server",
        ],
    );
    ok(
        data,
        &[
            "rule",
            "add",
            "big",
            "--size-over",
            "200K",
            "--skip-download",
        ],
    );
    // Acting on the server needs what the headers tell: a rule on the text cannot.
    let (status, _, err) = poplar(
        data,
        &["rule", "add", "nope", "--body", "x", "--skip-download"],
        None,
    );
    assert!(!status.success());
    assert!(err.contains("acts on the server"), "{err}");

    for round in 0..2 {
        let (status, out, err) = poplar(
            data,
            &["fetch", "--password-stdin"],
            Some(&format!("{}\n", dovecot::PASSWORD)),
        );
        assert!(status.success(), "{err}");
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("left on the server by rules"),
            "{round}: {out}"
        );
    }
    let stored: Vec<String> = where_they_are(data).into_iter().map(|r| r.0).collect();
    assert_eq!(stored, ["Another", "Hello"]);
    let left: Vec<String> = server
        .mailbox()
        .iter()
        .map(|m| poplar::mail::summarize(m).subject)
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.contains(&"Big scan".to_string()));
    assert!(!left.iter().any(|s| s == "広告"), "{left:?}");
    // Dovecot's logout lines count what each session did: two RETRs in the first, none
    // in the second; one DELE, the spam's.
    let log = server.log();
    let sessions: Vec<&str> = log.lines().filter(|l| l.contains("retr=")).collect();
    assert_eq!(sessions.len(), 2, "{log}");
    assert!(
        sessions[0].contains("retr=2/") && sessions[0].contains("del=1/"),
        "{log}"
    );
    assert!(
        sessions[1].contains("retr=0/") && sessions[1].contains("del=0/"),
        "{log}"
    );
}

/// The rules dialog: rules added from the form are listed in order with what they do,
/// in the window's language; a form with no name says so; "Run rules now" sorts the
/// inboxes. Snapshots (en, ja) looked at.
#[test]
fn the_rules_dialog_adds_lists_and_runs_rules() {
    use common::window::{Window, matches_snapshot};
    use poplar::app::Message;
    use poplar::i18n::Language;
    use poplar::ui::rules::{Does, Looks, Message as Rules};
    for (language, tag, open, summary, moved) in [
        (
            Language::English,
            "en",
            "Rules",
            "Subject contains “会議” → move to 会議室, stop",
            "The rules matched 1 of 1 messages.",
        ),
        (
            Language::Japanese,
            "ja",
            "振り分け",
            "件名に「会議」を含む → 会議室 へ移動, 終了",
            "1 通のうち 1 通がルールに一致しました。",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let paths = poplar::paths::Paths::at(dir.path());
        paths.ensure().unwrap();
        let mut store = poplar::store::Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&poplar::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "alice".into(),
                ..Default::default()
            })
            .unwrap();
        let raw = common::japanese_message();
        let summary_of = poplar::mail::summarize(&raw);
        store
            .insert_message(account.id, Some("u1"), &raw, &summary_of)
            .unwrap();
        let mut w = Window::start(paths.clone(), language);
        w.click(open);
        w.send([Message::Rules(Rules::Add)]);
        w.expect(&poplar::t!("rules-name-needed"));
        w.send(
            [
                Rules::Name("会議".into()),
                Rules::Looks(0, Looks::Subject),
                Rules::Text(0, "会議".into()),
                Rules::Does(0, Does::MoveTo),
                Rules::Folder(0, "会議室".into()),
                Rules::Stop(true),
                Rules::Add,
                // Two conditions, any of them; two actions; for the one account.
                Rules::Name("山田さん".into()),
                Rules::Account(Some(account.id)),
                Rules::Any(true),
                Rules::Looks(0, Looks::From),
                Rules::Text(0, "ＹＡＭＡＤＡ".into()),
                Rules::AddCondition,
                Rules::Looks(1, Looks::Header),
                Rules::Header(1, "X-Mailer".into()),
                Rules::Test(1, poplar::rules::Test::BeginsWith),
                Rules::Text(1, "Becky".into()),
                Rules::Does(0, Does::Flag),
                Rules::AddAction,
                Rules::Stop(false),
                Rules::Add,
            ]
            .map(Message::Rules),
        );
        w.expect(summary);
        matches_snapshot(&w, &iced::Theme::Light, &format!("rules-{tag}-light"));
        let rules = store.rules().unwrap();
        assert_eq!(rules.len(), 2, "{tag}");
        assert_eq!(rules[0].name, "会議");
        let yamada = &rules[1];
        assert_eq!(yamada.account, Some(account.id));
        assert!(yamada.any);
        assert_eq!(yamada.conditions.len(), 2);
        assert_eq!(
            yamada.actions,
            [poplar::rules::Action::Flag, poplar::rules::Action::MarkRead]
        );

        // Edited: it keeps its place and is saved under its new name.
        w.send(
            [
                Rules::Edit("山田さん".into()),
                Rules::Name("山田".into()),
                Rules::RemoveCondition(1),
                Rules::RemoveAction(1),
                Rules::Add,
            ]
            .map(Message::Rules),
        );
        let rules = store.rules().unwrap();
        assert_eq!(rules.len(), 2, "{tag}");
        assert_eq!(rules[1].name, "山田");
        assert_eq!(rules[1].conditions.len(), 1);
        assert_eq!(rules[1].actions, [poplar::rules::Action::Flag]);
        w.send([Message::Rules(Rules::RunNow(false))]);
        w.expect(moved);
        w.send([Message::Rules(Rules::Close)]);
        // Sorted into the folder the rule made (its unread message counted).
        w.click("会議室 (1)");
        w.expect("会議の件");

        // "New rule…" on the message: the form comes filled in with its sender.
        w.click("会議の件");
        w.click(&poplar::t!("action-new-rule"));
        w.send([Rules::Does(0, Does::MarkRead), Rules::Add].map(Message::Rules));
        let made = store.rules().unwrap().pop().unwrap();
        assert_eq!(made.name, "会議の件", "{tag}");
        assert_eq!(
            made.conditions,
            [poplar::rules::Condition::Text {
                field: poplar::rules::Field::From,
                test: poplar::rules::Test::Contains,
                text: "yamada@example.jp".into(),
            }]
        );
    }
}

/// Rules travel with `account export` / `import` (for offices): a rule for an account and
/// one for every account arrive with it; importing again leaves them as they are.
#[test]
fn rules_travel_with_the_accounts_file() {
    let office = tempfile::tempdir().unwrap();
    let office = office.path();
    ok(
        office,
        &[
            "account",
            "add",
            "総務",
            "--host",
            "pop.example.jp",
            "--user",
            "soumu",
        ],
    );
    ok(
        office,
        &[
            "rule",
            "add",
            "請求書",
            "--account",
            "総務",
            "--subject",
            "請求",
            "--move-to",
            "経理",
        ],
    );
    ok(
        office,
        &[
            "rule",
            "add",
            "広告",
            "--subject",
            "(?i)sale",
            "--regex",
            "--junk",
        ],
    );
    let file = office.join("accounts.json");
    ok(office, &["account", "export", file.to_str().unwrap()]);

    let laptop = tempfile::tempdir().unwrap();
    let laptop = laptop.path();
    let out = ok(laptop, &["account", "import", file.to_str().unwrap()]);
    assert!(out.contains("rule 請求書: added"), "{out}");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(laptop, &["rule", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["name"], "請求書");
    assert_eq!(listed[0]["account"], "総務");
    assert_eq!(listed[1]["name"], "広告");
    assert_eq!(listed[1]["account"], serde_json::Value::Null);
    let out = ok(laptop, &["account", "import", file.to_str().unwrap()]);
    assert!(out.contains("rule 広告: already here"), "{out}");
    let again: serde_json::Value =
        serde_json::from_str(&ok(laptop, &["rule", "list", "--json"])).unwrap();
    assert_eq!(again.as_array().unwrap().len(), 2);
}
