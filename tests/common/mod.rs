//! Test support: a real Dovecot POP3 server on loopback with a private configuration,
//! started per test and stopped when dropped; a scripted POP3 server; the window under
//! test; and the one rule for tests whose outside server is missing ([`skip`]).
#![allow(dead_code)]
// Each integration test is a crate of its own, outside the library's rule against unwrap
// and expect (Cargo.toml's [lints]); tests may.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod dovecot;
pub mod fake;
pub mod junk_corpus;
pub mod oauth;
pub mod smtp;
pub mod window;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The variable that turns a missing server (Dovecot, a Secret Service) from a skip into a
/// failure. packaging/test.sh sets it, so that our own CI never passes by skipping.
pub const REQUIRE_SERVERS: &str = "POPLAR_REQUIRE_SERVERS";

/// Whether [`REQUIRE_SERVERS`] is set (to anything but "" or "0").
pub fn servers_required() -> bool {
    std::env::var_os(REQUIRE_SERVERS).is_some_and(|v| !v.is_empty() && v != "0")
}

/// What a test does when a server it needs is missing, for `reason`: says so on stderr
/// ("skipped: ...") and lets the test return, or fails when [`servers_required`].
pub fn skip(reason: &str) {
    assert!(
        !servers_required(),
        "{reason} ({REQUIRE_SERVERS} is set: a missing server is a failure)"
    );
    eprintln!("skipped: {reason}");
}

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate, PKCS#8 key).
pub fn make_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success(), "openssl could not make a certificate");
    (cert, key)
}

/// Settings for an account on the scripted server: plaintext, USER/PASS as the fake's user,
/// keeping mail on the server; tests change what they are about.
pub fn fake_account(server: &fake::FakeServer, name: &str) -> poplar::accounts::Settings {
    poplar::accounts::Settings {
        name: name.into(),
        host: "127.0.0.1".into(),
        port: server.port,
        security: poplar::accounts::Security::Plain,
        user: fake::USER.into(),
        keep: poplar::accounts::Keep::Forever,
        auth: poplar::accounts::AuthMethod::UserPass,
        ca_file: Some(server.cert.clone()),
        ..Default::default()
    }
}

/// A data folder of its own holding one account on the scripted server.
pub struct FakeClient {
    _dir: tempfile::TempDir,
    pub paths: poplar::paths::Paths,
    pub account: poplar::accounts::Account,
}

/// [`fake_account`] named `name`, changed as the test needs, stored in a fresh data folder.
pub fn fake_client(
    server: &fake::FakeServer,
    name: &str,
    change: impl FnOnce(&mut poplar::accounts::Settings),
) -> FakeClient {
    let dir = tempfile::tempdir().unwrap();
    let paths = poplar::paths::Paths::at(dir.path());
    let mut settings = fake_account(server, name);
    change(&mut settings);
    let account = poplar::store::Store::open(&paths.database())
        .unwrap()
        .add_account(&settings)
        .unwrap();
    FakeClient {
        _dir: dir,
        paths,
        account,
    }
}

/// A message with CRLF line endings, as a server sends it.
pub fn message(from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: alice@example.org\r\nSubject: {subject}\r\nDate: Mon, 3 Mar 2025 09:15:00 +0000\r\nMessage-ID: <{}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.replace(' ', ".")
    )
    .into_bytes()
}

/// A Japanese message in ISO-2022-JP, as Japanese mail programs still send it.
/// From: 山田太郎, Subject: 会議の件, body: お疲れ様です。明日の会議は十時からです。
pub fn japanese_message() -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(
        b"From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <yamada@example.jp>\r\n\
To: alice@example.org\r\n\
Subject: =?ISO-2022-JP?B?GyRCMnE1RCRON28bKEI=?=\r\n\
Date: Tue, 4 Mar 2025 10:00:00 +0900\r\n\
Message-ID: <jp-1@example.jp>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=ISO-2022-JP\r\n\
Content-Transfer-Encoding: 7bit\r\n\
\r\n",
    );
    m.extend_from_slice(b"\x1b$B$*Hh$lMM$G$9!#\x1b(B\r\n");
    m.extend_from_slice(b"\x1b$BL@F|$N2q5D$O==;~$+$i$G$9!#\x1b(B\r\n");
    m
}

/// Runs the built `poplar` binary with a data dir, optional stdin, and returns
/// (status, stdout, stderr).
pub fn poplar(
    data_dir: &Path,
    args: &[&str],
    stdin: Option<&str>,
) -> (std::process::ExitStatus, Vec<u8>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_poplar"));
    command.arg("--data-dir").arg(data_dir).args(args);
    run(command, stdin)
}

/// Runs a prepared command (Poplar, or Poplar under a wrapper such as GNU time) with
/// `stdin` as its input: (status, stdout, stderr).
pub fn run(
    mut command: Command,
    stdin: Option<&str>,
) -> (std::process::ExitStatus, Vec<u8>, String) {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start poplar");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status,
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A database as the release with schema `version` left it: the migrations up to it,
/// applied from `migrations/`.
#[allow(dead_code)]
pub fn database_at(path: &std::path::Path, version: usize) -> rusqlite::Connection {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let conn = rusqlite::Connection::open(path).unwrap();
    for file in &files[..version] {
        conn.execute_batch(&std::fs::read_to_string(file).unwrap())
            .unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn
}

/// A small deterministic generator, so a failing run (of the crash tests) can be repeated.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A loopback port that refuses connections for as long as this lives: bound, never
/// listening, so that no other test can be given it meanwhile. (A port the system gave
/// out and took back could go to another test's server before it was tried: a test
/// expecting "refused" then met a server that closed the connection.)
#[allow(dead_code)]
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    pub port: u16,
}

#[allow(dead_code)]
pub fn closed_port() -> ClosedPort {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    ClosedPort {
        _socket: socket,
        port,
    }
}

/// Damages the SQLite database file at `path`: everything after the 100-byte header
/// through the first two pages (whatever the page size), so SQLite cannot read its
/// schema. Returns the damaged bytes as written.
pub fn damage_database(path: &Path, with: u8) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let page = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65536,
        n => usize::from(n),
    };
    let end = (2 * page).min(bytes.len());
    for b in &mut bytes[100..end] {
        *b = with;
    }
    std::fs::write(path, &bytes).unwrap();
    bytes
}
