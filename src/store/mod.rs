//! The local mail store: SQLite through rusqlite, WAL, foreign keys on, schema versions
//! applied from `migrations/` by `PRAGMA user_version`.

mod migrations;
pub mod spool;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use serde::Serialize;
pub use spool::{Body, HeaderCapture, Spool};

use crate::accounts::{Account, AuthMethod, Keep, Security, Settings};
use crate::mail::Summary;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not open the mail database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
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

/// A downloaded message on its way into the store.
#[derive(Debug)]
pub struct NewMessage {
    pub uidl: Option<String>,
    pub body: Body,
    pub summary: Summary,
    /// Set for a message stored partially (headers only): its full size on the server.
    pub server_size: Option<u64>,
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
}

/// A connection to the store. The worker holds one for writing; readers open their own.
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
        let open_error = |source| Error::Open {
            path: path.display().to_string(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_error)?;
        // synchronous=FULL: a commit is on disk (WAL fsynced) before it returns, which is
        // what allows a DELE to follow it.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(open_error)?;
        migrations::apply(&mut conn)?;
        Ok(Store { conn })
    }

    // ----- accounts -----

    pub fn add_account(&self, s: &Settings) -> Result<Account> {
        let now = now();
        let result = self.conn.execute(
            "INSERT INTO accounts (name, email, host, port, security, username, keep, ca_file, created_at, auth, size_limit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                s.name,
                s.email,
                s.host,
                s.port,
                s.security.as_str(),
                s.user,
                s.keep.to_string(),
                s.ca_file.as_ref().map(|p| p.to_string_lossy().into_owned()),
                now,
                s.auth.as_str(),
                s.size_limit.map(|n| n as i64),
            ],
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

    /// Active accounts, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, email, host, port, security, username, keep, ca_file, auth, size_limit
             FROM accounts WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], account_from_row)?;
        rows.map(|r| r?).collect()
    }

    pub fn account(&self, name: &str) -> Result<Account> {
        self.conn
            .query_row(
                "SELECT id, name, email, host, port, security, username, keep, ca_file, auth, size_limit
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

    // ----- sync bookkeeping -----

    /// Every UIDL ever downloaded for the account.
    pub fn known_uidls(&self, account_id: i64) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT uidl FROM uidls WHERE account_id = ?1")?;
        let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
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
            uidl: uidl.map(str::to_string),
            body: Body::Memory(raw.to_vec()),
            summary: summary.clone(),
            server_size: None,
        }];
        Ok(self.insert_batch(account_id, &mut batch)?[0])
    }

    /// Stores downloaded messages and records their UIDLs, all in one transaction: when
    /// this returns, every one of them is on disk (synchronous=FULL), or none is.
    pub fn insert_batch(&mut self, account_id: i64, batch: &mut [NewMessage]) -> Result<Vec<i64>> {
        let now = now();
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(batch.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO messages (account_id, uidl, raw, size, from_addr, to_addr, subject, date, received_at, partial, server_size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut record = tx.prepare_cached(
                "INSERT OR REPLACE INTO uidls (account_id, uidl, message_id, downloaded_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for m in batch.iter_mut() {
                let len = m.body.len();
                let size = m.server_size.unwrap_or(len) as i64;
                let columns = params![
                    account_id,
                    m.uidl,
                    match &m.body {
                        Body::Memory(bytes) => rusqlite::types::ToSqlOutput::Borrowed(
                            rusqlite::types::ValueRef::Blob(bytes)
                        ),
                        Body::File { .. } => rusqlite::types::ToSqlOutput::ZeroBlob(
                            i32::try_from(len).map_err(|_| Error::TooLarge(len))?
                        ),
                    },
                    size,
                    m.summary.from,
                    m.summary.to,
                    m.summary.subject,
                    m.summary.date.unwrap_or(now),
                    now,
                    m.server_size.is_some(),
                    m.server_size.map(|n| n as i64),
                ];
                insert.execute(columns)?;
                let id = tx.last_insert_rowid();
                if let Body::File { file, .. } = &mut m.body {
                    // Streams the spilled message into the row without holding it in memory.
                    let mut blob =
                        tx.blob_open(rusqlite::MAIN_DB, c"messages", c"raw", id, false)?;
                    std::io::copy(file, &mut blob).map_err(|e| Error::Io(e.to_string()))?;
                }
                if let Some(uidl) = &m.uidl {
                    record.execute(params![account_id, uidl, id, now])?;
                }
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// UIDLs downloaded at or before `cutoff` (seconds since the epoch) and not yet deleted
    /// on the server.
    pub fn uidls_downloaded_before(&self, account_id: i64, cutoff: i64) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT uidl FROM uidls
             WHERE account_id = ?1 AND deleted_on_server = 0 AND downloaded_at <= ?2",
        )?;
        let rows = stmt.query_map(params![account_id, cutoff], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records that the server confirmed (by a successful QUIT) these deletions.
    pub fn mark_deleted_on_server(&mut self, account_id: i64, uidls: &[String]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE uidls SET deleted_on_server = 1 WHERE account_id = ?1 AND uidl = ?2",
            )?;
            for uidl in uidls {
                stmt.execute(params![account_id, uidl])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    // ----- reading -----

    /// Messages newest first, optionally for one account.
    pub fn list_messages(
        &self,
        account_id: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<MessageRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, a.name, m.uidl, m.from_addr, m.subject, m.date, m.size, m.read, m.partial
             FROM messages m JOIN accounts a ON a.id = m.account_id
             WHERE (?1 IS NULL OR m.account_id = ?1)
             ORDER BY m.date DESC, m.id DESC
             LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map(params![account_id, limit as i64, offset as i64], |r| {
            Ok(MessageRow {
                id: r.get(0)?,
                account: r.get(1)?,
                uidl: r.get(2)?,
                from: r.get(3)?,
                subject: r.get(4)?,
                date: r.get(5)?,
                size: r.get::<_, i64>(6)? as u64,
                read: r.get(7)?,
                partial: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn count_messages(&self, account_id: Option<i64>) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM messages WHERE (?1 IS NULL OR account_id = ?1)",
            [account_id],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Unread messages per account id.
    pub fn unread_counts(&self) -> Result<Vec<(i64, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT account_id, COUNT(*) FROM messages WHERE read = 0 GROUP BY account_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored bytes of a message, unchanged.
    pub fn raw_message(&self, id: i64) -> Result<Vec<u8>> {
        self.conn
            .query_row("SELECT raw FROM messages WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NoSuchMessage(id))
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
