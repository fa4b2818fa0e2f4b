//! The Trash, and deleting for good.

use rusqlite::{OptionalExtension, params};

use crate::sync::retention::{self, DeletedHere};

use super::*;

impl Store {
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
                                "SELECT id FROM folders WHERE name = ?1 AND role IS NULL",
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

    /// Deletes messages for good. The server's copy is queued for deletion at the next
    /// fetch where the retention says so ([`retention::queue_when_deleted_here`]). The
    /// UIDL record stays, so the message is never downloaded again.
    pub fn delete_for_good(&mut self, ids: &[i64]) -> Result<()> {
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut facts = tx.prepare_cached(
                "SELECT m.account_id, m.uidl, a.keep_mode, a.keep_days,
                        a.delete_on_server_when_deleted, u.partial, u.deleted_on_server
                 FROM messages m
                 JOIN accounts a ON a.id = m.account_id
                 JOIN uidls u ON u.account_id = m.account_id AND u.uidl = m.uidl
                 WHERE m.id = ?1",
            )?;
            let mut queue = tx.prepare_cached(
                "INSERT OR IGNORE INTO server_deletions (account_id, uidl, queued_at)
                 VALUES (?1, ?2, ?3)",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM messages WHERE id = ?1")?;
            for id in ids {
                // A message of no account, or not known by a UIDL, has no server copy.
                if let Some((account, uidl, facts)) =
                    facts.query_row([id], deleted_here).optional()?
                    && retention::queue_when_deleted_here(&facts?)
                {
                    queue.execute(params![account, uidl, now])?;
                }
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
}

/// The account, UIDL and retention facts of a message from the columns account_id, uidl,
/// keep_mode, keep_days, delete_on_server_when_deleted, partial, deleted_on_server.
fn deleted_here(r: &rusqlite::Row<'_>) -> rusqlite::Result<(AccountId, Uidl, Result<DeletedHere>)> {
    let keep_mode: String = r.get(2)?;
    let facts = keep_from_columns(&keep_mode, r.get(3)?);
    let delete_on_server_when_deleted = r.get(4)?;
    let partial = r.get(5)?;
    let deleted_on_server = r.get(6)?;
    Ok((
        r.get(0)?,
        r.get(1)?,
        facts.map(|keep| DeletedHere {
            keep,
            delete_on_server_when_deleted,
            partial,
            deleted_on_server,
        }),
    ))
}
