//! The local mail store: SQLite through rusqlite, WAL, foreign keys on. Schema versions
//! from `migrations/` (`PRAGMA user_version`) are applied once at start-up by [`upgrade`];
//! [`Store::open`] only opens a database at the current schema.
//!
//! `Store`'s methods live beside what they touch: `accounts` (and settings), `uidls` (sync
//! bookkeeping), `messages` (storing), `reading` (lists, search, bytes), `folders`,
//! `trash` (and deleting for good).

mod accounts;
mod bodies;
mod drafts;
mod error;
mod folders;
mod junk;
mod messages;
#[cfg(test)]
mod migration_tests;
mod migrations;
mod outbox;
mod reading;
mod rules;
pub mod spool;
mod trash;
mod uidls;

use std::path::Path;
use std::time::Duration;

use accounts::keep_from_columns;
use rusqlite::Connection;

pub use error::{Error, IoAction, Result};
pub use migrations::{is_current, setting_before_upgrade, upgrade};
pub use outbox::{Outgoing, Queued, Role};
use serde::Serialize;
pub use spool::{Body, Fingerprint, HeaderCapture, Spool, body_digest, fingerprint};

use crate::accounts::{Account, AccountId, AuthMethod, Keep, Security, Settings};
use crate::mail::Summary;
use crate::pop3::Uidl;
use crate::sync::plan::Record;

/// The local folder that imports fill by default, and where mail of no account goes when
/// it comes out of the Trash after its folder was deleted.
pub const ORPHANS_FOLDER: &str = "Imported";

/// The largest message the store can hold (SQLite's limit on one value, less room for
/// the row around it). A larger one stays on the server and is named to the user.
pub const MAX_MESSAGE: u64 = 999_000_000;

impl rusqlite::ToSql for Uidl {
    /// UTF-8 ids as TEXT (as every earlier release stored them), any other as a BLOB:
    /// SQLite never finds a TEXT and a BLOB equal, so ids stay apart byte for byte.
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(
            match std::str::from_utf8(self.as_bytes()) {
                Ok(text) => ValueRef::Text(text.as_bytes()),
                Err(_) => ValueRef::Blob(self.as_bytes()),
            },
        ))
    }
}

impl rusqlite::types::FromSql for Uidl {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::{FromSqlError, ValueRef};
        match value {
            ValueRef::Text(b) | ValueRef::Blob(b) => Ok(Uidl::from_slice(b)),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// The inbox of one account, or of all of them.
    Inbox(Option<AccountId>),
    /// A local folder.
    Folder(i64),
    Trash,
    /// Everything that is not in the Trash (for searching all mail).
    All,
}

/// The order of the message list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    #[default]
    Date,
    From,
    Subject,
    Size,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort {
    pub key: SortKey,
    pub ascending: bool,
}

impl Default for Sort {
    /// Newest first.
    fn default() -> Self {
        Sort {
            key: SortKey::Date,
            ascending: false,
        }
    }
}

impl Sort {
    fn order_by(self) -> &'static str {
        match (self.key, self.ascending) {
            (SortKey::Date, false) => "m.date DESC, m.id DESC",
            (SortKey::Date, true) => "m.date ASC, m.id ASC",
            (SortKey::From, false) => "m.from_addr COLLATE NOCASE DESC, m.id DESC",
            (SortKey::From, true) => "m.from_addr COLLATE NOCASE ASC, m.id ASC",
            (SortKey::Subject, false) => "m.subject COLLATE NOCASE DESC, m.id DESC",
            (SortKey::Subject, true) => "m.subject COLLATE NOCASE ASC, m.id ASC",
            (SortKey::Size, false) => "m.size DESC, m.id DESC",
            (SortKey::Size, true) => "m.size ASC, m.id ASC",
        }
    }
}

impl View {
    /// The condition on `m` (messages) that selects this view, with its one parameter ?1.
    fn condition(self) -> (&'static str, Option<i64>) {
        match self {
            View::Inbox(account) => (
                "m.trashed_at IS NULL AND m.folder_id IS NULL AND m.account_id IS NOT NULL
                 AND (?1 IS NULL OR m.account_id = ?1)",
                account.map(|a| a.0),
            ),
            View::Folder(folder) => ("m.trashed_at IS NULL AND m.folder_id = ?1", Some(folder)),
            View::Trash => ("m.trashed_at IS NOT NULL AND ?1 IS NULL", None),
            View::All => ("m.trashed_at IS NULL AND ?1 IS NULL", None),
        }
    }
}

/// A downloaded message on its way into the store.
#[derive(Debug)]
pub struct NewMessage {
    pub uidl: Option<Uidl>,
    pub body: Body,
    pub summary: Summary,
    /// Set for a message stored partially (headers only): its full size on the server.
    pub server_size: Option<u64>,
    pub digest: Fingerprint,
    /// If an identical message of the account is stored already, keep that one instead
    /// (and record this UIDL for it).
    pub dedupe: bool,
    /// Set when storing found it here already (with `dedupe`): nothing new was stored.
    pub duplicate: bool,
    /// What the sorting rules decided for it, done as it is stored.
    pub sorted: Option<crate::rules::Decision>,
}

impl NewMessage {
    /// A message held in memory, with its fingerprint.
    pub fn from_bytes(uidl: Option<Uidl>, raw: Vec<u8>) -> NewMessage {
        NewMessage {
            uidl,
            summary: crate::mail::summarize(&raw),
            digest: body_digest(&raw),
            body: Body::Memory(raw),
            server_size: None,
            dedupe: false,
            duplicate: false,
            sorted: None,
        }
    }
}

/// One row of the message list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageRow {
    pub id: i64,
    /// The account's name, for showing; empty for a message of no account (imported).
    pub account: String,
    /// The account the message came from, for everything but showing (the window's
    /// unread counts); None for an imported message. Not in `poplar list --json`.
    #[serde(skip)]
    pub account_id: Option<AccountId>,
    pub uidl: Option<String>,
    pub from: String,
    pub subject: String,
    /// Seconds since the epoch.
    pub date: i64,
    pub size: u64,
    pub read: bool,
    pub partial: bool,
    pub flagged: bool,
    /// Attachments found when the message was indexed (0 until then).
    pub attachments: u32,
}

/// A connection to the store. The worker holds one for writing; readers open their own.
/// Every write transaction is IMMEDIATE: it waits (up to the busy timeout) for the write
/// lock before reading anything, so two writers (a fetch and the search indexer, say)
/// take turns instead of one failing with "database is locked".
pub struct Store {
    conn: Connection,
    /// The junk filter's model as last read, with the generation it was read at.
    junk_cache: Option<(i64, std::sync::Arc<crate::junk::Model>)>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database at `path`. A database that does not exist yet is made at the
    /// current schema; one at an earlier schema is refused with [`Error::Outdated`] and
    /// left as it is: [`upgrade`] brings it up to date, once, at start-up.
    pub fn open(path: &Path) -> Result<Store> {
        let mut conn = connect(path)?;
        migrations::check(&mut conn, path).map_err(opening(path))?;
        Ok(Store {
            conn,
            junk_cache: None,
        })
    }

    /// The connection, for whole-database operations (backups).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Copies what the WAL holds into the database file, as far as it can without waiting
    /// for anyone (a passive checkpoint: readers and writers are not held up, and it never
    /// waits for them). Committed data is as durable before as after; this only moves the
    /// copying that SQLite otherwise does when the last connection closes to a moment
    /// chosen by the caller, such as while a server answers QUIT.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Turns an SQLite error met while opening `path` into [`Error::Damaged`] (not a database,
/// or a corrupt one) or [`Error::Open`]; other errors pass unchanged.
fn opening(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::Sqlite(source) => match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                Error::Damaged {
                    path: path.display().to_string(),
                    source,
                }
            }
            _ => Error::Open {
                path: path.display().to_string(),
                source,
            },
        },
        other => other,
    }
}

/// A connection to the database at `path` (an empty file made if missing), nothing in the
/// database changed yet: [`configure`] sets it up for use.
fn connect(path: &Path) -> Result<Connection> {
    let setup = || -> Result<Connection> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        Ok(conn)
    };
    setup().map_err(opening(path))
}

/// Sets a connection up as the store uses it: WAL, synchronous=FULL, foreign keys on.
fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let setup = || -> Result<()> {
        // A new database gets 16 KB pages (an existing one keeps its own; this changes
        // nothing in it): a large message takes a quarter of the pages, each written to the
        // WAL and then the database, and whole-list reads walk fewer pages
        // (BENCHMARKS.md, issue 20).
        conn.execute_batch("PRAGMA page_size = 16384;")?;
        // synchronous=FULL: a commit is on disk (WAL fsynced) before it returns, which is
        // what allows a DELE to follow it.
        // Switching a new database to WAL needs it to itself, and SQLite does not wait for
        // that with the busy timeout: when another connection is opening the same new
        // database at this moment, try again shortly.
        let mut attempts = 0;
        loop {
            match conn.execute_batch("PRAGMA journal_mode = WAL;") {
                Ok(()) => break,
                Err(e) if racing(&e) && attempts < 200 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(e.into()),
            }
        }
        conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )?;
        Ok(())
    };
    setup().map_err(opening(path))
}

/// An error of switching a new database to WAL while another connection does the same:
/// busy, or the rollback journal the other one already deleted (SQLite's
/// IOERR_DELETE_NOENT, seen when four connections open a new database at once).
fn racing(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DatabaseBusy
                || f.extended_code == rusqlite::ffi::SQLITE_IOERR_DELETE_NOENT
        }
        _ => false,
    }
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A store in a temporary folder with one account ("home"), for tests.
#[cfg(test)]
pub(crate) fn test_store() -> (tempfile::TempDir, Store, AccountId) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("mail.db")).unwrap();
    let account = store
        .add_account(&Settings {
            name: "home".into(),
            host: "pop.example.jp".into(),
            user: "alice".into(),
            ..Settings::default()
        })
        .unwrap();
    (dir, store, account.id)
}
