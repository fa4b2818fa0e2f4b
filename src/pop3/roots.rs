//! The system's trusted roots, found lazily where OpenSSL can.
//!
//! On Linux and the BSDs, native-tls is OpenSSL, and every connector it builds (one per
//! connection) parses the system's whole bundle of roots twice: once where OpenSSL's
//! default paths point and once where openssl-probe found it. With OpenSSL 3.0 that is
//! about 35 ms of CPU each time for Debian's 144 roots: the greater part of a re-check's
//! CPU time (BENCHMARKS.md). A hashed directory of the same roots (`c_rehash`, kept by the
//! system's trust tools beside the bundle) lets OpenSSL read only the one root a server's
//! chain names, when it needs it. [`prefer_hashed_directory`] points OpenSSL there
//! instead of at the bundle, at start-up, when the bundle is the system's own and every
//! root in it is in the directory too: nothing is trusted that was not, and nothing that
//! was is lost. A bundle or directory the user named (`SSL_CERT_FILE`, `SSL_CERT_DIR`)
//! other than the system's is left alone.
//!
//! Reading the directory's files to compare them with the bundle takes a few ms of every
//! start (about 4 ms for Debian's 145 roots), so the answer is remembered in the data
//! folder with the identity, size and change times of the bundle and the directory it
//! was found for ([`covers_remembered`]). The system's trust tools rewrite the bundle and
//! the directory's links whenever a root is added or removed, which changes those times:
//! the directory is then read again. Anything in the record that does not match,
//! including a damaged record, means reading again.
//!
//! The environment it changes is inherited by programs a process starts, so only the
//! commands that start none (`poplar fetch`, `poplar remote`) ask for it; the window,
//! which opens links, attachments and a browser to sign in, keeps OpenSSL's defaults.

use std::collections::HashSet;
use std::path::Path;

/// Whether `name` is a hash link of a certificate (`5ad8a5d6.0`), as OpenSSL looks them up;
/// CRLs (`.r0`) are not counted.
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn is_hash_link(name: &str) -> bool {
    let Some((hash, n)) = name.split_once('.') else {
        return false;
    };
    hash.len() == 8
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// The certificates of a PEM text, each as its base64 text without white space (the same
/// certificate gives the same text however its lines are wrapped); None when the text
/// holds a block of another kind (OpenSSL's TRUSTED CERTIFICATE, say) or an unended one.
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn certificates(pem: &[u8]) -> Option<Vec<Vec<u8>>> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let mut found = Vec::new();
    let mut rest = pem;
    while let Some(at) = memchr::memmem::find(rest, BEGIN) {
        rest = &rest[at..];
        if !rest.starts_with(CERTIFICATE) {
            return None;
        }
        rest = &rest[CERTIFICATE.len()..];
        let end = memchr::memmem::find(rest, END)?;
        let body: Vec<u8> = rest[..end]
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        found.push(body);
        rest = &rest[end + END.len()..];
    }
    Some(found)
}

/// Whether every certificate of the PEM `bundle` is in the hashed directory `dir`.
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn covers(dir: &Path, bundle: &Path) -> bool {
    // A root is a few KB; a larger file in the directory is not one.
    const MAX: u64 = 1 << 20;
    let Some(wanted) = std::fs::read(bundle)
        .ok()
        .and_then(|pem| certificates(&pem))
    else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut held = HashSet::new();
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_name().to_str().is_some_and(is_hash_link) {
            continue;
        }
        let path = entry.path();
        if std::fs::metadata(&path).map_or(true, |m| m.len() > MAX) {
            continue;
        }
        // A link in another format only fails to count: the bundle is then not covered.
        if let Some(found) = std::fs::read(&path).ok().and_then(|pem| certificates(&pem)) {
            held.extend(found);
        }
    }
    !wanted.is_empty() && wanted.iter().all(|c| held.contains(c))
}

/// What the answer of [`covers`] for `dir` and `bundle` depends on, as one line: each
/// one's device, inode, size and change times (through links: the files themselves).
/// None when either cannot be read.
#[cfg(all(unix, not(target_vendor = "apple")))]
fn stamp(dir: &Path, bundle: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let of = |path: &Path| -> Option<String> {
        let m = std::fs::metadata(path).ok()?;
        Some(format!(
            "{:?} {} {} {} {}.{} {}.{}",
            path,
            m.dev(),
            m.ino(),
            m.len(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ))
    };
    Some(format!("{} | {}", of(bundle)?, of(dir)?))
}

/// The first line of a record of [`covers_remembered`]; another first line (a record of
/// another kind, or of a later version of it) is not read.
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
const RECORD: &str = "poplar: trusted roots checked, 1";

/// [`covers`], remembered in the file `record` for the versions of `dir` and `bundle` it
/// was found for (see the module's comment). The stamp is taken before the directory is
/// read: a change while it is read leaves a record that does not match next time.
#[cfg(all(unix, not(target_vendor = "apple")))]
fn covers_remembered(dir: &Path, bundle: &Path, record: &Path) -> bool {
    let Some(stamp) = stamp(dir, bundle) else {
        return covers(dir, bundle);
    };
    if let Some(text) = read_record(record) {
        let mut lines = text.lines();
        if lines.next() == Some(RECORD) && lines.next() == Some(stamp.as_str()) {
            match (lines.next(), lines.next()) {
                (Some("covered"), None) => return true,
                (Some("not covered"), None) => return false,
                _ => {}
            }
        }
    }
    let covered = covers(dir, bundle);
    let answer = if covered { "covered" } else { "not covered" };
    // Written whole under another name, then renamed over the record: a reader finds the
    // old record or the new one. A record that cannot be written is only not remembered.
    // The other name is made afresh (a file or link left there is removed, not written
    // through).
    let written = record.with_extension("new");
    let _ = std::fs::remove_file(&written);
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&written)
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, format!("{RECORD}\n{stamp}\n{answer}\n").as_bytes())
        });
    if made.is_err() || std::fs::rename(&written, record).is_err() {
        let _ = std::fs::remove_file(&written);
    }
    covered
}

/// The text of the record at `path` when it is a regular file (not followed through a
/// link) of at most 4 KB: a record is a few hundred bytes, and anything else there (a
/// pipe, a link to a device) is not read.
#[cfg(all(unix, not(target_vendor = "apple")))]
fn read_record(path: &Path) -> Option<String> {
    const MAX: u64 = 4 << 10;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX), &mut text).ok()?;
    Some(text)
}

/// Points OpenSSL at the system's hashed directory of roots instead of its bundle (see the
/// module's comment), when every bundle it would read is the system's own (OpenSSL's
/// default, which `SSL_CERT_FILE` may name too) and every root of it is in the system's
/// directory. True when it did. Call it first thing in `main`, while the process has one
/// thread: it sets environment variables. With `record`, the answer is remembered there
/// ([`covers_remembered`]).
#[cfg(all(unix, not(target_vendor = "apple")))]
pub fn prefer_hashed_directory(record: Option<&Path>) -> bool {
    const FILE: &str = "SSL_CERT_FILE";
    const DIR: &str = "SSL_CERT_DIR";
    // OPENSSLDIR: "/usr/lib/ssl", where the default bundle (cert.pem) and directory are.
    let version = openssl::version::dir();
    let Some(openssl_dir) = version.split('"').nth(1).map(Path::new) else {
        return false;
    };
    let (bundle, dir) = (openssl_dir.join("cert.pem"), openssl_dir.join("certs"));
    let chosen = |var: &str, system: &Path| {
        std::env::var_os(var).is_none_or(|chosen| same(Path::new(&chosen), system))
    };
    // native-tls reads the bundle openssl-probe finds as well as OpenSSL's default.
    let probed = openssl_probe::probe().cert_file;
    if !chosen(FILE, &bundle)
        || !chosen(DIR, &dir)
        || !probed.is_some_and(|p| same(&p, &bundle))
        || !match record {
            Some(record) => covers_remembered(&dir, &bundle, record),
            None => covers(&dir, &bundle),
        }
    {
        return false;
    }
    // SAFETY: called at the start of `main`, before any thread is started, so nothing
    // reads the environment while it changes. An empty file in place of the bundle: the
    // roots come from the directory.
    unsafe {
        std::env::set_var(FILE, "/dev/null");
        std::env::set_var(DIR, &dir);
    }
    true
}

/// Elsewhere the system's TLS (SChannel, Security.framework) reads its own store.
#[cfg(not(all(unix, not(target_vendor = "apple"))))]
pub fn prefer_hashed_directory(_record: Option<&Path>) -> bool {
    false
}

/// Whether two paths name the same file or directory (through links).
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn same(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_links_are_told_from_other_names() {
        for name in ["5ad8a5d6.0", "0123abcd.12", "ABCDEF01.1"] {
            assert!(is_hash_link(name), "{name}");
        }
        for name in [
            "5ad8a5d6.r0",
            "5ad8a5d6",
            "5ad8a5d.0",
            "5ad8a5d6.",
            "ca-certificates.crt",
            "GlobalSign_Root_CA.pem",
            "5ad8a5g6.0",
        ] {
            assert!(!is_hash_link(name), "{name}");
        }
    }

    fn pem(body: &str) -> String {
        format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
    }

    #[test]
    fn a_directory_covers_a_bundle_only_when_it_holds_every_root() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("bundle.crt");
        // The bundle's lines are wrapped otherwise than the directory's files: the same.
        std::fs::write(&bundle, format!("{}{}", pem("AAAA\nBBBB"), pem("CCCC"))).unwrap();
        std::fs::write(dir.path().join("01234567.0"), pem("AAAABBBB")).unwrap();
        // As many links as roots, but one of them another root (a stale directory).
        std::fs::write(dir.path().join("89abcdef.0"), pem("DDDD")).unwrap();
        // Files that are not hash links do not count, nor do CRLs.
        std::fs::write(dir.path().join("c.pem"), pem("CCCC")).unwrap();
        std::fs::write(dir.path().join("5ad8a5d6.r0"), pem("CCCC")).unwrap();
        assert!(!covers(dir.path(), &bundle), "CCCC is only in the bundle");
        std::fs::write(dir.path().join("89abcdef.1"), pem("CCCC")).unwrap();
        assert!(covers(dir.path(), &bundle));
        // A bundle in another format, an empty one, none, or no directory: not covered.
        std::fs::write(
            &bundle,
            "-----BEGIN TRUSTED CERTIFICATE-----\nAAAABBBB\n-----END TRUSTED CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(!covers(dir.path(), &bundle));
        std::fs::write(&bundle, b"").unwrap();
        assert!(!covers(dir.path(), &bundle));
        assert!(!covers(dir.path(), &dir.path().join("missing.crt")));
        std::fs::write(&bundle, pem("AAAABBBB")).unwrap();
        assert!(covers(dir.path(), &bundle));
        assert!(!covers(&dir.path().join("missing"), &bundle));
    }

    /// Sets the modification time of `path` (a file or a directory) to `secs` after 1970,
    /// the way a tool rewriting it changes it (the clock may not move between two writes
    /// of a test).
    #[cfg(all(unix, not(target_vendor = "apple")))]
    fn touch(path: &Path, secs: u64) {
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        std::fs::File::open(path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    #[cfg(all(unix, not(target_vendor = "apple")))]
    #[test]
    fn the_answer_is_remembered_until_the_bundle_or_the_directory_changes() {
        let root = tempfile::tempdir().unwrap();
        let (dir, bundle) = (root.path().join("certs"), root.path().join("cert.pem"));
        let record = root.path().join("data").join("checked.txt");
        std::fs::create_dir_all(record.parent().unwrap()).unwrap();
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(&bundle, format!("{}{}", pem("AAAA"), pem("BBBB"))).unwrap();
        std::fs::write(dir.join("01234567.0"), pem("AAAA")).unwrap();
        std::fs::write(dir.join("89abcdef.0"), pem("BBBB")).unwrap();
        touch(&dir, 1_000);

        assert!(covers_remembered(&dir, &bundle, &record));
        let text = std::fs::read_to_string(&record).unwrap();
        assert!(
            text.starts_with(RECORD) && text.ends_with("\ncovered\n"),
            "{text}"
        );
        // The record is believed while nothing changed: one saying otherwise is taken at
        // its word (the directory is not read again).
        std::fs::write(&record, text.replace("\ncovered\n", "\nnot covered\n")).unwrap();
        assert!(!covers_remembered(&dir, &bundle, &record));

        // A link taken out of the directory changes it: read again, not covered.
        std::fs::write(&record, &text).unwrap();
        std::fs::remove_file(dir.join("89abcdef.0")).unwrap();
        touch(&dir, 2_000);
        assert!(!covers_remembered(&dir, &bundle, &record));
        assert!(
            std::fs::read_to_string(&record)
                .unwrap()
                .ends_with("\nnot covered\n")
        );

        // Put back, and a root added to the bundle (a longer file): read again each time.
        std::fs::write(dir.join("89abcdef.0"), pem("BBBB")).unwrap();
        touch(&dir, 3_000);
        assert!(covers_remembered(&dir, &bundle, &record));
        std::fs::write(
            &bundle,
            format!("{}{}{}", pem("AAAA"), pem("BBBB"), pem("CC")),
        )
        .unwrap();
        assert!(!covers_remembered(&dir, &bundle, &record));

        // A damaged record, or one of another version, is not believed.
        std::fs::write(&bundle, format!("{}{}", pem("AAAA"), pem("BBBB"))).unwrap();
        touch(&bundle, 4_000);
        let now = stamp(&dir, &bundle).unwrap();
        for damaged in [
            String::new(),
            "not covered\n".to_string(),
            format!("poplar: trusted roots checked, 0\n{now}\nnot covered\n"),
            format!("{RECORD}\nsomething else\nnot covered\n"),
            format!("{RECORD}\n{now}\nnot covered\nand more\n"),
            format!("{RECORD}\n{now}\nperhaps\n"),
        ] {
            std::fs::write(&record, &damaged).unwrap();
            assert!(covers_remembered(&dir, &bundle, &record), "{damaged:?}");
        }
        assert_eq!(
            std::fs::read_to_string(&record).unwrap(),
            format!("{RECORD}\n{now}\ncovered\n")
        );
        // A record that is a link is not followed, nor is a link left where the new
        // record is written first: the file it points to is left as it was.
        let elsewhere = root.path().join("elsewhere.txt");
        let lie = format!("{RECORD}\n{now}\nnot covered\n");
        std::fs::write(&elsewhere, &lie).unwrap();
        std::fs::remove_file(&record).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &record).unwrap();
        std::os::unix::fs::symlink(&elsewhere, record.with_extension("new")).unwrap();
        assert!(covers_remembered(&dir, &bundle, &record));
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), lie);
        assert!(std::fs::symlink_metadata(&record).unwrap().is_file());

        // Where no record can be written, the answer is still right.
        let nowhere = root.path().join("missing").join("checked.txt");
        assert!(covers_remembered(&dir, &bundle, &nowhere));
        std::fs::remove_file(dir.join("89abcdef.0")).unwrap();
        touch(&dir, 5_000);
        assert!(!covers_remembered(&dir, &bundle, &nowhere));
    }

    #[test]
    fn certificates_are_read_as_their_text() {
        assert_eq!(certificates(b""), Some(vec![]));
        assert_eq!(
            certificates(format!("junk\n{}{}", pem("AB\r\nCD"), pem("EF")).as_bytes()),
            Some(vec![b"ABCD".to_vec(), b"EF".to_vec()])
        );
        // Unended, or of another kind: not read.
        assert_eq!(certificates(b"-----BEGIN CERTIFICATE-----\nAB"), None);
        assert_eq!(certificates(b"-----BEGIN PRIVATE KEY-----\nAB"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_same_file_is_known_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let (file, other) = (dir.path().join("cert.pem"), dir.path().join("other.pem"));
        std::fs::write(&file, pem("AAAA")).unwrap();
        std::fs::write(&other, pem("AAAA")).unwrap();
        let link = dir.path().join("link.pem");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(same(&link, &file));
        assert!(same(&file, &file));
        assert!(!same(&other, &file), "the same bytes, another file");
        assert!(!same(
            &dir.path().join("missing"),
            &dir.path().join("missing")
        ));
    }
}
