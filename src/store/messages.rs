//! Storing downloaded and imported messages, and completing partial ones.

use rusqlite::{OptionalExtension, params};

use crate::rules::Decision;

use super::bodies::{read_pieces, replace_body, write_body};
use super::*;

impl Store {
    /// Stores a downloaded message and records its UIDL in one transaction. When this
    /// returns, both are on disk.
    pub fn insert_message(
        &mut self,
        account_id: AccountId,
        uidl: Option<&str>,
        raw: &[u8],
        summary: &Summary,
    ) -> Result<i64> {
        let mut batch = [NewMessage {
            uidl: uidl.map(Uidl::from),
            body: Body::Memory(raw.to_vec()),
            summary: summary.clone(),
            server_size: None,
            digest: body_digest(raw),
            dedupe: false,
            duplicate: false,
            sorted: None,
        }];
        Ok(self.insert_batch(account_id, &mut batch)?[0])
    }

    /// Stores downloaded messages and records their UIDLs, all in one transaction: when
    /// this returns, every one of them is on disk (synchronous=FULL), or none is.
    pub fn insert_batch(
        &mut self,
        account_id: AccountId,
        batch: &mut [NewMessage],
    ) -> Result<Vec<i64>> {
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
        account_id: Option<AccountId>,
        folder: Option<i64>,
        batch: &mut [NewMessage],
    ) -> Result<Vec<i64>> {
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(batch.len());
        let mut folders = super::rules::Folders::new();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO messages (account_id, uidl, size, from_addr, to_addr, subject, date, received_at, partial, server_size, folder_id, digest, read, flagged, trashed_at, junk_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?;
            let mut same = tx.prepare_cached(
                "SELECT m.id FROM messages m JOIN message_bodies b ON b.message_id = m.id
                 WHERE m.account_id = ?1 AND m.digest IN (?2, ?6) AND m.size = ?3 AND m.partial = ?4
                   AND (?5 IS NULL OR b.raw = ?5)",
            )?;
            for m in batch.iter_mut() {
                let len = m.body.len();
                if m.dedupe
                    && let Some(account_id) = account_id
                    && let Some(id) = stored_copy(&tx, &mut same, account_id, m)?
                {
                    // The server sent again a message stored here: keep the one copy.
                    if let Some(uidl) = &m.uidl {
                        record_uidl(&tx, account_id, uidl, id, now, m.server_size.is_some())?;
                    }
                    m.duplicate = true;
                    ids.push(id);
                    continue;
                }
                let size = i64::try_from(m.server_size.unwrap_or(len)).unwrap_or(i64::MAX);
                // The rules' decision goes in with the message: filed, marked, and never
                // seen in the inbox before it moves.
                let none = Decision::default();
                let decided = m.sorted.as_ref().unwrap_or(&none);
                let filed = super::rules::folder_of(&tx, decided, now, &mut folders)?;
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
                    filed.or(folder),
                    &m.digest[..],
                    decided.read,
                    decided.flag,
                    decided.delete.then_some(now),
                    decided.junk.then_some(now),
                ];
                insert.execute(columns)?;
                let id = tx.last_insert_rowid();
                write_body(&tx, id, &mut m.body)?;
                if let (Some(account_id), Some(uidl)) = (account_id, &m.uidl) {
                    record_uidl(&tx, account_id, uidl, id, now, m.server_size.is_some())?;
                }
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok(ids)
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
        replace_body(&tx, id, body)?;
        // The whole is here now: the retention applies, counted from this download.
        tx.execute(
            "UPDATE uidls SET partial = 0, downloaded_at = ?2 WHERE message_id = ?1",
            params![id, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The account, UIDL and partial flag of a message.
    /// An imported message has no account: [`Error::NoAccountFor`].
    pub fn message_origin(&self, id: i64) -> Result<(AccountId, Option<Uidl>, bool)> {
        let (account, uidl, partial) = self
            .conn
            .query_row(
                "SELECT account_id, uidl, partial FROM messages WHERE id = ?1",
                [id],
                |r| Ok((r.get::<_, Option<AccountId>>(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(Error::NoSuchMessage(id))?;
        Ok((account.ok_or(Error::NoAccountFor(id))?, uidl, partial))
    }
}

/// The MD5 digest of a message's bytes, as messages were stored with before BLAKE3
/// ([`fingerprint`]): asked only for a message that may be a duplicate. A body in a file
/// is read through and left at its start.
fn legacy_digest(body: &mut Body) -> Result<Fingerprint> {
    use md5::{Digest, Md5};
    match body {
        Body::Memory(bytes) => Ok(fingerprint(bytes)),
        Body::File { file, .. } => {
            let mut hasher = Md5::new();
            read_pieces(file, |piece| {
                hasher.update(piece);
                Ok(true)
            })
            .map_err(Error::io(IoAction::WriteMessage))?;
            Ok(hasher.finalize().into())
        }
    }
}

/// The stored message of `account_id` with the bytes of `m`, if there is one: found by
/// its digest and size, then compared byte for byte (in the query `same` for a body in
/// memory; stored row by stored row for one in a file, since a digest and a size alone are
/// not the bytes).
fn stored_copy(
    tx: &rusqlite::Transaction<'_>,
    same: &mut rusqlite::CachedStatement<'_>,
    account_id: AccountId,
    m: &mut NewMessage,
) -> Result<Option<i64>> {
    // Messages stored before BLAKE3 digests have MD5 ones.
    let legacy = legacy_digest(&mut m.body)?;
    let bytes = match &m.body {
        Body::Memory(bytes) => Some(&bytes[..]),
        Body::File { .. } => None,
    };
    let size = m.server_size.unwrap_or(m.body.len()) as i64;
    let params = params![
        account_id,
        &m.digest[..],
        size,
        m.server_size.is_some(),
        bytes,
        &legacy[..]
    ];
    let candidates = same
        .query_map(params, |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for id in candidates {
        if stored_bytes_are(tx, id, &mut m.body)? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Whether the stored message `id` has exactly the bytes of `body`. A body in memory was
/// compared by the query that found `id`; one in a file is read through against the
/// stored bytes, a piece at a time, and left at its start.
fn stored_bytes_are(tx: &rusqlite::Transaction<'_>, id: i64, body: &mut Body) -> Result<bool> {
    use std::io::{Read, Seek};
    let Body::File { file, len } = body else {
        return Ok(true);
    };
    let mut stored = tx.blob_open(rusqlite::MAIN_DB, c"message_bodies", c"raw", id, true)?;
    if stored.len() as u64 != *len {
        return Ok(false);
    }
    let mut compare = || -> std::io::Result<bool> {
        let mut theirs = vec![0; 256 << 10];
        let all = read_pieces(file, |ours| {
            let got = &mut theirs[..ours.len()];
            Ok(stored.read_exact(got).is_ok() && got[..] == *ours)
        })?;
        // The file ended: where the stored bytes do?
        Ok(all && stored.stream_position()? == *len)
    };
    compare().map_err(Error::io(IoAction::ReadMessage))
}

/// Records that `uidl` of `account_id` is stored as message `id` (a new record, or one
/// that replaces what was recorded under that UIDL: its download time, partial flag and
/// deletion bookkeeping start again).
///
/// Two statements, not INSERT OR REPLACE: a REPLACE into a table with foreign keys opens a
/// statement journal, and SQLite then copies each page the statement changes (a 16 KB leaf
/// of the records) into it first, for every message stored.
fn record_uidl(
    tx: &rusqlite::Transaction<'_>,
    account_id: AccountId,
    uidl: &Uidl,
    id: i64,
    now: i64,
    partial: bool,
) -> Result<()> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO uidls (account_id, uidl, message_id, downloaded_at, partial)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account_id, uidl) DO NOTHING",
        )?
        .execute(params![account_id, uidl, id, now, partial])?;
    if inserted == 0 {
        tx.prepare_cached(
            "UPDATE uidls SET message_id = ?3, downloaded_at = ?4, partial = ?5,
                              deleted_on_server = 0, missing_since = NULL
             WHERE account_id = ?1 AND uidl = ?2",
        )?
        .execute(params![account_id, uidl, id, now, partial])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::test_store as store;

    /// A message the server sends again under no UIDL, held as a fetch holds it: in
    /// memory, or in a temporary file as a large one is.
    fn again(raw: &[u8], in_file: bool) -> NewMessage {
        let mut m = NewMessage::from_bytes(None, raw.to_vec());
        m.dedupe = true;
        if in_file {
            let mut file = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut file, raw).unwrap();
            std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).unwrap();
            m.body = Body::File {
                file,
                len: raw.len() as u64,
            };
        }
        m
    }

    /// Gives a stored message another digest: as an earlier release stored it, or as a
    /// collision would.
    fn set_digest(store: &Store, id: i64, digest: &Fingerprint) {
        store
            .conn
            .execute(
                "UPDATE messages SET digest = ?2 WHERE id = ?1",
                params![id, &digest[..]],
            )
            .unwrap();
    }

    #[test]
    fn a_uidl_stored_again_starts_its_record_afresh() {
        let (_dir, mut store, account) = store();
        let record = |store: &Store| -> (i64, bool, bool, Option<i64>) {
            store
                .conn
                .query_row(
                    "SELECT message_id, partial, deleted_on_server, missing_since FROM uidls
                     WHERE account_id = ?1 AND uidl = 'u1'",
                    [account],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap()
        };
        let mut headers = NewMessage::from_bytes(Some("u1".into()), b"Subject: a\r\n\r\n".to_vec());
        headers.server_size = Some(5_000);
        let first = store.insert_batch(account, &mut [headers]).unwrap()[0];
        assert_eq!(record(&store), (first, true, false, None));
        store
            .conn
            .execute(
                "UPDATE uidls SET deleted_on_server = 1, missing_since = 7",
                [],
            )
            .unwrap();
        let whole =
            NewMessage::from_bytes(Some("u1".into()), b"Subject: a\r\n\r\nall\r\n".to_vec());
        let second = store.insert_batch(account, &mut [whole]).unwrap()[0];
        assert_ne!(first, second);
        assert_eq!(record(&store), (second, false, false, None));
    }

    #[test]
    fn a_message_stored_with_an_md5_digest_is_still_found_again() {
        let (_dir, mut store, account) = store();
        let raw = b"Subject: once\r\n\r\nstored before BLAKE3\r\n";
        let other = b"Subject: twice\r\n\r\nstored before BLAKE3\r\n";
        let id = store
            .insert_batch(account, &mut [again(raw, false)])
            .unwrap()[0];
        // As an earlier release stored it.
        set_digest(&store, id, &fingerprint(raw));
        for in_file in [false, true] {
            let mut batch = [again(raw, in_file), again(other, in_file)];
            let ids = store.insert_batch(account, &mut batch).unwrap();
            assert_eq!(ids[0], id, "in a file: {in_file}");
            assert!(batch[0].duplicate);
            assert!(!batch[1].duplicate, "the same size, other bytes");
            // The file is read from its start again to be stored.
            assert_eq!(store.raw_message(ids[1]).unwrap(), other);
            store
                .conn
                .execute("DELETE FROM messages WHERE id = ?1", [ids[1]])
                .unwrap();
        }
        assert_eq!(
            store.find_identical(raw, &body_digest(raw)).unwrap(),
            Some(id)
        );
        // Stored now, with a BLAKE3 digest, and found by it.
        let new = b"Subject: new\r\n\r\nstored with BLAKE3\r\n";
        let id = store
            .insert_batch(account, &mut [again(new, true)])
            .unwrap()[0];
        let digest: Vec<u8> = store
            .conn
            .query_row("SELECT digest FROM messages WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(digest, body_digest(new));
        let mut batch = [again(new, true)];
        assert_eq!(store.insert_batch(account, &mut batch).unwrap(), [id]);
        assert!(batch[0].duplicate);
        assert_eq!(
            store.find_identical(new, &body_digest(new)).unwrap(),
            Some(id)
        );
    }

    #[test]
    fn a_file_with_the_digest_and_size_of_a_stored_message_but_other_bytes_is_stored() {
        let (_dir, mut store, account) = store();
        let raw = b"Subject: one\r\n\r\nthe first message\r\n";
        let other = b"Subject: two\r\n\r\nthe other message\r\n";
        assert_eq!(raw.len(), other.len());
        let id = store
            .insert_batch(account, &mut [again(raw, false)])
            .unwrap()[0];
        // A digest collision, as a stranger could make with MD5 against a message stored
        // before BLAKE3: the same digest and size, other bytes, held in a file as a large
        // message is. First against the row's BLAKE3 digest, then against an MD5 one.
        for legacy in [false, true] {
            let digest = if legacy {
                set_digest(&store, id, &fingerprint(raw));
                fingerprint(raw)
            } else {
                body_digest(raw)
            };
            let mut colliding = again(other, true);
            colliding.digest = digest;
            let mut batch = [colliding];
            let ids = store.insert_batch(account, &mut batch).unwrap();
            assert!(
                !batch[0].duplicate,
                "taken for a copy of the stored message"
            );
            assert_ne!(ids[0], id);
            assert_eq!(store.raw_message(ids[0]).unwrap(), other);
            assert_eq!(store.raw_message(id).unwrap(), raw);
        }
        // The true copy, in a file, is still found, and its file is left at its start.
        let mut batch = [again(raw, true)];
        assert_eq!(store.insert_batch(account, &mut batch).unwrap(), [id]);
        assert!(batch[0].duplicate);
        let Body::File { file, .. } = &mut batch[0].body else {
            panic!("in a file");
        };
        assert_eq!(std::io::Seek::stream_position(file).unwrap(), 0);
    }

    #[test]
    fn a_copy_is_found_behind_a_stored_message_with_its_digest_and_other_bytes() {
        let (_dir, mut store, account) = store();
        let raw = b"Subject: one\r\n\r\nthe first message\r\n";
        let other = b"Subject: two\r\n\r\nthe other message\r\n";
        // Stored first, so found first: another message that took the copy's digest.
        let first = store
            .insert_batch(account, &mut [again(other, false)])
            .unwrap()[0];
        set_digest(&store, first, &body_digest(raw));
        let id = store
            .insert_batch(account, &mut [again(raw, false)])
            .unwrap()[0];
        for in_file in [false, true] {
            let mut batch = [again(raw, in_file)];
            assert_eq!(
                store.insert_batch(account, &mut batch).unwrap(),
                [id],
                "in a file: {in_file}"
            );
            assert!(batch[0].duplicate);
        }
    }
}
