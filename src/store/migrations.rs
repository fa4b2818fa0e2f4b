//! Numbered schema changes from `migrations/`, embedded in the binary. Each runs once, in
//! its own transaction, and bumps `PRAGMA user_version` to its number.

use std::path::Path;

use rusqlite::Connection;

use super::{Error, Result};

pub(super) const MIGRATIONS: &[&str] = &[
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
    include_str!("../../migrations/0015_retention_columns.sql"),
    include_str!("../../migrations/0016_sending.sql"),
    include_str!("../../migrations/0017_drafts.sql"),
    include_str!("../../migrations/0018_rules.sql"),
    include_str!("../../migrations/0019_junk.sql"),
    include_str!("../../migrations/0020_oauth.sql"),
];

/// The schema this version of Poplar reads and writes.
pub const SCHEMA: i64 = MIGRATIONS.len() as i64;

/// Brings the database at `path` up to the current schema, applying the migrations it
/// lacks (a missing database is made). Runs once at start-up, before any
/// [`Store::open`](super::Store::open): in the window off the UI thread, behind a
/// progress screen when it takes a while.
pub fn upgrade(path: &Path) -> Result<()> {
    let mut conn = super::connect(path)?;
    super::configure(&conn, path)?;
    let result = if version(&conn)? == 0 {
        create(&mut conn)
    } else {
        apply(&mut conn)
    };
    result.map_err(super::opening(path))
}

/// Whether the database file at `path` says it is at the current schema, read from its
/// header (the user version, bytes 60..64) without opening it. A command then skips
/// [`upgrade`], which opens, configures and closes the database once more before the
/// command opens it (about a millisecond of every start: BENCHMARKS.md, issue 20, sixth
/// day). The file can only lag the truth: a migration's new version may still be in the
/// WAL, never an older one. So false (an older schema, a damaged header, no file) means
/// [`upgrade`] runs as before, and true is checked again by
/// [`Store::open`](super::Store::open), which refuses a schema newer than this one.
pub fn is_current(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 100];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    read.is_ok()
        && header.starts_with(b"SQLite format 3\0")
        && i64::from(i32::from_be_bytes([
            header[60], header[61], header[62], header[63],
        ])) == SCHEMA
}

/// A setting of the database at `path` read before the upgrade, at whatever schema the
/// database is (the settings table came with schema 5): opened read-only, nothing
/// migrated, made or changed. None when there is no database, no settings table, no
/// such setting, or the database cannot be read. For what start-up needs before
/// [`upgrade`], such as the language its screen speaks.
pub fn setting_before_upgrade(path: &Path, key: &str) -> Option<String> {
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    let _ = conn.busy_timeout(std::time::Duration::from_secs(2));
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .ok()
}

/// Readies a connection [`Store::open`](super::Store::open) made: a database at the
/// current schema is configured for use, a new empty one made at the current schema. A
/// database at another schema is refused before anything in it changes.
pub(super) fn check(conn: &mut Connection, path: &Path) -> Result<()> {
    let found = version(conn)?;
    if found != 0 {
        refuse_other(found)?;
    }
    super::configure(conn, path)?;
    if found == 0 {
        create(conn)?;
        refuse_other(version(conn)?)?;
    }
    Ok(())
}

/// Refuses a schema other than the current one.
fn refuse_other(found: i64) -> Result<()> {
    match found.cmp(&SCHEMA) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(Error::TooNew {
            found,
            known: SCHEMA,
        }),
        std::cmp::Ordering::Less => Err(Error::Outdated {
            found,
            known: SCHEMA,
        }),
    }
}

fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Makes a new database: every migration in one transaction, so that another connection
/// opening it at the same moment finds it either empty or whole. IMMEDIATE takes the
/// write lock up front (waiting for it with the busy timeout); the one that waited finds
/// the work done.
fn create(conn: &mut Connection) -> Result<()> {
    without_foreign_keys(conn, |conn| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if version(&tx)? != 0 {
            return Ok(());
        }
        for sql in MIGRATIONS {
            tx.execute_batch(sql)?;
        }
        check_references(&tx, SCHEMA)?;
        tx.pragma_update(None, "user_version", SCHEMA)?;
        tx.commit()?;
        Ok(())
    })
}

/// Rebuilding a table (the only way to change some constraints) must not cascade deletes
/// through foreign keys: they are off while migrations run, and checked before each
/// migration commits. The pragma has no effect inside a transaction.
fn without_foreign_keys(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> Result<()>,
) -> Result<()> {
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = f(conn);
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    result
}

fn check_references(tx: &rusqlite::Transaction<'_>, schema: i64) -> Result<()> {
    let count: i64 = tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if count > 0 {
        return Err(Error::BrokenReferences { schema, count });
    }
    Ok(())
}

/// Applies, each in its own transaction, the migrations the database lacks.
pub(super) fn apply(conn: &mut Connection) -> Result<()> {
    let found = version(conn)?;
    if found > SCHEMA {
        return Err(Error::TooNew {
            found,
            known: SCHEMA,
        });
    }
    if found == SCHEMA {
        return Ok(());
    }
    without_foreign_keys(conn, |conn| {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            // Another process may be upgrading the same database: IMMEDIATE waits for
            // it, and a migration it applied meanwhile is not applied twice.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if version(&tx)? > index as i64 {
                continue;
            }
            tx.execute_batch(sql)?;
            check_references(&tx, index as i64 + 1)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    })
}
