//! Reading: the message list, search, counts, and the stored bytes.

use rusqlite::{OptionalExtension, params};

use super::*;

impl Store {
    /// Inbox messages (not in the Trash) newest first, optionally for one account.
    pub fn list_messages(
        &self,
        account_id: Option<AccountId>,
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
                    m.read, m.partial, m.flagged, m.attachments, m.account_id
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
                    m.read, m.partial, m.flagged, m.attachments, m.account_id
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

    pub fn count_messages(&self, account_id: Option<AccountId>) -> Result<usize> {
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
    pub fn unread_counts(&self) -> Result<Vec<(AccountId, usize)>> {
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
        std::io::copy(&mut blob, out).map_err(Error::io(IoAction::CopyMessage))
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
/// partial, flagged, attachments, account id (in that order).
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
        account_id: r.get(11)?,
    })
}
