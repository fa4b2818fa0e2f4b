//! Sending end to end: `poplar send`, `poplar outbox` and `poplar outbox send` against a
//! real SMTP submission server on loopback (aiosmtpd, with TLS on one port and mandatory
//! STARTTLS on the other, AUTH required), decoded back with mail-parser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::poplar;
use common::smtp::{PASSWORD, Smtpd};
use mail_parser::{MessageParser, MimeHeaders};

const SUBJECT: &str = "来週の会議の件について（ご確認ください）";
const BODY: &str = "山田様\n\nいつもお世話になっております。来週の会議は十時からです。🍣\n資料を添付いたします。\n";
const FILE_NAME: &str = "見積書（第二版）.txt";
const FILE_TEXT: &str = "合計：一万二千円\n";

/// Adds the account "home" whose outgoing server is `port` on loopback.
fn add_account(data: &Path, security: &str, port: u16, charset: &str, ca_file: &Path) {
    let port = port.to_string();
    let (status, _, err) = poplar(
        data,
        &[
            "account",
            "add",
            "home",
            "--host",
            "127.0.0.1",
            "--user",
            "alice",
            "--email",
            "alice@example.jp",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &port,
            "--smtp-security",
            security,
            "--smtp-charset",
            charset,
            "--smtp-ca-file",
            ca_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(status.success(), "{err}");
}

fn outbox(data: &Path) -> Vec<serde_json::Value> {
    let (status, out, err) = poplar(data, &["outbox", "--json"], None);
    assert!(status.success(), "{err}");
    serde_json::from_slice::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn folder(data: &Path, name: &str) -> Vec<serde_json::Value> {
    let (status, out, err) = poplar(data, &["list", "--folder", name, "--json"], None);
    assert!(status.success(), "{err}");
    serde_json::from_slice::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn raw(data: &Path, id: i64) -> Vec<u8> {
    let (status, out, err) = poplar(data, &["show", &id.to_string(), "--raw"], None);
    assert!(status.success(), "{err}");
    out
}

/// `poplar send` of a short message to `to`; (exit code, stderr).
fn send_to(data: &Path, to: &str, password: &str) -> (Option<i32>, String) {
    let (status, _, err) = poplar(
        data,
        &[
            "send",
            "--account",
            "home",
            "--to",
            to,
            "--subject",
            "Hello",
            "--body",
            "Hi.\n",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    (status.code(), err)
}

#[test]
fn japanese_mail_reads_back_as_typed_through_465_and_587_in_utf8_and_jis() {
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let ways = [
        ("tls", smtpd.tls_port, "utf-8"),
        ("starttls", smtpd.starttls_port, "utf-8"),
        ("tls", smtpd.tls_port, "iso-2022-jp"),
        ("starttls", smtpd.starttls_port, "iso-2022-jp"),
    ];
    for (n, (security, port, charset)) in ways.into_iter().enumerate() {
        let way = format!("{security} {charset}");
        let data = tempfile::tempdir().unwrap();
        add_account(data.path(), security, port, charset, &smtpd.cert);
        let attachment = data.path().join(FILE_NAME);
        std::fs::write(&attachment, FILE_TEXT).unwrap();
        let (status, out, err) = poplar(
            data.path(),
            &[
                "send",
                "--account",
                "home",
                "--to",
                "山田 太郎 <taro@example.jp>",
                "--cc",
                "hanako@example.jp",
                "--bcc",
                "hidden@example.jp",
                "--subject",
                SUBJECT,
                "--body",
                BODY,
                "--attach",
                attachment.to_str().unwrap(),
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        assert_eq!(status.code(), Some(0), "{way}: {err}");
        assert!(String::from_utf8_lossy(&out).contains("was sent"), "{way}");

        let received = smtpd.wait_for(n + 1);
        assert_eq!(received.len(), n + 1, "{way}");
        let got = &received[n];
        assert!(got.authenticated, "{way}");
        assert_eq!(got.mail_from, "alice@example.jp", "{way}");
        let mut rcpt = got.rcpt_tos.clone();
        rcpt.sort();
        assert_eq!(
            rcpt,
            ["hanako@example.jp", "hidden@example.jp", "taro@example.jp"],
            "{way}"
        );
        // Bcc is in the envelope only.
        let text = String::from_utf8_lossy(&got.bytes);
        assert!(!text.contains("hidden@"), "{way}: Bcc leaked:\n{text}");

        let message = MessageParser::default().parse(&got.bytes).unwrap();
        assert_eq!(message.subject(), Some(SUBJECT), "{way}");
        let body = message.body_text(0).unwrap().replace("\r\n", "\n");
        assert_eq!(body, BODY, "{way}");
        let to = message.to().unwrap().first().unwrap();
        assert_eq!(to.name(), Some("山田 太郎"), "{way}");
        let file = message.attachment(0).expect("the attachment");
        assert_eq!(file.attachment_name(), Some(FILE_NAME), "{way}");
        assert_eq!(file.contents(), FILE_TEXT.as_bytes(), "{way}");
        if charset == "iso-2022-jp" {
            // The subject has JIS codes for all its characters: it goes in JIS. The
            // text's sushi has none: the text goes in UTF-8 rather than lose it.
            assert!(text.contains("=?ISO-2022-JP?B?"), "{way}:\n{text}");
            assert!(!text.contains("=?UTF-8?"), "{way}:\n{text}");
        } else {
            assert!(!text.contains("ISO-2022-JP"), "{way}:\n{text}");
        }

        // The Sent copy is byte for byte what the server received; the Outbox is empty.
        assert!(outbox(data.path()).is_empty(), "{way}");
        let sent = folder(data.path(), "Sent");
        assert_eq!(sent.len(), 1, "{way}");
        assert_eq!(sent[0]["folder"], "Sent");
        let id = sent[0]["id"].as_i64().unwrap();
        assert_eq!(raw(data.path(), id), got.bytes, "{way}");
        assert!(folder(data.path(), "Inbox").is_empty(), "{way}");
    }
}

#[test]
fn offline_mail_waits_in_the_outbox_and_goes_once_when_the_server_is_back() {
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let closed = common::closed_port();
    add_account(data.path(), "starttls", closed.port, "utf-8", &smtpd.cert);
    let (code, err) = send_to(data.path(), "taro@example.jp", PASSWORD);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("stays in the Outbox"), "{err}");

    let queued = outbox(data.path());
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["account"], "home");
    assert_eq!(queued[0]["subject"], "Hello");
    assert_eq!(queued[0]["to"], "taro@example.jp");
    assert_eq!(queued[0]["attempts"], 1);
    let reason = queued[0]["last_error"].as_str().unwrap();
    assert!(reason.contains("refused"), "{reason}");
    assert_eq!(folder(data.path(), "Outbox").len(), 1);

    // The server is back (on its own port: the account is told so).
    let database = rusqlite::Connection::open(data.path().join("poplar.sqlite3")).unwrap();
    database
        .execute(
            "UPDATE smtp_servers SET port = ?1",
            [i64::from(smtpd.starttls_port)],
        )
        .unwrap();
    drop(database);
    let input = format!("{PASSWORD}\n");
    let (status, out, err) = poplar(
        data.path(),
        &["outbox", "send", "--password-stdin"],
        Some(&input),
    );
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(String::from_utf8_lossy(&out).contains("was sent"));
    assert!(outbox(data.path()).is_empty());
    assert_eq!(folder(data.path(), "Sent").len(), 1);
    assert!(folder(data.path(), "Outbox").is_empty());

    // Nothing is left to send: a second run sends nothing again.
    let (status, out, _) = poplar(
        data.path(),
        &["outbox", "send", "--password-stdin"],
        Some(&input),
    );
    assert_eq!(status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out).contains("empty"));
    assert_eq!(smtpd.received().len(), 1);
}

#[test]
fn refusals_keep_the_message_and_say_the_servers_words() {
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    add_account(data.path(), "tls", smtpd.tls_port, "utf-8", &smtpd.cert);

    // For good (550): exit 1, kept in the Outbox, marked, not tried again by itself.
    let (code, err) = send_to(data.path(), "perm-fail@example.jp", PASSWORD);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("No such user here"), "{err}");
    // Later (451): exit 3, kept, to go at the next try.
    let (code, err) = send_to(data.path(), "temp-fail@example.jp", PASSWORD);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("Try again later"), "{err}");

    let queued = outbox(data.path());
    assert_eq!(queued.len(), 2);
    assert_eq!(queued[0]["refused"], true);
    assert!(
        queued[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("No such user here")
    );
    assert_eq!(queued[1]["refused"], false);
    assert_eq!(queued[1]["attempts"], 1);
    assert!(smtpd.received().is_empty());

    // `outbox send` tries both again: the user asked.
    let (status, _, err) = poplar(
        data.path(),
        &["outbox", "send", "--password-stdin"],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(status.code(), Some(1), "{err}");
    let queued = outbox(data.path());
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|q| q["attempts"] == 2), "{queued:?}");
    assert!(smtpd.received().is_empty());
}

#[test]
fn a_wrong_password_keeps_the_message_and_says_so() {
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    add_account(
        data.path(),
        "starttls",
        smtpd.starttls_port,
        "utf-8",
        &smtpd.cert,
    );
    let (code, err) = send_to(data.path(), "taro@example.jp", "wrong");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("login"), "{err}");
    let queued = outbox(data.path());
    assert_eq!(queued.len(), 1);
    // The message is not at fault: it is not marked refused, and goes with the right
    // password.
    assert_eq!(queued[0]["refused"], false);
    let (status, _, err) = poplar(
        data.path(),
        &["outbox", "send", "--password-stdin"],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(smtpd.wait_for(1).len(), 1);
}

#[test]
fn a_reply_carries_the_thread() {
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    add_account(data.path(), "tls", smtpd.tls_port, "utf-8", &smtpd.cert);
    let folder_in = data.path().join("in");
    std::fs::create_dir(&folder_in).unwrap();
    std::fs::write(
        folder_in.join("parent.eml"),
        "From: Taro <taro@example.jp>\r\nTo: alice@example.jp\r\nSubject: Plans\r\n\
         Message-ID: <parent@example.jp>\r\nReferences: <root@example.jp>\r\n\r\nShall we?\r\n",
    )
    .unwrap();
    let (status, _, err) = poplar(
        data.path(),
        &["import", folder_in.to_str().unwrap(), "--folder", "Saved"],
        None,
    );
    assert!(status.success(), "{err}");
    let parent = folder(data.path(), "Saved")[0]["id"].as_i64().unwrap();

    let (status, _, err) = poplar(
        data.path(),
        &[
            "send",
            "--account",
            "home",
            "--to",
            "taro@example.jp",
            "--subject",
            "Re: Plans",
            "--body",
            "Yes.\n",
            "--reply-to",
            &parent.to_string(),
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(status.code(), Some(0), "{err}");
    let got = smtpd.wait_for(1);
    let message = MessageParser::default().parse(&got[0].bytes).unwrap();
    assert_eq!(message.in_reply_to().as_text(), Some("parent@example.jp"));
    let references: Vec<&str> = message
        .references()
        .as_text_list()
        .unwrap_or_default()
        .iter()
        .map(AsRef::as_ref)
        .collect();
    assert_eq!(references, ["root@example.jp", "parent@example.jp"]);
}

/// POP before SMTP: the account logs in to its (real, Dovecot) POP3 server first, then
/// sends without an SMTP login. A wrong password stops it at the POP3 login, before any
/// byte of the message goes.
#[test]
fn pop_before_smtp_logs_in_to_the_pop3_server_first() {
    let Some(dovecot) = common::dovecot::Dovecot::start_or_skip() else {
        return;
    };
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let (pop_port, smtp_port) = (dovecot.tls_port.to_string(), smtpd.open_port.to_string());
    let (status, _, err) = poplar(
        data.path(),
        &[
            "account",
            "add",
            "home",
            "--host",
            "localhost",
            "--port",
            &pop_port,
            "--ca-file",
            dovecot.cert.to_str().unwrap(),
            "--user",
            common::dovecot::USER,
            "--email",
            "alice@example.jp",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &smtp_port,
            "--smtp-security",
            "plain",
            "--smtp-auth",
            "pop-before-smtp",
        ],
        None,
    );
    assert!(status.success(), "{err}");
    assert!(
        err.contains("unencrypted"),
        "the plain server is warned about: {err}"
    );

    let (code, err) = send_to(data.path(), "taro@example.jp", "wrong");
    assert_eq!(code, Some(1), "{err}");
    assert!(smtpd.received().is_empty(), "sent without the POP3 login");
    assert!(
        !dovecot.log().contains("Login: user=<alice>"),
        "{}",
        dovecot.log()
    );

    let (code, err) = send_to(data.path(), "taro@example.jp", common::dovecot::PASSWORD);
    assert_eq!(code, Some(0), "{err}");
    // The message the wrong password kept waiting goes too.
    let got = smtpd.wait_for(2);
    assert_eq!(got.len(), 2);
    assert!(
        got.iter().all(|g| !g.authenticated),
        "no SMTP login after POP before SMTP"
    );
    assert!(
        dovecot.log().contains("Login: user=<alice>"),
        "{}",
        dovecot.log()
    );
}

/// A check of an account sends what waits in its Outbox: mail written offline leaves
/// without anyone pressing Send again. An account without anything due sends nothing.
#[tokio::test]
async fn a_check_sends_the_outbox() {
    use common::fake::{self, FakeServer, Options};
    use poplar::accounts::smtp::{SmtpLogin, SmtpServer};
    use poplar::worker::{self, Command, Event, Schedule};

    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let server = FakeServer::start(vec![], Options::default(), |_, _| None).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = poplar::paths::Paths::at(dir.path());
    paths.ensure().unwrap();
    let mut store = poplar::store::Store::open(&paths.database()).unwrap();
    let mut settings = common::fake_account(&server, "work");
    settings.email = "alice@example.jp".into();
    let account = store.add_account(&settings).unwrap();
    let smtp = SmtpServer {
        port: smtpd.open_port,
        security: poplar::accounts::Security::Plain,
        login: SmtpLogin::None,
        ..SmtpServer::new("127.0.0.1")
    };
    store.set_smtp_server(account.id, Some(&smtp)).unwrap();
    let draft = poplar::compose::Draft {
        from: poplar::compose::Mailbox::new("", "alice@example.jp"),
        to: vec![poplar::compose::Mailbox::new("", "bob@example.jp")],
        subject: "Written offline".into(),
        body: "Hello\n".into(),
        ..Default::default()
    };
    let id = poplar::send::queue(&mut store, &account, &smtp, &draft).unwrap();

    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    handle.send(Command::RememberPassword {
        account: account.id,
        password: fake::PASSWORD.into(),
    });
    for round in 0..2 {
        handle.send(Command::Fetch(vec![account.id]));
        let mut delivered = Vec::new();
        loop {
            let event = tokio::time::timeout(std::time::Duration::from_secs(30), events.recv())
                .await
                .expect("the worker went quiet")
                .expect("the worker stopped");
            match event {
                Event::Delivered { result, .. } => delivered.push(result.unwrap()),
                Event::Failed { error, .. } => panic!("{error}"),
                Event::Idle => break,
                _ => {}
            }
        }
        if round == 0 {
            assert_eq!(delivered.len(), 1);
            assert_eq!(delivered[0].sent, [id]);
        } else {
            assert!(delivered.is_empty(), "nothing was due: {delivered:?}");
        }
    }
    assert_eq!(smtpd.received().len(), 1);
    assert!(store.queued(None).unwrap().is_empty());
}

/// Send in the window asks the worker to send the account's Outbox at once, without a
/// check of the incoming server.
#[tokio::test]
async fn send_outbox_sends_at_once() {
    use common::fake::{self, FakeServer, Options};
    use poplar::accounts::smtp::{SmtpLogin, SmtpServer};
    use poplar::worker::{self, Command, Event, Schedule};

    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let server = FakeServer::start(vec![], Options::default(), |_, _| None).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = poplar::paths::Paths::at(dir.path());
    paths.ensure().unwrap();
    let mut store = poplar::store::Store::open(&paths.database()).unwrap();
    let mut settings = common::fake_account(&server, "work");
    settings.email = "alice@example.jp".into();
    settings.smtp = Some(SmtpServer {
        port: smtpd.open_port,
        security: poplar::accounts::Security::Plain,
        login: SmtpLogin::None,
        ..SmtpServer::new("127.0.0.1")
    });
    let account = store.add_account(&settings).unwrap();
    let draft = poplar::compose::Draft {
        from: poplar::compose::Mailbox::new("", "alice@example.jp"),
        to: vec![poplar::compose::Mailbox::new("", "bob@example.jp")],
        subject: "Now".into(),
        body: "Hello\n".into(),
        ..Default::default()
    };
    let smtp = settings.smtp.clone().unwrap();
    let id = poplar::send::queue(&mut store, &account, &smtp, &draft).unwrap();

    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    handle.send(Command::RememberPassword {
        account: account.id,
        password: fake::PASSWORD.into(),
    });
    handle.send(Command::SendOutbox(account.id));
    let mut delivered = None;
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), events.recv())
            .await
            .expect("the worker went quiet")
            .expect("the worker stopped");
        match event {
            Event::Delivered { result, .. } => delivered = Some(result.unwrap()),
            Event::Idle => break,
            _ => {}
        }
    }
    assert_eq!(delivered.unwrap().sent, [id]);
    assert_eq!(smtpd.received().len(), 1);
    assert!(
        server.log().is_empty(),
        "the incoming server was not asked anything"
    );
}

/// "Test connection" logs in to the outgoing server too and says how it went, beside
/// what the incoming server said; a wrong password for sending is said as such.
#[test]
fn test_connection_tests_the_outgoing_server_too() {
    use common::window::Window;
    use poplar::app::Message;
    use poplar::i18n::Language;
    use poplar::ui::add_account::Message as Form;
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    add_account(
        data.path(),
        "starttls",
        smtpd.starttls_port,
        "utf-8",
        &smtpd.cert,
    );
    // The incoming server is one nothing listens on: its line says so, and the
    // outgoing server is tested all the same.
    let paths = poplar::paths::Paths::at(data.path());
    let id = poplar::store::Store::open(&paths.database())
        .unwrap()
        .account("home")
        .unwrap()
        .id;
    for (language, ok, refused) in [
        (
            Language::English,
            "Sending: connected and logged in to localhost (STARTTLS",
            "Sending: ",
        ),
        (
            Language::Japanese,
            "送信: localhost に接続してログインしました（STARTTLS",
            "送信: ",
        ),
    ] {
        let closed = common::closed_port();
        let mut w = Window::start(paths.clone(), language);
        w.send([Message::EditAccount(id)]);
        w.send([
            Message::AddAccount(Form::Port(closed.port.to_string())),
            Message::AddAccount(Form::Password("wrong".into())),
            Message::AddAccount(Form::Test),
        ]);
        let said = w.tested().unwrap_err();
        assert!(said.contains(refused), "{said}");
        assert!(!said.contains(ok), "a wrong password logged in: {said}");

        w.send([
            Message::AddAccount(Form::Password(PASSWORD.into())),
            Message::AddAccount(Form::Test),
        ]);
        let said = w.tested().unwrap_err();
        let lines: Vec<&str> = said.lines().collect();
        assert_eq!(lines.len(), 2, "{said}");
        assert!(lines[1].starts_with(ok), "{said}");
        w.expect(&said);
    }
    assert!(smtpd.received().is_empty(), "a test sends nothing");
}

/// `--smtp-auth oauth2`: the account's sign-in token goes with XOAUTH2 (here given on
/// standard input, as a fresh token would come from the keyring); a token the server
/// refuses keeps the message and says the login failed.
#[test]
fn an_account_that_signs_in_sends_with_its_token() {
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let port = smtpd.tls_port.to_string();
    let (status, _, err) = poplar(
        data.path(),
        &[
            "account",
            "add",
            "home",
            "--host",
            "127.0.0.1",
            "--user",
            common::smtp::USER,
            "--email",
            "alice@example.jp",
            "--oauth-provider",
            "custom",
            "--oauth-issuer",
            "http://127.0.0.1:9",
            "--oauth-client-id",
            "x",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &port,
            "--smtp-security",
            "tls",
            "--smtp-auth",
            "oauth2",
            "--smtp-ca-file",
            smtpd.cert.to_str().unwrap(),
        ],
        None,
    );
    assert!(status.success(), "{err}");
    let (code, err) = send_to(data.path(), "taro@example.jp", "a-dead-token");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("login"), "{err}");
    assert!(!err.contains("a-dead-token"), "{err}");
    let (code, err) = send_to(data.path(), "jiro@example.jp", PASSWORD);
    assert_eq!(code, Some(0), "{err}");
    // The message the dead token kept goes too, with the good one.
    let received = smtpd.wait_for(2);
    assert_eq!(received.len(), 2);
    assert!(
        received.iter().all(|r| r.authenticated),
        "logged in with the token"
    );
}
