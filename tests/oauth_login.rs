//! Logging in with a sign-in token (XOAUTH2, OAUTHBEARER) against a scripted server, for
//! what Dovecot does not do: the continuation form, mechanisms listed or not, and the
//! exact lines sent when the token is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::fake::{FakeServer, Options, Reply, err, ok};
use poplar::accounts::{AuthMethod, Security};
use poplar::oauth::sasl;
use poplar::pop3::{self, ConnectOptions};

const USER: &str = "alice@example.com";
const TOKEN: &str = "ya29.token-for-alice";

fn server_options(sasl: &str) -> Options {
    Options {
        capa: Some(vec!["STLS".into(), "USER".into(), format!("SASL {sasl}")]),
        ..Options::default()
    }
}

async fn log_in(
    server_options: Options,
    answer: impl Fn(&str) -> Option<Reply> + Send + Sync + 'static,
) -> (Result<(), pop3::Error>, Vec<String>, u16) {
    log_in_with(server_options, Security::StartTls, answer).await
}

/// The exchange after STARTTLS (the commands before it are CAPA, STLS, CAPA).
async fn log_in_with(
    server_options: Options,
    security: Security,
    answer: impl Fn(&str) -> Option<Reply> + Send + Sync + 'static,
) -> (Result<(), pop3::Error>, Vec<String>, u16) {
    let server = FakeServer::start(vec![], server_options, move |_, line| answer(line)).await;
    let mut o = ConnectOptions::new("127.0.0.1", server.port, security);
    o.ca_file = Some(server.cert.clone());
    o.timeout = Duration::from_millis(500);
    let result = match pop3::connect_and_login(&o, USER, TOKEN, AuthMethod::OAuth2).await {
        Ok(session) => session.quit().await,
        Err(e) => Err(e),
    };
    let mut commands = server.commands();
    if security == Security::StartTls {
        assert_eq!(commands[..3], ["CAPA", "STLS", "CAPA"]);
        commands.drain(..2);
    }
    (result, commands, server.port)
}

#[tokio::test]
async fn xoauth2_goes_as_an_initial_response() {
    let xoauth2 = sasl::xoauth2(USER, TOKEN);
    let line = format!("AUTH XOAUTH2 {xoauth2}");
    let expected = line.clone();
    let (result, commands, _) = log_in(server_options("PLAIN XOAUTH2"), move |l| {
        (l == expected).then(|| ok("in"))
    })
    .await;
    result.unwrap();
    assert_eq!(commands, ["CAPA", line.as_str(), "QUIT"]);
}

#[tokio::test]
async fn oauthbearer_when_only_that_is_offered() {
    let (result, commands, port) = log_in(server_options("OAUTHBEARER"), |l| {
        l.starts_with("AUTH OAUTHBEARER ").then(|| ok("in"))
    })
    .await;
    result.unwrap();
    let bearer = sasl::oauthbearer(USER, Some(("127.0.0.1", port)), TOKEN);
    assert_eq!(commands[1], format!("AUTH OAUTHBEARER {bearer}"));
}

/// A server that takes no initial response gets the token as the answer to its empty
/// challenge, on the same connection.
#[tokio::test]
async fn a_server_that_wants_a_continuation_gets_one() {
    let xoauth2 = sasl::xoauth2(USER, TOKEN);
    let token_line = xoauth2.clone();
    let (result, commands, _) = log_in(server_options("XOAUTH2"), move |l| match l {
        "AUTH XOAUTH2" => Some(Reply::Send(b"+ \r\n".to_vec())),
        _ if l == token_line => Some(ok("in")),
        _ if l.starts_with("AUTH XOAUTH2 ") => Some(err("initial response not allowed")),
        _ => None,
    })
    .await;
    result.unwrap();
    let first = format!("AUTH XOAUTH2 {xoauth2}");
    assert_eq!(
        commands,
        [
            "CAPA",
            first.as_str(),
            "AUTH XOAUTH2",
            xoauth2.as_str(),
            "QUIT"
        ]
    );
}

/// A refused token: the reasons come as a challenge, answered with an empty line (XOAUTH2)
/// to get the final -ERR; one clear error, and the token is not sent again in another form.
#[tokio::test]
async fn a_refused_token_is_one_clear_error() {
    // The fake asks about an empty line for the greeting too: only the one after the
    // challenge is the client's answer.
    let challenged = std::sync::atomic::AtomicBool::new(false);
    let (result, commands, _) = log_in(server_options("XOAUTH2"), move |l| {
        use std::sync::atomic::Ordering::SeqCst;
        if l.starts_with("AUTH XOAUTH2 ") {
            challenged.store(true, SeqCst);
            // {"status":"401","schemes":"bearer"}
            Some(Reply::Send(
                b"+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\r\n".to_vec(),
            ))
        } else if l.is_empty() && challenged.load(SeqCst) {
            Some(err("[AUTH] token refused"))
        } else {
            None
        }
    })
    .await;
    let e = result.unwrap_err();
    assert!(matches!(e, pop3::Error::LoginFailed { .. }), "{e:?}");
    assert_eq!(commands.len(), 3, "{commands:?}");
    assert_eq!(commands[2], "");
    assert!(!format!("{e}").contains(TOKEN), "{e}");
}

/// OAUTHBEARER's error challenge is answered with %x01 (RFC 7628 §3.2.3).
#[tokio::test]
async fn a_refused_bearer_token_is_answered_with_the_dummy_response() {
    let (result, commands, _) = log_in(server_options("OAUTHBEARER"), |l| {
        if l.starts_with("AUTH OAUTHBEARER ") {
            Some(Reply::Send(b"+ eyJzdGF0dXMiOiI0MDEifQ==\r\n".to_vec()))
        } else if l == "AQ==" {
            Some(err("[AUTH] no"))
        } else {
            None
        }
    })
    .await;
    assert!(matches!(
        result.unwrap_err(),
        pop3::Error::LoginFailed { .. }
    ));
    assert_eq!(commands[2], "AQ==");
}

/// A token is never sent over a connection without encryption: the login fails without
/// an AUTH line.
#[tokio::test]
async fn no_token_goes_in_the_clear() {
    let (result, commands, _) = log_in_with(
        server_options("XOAUTH2 OAUTHBEARER"),
        Security::Plain,
        |_| Some(ok("in")),
    )
    .await;
    assert!(result.is_err());
    assert!(
        !commands.iter().any(|c| c.starts_with("AUTH")),
        "{commands:?}"
    );
}

/// A token too long for the AUTH line (RFC 5034: 255 octets) goes as the answer to the
/// server's first challenge instead.
#[tokio::test]
async fn a_long_token_goes_as_a_continuation() {
    let long = "t".repeat(2000);
    let expected = sasl::xoauth2(USER, &long);
    let token_line = expected.clone();
    let server_options = server_options("XOAUTH2");
    let server = FakeServer::start(vec![], server_options, move |_, l| match l {
        "AUTH XOAUTH2" => Some(Reply::Send(b"+ \r\n".to_vec())),
        _ if l == token_line => Some(ok("in")),
        _ => None,
    })
    .await;
    let mut o = ConnectOptions::new("127.0.0.1", server.port, Security::StartTls);
    o.ca_file = Some(server.cert.clone());
    o.timeout = Duration::from_millis(500);
    let session = pop3::connect_and_login(&o, USER, &long, AuthMethod::OAuth2)
        .await
        .unwrap();
    session.quit().await.unwrap();
    assert_eq!(
        server.commands()[3..],
        ["AUTH XOAUTH2", expected.as_str(), "QUIT"]
    );
}
