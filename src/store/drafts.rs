//! Drafts: what is being written, saved as it is written so that a crash loses at most
//! the last few seconds. Each is a message in the built-in Drafts folder (its bytes as
//! they would be sent) with what was typed kept beside it.

use rusqlite::{OptionalExtension, params};

use super::outbox::Role;
use super::*;
use crate::accounts::AccountId;
use crate::compose::Attachment;

/// A draft's files: None when they did not change since the last save.
pub type DraftFiles<'a> = Option<&'a [Attachment]>;

impl Store {
    /// Saves a draft: a new one (`id` None) or draft `id` again, in place, its id
    /// unchanged. Its text as a message in the Drafts folder, `typed` beside it, and its
    /// files when they changed. None when `id` is no longer a draft (it was sent or thrown
    /// away meanwhile): nothing is written.
    pub fn save_draft(
        &mut self,
        id: Option<i64>,
        account: Option<AccountId>,
        bytes: &[u8],
        typed: &str,
        files: DraftFiles<'_>,
    ) -> Result<Option<i64>> {
        let drafts = self.role_folder(Role::Drafts)?;
        let summary = crate::mail::summarize(bytes);
        let mut body = Body::Memory(bytes.to_vec());
        let now = now();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let digest = body_digest(bytes);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = match id {
            Some(id) => {
                let updated = tx.execute(
                    "UPDATE messages SET account_id = ?2, size = ?3, from_addr = ?4,
                            to_addr = ?5, subject = ?6, date = ?7, received_at = ?7,
                            digest = ?8
                     WHERE id = ?1 AND id IN (SELECT message_id FROM drafts)",
                    params![
                        id,
                        account,
                        size,
                        summary.from,
                        summary.to,
                        summary.subject,
                        now,
                        &digest[..]
                    ],
                )?;
                if updated == 0 {
                    return Ok(None);
                }
                tx.execute(
                    "UPDATE drafts SET typed = ?2, saved_at = ?3 WHERE message_id = ?1",
                    params![id, typed, now],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO messages (account_id, folder_id, size, from_addr, to_addr,
                                           subject, date, received_at, read, digest)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1, ?8)",
                    params![
                        account,
                        drafts,
                        size,
                        summary.from,
                        summary.to,
                        summary.subject,
                        now,
                        &digest[..]
                    ],
                )?;
                let id = tx.last_insert_rowid();
                tx.execute(
                    "INSERT INTO drafts (message_id, typed, saved_at) VALUES (?1, ?2, ?3)",
                    params![id, typed, now],
                )?;
                id
            }
        };
        super::bodies::replace_body(&tx, id, &mut body)?;
        if let Some(files) = files {
            tx.execute("DELETE FROM draft_files WHERE message_id = ?1", [id])?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO draft_files (message_id, position, name, content_type, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (position, file) in files.iter().enumerate() {
                insert.execute(params![
                    id,
                    i64::try_from(position).unwrap_or(i64::MAX),
                    file.name,
                    file.content_type,
                    file.bytes
                ])?;
            }
        }
        tx.commit()?;
        Ok(Some(id))
    }

    /// What was typed in draft `id`, and its files; None when it is not a draft (sent,
    /// or deleted).
    pub fn draft(&self, id: i64) -> Result<Option<(String, Vec<Attachment>)>> {
        let Some(typed) = self
            .conn
            .query_row(
                "SELECT typed FROM drafts WHERE message_id = ?1",
                [id],
                |r| r.get::<_, String>(0),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT name, content_type, bytes FROM draft_files WHERE message_id = ?1
             ORDER BY position",
        )?;
        let files = stmt
            .query_map([id], |r| {
                Ok(Attachment {
                    name: r.get(0)?,
                    content_type: r.get(1)?,
                    bytes: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some((typed, files)))
    }

    /// Deletes draft `id` for good (it was sent); anything else is left alone.
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

    /// How many drafts the Drafts folder holds (not in the Trash).
    pub fn draft_count(&self) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM drafts d JOIN messages m ON m.id = d.message_id
             JOIN folders f ON f.id = m.folder_id
             WHERE m.trashed_at IS NULL AND f.role = 'drafts'",
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

    fn file(name: &str) -> Attachment {
        Attachment {
            name: name.into(),
            content_type: "application/pdf".into(),
            bytes: vec![0, 1, 2, 255],
        }
    }

    #[test]
    fn a_draft_is_saved_again_in_place_with_its_files_kept_until_they_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
        let files = [file("見積.pdf")];
        let id = store
            .save_draft(None, None, &message("一"), "{\"n\":1}", Some(&files))
            .unwrap()
            .unwrap();
        let again = store
            .save_draft(Some(id), None, &message("二"), "{\"n\":2}", None)
            .unwrap();
        assert_eq!(again, Some(id), "the same draft, in place");
        let (typed, kept) = store.draft(id).unwrap().unwrap();
        assert_eq!(typed, "{\"n\":2}");
        assert_eq!(kept, files, "unchanged files are kept");
        assert_eq!(store.raw_message(id).unwrap(), message("二"));
        assert_eq!(store.draft_count().unwrap(), 1);
        let drafts = store.role_folder(Role::Drafts).unwrap();
        let listed = store.list(View::Folder(drafts), 10, 0).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].subject, "二");
        store
            .save_draft(Some(id), None, &message("三"), "{}", Some(&[]))
            .unwrap();
        assert!(store.draft(id).unwrap().unwrap().1.is_empty());

        // Sent meanwhile: a late save writes nothing and makes no new draft.
        store.delete_draft(id).unwrap();
        let late = store
            .save_draft(Some(id), None, &message("四"), "{}", None)
            .unwrap();
        assert_eq!(late, None);
        assert_eq!(store.draft(id).unwrap(), None);
        assert_eq!(store.draft_count().unwrap(), 0);
    }

    #[test]
    fn only_drafts_are_deleted_or_saved_over_as_drafts() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
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
        store.delete_draft(kept).unwrap();
        let saved = store
            .save_draft(Some(kept), None, &message("x"), "{}", None)
            .unwrap();
        assert_eq!(saved, None);
        assert_eq!(store.raw_message(kept).unwrap(), raw);
        // A draft moved out of Drafts, or in the Trash, is not counted there.
        let id = store
            .save_draft(None, None, &message("d"), "{}", None)
            .unwrap()
            .unwrap();
        assert_eq!(store.draft_count().unwrap(), 1);
        store.trash(&[id]).unwrap();
        assert_eq!(store.draft_count().unwrap(), 0);
        store.restore(&[id]).unwrap();
        assert_eq!(store.draft_count().unwrap(), 1);
    }
}
