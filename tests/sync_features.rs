//! Retention, the Trash's effect on the server, UIDL pruning, size limits and "download
//! the rest", and the per-account lock, against the scripted server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::fake::{self, FakeServer, Options};
use poplar::accounts::{Keep, Settings};
use poplar::store::{Store, View};
use poplar::sync::{self, FetchOptions, Report};

fn mail(n: usize) -> Vec<u8> {
    format!("From: s{n}@example.org\r\nSubject: Feature {n}\r\n\r\nBody {n}\r\n").into_bytes()
}

fn mails(count: usize) -> Vec<Vec<u8>> {
    (1..=count).map(mail).collect()
}

use common::FakeClient as Client;

fn client(server: &FakeServer, change: impl FnOnce(&mut Settings)) -> Client {
    common::fake_client(server, "features", change)
}

impl Client {
    fn store(&self) -> Store {
        Store::open(&self.paths.database()).unwrap()
    }

    async fn fetch(&self) -> Result<Report, sync::Error> {
        let options = FetchOptions {
            timeout: Duration::from_secs(5),
            ..FetchOptions::default()
        };
        sync::fetch_account_with(&self.paths, &self.account, fake::PASSWORD, &options, |_| {}).await
    }

    fn id_of(&self, subject: &str) -> i64 {
        let store = self.store();
        let mut rows = store.list(View::Inbox(None), 100, 0).unwrap();
        rows.extend(store.list(View::Trash, 100, 0).unwrap());
        rows.iter().find(|r| r.subject == subject).unwrap().id
    }

    fn change(&mut self, change: impl FnOnce(&mut Settings)) {
        change(&mut self.account.settings);
        self.store()
            .update_account(self.account.id, &self.account.settings)
            .unwrap();
    }
}

async fn server(count: usize) -> FakeServer {
    FakeServer::start(mails(count), Options::default(), |_, _| None).await
}

#[tokio::test]
async fn deleting_for_good_here_deletes_on_the_server_at_the_next_fetch() {
    let server = server(3).await;
    let c = client(&server, |_| {});
    assert_eq!(c.fetch().await.unwrap().new, 3);

    // To the Trash only: the server keeps it.
    let first = c.id_of("Feature 1");
    c.store().trash(&[first]).unwrap();
    assert_eq!(c.fetch().await.unwrap().deleted, 0);
    assert_eq!(server.mailbox().len(), 3);
    assert_eq!(c.store().count(View::Trash).unwrap(), 1);
    assert_eq!(c.store().count(View::Inbox(None)).unwrap(), 2);

    // Restored, then trashed and deleted for good: the next fetch deletes it there.
    c.store().restore(&[first]).unwrap();
    assert_eq!(c.store().count(View::Trash).unwrap(), 0);
    c.store().trash(&[first]).unwrap();
    assert_eq!(c.store().empty_trash().unwrap(), 1);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted, report.kept), (0, 1, 2));
    assert_eq!(server.mailbox(), vec![mail(2), mail(3)]);
    // ... and it is not downloaded again, nor deleted twice.
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (0, 0));
}

#[tokio::test]
async fn without_the_setting_deleting_here_leaves_the_server_alone() {
    let server = server(2).await;
    let c = client(&server, |s| s.delete_on_server_when_deleted = false);
    c.fetch().await.unwrap();
    c.store().delete_for_good(&[c.id_of("Feature 2")]).unwrap();
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (0, 0));
    assert_eq!(server.mailbox().len(), 2);
}

#[tokio::test]
async fn old_messages_deleted_for_good_are_deleted_on_the_server_too() {
    // Kept for days: deleting an old message here queues it even before its time is up.
    let server = server(2).await;
    let c = client(&server, |s| s.keep = Keep::Days(365));
    c.fetch().await.unwrap();
    c.store().delete_for_good(&[c.id_of("Feature 1")]).unwrap();
    let report = c.fetch().await.unwrap();
    assert_eq!(report.deleted, 1);
    assert_eq!(server.mailbox(), vec![mail(2)]);
}

#[tokio::test]
async fn changing_the_mode_later_applies_to_mail_already_kept() {
    let server = server(3).await;
    let mut c = client(&server, |_| {});
    c.fetch().await.unwrap();
    assert_eq!(server.mailbox().len(), 3);
    c.change(|s| s.keep = Keep::Delete);
    let report = c.fetch().await.unwrap();
    assert_eq!((report.new, report.deleted), (0, 3));
    assert!(server.mailbox().is_empty());
    assert_eq!(c.store().count(View::Inbox(None)).unwrap(), 3);
}

#[tokio::test]
async fn uidl_records_are_pruned_only_after_30_days_of_absence() {
    let server = server(3).await;
    let c = client(&server, |_| {});
    c.fetch().await.unwrap();
    server.expire(1);
    c.fetch().await.unwrap();
    assert!(
        c.store()
            .known_uidls(c.account.id)
            .unwrap()
            .contains(&"uid-1".into())
    );

    // 29 days of absence: kept.
    let conn = rusqlite::Connection::open(c.paths.database()).unwrap();
    conn.execute(
        "UPDATE uidls SET missing_since = missing_since - 29 * 86400 WHERE uidl = 'uid-1'",
        [],
    )
    .unwrap();
    c.fetch().await.unwrap();
    assert!(
        c.store()
            .known_uidls(c.account.id)
            .unwrap()
            .contains(&"uid-1".into())
    );

    // Past 30 days: pruned; the others stay.
    conn.execute(
        "UPDATE uidls SET missing_since = missing_since - 2 * 86400 WHERE uidl = 'uid-1'",
        [],
    )
    .unwrap();
    c.fetch().await.unwrap();
    let known = c.store().known_uidls(c.account.id).unwrap();
    assert!(!known.contains(&"uid-1".into()));
    assert!(known.contains(&"uid-2".into()) && known.contains(&"uid-3".into()));
    // The message itself is still here.
    assert_eq!(c.store().count(View::Inbox(None)).unwrap(), 3);
}

fn big(n: usize) -> Vec<u8> {
    let mut m = format!("From: big{n}@example.org\r\nSubject: Big {n}\r\n\r\n").into_bytes();
    for i in 0..300 {
        m.extend_from_slice(format!("line {i} of a long message\r\n").as_bytes());
    }
    m
}

#[tokio::test]
async fn download_the_rest_replaces_the_partial_message_in_place() {
    let server = FakeServer::start(vec![mail(1), big(2)], Options::default(), |_, _| None).await;
    let c = client(&server, |s| s.size_limit = Some(2000));
    let report = c.fetch().await.unwrap();
    assert_eq!(report.partial, 1);
    let id = c.id_of("Big 2");
    let (_, _, partial) = c.store().message_origin(id).unwrap();
    assert!(partial);
    assert_ne!(c.store().raw_message(id).unwrap(), big(2));

    sync::download_rest(&c.paths, &c.account, fake::PASSWORD, id)
        .await
        .unwrap();
    assert_eq!(
        c.store().raw_message(id).unwrap(),
        big(2),
        "same id, whole bytes"
    );
    let (_, _, partial) = c.store().message_origin(id).unwrap();
    assert!(!partial);
    let row = c
        .store()
        .list(View::Inbox(None), 10, 0)
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(row.size, big(2).len() as u64);
    assert_eq!(
        c.store().count(View::Inbox(None)).unwrap(),
        2,
        "replaced, not added"
    );
    assert!(server.commands().contains(&"RETR 2".to_string()));

    // Gone from the server: a clear error, the partial message stays.
    let server = FakeServer::start(vec![big(1)], Options::default(), |_, _| None).await;
    let c = client(&server, |s| s.size_limit = Some(2000));
    c.fetch().await.unwrap();
    server.expire(1);
    let id = c.id_of("Big 1");
    let error = sync::download_rest(&c.paths, &c.account, fake::PASSWORD, id)
        .await
        .unwrap_err();
    assert!(matches!(error, sync::Error::GoneFromServer), "{error:?}");
    assert!(c.store().message_origin(id).unwrap().2);
}

#[tokio::test]
async fn two_sessions_of_one_account_never_overlap() {
    let server = server(2).await;
    let c = client(&server, |_| {});
    // Another process holding the account's lock (as a second `poplar fetch` would).
    let lock_path = c
        .paths
        .data_dir()
        .join("locks")
        .join(format!("account-{}.lock", c.account.id));
    std::fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let held = std::fs::File::create(&lock_path).unwrap();
    held.lock().unwrap();
    let error = c.fetch().await.unwrap_err();
    assert!(matches!(error, sync::Error::Busy(_)), "{error:?}");
    assert!(server.log().is_empty(), "no connection was made");
    held.unlock().unwrap();
    assert_eq!(c.fetch().await.unwrap().new, 2);
}

/// Holds the database's write lock from a fetch's first progress event until released, so
/// that the fetch's commits wait.
#[derive(Clone, Default)]
struct Stall(std::sync::Arc<std::sync::Mutex<Option<rusqlite::Connection>>>);

impl Stall {
    fn lock_at_first_progress(&self, database: std::path::PathBuf) -> impl FnMut(sync::Progress) {
        let held = self.0.clone();
        let mut locked = false;
        move |_| {
            if !std::mem::replace(&mut locked, true) {
                let conn = rusqlite::Connection::open(&database).unwrap();
                conn.execute_batch("BEGIN IMMEDIATE").unwrap();
                *held.lock().unwrap() = Some(conn);
            }
        }
    }

    fn release(&self) {
        self.0.lock().unwrap().take();
    }

    /// A keep-alive NOOP soon after the session starts waiting for a commit: what the
    /// tests watch for.
    fn options() -> FetchOptions {
        FetchOptions {
            timeout: Duration::from_secs(20),
            keepalive: Duration::from_millis(50),
            ..FetchOptions::default()
        }
    }
}

/// A message of about 100 KB.
fn hundred_kb(n: usize) -> Vec<u8> {
    let mut m = format!("From: s{n}@example.org\r\nSubject: Heavy {n}\r\n\r\n").into_bytes();
    while m.len() < 100_000 {
        m.extend_from_slice(b"a line of text in a message of a hundred kilobytes, or so\r\n");
    }
    m
}

#[tokio::test]
async fn downloads_wait_for_a_slow_writer_instead_of_piling_up_in_memory() {
    // 40 MB of mail, and a writer that cannot commit: another connection holds the
    // database's write lock from the moment the downloads begin. The session must stop
    // asking for messages once a batch is committing and a quarter batch (4 MB) waits
    // behind it, then wait: the client's NOOP, sent when nothing is in flight and a commit
    // is awaited, shows the waiting, and lets the writer go.
    let originals: Vec<Vec<u8>> = (1..=400).map(hundred_kb).collect();
    let size = originals[0].len();
    let stall = Stall::default();
    let released = stall.clone();
    let server = FakeServer::start(
        originals.clone(),
        Options::pipelining(),
        move |_, command| {
            if command == "NOOP" {
                released.release();
            }
            None
        },
    )
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    let report = sync::fetch_account_with(
        &c.paths,
        &c.account,
        fake::PASSWORD,
        &Stall::options(),
        stall.lock_at_first_progress(c.paths.database()),
    )
    .await
    .unwrap();
    assert_eq!(report.new, 400);

    let commands = server.log().concat();
    let waited_at = commands
        .iter()
        .position(|c| c == "NOOP")
        .expect("the session waited for the writer");
    let asked = commands[..waited_at]
        .iter()
        .filter(|c| c.starts_with("RETR"))
        .count();
    // One batch (16 MB) committing, a quarter batch behind it, and the last window of 64
    // commands sent before the quarter filled.
    let bound = ((16 << 20) + (4 << 20)) / size + 64;
    assert!(
        asked <= bound,
        "{asked} messages of {size} bytes asked for while the writer was stalled (at most {bound})"
    );
    // Nothing lost or doubled once the writer went on.
    let store = c.store();
    let rows = store.list(View::Inbox(None), 1000, 0).unwrap();
    assert_eq!(rows.len(), 400);
    for row in rows {
        let n: usize = row.subject.trim_start_matches("Heavy ").parse().unwrap();
        assert_eq!(store.raw_message(row.id).unwrap(), originals[n - 1]);
    }
    assert!(server.mailbox().is_empty());
}

#[tokio::test]
async fn a_fetch_cancelled_while_it_commits_keeps_the_account_until_the_commit_ends() {
    // The commit cannot end while another connection holds the database's write lock
    // (taken as the downloads begin). The server hears the client's NOOP once everything
    // is downloaded and the session waits for that commit: then the fetch is dropped, as
    // the window's Cancel drops it.
    let stall = Stall::default();
    let waiting = std::sync::Arc::new(tokio::sync::Notify::new());
    let heard = waiting.clone();
    let server = FakeServer::start(mails(300), Options::pipelining(), move |_, command| {
        if command == "NOOP" {
            heard.notify_one();
        }
        None
    })
    .await;
    let c = client(&server, |_| {});
    let options = Stall::options();
    let on_progress = stall.lock_at_first_progress(c.paths.database());
    tokio::select! {
        result = sync::fetch_account_with(&c.paths, &c.account, fake::PASSWORD, &options, on_progress) => {
            panic!("the fetch ended with its commit stalled: {result:?}")
        }
        () = waiting.notified() => {}
    }

    // The abandoned commit still runs: the account is busy, nothing is fetched twice.
    let error = c.fetch().await.unwrap_err();
    assert!(matches!(error, sync::Error::Busy(_)), "{error:?}");

    // Once the commit can end, it ends, and gives the account back.
    stall.release();
    let lock_path = c
        .paths
        .data_dir()
        .join("locks")
        .join(format!("account-{}.lock", c.account.id));
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(lock_path).unwrap();
        file.lock().unwrap();
    })
    .await
    .unwrap();
    c.fetch().await.unwrap();
    let store = c.store();
    let rows = store.list(View::Inbox(None), 1000, 0).unwrap();
    assert_eq!(rows.len(), 300, "every message stored once");
    let mut uidls: Vec<_> = store
        .known_uidls(c.account.id)
        .unwrap()
        .into_iter()
        .collect();
    uidls.sort();
    uidls.dedup();
    assert_eq!(uidls.len(), 300);
}
