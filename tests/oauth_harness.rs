//! The OAuth2 test harness itself (issue 18), without the app's client code: the mock
//! authorization server's code flow with PKCE over plain HTTP, the stand-in browser, and
//! a real Dovecot whose oauth2 passdb asks the mock, spoken to in raw POP3 over TLS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::dovecot::{self, Dovecot};
use common::oauth::{self, MockIssuer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One HTTP exchange on a fresh connection: (status, `Location`, body).
fn http(port: u16, request: &[u8]) -> (u16, Option<String>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let location = head.lines().find_map(|l| l.strip_prefix("Location: "));
    (status, location.map(str::to_string), body.to_string())
}

fn get(issuer: &MockIssuer, target: &str) -> (u16, Option<String>, String) {
    let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    http(issuer.port(), request.as_bytes())
}

/// A form POST of `body` (already encoded): (status, JSON answer).
fn post(issuer: &MockIssuer, path: &str, body: &str) -> (u16, Value) {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (status, _, body) = http(issuer.port(), request.as_bytes());
    (status, serde_json::from_str(&body).unwrap())
}

const CLIENT: &str = "poplar-test-client";
const REDIRECT: &str = "http://127.0.0.1:4711/";

/// A PKCE pair: (verifier, S256 challenge).
fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("{seed}-{}", "v".repeat(50));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The authorization request's target for this challenge, sending back to `redirect`.
fn authorize_target(challenge: &str, state: &str, redirect: &str) -> String {
    let (state, redirect) = (oauth::encode(state), oauth::encode(redirect));
    format!(
        "/authorize?response_type=code&client_id={CLIENT}&redirect_uri={redirect}&scope=openid+email+pop&state={state}&code_challenge={challenge}&code_challenge_method=S256&login_hint=alice%40example.org"
    )
}

/// The parameters the authorization endpoint redirected to [`REDIRECT`] with.
fn authorize(issuer: &MockIssuer, challenge: &str, state: &str) -> oauth::Params {
    let (status, location, _) = get(issuer, &authorize_target(challenge, state, REDIRECT));
    assert_eq!(status, 302);
    let location = location.unwrap();
    let query = location.strip_prefix(&format!("{REDIRECT}?")).unwrap();
    oauth::parse_form(query.as_bytes()).unwrap()
}

/// Redeems `code` at the token endpoint as `client`, back to `redirect`.
fn redeem_as(issuer: &MockIssuer, code: &str, verifier: &str, who: [&str; 2]) -> (u16, Value) {
    let (client, redirect) = (who[0], oauth::encode(who[1]));
    let form = format!(
        "grant_type=authorization_code&code={code}&client_id={client}&redirect_uri={redirect}&code_verifier={verifier}"
    );
    post(issuer, "/token", &form)
}

fn redeem(issuer: &MockIssuer, code: &str, verifier: &str) -> (u16, Value) {
    redeem_as(issuer, code, verifier, [CLIENT, REDIRECT])
}

fn refresh(issuer: &MockIssuer, token: &str) -> (u16, Value) {
    let form = format!("grant_type=refresh_token&refresh_token={token}&client_id={CLIENT}");
    post(issuer, "/token", &form)
}

/// Whether the introspection endpoint calls `token` live.
fn active(issuer: &MockIssuer, token: &str) -> bool {
    let (status, body) = post(issuer, "/introspect", &format!("token={token}"));
    assert_eq!(status, 200);
    body["active"].as_bool().unwrap()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap().to_string()
}

/// The whole code flow: (access token, refresh token).
fn sign_in(issuer: &MockIssuer) -> (String, String) {
    let (verifier, challenge) = pkce("sign-in");
    let params = authorize(issuer, &challenge, "st");
    let (status, body) = redeem(issuer, &params["code"], &verifier);
    assert_eq!(status, 200, "{body}");
    (text(&body["access_token"]), text(&body["refresh_token"]))
}

#[test]
fn discovery_names_the_endpoints() {
    let issuer = MockIssuer::start();
    let (status, _, body) = get(&issuer, "/.well-known/openid-configuration");
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["issuer"], issuer.url());
    let authorization = issuer.authorization_endpoint();
    assert_eq!(body["authorization_endpoint"], authorization);
    assert_eq!(body["token_endpoint"], issuer.token_endpoint());
    assert_eq!(body["introspection_endpoint"], issuer.introspection_url());
}

#[test]
fn the_code_flow_with_pkce_gives_tokens_that_introspect_live() {
    let issuer = MockIssuer::start();
    let (verifier, challenge) = pkce("flow");
    let params = authorize(&issuer, &challenge, "a state/with+odd=chars");
    assert_eq!(params["state"], "a state/with+odd=chars");
    let recorded = issuer.authorize_requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0]["client_id"], CLIENT);
    assert_eq!(recorded[0]["redirect_uri"], REDIRECT);
    assert_eq!(recorded[0]["scope"], "openid email pop");
    assert_eq!(recorded[0]["login_hint"], "alice@example.org");
    assert_eq!(recorded[0]["code_challenge"], challenge);

    let (status, body) = redeem(&issuer, &params["code"], &verifier);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], oauth::DEFAULT_ACCESS_LIFETIME);
    let (access, refresh_token) = (text(&body["access_token"]), text(&body["refresh_token"]));
    assert_eq!(issuer.token_requests("authorization_code"), 1);
    assert_eq!(issuer.issued_access_tokens(), [access.as_str()]);
    assert_eq!(issuer.issued_refresh_tokens(), [refresh_token.as_str()]);
    let mut all = issuer.issued_tokens();
    all.sort();
    assert_eq!(all, [access.clone(), refresh_token.clone()]);
    assert!(access.len() >= 20 && refresh_token.len() >= 20);

    let (_, answer) = post(&issuer, "/introspect", &format!("token={access}"));
    let scope = "openid email pop";
    let live =
        json!({"active": true, "username": dovecot::USER, "client_id": CLIENT, "scope": scope});
    assert_eq!(answer, live);
    assert!(issuer.is_live(&access));
    // A refresh token is not an access token.
    assert!(!active(&issuer, &refresh_token) && !active(&issuer, "no-such-token"));
    // A code is good once.
    let (status, body) = redeem(&issuer, &params["code"], &verifier);
    assert_eq!((status, body), (400, json!({"error": "invalid_grant"})));
}

#[test]
fn a_wrong_verifier_client_or_redirect_is_invalid_grant() {
    let issuer = MockIssuer::start();
    let (_, challenge) = pkce("right");
    let (wrong, _) = pkce("wrong");
    let code = authorize(&issuer, &challenge, "s")["code"].clone();
    assert_eq!(redeem(&issuer, &code, &wrong).1["error"], "invalid_grant");

    let (verifier, challenge) = pkce("again");
    let code = authorize(&issuer, &challenge, "s")["code"].clone();
    let other_client = redeem_as(&issuer, &code, &verifier, ["someone-else", REDIRECT]);
    assert_eq!(other_client.1["error"], "invalid_grant");
    // The code was spent by the failed try: even the right request fails now.
    let right = redeem(&issuer, &code, &verifier);
    assert_eq!(right.1["error"], "invalid_grant");

    let (verifier, challenge) = pkce("third");
    let code = authorize(&issuer, &challenge, "s")["code"].clone();
    let elsewhere = redeem_as(
        &issuer,
        &code,
        &verifier,
        [CLIENT, "http://127.0.0.1:4712/"],
    );
    assert_eq!(elsewhere.1["error"], "invalid_grant");
    assert_eq!(issuer.token_requests("authorization_code"), 4);
    assert!(issuer.issued_tokens().is_empty());
}

#[test]
fn refreshing_works_until_the_refresh_token_is_revoked() {
    let issuer = MockIssuer::start();
    let (first, refresh_token) = sign_in(&issuer);
    let (status, body) = refresh(&issuer, &refresh_token);
    assert_eq!(status, 200, "{body}");
    let second = text(&body["access_token"]);
    assert_ne!(second, first);
    assert!(
        body.get("refresh_token").is_none(),
        "no rotation unless asked"
    );
    assert_eq!(issuer.token_requests("refresh_token"), 1);

    issuer.expire_access_tokens();
    assert!(!active(&issuer, &first) && !active(&issuer, &second));
    let third = refresh(&issuer, &refresh_token).1["access_token"].clone();
    assert!(active(&issuer, &text(&third)));

    issuer.set_access_lifetime(0);
    let (_, body) = refresh(&issuer, &refresh_token);
    assert_eq!(body["expires_in"], 0);
    assert!(!active(&issuer, &text(&body["access_token"])));

    // Rotation: the answer has a new refresh token and the old one stops working.
    issuer.set_access_lifetime(60);
    issuer.set_rotate_refresh_tokens(true);
    let rotated = text(&refresh(&issuer, &refresh_token).1["refresh_token"]);
    assert_ne!(rotated, refresh_token);
    assert_eq!(refresh(&issuer, &refresh_token).1["error"], "invalid_grant");
    assert_eq!(refresh(&issuer, &rotated).0, 200);

    issuer.revoke_refresh_tokens();
    let latest = issuer.issued_refresh_tokens().pop().unwrap();
    let (status, body) = refresh(&issuer, &latest);
    assert_eq!((status, body), (400, json!({"error": "invalid_grant"})));
    assert_eq!(issuer.token_requests("refresh_token"), 7);
    let (access, refresh_minted) = issuer.mint_tokens(CLIENT);
    assert!(active(&issuer, &access));
    assert_eq!(refresh(&issuer, &refresh_minted).0, 200);
}

#[test]
fn a_denied_authorization_redirects_with_access_denied() {
    let issuer = MockIssuer::start();
    issuer.set_deny(true);
    let (_, challenge) = pkce("deny");
    let params = authorize(&issuer, &challenge, "xyz");
    assert_eq!(params["error"], "access_denied");
    assert!(!params["error_description"].is_empty());
    assert_eq!(params["state"], "xyz");
    assert!(!params.contains_key("code"));
    // A plain challenge is refused the same way, as invalid_request.
    let target = authorize_target("plain-challenge", "s", REDIRECT).replace("S256", "plain");
    let (status, location, _) = get(&issuer, &target);
    assert_eq!(status, 302);
    assert!(location.unwrap().contains("error=invalid_request"));
}

#[test]
fn hostile_requests_get_an_error_and_the_server_keeps_serving() {
    let issuer = MockIssuer::start();
    let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 100_000));
    huge.extend_from_slice(b"\r\n\r\n");
    let cases: [(&[u8], u16); 12] = [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET /authorize?client_id=%zz HTTP/1.1\r\n\r\n", 400),
        (b"GET /authorize?a=1&a=2 HTTP/1.1\r\n\r\n", 400),
        (b"GET /authorize?a=%ff%fe HTTP/1.1\r\n\r\n", 400),
        // No redirect URI: nowhere to send the user back.
        (b"GET /authorize?client_id=x HTTP/1.1\r\n\r\n", 400),
        (b"GET /nothing HTTP/1.1\r\n\r\n", 404),
        (b"DELETE /token HTTP/1.1\r\n\r\n", 405),
        (b"POST /token HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
        (
            b"POST /token HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
            413,
        ),
        (
            b"POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        (
            b"POST /token HTTP/1.1\r\nContent-Length: 5\r\n\r\n\xff\xfe=&=",
            400,
        ),
        (&huge, 413),
    ];
    for (request, status) in cases {
        let shown = String::from_utf8_lossy(&request[..request.len().min(60)]);
        assert_eq!(http(issuer.port(), request).0, status, "{shown}");
    }
    let elsewhere = authorize_target("c", "s", "https://evil.example/");
    assert_eq!(get(&issuer, &elsewhere).0, 400);
    // A client that goes away without a word.
    drop(TcpStream::connect(("127.0.0.1", issuer.port())).unwrap());
    let (status, body) = post(&issuer, "/token", "grant_type=password&client_id=x");
    assert_eq!(body, json!({"error": "unsupported_grant_type"}));
    assert_eq!(status, 400);
    assert_eq!(post(&issuer, "/token", "grant_type=refresh_token").0, 400);
    // Still serving.
    assert!(!sign_in(&issuer).0.is_empty());
}

/// Runs the stand-in browser on `url` as Poplar runs $BROWSER: the script itself (it is
/// executable, with a `#!/usr/bin/env python3` line), the address its only argument.
fn browser(url: &str) -> Command {
    let script = format!("{}/tests/common/browser.py", env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new(script);
    command
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Accepts one connection on `listener`, reads its head and answers 200: the request line.
fn answer_once(listener: &TcpListener) -> String {
    let (mut conn, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut request = String::new();
    reader.read_line(&mut request).unwrap();
    // The rest of the head, read so that closing does not reset the connection.
    let mut header = String::new();
    while reader.read_line(&mut header).unwrap_or(0) > 2 {
        header.clear();
    }
    let reply = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nsigned in";
    let _ = conn.write_all(reply.as_bytes());
    request
}

#[test]
fn the_browser_follows_the_redirect_to_the_loopback_listener() {
    let found = Command::new("python3").arg("--version").output();
    if !found.is_ok_and(|o| o.status.success()) {
        common::skip("python3 not found (the stand-in browser is a Python script)");
        return;
    }
    let issuer = MockIssuer::start();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (_, challenge) = pkce("browser");
    let target = authorize_target(&challenge, "b", &format!("http://127.0.0.1:{port}/"));
    let child = browser(&format!("{}{target}", issuer.url()))
        .spawn()
        .unwrap();
    // The listener answers the first connection: the browser's, or our own once the
    // browser has exited without coming (so that a broken browser fails, not hangs).
    let answer = std::thread::spawn(move || answer_once(&listener));
    let out = child.wait_with_output().unwrap();
    let _ = TcpStream::connect(("127.0.0.1", port));
    let request = answer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let query = request
        .strip_prefix("GET /?")
        .and_then(|r| r.strip_suffix(" HTTP/1.1\r\n"));
    let params = oauth::parse_form(query.expect(&request).as_bytes()).unwrap();
    assert_eq!(params["state"], "b");
    assert!(params["code"].starts_with("mockac"));

    // A refused connection is a failure.
    let closed = common::closed_port();
    let out = browser(&format!("http://127.0.0.1:{}/", closed.port))
        .output()
        .unwrap();
    assert!(!out.status.success());
}

type Tls = BufReader<native_tls::TlsStream<TcpStream>>;

/// A POP3 session over TLS with the test Dovecot (trusting its certificate), past its
/// greeting.
fn pop3(server: &Dovecot) -> Tls {
    let pem = std::fs::read(&server.cert).unwrap();
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(native_tls::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", server.tls_port)).unwrap();
    let mut session = BufReader::new(connector.connect("127.0.0.1", tcp).unwrap());
    assert!(line(&mut session).starts_with("+OK"));
    session
}

/// The next line from the server, with its CRLF.
fn line(session: &mut Tls) -> String {
    let mut text = String::new();
    session.read_line(&mut text).unwrap();
    assert!(text.ends_with("\r\n"), "{text:?}");
    text
}

/// Sends `command` and returns the server's answer line, with its CRLF.
fn say(session: &mut Tls, command: &str) -> String {
    let bytes = format!("{command}\r\n");
    session.get_mut().write_all(bytes.as_bytes()).unwrap();
    line(session)
}

/// A new session's answer to its first command: (session, answer).
fn first(server: &Dovecot, command: &str) -> (Tls, String) {
    let mut session = pop3(server);
    let answer = say(&mut session, command);
    (session, answer)
}

fn xoauth2(token: &str) -> String {
    let user = dovecot::USER;
    STANDARD.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"))
}

fn oauthbearer(token: &str, port: u16) -> String {
    let user = dovecot::USER;
    let response =
        format!("n,a={user},\x01host=127.0.0.1\x01port={port}\x01auth=Bearer {token}\x01\x01");
    STANDARD.encode(response)
}

/// The CAPA answer's SASL line.
fn sasl(session: &mut Tls) -> String {
    assert!(say(session, "CAPA").starts_with("+OK"));
    let mut found = String::new();
    loop {
        let l = line(session);
        if l == ".\r\n" {
            return found;
        }
        if l.starts_with("SASL") {
            found = l.trim_end().to_string();
        }
    }
}

/// The JSON of a `+ base64` continuation.
fn challenge(reply: &str) -> Value {
    let encoded = reply.strip_prefix("+ ").unwrap().trim_end();
    serde_json::from_slice(&STANDARD.decode(encoded).unwrap()).unwrap()
}

const LOGGED_IN: &str = "+OK Logged in.\r\n";
const FAILED: &str = "-ERR [AUTH] Authentication failed.\r\n";

#[test]
fn xoauth2_logs_in_in_one_line_or_after_a_continuation() {
    let issuer = MockIssuer::start();
    let Some(mut server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2", "oauthbearer"])
    else {
        return;
    };
    server.deliver(&common::message("Bob <bob@example.org>", "Hello", "Hi."));
    let (access, _) = sign_in(&issuer);

    let mut session = pop3(&server);
    assert_eq!(sasl(&mut session), "SASL XOAUTH2 OAUTHBEARER");
    let reply = say(&mut session, &format!("AUTH XOAUTH2 {}", xoauth2(&access)));
    assert_eq!(reply, LOGGED_IN, "{}", server.log());
    assert!(say(&mut session, "STAT").starts_with("+OK 1 "));

    // Without an initial response: an empty continuation, then the response.
    let (mut session, reply) = first(&server, "AUTH XOAUTH2");
    assert_eq!(reply, "+ \r\n");
    assert_eq!(say(&mut session, &xoauth2(&access)), LOGGED_IN);
    assert!(say(&mut session, "STAT").starts_with("+OK 1 "));

    // What Dovecot 2.3 asked the introspection endpoint (introspection_mode = post).
    let asked = issuer.introspections();
    assert_eq!(asked.len(), 2);
    let (asked, token_form) = (
        &asked[0],
        format!("token={access}&client_id=&client_secret="),
    );
    assert_eq!([&asked.method, &asked.target], ["POST", "/introspect"]);
    assert_eq!(asked.body, token_form);
    assert_eq!(asked.token.as_ref(), Some(&access));
    let header = |name: &str| {
        let found = asked.headers.iter().find(|(n, _)| n == name);
        found.map(|(_, v)| v.as_str())
    };
    let form = "application/x-www-form-urlencoded";
    assert_eq!(header("content-type"), Some(form));
    assert_eq!(header("authorization"), None);
    assert!(
        header("user-agent")
            .unwrap()
            .starts_with("dovecot-oauth2-passdb/")
    );
}

#[test]
fn oauthbearer_logs_in_in_one_line_or_after_a_continuation() {
    let issuer = MockIssuer::start();
    let Some(mut server) = Dovecot::start_oauth_or_skip(&issuer, &["oauthbearer"]) else {
        return;
    };
    server.deliver(&common::message("Bob <bob@example.org>", "Hello", "Hi."));
    let (access, _) = sign_in(&issuer);
    let response = oauthbearer(&access, server.tls_port);

    let mut session = pop3(&server);
    assert_eq!(sasl(&mut session), "SASL OAUTHBEARER");
    let reply = say(&mut session, &format!("AUTH OAUTHBEARER {response}"));
    assert_eq!(reply, LOGGED_IN);
    assert!(say(&mut session, "STAT").starts_with("+OK 1 "));

    let (mut session, reply) = first(&server, "AUTH OAUTHBEARER");
    assert_eq!(reply, "+ \r\n");
    assert_eq!(say(&mut session, &response), LOGGED_IN);
    assert!(say(&mut session, "STAT").starts_with("+OK 1 "));
}

#[test]
fn dead_tokens_fail_after_a_json_challenge() {
    let issuer = MockIssuer::start();
    let Some(server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2", "oauthbearer"]) else {
        return;
    };
    let (expired, _) = sign_in(&issuer);
    issuer.expire_access_tokens();
    issuer.set_access_lifetime(0);
    let (stillborn, _) = issuer.mint_tokens(CLIENT);
    let unknown = "mockat0xffffffffffffffffffffffffffffffff";
    let xoauth2_error = json!({"status": "401", "schemes": "bearer", "scope": "mail"});
    for token in [expired.as_str(), stillborn.as_str(), unknown] {
        // XOAUTH2: the error as a continuation; the client answers with an empty line.
        let (mut session, reply) = first(&server, &format!("AUTH XOAUTH2 {}", xoauth2(token)));
        assert_eq!(challenge(&reply), xoauth2_error);
        assert_eq!(say(&mut session, ""), FAILED);
        // OAUTHBEARER: likewise; RFC 7628's answer is a single 0x01 (AQ==).
        let response = oauthbearer(token, server.tls_port);
        let (mut session, reply) = first(&server, &format!("AUTH OAUTHBEARER {response}"));
        assert_eq!(challenge(&reply), json!({"status": "invalid_token"}));
        assert_eq!(say(&mut session, "AQ=="), FAILED);
    }
    // An empty line also ends a failed OAUTHBEARER; "*" cancels (not "[AUTH]").
    let response = oauthbearer(unknown, server.tls_port);
    let (mut session, reply) = first(&server, &format!("AUTH OAUTHBEARER {response}"));
    assert!(reply.starts_with("+ "));
    assert_eq!(say(&mut session, ""), FAILED);
    let (mut session, reply) = first(&server, &format!("AUTH XOAUTH2 {}", xoauth2(unknown)));
    assert!(reply.starts_with("+ "));
    let aborted = "-ERR Authentication aborted by client.\r\n";
    assert_eq!(say(&mut session, "*"), aborted);
    assert!(issuer.introspections().iter().all(|i| !i.active));
    // No penalty delay after all these failures: a live token gets straight in.
    issuer.set_access_lifetime(60);
    let (live, _) = issuer.mint_tokens(CLIENT);
    let (_, reply) = first(&server, &format!("AUTH XOAUTH2 {}", xoauth2(&live)));
    assert_eq!(reply, LOGGED_IN);
}

#[test]
fn a_live_token_of_another_user_is_refused() {
    let issuer = MockIssuer::for_user("mallory");
    let Some(server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2"]) else {
        return;
    };
    let (access, _) = sign_in(&issuer);
    let (mut session, reply) = first(&server, &format!("AUTH XOAUTH2 {}", xoauth2(&access)));
    assert!(reply.starts_with("+ "), "{reply:?}");
    assert_eq!(say(&mut session, ""), FAILED);
    assert!(issuer.introspections()[0].active);
}

#[test]
fn only_the_listed_mechanisms_are_offered() {
    let issuer = MockIssuer::start();
    let Some(server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2"]) else {
        return;
    };
    let (access, _) = sign_in(&issuer);
    let mut session = pop3(&server);
    assert_eq!(sasl(&mut session), "SASL XOAUTH2");
    let response = oauthbearer(&access, server.tls_port);
    let reply = say(&mut session, &format!("AUTH OAUTHBEARER {response}"));
    let unsupported = "-ERR [AUTH] Unsupported authentication mechanism.\r\n";
    assert_eq!(reply, unsupported);
    // USER/PASS is PLAIN underneath: not offered, so refused, even with the password.
    let reply = say(&mut session, &format!("USER {}", dovecot::USER));
    assert_eq!(reply, "+OK\r\n");
    let reply = say(&mut session, &format!("PASS {}", dovecot::PASSWORD));
    assert_eq!(reply, unsupported);
    assert!(issuer.introspections().is_empty());

    // With a password mechanism listed too, the password works and the token does not
    // (the oauth2 passdb answers only for XOAUTH2 and OAUTHBEARER).
    drop(server);
    let server = Dovecot::start_oauth(&issuer, &["xoauth2", "plain"]);
    let plain = |secret: &str| STANDARD.encode(format!("\0{}\0{secret}", dovecot::USER));
    let reply = first(&server, &format!("AUTH PLAIN {}", plain(&access))).1;
    assert_eq!(reply, FAILED);
    let reply = first(&server, &format!("AUTH PLAIN {}", plain(dovecot::PASSWORD))).1;
    assert_eq!(reply, LOGGED_IN);
}
