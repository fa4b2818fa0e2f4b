//! The window as a new user meets it: the account dialog from first start to reading mail
//! (against a real Dovecot with a self-signed certificate), every setting the dialog
//! offers, its inline checks, each way "Test connection" can fail, and the window in
//! Japanese.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::dovecot::{self, Dovecot};
use common::fake::{self, FakeServer, Options};
use common::window::{Window, matches_snapshot};
use poplar::accounts::{AuthMethod, Keep, Security};
use poplar::app::{Message, WorkerMessage};
use poplar::i18n::Language;
use poplar::paths::Paths;
use poplar::store::Store;
use poplar::ui::add_account::{KeepChoice, Message as Form};
use poplar::ui::reader::{self, Act};

fn form(messages: Vec<Form>) -> Vec<Message> {
    messages.into_iter().map(Message::AddAccount).collect()
}

fn accounts(paths: &Paths) -> Vec<poplar::accounts::Account> {
    Store::open(&paths.database()).unwrap().accounts().unwrap()
}

/// A name no other test (or earlier run) uses in the shared keyring.
fn unique(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

#[test]
fn from_first_start_to_reading_mail_using_only_the_dialog() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    server.deliver(&common::message(
        "carol@example.org",
        "Minutes of the meeting",
        "Attached are the minutes.",
    ));
    server.deliver(&common::japanese_message());
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let mut w = Window::start(paths.clone(), Language::English);
    let (handle, mut events) = {
        let _enter = w.runtime.enter();
        poplar::worker::spawn(paths.clone(), poplar::worker::Schedule::OnCommand)
    };
    w.send([Message::Worker(WorkerMessage::Ready(handle))]);

    w.expect("Welcome to Poplar");
    w.click("Add account");
    w.expect("Add account");
    let email = format!("{}@example.org", unique("alice"));
    w.type_into("email", &email);
    w.type_into("host", "127.0.0.1");
    w.type_into("port", "");
    // Port: replace the default with the test server's.
    w.send(form(vec![Form::Port(server.tls_port.to_string())]));
    w.send(form(vec![Form::User(String::new())]));
    w.type_into("user", dovecot::USER);
    w.type_into("password", dovecot::PASSWORD);

    // The certificate is self-signed: the test says so, describes it, and offers to trust it.
    w.click("Test connection");
    let said = w.tested().unwrap_err();
    assert!(
        said.starts_with("The certificate of 127.0.0.1 is not trusted: issued to"),
        "{said}"
    );
    assert!(said.contains("SHA-256 fingerprint"), "{said}");
    w.expect(&said);
    w.click("Trust this certificate for this account");
    w.expect("This certificate is trusted for this account. Test again to log in.");
    w.click("Test connection");
    w.expect(
        "Connected and logged in (encrypted with TLS 1.2 or newer). 2 messages on the server.\n\
         Login methods: PLAIN, LOGIN, CRAM-MD5. UIDL: yes. TOP: yes. PIPELINING: yes.",
    );

    // Adding it fetches at once.
    w.click("Add");
    assert!(w.app.account_dialog().is_none());
    let saved = &accounts(&paths)[0];
    assert_eq!(saved.settings.name, email);
    assert_eq!(saved.settings.user, dovecot::USER);
    assert!(saved.settings.pinned_cert.is_some());
    loop {
        let event = w.runtime.block_on(events.recv()).unwrap();
        let done = matches!(event, poplar::worker::Event::Finished { .. });
        w.send([Message::Worker(WorkerMessage::Event(event))]);
        if done {
            break;
        }
    }
    w.expect(&format!(
        "{email}: 2 new, 0 deleted on server, 2 kept on server"
    ));
    w.click("Minutes of the meeting");
    assert!(
        w.body().contains("Attached are the minutes."),
        "{}",
        w.body()
    );
    w.click("会議の件");
    w.expect("山田太郎 <yamada@example.jp>");
    assert!(
        w.body().contains("明日の会議は十時からです。"),
        "{}",
        w.body()
    );
    forget_passwords(&paths);
}

/// Removes the passwords this test stored in the keyring (a real one under packaging/test.sh).
fn forget_passwords(paths: &Paths) {
    let store = Store::open(&paths.database()).unwrap();
    if let Ok(keyring) = poplar::secrets::Keyring::open(&store) {
        for account in store.accounts().unwrap() {
            let _ = keyring.delete(&account);
        }
    }
}

/// An account made on the command line without an address, its name cleared in the
/// dialog: Save says what is missing instead of doing nothing.
#[test]
fn clearing_the_name_of_an_account_without_an_address_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let account = Store::open(&paths.database())
        .unwrap()
        .add_account(&poplar::accounts::Settings {
            name: "cli".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap();
    let mut w = Window::start(paths.clone(), Language::English);
    w.send([Message::EditAccount(account.id)]);
    w.send(form(vec![Form::Name(String::new()), Form::Save]));
    w.expect("Enter a name for this account (or an email address).");
    assert!(w.app.account_dialog().is_some(), "the dialog stays open");
    assert_eq!(accounts(&paths)[0].settings.name, "cli");
}

#[test]
fn a_new_account_gets_the_documented_defaults_and_every_setting_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let mut w = Window::start(paths.clone(), Language::English);
    let name = unique("defaults");
    w.send([Message::OpenAddAccount]);
    w.send(form(vec![
        Form::Email(format!("{name}@example.org")),
        Form::Host("pop.example.org".into()),
        Form::Password("secret".into()),
    ]));
    // What the defaults do to the server's copies is said in one line each.
    w.expect(
        "The server keeps each message for 14 days after Poplar downloads it, then Poplar deletes it there.",
    );
    w.expect("Emptying the Trash here also removes those messages from the server.");
    w.expect("Every message is downloaded whole.");
    w.click("Add");
    let account = accounts(&paths).pop().unwrap();
    let s = &account.settings;
    assert_eq!((s.security, s.port), (Security::Tls, 995));
    assert_eq!(s.keep, Keep::Days(14));
    assert!(s.delete_on_server_when_deleted);
    assert!(s.check_on_startup);
    assert_eq!(s.check_every_minutes, Some(10));
    assert!(s.include_in_get_all);
    assert_eq!(s.auth, AuthMethod::Automatic);
    assert_eq!(s.size_limit, None);

    // Every choice the dialog offers is saved, and shown again when editing.
    w.send([Message::EditAccount(account.id)]);
    w.send(form(vec![
        Form::Login(AuthMethod::CramMd5),
        Form::Keep(KeepChoice::Forever),
        Form::DeleteOnServer(false),
        Form::LimitSize(true),
        Form::SizeLimit("512".into()),
        Form::CheckOnStartup(false),
        Form::CheckEvery(true),
        Form::Minutes("30".into()),
        Form::IncludeInGetAll(false),
    ]));
    w.expect("The server keeps a copy of every message; Poplar downloads each one once.");
    w.expect("The server's copies stay whatever you delete here.");
    w.expect("Larger messages stay whole on the server until you choose \"Download the rest\".");
    w.click("Save");
    let s = accounts(&paths).pop().unwrap().settings;
    assert_eq!(s.auth, AuthMethod::CramMd5);
    assert_eq!(s.keep, Keep::Forever);
    assert!(!s.delete_on_server_when_deleted);
    assert_eq!(s.size_limit, Some(512 * 1024));
    assert!(!s.check_on_startup);
    assert_eq!(s.check_every_minutes, Some(30));
    assert!(!s.include_in_get_all);

    w.send([Message::EditAccount(account.id)]);
    w.expect("Only this method is used; choose it if your provider says so.");
    w.expect("The server keeps a copy of every message; Poplar downloads each one once.");
    w.expect("512");
    w.expect("30");
    w.send(form(vec![Form::CheckEvery(false)]));
    w.click("Save");
    assert_eq!(
        accounts(&paths).pop().unwrap().settings.check_every_minutes,
        None
    );
    forget_passwords(&paths);
}

#[test]
fn each_field_says_what_is_wrong_and_nothing_is_saved_until_all_are_right() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let mut w = Window::start(paths.clone(), Language::English);
    w.send([Message::OpenAddAccount]);
    // Nothing is said before the first try.
    assert!(!w.shows("Enter your email address."));
    w.send(form(vec![
        Form::Email("alice at example.org".into()),
        Form::Host("pop example org".into()),
        Form::Port("0".into()),
        Form::Security(Security::Plain),
        Form::Port("0".into()),
        Form::Keep(KeepChoice::Days),
        Form::Days("0".into()),
        Form::LimitSize(true),
        Form::SizeLimit("0".into()),
        Form::Minutes("0".into()),
    ]));
    w.expect("Without encryption, your password and your mail cross the network readable by anyone on the way.");
    w.click("Add");
    for problem in [
        "This does not look like an email address (name@example.com).",
        "A server name has no spaces, slashes or @.",
        "The port is a number from 1 to 65535.",
        "Tick the box above to connect without encryption, or choose SSL/TLS.",
        "Enter the password for this account.",
        "Keep for 1 to 3650 days.",
        "Enter a size in KB (at least 1).",
        "Check every 1 to 1440 minutes.",
        "Some fields need attention; nothing was saved.",
    ] {
        w.expect(problem);
    }
    assert!(accounts(&paths).is_empty());
    // "Test connection" checks the same things before connecting anywhere.
    w.click("Test connection");
    assert!(w.app.account_dialog().unwrap().tested().is_none());

    // Each message goes as its field is put right.
    w.send(form(vec![Form::Email("alice@example.org".into())]));
    assert!(!w.shows("This does not look like an email address (name@example.com)."));
    w.send(form(vec![
        Form::Host("pop.example.org".into()),
        Form::Port("110".into()),
        Form::ConfirmPlain(true),
        Form::Password("secret".into()),
        Form::Days("7".into()),
        Form::SizeLimit("100".into()),
        Form::Minutes("5".into()),
    ]));
    assert!(!w.shows("Some fields need attention; nothing was saved."));
    assert!(w.app.account_dialog().unwrap().problems().is_empty());

    // Cancel changes nothing.
    w.click("Cancel");
    assert!(w.app.account_dialog().is_none());
    assert!(accounts(&paths).is_empty());
}

/// Runs Test connection with the form as given and returns what the dialog says.
fn test_connection(w: &mut Window, fields: Vec<Form>) -> String {
    w.send([Message::OpenAddAccount]);
    w.send(form(fields));
    w.click("Test connection");
    let said = w.tested().unwrap_or_else(|e| e);
    w.expect(&said);
    w.send(form(vec![Form::Cancel]));
    said
}

fn filled(host: &str, port: u16, security: Security) -> Vec<Form> {
    vec![
        Form::Email("alice@example.org".into()),
        Form::Host(host.into()),
        Form::Security(security),
        Form::ConfirmPlain(true),
        Form::Port(port.to_string()),
        Form::User(fake::USER.into()),
        Form::Password(fake::PASSWORD.into()),
    ]
}

#[test]
fn test_connection_explains_each_way_it_can_fail() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = Window::start(Paths::at(dir.path()), Language::English);

    // Name not found.
    let said = test_connection(&mut w, filled("poplar-test.invalid", 995, Security::Tls));
    assert!(
        said.starts_with("Could not find the server \"poplar-test.invalid\""),
        "{said}"
    );
    assert!(said.ends_with("Check the server name."), "{said}");

    // Connection refused: a port nothing listens on.
    let closed = common::closed_port();
    let port = closed.port;
    let said = test_connection(&mut w, filled("127.0.0.1", port, Security::Tls));
    assert_eq!(
        said,
        format!(
            "The server 127.0.0.1 refused the connection on port {port}. Check the server name, the port and the security setting."
        )
    );

    // STARTTLS chosen, not offered: nothing is sent in plaintext.
    let server = {
        let _enter = w.runtime.enter();
        w.runtime
            .block_on(FakeServer::start(vec![], Options::default(), |_, _| None))
    };
    let said = test_connection(&mut w, filled("127.0.0.1", server.port, Security::StartTls));
    assert_eq!(
        said,
        "127.0.0.1 does not offer STARTTLS, which this account requires; nothing was sent in plaintext. Choose SSL/TLS, or ask your provider."
    );
    assert!(
        !server.commands().iter().any(|c| c.starts_with("USER")),
        "{:?}",
        server.commands()
    );

    // A server that accepts the connection and then says nothing.
    let silent = {
        let _enter = w.runtime.enter();
        w.runtime
            .block_on(FakeServer::start(vec![], Options::default(), |_, line| {
                line.starts_with("CAPA").then_some(fake::Reply::Hang)
            }))
    };
    w.send([Message::OpenAddAccount]);
    let dialog = w.app.account_dialog_mut().unwrap();
    *dialog = std::mem::take(dialog).with_timeout(std::time::Duration::from_secs(1));
    w.send(form(filled("127.0.0.1", silent.port, Security::Plain)));
    w.click("Test connection");
    let said = w.tested().unwrap_err();
    assert!(
        said.starts_with("127.0.0.1 did not answer within 1 second (")
            && said.ends_with("The server or the network may be down; try again later."),
        "{said}"
    );
    w.expect(&said);
    w.send(form(vec![Form::Cancel]));

    // Wrong password.
    let mut fields = filled("127.0.0.1", server.port, Security::Plain);
    fields.push(Form::Password("wrong".into()));
    let said = test_connection(&mut w, fields);
    assert!(
        said.starts_with("Login failed for alice at 127.0.0.1:"),
        "{said}"
    );

    // A server without UIDL cannot keep mail on the server.
    let no_uidl = {
        let _enter = w.runtime.enter();
        w.runtime.block_on(FakeServer::start(
            vec![],
            Options {
                capa: Some(vec!["USER".into()]),
                uidl: false,
                ..Options::default()
            },
            |_, _| None,
        ))
    };
    let said = test_connection(&mut w, filled("127.0.0.1", no_uidl.port, Security::Plain));
    assert_eq!(
        said,
        "127.0.0.1 does not support UIDL, so Poplar cannot tell which messages it already has; choose \"delete after download\" for this account"
    );
    let mut fields = filled("127.0.0.1", no_uidl.port, Security::Plain);
    fields.push(Form::Keep(KeepChoice::Delete));
    let said = test_connection(&mut w, fields);
    assert!(said.contains("UIDL: no."), "{said}");
}

#[test]
fn the_window_speaks_japanese_when_chosen_and_says_so_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let mut w = Window::start(paths.clone(), Language::English);
    w.expect("Get mail");
    let mut preferences = w.app.snapshot.preferences;
    preferences.language = Some(Language::Japanese);
    choose(&mut w, preferences);
    w.expect("Poplar へようこそ");
    w.expect("メール受信");
    w.expect("すべての受信箱");
    w.expect("ごみ箱");
    assert_eq!(w.app.title(), "Poplar");

    // The dialog, its checks and its failures too.
    w.click("アカウント追加");
    w.expect("メールアドレス");
    w.expect("サーバー上のメール");
    w.click("追加");
    w.expect("メールアドレスを入力してください。");
    w.expect("確認が必要な項目があります。まだ保存していません。");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    w.send(form(vec![
        Form::Email("taro@example.jp".into()),
        Form::Host("127.0.0.1".into()),
        Form::Port(port.to_string()),
        Form::Password("secret".into()),
    ]));
    w.click("接続テスト");
    w.expect(&format!(
        "サーバー 127.0.0.1 がポート {port} への接続を拒否しました。サーバー名、ポート、暗号化の設定を確認してください。"
    ));
    w.click("キャンセル");

    // The choice is kept for the next start.
    let again = Window::start(paths, Language::English);
    again.expect("メール受信");
}

#[test]
fn the_language_follows_the_system_until_one_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    // On a test thread its own language stands in for the system's.
    let w = Window::start(paths.clone(), Language::Japanese);
    assert_eq!(w.app.snapshot.preferences.language, None);
    w.expect("Poplar へようこそ");
    drop(w);
    let mut w = Window::start(paths.clone(), Language::Japanese);
    let mut preferences = w.app.snapshot.preferences;
    preferences.language = Some(Language::English);
    choose(&mut w, preferences);
    w.expect("Welcome to Poplar");
}

/// Mail with English and Japanese senders and subjects, dated so the list is the same on
/// every run.
fn store_mixed_mail(paths: &Paths) {
    paths.ensure().unwrap();
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store
        .add_account(&poplar::accounts::Settings {
            name: "home".into(),
            email: "alice@example.org".into(),
            host: "pop.example.org".into(),
            user: "alice".into(),
            ..Default::default()
        })
        .unwrap();
    let mut messages = vec![
        common::japanese_message(),
        b"From: =?UTF-8?B?5L2Q6Jek6Iqx5a2Q?= <sato@example.jp>\r\n\
Subject: =?UTF-8?B?6YCx5pyr44Gu5LqI5a6a?=\r\n\
Date: Mon, 3 Mar 2025 18:30:00 +0900\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\r\n\
\xe5\x9c\x9f\xe6\x9b\x9c\xe6\x97\xa5\xe3\x81\xaf\xe7\xa9\xba\xe3\x81\x84\xe3\x81\xa6\xe3\x81\x84\xe3\x81\xbe\xe3\x81\x99\xe3\x81\x8b\xef\xbc\x9f\r\n"
            .to_vec(),
    ];
    for (n, (from, subject)) in [
        ("Bob Stone <bob@example.org>", "Lunch on Friday"),
        ("Carol King <carol@example.org>", "Minutes of the meeting"),
        ("Newsletter <news@shop.example>", "Spring sale"),
    ]
    .into_iter()
    .enumerate()
    {
        messages.push(
            format!(
                "From: {from}\r\nSubject: {subject}\r\nDate: Sun, {} Mar 2025 09:00:00 +0000\r\n\r\nHello.\r\n",
                n + 1
            )
            .into_bytes(),
        );
    }
    // HTML: a heading, strong text and a link, drawn as such in the reading pane.
    messages.push(
        b"From: Shop <news@shop.example>\r\nSubject: Autumn offers\r\n\
Date: Thu, 27 Feb 2025 08:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n\
<html><body><h1>Autumn offers</h1><p>Everything is <b>20% off</b> this week.</p>\
<p><a href=\"https://shop.example/autumn\">See the offers</a></p>\
<img src=\"https://tracker.example/p.png\"></body></html>\r\n"
            .to_vec(),
    );
    // Flagged, with an attachment: the list marks both.
    messages.push(
        b"From: Dave Lee <dave@example.org>\r\nSubject: Contract to sign\r\n\
Date: Fri, 28 Feb 2025 16:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
Attached.\r\n--b\r\nContent-Type: application/pdf; name=contract.pdf\r\n\
Content-Disposition: attachment; filename=contract.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
            .to_vec(),
    );
    let mut batch: Vec<poplar::store::NewMessage> = messages
        .into_iter()
        .enumerate()
        .map(|(n, bytes)| {
            poplar::store::NewMessage::from_bytes(Some(format!("u{n}").into()), bytes)
        })
        .collect();
    store.insert_batch(account.id, &mut batch).unwrap();
    let ids = store
        .ids(
            poplar::store::View::Inbox(None),
            poplar::store::Sort::default(),
        )
        .unwrap();
    let contract = store
        .rows(&ids)
        .unwrap()
        .into_iter()
        .find(|r| r.subject == "Contract to sign")
        .unwrap()
        .id;
    store.set_flagged(&[contract], true).unwrap();
    // Indexing (the worker's, in the background) is what counts attachments.
    while store.index_pending(500).unwrap() > 0 {}
}

#[test]
fn snapshots_of_the_main_window_in_english_and_japanese_light_and_dark() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    store_mixed_mail(&paths);
    for (language, tag) in [(Language::English, "en"), (Language::Japanese, "ja")] {
        let mut w = Window::start(paths.clone(), language);
        w.click("会議の件");
        for (theme, shade) in [(iced::Theme::Light, "light"), (iced::Theme::Dark, "dark")] {
            matches_snapshot(&w, &theme, &format!("main-{tag}-{shade}"));
        }
        if language == Language::English {
            w.click("Autumn offers");
            matches_snapshot(&w, &iced::Theme::Light, "html-en-light");
        }
        // The account dialog after a first try with a mistyped address.
        w.send([Message::OpenAddAccount]);
        w.send(form(vec![
            Form::Email("alice@".into()),
            Form::Security(Security::Plain),
            Form::Save,
        ]));
        matches_snapshot(&w, &iced::Theme::Light, &format!("account-{tag}-light"));
        // Its other half: the outgoing server, on, without encryption not yet confirmed.
        w.send(form(vec![
            Form::Page(poplar::ui::add_account::Page::Sending),
            Form::Sending(true),
            Form::SmtpHost("smtp.example.jp".into()),
            Form::SmtpSecurity(Security::Plain),
            Form::SmtpLogin(poplar::accounts::smtp::SmtpLogin::PopBeforeSmtp),
            Form::SmtpJis(true),
        ]));
        matches_snapshot(
            &w,
            &iced::Theme::Light,
            &format!("account-sending-{tag}-light"),
        );
        // With STARTTLS and a password of its own, not typed yet: the field says so.
        w.send(form(vec![
            Form::SmtpSecurity(Security::StartTls),
            Form::SmtpLogin(poplar::accounts::smtp::SmtpLogin::Automatic),
            Form::SmtpOwnPassword(true),
        ]));
        let missing = poplar::accounts::Problem::SmtpPasswordMissing.sentence();
        w.expect(&missing);
        matches_snapshot(
            &w,
            &iced::Theme::Light,
            &format!("account-sending-own-{tag}-light"),
        );
    }
}

#[test]
fn account_settings_go_to_another_computer_through_the_import_export_dialog() {
    use poplar::ui::transfer::Message as Transfer;
    let dir = tempfile::tempdir().unwrap();
    let office = Paths::at(dir.path().join("office"));
    store_mixed_mail(&office);
    let file = dir.path().join("poplar-accounts.json");
    let mut w = Window::start(office.clone(), Language::English);
    w.click("Import/Export");
    w.expect("Export account settings…");
    // The file dialog's answer, as the system's dialog would give it.
    w.send([Message::Transfer(Transfer::AccountsExportTo(Some(
        file.clone(),
    )))]);
    w.expect("Wrote the settings of 1 account.");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("\"host\": \"pop.example.org\""),
        "{written}"
    );
    assert!(!written.to_lowercase().contains("password"), "{written}");

    let other = Paths::at(dir.path().join("desk-2"));
    let mut w = Window::start(other.clone(), Language::English);
    w.click("Import/Export");
    w.send([Message::Transfer(Transfer::AccountsImportFrom(Some(
        file.clone(),
    )))]);
    w.expect("These accounts would be added:");
    w.expect("home: alice at pop.example.org, port 995, SSL/TLS");
    w.click("Add 1 account");
    w.expect("Added 1 account; Poplar asks for its password when it first gets mail.");
    assert_eq!(
        w.app.snapshot.accounts.len(),
        1,
        "the sidebar shows it at once"
    );
    assert_eq!(accounts(&other)[0].settings, accounts(&office)[0].settings);
    // Importing again changes nothing and says so.
    w.send([Message::Transfer(Transfer::AccountsImportFrom(Some(file)))]);
    w.expect("Every account in this file is already here.");
    w.expect("Already here, left as they are: home.");
    w.click("Cancel");
    w.expect("Nothing was imported.");
    assert_eq!(accounts(&other).len(), 1);
}

/// A message from a stranger with one attachment (`filename*` in RFC 2231 form, so that
/// any character can be in it).
fn with_attachment(subject: &str, date: u32, filename: &str, mime: &str, bytes: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "From: Mallory <mallory@example.net>\r\nSubject: {subject}\r\n\
Date: Mon, {date} Mar 2025 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
Please see the attachment.\r\n--b\r\nContent-Type: {mime}\r\n\
Content-Disposition: attachment; filename*=UTF-8''{encoded}\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
    .into_bytes()
}

/// The files handed to the system's opener, instead of opening them.
fn record_opened(w: &mut Window) -> std::sync::Arc<std::sync::Mutex<Vec<std::path::PathBuf>>> {
    let opened = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = opened.clone();
    w.app.opener = std::sync::Arc::new(move |path| {
        record.lock().unwrap().push(path.to_path_buf());
        Ok(())
    });
    opened
}

fn open_message_id(w: &Window) -> i64 {
    match &w.app.reader {
        poplar::ui::reader::Reader::Loaded { id, .. } => *id,
        other => panic!("no message is open: {other:?}"),
    }
}

#[test]
fn an_attachment_that_could_run_opens_only_after_a_warning_that_names_its_type() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let program = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode";
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&poplar::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "alice".into(),
                ..Default::default()
            })
            .unwrap();
        let mut batch = vec![
            // A right-to-left override (U+202E) makes "invoice<RLO>fdp.exe" read as "invoiceexe.pdf".
            with_attachment(
                "Your invoice",
                3,
                "invoice\u{202E}fdp.exe",
                "application/pdf",
                program,
            ),
            with_attachment("Meeting notes", 2, "notes.txt", "text/plain", b"1. Budget"),
            // A PDF by its name whose bytes are a Windows program.
            with_attachment("Scanned page", 1, "scan.pdf", "application/pdf", program),
        ]
        .into_iter()
        .enumerate()
        .map(|(n, bytes)| {
            poplar::store::NewMessage::from_bytes(Some(format!("u{n}").into()), bytes)
        })
        .collect::<Vec<_>>();
        store.insert_batch(account.id, &mut batch).unwrap();
    }
    let mut w = Window::start(paths.clone(), Language::English);
    let opened = record_opened(&mut w);
    let warning = "“invoicefdp.exe” is a Windows program (its name ends in .exe). Opening it could run it and harm this computer. Save it instead, or open it only if you trust the sender and expected this file.";

    w.click("Your invoice");
    let invoice = open_message_id(&w);
    w.expect(&format!("invoicefdp.exe ({} B)", program.len()));
    assert!(!w.shows(&format!("invoice\u{202E}fdp.exe ({} B)", program.len())));

    // One click on Open runs nothing: it says what the file really is.
    w.click("Open");
    w.expect(warning);
    assert!(opened.lock().unwrap().is_empty());
    assert!(
        !paths.opened_message(invoice).exists(),
        "nothing is written before the second confirmation"
    );
    matches_snapshot(&w, &iced::Theme::Light, "attachment-warning-en-light");
    // Saving needs no confirmation (the system's dialog answers with this path).
    let saved = dir.path().join("saved.exe");
    w.send([Message::Reader(reader::Message::SaveAttachmentTo(
        invoice,
        0,
        Some(saved.clone()),
    ))]);
    assert_eq!(std::fs::read(&saved).unwrap(), program);
    assert!(opened.lock().unwrap().is_empty());
    // Clicking Open again is not the confirmation; Cancel takes the warning away.
    w.click("Open");
    assert!(opened.lock().unwrap().is_empty());
    w.click("Cancel");
    assert!(!w.shows(warning));
    // A stale request (the pane shows another message) is checked by the file itself.
    w.click("Meeting notes");
    let notes = open_message_id(&w);
    w.send([Message::Reader(reader::Message::OpenAttachment(invoice, 0))]);
    assert!(opened.lock().unwrap().is_empty());

    // A document opens with one click, from its message's private folder.
    w.click("Open");
    let first = opened.lock().unwrap().clone();
    assert_eq!(first.len(), 1);
    assert!(
        first[0].starts_with(paths.opened_message(notes)),
        "{first:?}"
    );
    assert_eq!(std::fs::read(&first[0]).unwrap(), b"1. Budget");

    // Bytes that are a program count, whatever the name says.
    w.click("Scanned page");
    w.click("Open");
    w.expect("“scan.pdf” is a Windows program (judged by its contents, whatever its name says). Opening it could run it and harm this computer. Save it instead, or open it only if you trust the sender and expected this file.");
    assert_eq!(opened.lock().unwrap().len(), 1);

    // The second, explicit confirmation opens it.
    w.click("Your invoice");
    w.click("Open");
    w.click("Open anyway");
    let all = opened.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[1].file_name().unwrap(), "invoicefdp.exe");
    assert!(all[1].starts_with(paths.opened_message(invoice)));
    assert_eq!(std::fs::read(&all[1]).unwrap(), program);
    assert!(!w.shows(warning));

    // Deleted for good, the message takes its private copies with it; others stay.
    w.send([Message::Reader(reader::Message::Act(
        invoice,
        Act::DeleteForGood,
    ))]);
    assert!(!paths.opened_message(invoice).exists());
    assert!(paths.opened_message(notes).exists());
}

#[test]
fn the_attachment_warning_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&poplar::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "alice".into(),
                ..Default::default()
            })
            .unwrap();
        let mut batch = vec![poplar::store::NewMessage::from_bytes(
            Some("u0".into()),
            with_attachment("請求書", 3, "請求書.pdf.exe", "application/pdf", b"MZ"),
        )];
        store.insert_batch(account.id, &mut batch).unwrap();
    }
    let mut w = Window::start(paths.clone(), Language::Japanese);
    let opened = record_opened(&mut w);
    w.click("請求書");
    w.click("開く");
    w.expect("「請求書.pdf.exe」はWindows のプログラムです（名前の末尾は .pdf ではなく .exe）。開くと実行され、このコンピューターに害を及ぼすおそれがあります。保存してください。送信者を信頼でき、このファイルが届く予定だった場合にだけ開いてください。");
    matches_snapshot(&w, &iced::Theme::Light, "attachment-warning-ja-light");
    w.click("それでも開く");
    assert_eq!(opened.lock().unwrap().len(), 1);
}

#[test]
fn an_accounts_file_that_weakens_security_says_how_and_adds_nothing_without_a_tick() {
    use poplar::ui::transfer::Message as Transfer;
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("desk"));
    paths.ensure().unwrap();
    let file = dir.path().join("shared.json");
    let fingerprint = ["3F"; 32].join(":");
    std::fs::write(
        &file,
        format!(
            r#"{{"poplar_accounts": 1, "accounts": [
  {{"name": "office", "host": "pop.example.co.jp", "port": 995, "security": "tls", "user": "office", "keep": "days:30"}},
  {{"name": "old router", "host": "192.168.1.1", "port": 110, "security": "plain", "user": "admin", "keep": "forever", "login": "user"}},
  {{"name": "nas", "host": "nas.local", "port": 995, "security": "tls", "user": "me", "keep": "forever",
    "trusted_certificate_sha256": "{}"}}
]}}"#,
            "3f".repeat(32)
        ),
    )
    .unwrap();
    let mut w = Window::start(paths.clone(), Language::English);
    w.click("Import/Export");
    let choose = || {
        [Message::Transfer(Transfer::AccountsImportFrom(Some(
            file.clone(),
        )))]
    };
    w.send(choose());
    w.expect("These accounts would be added:");
    w.expect("office: office at pop.example.co.jp, port 995, SSL/TLS");
    w.expect("old router uses no encryption: the password and the mail cross the network readable by anyone on the way.");
    w.expect(&format!("nas trusts exactly the certificate with SHA-256 fingerprint {fingerprint} instead of verifying the server's certificate."));
    matches_snapshot(&w, &iced::Theme::Light, "import-weaker-en-light");
    // The button does nothing until the box is ticked.
    w.click("Add 3 accounts");
    assert!(accounts(&paths).is_empty());
    w.click("Cancel");
    w.expect("Nothing was imported.");
    assert!(accounts(&paths).is_empty());

    w.send(choose());
    w.click("I understand: add these accounts with weaker security");
    w.click("Add 3 accounts");
    w.expect("Added 3 accounts; Poplar asks for their passwords when it first gets mail.");
    let added = accounts(&paths);
    assert_eq!(added.len(), 3);
    let nas = added.iter().find(|a| a.settings.name == "nas").unwrap();
    assert_eq!(
        nas.settings.pinned_cert.as_deref(),
        Some(fingerprint.as_str())
    );
    let router = added
        .iter()
        .find(|a| a.settings.name == "old router")
        .unwrap();
    assert_eq!(router.settings.security, Security::Plain);
}

/// Chooses these preferences in the Preferences dialog, and closes it.
fn choose(w: &mut Window, preferences: poplar::preferences::Preferences) {
    use poplar::ui::preferences::Message as Dialog;
    w.send([
        Message::OpenPreferences,
        Message::Preferences(Dialog::Set(preferences)),
        Message::Preferences(Dialog::Close),
    ]);
}
