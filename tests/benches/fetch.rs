//! Fetching from a local Dovecot over TLS, side by side with mpop (the fastest POP3
//! retriever we know of), alternating the two. Not a timed test: it reports medians and
//! the median ratio. Run with:
//!
//!     packaging/setup-debian.sh bench && cargo bench --bench fetch
//!
//! Needs root (Dovecot drops to its own users), as the Dovecot tests do.

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::dovecot::{self, Dovecot};

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn message(n: usize, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: sender{n}@example.org\r\nTo: alice@example.org\r\nSubject: Benchmark message {n}\r\nMessage-ID: <bench-{n}@example.org>\r\nDate: Mon, 3 Mar 2025 09:15:00 +0000\r\n\r\n"
    )
    .into_bytes();
    let mut line = 0;
    while m.len() < size {
        m.extend_from_slice(
            format!("Line {line} of message {n}: lorem ipsum dolor sit amet, consectetur.\r\n")
                .as_bytes(),
        );
        line += 1;
    }
    m
}

fn poplar(data: &Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_poplar"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{}", dovecot::PASSWORD).unwrap();
    child.wait_with_output().unwrap()
}

/// One Poplar fetch into a fresh data folder; the time ends when every message is
/// committed and `poplar list` shows it.
fn run_poplar(server: &Dovecot, keep: &str, expected: usize) -> Duration {
    let data = tempfile::tempdir().unwrap();
    let port = server.tls_port.to_string();
    let cert = server.cert.display().to_string();
    let add = poplar(
        data.path(),
        &[
            "account",
            "add",
            "bench",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--user",
            dovecot::USER,
            "--keep",
            keep,
            "--ca-file",
            &cert,
        ],
    );
    assert!(add.status.success());
    let start = Instant::now();
    let out = poplar(data.path(), &["fetch", "--password-stdin"]);
    let list = Command::new(env!("CARGO_BIN_EXE_poplar"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["list", "--json"])
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed.len(), expected);
    elapsed
}

/// One mpop run into a fresh Maildir.
fn run_mpop(server: &Dovecot, keep: bool, expected: usize) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let config = dir.path().join("mpoprc");
    std::fs::write(
        &config,
        format!(
            "account bench\nhost 127.0.0.1\nport {}\ntls on\ntls_starttls off\ntls_trust_file {}\nuser {}\npassword {}\ndelivery maildir {}\nkeep {}\nuidls_file {}\nauth user\n",
            server.tls_port,
            server.cert.display(),
            dovecot::USER,
            dovecot::PASSWORD,
            maildir.display(),
            if keep { "on" } else { "off" },
            dir.path().join("uidls").display(),
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let start = Instant::now();
    let out = Command::new("mpop")
        .arg("--file")
        .arg(&config)
        .arg("--quiet")
        .arg("bench")
        .output()
        .expect("mpop is installed (packaging/setup-debian.sh bench)");
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(maildir.join("new")).unwrap().count(),
        expected
    );
    elapsed
}

fn report(what: &str, poplar: Vec<Duration>, mpop: Vec<Duration>) {
    let ratios: Vec<f64> = poplar
        .iter()
        .zip(&mpop)
        .map(|(p, m)| p.as_secs_f64() / m.as_secs_f64())
        .collect();
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "{what:<44} poplar {:>8.1} ms   mpop {:>8.1} ms   ratio (median of runs) {:.2}",
        median(poplar).as_secs_f64() * 1000.0,
        median(mpop).as_secs_f64() * 1000.0,
        sorted[sorted.len() / 2]
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark not run (use cargo bench --bench fetch)");
        return;
    }
    let count: usize = std::env::var("POPLAR_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut server = Dovecot::start();
    let messages: Vec<Vec<u8>> = (0..count).map(|n| message(n, 5_000)).collect();
    for m in &messages {
        server.deliver(m);
    }
    println!("{count} messages of about 5 KB over TLS, {RUNS} runs each, alternating");

    // Keep mode: the mailbox stays full between runs.
    let (mut p, mut m) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        p.push(run_poplar(&server, "forever", count));
        m.push(run_mpop(&server, true, count));
    }
    report("fetch, keep on server", p, m);

    // Delete mode: refill the mailbox before each run.
    let (mut p, mut m) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        p.push(run_poplar(&server, "delete", count));
        assert_eq!(server.count(), 0);
        for msg in &messages {
            server.deliver(msg);
        }
        m.push(run_mpop(&server, false, count));
        assert_eq!(server.count(), 0);
        for msg in &messages {
            server.deliver(msg);
        }
    }
    report("fetch, delete from server", p, m);
}
