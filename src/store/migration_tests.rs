//! The schema migrations and the start-up upgrade: each migration once, an outdated
//! database refused by `Store::open` until upgraded, the retention carried into its columns.

use rusqlite::Connection;

use super::migrations::{MIGRATIONS, SCHEMA, apply, is_current, upgrade};
use super::{Error, Store};
use crate::accounts::Keep;

#[test]
fn applies_once_and_refuses_newer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut conn = Connection::open(&path).unwrap();
    apply(&mut conn).unwrap();
    apply(&mut conn).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, MIGRATIONS.len() as i64);
    conn.pragma_update(None, "user_version", 99).unwrap();
    assert!(matches!(
        apply(&mut conn),
        Err(Error::TooNew { found: 99, .. })
    ));
}

#[test]
fn a_database_from_the_first_release_upgrades_with_its_mail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO accounts (id, name, host, port, security, username, keep, created_at)
             VALUES (1, 'old', 'pop.example.org', 995, 'tls', 'u', 'forever', 0);
             INSERT INTO messages (id, account_id, uidl, raw, size, subject, date, received_at)
             VALUES (7, 1, 'u-7', X'48690D0A', 4, 'Hi', 0, 0);
             INSERT INTO uidls (account_id, uidl, message_id, downloaded_at) VALUES (1, 'u-7', 7, 0);
             INSERT INTO messages (id, account_id, uidl, raw, size, subject, date, received_at, partial)
             VALUES (8, 1, 'u-8', X'48690D0A', 4000, 'Big', 0, 0, 1);
             INSERT INTO uidls (account_id, uidl, message_id, downloaded_at) VALUES (1, 'u-8', 8, 0);",
        )
        .unwrap();
    }
    upgrade(&path).unwrap();
    let store = crate::store::Store::open(&path).unwrap();
    assert_eq!(store.raw_message(7).unwrap(), b"Hi\r\n");
    let account = store.account("old").unwrap();
    assert_eq!(
        account.settings.auth,
        crate::accounts::AuthMethod::Automatic
    );
    assert!(account.settings.check_on_startup);
    assert_eq!(account.settings.keep, Keep::Forever);
    let rows = store.list_messages(None, 10, 0).unwrap();
    assert!(rows.iter().any(|r| r.id == 7 && r.subject == "Hi"));
    let records = store.uidl_records(account.id).unwrap();
    assert!(!records[&"u-7".into()].partial);
    // A message stored as headers only is remembered as such (it stays on the server).
    assert!(records[&"u-8".into()].partial);
}

#[test]
fn two_connections_opening_a_new_database_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    for _ in 0..20 {
        let _ = std::fs::remove_file(&path);
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || crate::store::Store::open(&path).map(drop))
            })
            .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
    }
}

/// A database at schema `version`, as the migrations up to it left it.
fn database_at(path: &std::path::Path, version: usize) -> Connection {
    let conn = Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn open_refuses_an_outdated_database_and_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = database_at(&path, 14);
        conn.execute_batch(
            "INSERT INTO accounts (id, name, host, port, security, username, keep, created_at)
             VALUES (1, 'old', 'pop.example.org', 995, 'tls', 'u', 'days:7', 0);",
        )
        .unwrap();
    }
    let before = file_bytes(&path);
    match Store::open(&path) {
        Err(Error::Outdated { found: 14, known }) => assert_eq!(known, SCHEMA),
        other => panic!("expected Outdated, got {other:?}"),
    }
    // Nothing was migrated: the file and its schema are as they were.
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 14);
    let keep: String = conn
        .query_row("SELECT keep FROM accounts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(keep, "days:7");
    drop(conn);
    assert_eq!(file_bytes(&path), before);

    upgrade(&path).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.account("old").unwrap().settings.keep, Keep::Days(7));
}

#[test]
fn the_header_tells_a_current_database_from_one_to_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    assert!(!is_current(&path), "no file");
    drop(database_at(&path, 14));
    assert!(!is_current(&path), "schema 14");
    upgrade(&path).unwrap();
    assert!(is_current(&path), "upgraded");
    // A newer schema is not current: the upgrade then refuses it.
    let newer = dir.path().join("newer.db");
    drop(database_at(&newer, SCHEMA as usize));
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA + 1)
        .unwrap();
    assert!(!is_current(&newer));
    assert!(matches!(upgrade(&newer), Err(Error::TooNew { .. })));
    // Not a database, or too short to hold a header.
    let other = dir.path().join("other.db");
    let mut bytes = b"SQLite format 2\0".to_vec();
    bytes.resize(4096, 0);
    bytes[60..64].copy_from_slice(&(SCHEMA as i32).to_be_bytes());
    std::fs::write(&other, &bytes).unwrap();
    assert!(!is_current(&other));
    std::fs::write(&other, b"SQLite format 3\0").unwrap();
    assert!(!is_current(&other));
}

#[test]
fn a_new_database_is_made_at_the_current_schema_by_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA);
    // And upgrading it is nothing to do.
    upgrade(&path).unwrap();
    upgrade(&dir.path().join("made-by-upgrade.db")).unwrap();
    Store::open(&dir.path().join("made-by-upgrade.db")).unwrap();
}

#[test]
fn the_retention_text_becomes_a_mode_and_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v14.db");
    let kept = [
        ("delete", "delete", None),
        ("forever", "forever", None),
        ("days:14", "days", Some(14)),
        ("days:1", "days", Some(1)),
        ("days:3650", "days", Some(3650)),
        ("days:3651", "days", Some(3650)),
        ("days:99999999999", "days", Some(3650)),
        (" DAYS:30 ", "days", Some(30)),
        // Values no release could read stay on the server: nothing is deleted there.
        ("days:0", "forever", None),
        ("days:x", "forever", None),
        ("sometimes", "forever", None),
    ];
    {
        let conn = database_at(&path, 14);
        for (i, (keep, _, _)) in kept.iter().enumerate() {
            conn.execute(
                "INSERT INTO accounts (id, name, host, port, security, username, keep, created_at)
                 VALUES (?1, ?2, 'pop.example.org', 995, 'tls', 'u', ?3, 0)",
                rusqlite::params![i as i64 + 1, format!("a{i}"), keep],
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO messages (id, account_id, uidl, size, subject, date, received_at)
             VALUES (7, 3, 'u-7', 4, 'Hi', 0, 0);
             INSERT INTO uidls (account_id, uidl, message_id, downloaded_at) VALUES (3, 'u-7', 7, 0);",
        )
        .unwrap();
    }
    upgrade(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    for (i, (keep, mode, days)) in kept.iter().enumerate() {
        let got: (String, Option<i64>) = conn
            .query_row(
                "SELECT keep_mode, keep_days FROM accounts WHERE id = ?1",
                [i as i64 + 1],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(got, (mode.to_string(), *days), "{keep}");
    }
    // The mail and its records stay with their account.
    let owner: i64 = conn
        .query_row("SELECT account_id FROM uidls WHERE uidl = 'u-7'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(owner, 3);
    // The database keeps the retention readable from now on.
    for bad in [
        "UPDATE accounts SET keep_days = 0 WHERE id = 3",
        "UPDATE accounts SET keep_days = 3651 WHERE id = 3",
        "UPDATE accounts SET keep_days = '7x' WHERE id = 3",
        "UPDATE accounts SET keep_days = NULL WHERE id = 3",
        "UPDATE accounts SET keep_days = 5 WHERE id = 1",
        "UPDATE accounts SET keep_mode = 'often' WHERE id = 2",
    ] {
        assert!(conn.execute(bad, []).is_err(), "{bad}");
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.account("a0").unwrap().settings.keep, Keep::Delete);
    assert_eq!(store.account("a5").unwrap().settings.keep, Keep::Days(3650));
}

#[test]
fn days_beyond_ten_years_are_stored_as_ten_years() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("p.db")).unwrap();
    let settings = crate::accounts::Settings {
        name: "far".into(),
        host: "pop.example.org".into(),
        keep: Keep::Days(99_999),
        ..Default::default()
    };
    let added = store.add_account(&settings).unwrap();
    assert_eq!(added.settings.keep, Keep::Days(3650));
    assert_eq!(
        store.account("far").unwrap().settings.keep,
        Keep::Days(3650)
    );
    // A second account of that name is refused as such (not as a bad retention).
    assert!(matches!(
        store.add_account(&settings),
        Err(Error::AccountExists(_))
    ));
}

#[test]
fn an_account_id_is_never_given_to_a_second_account() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ids.db")).unwrap();
    let add = |name: &str| {
        store
            .add_account(&crate::accounts::Settings {
                name: name.into(),
                host: "pop.example.com".into(),
                user: name.into(),
                ..Default::default()
            })
            .unwrap()
    };
    let first = add("first");
    let last = add("last");
    // The newest account, removed with its mail: its row is gone, and with plain
    // INTEGER PRIMARY KEY the next account would get its id (and its keyring entry).
    store.remove_account("last", true).unwrap();
    let next = add("next");
    assert!(next.id > last.id, "{next:?} reuses an id after {last:?}");
    assert!(next.id > first.id);
}

#[test]
fn an_upgraded_database_numbers_new_accounts_after_its_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let conn = database_at(&path, 14);
    conn.execute(
        "INSERT INTO accounts (id, name, host, port, security, username, keep, created_at)
         VALUES (7, 'old', 'h', 995, 'tls', 'u', 'delete', 0)",
        [],
    )
    .unwrap();
    drop(conn);
    upgrade(&path).unwrap();
    let store = Store::open(&path).unwrap();
    store.remove_account("old", true).unwrap();
    let new = store
        .add_account(&crate::accounts::Settings {
            name: "new".into(),
            host: "h".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(new.id.0 > 7, "{new:?} was given a removed account's id");
}

/// Start-up reads the interface language before the upgrade: from a database of any
/// schema with settings, in WAL as Poplar leaves it, without changing or making anything.
#[test]
fn a_setting_is_read_before_the_upgrade_without_changing_anything() {
    use super::setting_before_upgrade as read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = database_at(&path, 14);
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("INSERT INTO settings (key, value) VALUES ('ui.language', 'ja');")
            .unwrap();
    }
    let before = file_bytes(&path);
    assert!(matches!(
        Store::open(&path),
        Err(Error::Outdated { found: 14, .. })
    ));
    assert_eq!(read(&path, "ui.language").as_deref(), Some("ja"));
    assert_eq!(read(&path, "ui.theme"), None);
    assert_eq!(file_bytes(&path), before, "nothing was migrated");

    // Before schema 5 there were no settings; no database at all is not made.
    let first = dir.path().join("first.db");
    drop(database_at(&first, 1));
    assert_eq!(read(&first, "ui.language"), None);
    let missing = dir.path().join("missing.db");
    assert_eq!(read(&missing, "ui.language"), None);
    assert!(!missing.exists());
}

/// A new database has 16 KB pages; one made with SQLite's 4 KB keeps them, and upgrades
/// and opens as before.
#[test]
fn new_databases_have_16_kb_pages_and_old_ones_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let page_size = |path: &std::path::Path| -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let new = dir.path().join("new.db");
    upgrade(&new).unwrap();
    assert_eq!(page_size(&new), 16384);
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());
    assert_eq!(page_size(&fresh), 16384);

    let old = dir.path().join("old.db");
    drop(database_at(&old, 14));
    assert_eq!(page_size(&old), 4096);
    upgrade(&old).unwrap();
    let store = Store::open(&old).unwrap();
    assert_eq!(store.count(super::View::Inbox(None)).unwrap(), 0);
    drop(store);
    assert_eq!(page_size(&old), 4096);
}
