//! Writing a message's bytes into its row: bound to the statement when small, streamed
//! into a zero-filled placeholder when large, from memory or from the temporary file a
//! fetch spooled it into.

use rusqlite::params;

use super::*;

/// Replaces a message's bytes (a draft saved again, a partial message completed).
pub(super) fn replace_body(tx: &rusqlite::Transaction<'_>, id: i64, body: &mut Body) -> Result<()> {
    tx.prepare_cached("DELETE FROM message_bodies WHERE message_id = ?1")?
        .execute([id])?;
    write_body(tx, id, body)
}

/// Bodies larger than this are written into a zero-filled placeholder with incremental
/// BLOB I/O rather than bound to the statement, which SQLite would copy twice (the bound
/// value, then the record it builds) before it copies it into the pages.
const STREAMED: u64 = 64 << 10;

/// Bodies up to this size are written with the page cache grown to hold all of them
/// (below). A larger one is written through the cache as it is: pages of its
/// placeholder are written to the WAL, read back and written again.
const CACHED: u64 = 32 << 20;

/// Writes the bytes of new message `id` (a plain INSERT: INSERT OR REPLACE would open a
/// statement journal, into which SQLite copies every page it spills mid-statement). A
/// large body goes into a zero-filled placeholder, the row's last column, which SQLite
/// does not build in memory, so a 200 MB message never sits in memory here.
pub(super) fn write_body(tx: &rusqlite::Transaction<'_>, id: i64, body: &mut Body) -> Result<()> {
    let len = body.len();
    let value = match &*body {
        Body::Memory(bytes) if len <= STREAMED => {
            rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Blob(bytes))
        }
        _ => rusqlite::types::ToSqlOutput::ZeroBlob(
            i32::try_from(len).map_err(|_| Error::TooLarge(len))?,
        ),
    };
    let streamed = matches!(value, rusqlite::types::ToSqlOutput::ZeroBlob(_));
    // SQLite's page cache (2 MB) is smaller than a large body: the placeholder's pages
    // would be written to the WAL as the cache fills, then each read back to be filled in
    // and written again. Grown to hold the body, the cache writes each page once, at
    // commit. It is shrunk back right after; the pages written stay in it until the
    // commit or the next spill writes them out, once.
    let _grown = (streamed && len <= CACHED)
        .then(|| GrownCache::new(tx, len))
        .transpose()?;
    tx.prepare_cached("INSERT INTO message_bodies (message_id, raw) VALUES (?1, ?2)")?
        .execute(params![id, value])?;
    if !streamed {
        return Ok(());
    }
    let mut blob = tx.blob_open(rusqlite::MAIN_DB, c"message_bodies", c"raw", id, false)?;
    let written = match body {
        Body::Memory(bytes) => std::io::Write::write_all(&mut blob, bytes),
        // In large pieces: each write is a walk into the BLOB.
        Body::File { file, .. } => {
            let mut copied = 0u64;
            read_pieces(file, |piece| {
                copied += piece.len() as u64;
                std::io::Write::write_all(&mut blob, piece).map(|()| true)
            })
            .and_then(|_| {
                // A file shorter than the message it holds would leave zeros in the row
                // (a longer one fails to fit the placeholder).
                (copied == len).then_some(()).ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("the temporary file held {copied} of {len} bytes"),
                    )
                })
            })
        }
    };
    written.map_err(Error::io(IoAction::WriteMessage))
}

/// The writer's page cache grown by a body's size, for as long as the body is written.
struct GrownCache<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    before: i64,
}

impl<'a> GrownCache<'a> {
    fn new(tx: &'a rusqlite::Transaction<'a>, len: u64) -> Result<GrownCache<'a>> {
        let before: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        // `before` is in KiB when negative, in pages when positive. The body and 2 MB
        // for the pages the rest of the batch touches, and never less than before.
        let page: i64 = tx.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let had = if before < 0 {
            -before
        } else {
            before.saturating_mul(page) >> 10
        };
        let kib = (i64::try_from(len >> 10).unwrap_or(i64::MAX / 2) + 2048).max(had);
        tx.pragma_update(None, "cache_size", -kib)?;
        Ok(GrownCache { tx, before })
    }
}

impl Drop for GrownCache<'_> {
    fn drop(&mut self) {
        // Only memory is at stake if this fails: the cache stays larger until the
        // connection closes.
        let _ = self.tx.pragma_update(None, "cache_size", self.before);
    }
}

/// Reads a body held in a file from its start, in pieces of 256 KB (each read is a system
/// call), handing each to `each` until it says to stop; the file is left at its start
/// again. Whether every piece was taken.
pub(super) fn read_pieces(
    file: &mut std::fs::File,
    mut each: impl FnMut(&[u8]) -> std::io::Result<bool>,
) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    let mut piece = vec![0; 256 << 10];
    let all = loop {
        let n = match file.read(&mut piece) {
            Ok(0) => break true,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if !each(&piece[..n])? {
            break false;
        }
    };
    file.seek(SeekFrom::Start(0))?;
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::test_store as store;

    fn cache_size(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap()
    }

    /// Bytes of `len` that differ from page to page, so a page written twice, missed or
    /// written in the wrong place shows.
    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 + i / 16_384) as u8).collect()
    }

    #[test]
    fn bodies_of_every_size_read_back_byte_for_byte_from_memory_or_a_file() {
        let (_dir, mut store, account) = store();
        let before = cache_size(&store);
        let streamed = STREAMED as usize;
        let sizes = [
            0,
            1,
            streamed - 1,
            streamed,
            streamed + 1,
            3 << 20,
            CACHED as usize + 70_000,
        ];
        for len in sizes {
            for in_file in [false, true] {
                let raw = bytes(len);
                let mut m = NewMessage::from_bytes(Some(format!("{len}-{in_file}").into()), vec![]);
                m.body = if in_file {
                    let mut file = tempfile::tempfile().unwrap();
                    std::io::Write::write_all(&mut file, &raw).unwrap();
                    Body::File {
                        file,
                        len: len as u64,
                    }
                } else {
                    Body::Memory(raw.clone())
                };
                let id = store.insert_batch(account, &mut [m]).unwrap()[0];
                assert!(
                    store.raw_message(id).unwrap() == raw,
                    "{len} bytes, in a file: {in_file}"
                );
                // The cache grown for a large body is given back.
                assert_eq!(cache_size(&store), before, "{len} bytes");
            }
        }
    }

    #[test]
    fn a_temporary_file_shorter_than_its_message_is_refused_and_nothing_is_stored() {
        let (_dir, mut store, account) = store();
        let raw = bytes(300_000);
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &raw).unwrap();
        let mut m = NewMessage::from_bytes(Some("short".into()), vec![]);
        m.body = Body::File {
            file,
            len: raw.len() as u64 + 10,
        };
        assert!(store.insert_batch(account, &mut [m]).is_err());
        let stored: i64 = store
            .conn
            .query_row("SELECT count(*) FROM message_bodies", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 0);
    }

    #[test]
    fn a_body_written_again_replaces_the_first() {
        let (_dir, mut store, account) = store();
        let id = store
            .insert_batch(account, &mut [NewMessage::from_bytes(None, bytes(300_000))])
            .unwrap()[0];
        for len in [10, 400_000, 20] {
            let tx = store.conn.transaction().unwrap();
            replace_body(
                &tx,
                id,
                &mut Body::Memory(bytes(len).into_iter().rev().collect()),
            )
            .unwrap();
            tx.commit().unwrap();
            let want: Vec<u8> = bytes(len).into_iter().rev().collect();
            assert!(store.raw_message(id).unwrap() == want, "{len} bytes");
        }
    }
}
