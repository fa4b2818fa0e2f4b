//! The local mail store: SQLite through rusqlite, WAL, foreign keys on, schema versions
//! applied from `migrations/` by `PRAGMA user_version`.

mod migrations;
pub mod spool;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use serde::Serialize;
pub use spool::{Body, Fingerprint, HeaderCapture, Spool, fingerprint};

use crate::accounts::{Account, AuthMethod, Keep, Security, Settings};
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
            ValueRef::Text(b) | ValueRef::Blob(b) => Ok(Uidl::from_bytes(b.to_vec())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not open the mail database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "the mail database {path} is damaged ({detail}). Nothing was changed or deleted; restore a backup (poplar restore FILE, or Backups in the window)"
    )]
    Damaged { path: String, detail: String },
    #[error(
        "the mail database was written by a newer version of Poplar (schema {found}, this version knows {known}); update Poplar to open it"
    )]
    TooNew { found: i64, known: i64 },
    #[error("an account named \"{0}\" already exists")]
    AccountExists(String),
    #[error("there is no account named \"{0}\"")]
    NoSuchAccount(String),
    #[error("there is no message with id {0}")]
    NoSuchMessage(i64),
    #[error("a folder named \"{0}\" already exists")]
    FolderExists(String),
    #[error("the mail database reported an error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the mail database holds a value Poplar cannot read: {0}")]
    Corrupt(String),
    #[error("a message of {0} bytes is larger than Poplar can store")]
    TooLarge(u64),
    #[error("could not write a message to the disk: {0}")]
    Io(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// The inbox of one account, or of all of them.
    Inbox(Option<i64>),
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
                account,
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
}

impl NewMessage {
    /// A message held in memory, with its fingerprint.
    pub fn from_bytes(uidl: Option<Uidl>, raw: Vec<u8>) -> NewMessage {
        NewMessage {
            uidl,
            summary: crate::mail::summarize(&raw),
            digest: fingerprint(&raw),
            body: Body::Memory(raw),
            server_size: None,
            dedupe: false,
            duplicate: false,
        }
    }
}

/// One row of the message list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageRow {
    pub id: i64,
    pub account: String,
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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) and upgrades the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let open_error = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                Error::Damaged {
                    path: path.display().to_string(),
                    detail: source.to_string(),
                }
            }
            _ => Error::Open {
                path: path.display().to_string(),
                source,
            },
        };
        let mut conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_error)?;
        // synchronous=FULL: a commit is on disk (WAL fsynced) before it returns, which is
        // what allows a DELE to follow it.
        // Switching a new database to WAL needs it to itself, and SQLite does not wait for
        // that with the busy timeout: when another connection is opening the same new
        // database at this moment, try again shortly.
        let mut attempts = 0;
        loop {
            match conn.execute_batch("PRAGMA journal_mode = WAL;") {
                Ok(()) => break,
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && attempts < 200 =>
                {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(open_error(e)),
            }
        }
        conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(open_error)?;
        migrations::apply(&mut conn).map_err(|e| match e {
            Error::Sqlite(source) => open_error(source),
            other => other,
        })?;
        Ok(Store { conn })
    }

    // ----- accounts -----

    pub fn add_account(&self, s: &Settings) -> Result<Account> {
        let mut values = account_values(s);
        values.push(now().into());
        let result = self.conn.execute(
            &format!(
                "INSERT INTO accounts ({ACCOUNT_COLUMNS}, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ),
            rusqlite::params_from_iter(values),
        );
        match result {
            Ok(_) => Ok(Account {
                id: self.conn.last_insert_rowid(),
                settings: s.clone(),
            }),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(Error::AccountExists(s.name.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Changes an account's settings. A new name must not clash with another account's.
    pub fn update_account(&self, id: i64, s: &Settings) -> Result<()> {
        let assignments = ACCOUNT_COLUMNS
            .split(", ")
            .enumerate()
            .map(|(i, column)| format!("{column} = ?{}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let mut values = account_values(s);
        values.push(id.into());
        let result = self.conn.execute(
            &format!("UPDATE accounts SET {assignments} WHERE id = ?16 AND removed_at IS NULL"),
            rusqlite::params_from_iter(values),
        );
        match result {
            Ok(0) => Err(Error::NoSuchAccount(s.name.clone())),
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(Error::AccountExists(s.name.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Active accounts, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, email, host, port, security, username, keep, ca_file, auth, size_limit,
                    check_on_startup, check_every_minutes, delete_on_server_when_deleted, include_in_get_all, pinned_cert
             FROM accounts WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], account_from_row)?;
        rows.map(|r| r?).collect()
    }

    pub fn account(&self, name: &str) -> Result<Account> {
        self.conn
            .query_row(
                "SELECT id, name, email, host, port, security, username, keep, ca_file, auth, size_limit,
                        check_on_startup, check_every_minutes, delete_on_server_when_deleted, include_in_get_all, pinned_cert
                 FROM accounts WHERE name = ?1 AND removed_at IS NULL",
                [name],
                account_from_row,
            )
            .optional()?
            .transpose()?
            .ok_or_else(|| Error::NoSuchAccount(name.to_string()))
    }

    /// Removes an account. Its mail stays readable unless `delete_mail` is set.
    pub fn remove_account(&self, name: &str, delete_mail: bool) -> Result<()> {
        let account = self.account(name)?;
        if delete_mail {
            self.conn
                .execute("DELETE FROM accounts WHERE id = ?1", [account.id])?;
        } else {
            self.conn.execute(
                "UPDATE accounts SET removed_at = ?2 WHERE id = ?1",
                params![account.id, now()],
            )?;
        }
        Ok(())
    }

    // ----- settings -----

    /// An application setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn remove_setting(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }

    /// The connection, for whole-database operations (backups).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    // ----- sync bookkeeping -----

    /// Every UIDL ever downloaded for the account.
    pub fn known_uidls(&self, account_id: i64) -> Result<HashSet<Uidl>> {
        Ok(self.uidl_records(account_id)?.into_keys().collect())
    }

    /// What the store remembers of every UIDL downloaded for the account.
    pub fn uidl_records(&self, account_id: i64) -> Result<HashMap<Uidl, Record>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT uidl, downloaded_at, partial, deleted_on_server, missing_since IS NOT NULL
             FROM uidls WHERE account_id = ?1",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok((
                r.get::<_, Uidl>(0)?,
                Record {
                    downloaded_at: r.get(1)?,
                    partial: r.get(2)?,
                    deleted_on_server: r.get(3)?,
                    reappeared: r.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Gives a UIDL record (and its message) a new id: a message first remembered by its
    /// UIDL alone, once its server turns out to give that UIDL to other messages too.
    pub fn rename_uidl(&mut self, account_id: i64, from: &Uidl, to: &Uidl) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE uidls SET uidl = ?3 WHERE account_id = ?1 AND uidl = ?2",
            params![account_id, from, to],
        )?;
        tx.execute(
            "UPDATE messages SET uidl = ?3 WHERE account_id = ?1 AND uidl = ?2",
            params![account_id, from, to],
        )?;
        tx.execute(
            "UPDATE server_deletions SET uidl = ?3 WHERE account_id = ?1 AND uidl = ?2",
            params![account_id, from, to],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The header block of the message stored under a UIDL (up to its blank line), if
    /// its message is still here.
    pub fn stored_headers(&self, account_id: i64, uidl: &Uidl) -> Result<Option<Vec<u8>>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT message_id FROM uidls WHERE account_id = ?1 AND uidl = ?2",
                params![account_id, uidl],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let Some(id) = id else { return Ok(None) };
        let mut blob =
            match self
                .conn
                .blob_open(rusqlite::MAIN_DB, c"message_bodies", c"raw", id, true)
            {
                Ok(blob) => blob,
                Err(_) => return Ok(None),
            };
        let mut headers = HeaderCapture::default();
        let mut chunk = vec![0; 64 << 10];
        while !headers.is_done() {
            let n =
                std::io::Read::read(&mut blob, &mut chunk).map_err(|e| Error::Io(e.to_string()))?;
            if n == 0 {
                break;
            }
            headers.push(&chunk[..n]);
        }
        Ok(Some(headers.bytes().to_vec()))
    }

    /// Stores a downloaded message and records its UIDL in one transaction. When this
    /// returns, both are on disk.
    pub fn insert_message(
        &mut self,
        account_id: i64,
        uidl: Option<&str>,
        raw: &[u8],
        summary: &Summary,
    ) -> Result<i64> {
        let mut batch = [NewMessage {
            uidl: uidl.map(Uidl::from),
            body: Body::Memory(raw.to_vec()),
            summary: summary.clone(),
            server_size: None,
            digest: fingerprint(raw),
            dedupe: false,
            duplicate: false,
        }];
        Ok(self.insert_batch(account_id, &mut batch)?[0])
    }

    /// Stores downloaded messages and records their UIDLs, all in one transaction: when
    /// this returns, every one of them is on disk (synchronous=FULL), or none is.
    pub fn insert_batch(&mut self, account_id: i64, batch: &mut [NewMessage]) -> Result<Vec<i64>> {
        self.insert_into(Some(account_id), None, batch)
    }

    /// Stores messages that came from elsewhere (an import) into a local folder, in one
    /// transaction.
    pub fn insert_into_folder(
        &mut self,
        folder: i64,
        batch: &mut [NewMessage],
    ) -> Result<Vec<i64>> {
        self.insert_into(None, Some(folder), batch)
    }

    fn insert_into(
        &mut self,
        account_id: Option<i64>,
        folder: Option<i64>,
        batch: &mut [NewMessage],
    ) -> Result<Vec<i64>> {
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(batch.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO messages (account_id, uidl, size, from_addr, to_addr, subject, date, received_at, partial, server_size, folder_id, digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            let mut record = tx.prepare_cached(
                "INSERT OR REPLACE INTO uidls (account_id, uidl, message_id, downloaded_at, partial)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut same = tx.prepare_cached(
                "SELECT m.id FROM messages m JOIN message_bodies b ON b.message_id = m.id
                 WHERE m.account_id = ?1 AND m.digest = ?2 AND m.size = ?3 AND m.partial = ?4
                   AND (?5 IS NULL OR b.raw = ?5)
                 LIMIT 1",
            )?;
            for m in batch.iter_mut() {
                let len = m.body.len();
                if m.dedupe
                    && let Some(account_id) = account_id
                {
                    let bytes = match &m.body {
                        Body::Memory(bytes) => Some(&bytes[..]),
                        Body::File { .. } => None,
                    };
                    let size = m.server_size.unwrap_or(len) as i64;
                    let params = params![
                        account_id,
                        &m.digest[..],
                        size,
                        m.server_size.is_some(),
                        bytes
                    ];
                    if let Some(id) = same.query_row(params, |r| r.get::<_, i64>(0)).optional()? {
                        // The server sent again a message stored here: keep the one copy.
                        if let Some(uidl) = &m.uidl {
                            record.execute(params![
                                account_id,
                                uidl,
                                id,
                                now,
                                m.server_size.is_some()
                            ])?;
                        }
                        m.duplicate = true;
                        ids.push(id);
                        continue;
                    }
                }
                let size = i64::try_from(m.server_size.unwrap_or(len)).unwrap_or(i64::MAX);
                let columns = params![
                    account_id,
                    m.uidl,
                    size,
                    m.summary.from,
                    m.summary.to,
                    m.summary.subject,
                    m.summary.date.unwrap_or(now),
                    now,
                    m.server_size.is_some(),
                    m.server_size.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                    folder,
                    &m.digest[..],
                ];
                insert.execute(columns)?;
                let id = tx.last_insert_rowid();
                write_body(&tx, id, &mut m.body)?;
                if let (Some(account_id), Some(uidl)) = (account_id, &m.uidl) {
                    record.execute(params![account_id, uidl, id, now, m.server_size.is_some()])?;
                }
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Records that the server confirmed (by a successful QUIT) these deletions, and
    /// forgets them from the queue of deletions asked for here.
    pub fn mark_deleted_on_server(&mut self, account_id: i64, uidls: &[Uidl]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut mark = tx.prepare_cached(
                "UPDATE uidls SET deleted_on_server = 1 WHERE account_id = ?1 AND uidl = ?2",
            )?;
            let mut dequeue = tx.prepare_cached(
                "DELETE FROM server_deletions WHERE account_id = ?1 AND uidl = ?2",
            )?;
            for uidl in uidls {
                mark.execute(params![account_id, uidl])?;
                dequeue.execute(params![account_id, uidl])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Notes which recorded UIDLs the server lists now. A record absent for 30 days (and
    /// still absent) is pruned; one that is absent for a while (a server briefly showing
    /// an empty mailbox) is kept, so the mail is not downloaded again when it reappears.
    /// A record that has been absent keeps its mark when it reappears (the server may have
    /// given the id to a new message) until the fetch finds its headers unchanged
    /// ([`Store::confirm_returned`]) or stores what the server now has under it.
    pub fn note_server_uidls(&mut self, account_id: i64, on_server: &[&Uidl]) -> Result<()> {
        const PRUNE_AFTER: i64 = 30 * 86_400;
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS seen (uidl PRIMARY KEY) WITHOUT ROWID;
             DELETE FROM temp.seen;",
        )?;
        {
            let mut insert =
                tx.prepare_cached("INSERT OR IGNORE INTO temp.seen (uidl) VALUES (?1)")?;
            for uidl in on_server {
                insert.execute([uidl])?;
            }
        }
        tx.execute(
            "UPDATE uidls SET missing_since = ?2
             WHERE account_id = ?1 AND missing_since IS NULL
               AND uidl NOT IN (SELECT uidl FROM temp.seen)",
            params![account_id, now],
        )?;
        tx.execute(
            "DELETE FROM uidls WHERE account_id = ?1 AND missing_since <= ?2
               AND uidl NOT IN (SELECT uidl FROM temp.seen)",
            params![account_id, now - PRUNE_AFTER],
        )?;
        // A queued deletion of a message the server no longer has is done.
        tx.execute(
            "DELETE FROM server_deletions
             WHERE account_id = ?1 AND uidl NOT IN (SELECT uidl FROM temp.seen)",
            [account_id],
        )?;
        tx.execute("DELETE FROM temp.seen", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Clears the mark of UIDLs that went missing and came back, once their messages turn
    /// out to be the ones stored here (the same headers): known again, as before they went.
    pub fn confirm_returned(&mut self, account_id: i64, uidls: &[Uidl]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut clear = tx.prepare_cached(
                "UPDATE uidls SET missing_since = NULL WHERE account_id = ?1 AND uidl = ?2",
            )?;
            for uidl in uidls {
                clear.execute(params![account_id, uidl])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// UIDLs whose server copy is to be deleted at the next fetch.
    pub fn queued_server_deletions(&self, account_id: i64) -> Result<HashSet<Uidl>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT uidl FROM server_deletions WHERE account_id = ?1")?;
        let rows = stmt.query_map([account_id], |r| r.get::<_, Uidl>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    // ----- local folders -----

    /// The id of the local folder called `name`, made if it does not exist yet.
    pub fn ensure_folder(&self, name: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT OR IGNORE INTO folders (name, created_at) VALUES (?1, ?2)",
            params![name, now()],
        )?;
        Ok(self
            .conn
            .query_row("SELECT id FROM folders WHERE name = ?1", [name], |r| {
                r.get(0)
            })?)
    }

    /// Local folders by name: (id, name).
    pub fn folders(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name FROM folders ORDER BY name COLLATE NOCASE")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Renames a local folder; the new name must not be taken.
    pub fn rename_folder(&self, id: i64, name: &str) -> Result<()> {
        match self.conn.execute(
            "UPDATE folders SET name = ?2 WHERE id = ?1",
            params![id, name],
        ) {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(Error::FolderExists(name.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a local folder. Its messages go to the Trash first, from where they can
    /// still be restored: nothing is lost by deleting a folder.
    pub fn delete_folder(&mut self, id: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE messages SET trashed_at = COALESCE(trashed_at, ?2) WHERE folder_id = ?1",
            params![id, now()],
        )?;
        tx.execute("DELETE FROM folders WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    /// Files messages into a local folder, or (None) back into their account's inbox.
    /// Mail that belongs to no account stays where it is when asked to go to an inbox.
    pub fn move_to_folder(&mut self, ids: &[i64], folder: Option<i64>) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE messages SET folder_id = ?2, trashed_at = NULL
                 WHERE id = ?1 AND (?2 IS NOT NULL OR account_id IS NOT NULL)",
            )?;
            for id in ids {
                stmt.execute(params![id, folder])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The id of a stored message with exactly these bytes, if there is one.
    pub fn find_identical(&self, raw: &[u8], digest: &Fingerprint) -> Result<Option<i64>> {
        // By fingerprint; messages stored before fingerprints existed, by size. Either way
        // the bytes themselves decide.
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id FROM messages m JOIN message_bodies b ON b.message_id = m.id
             WHERE m.digest = ?1 AND b.raw = ?3
             UNION ALL
             SELECT m.id FROM messages m JOIN message_bodies b ON b.message_id = m.id
             WHERE m.digest IS NULL AND m.size = ?2 AND m.partial = 0 AND b.raw = ?3
             LIMIT 1",
        )?;
        Ok(stmt
            .query_row(params![&digest[..], raw.len() as i64, raw], |r| r.get(0))
            .optional()?)
    }

    // ----- the Trash -----

    /// Moves messages to the Trash.
    pub fn trash(&mut self, ids: &[i64]) -> Result<()> {
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE messages SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL",
            )?;
            for id in ids {
                stmt.execute(params![id, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Moves messages out of the Trash, back where they were.
    pub fn restore(&mut self, ids: &[i64]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt =
                tx.prepare_cached("UPDATE messages SET trashed_at = NULL WHERE id = ?1")?;
            // Mail of no account whose folder was deleted meanwhile would be in no view
            // at all: it goes to the folder imported mail goes to.
            let mut orphan = tx.prepare_cached(
                "SELECT 1 FROM messages WHERE id = ?1 AND account_id IS NULL AND folder_id IS NULL",
            )?;
            let mut refile =
                tx.prepare_cached("UPDATE messages SET folder_id = ?2 WHERE id = ?1")?;
            let mut home: Option<i64> = None;
            for id in ids {
                stmt.execute([id])?;
                if orphan.exists([id])? {
                    let folder = match home {
                        Some(folder) => folder,
                        None => {
                            tx.execute(
                                "INSERT OR IGNORE INTO folders (name, created_at) VALUES (?1, ?2)",
                                params![ORPHANS_FOLDER, now()],
                            )?;
                            let folder = tx.query_row(
                                "SELECT id FROM folders WHERE name = ?1",
                                [ORPHANS_FOLDER],
                                |r| r.get(0),
                            )?;
                            *home.insert(folder)
                        }
                    };
                    refile.execute(params![id, folder])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes messages for good. Where the account asks for it, the server's copy is
    /// queued for deletion at the next fetch: a message the account keeps on the server,
    /// or one stored as headers only (which no retention deletes). The UIDL record stays,
    /// so the message is never downloaded again.
    pub fn delete_for_good(&mut self, ids: &[i64]) -> Result<()> {
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut queue = tx.prepare_cached(
                "INSERT OR IGNORE INTO server_deletions (account_id, uidl, queued_at)
                 SELECT m.account_id, m.uidl, ?2
                 FROM messages m
                 JOIN accounts a ON a.id = m.account_id
                 JOIN uidls u ON u.account_id = m.account_id AND u.uidl = m.uidl
                 WHERE m.id = ?1 AND a.delete_on_server_when_deleted = 1
                   AND (a.keep != 'delete' OR u.partial = 1)
                   AND u.deleted_on_server = 0",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM messages WHERE id = ?1")?;
            for id in ids {
                queue.execute(params![id, now])?;
                delete.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes everything in the Trash for good.
    pub fn empty_trash(&mut self) -> Result<usize> {
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id FROM messages WHERE trashed_at IS NOT NULL")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        self.delete_for_good(&ids)?;
        Ok(ids.len())
    }

    /// Replaces a partial message with its whole text ("download the rest").
    pub fn complete_message(
        &mut self,
        id: i64,
        body: &mut Body,
        summary: &Summary,
        digest: &Fingerprint,
    ) -> Result<()> {
        let len = body.len();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM message_search WHERE rowid = ?1", [id])?;
        let changed = tx.execute(
            "UPDATE messages SET size = ?2, from_addr = ?3, to_addr = ?4, subject = ?5,
                                 partial = 0, server_size = NULL, digest = ?6, indexed = 0
             WHERE id = ?1",
            params![
                id,
                len as i64,
                summary.from,
                summary.to,
                summary.subject,
                &digest[..]
            ],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchMessage(id));
        }
        write_body(&tx, id, body)?;
        // The whole is here now: the retention applies, counted from this download.
        tx.execute(
            "UPDATE uidls SET partial = 0, downloaded_at = ?2 WHERE message_id = ?1",
            params![id, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The account, UIDL and partial flag of a message.
    pub fn message_origin(&self, id: i64) -> Result<(i64, Option<Uidl>, bool)> {
        self.conn
            .query_row(
                "SELECT account_id, uidl, partial FROM messages WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(Error::NoSuchMessage(id))
    }

    // ----- reading -----

    /// Inbox messages (not in the Trash) newest first, optionally for one account.
    pub fn list_messages(
        &self,
        account_id: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<MessageRow>> {
        self.list(View::Inbox(account_id), limit, offset)
    }

    /// Messages of a view, newest first.
    pub fn list(&self, view: View, limit: usize, offset: usize) -> Result<Vec<MessageRow>> {
        let (condition, param) = view.condition();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.id, COALESCE(a.name, ''), m.uidl, m.from_addr, m.subject, m.date, m.size,
                    m.read, m.partial, m.flagged, m.attachments
             FROM messages m LEFT JOIN accounts a ON a.id = m.account_id
             WHERE {condition}
             ORDER BY m.date DESC, m.id DESC
             LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt.query_map(
            params![param, limit as i64, offset as i64],
            message_row_from,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of a view's messages in the given order: the whole list, so that any part
    /// of it can be shown at once (a few bytes per message, also at 100,000).
    pub fn ids(&self, view: View, sort: Sort) -> Result<Vec<i64>> {
        let (condition, param) = view.condition();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.id FROM messages m WHERE {condition} ORDER BY {}",
            sort.order_by()
        ))?;
        let rows = stmt.query_map(params![param], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of a view's messages that match a search, in the given order.
    pub fn search(&self, view: View, input: &str, sort: Sort) -> Result<Vec<i64>> {
        let Some(query) = crate::search::fts_query(input) else {
            return self.ids(view, sort);
        };
        let (condition, param) = view.condition();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.id FROM message_search s JOIN messages m ON m.id = s.rowid
             WHERE message_search MATCH ?2 AND {condition}
             ORDER BY {}",
            sort.order_by()
        ))?;
        let rows = stmt.query_map(params![param, query], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The list rows of these messages (in no particular order).
    pub fn rows(&self, ids: &[i64]) -> Result<Vec<MessageRow>> {
        let mut out = Vec::with_capacity(ids.len());
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, COALESCE(a.name, ''), m.uidl, m.from_addr, m.subject, m.date, m.size,
                    m.read, m.partial, m.flagged, m.attachments
             FROM messages m LEFT JOIN accounts a ON a.id = m.account_id
             WHERE m.id = ?1",
        )?;
        for id in ids {
            if let Some(row) = stmt.query_row([id], message_row_from).optional()? {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Indexes up to `limit` messages for search; returns how many it did.
    pub fn index_pending(&mut self, limit: usize) -> Result<usize> {
        Ok(crate::search::index_pending(&mut self.conn, limit)?)
    }

    pub fn count_messages(&self, account_id: Option<i64>) -> Result<usize> {
        self.count(View::Inbox(account_id))
    }

    pub fn count(&self, view: View) -> Result<usize> {
        let (condition, param) = view.condition();
        let n: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM messages m WHERE {condition}"),
            params![param],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Unread inbox messages per account id.
    pub fn unread_counts(&self) -> Result<Vec<(i64, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT account_id, COUNT(*) FROM messages
             WHERE read = 0 AND trashed_at IS NULL AND folder_id IS NULL
               AND account_id IS NOT NULL
             GROUP BY account_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Unread messages per local folder id.
    pub fn folder_unread_counts(&self) -> Result<Vec<(i64, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT folder_id, COUNT(*) FROM messages
             WHERE read = 0 AND trashed_at IS NULL AND folder_id IS NOT NULL
             GROUP BY folder_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes the stored bytes of a message to `out`, unchanged, without holding them
    /// all in memory.
    pub fn copy_raw(&self, id: i64, out: &mut impl std::io::Write) -> Result<u64> {
        let mut blob =
            match self
                .conn
                .blob_open(rusqlite::MAIN_DB, c"message_bodies", c"raw", id, true)
            {
                Ok(blob) => blob,
                Err(rusqlite::Error::SqliteFailure(_, _)) => return Err(Error::NoSuchMessage(id)),
                Err(e) => return Err(e.into()),
            };
        std::io::copy(&mut blob, out).map_err(|e| Error::Io(e.to_string()))
    }

    /// The stored bytes of a message, unchanged.
    pub fn raw_message(&self, id: i64) -> Result<Vec<u8>> {
        self.conn
            .query_row(
                "SELECT raw FROM message_bodies WHERE message_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(Error::NoSuchMessage(id))
    }

    /// Flags or unflags messages.
    pub fn set_flagged(&mut self, ids: &[i64], flagged: bool) -> Result<()> {
        self.set_column(ids, "flagged", flagged)
    }

    /// Marks messages read or unread.
    pub fn set_read_many(&mut self, ids: &[i64], read: bool) -> Result<()> {
        self.set_column(ids, "read", read)
    }

    fn set_column(&mut self, ids: &[i64], column: &str, value: bool) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt =
                tx.prepare_cached(&format!("UPDATE messages SET {column} = ?2 WHERE id = ?1"))?;
            for id in ids {
                stmt.execute(params![id, value])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn set_read(&self, id: i64, read: bool) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE messages SET read = ?2 WHERE id = ?1",
            params![id, read],
        )?;
        if n == 0 {
            return Err(Error::NoSuchMessage(id));
        }
        Ok(())
    }
}

/// A list row from the columns id, account name, uidl, from, subject, date, size, read,
/// partial, flagged, attachments (in that order).
fn message_row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        account: r.get(1)?,
        uidl: r.get::<_, Option<Uidl>>(2)?.map(|u| u.display()),
        from: r.get(3)?,
        subject: r.get(4)?,
        date: r.get(5)?,
        size: r.get::<_, i64>(6)? as u64,
        read: r.get(7)?,
        partial: r.get(8)?,
        flagged: r.get(9)?,
        attachments: r.get(10)?,
    })
}

/// Writes (or replaces) a message's bytes. A body spilled to a file is streamed in with
/// incremental BLOB I/O: the zero-filled placeholder is the row's last column, which
/// SQLite does not build in memory, so a 200 MB message never sits in memory here.
fn write_body(tx: &rusqlite::Transaction<'_>, id: i64, body: &mut Body) -> Result<()> {
    let len = body.len();
    let value = match &*body {
        Body::Memory(bytes) => {
            rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Blob(bytes))
        }
        Body::File { .. } => rusqlite::types::ToSqlOutput::ZeroBlob(
            i32::try_from(len).map_err(|_| Error::TooLarge(len))?,
        ),
    };
    tx.prepare_cached("INSERT OR REPLACE INTO message_bodies (message_id, raw) VALUES (?1, ?2)")?
        .execute(params![id, value])?;
    if let Body::File { file, .. } = body {
        let mut blob = tx.blob_open(rusqlite::MAIN_DB, c"message_bodies", c"raw", id, false)?;
        std::io::copy(file, &mut blob).map_err(|e| Error::Io(e.to_string()))?;
    }
    Ok(())
}

/// The account columns written from `Settings`, in the order of [`account_values`].
const ACCOUNT_COLUMNS: &str = "name, email, host, port, security, username, keep, ca_file, auth, \
     size_limit, check_on_startup, check_every_minutes, delete_on_server_when_deleted, \
     include_in_get_all, pinned_cert";

fn account_values(s: &Settings) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    vec![
        s.name.clone().into(),
        s.email.clone().into(),
        s.host.clone().into(),
        i64::from(s.port).into(),
        s.security.as_str().to_string().into(),
        s.user.clone().into(),
        s.keep.to_string().into(),
        s.ca_file
            .as_ref()
            .map_or(Value::Null, |p| p.to_string_lossy().into_owned().into()),
        s.auth.as_str().to_string().into(),
        s.size_limit.map_or(Value::Null, |n| (n as i64).into()),
        s.check_on_startup.into(),
        s.check_every_minutes
            .map_or(Value::Null, |n| i64::from(n).into()),
        s.delete_on_server_when_deleted.into(),
        s.include_in_get_all.into(),
        s.pinned_cert.clone().map_or(Value::Null, Value::from),
    ]
}

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Account>> {
    let security: String = r.get(5)?;
    let keep: String = r.get(7)?;
    let ca_file: Option<String> = r.get(8)?;
    let auth: String = r.get(9)?;
    let size_limit: Option<i64> = r.get(10)?;
    let port: i64 = r.get(4)?;
    let parsed = (|| -> Result<Account> {
        Ok(Account {
            id: r.get(0)?,
            settings: Settings {
                name: r.get(1)?,
                email: r.get(2)?,
                host: r.get(3)?,
                port: u16::try_from(port).map_err(|_| Error::Corrupt(format!("port {port}")))?,
                security: security.parse::<Security>().map_err(Error::Corrupt)?,
                user: r.get(6)?,
                keep: keep.parse::<Keep>().map_err(Error::Corrupt)?,
                ca_file: ca_file.map(Into::into),
                auth: auth.parse::<AuthMethod>().map_err(Error::Corrupt)?,
                size_limit: size_limit.map(|n| n.max(0) as u64),
                check_on_startup: r.get(11)?,
                check_every_minutes: r
                    .get::<_, Option<i64>>(12)?
                    .map(|n| n.clamp(1, 100_000) as u32),
                delete_on_server_when_deleted: r.get(13)?,
                include_in_get_all: r.get(14)?,
                pinned_cert: r.get(15)?,
            },
        })
    })();
    Ok(parsed)
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
