//! Holding one message while it arrives: in memory while small, in an unnamed temporary
//! file once large, so a 200 MB message never sits in memory.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

/// A digest of bytes, 16 of them.
pub type Fingerprint = [u8; 16];

/// The MD5 digest of `bytes`: what messages were stored with before [`body_digest`] (their
/// rows keep it, and a duplicate of one is found by it), and the digest of a message's
/// headers that names a message by UIDL, size and headers (`sync::plan::composite`) in
/// records kept since.
pub fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Md5::digest(bytes).into()
}

/// The digest a message is stored with, for finding it again by its bytes: the first 16
/// bytes of its BLAKE3 hash. Faster than MD5 (which took a seventh of a fetch's CPU time),
/// and no one can make two messages share it,
/// which someone can with MD5: a message stored from a temporary file is taken for a
/// duplicate by its digest and size alone.
pub fn body_digest(bytes: &[u8]) -> Fingerprint {
    truncated(blake3::hash(bytes))
}

fn truncated(hash: blake3::Hash) -> Fingerprint {
    let mut digest = [0; 16];
    digest.copy_from_slice(&hash.as_bytes()[..16]);
    digest
}

/// Messages up to this size stay in memory.
pub const IN_MEMORY: usize = 4 << 20;

/// A message's bytes, in memory or in a temporary file.
#[derive(Debug)]
pub enum Body {
    Memory(Vec<u8>),
    File { file: File, len: u64 },
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Memory(v) => v.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `max` bytes (all of them in memory): enough for the headers. A file is
    /// left where it was read from.
    pub fn head(&mut self, max: usize) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        use std::io::{Read, Seek, SeekFrom};
        match self {
            Body::Memory(v) => Ok(std::borrow::Cow::Borrowed(&v[..])),
            Body::File { file, .. } => {
                let at = file.stream_position()?;
                file.seek(SeekFrom::Start(0))?;
                let mut head = Vec::with_capacity(max.min(1 << 20));
                let read = Read::by_ref(file).take(max as u64).read_to_end(&mut head);
                file.seek(SeekFrom::Start(at))?;
                read?;
                Ok(std::borrow::Cow::Owned(head))
            }
        }
    }

    /// Bytes held in memory (what a batch must budget for).
    pub fn memory(&self) -> usize {
        match self {
            Body::Memory(v) => v.len(),
            Body::File { .. } => 0,
        }
    }
}

/// Collects a message line by line.
///
/// The digest is taken over large pieces (the whole message in memory, or each piece
/// written to the file), never line by line: BLAKE3 hashes many 1 KB chunks at once only
/// when it is given them at once, and fed a line at a time it ran at a fraction of that
/// speed (a tenth of a fetch's CPU time).
pub struct Spool {
    dir: PathBuf,
    memory: Vec<u8>,
    /// Once the message spilled: the file, and `memory` holds what is not written yet.
    file: Option<File>,
    len: u64,
    hasher: blake3::Hasher,
    error: Option<io::Error>,
    /// The most this spool keeps; beyond it the message only counts its bytes.
    limit: u64,
}

impl Spool {
    /// Large messages spill into an unnamed file in `dir` (the data folder, so the bytes
    /// stay on the disk the database is on).
    pub fn new(dir: &Path) -> Spool {
        Spool {
            dir: dir.to_path_buf(),
            memory: Vec::new(),
            file: None,
            len: 0,
            hasher: blake3::Hasher::new(),
            error: None,
            limit: u64::MAX,
        }
    }

    /// A spool that keeps at most `limit` bytes: a longer message is drained and counted
    /// but not kept (see [`Spool::too_large`]).
    pub fn with_limit(dir: &Path, limit: u64) -> Spool {
        Spool {
            limit,
            ..Spool::new(dir)
        }
    }

    /// Makes room for a message the server says is `size` bytes (LIST), so that it is
    /// not copied again and again as it grows. The server's figure is only a hint: at
    /// most [`Spool::RESERVE`] is taken on its word, and [`Spool::finish`] gives back
    /// what a smaller message left unused.
    pub fn reserve(&mut self, size: Option<u64>) {
        let want = size.unwrap_or(0).min(self.limit).min(Self::RESERVE as u64);
        self.memory.reserve(usize::try_from(want).unwrap_or(0));
    }

    /// The most [`Spool::reserve`] takes on the server's word.
    const RESERVE: usize = 1 << 20;

    /// The bytes that arrived, when more than the limit did.
    pub fn too_large(&self) -> Option<u64> {
        (self.len > self.limit).then_some(self.len)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.len = self.len.saturating_add(bytes.len() as u64);
        if self.len > self.limit {
            // Nothing more is kept; what was is given back at once.
            self.memory = Vec::new();
            self.file = None;
            return;
        }
        if self.error.is_some() {
            return;
        }
        self.memory.extend_from_slice(bytes);
        if self.file.is_some() {
            if self.memory.len() >= Self::PIECE {
                self.write_out();
            }
        } else if self.memory.len() > IN_MEMORY {
            match tempfile::tempfile_in(&self.dir) {
                Ok(file) => {
                    self.file = Some(file);
                    self.write_out();
                    // From now on only a piece at a time is held.
                    self.memory = Vec::with_capacity(Self::PIECE + (64 << 10));
                }
                Err(e) => self.error = Some(e),
            }
        }
    }

    /// Lines arrive a few dozen bytes at a time: a spilled message is written out (and
    /// hashed) in pieces of this size.
    const PIECE: usize = 256 << 10;

    /// Hashes and writes out what `memory` holds, into the spill file.
    fn write_out(&mut self) {
        let Some(file) = &mut self.file else { return };
        self.hasher.update(&self.memory);
        if let Err(e) = file.write_all(&self.memory) {
            self.error = Some(e);
        }
        self.memory.clear();
    }

    /// The collected bytes and their [`body_digest`], or the first write error (a full
    /// disk, say).
    pub fn finish(mut self) -> io::Result<(Body, Fingerprint)> {
        if let Some(len) = self.too_large() {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("a message of {len} bytes is larger than Poplar can store"),
            ));
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.file.is_some() {
            self.write_out();
            if let Some(e) = self.error {
                return Err(e);
            }
        }
        match self.file {
            None => {
                let mut memory = self.memory;
                // A server that said more than it sent leaves no room held in a batch.
                if memory.capacity() - memory.len() > 4096 {
                    memory.shrink_to_fit();
                }
                let digest = body_digest(&memory);
                Ok((Body::Memory(memory), digest))
            }
            Some(mut file) => {
                file.seek(SeekFrom::Start(0))?;
                Ok((
                    Body::File {
                        file,
                        len: self.len,
                    },
                    truncated(self.hasher.finalize()),
                ))
            }
        }
    }
}

/// Keeps the header block of a message as it streams past, for the list's columns. The
/// message may arrive in pieces of any size; the block ends at the first empty line.
#[derive(Debug, Default)]
pub struct HeaderCapture {
    bytes: Vec<u8>,
    done: bool,
}

impl HeaderCapture {
    /// Headers beyond this are not needed for the list and are not kept.
    const MAX: usize = 256 << 10;

    pub fn push(&mut self, piece: &[u8]) {
        if self.done {
            return;
        }
        let from = self.bytes.len();
        let take = piece.len().min(Self::MAX - from);
        self.bytes.extend_from_slice(&piece[..take]);
        // Only the new bytes (and the two before them) can complete the empty line.
        for i in from.saturating_sub(2)..self.bytes.len() {
            if self.bytes[i] != b'\n' {
                continue;
            }
            let b = &self.bytes;
            let empty_line =
                i == 0 || b[i - 1] == b'\n' || (b[i - 1] == b'\r' && (i == 1 || b[i - 2] == b'\n'));
            if empty_line {
                self.bytes.truncate(i + 1);
                self.done = true;
                return;
            }
        }
        if take < piece.len() {
            self.done = true;
        }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn small_stays_in_memory_large_spills_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut small = Spool::new(dir.path());
        small.write(b"hello\r\n");
        let (body, digest) = small.finish().unwrap();
        assert!(matches!(body, Body::Memory(v) if v == b"hello\r\n"));
        assert_eq!(digest, body_digest(b"hello\r\n"));
        assert_ne!(digest, fingerprint(b"hello\r\n"));

        let mut big = Spool::new(dir.path());
        let line = vec![b'x'; 1000];
        let mut expected = Vec::new();
        for _ in 0..(IN_MEMORY / 1000 + 10) {
            big.write(&line);
            expected.extend_from_slice(&line);
        }
        let (body, digest) = big.finish().unwrap();
        assert_eq!(digest, body_digest(&expected));
        match body {
            Body::File { mut file, len } => {
                assert_eq!(len, expected.len() as u64);
                let mut back = Vec::new();
                file.read_to_end(&mut back).unwrap();
                assert_eq!(back, expected);
            }
            Body::Memory(_) => panic!("should have spilled"),
        }
        // The spill file is unnamed: nothing is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn the_digest_and_bytes_do_not_depend_on_how_the_message_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let message: Vec<u8> = (0..IN_MEMORY + 700_000)
            .map(|i| (i % 251) as u8 ^ (i >> 13) as u8)
            .collect();
        for len in [IN_MEMORY - 1, IN_MEMORY, IN_MEMORY + 1, message.len()] {
            let message = &message[..len];
            for piece in [3, 77, 100_000, Spool::PIECE + 1, message.len()] {
                let mut spool = Spool::new(dir.path());
                for bytes in message.chunks(piece) {
                    spool.write(bytes);
                }
                let (body, digest) = spool.finish().unwrap();
                assert_eq!(
                    digest,
                    body_digest(message),
                    "{len} bytes in pieces of {piece}"
                );
                let back = match body {
                    Body::Memory(v) => v,
                    Body::File { mut file, .. } => {
                        let mut back = Vec::new();
                        file.read_to_end(&mut back).unwrap();
                        back
                    }
                };
                assert!(back == message, "{len} bytes in pieces of {piece}");
            }
        }
    }

    #[test]
    fn header_capture_stops_at_the_blank_line() {
        let mut h = HeaderCapture::default();
        for line in [&b"Subject: x\r\n"[..], b"\r\n", b"body\r\n"] {
            h.push(line);
        }
        assert_eq!(h.bytes(), b"Subject: x\r\n\r\n");
    }

    #[test]
    fn header_capture_takes_pieces_of_any_size() {
        let message = b"Subject: x\r\nFrom: y\r\n\r\nbody\r\n\r\nmore";
        for size in 1..message.len() {
            let mut h = HeaderCapture::default();
            for piece in message.chunks(size) {
                h.push(piece);
            }
            assert_eq!(
                h.bytes(),
                b"Subject: x\r\nFrom: y\r\n\r\n",
                "pieces of {size}"
            );
        }
        let mut h = HeaderCapture::default();
        h.push(b"\r\nbody");
        assert_eq!(h.bytes(), b"\r\n");
        let mut h = HeaderCapture::default();
        h.push(b"A: b\n\nbody");
        assert_eq!(h.bytes(), b"A: b\n\n");
    }

    #[test]
    fn a_reserved_spool_gives_back_what_a_smaller_message_left() {
        let dir = tempfile::tempdir().unwrap();
        // The server said 1 GB and sent 7 bytes: at most 1 MB was taken on its word, and
        // none of it is kept.
        let mut spool = Spool::new(dir.path());
        spool.reserve(Some(1 << 30));
        assert!(spool.memory.capacity() <= Spool::RESERVE);
        spool.write(b"hello\r\n");
        let (body, digest) = spool.finish().unwrap();
        assert_eq!(digest, body_digest(b"hello\r\n"));
        match body {
            Body::Memory(v) => {
                assert_eq!(v, b"hello\r\n");
                assert!(v.capacity() < 4096, "capacity {}", v.capacity());
            }
            Body::File { .. } => panic!("a small message stays in memory"),
        }
        // What the server said, when it is true, is taken whole, and kept.
        let mut spool = Spool::new(dir.path());
        spool.reserve(Some(5000));
        let capacity = spool.memory.capacity();
        spool.write(&[b'x'; 5000]);
        assert_eq!(spool.memory.capacity(), capacity, "no growing");
        // A limit smaller than the claim bounds the room too.
        let mut spool = Spool::with_limit(dir.path(), 10);
        spool.reserve(Some(5000));
        assert!(spool.memory.capacity() < 5000);
    }

    #[test]
    fn a_spool_over_its_limit_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::with_limit(dir.path(), 10);
        spool.write(b"0123456789");
        assert_eq!(spool.too_large(), None);
        spool.write(b"x");
        assert_eq!(spool.too_large(), Some(11));
    }
}
