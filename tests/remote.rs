//! The server's mailbox in view, against a real Dovecot with 5,000 messages: `remote
//! list` sends TOP n 0 for every message and never RETR, transfers a small part of the
//! mailbox, and says for every message whether it is stored here, as the store says;
//! `remote delete` of 100 chosen messages sends no RETR and leaves every other message
//! untouched; `remote fetch` of 10 stores each once, and again stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::dovecot::{self, Dovecot};

const COUNT: usize = 5_000;
/// The first this many are fetched before the mailbox grows to COUNT.
const FETCHED: usize = 300;

fn message(n: usize) -> Vec<u8> {
    let subject = if n.is_multiple_of(7) {
        format!("=?UTF-8?B?{}?=", base64(&format!("会議の件 {n}")))
    } else {
        format!("message {n}")
    };
    // Every 15th of the first ones is large: stored as headers only (the size limit).
    let body = if n < FETCHED && n.is_multiple_of(15) {
        "large line of the attachment\r\n".repeat(2_000)
    } else {
        // About 9 KB, as a message with a short HTML part is.
        format!("body of message {n}\r\n").repeat(400)
    };
    format!(
        "From: sender{n}@example.jp\r\nTo: alice@example.jp\r\nSubject: {subject}\r\nDate: Mon, 7 Dec 2026 09:00:00 +0900\r\nMessage-ID: <m{n}@example.jp>\r\n\r\n{body}"
    )
    .into_bytes()
}

fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The number in a subject as the list shows it ("message 12", "会議の件 14").
fn number_of(subject: &str) -> usize {
    subject.rsplit(' ').next().unwrap().parse().unwrap()
}

fn run(data: &Path, args: &[&str]) -> (bool, String, String) {
    let password = format!("{}\n", dovecot::PASSWORD);
    let mut all = args.to_vec();
    all.push("--password-stdin");
    let (status, out, err) = common::poplar(data, &all, Some(&password));
    (status.success(), String::from_utf8(out).unwrap(), err)
}

/// The last session's logout line: (top count, top bytes, retr count, del count, size).
fn last_session(server: &Dovecot) -> (u64, u64, u64, u64, u64) {
    let log = server.log();
    let line = log.lines().rev().find(|l| l.contains("retr=")).unwrap();
    let field = |name: &str| -> (u64, u64) {
        let rest = &line[line.find(&format!("{name}=")).unwrap() + name.len() + 1..];
        let value: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '/')
            .collect();
        let mut parts = value.split('/').map(|p| p.parse::<u64>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    };
    let (top, top_bytes) = field("top");
    let (retr, _) = field("retr");
    let (del, _) = field("del");
    let (size, _) = field("size");
    (top, top_bytes, retr, del, size)
}

/// (uidl, partial) of every stored message.
fn stored(data: &Path) -> HashMap<String, bool> {
    let (status, out, err) = common::poplar(data, &["list", "--all", "--json"], None);
    assert!(status.success(), "{err}");
    serde_json::from_slice::<Vec<serde_json::Value>>(&out)
        .unwrap()
        .into_iter()
        .map(|m| {
            (
                m["uidl"].as_str().unwrap().to_string(),
                m["partial"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_servers_mailbox_listed_pruned_and_fetched_from() {
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    for n in 0..FETCHED {
        server.deliver(&message(n));
    }
    let data = tempfile::tempdir().unwrap();
    server.add_account(
        data.path(),
        "work",
        &["--keep", "forever", "--size-limit", "32K"],
    );
    let (ok, out, err) = run(data.path(), &["fetch"]);
    assert!(ok && out.contains(&format!("{FETCHED} new")), "{out} {err}");
    for n in FETCHED..COUNT {
        server.deliver(&message(n));
    }

    let (ok, out, err) = run(data.path(), &["remote", "list", "work", "--json"]);
    assert!(ok, "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), COUNT);
    let (top, top_bytes, retr, del, size) = last_session(&server);
    assert_eq!((top, retr, del), (COUNT as u64, 0, 0), "TOP only");
    assert!(
        top_bytes * 20 < size,
        "{top_bytes} of {size} bytes: under 5%"
    );
    // Stored as the store says, row by row; decoded headers.
    let here = stored(data.path());
    let mut by_number = HashMap::new();
    for row in &rows {
        let uidl = row["uidl"].as_str().unwrap().to_string();
        let expected = match here.get(&uidl) {
            Some(true) => "partial",
            Some(false) => "whole",
            None => "no",
        };
        assert_eq!(row["stored"], expected, "{row}");
        let subject = row["subject"].as_str().unwrap();
        let n = number_of(subject);
        if n.is_multiple_of(7) {
            assert!(subject.starts_with("会議の件"), "{subject}");
        }
        assert_eq!(row["from"], format!("sender{n}@example.jp"));
        by_number.insert(n, uidl);
    }
    let count = |s: &str| rows.iter().filter(|r| r["stored"] == s).count();
    assert_eq!((count("whole"), count("partial")), (FETCHED - 20, 20));

    // Delete 100: half stored here, half not; no RETR; nothing else touched.
    let chosen: Vec<usize> = (0..50)
        .map(|i| i * 5 + 1)
        .chain((0..50).map(|i| FETCHED + i * 80))
        .collect();
    let before = server.mailbox();
    let mut args = vec!["remote", "delete", "work"];
    args.extend(chosen.iter().map(|n| by_number[n].as_str()));
    let (ok, out, err) = run(data.path(), &args);
    assert!(ok && out.contains("100 deleted"), "{out} {err}");
    let (_, _, retr, del, _) = last_session(&server);
    assert_eq!((retr, del), (0, 100));
    // The 50 that were not stored here are named.
    assert_eq!(err.matches("without a copy here").count(), 50, "{err}");
    let gone: HashSet<Vec<u8>> = chosen.iter().map(|&n| message(n)).collect();
    let expected: Vec<Vec<u8>> = before.into_iter().filter(|m| !gone.contains(m)).collect();
    assert_eq!(server.mailbox(), expected, "every other message untouched");

    // Fetch 10 not stored: each once; again, none.
    let wanted: Vec<usize> = (0..10).map(|i| FETCHED + 1 + i * 100).collect();
    let mut args = vec!["remote", "fetch", "work"];
    args.extend(wanted.iter().map(|n| by_number[n].as_str()));
    let (ok, out, err) = run(data.path(), &args);
    assert!(ok && out.contains("10 stored"), "{out} {err}");
    assert_eq!(last_session(&server).2, 10, "ten RETR");
    let (ok, out, err) = run(data.path(), &args);
    assert!(ok && out.contains("0 stored"), "{out} {err}");
    assert_eq!(err.matches("already stored").count(), 10, "{err}");
    assert_eq!(last_session(&server).2, 0, "no RETR the second time");
    let here = stored(data.path());
    assert_eq!(here.len(), FETCHED + 10);
    for n in &wanted {
        assert_eq!(
            here.get(&by_number[n]),
            Some(&false),
            "{n} stored whole once"
        );
    }
    assert_eq!(server.count(), COUNT - 100, "fetching deletes nothing");
}
