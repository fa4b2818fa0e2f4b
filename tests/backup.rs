//! Backups, restore, export and import, and a damaged database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::fake::{self, FakeServer, Options};
use poplar::accounts::{Keep, Settings};
use poplar::backup::{self, Health};
use poplar::paths::Paths;
use poplar::store::{NewMessage, Store, View};
use poplar::sync::{self, FetchOptions};
use poplar::transfer::{self, Format};

fn mail(n: usize) -> Vec<u8> {
    format!(
        "From: b{n}@example.org\r\nSubject: Backup {n}\r\nMessage-ID: <b{n}@example.org>\r\n\r\nFrom the start of line {n}\r\n>From quoted {n}\r\n.\r\n"
    )
    .into_bytes()
}

fn paths() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    (dir, paths)
}

/// Stores `count` messages directly, as a fetch would.
fn fill(paths: &Paths, count: usize) -> Vec<Vec<u8>> {
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store
        .add_account(&Settings {
            name: "filled".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Settings::default()
        })
        .unwrap();
    let messages: Vec<Vec<u8>> = (0..count).map(mail).collect();
    for chunk in messages.chunks(500).enumerate() {
        let (c, chunk) = chunk;
        let mut batch: Vec<NewMessage> = chunk
            .iter()
            .enumerate()
            .map(|(i, m)| {
                NewMessage::from_bytes(Some(format!("u{}", c * 500 + i).into()), m.clone())
            })
            .collect();
        store.insert_batch(account.id, &mut batch).unwrap();
    }
    messages
}

fn all_raw(paths: &Paths, view: View) -> Vec<Vec<u8>> {
    let store = Store::open(&paths.database()).unwrap();
    let mut rows = store.list(view, 100_000, 0).unwrap();
    rows.sort_by_key(|r| r.id);
    rows.iter()
        .map(|r| store.raw_message(r.id).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_while_a_fetch_writes_holds_every_committed_message() {
    let originals: Vec<Vec<u8>> = (0..700).map(mail).collect();
    let server = FakeServer::start(
        originals.clone(),
        Options {
            capa: Some(vec!["USER".into(), "UIDL".into(), "PIPELINING".into()]),
            ..Options::default()
        },
        |_, _| None,
    )
    .await;
    let (dir, paths) = paths();
    let account = Store::open(&paths.database())
        .unwrap()
        .add_account(&Settings {
            keep: Keep::Delete,
            ..common::fake_account(&server, "live")
        })
        .unwrap();
    let backups = dir.path().join("backups");

    // Back up from another thread as soon as the first batch is committed, while the
    // fetch goes on writing.
    let (tx, rx) = std::sync::mpsc::channel::<usize>();
    let backup_paths = paths.clone();
    let backup_dir = backups.clone();
    let backup = std::thread::spawn(move || {
        let committed = rx.recv().unwrap();
        (
            committed,
            backup::back_up(&backup_paths, Some(&backup_dir)).unwrap(),
        )
    });
    let mut tx = Some(tx);
    let options = FetchOptions {
        timeout: Duration::from_secs(10),
        ..FetchOptions::default()
    };
    let report = sync::fetch_account_with(&paths, &account, fake::PASSWORD, &options, |p| {
        if p.stored > 0
            && let Some(tx) = tx.take()
        {
            tx.send(p.stored).unwrap();
        }
    })
    .await
    .unwrap();
    assert_eq!(report.new, 700);
    let (committed, snapshot) = backup.join().unwrap();

    // The snapshot opens, passes its check, and holds at least what was committed, each
    // message intact and with its UIDL recorded.
    let restored = Paths::at(dir.path().join("restored"));
    backup::restore(&restored, &snapshot.path).unwrap();
    assert_eq!(backup::check_health(&restored), Health::Good);
    let store = Store::open(&restored.database()).unwrap();
    let rows = store.list(View::Inbox(None), 10_000, 0).unwrap();
    assert!(rows.len() >= committed, "{} < {committed}", rows.len());
    for row in &rows {
        let n: usize = row
            .uidl
            .as_deref()
            .unwrap()
            .trim_start_matches("uid-")
            .parse()
            .unwrap();
        assert_eq!(store.raw_message(row.id).unwrap(), originals[n - 1]);
    }
    assert_eq!(store.known_uidls(account.id).unwrap().len(), rows.len());
}

#[test]
fn restore_round_trip_keeps_the_replaced_database_aside() {
    let (dir, paths) = paths();
    let originals = fill(&paths, 20);
    let backups = dir.path().join("backups");
    Store::open(&paths.database())
        .unwrap()
        .set_setting(backup::DIR_KEY, &backups.to_string_lossy())
        .unwrap();
    // The junk filter's counts go with the mail.
    let taught = {
        let mut store = Store::open(&paths.database()).unwrap();
        let mut ids: Vec<i64> = store.ids(View::Inbox(None), Default::default()).unwrap();
        ids.sort();
        store
            .train_junk(&ids[..3], poplar::junk::Kind::Junk)
            .unwrap();
        store
            .train_junk(&ids[3..5], poplar::junk::Kind::Good)
            .unwrap();
        store.junk_model().unwrap()
    };
    assert_eq!((taught.junk, taught.good), (3, 2));
    let snapshot = backup::back_up(&paths, None).unwrap();
    assert_eq!(backup::snapshots(&backups), vec![snapshot.clone()]);
    let settings = backup::Settings::load(&Store::open(&paths.database()).unwrap()).unwrap();
    assert!(settings.last_success.is_some());
    assert!(
        !settings.due(
            poplar::store::Store::open(&paths.database())
                .map(|_| 0)
                .unwrap()
                + settings.last_success.unwrap()
        )
    );

    // Lose mail, then restore it.
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let ids: Vec<i64> = store
            .list(View::Inbox(None), 100, 0)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        store.train_junk(&ids, poplar::junk::Kind::Junk).unwrap();
        store.delete_for_good(&ids).unwrap();
    }
    assert!(all_raw(&paths, View::Inbox(None)).is_empty());
    let kept = backup::restore(&paths, &snapshot.path).unwrap().unwrap();
    assert!(kept.exists(), "the replaced database is kept");
    assert_eq!(all_raw(&paths, View::Inbox(None)), originals[3..]);
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(store.junk_model().unwrap(), taught);
    assert_eq!(store.count(View::Inbox(None)).unwrap(), 17, "3 in Junk");
    drop(store);
    // The kept-aside database is the one with the mail deleted.
    let aside = Store::open(&kept).unwrap();
    assert_eq!(aside.count(View::Inbox(None)).unwrap(), 0);
}

#[test]
fn only_the_newest_snapshots_are_kept() {
    let (dir, paths) = paths();
    fill(&paths, 3);
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    // Older snapshots from earlier days.
    for day in 1..=9 {
        let name = format!("poplar-backup-202501{day:02}-120000.sqlite3");
        std::fs::copy(paths.database(), backups.join(name)).unwrap();
    }
    let store = Store::open(&paths.database()).unwrap();
    store
        .set_setting(backup::DIR_KEY, &backups.to_string_lossy())
        .unwrap();
    store.set_setting(backup::KEEP_KEY, "4").unwrap();
    drop(store);
    let newest = backup::back_up(&paths, None).unwrap();
    let left = backup::snapshots(&backups);
    assert_eq!(left.len(), 4);
    assert_eq!(left[0], newest);
    assert!(
        left[3]
            .path
            .ends_with("poplar-backup-20250107-120000.sqlite3")
    );
}

#[test]
fn a_snapshot_from_an_older_release_is_upgraded() {
    let (dir, paths) = paths();
    let old = dir.path().join("poplar-backup-20240101-000000.sqlite3");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_initial.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO accounts (id, name, host, port, security, username, keep, created_at)
             VALUES (1, 'old', 'pop.example.org', 995, 'tls', 'u', 'forever', 0);
             INSERT INTO messages (id, account_id, uidl, raw, size, subject, date, received_at)
             VALUES (1, 1, 'u-1', X'4869', 2, 'Old mail', 0, 0);",
        )
        .unwrap();
    }
    backup::restore(&paths, &old).unwrap();
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(store.raw_message(1).unwrap(), b"Hi");
    assert_eq!(
        store.list(View::Inbox(None), 10, 0).unwrap()[0].subject,
        "Old mail"
    );

    // Something that is not a Poplar backup is refused, and nothing changes.
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database at all, not even close").unwrap();
    let error = backup::restore(&paths, &junk).unwrap_err();
    assert!(
        error.to_string().contains("not a usable Poplar backup"),
        "{error}"
    );
    assert_eq!(
        Store::open(&paths.database())
            .unwrap()
            .raw_message(1)
            .unwrap(),
        b"Hi"
    );
}

#[test]
fn export_then_import_is_byte_exact_and_adds_no_duplicates() {
    let (dir, paths) = paths();
    let originals = fill(&paths, 50);
    for format in [Format::Mbox, Format::Eml] {
        let out = dir.path().join(format!("export-{format:?}"));
        let mut last = (0, 0);
        let n = transfer::export(&paths, format, View::Inbox(None), &out, |d, t| {
            last = (d, t);
        })
        .unwrap();
        assert_eq!((n, last), (50, (50, 50)));
        assert!(
            matches!(
                transfer::export(&paths, format, View::Inbox(None), &out, |_, _| {}),
                Err(transfer::Error::Exists(_))
            ),
            "never overwrites"
        );

        // Into a fresh mailbox: every message, byte for byte.
        let (_other_dir, other) = self::paths();
        let report = transfer::import(&other, &out, "Imported", |_| {}).unwrap();
        assert_eq!((report.imported, report.duplicates), (50, 0), "{format:?}");
        let folder = Store::open(&other.database())
            .unwrap()
            .ensure_folder("Imported")
            .unwrap();
        let mut back = all_raw(&other, View::Folder(folder));
        back.sort();
        let mut expected = originals.clone();
        expected.sort();
        assert_eq!(back, expected, "{format:?}");

        // Again: all already there.
        let again = transfer::import(&other, &out, "Imported", |_| {}).unwrap();
        assert_eq!((again.imported, again.duplicates), (0, 50));
        // And into the mailbox they came from: nothing new either.
        let home = transfer::import(&paths, &out, "Imported", |_| {}).unwrap();
        assert_eq!(home.imported, 0);
    }
}

#[test]
fn a_damaged_database_is_reported_and_kept() {
    let (_dir, paths) = paths();
    fill(&paths, 5);
    // Overwrite the schema's pages with garbage.
    let bytes = common::damage_database(&paths.database(), 0xAB);
    let _ = std::fs::remove_file(format!("{}-wal", paths.database().display()));

    assert!(matches!(backup::check_health(&paths), Health::Damaged(_)));
    let (status, _, err) = common::poplar(paths.data_dir(), &["list"], None);
    assert!(!status.success());
    assert!(err.contains("damaged"), "{err}");
    assert!(err.contains("restore"), "{err}");
    assert_eq!(
        std::fs::read(paths.database()).unwrap(),
        bytes,
        "the damaged file is untouched"
    );
}

/// A damaged snapshot is refused with what SQLite found, typed (not an English sentence
/// inside the error), and the database here is left alone; the window says it in its
/// language.
#[test]
fn a_damaged_snapshot_is_refused_and_said_in_the_window_language() {
    use poplar::i18n::{Language, set_thread_language};
    use poplar::ui::describe::Said;

    let (dir, paths) = paths();
    fill(&paths, 5);
    let snapshot = backup::back_up(&paths, Some(&dir.path().join("backups"))).unwrap();
    common::damage_database(&snapshot.path, 0xAB);
    let before = std::fs::read(paths.database()).unwrap();

    let error = backup::restore(&paths, &snapshot.path).unwrap_err();
    assert!(
        matches!(
            &error,
            backup::Error::BadSnapshot {
                cause: backup::Cause::Damaged(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(std::fs::read(paths.database()).unwrap(), before);

    set_thread_language(Language::Japanese);
    let said = error.said();
    set_thread_language(Language::English);
    assert!(said.contains("バックアップではありません"), "{said}");
    assert!(said.contains("SQLite"), "{said}");
    for english in ["integrity check", "is not a usable", "cannot read it"] {
        assert!(!said.contains(english), "{said}");
    }
}

#[test]
fn ten_thousand_messages_export_and_import_with_progress() {
    let (dir, paths) = paths();
    fill(&paths, 10_000);
    let out = dir.path().join("all.mbox");
    let mut reports = 0;
    let started = std::time::Instant::now();
    transfer::export(
        &paths,
        Format::Mbox,
        View::Inbox(None),
        &out,
        |done, total| {
            if done % 1000 == 0 {
                reports += 1;
            }
            assert_eq!(total, 10_000);
        },
    )
    .unwrap();
    let exported = started.elapsed();
    assert_eq!(reports, 10);
    let (_other_dir, other) = self::paths();
    let mut seen = 0;
    let started = std::time::Instant::now();
    let report = transfer::import(&other, &out, "All", |done| seen = done).unwrap();
    let imported = started.elapsed();
    assert_eq!((report.imported, seen), (10_000, 10_000));
    let started = std::time::Instant::now();
    backup::back_up(&other, Some(&dir.path().join("b"))).unwrap();
    println!(
        "10,000 messages: export {exported:?}, import {imported:?}, backup {:?}",
        started.elapsed()
    );
}

/// Item 13 of the promise issue: a restore used to rename the live database while a fetch
/// could still commit to it and QUIT, leaving server-deleted mail only in the set-aside
/// file. Now a restore waits for no fetch: it refuses while one runs, and a fetch refuses
/// while a restore runs.
#[tokio::test(flavor = "multi_thread")]
async fn a_restore_and_a_fetch_never_overlap() {
    let (_dir, paths) = paths();
    fill(&paths, 2);
    let snapshot = backup::back_up(&paths, Some(&paths.data_dir().join("snapshots"))).unwrap();

    // A fetch that has logged in and is listing the mailbox when the restore comes.
    let (listing_tx, listing_rx) = tokio::sync::oneshot::channel::<()>();
    let listing_tx = std::sync::Mutex::new(Some(listing_tx));
    let server = FakeServer::start(vec![mail(9)], Options::default(), move |_, line| {
        (line == "UIDL").then(|| {
            if let Some(tx) = listing_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
            fake::Reply::Hang
        })
    })
    .await;
    let account = Store::open(&paths.database())
        .unwrap()
        .add_account(&Settings {
            keep: Keep::Delete,
            ..common::fake_account(&server, "restoring")
        })
        .unwrap();
    let fetching = {
        let (paths, account) = (paths.clone(), account.clone());
        tokio::spawn(async move {
            let options = FetchOptions {
                timeout: Duration::from_secs(120),
                ..FetchOptions::default()
            };
            sync::fetch_account_with(&paths, &account, fake::PASSWORD, &options, |_| {}).await
        })
    };
    listing_rx.await.unwrap();
    let before = std::fs::read(paths.database()).unwrap();
    let error = backup::restore(&paths, &snapshot.path).unwrap_err();
    assert!(matches!(error, backup::Error::FetchRunning), "{error:?}");
    assert!(error.to_string().contains("nothing was changed"), "{error}");
    assert_eq!(
        std::fs::read(paths.database()).unwrap(),
        before,
        "untouched"
    );

    // Once the fetch is over, the restore goes ahead.
    fetching.abort();
    let _ = fetching.await;
    backup::restore(&paths, &snapshot.path).unwrap();

    // And while a restore holds the data folder, a fetch does not start.
    let restoring = sync::FolderLock::take(&paths, true).unwrap().unwrap();
    let error = sync::fetch_account(&paths, &account, fake::PASSWORD, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(error, sync::Error::Restoring), "{error:?}");
    drop(restoring);
}
