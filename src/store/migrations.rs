//! Numbered schema changes from `migrations/`, embedded in the binary. Each runs once, in
//! its own transaction, and bumps `PRAGMA user_version` to its number.

use rusqlite::Connection;

use super::{Error, Result};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_auth_and_size_limit.sql"),
    include_str!("../../migrations/0003_schedule_trash_server_deletions.sql"),
    include_str!("../../migrations/0004_message_bodies.sql"),
    include_str!("../../migrations/0005_folders_settings.sql"),
    include_str!("../../migrations/0006_digest.sql"),
    include_str!("../../migrations/0007_search_and_sorting.sql"),
    include_str!("../../migrations/0008_flags_attachments.sql"),
    include_str!("../../migrations/0009_legacy_size_index.sql"),
    include_str!("../../migrations/0010_pinned_certificate.sql"),
    include_str!("../../migrations/0011_unread_index.sql"),
    include_str!("../../migrations/0012_partial_records.sql"),
    include_str!("../../migrations/0013_redecode_headers.sql"),
    include_str!("../../migrations/0014_rescue_orphans.sql"),
];

pub fn apply(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > known {
        return Err(Error::TooNew {
            found: version,
            known,
        });
    }
    if version == known {
        return Ok(());
    }
    // Rebuilding a table (the only way to change some constraints) must not cascade
    // deletes through foreign keys: they are off while migrations run, and checked before
    // each migration commits. The pragma has no effect inside a transaction.
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (|| -> Result<()> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            // IMMEDIATE takes the write lock up front (waiting for it with the busy
            // timeout), so two connections opening a new database at once apply each
            // migration exactly once instead of one failing.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if current > index as i64 {
                continue;
            }
            tx.execute_batch(sql)?;
            let violations: i64 =
                tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if violations > 0 {
                return Err(Error::Corrupt(format!(
                    "upgrading the database to schema {} left {violations} broken references",
                    index + 1
                )));
            }
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let store = crate::store::Store::open(&path).unwrap();
        assert_eq!(store.raw_message(7).unwrap(), b"Hi\r\n");
        let account = store.account("old").unwrap();
        assert_eq!(
            account.settings.auth,
            crate::accounts::AuthMethod::Automatic
        );
        assert!(account.settings.check_on_startup);
        let rows = store.list_messages(None, 10, 0).unwrap();
        assert!(rows.iter().any(|r| r.id == 7 && r.subject == "Hi"));
        let records = store.uidl_records(1).unwrap();
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
}
