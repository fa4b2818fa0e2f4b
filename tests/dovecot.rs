//! The client and sync against a real Dovecot POP3 server on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::dovecot::{self, Dovecot};
use poplar::accounts::{Account, Keep, Security, Settings};
use poplar::paths::Paths;
use poplar::pop3;
use poplar::store::Store;
use poplar::sync::{self, Report};

fn settings(server: &Dovecot, security: Security, keep: Keep) -> Settings {
    Settings {
        name: "test".into(),
        email: "alice@example.org".into(),
        host: "127.0.0.1".into(),
        port: match security {
            Security::Tls => server.tls_port,
            _ => server.plain_port,
        },
        security,
        user: dovecot::USER.into(),
        keep,
        ca_file: Some(server.cert.clone()),
        ..Settings::default()
    }
}

struct Local {
    _dir: tempfile::TempDir,
    paths: Paths,
    store: Store,
    account: Account,
}

fn local(settings: &Settings) -> Local {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let store = Store::open(&paths.database()).unwrap();
    let account = store.add_account(settings).unwrap();
    Local {
        _dir: dir,
        paths,
        store,
        account,
    }
}

impl Local {
    async fn fetch(&mut self, password: &str) -> Result<Report, sync::Error> {
        sync::fetch_account(&self.paths, &self.account, password, |_| {}).await
    }

    fn stored(&self) -> Vec<Vec<u8>> {
        let mut rows = self.store.list_messages(None, 1000, 0).unwrap();
        rows.sort_by_key(|r| r.id);
        rows.iter()
            .map(|r| self.store.raw_message(r.id).unwrap())
            .collect()
    }
}

fn three_messages(server: &mut Dovecot) -> Vec<Vec<u8>> {
    let messages = vec![
        common::message(
            "bob@example.org",
            "Lunch on Friday",
            "Shall we meet at noon?",
        ),
        common::japanese_message(),
        // A line starting with a dot is byte-stuffed on the wire and must come back intact.
        common::message(
            "carol@example.org",
            "Dots",
            ".leading dot\r\n..two dots\r\n.\r\nend",
        ),
    ];
    for m in &messages {
        server.deliver(m);
    }
    messages
}

async fn login_and_fetch(security: Security) {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let delivered = three_messages(&mut server);
    let mut local = local(&settings(&server, security, Keep::Forever));
    let report = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!(report.new, 3, "{security:?}");
    assert_eq!(local.stored(), delivered);
    // Inside TLS the automatic login is PLAIN (one round trip); in the clear it keeps
    // the password off the wire with CRAM-MD5. Dovecot's log says which it saw.
    let log = server.log();
    let method = log
        .lines()
        .filter_map(|l| {
            l.split_once("Login: user=<alice>, method=")?
                .1
                .split(',')
                .next()
        })
        .next_back()
        .unwrap_or_else(|| panic!("no login in Dovecot's log:\n{log}"));
    let expected = match security {
        Security::Plain => "CRAM-MD5",
        Security::Tls | Security::StartTls => "PLAIN",
    };
    assert_eq!(method, expected, "{security:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_in_over_implicit_tls() {
    login_and_fetch(Security::Tls).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_in_over_starttls() {
    login_and_fetch(Security::StartTls).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_in_over_plaintext_when_the_account_says_so() {
    login_and_fetch(Security::Plain).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_mode_empties_the_server_and_keeps_the_exact_bytes() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let delivered = three_messages(&mut server);
    let mut local = local(&settings(&server, Security::Tls, Keep::Delete));

    let report = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!((report.new, report.deleted, report.kept), (3, 3, 0));
    assert!(server.mailbox().is_empty(), "the server still has mail");
    assert_eq!(local.stored(), delivered);

    // Japanese headers were decoded for the list.
    let rows = local.store.list_messages(None, 10, 0).unwrap();
    assert!(
        rows.iter()
            .any(|r| r.subject == "会議の件" && r.from.contains("山田太郎"))
    );

    let again = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!((again.new, again.deleted, again.kept), (0, 0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_mode_leaves_the_server_full_and_downloads_once() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let delivered = three_messages(&mut server);
    let mut local = local(&settings(&server, Security::Tls, Keep::Forever));

    let first = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!((first.new, first.deleted, first.kept), (3, 0, 3));
    assert_eq!(server.mailbox(), delivered);

    let second = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!((second.new, second.deleted, second.kept), (0, 0, 3));
    assert_eq!(local.stored().len(), 3);

    // New mail arrives: only it is downloaded.
    let fourth = common::message("dave@example.org", "Later", "arrived later");
    server.deliver(&fourth);
    let third = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!(third.new, 1);
    assert_eq!(local.stored().last().unwrap(), &fourth);

    // Keeping for some days deletes nothing that is younger.
    let days = Account {
        settings: Settings {
            keep: Keep::Days(14),
            ..local.account.settings.clone()
        },
        ..local.account.clone()
    };
    let report = sync::fetch_account(&local.paths, &days, dovecot::PASSWORD, |_| {})
        .await
        .unwrap();
    assert_eq!((report.new, report.deleted, report.kept), (0, 0, 4));
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_a_clear_error_and_stores_nothing() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    three_messages(&mut server);
    let mut local = local(&settings(&server, Security::Tls, Keep::Delete));

    let error = local.fetch("wrong password").await.unwrap_err();
    match &error {
        sync::Error::Pop3(pop3::Error::LoginFailed { user, host, .. }) => {
            assert_eq!(user, dovecot::USER);
            assert_eq!(host, "127.0.0.1");
        }
        other => panic!("expected a login failure, got {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.starts_with("login failed for alice at 127.0.0.1"),
        "{text}"
    );
    assert!(local.stored().is_empty());
    assert_eq!(server.mailbox().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_described_and_can_be_trusted_for_the_account() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    server.deliver(&common::message("bob@example.org", "Pinned", "hello"));
    let pem = std::fs::read_to_string(&server.cert).unwrap();
    for security in [Security::Tls, Security::StartTls] {
        let mut settings = settings(&server, security, Keep::Forever);
        settings.ca_file = None;
        let mut local = local(&settings);
        let error = local.fetch(dovecot::PASSWORD).await.unwrap_err();
        let certificate = match &error {
            sync::Error::Pop3(pop3::Error::Untrusted {
                certificate: Some(c),
                ..
            }) => c.clone(),
            other => panic!("{security:?}: {other:?}"),
        };
        let text = error.to_string();
        assert!(
            text.contains("not trusted") && text.contains("CN=localhost"),
            "{text}"
        );
        assert!(text.contains(&certificate.sha256), "{text}");
        // The fingerprint is the certificate's own.
        let der = pem_to_der(&pem);
        assert_eq!(certificate.sha256, pop3::certificate::fingerprint(&der));

        // Trusted for this account: fetches work, without the CA file.
        local.account.settings.pinned_cert = Some(certificate.sha256.clone());
        let report = local.fetch(dovecot::PASSWORD).await.unwrap();
        assert_eq!(report.new, 1, "{security:?}");

        // A different certificate than the trusted one is refused.
        local.account.settings.pinned_cert = Some(pop3::certificate::fingerprint(b"another"));
        let error = local.fetch(dovecot::PASSWORD).await.unwrap_err();
        assert!(
            matches!(
                error,
                sync::Error::Pop3(pop3::Error::CertificateChanged { .. })
            ),
            "{error:?}"
        );
    }
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_to_a_plaintext_port_explains_the_mismatch() {
    let Some(server) = Dovecot::start_or_skip() else {
        return;
    };
    let mut settings = settings(&server, Security::Tls, Keep::Forever);
    settings.port = server.plain_port;
    let mut local = local(&settings);
    let error = local.fetch(dovecot::PASSWORD).await.unwrap_err();
    assert!(
        matches!(
            error,
            sync::Error::Pop3(pop3::Error::Tls { .. } | pop3::Error::Timeout { .. })
        ),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_port_is_refused_clearly() {
    let closed = common::closed_port();
    let port = closed.port;
    let options = pop3::ConnectOptions::new("127.0.0.1", port, Security::Plain);
    let error = pop3::Session::connect(&options).await.unwrap_err();
    assert_eq!(
        error,
        pop3::Error::Refused {
            host: "127.0.0.1".into(),
            port
        }
    );
}

/// A session cut off before QUIT: the server rolls back its DELEs, so the messages are
/// both stored here and still there. The next fetch must neither lose nor duplicate them.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_delete_session_loses_nothing_and_duplicates_nothing() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let mut delivered = Vec::new();
    // More than one batch, so that the cut falls after a commit and its DELEs.
    for i in 0..300 {
        let m = common::message("bob@example.org", &format!("Message {i}"), "body");
        server.deliver(&m);
        delivered.push(m);
    }
    delivered.sort();
    let mut local = local(&settings(&server, Security::Tls, Keep::Delete));

    // Drop the session (as a crash or a lost network would) once a batch is on disk.
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<usize>();
    let mut stop_tx = Some(stop_tx);
    let interrupted = {
        let fetch = sync::fetch_account(&local.paths, &local.account, dovecot::PASSWORD, |p| {
            if p.stored > 0
                && let Some(tx) = stop_tx.take()
            {
                let _ = tx.send(p.stored);
            }
        });
        tokio::select! {
            result = fetch => Err(result),
            stored = stop_rx => Ok(stored.unwrap()),
        }
    };
    let first_batch = interrupted.expect("the fetch should have been cut off");
    assert!(
        first_batch < 300,
        "the first commit holds one batch, not everything"
    );

    // Whatever the moment of the cut: every message is here or there, none twice here.
    let stored = local.stored();
    let unique: HashSet<&Vec<u8>> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "a message was stored twice");
    assert!(stored.len() >= first_batch);
    let on_server = server.mailbox();
    for m in &delivered {
        assert!(
            unique.contains(m) || on_server.contains(m),
            "a message was lost"
        );
    }

    // A batch whose commit was already running when the session was dropped still lands
    // (a commit is never cut in half), so at most what was not stored then is new now.
    let report = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert!(
        report.new <= 300 - stored.len(),
        "only what was not stored is downloaded: {} new after {} stored",
        report.new,
        stored.len()
    );
    assert!(server.mailbox().is_empty());
    let mut stored = local.stored();
    stored.sort();
    assert_eq!(stored, delivered, "every message exactly once");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_login_method_works_over_tls_and_starttls() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    server.deliver(&common::message("bob@example.org", "Hi", "hello"));
    for security in [Security::Tls, Security::StartTls] {
        let settings = settings(&server, security, Keep::Forever);
        let session = pop3::Session::connect(&settings.connect_options())
            .await
            .unwrap();
        let capa = session
            .capabilities()
            .expect("Dovecot answers CAPA")
            .clone();
        assert!(session.is_encrypted());
        assert!(capa.has_sasl("CRAM-MD5") && capa.has_sasl("PLAIN") && capa.has_sasl("LOGIN"));
        assert!(capa.pipelining && capa.uidl && capa.top);
        session.quit().await.unwrap();
        for method in pop3::AuthMethod::ALL {
            let mut session = pop3::connect_and_login(
                &settings.connect_options(),
                dovecot::USER,
                dovecot::PASSWORD,
                method,
            )
            .await
            .unwrap_or_else(|e| panic!("{method} over {security:?}: {e}"));
            assert_eq!(session.stat().await.unwrap().0, 1, "{method}");
            session.quit().await.unwrap();
        }
        // A wrong password fails once, clearly, whatever the method.
        let error = pop3::connect_and_login(
            &settings.connect_options(),
            dovecot::USER,
            "wrong",
            pop3::AuthMethod::Automatic,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, pop3::Error::LoginFailed { .. }),
            "{error:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pipelining_is_used_when_dovecot_offers_it() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    let mut delivered = Vec::new();
    for i in 0..40 {
        let m = common::message("bob@example.org", &format!("Piped {i}"), "body");
        server.deliver(&m);
        delivered.push(m);
    }
    let mut local = local(&settings(&server, Security::Tls, Keep::Delete));
    let report = local.fetch(dovecot::PASSWORD).await.unwrap();
    assert_eq!((report.new, report.deleted), (40, 40));
    assert!(report.max_in_flight > 1, "{report:?}");
    assert_eq!(local.stored(), delivered);
    assert!(server.mailbox().is_empty());
}
