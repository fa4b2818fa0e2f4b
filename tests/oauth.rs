//! Signing in with OAuth2 end to end: `poplar account login` through a browser stand-in
//! (tests/common/browser.py as $BROWSER) at a mock issuer on loopback, then fetching from
//! a real Dovecot whose passdb checks each token at the issuer's introspection endpoint,
//! over TLS with XOAUTH2 or OAUTHBEARER. Tokens live in a real Secret Service
//! (packaging/with-keyring.sh); a search of the data folder, a backup and an exported
//! accounts file finds none of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::dovecot::Dovecot;
use common::oauth::MockIssuer;

/// One test at a time at the keyring (GNOME Keyring drops connections under load).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

const CLIENT_ID: &str = "poplar-test-client";

/// The test's turn at the keyring; None when there is no private Secret Service.
fn keyring_or_skip() -> Option<std::sync::MutexGuard<'static, ()>> {
    if std::env::var_os("POPLAR_SECRET_SERVICE").is_none() {
        common::skip("no private Secret Service: run through packaging/with-keyring.sh");
        return None;
    }
    Some(
        SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

fn browser() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/browser.py").to_string()
}

/// `poplar ARGS` in `data` with the browser stand-in: (ok, stdout, stderr).
fn poplar(data: &Path, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_poplar"));
    command
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("BROWSER", browser());
    let (status, out, err) = common::run(command, None);
    (
        status.success(),
        String::from_utf8_lossy(&out).into_owned(),
        err,
    )
}

fn add_account(data: &Path, server: &Dovecot, issuer: &MockIssuer) {
    let url = issuer.url();
    let extra = [
        "--email",
        "work@example.com",
        "--keep",
        "forever",
        "--oauth-provider",
        "custom",
        "--oauth-issuer",
        &url,
        "--oauth-client-id",
        CLIENT_ID,
    ];
    server.add_account(data, "work", &extra);
}

fn listed(data: &Path) -> usize {
    let (ok, out, err) = poplar(data, &["list", "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str::<Vec<serde_json::Value>>(&out)
        .unwrap()
        .len()
}

/// Every file under `dir`, read whole.
fn files(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
}

#[test]
fn sign_in_fetch_renew_and_sign_in_again_over_xoauth2() {
    let issuer = MockIssuer::start();
    let Some(mut server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2"]) else {
        return;
    };
    let Some(_turn) = keyring_or_skip() else {
        return;
    };
    for i in 0..3 {
        server.deliver(&common::message(
            "a@example.com",
            &format!("first {i}"),
            "x",
        ));
    }
    let data = tempfile::tempdir().unwrap();
    add_account(data.path(), &server, &issuer);

    // Not signed in yet: the fetch says what to do.
    let (ok, _, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(
        !ok && err.contains("sign in again: poplar account login work"),
        "{err}"
    );

    // The browser stand-in fetches the sign-in page; the issuer approves at once and
    // sends it back to Poplar's loopback listener.
    let (ok, out, err) = poplar(data.path(), &["account", "login", "work"]);
    assert!(ok, "login: {err}");
    assert!(out.contains("Signed in"), "{out}");
    let asked = issuer.authorize_requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["client_id"], CLIENT_ID);
    assert_eq!(asked[0]["code_challenge_method"], "S256");
    assert_eq!(asked[0]["login_hint"], "work@example.com");
    assert!(asked[0]["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert_eq!(issuer.token_requests("authorization_code"), 1);

    let (ok, out, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(ok, "fetch: {err}");
    assert!(out.contains("3 new"), "{out}");
    assert_eq!(issuer.token_requests("refresh_token"), 0);

    // The issuer ends the access token early: the server refuses it, Poplar renews it
    // once with the refresh token and logs in.
    issuer.expire_access_tokens();
    server.deliver(&common::message("a@example.com", "second", "x"));
    let (ok, out, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(ok, "fetch after expiry: {err}");
    assert!(out.contains("1 new"), "{out}");
    assert_eq!(issuer.token_requests("refresh_token"), 1);
    assert_eq!(listed(data.path()), 4);

    // The refresh token is revoked too: one clear "sign in again", one try at the
    // issuer, and the next fetch says it again without asking the issuer at all.
    issuer.expire_access_tokens();
    issuer.revoke_refresh_tokens();
    let (ok, _, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(
        !ok && err.contains("sign in again: poplar account login work"),
        "{err}"
    );
    assert_eq!(issuer.token_requests("refresh_token"), 2);
    let (ok, _, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(
        !ok && err.contains("sign in again: poplar account login work"),
        "{err}"
    );
    assert_eq!(issuer.token_requests("refresh_token"), 2);

    // Signed in again, it fetches again.
    let (ok, _, err) = poplar(data.path(), &["account", "login", "work"]);
    assert!(ok, "login again: {err}");
    server.deliver(&common::message("a@example.com", "third", "x"));
    let (ok, out, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(ok && out.contains("1 new"), "{out} {err}");

    no_token_is_written(data.path(), &issuer);
}

/// A token about to expire is renewed before it is used: the server never sees it.
#[test]
fn a_token_about_to_expire_is_renewed_first_over_oauthbearer() {
    let issuer = MockIssuer::start();
    let Some(mut server) = Dovecot::start_oauth_or_skip(&issuer, &["oauthbearer"]) else {
        return;
    };
    let Some(_turn) = keyring_or_skip() else {
        return;
    };
    server.deliver(&common::message("a@example.com", "hello", "x"));
    let data = tempfile::tempdir().unwrap();
    add_account(data.path(), &server, &issuer);
    // The sign-in's token expires as it is given: Poplar must renew it before use (and
    // the issuer gives the renewed one an hour).
    issuer.set_access_lifetime(0);
    let (ok, _, err) = poplar(data.path(), &["account", "login", "work"]);
    assert!(ok, "login: {err}");
    issuer.set_access_lifetime(3600);
    let first = issuer.issued_access_tokens();
    let (ok, out, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(ok && out.contains("1 new"), "{out} {err}");
    assert_eq!(issuer.token_requests("refresh_token"), 1);
    let seen: Vec<String> = issuer
        .introspections()
        .into_iter()
        .filter_map(|i| i.token)
        .collect();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|t| !first.contains(t)),
        "the old token was sent"
    );
}

/// The data folder (the database, its WAL, logs), a backup and an exported accounts file
/// hold no token the issuer gave out.
fn no_token_is_written(data: &Path, issuer: &MockIssuer) {
    let backups = data.join("backups").display().to_string();
    let (ok, _, err) = poplar(data, &["backup", "--to", &backups]);
    assert!(ok, "backup: {err}");
    let exported = data.join("accounts.json").display().to_string();
    let (ok, _, err) = poplar(data, &["account", "export", &exported]);
    assert!(ok, "export: {err}");
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(
        text.contains(&issuer.url()) && text.contains(CLIENT_ID),
        "{text}"
    );
    let mut all = Vec::new();
    files(data, &mut all);
    assert!(
        all.len() >= 3,
        "{:?}",
        all.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let tokens = issuer.issued_tokens();
    assert!(tokens.len() >= 4, "{tokens:?}");
    for token in &tokens {
        for (path, bytes) in &all {
            let found = bytes.windows(token.len()).any(|w| w == token.as_bytes());
            assert!(!found, "a token is in {}", path.display());
        }
    }
}

/// `account add` takes every provider in any build and contacts no one; a build without
/// Microsoft's or Google's app id says so plainly at `account login` (Google: the
/// app-password way), and an issuer must be https (http only on this computer).
#[test]
fn providers_this_build_cannot_sign_in_with_are_said_plainly() {
    let data = tempfile::tempdir().unwrap();
    let add = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "account",
            "add",
            name,
            "--host",
            "127.0.0.1",
            "--user",
            "u",
            "--email",
            "u@example.com",
        ];
        args.extend_from_slice(extra);
        poplar(data.path(), &args)
    };
    for provider in ["microsoft", "google"] {
        let (ok, _, err) = add(provider, &["--oauth-provider", provider]);
        assert!(ok, "{err}");
        let (ok, _, err) = poplar(data.path(), &["account", "login", provider]);
        if std::env::var_os(format!(
            "POPLAR_OAUTH_{}_CLIENT_ID",
            provider.to_uppercase()
        ))
        .is_none()
        {
            assert!(!ok && err.contains("not configured in this build"), "{err}");
        }
        if provider == "google" {
            assert!(err.contains("app password"), "{err}");
        }
    }
    let (ok, _, err) = add(
        "far",
        &[
            "--oauth-provider",
            "custom",
            "--oauth-issuer",
            "http://issuer.example.com",
            "--oauth-client-id",
            "x",
        ],
    );
    assert!(!ok && err.contains("https://"), "{err}");
    let (ok, _, err) = add("none", &["--oauth-provider", "custom"]);
    assert!(!ok && err.contains("issuer"), "{err}");
    // A password account is not signed in: it says how to store its password.
    let (ok, _, err) = add("plain", &[]);
    assert!(ok, "{err}");
    let (ok, _, err) = poplar(data.path(), &["account", "login", "plain"]);
    assert!(!ok && err.contains("account password plain"), "{err}");
    let (ok, out, _) = poplar(data.path(), &["account", "list", "--json"]);
    assert!(ok, "{out}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let sign_in: Vec<(&str, &serde_json::Value)> = listed
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), &a["sign_in"]))
        .collect();
    assert_eq!(sign_in[0].1["provider"], "google", "{out}");
    assert_eq!(sign_in[1].1["provider"], "microsoft", "{out}");
    assert_eq!(listed[0]["auth"], "oauth2");
    assert!(sign_in[2].1.is_null(), "{out}");
}

/// Two processes renewing one sign-in at once, at an issuer that rotates refresh tokens
/// (the second use of one is refused): one renews, the other waits and uses its result;
/// the sign-in survives.
#[test]
fn two_renewals_at_once_keep_the_sign_in() {
    let issuer = MockIssuer::start();
    let Some(server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2"]) else {
        return;
    };
    let Some(_turn) = keyring_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    add_account(data.path(), &server, &issuer);
    issuer.set_rotate_refresh_tokens(true);
    issuer.set_access_lifetime(0);
    let (ok, _, err) = poplar(data.path(), &["account", "login", "work"]);
    assert!(ok, "login: {err}");
    issuer.set_access_lifetime(3600);
    let start = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_poplar"));
        command
            .arg("--data-dir")
            .arg(data.path())
            .args(["account", "test", "work"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command.spawn().unwrap()
    };
    let (a, b) = (start(), start());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
    }
    assert_eq!(issuer.token_requests("refresh_token"), 1, "renewed once");
    let (ok, _, err) = poplar(data.path(), &["fetch", "work"]);
    assert!(ok, "the sign-in survived: {err}");
}
