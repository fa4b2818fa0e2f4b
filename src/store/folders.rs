//! Local folders.

use rusqlite::{OptionalExtension, params};

use super::*;

impl Store {
    /// The id of the local folder called `name`, made if it does not exist yet.
    pub fn ensure_folder(&self, name: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT OR IGNORE INTO folders (name, created_at) VALUES (?1, ?2)",
            params![name, now()],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM folders WHERE name = ?1 AND role IS NULL",
            [name],
            |r| r.get(0),
        )?)
    }

    /// Local folders by name: (id, name). The built-in ones ([`Role`]) are not among them.
    pub fn folders(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM folders WHERE role IS NULL ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Renames a local folder; the new name must not be taken.
    pub fn rename_folder(&self, id: i64, name: &str) -> Result<()> {
        match self.conn.execute(
            "UPDATE folders SET name = ?2 WHERE id = ?1 AND role IS NULL",
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
        if tx.execute("DELETE FROM folders WHERE id = ?1 AND role IS NULL", [id])? == 0 {
            // A built-in folder (or none): its mail stays where it is.
            return Ok(());
        }
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
        // By digest (BLAKE3, or MD5 for messages stored before it); messages stored before
        // digests existed, by size. Either way the bytes themselves decide.
        let legacy = fingerprint(raw);
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id FROM messages m JOIN message_bodies b ON b.message_id = m.id
             WHERE m.digest IN (?1, ?4) AND b.raw = ?3
             UNION ALL
             SELECT m.id FROM messages m JOIN message_bodies b ON b.message_id = m.id
             WHERE m.digest IS NULL AND m.size = ?2 AND m.partial = 0 AND b.raw = ?3
             LIMIT 1",
        )?;
        Ok(stmt
            .query_row(
                params![&digest[..], raw.len() as i64, raw, &legacy[..]],
                |r| r.get(0),
            )
            .optional()?)
    }
}
