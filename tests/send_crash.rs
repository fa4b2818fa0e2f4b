//! `poplar send`, killed with SIGKILL at moments spread over its whole run (starting,
//! writing to the Outbox, connecting, TLS, logging in, sending, moving to Sent), many
//! times in a row; then one undisturbed `poplar outbox send`. Every message the command
//! said was in the Outbox must reach the server; any message the server got twice must
//! be the same bytes with the same Message-ID (the documented case: the client died after
//! the final "." and before it recorded the server's answer); the Outbox ends empty and
//! Sent holds each message once, byte for byte as received.
//!
//! POPLAR_SEND_KILLS (default 100) sets the number of killed sends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::smtp::{PASSWORD, Smtpd};

fn subject(n: usize) -> String {
    format!("Kill test {n}")
}

/// The number in a "Kill test N" subject.
fn number(subject: &str) -> usize {
    subject.trim_start_matches("Kill test ").parse().unwrap()
}

#[test]
fn killed_sends_lose_nothing_and_duplicate_only_the_documented_way() {
    let kills: usize = std::env::var("POPLAR_SEND_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let port = smtpd.tls_port.to_string();
    let (status, _, err) = common::poplar(
        data.path(),
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
            "tls",
            "--smtp-ca-file",
            smtpd.cert.to_str().unwrap(),
        ],
        None,
    );
    assert!(status.success(), "{err}");

    // How long one undisturbed send takes here, to spread the kills over it.
    let started = std::time::Instant::now();
    let (status, _, err) = common::poplar(
        data.path(),
        &[
            "send",
            "--account",
            "home",
            "--to",
            "bob@example.jp",
            "--subject",
            &subject(0),
            "--body",
            "warm-up",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(status.code(), Some(0), "{err}");
    let whole = started.elapsed().as_micros().max(1000) as u64;

    let mut random = common::XorShift(0x005e_ed0f_5e4d);
    let mut confirmed = vec![0];
    for n in 1..=kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_poplar"))
            .arg("--data-dir")
            .arg(data.path())
            .args(["send", "--account", "home", "--to", "bob@example.jp"])
            .args(["--subject", &subject(n), "--body"])
            .arg(format!("Message {n}.\n"))
            .arg("--password-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
        drop(input);
        // Anywhere from the start to a little after the end of an undisturbed run.
        std::thread::sleep(Duration::from_micros(random.next() % (whole + whole / 4)));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        if String::from_utf8_lossy(&out.stdout).contains("is in the Outbox") {
            confirmed.push(n);
        }
    }

    let (status, _, err) = common::poplar(
        data.path(),
        &["outbox", "send", "--password-stdin"],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(status.code(), Some(0), "{err}");

    // What the server got, by message.
    let mut received: HashMap<usize, Vec<Vec<u8>>> = HashMap::new();
    for got in smtpd.received() {
        let parsed = mail_parser::MessageParser::default()
            .parse(&got.bytes)
            .unwrap();
        received
            .entry(number(parsed.subject().unwrap()))
            .or_default()
            .push(got.bytes.clone());
    }
    for n in &confirmed {
        assert!(
            received.contains_key(n),
            "message {n} was in the Outbox and never reached the server"
        );
    }
    let mut twice = 0;
    for (n, copies) in &received {
        if copies.len() > 1 {
            twice += 1;
            assert!(
                copies.iter().all(|c| c == &copies[0]),
                "message {n} went twice with different bytes (so a different Message-ID)"
            );
        }
    }

    // The Outbox is empty; Sent holds every message once, as the server received it.
    let (_, out, _) = common::poplar(data.path(), &["outbox", "--json"], None);
    let outbox: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 0, "{outbox}");
    let (_, out, _) = common::poplar(data.path(), &["list", "--all", "--json"], None);
    let listed: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut in_sent: HashMap<usize, i64> = HashMap::new();
    for row in listed.as_array().unwrap() {
        assert_eq!(row["folder"], "Sent", "{row}");
        let n = number(row["subject"].as_str().unwrap());
        let id = row["id"].as_i64().unwrap();
        assert!(in_sent.insert(n, id).is_none(), "message {n} twice in Sent");
    }
    assert_eq!(
        in_sent.keys().collect::<std::collections::BTreeSet<_>>(),
        received.keys().collect(),
        "Sent and the server disagree on what was sent"
    );
    for (n, id) in &in_sent {
        let (_, raw, _) = common::poplar(data.path(), &["show", &id.to_string(), "--raw"], None);
        assert_eq!(
            raw, received[n][0],
            "message {n}: Sent is not what the server got"
        );
    }
    eprintln!(
        "{kills} killed sends: {} confirmed in the Outbox, {} reached the server, {twice} twice",
        confirmed.len() - 1,
        received.len() - 1
    );
}
