//! Fault injection: the connection dropped at every command boundary and in the middle of
//! a RETR, in each retention mode, with and without pipelining. After every fault, and
//! after fetching again: each original message is on the server or stored here, no UIDL
//! is stored twice, and the stored bytes equal the originals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::fake::{self, Ctx, FakeServer, Options, Reply};
use poplar::accounts::{Account, Keep, Settings};
use poplar::paths::Paths;
use poplar::store::Store;
use poplar::sync::{self, FetchOptions};

const COUNT: usize = 5;

fn originals() -> Vec<Vec<u8>> {
    (1..=COUNT)
        .map(|n| {
            format!(
                "From: s{n}@example.org\r\nSubject: Fault {n}\r\n\r\n.dotted line {n}\r\nbody {n}\r\n"
            )
            .into_bytes()
        })
        .collect()
}

fn server_options(pipelining: bool) -> Options {
    let mut capa = vec!["USER".to_string(), "UIDL".into(), "TOP".into()];
    if pipelining {
        capa.push("PIPELINING".into());
    }
    Options {
        capa: Some(capa),
        ..Options::default()
    }
}

struct Client {
    _dir: tempfile::TempDir,
    paths: Paths,
    account: Account,
}

fn client(server: &FakeServer, keep: Keep) -> Client {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let account = Store::open(&paths.database())
        .unwrap()
        .add_account(&Settings {
            keep,
            ..common::fake_account(server, "faults")
        })
        .unwrap();
    Client {
        _dir: dir,
        paths,
        account,
    }
}

impl Client {
    async fn fetch(&self) -> Result<sync::Report, sync::Error> {
        let options = FetchOptions {
            timeout: Duration::from_secs(5),
            ..FetchOptions::default()
        };
        sync::fetch_account_with(&self.paths, &self.account, fake::PASSWORD, &options, |_| {}).await
    }

    fn stored(&self) -> Vec<(String, Vec<u8>)> {
        let store = Store::open(&self.paths.database()).unwrap();
        store
            .list_messages(None, 10_000, 0)
            .unwrap()
            .into_iter()
            .map(|r| (r.uidl.unwrap(), store.raw_message(r.id).unwrap()))
            .collect()
    }

    /// Pretends every download happened 30 days ago, so that keep-for-N-days applies.
    fn age_downloads(&self) {
        let conn = rusqlite::Connection::open(self.paths.database()).unwrap();
        conn.execute(
            "UPDATE uidls SET downloaded_at = downloaded_at - 30 * 86400",
            [],
        )
        .unwrap();
    }
}

fn check(what: &str, originals: &[Vec<u8>], server: &FakeServer, client: &Client) {
    let stored = client.stored();
    let mut seen = HashSet::new();
    for (uidl, bytes) in &stored {
        assert!(seen.insert(uidl.clone()), "{what}: {uidl} stored twice");
        let n: usize = uidl.trim_start_matches("uid-").parse().unwrap();
        assert_eq!(bytes, &originals[n - 1], "{what}: {uidl} stored wrongly");
    }
    let on_server = server.mailbox();
    for (i, m) in originals.iter().enumerate() {
        let uidl = format!("uid-{}", i + 1);
        assert!(
            seen.contains(&uidl) || on_server.contains(m),
            "{what}: message {} was lost",
            i + 1
        );
    }
}

/// The commands of an undisturbed fetch, to know every boundary to cut at.
async fn reference_commands(keep: Keep, pipelining: bool) -> Vec<String> {
    let server = FakeServer::start(originals(), server_options(pipelining), |_, _| None).await;
    let c = client(&server, keep);
    if let Keep::Days(_) = keep {
        c.fetch().await.unwrap();
        c.age_downloads();
    }
    let before = server.log().len();
    c.fetch().await.unwrap();
    server.log()[before].clone()
}

async fn run(keep: Keep, pipelining: bool) {
    let originals = originals();
    let reference = reference_commands(keep, pipelining).await;
    let mut cuts = 0;
    for (cut, command) in reference.iter().enumerate() {
        for mid_message in [false, true] {
            if mid_message && !command.starts_with("RETR") {
                continue;
            }
            let what = format!(
                "{keep:?}, pipelining {pipelining}, cut at #{cut} {command}{}",
                if mid_message { " mid-message" } else { "" }
            );
            // In days mode the faulty session is the second one, after the first
            // download has aged.
            let faulty_connection = if matches!(keep, Keep::Days(_)) { 1 } else { 0 };
            let server = FakeServer::start(
                originals.clone(),
                server_options(pipelining),
                move |ctx: &Ctx, _line: &str| {
                    if ctx.connection != faulty_connection || ctx.index != cut {
                        return None;
                    }
                    Some(if mid_message {
                        // Half a message, then the line drops.
                        Reply::SendThenClose(b"+OK\r\nFrom: half@example.org\r\n\r\nhal".to_vec())
                    } else {
                        Reply::Close
                    })
                },
            )
            .await;
            let c = client(&server, keep);
            if let Keep::Days(_) = keep {
                c.fetch().await.unwrap();
                c.age_downloads();
            }
            let result = c.fetch().await;
            check(&format!("{what}, after the fault"), &originals, &server, &c);
            // A cut during login is absorbed by logging in again on a new connection.
            assert!(
                result.is_err() || server.log().len() > faulty_connection + 1,
                "{what}: the fault did not reach the client"
            );

            let report = c
                .fetch()
                .await
                .unwrap_or_else(|e| panic!("{what}: refetch: {e}"));
            check(
                &format!("{what}, after fetching again"),
                &originals,
                &server,
                &c,
            );
            let stored = c.stored();
            assert_eq!(
                stored.len(),
                COUNT,
                "{what}: everything stored once ({report:?})"
            );
            match keep {
                Keep::Delete | Keep::Days(_) => {
                    if let Keep::Days(_) = keep {
                        c.age_downloads();
                        c.fetch().await.unwrap();
                    }
                    assert!(server.mailbox().is_empty(), "{what}: server emptied");
                }
                Keep::Forever => assert_eq!(server.mailbox(), originals, "{what}: server kept"),
            }
            cuts += 1;
        }
    }
    assert!(cuts > COUNT, "every boundary was cut at ({cuts})");
}

#[tokio::test]
async fn faults_in_delete_mode() {
    run(Keep::Delete, false).await;
    run(Keep::Delete, true).await;
}

#[tokio::test]
async fn faults_in_keep_forever_mode() {
    run(Keep::Forever, false).await;
    run(Keep::Forever, true).await;
}

#[tokio::test]
async fn faults_in_keep_days_mode() {
    run(Keep::Days(14), false).await;
    run(Keep::Days(14), true).await;
}

#[tokio::test]
async fn a_server_that_briefly_shows_an_empty_mailbox_causes_no_second_copy() {
    // The second session sees STAT 0 / empty lists; the third sees the mail again.
    let empty = |ctx: &Ctx, line: &str| -> Option<Reply> {
        if ctx.connection != 1 {
            return None;
        }
        match line {
            "STAT" => Some(fake::ok("0 0")),
            "UIDL" | "LIST" => Some(Reply::Send(b"+OK\r\n.\r\n".to_vec())),
            _ => None,
        }
    };
    for keep in [Keep::Forever, Keep::Days(14)] {
        let server = FakeServer::start(originals(), server_options(true), empty).await;
        let c = client(&server, keep);
        assert_eq!(c.fetch().await.unwrap().new, COUNT);
        let report = c.fetch().await.unwrap();
        assert_eq!((report.new, report.kept), (0, 0));
        let report = c.fetch().await.unwrap();
        assert_eq!(
            report.new, 0,
            "{keep:?}: the mail came back and was not fetched again"
        );
        assert_eq!(c.stored().len(), COUNT);
    }
}

#[tokio::test]
async fn a_mailbox_in_use_is_try_later_and_loses_nothing() {
    let server = FakeServer::start(originals(), server_options(false), |ctx, line| {
        (ctx.connection == 0 && line.starts_with("PASS"))
            .then(|| fake::err("[IN-USE] Mailbox is locked by another session"))
    })
    .await;
    let c = client(&server, Keep::Delete);
    let error = c.fetch().await.unwrap_err();
    assert!(
        matches!(&error, sync::Error::Pop3(e) if e.is_temporary()),
        "{error:?}"
    );
    assert!(error.to_string().contains("try again later"), "{error}");
    assert!(c.stored().is_empty());
    assert_eq!(server.mailbox().len(), COUNT);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (COUNT, COUNT));
}
