//! Sync bookkeeping: the UIDLs downloaded, their fate on the server, and the queue of
//! server deletions.

use rusqlite::{OptionalExtension, params};

use super::*;
use crate::pop3::{UidlMap, UidlSet};

impl Store {
    /// Every UIDL ever downloaded for the account.
    pub fn known_uidls(&self, account_id: AccountId) -> Result<UidlSet> {
        Ok(self.uidl_records(account_id)?.into_keys().collect())
    }

    /// What the store remembers of every UIDL downloaded for the account.
    pub fn uidl_records(&self, account_id: AccountId) -> Result<UidlMap<Record>> {
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
    pub fn rename_uidl(&mut self, account_id: AccountId, from: &Uidl, to: &Uidl) -> Result<()> {
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
    pub fn stored_headers(&self, account_id: AccountId, uidl: &Uidl) -> Result<Option<Vec<u8>>> {
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
        let Ok(mut blob) =
            self.conn
                .blob_open(rusqlite::MAIN_DB, c"message_bodies", c"raw", id, true)
        else {
            return Ok(None);
        };
        let mut headers = HeaderCapture::default();
        let mut chunk = vec![0; 64 << 10];
        while !headers.is_done() {
            let n = std::io::Read::read(&mut blob, &mut chunk)
                .map_err(Error::io(IoAction::ReadMessage))?;
            if n == 0 {
                break;
            }
            headers.push(&chunk[..n]);
        }
        Ok(Some(headers.bytes().to_vec()))
    }

    /// Records that the server confirmed (by a successful QUIT) these deletions, and
    /// forgets them from the queue of deletions asked for here. The changes are written
    /// first and committed only when `confirmed` then says so: a fetch writes them while
    /// the server is still answering QUIT (Dovecot takes hundreds of ms to expunge), and
    /// keeps them only if the QUIT succeeded. Otherwise they are rolled back and false
    /// is returned. The store's write lock is held until `confirmed` returns.
    pub fn mark_deleted_on_server(
        &mut self,
        account_id: AccountId,
        uidls: &[Uidl],
        confirmed: impl FnOnce() -> bool,
    ) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut mark = tx.prepare_cached(
                "UPDATE uidls SET deleted_on_server = 1 WHERE account_id = ?1 AND uidl = ?2",
            )?;
            // Deletions are queued from the server's view of the mailbox, seldom: without
            // any, there is nothing to forget for each UIDL.
            let queued: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM server_deletions WHERE account_id = ?1)",
                params![account_id],
                |r| r.get(0),
            )?;
            let mut dequeue = tx.prepare_cached(
                "DELETE FROM server_deletions WHERE account_id = ?1 AND uidl = ?2",
            )?;
            for uidl in uidls {
                mark.execute(params![account_id, uidl])?;
                if queued {
                    dequeue.execute(params![account_id, uidl])?;
                }
            }
        }
        if !confirmed() {
            return Ok(false);
        }
        tx.commit()?;
        Ok(true)
    }

    /// Notes which recorded UIDLs the server lists now. A record absent for 30 days (and
    /// still absent) is pruned; one that is absent for a while (a server briefly showing
    /// an empty mailbox) is kept, so the mail is not downloaded again when it reappears.
    /// A record that has been absent keeps its mark when it reappears (the server may have
    /// given the id to a new message) until the fetch finds its headers unchanged
    /// ([`Store::confirm_returned`]) or stores what the server now has under it.
    pub fn note_server_uidls(&mut self, account_id: AccountId, on_server: &[&Uidl]) -> Result<()> {
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
    pub fn confirm_returned(&mut self, account_id: AccountId, uidls: &[Uidl]) -> Result<()> {
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
    pub fn queued_server_deletions(&self, account_id: AccountId) -> Result<UidlSet> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT uidl FROM server_deletions WHERE account_id = ?1")?;
        let rows = stmt.query_map([account_id], |r| r.get::<_, Uidl>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What is stored here under each UIDL of the account: (stored as headers only,
    /// still here). A message deleted for good here keeps its record without a message.
    pub fn stored_under_uidls(&self, account_id: AccountId) -> Result<UidlMap<(bool, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.uidl, u.partial, m.id IS NOT NULL
             FROM uidls u LEFT JOIN messages m ON m.id = u.message_id
             WHERE u.account_id = ?1",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok((r.get::<_, Uidl>(0)?, (r.get(1)?, r.get(2)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_store as store;

    /// Each recorded UIDL and whether it is marked deleted on the server, and the queue of
    /// deletions, as another connection (committed changes only) reads them.
    fn seen(path: &std::path::Path) -> (Vec<(String, bool)>, Vec<String>) {
        let other = rusqlite::Connection::open(path).unwrap();
        let records = other
            .prepare("SELECT CAST(uidl AS TEXT), deleted_on_server FROM uidls ORDER BY uidl")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let queue = other
            .prepare("SELECT CAST(uidl AS TEXT) FROM server_deletions ORDER BY uidl")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        (records, queue)
    }

    #[test]
    fn deletions_are_recorded_only_once_the_quit_is_confirmed() {
        let (dir, mut store, account) = store();
        let path = dir.path().join("mail.db");
        let mut batch: Vec<NewMessage> = ["u1", "u2", "u3"]
            .iter()
            .map(|u| {
                let raw = format!("Subject: {u}\r\n\r\nbody\r\n").into_bytes();
                NewMessage::from_bytes(Some((*u).into()), raw)
            })
            .collect();
        store.insert_batch(account, &mut batch).unwrap();
        // u3 was also queued for deletion in the server's view of the mailbox.
        store
            .conn
            .execute(
                "INSERT INTO server_deletions (account_id, uidl, queued_at) VALUES (?1, 'u3', 0)",
                [account],
            )
            .unwrap();
        let deleted: Vec<Uidl> = vec!["u1".into(), "u3".into()];
        let before = (
            vec![
                ("u1".to_string(), false),
                ("u2".to_string(), false),
                ("u3".to_string(), false),
            ],
            vec!["u3".to_string()],
        );
        assert_eq!(seen(&path), before);

        // The QUIT failed: nothing is recorded, and the queue is kept.
        let written = store.mark_deleted_on_server(account, &deleted, || false);
        assert!(!written.unwrap());
        assert_eq!(seen(&path), before);

        // While the answer is awaited, the changes are not committed; once it is +OK, they are.
        let mut while_waiting = None;
        let written = store.mark_deleted_on_server(account, &deleted, || {
            while_waiting = Some(seen(&path));
            true
        });
        assert!(written.unwrap());
        assert_eq!(while_waiting, Some(before));
        let after = vec![
            ("u1".to_string(), true),
            ("u2".to_string(), false),
            ("u3".to_string(), true),
        ];
        assert_eq!(seen(&path), (after, vec![]));
    }

    /// A checkpoint copies what was committed from the WAL into the database file (a
    /// fetch does it while the server answers QUIT, instead of leaving it to the close).
    #[test]
    fn a_checkpoint_copies_the_wal_into_the_database_file() {
        let (dir, mut store, account) = store();
        let path = dir.path().join("mail.db");
        let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut batch: Vec<NewMessage> = (0..200)
            .map(|n| {
                let raw = format!("Subject: {n}\r\n\r\n{}\r\n", "body ".repeat(400));
                NewMessage::from_bytes(Some(format!("u{n}").as_str().into()), raw.into_bytes())
            })
            .collect();
        store.insert_batch(account, &mut batch).unwrap();
        let (database, wal) = (size(&path), size(&dir.path().join("mail.db-wal")));
        assert!(wal > 400_000, "the batch is in the WAL: {wal} bytes");
        store.checkpoint().unwrap();
        assert!(
            size(&path) >= database + 400_000,
            "the database file grew from {database} to {} bytes",
            size(&path)
        );
        assert_eq!(store.known_uidls(account).unwrap().len(), 200);
    }
}
