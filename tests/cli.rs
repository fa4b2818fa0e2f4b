//! The command line end to end against Dovecot: account add, fetch, list, show.

mod common;

use common::dovecot::{self, Dovecot};
use common::poplar;

#[test]
fn add_fetch_list_show() {
    let mut server = Dovecot::start();
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
