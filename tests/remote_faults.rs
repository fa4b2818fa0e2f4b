//! The remote view's actions under fault: the connection dropped at every command
//! boundary of an apply and in the middle of a RETR. After every fault, and after the
//! same apply again: no UIDL is stored twice, stored bytes equal the originals, no
//! message the apply did not name is touched, and a message it downloads is never gone
//! from both the server and here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::fake::{self, Ctx, FakeServer, Options, Reply};
use poplar::accounts::{Account, Keep, Settings};
use poplar::paths::Paths;
use poplar::pop3::Uidl;
use poplar::store::Store;
use poplar::sync::remote::{Action, Applied, apply_remote};
use poplar::sync::{self, FetchOptions};

const COUNT: usize = 5;

fn originals() -> Vec<Vec<u8>> {
    (1..=COUNT)
        .map(|n| {
            format!("From: s{n}@example.org\r\nSubject: Remote {n}\r\n\r\nbody {n}\r\n")
                .into_bytes()
        })
        .collect()
}

/// The apply names messages 2, 3 and 4; message 2 is stored here before it.
fn chosen() -> Vec<Uidl> {
    ["uid-2", "uid-3", "uid-4"].map(Uidl::from).to_vec()
}

fn options() -> Options {
    Options::pipelining()
}

struct Client {
    _dir: tempfile::TempDir,
    paths: Paths,
    account: Account,
}

impl Client {
    async fn new(server: &FakeServer) -> Client {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let account = Store::open(&paths.database())
            .unwrap()
            .add_account(&Settings {
                keep: Keep::Forever,
                ..common::fake_account(server, "remote")
            })
            .unwrap();
        let c = Client {
            _dir: dir,
            paths,
            account,
        };
        // Message 2 is here already: stored whole by an apply of its own.
        c.apply(&[Uidl::from("uid-2")], Action::Fetch)
            .await
            .unwrap();
        c
    }

    async fn apply(&self, uidls: &[Uidl], action: Action) -> Result<Applied, sync::Error> {
        let options = FetchOptions {
            timeout: Duration::from_secs(5),
            ..FetchOptions::default()
        };
        apply_remote(
            &self.paths,
            &self.account,
            fake::PASSWORD,
            &options,
            uidls,
            action,
            |_| {},
        )
        .await
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
}

fn check(what: &str, action: Action, server: &FakeServer, client: &Client) {
    let originals = originals();
    let mut seen = HashSet::new();
    for (uidl, bytes) in client.stored() {
        assert!(seen.insert(uidl.clone()), "{what}: {uidl} stored twice");
        let n: usize = uidl.trim_start_matches("uid-").parse().unwrap();
        assert_eq!(bytes, originals[n - 1], "{what}: {uidl} stored wrongly");
    }
    let on_server = server.mailbox();
    for (i, m) in originals.iter().enumerate() {
        let uidl = format!("uid-{}", i + 1);
        let named = chosen().contains(&Uidl::from(uidl.as_str()));
        if !named {
            assert!(
                on_server.contains(m),
                "{what}: message {} was touched",
                i + 1
            );
            continue;
        }
        // Deleting on purpose may lose an unstored message; downloading never may.
        if action != Action::Delete {
            assert!(
                seen.contains(&uidl) || on_server.contains(m),
                "{what}: {uidl} lost"
            );
        }
    }
}

/// The commands of an undisturbed apply, to know every boundary to cut at.
async fn reference_commands(action: Action) -> Vec<String> {
    let server = FakeServer::start(originals(), options(), |_, _| None).await;
    let c = Client::new(&server).await;
    let before = server.log().len();
    c.apply(&chosen(), action).await.unwrap();
    server.log()[before].clone()
}

async fn run(action: Action) {
    let reference = reference_commands(action).await;
    let mut cuts = 0;
    for (cut, command) in reference.iter().enumerate() {
        for mid_message in [false, true] {
            if mid_message && !command.starts_with("RETR") {
                continue;
            }
            let what = format!(
                "{action:?}, cut at #{cut} {command}{}",
                if mid_message { " mid-message" } else { "" }
            );
            // Connection 0 is the setup's own apply; the faulty one is the next.
            let server = FakeServer::start(originals(), options(), move |ctx: &Ctx, _: &str| {
                if ctx.connection != 1 || ctx.index != cut {
                    return None;
                }
                Some(if mid_message {
                    Reply::SendThenClose(b"+OK\r\nFrom: half@example.org\r\n\r\nhal".to_vec())
                } else {
                    Reply::Close
                })
            })
            .await;
            let c = Client::new(&server).await;
            let first = c.apply(&chosen(), action).await;
            check(&format!("{what}, after the fault"), action, &server, &c);
            assert!(
                first.is_err() || server.log().len() > 2,
                "{what}: the fault did not reach the client"
            );
            let again = c
                .apply(&chosen(), action)
                .await
                .unwrap_or_else(|e| panic!("{what}: again: {e}"));
            check(
                &format!("{what}, after applying again"),
                action,
                &server,
                &c,
            );
            let stored: Vec<String> = c.stored().into_iter().map(|s| s.0).collect();
            let mailbox = server.mailbox();
            let originals = originals();
            match action {
                Action::FetchThenDelete => {
                    assert_eq!(
                        stored.len(),
                        4 - 1,
                        "{what}: 2, 3, 4 stored once ({again:?})"
                    );
                    for n in [2, 3, 4] {
                        assert!(!mailbox.contains(&originals[n - 1]), "{what}: {n} deleted");
                    }
                }
                Action::Delete => {
                    assert_eq!(stored, ["uid-2"], "{what}: nothing downloaded");
                    assert_eq!(mailbox.len(), COUNT - 3, "{what}: 3 deleted");
                }
                Action::Fetch => unreachable!(),
            }
            cuts += 1;
        }
    }
    assert!(cuts > 5, "every boundary was cut at ({cuts})");
}

#[tokio::test]
async fn faults_while_downloading_then_deleting() {
    run(Action::FetchThenDelete).await;
}

#[tokio::test]
async fn faults_while_deleting() {
    run(Action::Delete).await;
}
