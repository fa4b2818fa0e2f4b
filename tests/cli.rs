//! The command line end to end against Dovecot: account add, fetch, list, show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::dovecot::{self, Dovecot};
use common::poplar;

#[test]
fn add_fetch_list_show() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let english = common::message("bob@example.org", "Quarterly report", "Numbers attached.");
    let japanese = common::japanese_message();
    server.deliver(&english);
    server.deliver(&japanese);

    let data = tempfile::tempdir().unwrap();
    let port = server.tls_port.to_string();
    let cert = server.cert.display().to_string();
    let (status, _, err) = poplar(
        data.path(),
        &[
            "account",
            "add",
            "work",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--user",
            dovecot::USER,
            "--email",
            "alice@example.org",
            "--keep",
            "delete",
            "--ca-file",
            &cert,
        ],
        None,
    );
    assert!(status.success(), "{err}");

    let (status, out, err) = poplar(data.path(), &["account", "list", "--json"], None);
    assert!(status.success(), "{err}");
    let accounts: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(accounts[0]["name"], "work");
    assert_eq!(accounts[0]["keep"], "delete");
    assert_eq!(accounts[0]["security"], "tls");

    let (status, out, err) = poplar(
        data.path(),
        &["account", "test", "work", "--password-stdin"],
        Some(&format!("{}\n", dovecot::PASSWORD)),
    );
    assert!(status.success(), "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("logged in as alice"), "{out}");
    assert!(out.contains("Mailbox: 2 messages"), "{out}");
    assert!(
        out.contains("UIDL: yes  TOP: yes  PIPELINING: yes"),
        "{out}"
    );
    assert!(out.contains("CRAM-MD5"), "{out}");
    assert_eq!(server.mailbox().len(), 2, "testing changes nothing");

    let (status, out, err) = poplar(
        data.path(),
        &["fetch", "work", "--password-stdin"],
        Some(&format!("{}\n", dovecot::PASSWORD)),
    );
    assert!(status.success(), "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("work: 2 new, 2 deleted on server"), "{out}");
    assert!(server.mailbox().is_empty());

    let (status, out, err) = poplar(data.path(), &["list", "--json"], None);
    assert!(status.success(), "{err}");
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert_eq!(list.len(), 2);
    for key in [
        "id", "account", "uidl", "from", "subject", "date", "size", "read", "partial",
    ] {
        assert!(list[0].get(key).is_some(), "missing {key} in {}", list[0]);
    }
    let jp = list
        .iter()
        .find(|m| m["subject"] == "会議の件")
        .expect("Japanese subject decoded");
    assert_eq!(jp["account"], "work");
    assert_eq!(jp["read"], false);
    assert_eq!(jp["partial"], false);
    assert_eq!(jp["size"], japanese.len());

    let id = jp["id"].to_string();
    let (status, out, _) = poplar(data.path(), &["show", &id, "--raw"], None);
    assert!(status.success());
    assert_eq!(out, japanese, "show --raw must give back the exact bytes");

    let (status, out, _) = poplar(data.path(), &["show", &id], None);
    assert!(status.success());
    let shown = String::from_utf8(out).unwrap();
    assert!(shown.contains("Subject: 会議の件"), "{shown}");
    assert!(shown.contains("明日の会議は十時からです。"), "{shown}");

    let (status, _, err) = poplar(data.path(), &["show", "999999"], None);
    assert!(!status.success());
    assert!(err.contains("no message with id 999999"), "{err}");

    // A wrong password: non-zero exit, a sentence on stderr, nothing stored. (Last, since
    // Dovecot slows down logins from an address after a failure.)
    let later = common::message("carol@example.org", "Later", "arrives later");
    server.deliver(&later);
    let (status, _, err) = poplar(data.path(), &["fetch", "--password-stdin"], Some("nope\n"));
    assert!(!status.success());
    assert!(err.contains("login failed for alice at 127.0.0.1"), "{err}");
    assert_eq!(server.mailbox(), vec![later]);
    let (_, out, _) = poplar(data.path(), &["list", "--json"], None);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert_eq!(list.len(), 2);
}

#[test]
fn errors_are_sentences() {
    let data = tempfile::tempdir().unwrap();
    let (status, _, err) = poplar(data.path(), &["fetch", "nobody"], None);
    assert!(!status.success());
    assert!(
        err.contains("there is no account named \"nobody\""),
        "{err}"
    );

    let (status, _, err) = poplar(
        data.path(),
        &[
            "account",
            "add",
            "x",
            "--host",
            "h",
            "--keep",
            "sometimes",
            "--user",
            "u",
        ],
        None,
    );
    assert!(!status.success());
    assert!(err.contains("unknown keep mode"), "{err}");

    let (status, _, err) = poplar(data.path(), &["account", "add", "x", "--host", "h"], None);
    assert!(!status.success());
    assert!(err.contains("--user"), "{err}");
}

#[test]
fn account_settings_roll_out_through_a_file_without_passwords() {
    let office = tempfile::tempdir().unwrap();
    let (status, _, err) = poplar(
        office.path(),
        &[
            "account",
            "add",
            "sales",
            "--host",
            "pop.example.co.jp",
            "--user",
            "sales",
            "--keep",
            "days:30",
            "--auth",
            "cram-md5",
            "--size-limit",
            "5M",
        ],
        None,
    );
    assert!(status.success(), "{err}");
    let file = office.path().join("accounts.json");
    let (status, _, err) = poplar(
        office.path(),
        &["account", "export", file.to_str().unwrap()],
        None,
    );
    assert!(status.success(), "{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.to_lowercase().contains("password"));

    let desk = tempfile::tempdir().unwrap();
    let (status, out, err) = poplar(
        desk.path(),
        &["account", "import", file.to_str().unwrap()],
        None,
    );
    assert!(status.success(), "{err}");
    assert!(String::from_utf8_lossy(&out).contains("poplar account password sales"));
    let (_, out, _) = poplar(desk.path(), &["account", "list", "--json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(list[0]["keep"], "days:30");
    assert_eq!(list[0]["auth"], "cram-md5");
    assert_eq!(list[0]["size_limit"], 5 * 1024 * 1024);
}

#[test]
fn show_names_what_an_attachment_really_is_and_deleting_for_good_removes_its_copies() {
    use poplar::paths::Paths;
    use poplar::store::{NewMessage, Store, View};
    let data = tempfile::tempdir().unwrap();
    let paths = Paths::at(data.path());
    paths.ensure().unwrap();
    let message = |n: usize| {
        NewMessage::from_bytes(
            Some(format!("u{n}").into()),
            format!(
                "From: mallory@example.net\r\nSubject: Invoice {n}\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
See attached.\r\n--b\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe.\r\n\r\n\
%PDF\r\n--b--\r\n"
            )
            .into_bytes(),
        )
    };
    let ids = {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&poplar::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "u".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .insert_batch(account.id, &mut [message(1), message(2), message(3)])
            .unwrap();
        store.ids(View::Inbox(None), Default::default()).unwrap()
    };
    let id = ids[0].to_string();
    let (status, out, err) = poplar(data.path(), &["show", &id], None);
    assert!(status.success(), "{err}");
    let shown = String::from_utf8(out).unwrap();
    assert!(
        shown.contains(
            "Attachment: invoicefdp.exe (4 bytes; a Windows program (.exe): opening it could run it)"
        ),
        "{shown}"
    );
    assert!(!shown.contains('\u{202E}'));

    // Private copies made for "Open", as the window makes them.
    for &id in &ids {
        let dir = paths.opened_attachment(id, 0);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("invoicefdp.exe"), b"%PDF").unwrap();
    }
    let (status, _, err) = poplar(data.path(), &["delete", "--for-good", &id], None);
    assert!(status.success(), "{err}");
    assert!(!paths.opened_message(ids[0]).exists());
    assert!(paths.opened_message(ids[1]).exists());
    let second = ids[1].to_string();
    let (status, _, err) = poplar(data.path(), &["delete", &second], None);
    assert!(status.success(), "{err}");
    let (status, _, err) = poplar(data.path(), &["empty-trash"], None);
    assert!(status.success(), "{err}");
    assert!(!paths.opened_message(ids[1]).exists());
    assert!(paths.opened_message(ids[2]).exists());
}

/// An accounts file with one account of each kind a shared file could weaken.
fn weaker_accounts_file(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("shared.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"poplar_accounts": 1, "accounts": [
  {{"name": "safe", "host": "pop.example.org", "port": 995, "security": "tls", "user": "a", "keep": "forever"}},
  {{"name": "legacy", "host": "pop.example.org", "port": 110, "security": "plain", "user": "b", "keep": "forever", "login": "user"}},
  {{"name": "pinned", "host": "pop.example.org", "port": 995, "security": "tls", "user": "c", "keep": "forever",
    "trusted_certificate_sha256": "{}"}}
]}}"#,
            "ab".repeat(32)
        ),
    )
    .unwrap();
    file
}

fn account_names(data: &std::path::Path) -> Vec<String> {
    let (status, out, err) = poplar(data, &["account", "list", "--json"], None);
    assert!(status.success(), "{err}");
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    list.iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn account_import_refuses_weaker_security_unless_each_kind_is_allowed() {
    let data = tempfile::tempdir().unwrap();
    let file = weaker_accounts_file(data.path());
    let file = file.to_str().unwrap();
    let fingerprint = ["AB"; 32].join(":");

    let (status, out, err) = poplar(data.path(), &["account", "import", file], None);
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
    assert!(
        err.contains("asks for weaker security, so nothing was imported"),
        "{err}"
    );
    assert!(
        err.contains("the account \"legacy\" uses no encryption: the password and the mail cross the network readable by anyone on the way (accept with --allow-plain)"),
        "{err}"
    );
    assert!(
        err.contains(&format!("the account \"pinned\" trusts exactly the certificate with SHA-256 fingerprint {fingerprint} instead of verifying the server's certificate (accept with --allow-pinned)")),
        "{err}"
    );
    assert!(!err.contains("\"safe\""), "{err}");
    assert!(
        account_names(data.path()).is_empty(),
        "not even the safe one"
    );

    // Allowing one kind is not allowing the other.
    let (status, _, err) = poplar(
        data.path(),
        &["account", "import", file, "--allow-plain"],
        None,
    );
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(!err.contains("\"legacy\""), "{err}");
    assert!(err.contains("--allow-pinned"), "{err}");
    assert!(account_names(data.path()).is_empty());

    let (status, out, err) = poplar(
        data.path(),
        &["account", "import", file, "--allow-plain", "--allow-pinned"],
        None,
    );
    assert!(status.success(), "{err}");
    assert!(
        err.contains("warning: the account \"legacy\" uses no encryption"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "warning: the account \"pinned\" trusts exactly the certificate with SHA-256 fingerprint {fingerprint}"
        )),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out).contains("poplar account password legacy"));
    assert_eq!(account_names(data.path()), ["legacy", "pinned", "safe"]);
}

#[test]
fn account_add_with_plain_security_is_still_accepted_with_its_warning() {
    let data = tempfile::tempdir().unwrap();
    let (status, _, err) = poplar(
        data.path(),
        &[
            "account",
            "add",
            "old-server",
            "--host",
            "pop.example.org",
            "--security",
            "plain",
            "--user",
            "u",
        ],
        None,
    );
    assert!(status.success(), "{err}");
    assert!(
        err.contains("warning: the account \"old-server\" is unencrypted"),
        "{err}"
    );
    assert_eq!(account_names(data.path()), ["old-server"]);
}

/// A message of the given day of March 2025, so that lists have an order to keep.
fn dated(subject: &str, day: u32, body: &str) -> Vec<u8> {
    format!(
        "From: Dana <dana@example.org>\r\nSubject: {subject}\r\n\
Date: {day} Mar 2025 09:00:00 +0000\r\nMessage-ID: <{day}@example.org>\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Imports these messages into `folder` through an mbox file, as a user would.
fn import(data: &std::path::Path, folder: &str, messages: &[Vec<u8>]) {
    let file = data.join(format!("{folder}.mbox"));
    let mut mbox = Vec::new();
    for m in messages {
        mbox.extend_from_slice(b"From - Mon Mar  3 09:15:00 2025\r\n");
        mbox.extend_from_slice(m);
        mbox.extend_from_slice(b"\r\n");
    }
    std::fs::write(&file, mbox).unwrap();
    let (status, _, err) = poplar(
        data,
        &["import", file.to_str().unwrap(), "--folder", folder],
        None,
    );
    assert!(status.success(), "{err}");
}

/// Mail in every kind of folder: an account's inbox ("Inbox new", the newest), two local
/// folders filled by imports, and the Trash ("Inbox old", the oldest).
fn mail_in_every_folder(data: &std::path::Path, receipts: &str) {
    use poplar::store::{NewMessage, Store};
    let paths = poplar::paths::Paths::at(data);
    paths.ensure().unwrap();
    let old = {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&poplar::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "u".into(),
                ..Default::default()
            })
            .unwrap();
        let mut batch = [
            NewMessage::from_bytes(Some("u1".into()), dated("Inbox old", 1, "first")),
            NewMessage::from_bytes(Some("u5".into()), dated("Inbox new", 5, "fifth")),
        ];
        store.insert_batch(account.id, &mut batch).unwrap()[0]
    };
    import(data, receipts, &[dated("Receipt", 2, "paid")]);
    import(
        data,
        "Imported",
        &[
            dated("Imported A", 3, "third"),
            dated("Imported B", 4, "4th"),
        ],
    );
    let (status, _, err) = poplar(data, &["delete", &old.to_string()], None);
    assert!(status.success(), "{err}");
}

/// `poplar list` with these arguments, as (subject, folder) pairs in the order given.
fn listed(data: &std::path::Path, args: &[&str]) -> Vec<(String, String)> {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_poplar"));
    command
        .arg("--data-dir")
        .arg(data)
        .arg("list")
        .arg("--json");
    // The window would speak Japanese here, on a Japanese system and by choice.
    command
        .args(args)
        .env("LC_ALL", "ja_JP.UTF-8")
        .env("LANG", "ja_JP.UTF-8");
    let (status, out, err) = common::run(command, None);
    assert!(status.success(), "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    rows.iter()
        .map(|r| {
            (
                r["subject"].as_str().unwrap().into(),
                r["folder"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(s, f)| (s.to_string(), f.to_string()))
        .collect()
}

#[test]
fn list_shows_local_folders_the_trash_and_everything_at_once() {
    let data = tempfile::tempdir().unwrap();
    mail_in_every_folder(data.path(), "Receipts");

    assert_eq!(listed(data.path(), &[]), pairs(&[("Inbox new", "Inbox")]));
    assert_eq!(
        listed(data.path(), &["--folder", "Imported"]),
        pairs(&[("Imported B", "Imported"), ("Imported A", "Imported")])
    );
    assert_eq!(
        listed(data.path(), &["--folder", "receipts"]),
        pairs(&[("Receipt", "Receipts")]),
        "a local folder's name in another case, when only one folder fits"
    );
    assert_eq!(
        listed(data.path(), &["--folder", "trash"]),
        pairs(&[("Inbox old", "Trash")])
    );
    assert_eq!(
        listed(data.path(), &["--all"]),
        pairs(&[
            ("Inbox new", "Inbox"),
            ("Imported B", "Imported"),
            ("Imported A", "Imported"),
            ("Receipt", "Receipts"),
            ("Inbox old", "Trash"),
        ]),
        "every folder, newest first"
    );

    let (status, out, err) = poplar(data.path(), &["list", "--all"], None);
    assert!(status.success(), "{err}");
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(lines[3][1], "Receipts", "{out}");
    assert_eq!(lines[3][5], "Receipt", "{out}");
    let (_, out, _) = poplar(data.path(), &["list"], None);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.lines().next().unwrap().split('\t').count(),
        5,
        "plain `poplar list` keeps its columns: {out}"
    );
}

#[test]
fn built_in_folders_keep_their_english_names_when_the_window_speaks_japanese() {
    let data = tempfile::tempdir().unwrap();
    let paths = poplar::paths::Paths::at(data.path());
    paths.ensure().unwrap();
    let store = poplar::store::Store::open(&paths.database()).unwrap();
    poplar::preferences::Preferences {
        language: Some(poplar::i18n::Language::Japanese),
        ..Default::default()
    }
    .save(&store)
    .unwrap();
    drop(store);
    mail_in_every_folder(data.path(), "領収書");

    assert_eq!(
        listed(data.path(), &["--all"]),
        pairs(&[
            ("Inbox new", "Inbox"),
            ("Imported B", "Imported"),
            ("Imported A", "Imported"),
            ("Receipt", "領収書"),
            ("Inbox old", "Trash"),
        ])
    );
    assert_eq!(
        listed(data.path(), &["--folder", "Inbox"]),
        pairs(&[("Inbox new", "Inbox")])
    );
    assert_eq!(
        listed(data.path(), &["--folder", "領収書"]),
        pairs(&[("Receipt", "領収書")])
    );
}

#[test]
fn an_unknown_folder_is_an_error_that_names_the_folders_there_are() {
    let data = tempfile::tempdir().unwrap();
    mail_in_every_folder(data.path(), "Receipts");
    let (status, out, err) = poplar(data.path(), &["list", "--folder", "Archive"], None);
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
    assert!(
        err.contains(
            r#"there is no folder named "Archive"; the folders are "Inbox", "Outbox", "Drafts", "Sent", "Junk", "Imported", "Receipts", "Trash""#
        ),
        "{err}"
    );

    // Asking for one folder and for all of them at once is a usage error.
    let (status, _, err) = poplar(
        data.path(),
        &["list", "--all", "--folder", "Imported"],
        None,
    );
    assert_eq!(status.code(), Some(2), "{err}");
}

/// The command line has no search of its own: this asks the index the window searches.
#[test]
fn imported_mail_can_be_searched_at_once() {
    use poplar::store::{Sort, Store, View};
    let data = tempfile::tempdir().unwrap();
    import(
        data.path(),
        "Imported",
        &[
            dated("Minutes", 3, "the quarterly figures"),
            common::japanese_message(),
        ],
    );
    let store = Store::open(&poplar::paths::Paths::at(data.path()).database()).unwrap();
    let imported = store.ids(View::All, Sort::default()).unwrap();
    assert_eq!(imported.len(), 2);
    let found = |words: &str| store.search(View::All, words, Sort::default()).unwrap();
    assert_eq!(found("quarterly"), [imported[1]], "{imported:?}");
    assert_eq!(found("明日の会議"), [imported[0]], "{imported:?}");
}

/// The account dialog and `poplar account add` refuse the same settings with the same
/// sentence, from the same checks: before, the command line took a host with a slash, an
/// address without @ and any number of days, which the dialog refused.
#[test]
fn the_dialog_and_the_command_line_refuse_the_same_settings_for_the_same_reason() {
    use poplar::ui::add_account::{AddAccount, KeepChoice, Message as Form};
    poplar::i18n::set_thread_language(poplar::i18n::Language::English);
    let data = tempfile::tempdir().unwrap();
    let paths = poplar::paths::Paths::at(data.path());
    let dialog = |email: &str, host: &str, days: u32| -> Vec<String> {
        let mut form = AddAccount::default();
        for message in [
            Form::Email(email.into()),
            Form::Host(host.into()),
            Form::Password("secret".into()),
            Form::Keep(KeepChoice::Days),
            Form::Days(days.to_string()),
        ] {
            let _ = form.update(message, &paths);
        }
        form.problems()
            .values()
            .map(poplar::accounts::Problem::sentence)
            .collect()
    };
    let mut n = 0;
    let mut command_line = |email: &str, host: &str, days: u32| -> Result<(), String> {
        n += 1;
        let name = format!("account-{n}");
        let keep = format!("days:{days}");
        let args = [
            "account", "add", &name, "--host", host, "--user", "u", "--email", email, "--keep",
            &keep,
        ];
        let (status, _, err) = poplar(data.path(), &args, None);
        if status.success() { Ok(()) } else { Err(err) }
    };
    let good = ("a@example.org", "pop.example.org");
    for (email, host, days, reason) in [
        (
            good.0,
            "pop/example.org",
            14,
            "A server name has no spaces, slashes or @.",
        ),
        (
            good.0,
            "pop example.org",
            14,
            "A server name has no spaces, slashes or @.",
        ),
        (
            "a.example.org",
            good.1,
            14,
            "This does not look like an email address (name@example.com).",
        ),
        (good.0, good.1, 0, "Keep for 1 to 3650 days."),
        (good.0, good.1, 3651, "Keep for 1 to 3650 days."),
    ] {
        assert_eq!(dialog(email, host, days), [reason], "{email} {host} {days}");
        let err = command_line(email, host, days).unwrap_err();
        assert!(err.contains(reason), "{email} {host} {days}: {err}");
    }
    for days in [1, 3650] {
        assert!(dialog(good.0, good.1, days).is_empty(), "{days}");
        command_line(good.0, good.1, days).unwrap();
    }
    let (_, out, _) = poplar(data.path(), &["account", "list", "--json"], None);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    let kept: Vec<_> = list.iter().map(|a| a["keep"].as_str().unwrap()).collect();
    assert_eq!(kept, ["days:1", "days:3650"]);

    // A taken name: the same sentence as the dialog's.
    let (status, _, err) = poplar(
        data.path(),
        &["account", "add", "account-6", "--host", "h", "--user", "u"],
        None,
    );
    assert!(!status.success());
    assert!(
        err.contains("An account named \"account-6\" already exists"),
        "{err}"
    );
}

/// A keyring that refuses the password leaves no account half made: `account add
/// --password-stdin` removes the account again and says exactly that.
#[cfg(target_os = "linux")]
#[test]
fn a_password_the_keyring_refuses_leaves_no_account_behind() {
    let data = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_poplar"));
    command
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/poplar-test-bus",
        )
        .arg("--data-dir")
        .arg(data.path())
        .args(["account", "add", "home", "--host", "pop.example.org"])
        .args(["--user", "u", "--password-stdin"]);
    let (status, _, err) = common::run(command, Some("secret\n"));
    assert!(!status.success());
    assert!(
        err.contains("did not take the password, so the account \"home\" was not added"),
        "{err}"
    );
    assert!(account_names(data.path()).is_empty());
}
