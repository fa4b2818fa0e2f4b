//! Export to mbox (mboxrd) and to .eml files, byte for byte, and import of mbox files and
//! folders of .eml files (what Thunderbird, Becky! and Sylpheed users can produce) into a
//! local folder, skipping messages already here.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::mail;
use crate::paths::Paths;
use crate::store::{self, Body, NewMessage, Store, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mbox,
    Eml,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mbox" => Ok(Format::Mbox),
            "eml" => Ok(Format::Eml),
            other => Err(format!("unknown format '{other}': use mbox or eml")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} already exists; choose another name, Poplar never overwrites")]
    Exists(String),
    #[error("could not write {path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("could not read {path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("{0}")]
    Store(#[from] store::Error),
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub imported: usize,
    pub duplicates: usize,
}

/// Exports the messages of `view` to `out`: one mbox file, or a new folder of .eml files.
/// Calls `progress(done, total)` as it goes. Returns how many were exported.
pub fn export(
    paths: &Paths,
    format: Format,
    view: View,
    out: &Path,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize, Error> {
    if out.exists() {
        return Err(Error::Exists(out.display().to_string()));
    }
    let store = Store::open(&paths.database())?;
    let mut rows = store.list(view, usize::MAX >> 1, 0)?;
    rows.reverse(); // oldest first, as mail programs expect
    let total = rows.len();
    let write_error = |path: &Path| {
        let path = path.display().to_string();
        move |source| Error::Write {
            path: path.clone(),
            source,
        }
    };
    match format {
        Format::Mbox => {
            let partial = PathBuf::from(format!("{}.partial", out.display()));
            let file = File::create(&partial).map_err(write_error(&partial))?;
            let mut writer = BufWriter::with_capacity(1 << 20, file);
            for (i, row) in rows.iter().enumerate() {
                let raw = store.raw_message(row.id)?;
                write_mbox_entry(&mut writer, &row.from, row.date, &raw)
                    .map_err(write_error(&partial))?;
                progress(i + 1, total);
            }
            let file = writer
                .into_inner()
                .map_err(|e| write_error(&partial)(e.into_error()))?;
            file.sync_all().map_err(write_error(&partial))?;
            fs::rename(&partial, out).map_err(write_error(out))?;
        }
        Format::Eml => {
            fs::create_dir_all(out).map_err(write_error(out))?;
            for (i, row) in rows.iter().enumerate() {
                let path = out.join(eml_name(row.id, &row.subject));
                let mut file = File::create(&path).map_err(write_error(&path))?;
                store.copy_raw(row.id, &mut file)?;
                file.sync_all().map_err(write_error(&path))?;
                progress(i + 1, total);
            }
        }
    }
    Ok(total)
}

/// Writes one message as an .eml file, byte for byte.
pub fn export_one(paths: &Paths, id: i64, out: &Path) -> Result<(), Error> {
    if out.exists() {
        return Err(Error::Exists(out.display().to_string()));
    }
    let store = Store::open(&paths.database())?;
    let mut file = File::create(out).map_err(|source| Error::Write {
        path: out.display().to_string(),
        source,
    })?;
    store.copy_raw(id, &mut file)?;
    Ok(())
}

/// A file name for an exported message: its id (so names are unique and sort in order)
/// and a readable part of its subject.
pub fn eml_name(id: i64, subject: &str) -> String {
    let readable: String = mail::file_name_chars(subject).take(60).collect();
    let readable = readable.trim().trim_end_matches('.');
    if readable.is_empty() {
        format!("{id:06}.eml")
    } else {
        format!("{id:06} {readable}.eml")
    }
}

/// One mboxrd entry: a "From " line, the message with every line that starts with
/// ">*From " quoted by one more '>', and a blank line. Line endings are kept as stored,
/// so reading it back gives the same bytes.
pub fn write_mbox_entry(out: &mut impl Write, from: &str, date: i64, raw: &[u8]) -> io::Result<()> {
    let sender = envelope_sender(from);
    let when = chrono::DateTime::from_timestamp(date, 0)
        .unwrap_or_default()
        .format("%a %b %e %H:%M:%S %Y");
    writeln!(out, "From {sender} {when}")?;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if needs_quoting(line) {
            out.write_all(b">")?;
        }
        out.write_all(line)?;
    }
    out.write_all(b"\n")
}

fn envelope_sender(from: &str) -> String {
    let address = match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from,
    };
    if address.contains('@') && !address.contains(char::is_whitespace) {
        address.to_string()
    } else {
        "MAILER-DAEMON".into()
    }
}

fn needs_quoting(line: &[u8]) -> bool {
    let rest = line
        .iter()
        .position(|&b| b != b'>')
        .map_or(&[][..], |i| &line[i..]);
    rest.starts_with(b"From ")
}

/// Reads the messages of an mbox file (mboxrd, or mboxo as Thunderbird writes it).
///
/// Why not mail-parser's reader (`mail_parser::mailbox::mbox::MessageIterator`, 0.11):
/// it unquotes ">From " lines, skips what comes before the first "From " line and reads a
/// last message without a final newline exactly as this one does, but it keeps the blank
/// line that ends each entry (LF, or CRLF as Thunderbird writes it) as the message's last
/// line. Every message Poplar exports would come back one line longer, so an exported
/// mbox imported again would neither give back the stored bytes nor be recognised as
/// already here (the digest differs). The test
/// `mail_parsers_reader_differs_only_by_the_separator_line` pins that down.
pub struct MboxReader<R> {
    input: R,
    line: Vec<u8>,
    /// The next message's "From " line has been read already.
    started: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(input: R) -> Self {
        MboxReader {
            input,
            line: Vec::new(),
            started: false,
        }
    }

    /// The next message's bytes, unquoted, without the separator line.
    pub fn next_message(&mut self) -> io::Result<Option<Vec<u8>>> {
        // Skip anything before the first "From " line.
        while !self.started {
            self.line.clear();
            if self.input.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(None);
            }
            self.started = self.line.starts_with(b"From ");
        }
        let mut message = Vec::new();
        loop {
            self.line.clear();
            if self.input.read_until(b'\n', &mut self.line)? == 0 {
                self.started = false;
                break;
            }
            if self.line.starts_with(b"From ") {
                break;
            }
            if self.line.starts_with(b">") && needs_quoting(&self.line) {
                message.extend_from_slice(&self.line[1..]);
            } else {
                message.extend_from_slice(&self.line);
            }
        }
        // The blank separator line after each message (LF, or CRLF from some writers).
        if message.ends_with(b"\n\n") || message.ends_with(b"\n\r\n") {
            message.pop();
            if message.ends_with(b"\r") {
                message.pop();
            }
        }
        Ok(Some(message))
    }
}

/// Imports an mbox file, or a folder of .eml files (searched recursively), into the local
/// folder `folder`. Messages already stored (the same bytes) are skipped.
pub fn import(
    paths: &Paths,
    path: &Path,
    folder: &str,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport, Error> {
    paths.ensure().map_err(|e| Error::Write {
        path: paths.data_dir().display().to_string(),
        source: io::Error::other(e),
    })?;
    let mut store = Store::open(&paths.database())?;
    let folder_id = store.ensure_folder(folder)?;
    let read_error = |p: &Path| {
        let path = p.display().to_string();
        move |source| Error::Read {
            path: path.clone(),
            source,
        }
    };
    let mut report = ImportReport::default();
    let mut batch: Vec<NewMessage> = Vec::new();
    let mut seen_in_batch = std::collections::HashSet::new();
    let mut add =
        |store: &mut Store, raw: Vec<u8>, batch: &mut Vec<NewMessage>| -> Result<(), Error> {
            let message = NewMessage::from_bytes(None, raw);
            let Body::Memory(raw) = &message.body else {
                unreachable!("made from bytes")
            };
            // Already stored, or twice in what is being imported now (not yet stored).
            if store.find_identical(raw, &message.digest)?.is_some()
                || !seen_in_batch.insert((message.digest, raw.len()))
            {
                report.duplicates += 1;
            } else {
                report.imported += 1;
                batch.push(message);
            }
            progress(report.imported + report.duplicates);
            if batch.len() >= 500 {
                store.insert_into_folder(folder_id, batch)?;
                batch.clear();
                seen_in_batch.clear();
            }
            Ok(())
        };

    if path.is_dir() {
        let mut files = Vec::new();
        collect_eml(path, &mut files).map_err(read_error(path))?;
        files.sort();
        for file in files {
            let mut raw = Vec::new();
            File::open(&file)
                .and_then(|mut f| f.read_to_end(&mut raw))
                .map_err(read_error(&file))?;
            add(&mut store, raw, &mut batch)?;
        }
    } else {
        let file = File::open(path).map_err(read_error(path))?;
        let mut reader = MboxReader::new(BufReader::with_capacity(1 << 20, file));
        while let Some(raw) = reader.next_message().map_err(read_error(path))? {
            add(&mut store, raw, &mut batch)?;
        }
    }
    if !batch.is_empty() {
        store.insert_into_folder(folder_id, &mut batch)?;
    }
    Ok(report)
}

fn collect_eml(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_eml(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(messages: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut mbox = Vec::new();
        for m in messages {
            write_mbox_entry(&mut mbox, "A <a@example.org>", 1_700_000_000, m).unwrap();
        }
        let mut reader = MboxReader::new(&mbox[..]);
        let mut back = Vec::new();
        while let Some(m) = reader.next_message().unwrap() {
            back.push(m);
        }
        back
    }

    #[test]
    fn from_lines_are_quoted_and_unquoted_exactly() {
        let tricky: &[u8] = b"Subject: x\r\n\r\nFrom here on\r\n>From quoted\r\n>>From twice\r\n>Fromage\r\nFrom\r\n";
        let plain: &[u8] = b"Subject: y\n\nbare LF\n";
        let empty_lines: &[u8] = b"Subject: z\r\n\r\nends with blank lines\r\n\r\n\r\n";
        let back = round_trip(&[tricky, plain, empty_lines]);
        assert_eq!(
            back,
            vec![tricky.to_vec(), plain.to_vec(), empty_lines.to_vec()]
        );
    }

    #[test]
    fn the_mbox_text_is_mboxrd() {
        let mut mbox = Vec::new();
        write_mbox_entry(
            &mut mbox,
            "Bob <bob@example.org>",
            0,
            b"a\nFrom x\n>From y\n",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(mbox).unwrap(),
            "From bob@example.org Thu Jan  1 00:00:00 1970\na\n>From x\n>>From y\n\n"
        );
    }

    #[test]
    fn thunderbird_style_mbox_reads() {
        let mbox = b"From - Mon Mar  3 09:15:00 2025\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom - Tue Mar  4 09:15:00 2025\r\nSubject: two\r\n\r\n>From the start\r\n";
        let mut reader = MboxReader::new(&mbox[..]);
        assert_eq!(
            reader.next_message().unwrap().unwrap(),
            b"Subject: one\r\n\r\nbody\r\n"
        );
        assert_eq!(
            reader.next_message().unwrap().unwrap(),
            b"Subject: two\r\n\r\nFrom the start\r\n"
        );
        assert!(reader.next_message().unwrap().is_none());
    }

    /// Every message of `mbox` as our reader and as mail-parser's read it.
    fn both_readers(mbox: &[u8]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let mut ours = Vec::new();
        let mut reader = MboxReader::new(mbox);
        while let Some(m) = reader.next_message().unwrap() {
            ours.push(m);
        }
        let theirs = mail_parser::mailbox::mbox::MessageIterator::new(mbox)
            .map(|m| m.unwrap().unwrap_contents())
            .collect();
        (ours, theirs)
    }

    #[test]
    fn mail_parsers_reader_differs_only_by_the_separator_line() {
        let mut ours_written = Vec::new();
        for m in [
            &b"Subject: quoted\r\n\r\nFrom here\r\n>From once\r\n>>From twice\r\n>Fromage\r\n"[..],
            b"Subject: blank lines at the end\n\nbody\n\n\n",
            b"Subject: no final newline\n\nbody",
            b"",
        ] {
            write_mbox_entry(&mut ours_written, "a@example.org", 0, m).unwrap();
        }
        let cases: [&[u8]; 7] = [
            &ours_written,
            // Thunderbird: CRLF throughout, the separator too; mboxo quoting.
            b"From - Mon Mar  3 09:15:00 2025\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom - Tue Mar  4 09:15:00 2025\r\nSubject: two\r\n\r\n>From the start\r\n\r\n",
            // Text before the first entry; no blank line before the next "From ".
            b"junk\nFrom a@b Thu Jan  1 00:00:00 1970\nx\nFrom a@b Thu Jan  1 00:00:00 1970\ny\n",
            // The last message without a separator, and without a final newline.
            b"From a@b Thu Jan  1 00:00:00 1970\nx\n\nFrom a@b Thu Jan  1 00:00:00 1970\nlast",
            // A separator line that is CRLF after an LF message.
            b"From a@b Thu Jan  1 00:00:00 1970\nx\n\r\nFrom a@b Thu Jan  1 00:00:00 1970\ny\n",
            // Only a "From " line; and nothing at all.
            b"From a@b Thu Jan  1 00:00:00 1970\n",
            b"",
        ];
        for mbox in cases {
            let (ours, theirs) = both_readers(mbox);
            assert_eq!(
                ours.len(),
                theirs.len(),
                "{}",
                String::from_utf8_lossy(mbox)
            );
            for (o, t) in ours.iter().zip(&theirs) {
                let extra = t.strip_prefix(&o[..]);
                assert!(
                    matches!(extra, Some(b"" | b"\n" | b"\r\n")),
                    "ours {:?}, mail-parser's {:?}",
                    String::from_utf8_lossy(o),
                    String::from_utf8_lossy(t)
                );
            }
        }
        // The difference, in Thunderbird's mbox. Should a later mail-parser drop the
        // separator, this fails: then its reader can replace ours.
        let (ours, theirs) = both_readers(cases[1]);
        assert_eq!(ours[0], b"Subject: one\r\n\r\nbody\r\n");
        assert_eq!(theirs[0], b"Subject: one\r\n\r\nbody\r\n\r\n");
    }

    #[test]
    fn eml_names_are_safe() {
        assert_eq!(eml_name(7, "Re: a/b?"), "000007 Re_ a_b_.eml");
        assert_eq!(eml_name(8, "  "), "000008.eml");
        assert_eq!(eml_name(9, "会議の件"), "000009 会議の件.eml");
        // The same rule as attachments: nothing invisible reorders the exported name.
        assert_eq!(
            eml_name(10, "請求書\u{202E}fdp.exe\u{200B}"),
            "000010 請求書fdp.exe.eml"
        );
    }
}
