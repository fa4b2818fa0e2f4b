//! Drafts: what is being written, saved as it is written so that a crash loses at most
//! the last few seconds. Each is a message in the built-in Drafts folder (its bytes as
//! they would be sent) with what was typed kept beside it.

use rusqlite::{OptionalExtension, params};

use super::outbox::Role;
use super::*;
use crate::accounts::AccountId;

impl Store {
    /// Saves a draft: its bytes in the Drafts folder and `typed` beside them, replacing
    /// the draft `replacing` (if it is still a draft) in the same transaction. The new
    /// draft's id.
    pub fn save_draft(
        &mut self,
        replacing: Option<i64>,
        account: Option<AccountId>,
        bytes: &[u8],
        typed: &str,
    ) -> Result<i64> {
        let drafts = self.role_folder(Role::Drafts)?;
        let summary = crate::mail::summarize(bytes);
        let mut body = Body::Memory(bytes.to_vec());
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(old) = replacing {
            tx.execute(
                "DELETE FROM messages WHERE id = ?1
                   AND id IN (SELECT message_id FROM drafts)",
                [old],
            )?;
        }
        tx.execute(
            "INSERT INTO messages (account_id, folder_id, size, from_addr, to_addr, subject,
                                   date, received_at, read, digest)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9)",
            params![
                account,
                drafts,
                i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                summary.from,
                summary.to,
                summary.subject,
                now,
                now,
                &fingerprint(bytes)[..],
            ],
        )?;
        let id = tx.last_insert_rowid();
        super::messages::write_body(&tx, id, &mut body)?;
        tx.execute(
            "INSERT INTO drafts (message_id, typed, saved_at) VALUES (?1, ?2, ?3)",
            params![id, typed, now],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// What was typed in draft `id`; None when it is not a draft (sent, or deleted).
    pub fn draft(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT typed FROM drafts WHERE message_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Deletes draft `id` for good (it was sent, or thrown away); anything else is left
    /// alone.
    pub fn delete_draft(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM messages WHERE id = ?1 AND id IN (SELECT message_id FROM drafts)",
            [id],
        )?;
        Ok(())
    }

    /// The From and To of every stored message not in the Trash, as the list shows them:
    /// what address completion learns from.
    pub fn address_fields(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT from_addr, to_addr FROM messages WHERE trashed_at IS NULL")?;
        let mut fields = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..2 {
                if let Some(field) = row.get::<_, Option<String>>(i)? {
                    fields.push(field);
                }
            }
        }
        Ok(fields)
    }

    /// How many drafts there are (not in the Trash).
    pub fn draft_count(&self) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM drafts d JOIN messages m ON m.id = d.message_id
             WHERE m.trashed_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(subject: &str) -> Vec<u8> {
        format!("From: a@example.org\r\nSubject: {subject}\r\n\r\nText\r\n").into_bytes()
    }

    #[test]
    fn a_draft_saved_again_replaces_the_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
        let first = store
            .save_draft(None, None, &message("一"), "{\"n\":1}")
            .unwrap();
        let second = store
            .save_draft(Some(first), None, &message("二"), "{\"n\":2}")
            .unwrap();
        // (The id may be the same again: the row was replaced.)
        assert_eq!(store.draft(second).unwrap().as_deref(), Some("{\"n\":2}"));
        assert_eq!(store.raw_message(second).unwrap(), message("二"));
        assert_eq!(store.draft_count().unwrap(), 1);
        let drafts = store.role_folder(Role::Drafts).unwrap();
        let listed = store.list(View::Folder(drafts), 10, 0).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].subject, "二");

        // Only drafts are deleted as drafts.
        let account = store
            .add_account(&crate::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "u".into(),
                ..Default::default()
            })
            .unwrap();
        let raw = message("not a draft");
        let summary = crate::mail::summarize(&raw);
        let kept = store
            .insert_message(account.id, Some("u1"), &raw, &summary)
            .unwrap();
        store.delete_draft(second).unwrap();
        store.delete_draft(kept).unwrap();
        assert_eq!(store.draft(second).unwrap(), None);
        assert_eq!(store.draft_count().unwrap(), 0);
        assert_eq!(store.raw_message(kept).unwrap(), raw);
    }
}
