//! Each POP3 behaviour against a scripted server: the exact commands the client sent and
//! the outcome.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::fake::{self, Ctx, FakeServer, Options, Reply, err, multiline, ok};
use poplar::accounts::{AuthMethod, Keep, Security, Settings};
use poplar::pop3::{self, ConnectOptions, Session};
use poplar::store::Store;
use poplar::sync::{self, FetchOptions, Report};

fn mail(n: usize) -> Vec<u8> {
    format!("From: sender{n}@example.org\r\nSubject: Message {n}\r\n\r\nBody of message {n}.\r\n")
        .into_bytes()
}

fn mails(count: usize) -> Vec<Vec<u8>> {
    (1..=count).map(mail).collect()
}

fn no_overrides(_: &Ctx, _: &str) -> Option<Reply> {
    None
}

use common::FakeClient as Client;

fn client(server: &FakeServer, keep: Keep, auth: AuthMethod) -> Client {
    client_with(server, |s| {
        s.keep = keep;
        s.auth = auth;
    })
}

fn client_with(server: &FakeServer, change: impl FnOnce(&mut Settings)) -> Client {
    common::fake_client(server, "fake", change)
}

fn quick() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_millis(500),
        ..FetchOptions::default()
    }
}

impl Client {
    async fn fetch(&self) -> Result<Report, sync::Error> {
        self.fetch_with(&quick()).await
    }

    async fn fetch_with(&self, options: &FetchOptions) -> Result<Report, sync::Error> {
        sync::fetch_account_with(&self.paths, &self.account, fake::PASSWORD, options, |_| {}).await
    }

    /// Stored messages in download order: (uidl, bytes, partial).
    fn stored(&self) -> Vec<(Option<String>, Vec<u8>, bool)> {
        let store = Store::open(&self.paths.database()).unwrap();
        let mut rows = store.list_messages(None, 10_000, 0).unwrap();
        rows.sort_by_key(|r| r.id);
        rows.into_iter()
            .map(|r| (r.uidl, store.raw_message(r.id).unwrap(), r.partial))
            .collect()
    }
}

fn options(port: u16, security: Security) -> ConnectOptions {
    let mut o = ConnectOptions::new("127.0.0.1", port, security);
    o.timeout = Duration::from_millis(500);
    o
}

// ----- capabilities -----

#[tokio::test]
async fn capa_is_case_insensitive_and_asked_again_after_stls() {
    let server = FakeServer::start(
        vec![],
        Options {
            capa: Some(vec!["stls".into(), "user".into()]),
            ..Options::default()
        },
        |ctx, line| {
            // Before TLS the server lists STLS only; after it, SASL too.
            (line == "CAPA" && ctx.index > 0)
                .then(|| Reply::Send(multiline("+OK", b"sasl plain\r\nuser\r\npipelining\r\n")))
        },
    )
    .await;
    let mut o = options(server.port, Security::StartTls);
    o.ca_file = Some(server.cert.clone());
    let session = Session::connect(&o).await.unwrap();
    assert!(session.is_encrypted());
    let capa = session.capabilities().unwrap();
    assert!(capa.has_sasl("PLAIN") && capa.pipelining && !capa.stls);
    assert_eq!(server.commands(), ["CAPA", "STLS", "CAPA"]);
}

#[tokio::test]
async fn a_server_without_capa_still_works() {
    let server = FakeServer::start(
        mails(2),
        Options {
            capa: None,
            ..Options::default()
        },
        no_overrides,
    )
    .await;
    let c = client(&server, Keep::Forever, AuthMethod::Automatic);
    let report = c.fetch().await.unwrap();
    assert_eq!(report.new, 2);
    assert_eq!(report.max_in_flight, 1, "no PIPELINING without CAPA");
    assert_eq!(
        server.commands(),
        [
            "CAPA",
            "USER alice",
            "PASS s3cret",
            "UIDL",
            "LIST",
            "RETR 1",
            "RETR 2",
            "QUIT"
        ]
    );
}

// ----- pipelining -----

#[tokio::test]
async fn pipelining_keeps_several_retr_in_flight() {
    let server = FakeServer::start(
        mails(5),
        Options {
            capa: Some(vec!["USER".into(), "UIDL".into(), "PIPELINING".into()]),
            ..Options::default()
        },
        // The answer to RETR 1 is held until another command arrives: a client that
        // waited for it would stall here (and the server would note it).
        |_, line| (line == "RETR 1").then(|| Reply::Hold(multiline("+OK", &mail(1)))),
    )
    .await;
    let c = client(&server, Keep::Delete, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (5, 5));
    assert!(report.max_in_flight > 1);
    assert_eq!(server.pipelined(), [true]);
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(
        stored,
        mails(5),
        "answers matched to their commands in order"
    );
    assert!(server.mailbox().is_empty());
}

/// Small messages are asked for further ahead than PIPELINE_WINDOW, so that the server
/// has work queued while the client stores (a window of 64 small answers left Dovecot
/// idle a quarter of a fetch), all through the session; large ones are not, and neither
/// are more than 512 commands (at most about 9 KB of them, inside any TCP window).
#[tokio::test]
async fn the_window_follows_the_listed_sizes() {
    let pipelining = || Options {
        capa: Some(vec!["USER".into(), "UIDL".into(), "PIPELINING".into()]),
        ..Options::default()
    };
    let padded = |n: usize, lines: usize| {
        let mut m = mail(n);
        m.extend([b"x".repeat(98), b"\r\n".to_vec()].concat().repeat(lines));
        m
    };
    // 3,000 of about 3 KB: 9 MB, the 2 MB ahead passed several times over.
    let small: Vec<Vec<u8>> = (1..=3_000).map(|n| padded(n, 30)).collect();
    let server = FakeServer::start(small.clone(), pipelining(), no_overrides).await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!(report.new, 3_000);
    assert_eq!(report.max_in_flight, 512, "{report:?}");
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(stored, small, "answers matched to their commands in order");
    // Late in the session (after 6 MB), the server still finds more than the old window
    // of 64 commands queued behind the one it reads: the window is refilled by what has
    // been read, not only once.
    let queued = server.queued();
    let late = &queued[queued.len() - 1_000..queued.len() - 100];
    let most = late.iter().max().copied().unwrap_or(0);
    assert!(
        most > 100,
        "at most {most} commands queued late in the session"
    );

    // 100 KB each: 2 MB ahead is 21 of them, fewer than the window of 64.
    let large: Vec<Vec<u8>> = (1..=100).map(|n| padded(n, 1_000)).collect();
    let server = FakeServer::start(large.clone(), pipelining(), no_overrides).await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!(report.new, 100);
    assert_eq!(
        report.max_in_flight,
        poplar::sync::PIPELINE_WINDOW,
        "{report:?}"
    );
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(stored, large);
}

/// A server that lists every message as 1 byte and sends 100 KB for each gets the
/// widest window; what it sends is stored whole all the same, in order.
#[tokio::test]
async fn sizes_listed_too_small_lose_nothing() {
    let big: Vec<Vec<u8>> = (1..=600)
        .map(|n| {
            let mut m = mail(n);
            m.extend([b"z".repeat(98), b"\r\n".to_vec()].concat().repeat(1_000));
            m
        })
        .collect();
    let count = big.len();
    let server = FakeServer::start(
        big.clone(),
        Options {
            capa: Some(vec!["USER".into(), "UIDL".into(), "PIPELINING".into()]),
            ..Options::default()
        },
        move |_, line| {
            (line == "LIST").then(|| {
                let listing: String = (1..=count).map(|n| format!("{n} 1\r\n")).collect();
                Reply::Send(multiline("+OK", listing.as_bytes()))
            })
        },
    )
    .await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.max_in_flight), (600, 512), "{report:?}");
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(stored, big);
}

/// Junk that has been in the Junk folder longer than the preference's days (30 unless
/// changed) is emptied into the Trash by a fetch, also by one that finds nothing new.
#[tokio::test]
async fn a_fetch_empties_old_junk_into_the_trash() {
    let server = FakeServer::start(mails(2), Options::default(), no_overrides).await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    c.fetch().await.unwrap();
    let database = c.paths.database();
    let mut store = Store::open(&database).unwrap();
    let rows = store.list_messages(None, 10, 0).unwrap();
    let first = rows.iter().map(|r| r.id).min().unwrap();
    store
        .train_junk(&[first], poplar::junk::Kind::Junk)
        .unwrap();
    let trash = |store: &Store| store.count(poplar::store::View::Trash).unwrap();
    c.fetch().await.unwrap();
    assert_eq!(trash(&store), 0, "junk of today stays in the Junk folder");
    // It became junk 31 days ago.
    let changed = rusqlite::Connection::open(&database)
        .unwrap()
        .execute(
            "UPDATE messages SET junk_at = junk_at - 31 * 86400 WHERE junk_at IS NOT NULL",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    c.fetch().await.unwrap();
    assert_eq!(trash(&store), 1, "emptied into the Trash by the fetch");
}

#[tokio::test]
async fn without_pipelining_one_command_at_a_time() {
    let server = FakeServer::start(mails(5), Options::default(), no_overrides).await;
    let c = client(&server, Keep::Delete, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!(
        (report.new, report.deleted, report.max_in_flight),
        (5, 5, 1)
    );
    assert_eq!(server.pipelined(), [false]);
    // Each DELE follows the commit of what it deletes: after all the RETRs of the batch.
    let commands = server.commands();
    let last_retr = commands
        .iter()
        .rposition(|c| c.starts_with("RETR"))
        .unwrap();
    let first_dele = commands.iter().position(|c| c.starts_with("DELE")).unwrap();
    assert!(first_dele > last_retr, "{commands:?}");
}

#[tokio::test]
async fn pipelining_can_be_turned_off() {
    let server = FakeServer::start(
        mails(3),
        Options {
            capa: Some(vec!["USER".into(), "UIDL".into(), "PIPELINING".into()]),
            ..Options::default()
        },
        no_overrides,
    )
    .await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    let report = c
        .fetch_with(&FetchOptions {
            pipelining: false,
            ..quick()
        })
        .await
        .unwrap();
    assert_eq!((report.new, report.max_in_flight), (3, 1));
    assert_eq!(server.pipelined(), [false]);
}

// ----- login -----

async fn login_commands(auth: AuthMethod, server_options: Options) -> Vec<String> {
    let server = FakeServer::start(vec![], server_options, |_, line| {
        let reply = match line {
            "AUTH PLAIN" | "AUTH LOGIN" => Reply::Send(b"+ \r\n".to_vec()),
            "AUTH CRAM-MD5" => Reply::Send(b"+ PDEyMzQ1QGV4YW1wbGUub3JnPg==\r\n".to_vec()),
            // PLAIN: "\0alice\0s3cret", as the initial response or the answer to "+ "
            "AUTH PLAIN AGFsaWNlAHMzY3JldA==" | "AGFsaWNlAHMzY3JldA==" => ok("logged in"),
            // LOGIN: user, then password
            "YWxpY2U=" => Reply::Send(b"+ UGFzc3dvcmQ6\r\n".to_vec()),
            "czNjcmV0" => ok("logged in"),
            _ if line.starts_with("APOP alice ") => {
                let expected = pop3::auth::apop_digest("<1@a.b>", fake::PASSWORD);
                if line == format!("APOP alice {expected}") {
                    ok("logged in")
                } else {
                    err("[AUTH] bad digest")
                }
            }
            _ => {
                let expected = pop3::auth::encode(&pop3::auth::cram_md5(
                    fake::USER,
                    fake::PASSWORD,
                    b"<12345@example.org>",
                ));
                if line == expected {
                    ok("logged in")
                } else {
                    return None;
                }
            }
        };
        Some(reply)
    })
    .await;
    let o = options(server.port, Security::Plain);
    let session = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, auth)
        .await
        .unwrap();
    session.quit().await.unwrap();
    server.commands()
}

fn sasl_server() -> Options {
    Options {
        greeting: "+OK hi <1@a.b> (see <http://x>)".into(),
        capa: Some(vec!["USER".into(), "SASL PLAIN LOGIN CRAM-MD5".into()]),
        ..Options::default()
    }
}

#[tokio::test]
async fn each_fixed_login_method_sends_exactly_its_exchange() {
    let cram = pop3::auth::encode(&pop3::auth::cram_md5(
        fake::USER,
        fake::PASSWORD,
        b"<12345@example.org>",
    ));
    let apop = format!(
        "APOP alice {}",
        pop3::auth::apop_digest("<1@a.b>", fake::PASSWORD)
    );
    let cases: [(AuthMethod, Vec<&str>); 5] = [
        (AuthMethod::UserPass, vec!["USER alice", "PASS s3cret"]),
        (AuthMethod::Plain, vec!["AUTH PLAIN AGFsaWNlAHMzY3JldA=="]),
        (
            AuthMethod::Login,
            vec!["AUTH LOGIN", "YWxpY2U=", "czNjcmV0"],
        ),
        (AuthMethod::CramMd5, vec!["AUTH CRAM-MD5", &cram]),
        (AuthMethod::Apop, vec![&apop]),
    ];
    for (method, exchange) in cases {
        let commands = login_commands(method, sasl_server()).await;
        let mut expected = vec!["CAPA"];
        expected.extend(exchange);
        expected.push("QUIT");
        assert_eq!(commands, expected, "{method}");
    }
}

#[tokio::test]
async fn automatic_picks_the_strongest_offered() {
    let commands = login_commands(AuthMethod::Automatic, sasl_server()).await;
    assert_eq!(commands[1], "AUTH CRAM-MD5");
    assert!(!commands.iter().any(|c| c.starts_with("PASS")));

    // Without CRAM-MD5, APOP (from the greeting's timestamp) comes before anything that
    // would send the password itself.
    let commands = login_commands(
        AuthMethod::Automatic,
        Options {
            capa: Some(vec!["USER".into(), "SASL PLAIN LOGIN".into()]),
            ..sasl_server()
        },
    )
    .await;
    assert!(commands[1].starts_with("APOP alice "), "{commands:?}");
}

/// A server that takes PLAIN only in two steps: "-ERR" for an initial response (as
/// servers of RFC 1734's time answer), "+ " for the command alone.
fn two_step_plain(_: &Ctx, line: &str) -> Option<Reply> {
    Some(match line {
        "AUTH PLAIN" => Reply::Send(b"+ \r\n".to_vec()),
        _ if line.starts_with("AUTH PLAIN ") => err("syntax error"),
        "AGFsaWNlAHMzY3JldA==" => ok("logged in"),
        _ if line.starts_with("AUTH") => err("not offered"),
        _ => return None,
    })
}

/// The commands a PLAIN login with the right password sends to a server answering as
/// `overrides` says, QUIT included.
async fn plain_login(
    overrides: impl Fn(&Ctx, &str) -> Option<Reply> + Send + Sync + 'static,
) -> Vec<String> {
    let server = FakeServer::start(vec![], sasl_server(), overrides).await;
    let o = options(server.port, Security::Plain);
    let session = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Plain)
        .await
        .unwrap();
    session.quit().await.unwrap();
    server.commands()
}

/// The commands a login with a wrong password sends to a server answering as `overrides`
/// says; the login must fail as a wrong password.
async fn wrong_password_commands(
    method: AuthMethod,
    overrides: impl Fn(&Ctx, &str) -> Option<Reply> + Send + Sync + 'static,
) -> Vec<String> {
    let server = FakeServer::start(vec![], sasl_server(), overrides).await;
    let o = options(server.port, Security::Plain);
    let error = pop3::connect_and_login(&o, fake::USER, "wrong", method)
        .await
        .unwrap_err();
    assert!(
        matches!(error, pop3::Error::LoginFailed { .. }),
        "{error:?}"
    );
    server.commands()
}

#[tokio::test]
async fn plain_is_given_in_two_steps_when_the_initial_response_is_refused() {
    assert_eq!(
        plain_login(two_step_plain).await,
        [
            "CAPA",
            "AUTH PLAIN AGFsaWNlAHMzY3JldA==",
            "AUTH PLAIN",
            "AGFsaWNlAHMzY3JldA==",
            "QUIT"
        ]
    );

    // A wrong password there is refused twice, and that is the limit: no third try
    // ("\0alice\0wrong" is AGFsaWNlAHdyb25n).
    let commands = wrong_password_commands(AuthMethod::Plain, two_step_plain).await;
    let sent = commands
        .iter()
        .filter(|c| c.ends_with("AGFsaWNlAHdyb25n"))
        .count();
    assert_eq!(sent, pop3::MAX_REJECTED_LOGINS, "{commands:?}");
}

#[tokio::test]
async fn plain_asked_again_after_its_initial_response_is_given_once_more() {
    // "+ " after an initial response: the server wants it as an answer.
    let asks_again = |_: &Ctx, line: &str| {
        Some(match line {
            "AUTH PLAIN AGFsaWNlAHMzY3JldA==" => Reply::Send(b"+ \r\n".to_vec()),
            "AGFsaWNlAHMzY3JldA==" => ok("logged in"),
            _ => return None,
        })
    };
    assert_eq!(
        plain_login(asks_again).await,
        [
            "CAPA",
            "AUTH PLAIN AGFsaWNlAHMzY3JldA==",
            "AGFsaWNlAHMzY3JldA==",
            "QUIT"
        ]
    );

    // A server that keeps asking is left, not answered forever.
    let server = FakeServer::start(vec![], sasl_server(), |_, line| {
        (line.starts_with("AUTH PLAIN ") || line == "AGFsaWNlAHMzY3JldA==")
            .then(|| Reply::Send(b"+ \r\n".to_vec()))
    })
    .await;
    let o = options(server.port, Security::Plain);
    let error = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Plain)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("login"), "{error}");
    assert!(server.commands().len() <= 4, "{:?}", server.commands());
}

#[tokio::test]
async fn automatic_falls_back_when_a_mechanism_is_refused() {
    let server = FakeServer::start(vec![], sasl_server(), |_, line| {
        (line == "AUTH CRAM-MD5").then(|| err("mechanism not available"))
    })
    .await;
    let o = options(server.port, Security::Plain);
    pop3::connect_and_login(&o, fake::USER, "wrong", AuthMethod::Automatic)
        .await
        .unwrap_err();
    let commands = server.commands();
    assert_eq!(commands[1], "AUTH CRAM-MD5");
    assert!(commands[2].starts_with("APOP alice "), "{commands:?}");
}

#[tokio::test]
async fn a_server_that_hangs_up_after_a_failure_is_reconnected() {
    let server = FakeServer::start(vec![], sasl_server(), |ctx, line| match line {
        "AUTH CRAM-MD5" if ctx.connection == 0 => {
            Some(Reply::SendThenClose(b"-ERR not today\r\n".to_vec()))
        }
        _ if line.starts_with("APOP") => Some(ok("in")),
        _ => None,
    })
    .await;
    let o = options(server.port, Security::Plain);
    let session = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Automatic)
        .await
        .unwrap();
    session.quit().await.unwrap();
    let log = server.log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0], ["CAPA", "AUTH CRAM-MD5"]);
    assert_eq!(log[1][0], "CAPA");
    assert!(log[1][1].starts_with("APOP alice "));
}

#[tokio::test]
async fn a_hang_up_after_the_password_counts_as_its_refusal() {
    // Every line that carries a secret is answered by hanging up: each is a refused
    // password, and two end the login, whatever mechanisms are left.
    let commands = wrong_password_commands(AuthMethod::Automatic, |_, line| {
        Some(match line {
            // "" is the greeting.
            "" | "CAPA" => return None,
            "AUTH CRAM-MD5" | "AUTH PLAIN" | "AUTH LOGIN" => {
                Reply::Send(b"+ PDFAeD4=\r\n".to_vec())
            }
            _ if line.starts_with("USER ") => ok("send PASS"),
            _ => Reply::Close,
        })
    })
    .await;
    let secrets = commands
        .iter()
        .filter(|c| *c != "CAPA" && !c.starts_with("AUTH ") && !c.starts_with("USER "))
        .count();
    assert_eq!(secrets, pop3::MAX_REJECTED_LOGINS, "{commands:?}");
}

#[tokio::test]
async fn a_wrong_password_is_one_clear_error_not_a_loop() {
    // [AUTH] says the credentials are wrong: no other mechanism is tried.
    let server = FakeServer::start(vec![], sasl_server(), |_, line| {
        (line == "AUTH CRAM-MD5").then(|| Reply::Send(b"+ PDFAeD4=\r\n".to_vec()))
    })
    .await;
    let o = options(server.port, Security::Plain);
    let error = pop3::connect_and_login(&o, fake::USER, "wrong", AuthMethod::Automatic)
        .await
        .unwrap_err();
    // The fake answers the CRAM-MD5 response with its default "-ERR unknown command":
    // no code, so the next mechanism is tried, but only once more: two rejected
    // passwords per fetch at most, so a wrong password never locks the account.
    assert!(
        matches!(&error, pop3::Error::LoginFailed { user, host, .. } if user == "alice" && host == "127.0.0.1"),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("login failed for alice at 127.0.0.1")
    );
    let attempts = server
        .commands()
        .iter()
        .filter(|c| c.starts_with("AUTH") || c.starts_with("APOP") || c.starts_with("USER"))
        .count();
    assert_eq!(
        attempts,
        pop3::MAX_REJECTED_LOGINS,
        "{:?}",
        server.commands()
    );

    let server = FakeServer::start(vec![], Options::default(), no_overrides).await;
    let o = options(server.port, Security::Plain);
    let error = pop3::connect_and_login(&o, fake::USER, "wrong", AuthMethod::Automatic)
        .await
        .unwrap_err();
    assert!(matches!(error, pop3::Error::LoginFailed { .. }));
    assert_eq!(server.commands(), ["CAPA", "USER alice", "PASS wrong"]);
}

#[tokio::test]
async fn a_fixed_method_the_server_lacks_fails_clearly() {
    let server = FakeServer::start(vec![], Options::default(), no_overrides).await;
    let o = options(server.port, Security::Plain);
    let error = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Apop)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("does not offer APOP"), "{error}");
    assert_eq!(server.commands(), ["CAPA"], "nothing was sent for APOP");
}

#[tokio::test]
async fn a_huge_greeting_is_handled() {
    let mut greeting = "+OK ".to_string();
    greeting.push_str(&"<".repeat(100_000));
    greeting.push_str(&"x".repeat(100_000));
    greeting.push_str(" <7@huge.example>");
    let server = FakeServer::start(
        vec![],
        Options {
            greeting,
            ..Options::default()
        },
        |_, line| line.starts_with("APOP").then(|| ok("in")),
    )
    .await;
    let o = options(server.port, Security::Plain);
    let session = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Apop)
        .await
        .unwrap();
    session.quit().await.unwrap();
    let digest = pop3::auth::apop_digest("<7@huge.example>", fake::PASSWORD);
    assert_eq!(server.commands()[1], format!("APOP alice {digest}"));
}

// ----- response codes -----

async fn login_error(reply: &'static str) -> (pop3::Error, Vec<String>) {
    let server = FakeServer::start(vec![], Options::default(), move |_, line| {
        line.starts_with("PASS")
            .then(|| Reply::Send(format!("{reply}\r\n").into_bytes()))
    })
    .await;
    let o = options(server.port, Security::Plain);
    let error = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Automatic)
        .await
        .unwrap_err();
    (error, server.commands())
}

#[tokio::test]
async fn response_codes_say_try_later_or_give_up() {
    for reply in [
        "-ERR [SYS/TEMP] backend down",
        "-ERR [IN-USE] mailbox locked",
        "-ERR [LOGIN-DELAY] wait 15 minutes",
    ] {
        let (error, commands) = login_error(reply).await;
        assert!(
            matches!(error, pop3::Error::TryLater { .. }),
            "{reply}: {error:?}"
        );
        assert!(error.is_temporary());
        assert!(!error.to_string().contains("password"), "{error}");
        assert_eq!(commands.len(), 3, "no retry loop: {commands:?}");
    }
    let (error, _) = login_error("-ERR [SYS/PERM] account closed").await;
    assert!(
        matches!(error, pop3::Error::ServerRefused { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("account closed"));
    let (error, _) = login_error("-ERR [AUTH] nope").await;
    assert!(matches!(error, pop3::Error::LoginFailed { .. }));
}

#[tokio::test]
async fn an_err_greeting_stops_before_sending_anything() {
    let server = FakeServer::start(vec![], Options::default(), |_, line| {
        line.is_empty()
            .then(|| Reply::Send(b"-ERR [SYS/TEMP] too many connections\r\n".to_vec()))
    })
    .await;
    let error = Session::connect(&options(server.port, Security::Plain))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("too many connections"),
        "{error}"
    );
    assert_eq!(server.commands(), Vec::<String>::new());
}

// ----- servers without UIDL -----

#[tokio::test]
async fn without_uidl_delete_mode_works_and_keep_modes_are_refused() {
    let no_uidl = || Options {
        uidl: false,
        capa: Some(vec!["USER".into(), "TOP".into()]),
        ..Options::default()
    };
    let server = FakeServer::start(mails(3), no_uidl(), no_overrides).await;
    let c = client(&server, Keep::Delete, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (3, 3));
    assert!(server.mailbox().is_empty());
    assert!(server.commands().contains(&"DELE 3".to_string()));

    for keep in [Keep::Forever, Keep::Days(3)] {
        let server = FakeServer::start(mails(2), no_uidl(), no_overrides).await;
        let c = client(&server, keep, AuthMethod::UserPass);
        let error = c.fetch().await.unwrap_err();
        assert!(
            matches!(error, sync::Error::NoUidlForKeep { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("delete after download"));
        assert!(c.stored().is_empty());
        assert!(!server.commands().iter().any(|c| c.starts_with("RETR")));

        // Testing the account says the same before any mail is touched.
        let error = sync::test_account(&c.account.settings, fake::PASSWORD, &quick())
            .await
            .unwrap_err();
        assert!(matches!(error, sync::Error::NoUidlForKeep { .. }));
    }
}

// ----- TOP -----

/// The size-limit tests' account: headers only above 1,000 bytes.
fn size_limit_1000(s: &mut Settings) {
    s.size_limit = Some(1000);
    s.auth = AuthMethod::UserPass;
}

fn big_mail() -> Vec<u8> {
    let mut m = b"From: big@example.org\r\nSubject: Big one\r\n\r\n".to_vec();
    m.extend(std::iter::repeat_n(b"0123456789".as_slice(), 200).flatten());
    m.extend_from_slice(b"\r\n");
    m
}

#[tokio::test]
async fn messages_over_the_size_limit_are_stored_as_headers_with_top() {
    let server =
        FakeServer::start(vec![mail(1), big_mail()], Options::default(), no_overrides).await;
    let c = client_with(&server, size_limit_1000);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.partial), (2, 1));
    assert!(server.commands().contains(&"TOP 2 0".to_string()));
    let stored = c.stored();
    assert_eq!(stored[0].1, mail(1));
    assert!(!stored[0].2);
    assert_eq!(
        stored[1].1,
        b"From: big@example.org\r\nSubject: Big one\r\n\r\n"
    );
    assert!(stored[1].2, "marked partial");
    let store = Store::open(&c.paths.database()).unwrap();
    let rows = store.list_messages(None, 10, 0).unwrap();
    let big = rows.iter().find(|r| r.subject == "Big one").unwrap();
    assert_eq!(
        big.size,
        big_mail().len() as u64,
        "the list shows the server's size"
    );
}

/// LIST in another order than UIDL: each size still goes with its own message's number
/// (paired by position, the big message's size would fall on the small one).
#[tokio::test]
async fn sizes_go_with_their_numbers_whatever_order_list_gives() {
    let big = big_mail().len();
    let small = mail(1).len();
    let server = FakeServer::start(
        vec![mail(1), big_mail()],
        Options::default(),
        move |_, line| {
            (line == "LIST").then(|| {
                Reply::Send(multiline(
                    "+OK list",
                    format!("2 {big}\r\n1 {small}\r\n").as_bytes(),
                ))
            })
        },
    )
    .await;
    let c = client_with(&server, size_limit_1000);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.partial), (2, 1));
    let commands = server.commands();
    assert!(commands.contains(&"RETR 1".to_string()), "{commands:?}");
    assert!(commands.contains(&"TOP 2 0".to_string()), "{commands:?}");
    let stored = c.stored();
    assert_eq!(
        (stored[0].1.as_slice(), stored[0].2),
        (mail(1).as_slice(), false)
    );
    assert!(stored[1].2, "the big one is stored as headers");
}

#[tokio::test]
async fn when_top_fails_retr_is_used_for_the_rest_of_the_session() {
    let server = FakeServer::start(
        vec![big_mail(), big_mail()],
        Options::default(),
        |_, line| line.starts_with("TOP").then(|| err("TOP not supported")),
    )
    .await;
    let c = client_with(&server, size_limit_1000);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.partial), (2, 0));
    let commands = server.commands();
    assert_eq!(
        commands.iter().filter(|c| c.starts_with("TOP")).count(),
        1,
        "TOP is tried once: {commands:?}"
    );
    assert!(commands.contains(&"RETR 1".to_string()) && commands.contains(&"RETR 2".to_string()));
    assert!(
        c.stored()
            .iter()
            .all(|(_, m, partial)| *m == big_mail() && !partial)
    );
}

// ----- timeouts -----

#[tokio::test]
async fn a_server_that_stops_answering_fails_within_the_timeout_and_can_be_fetched_again() {
    let server = FakeServer::start(mails(3), Options::default(), |ctx, line| {
        (ctx.connection == 0 && line == "RETR 2").then_some(Reply::Hang)
    })
    .await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    let error = c.fetch().await.unwrap_err();
    assert!(
        matches!(error, sync::Error::Pop3(pop3::Error::Timeout { .. })),
        "{error:?}"
    );
    assert!(error.to_string().contains("did not answer"));
    // What arrived whole is kept, nothing half-received is; the next fetch gets the rest.
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(stored, mails(1));
    let report = c.fetch().await.unwrap();
    assert_eq!(report.new, 2);
}

#[tokio::test]
async fn a_silent_server_at_connect_times_out() {
    let server = FakeServer::start(vec![], Options::default(), |_, line| {
        line.is_empty().then_some(Reply::Hang)
    })
    .await;
    // The greeting never comes.
    let error = Session::connect(&options(server.port, Security::Plain))
        .await
        .unwrap_err();
    assert!(matches!(error, pop3::Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn noop_keeps_the_session_alive_while_local_work_waits() {
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel::<()>();
    let seen_tx = std::sync::Mutex::new(Some(seen_tx));
    let server = FakeServer::start(vec![], Options::default(), move |_, line| {
        if line == "NOOP"
            && let Some(tx) = seen_tx.lock().unwrap().take()
        {
            let _ = tx.send(());
        }
        None
    })
    .await;
    let o = options(server.port, Security::Plain);
    let mut session = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::UserPass)
        .await
        .unwrap();
    // The "local work" finishes only once the server has seen a NOOP.
    let work = async { tokio::time::timeout(Duration::from_secs(10), seen_rx).await };
    let finished = session
        .keep_alive_during(Duration::from_millis(20), work)
        .await
        .unwrap();
    assert!(finished.is_ok(), "no NOOP arrived while waiting");
    session.quit().await.unwrap();
    assert!(server.commands().contains(&"NOOP".to_string()));
}

// ----- hostile or broken servers -----

#[tokio::test]
async fn an_overlong_status_line_is_a_clear_error() {
    let server = FakeServer::start(mails(1), Options::default(), |_, line| {
        (line == "STAT").then(|| {
            let mut status = b"+OK ".to_vec();
            status.extend(std::iter::repeat_n(b'x', pop3::MAX_LINE + 10));
            status.extend_from_slice(b"\r\n");
            Reply::Send(status)
        })
    })
    .await;
    let o = options(server.port, Security::Plain);
    let mut session = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::UserPass)
        .await
        .unwrap();
    let error = session.stat().await.unwrap_err();
    assert!(
        matches!(error, pop3::Error::LineTooLong { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn bare_lf_lines_are_accepted_and_kept_as_sent() {
    let lf = b"From: lf@example.org\nSubject: LF only\n\nline one\n.dotted\nline three\n".to_vec();
    let wire = {
        let mut w = b"+OK\r\n".to_vec();
        w.extend_from_slice(
            b"From: lf@example.org\nSubject: LF only\n\nline one\n..dotted\nline three\n.\n",
        );
        w
    };
    let server = FakeServer::start(vec![lf.clone()], Options::default(), move |_, line| {
        (line == "RETR 1").then(|| Reply::Send(wire.clone()))
    })
    .await;
    let c = client(&server, Keep::Forever, AuthMethod::UserPass);
    c.fetch().await.unwrap();
    let stored = c.stored();
    assert_eq!(stored[0].1, lf);
    let store = Store::open(&c.paths.database()).unwrap();
    assert_eq!(
        store.list_messages(None, 1, 0).unwrap()[0].subject,
        "LF only"
    );
}

#[tokio::test]
async fn an_answer_cut_off_before_its_final_dot_is_discarded() {
    let server = FakeServer::start(mails(2), Options::default(), |ctx, line| {
        (ctx.connection == 0 && line == "RETR 2").then(|| {
            Reply::SendThenClose(b"+OK\r\nFrom: x@example.org\r\n\r\nhalf a mess".to_vec())
        })
    })
    .await;
    let c = client(&server, Keep::Delete, AuthMethod::UserPass);
    let error = c.fetch().await.unwrap_err();
    assert!(
        matches!(error, sync::Error::Pop3(pop3::Error::Closed { .. })),
        "{error:?}"
    );
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(
        stored,
        mails(1),
        "the whole message is kept, the partial one is not"
    );
    assert_eq!(server.mailbox().len(), 2, "nothing deleted");

    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (1, 2));
    let stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(stored, mails(2));
}

#[tokio::test]
async fn data_injected_after_the_stls_answer_is_refused() {
    let server = FakeServer::start(
        vec![],
        Options {
            capa: Some(vec!["STLS".into(), "USER".into()]),
            ..Options::default()
        },
        |_, line| {
            (line == "STLS").then(|| Reply::Send(b"+OK Begin TLS\r\n+OK injected\r\n".to_vec()))
        },
    )
    .await;
    let mut o = options(server.port, Security::StartTls);
    o.ca_file = Some(server.cert.clone());
    let error = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Automatic)
        .await
        .unwrap_err();
    assert!(matches!(error, pop3::Error::Protocol { .. }), "{error:?}");
    assert_eq!(server.commands(), ["CAPA", "STLS"], "no credentials sent");
}

#[tokio::test]
async fn starttls_not_offered_stops_without_sending_the_password() {
    let server = FakeServer::start(vec![], Options::default(), no_overrides).await;
    let o = options(server.port, Security::StartTls);
    let error = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, AuthMethod::Automatic)
        .await
        .unwrap_err();
    assert!(
        matches!(error, pop3::Error::StartTlsUnavailable { .. }),
        "{error:?}"
    );
    assert_eq!(server.commands(), ["CAPA"]);

    // A server without CAPA is asked, and its refusal is final too.
    let server = FakeServer::start(
        vec![],
        Options {
            capa: None,
            ..Options::default()
        },
        |_, line| (line == "STLS").then(|| err("no TLS here")),
    )
    .await;
    let error = pop3::connect_and_login(
        &options(server.port, Security::StartTls),
        fake::USER,
        fake::PASSWORD,
        AuthMethod::Automatic,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, pop3::Error::StartTlsUnavailable { .. }));
    assert_eq!(server.commands(), ["CAPA", "STLS"]);
}

#[tokio::test]
async fn one_refused_retr_does_not_block_the_mailbox() {
    let server = FakeServer::start(
        mails(4),
        Options {
            capa: Some(vec!["USER".into(), "UIDL".into(), "PIPELINING".into()]),
            ..Options::default()
        },
        |ctx, line| (ctx.connection == 0 && line == "RETR 2").then(|| err("message corrupt")),
    )
    .await;
    let c = client(&server, Keep::Delete, AuthMethod::UserPass);
    let report = c.fetch().await.unwrap();
    assert_eq!(report.new, 3);
    assert_eq!(
        report.skipped,
        vec![(
            2,
            poplar::sync::SkipReason::Refused("message corrupt".into())
        )]
    );
    assert_eq!(
        server.mailbox(),
        vec![mail(2)],
        "the refused one stays on the server"
    );
    // Next time it is tried again.
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (1, 1));
    let mut stored: Vec<Vec<u8>> = c.stored().into_iter().map(|(_, m, _)| m).collect();
    stored.sort();
    assert_eq!(stored, mails(4));
}

#[tokio::test]
async fn settings_are_detected_by_probing_when_the_table_does_not_know_the_domain() {
    use poplar::detect::{self, Probe};
    let server = FakeServer::start(
        vec![],
        Options {
            capa: Some(vec!["STLS".into(), "USER".into()]),
            ..Options::default()
        },
        |_, _| None,
    )
    .await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let probe = Probe {
        // "995" has nothing listening; "110" is the scripted server with STARTTLS.
        ports: vec![(closed, Security::Tls), (server.port, Security::StartTls)],
        timeout: Duration::from_secs(3),
        ca_file: Some(server.cert.clone()),
    };
    let found = detect::detect("someone@127.0.0.1", &probe).await.unwrap();
    assert_eq!(
        (
            found.host.as_str(),
            found.port,
            found.security,
            found.from_table
        ),
        ("127.0.0.1", server.port, Security::StartTls, false)
    );
    // Only what shows a POP3 server is there was sent: no user, no password.
    assert!(
        server.commands().iter().all(|c| c == "CAPA" || c == "STLS"),
        "{:?}",
        server.commands()
    );

    // The table answers for known providers without any probe.
    let gmail = detect::detect("someone@gmail.com", &probe).await.unwrap();
    assert!(gmail.from_table && gmail.host == "pop.gmail.com");
    // Nothing there at all: nothing found.
    let nothing = Probe {
        ports: vec![(closed, Security::Tls)],
        ..probe
    };
    assert_eq!(detect::detect("someone@127.0.0.1", &nothing).await, None);
}
