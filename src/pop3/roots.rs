//! The system's trusted roots, found lazily where OpenSSL can.
//!
//! On Linux and the BSDs, native-tls is OpenSSL, and every connector it builds (one per
//! connection) parses the system's whole bundle of roots twice: once where OpenSSL's
//! default paths point and once where openssl-probe found it. With OpenSSL 3.0 that is
//! about 35 ms of CPU each time for Debian's 144 roots: the greater part of a re-check's
//! CPU time (BENCHMARKS.md). A hashed directory of the same roots (`c_rehash`, kept by the
//! system's trust tools beside the bundle) lets OpenSSL read only the one root a server's
//! chain names, when it needs it. [`prefer_hashed_directory`] points OpenSSL there
//! instead of at the bundle, at start-up, when the bundle is the system's own and the
//! directory holds at least as many roots: the same roots are trusted, and nothing is
//! trusted that was not. A user's own `SSL_CERT_FILE` or `SSL_CERT_DIR` is left alone.

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

/// Whether the hashed directory `dir` holds at least as many roots as the PEM `bundle`.
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn covers(dir: &Path, bundle: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let links = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(is_hash_link))
        .count();
    let Ok(pem) = std::fs::read(bundle) else {
        return false;
    };
    let roots = memchr::memmem::find_iter(&pem, b"-----BEGIN CERTIFICATE-----").count();
    roots > 0 && links >= roots
}

/// Points OpenSSL at the system's hashed directory of roots instead of its bundle (see the
/// module's comment), when every bundle it would read is the system's own (OpenSSL's
/// default, which `SSL_CERT_FILE` may name too; a user who named another file, or another
/// directory in `SSL_CERT_DIR`, keeps it) and the system's directory holds as many roots.
/// Call it first thing in `main`, while the process has one thread: it sets environment
/// variables.
#[cfg(all(unix, not(target_vendor = "apple")))]
pub fn prefer_hashed_directory() {
    const FILE: &str = "SSL_CERT_FILE";
    const DIR: &str = "SSL_CERT_DIR";
    // OPENSSLDIR: "/usr/lib/ssl", where the default bundle (cert.pem) and directory are.
    let version = openssl::version::dir();
    let Some(openssl_dir) = version.split('"').nth(1).map(Path::new) else {
        return;
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
        || !covers(&dir, &bundle)
    {
        return;
    }
    // SAFETY: called at the start of `main`, before any thread is started, so nothing
    // reads the environment while it changes. An empty file in place of the bundle: the
    // roots come from the directory. Programs started from Poplar inherit both, and
    // OpenSSL finds the same roots for them in the directory.
    unsafe {
        std::env::set_var(FILE, "/dev/null");
        std::env::set_var(DIR, &dir);
    }
}

/// Whether two paths name the same file or directory (through links).
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn same(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Elsewhere the system's TLS (SChannel, Security.framework) reads its own store.
#[cfg(not(all(unix, not(target_vendor = "apple"))))]
pub fn prefer_hashed_directory() {}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

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

    #[test]
    fn a_directory_covers_a_bundle_only_with_as_many_roots() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("bundle.crt");
        std::fs::write(&bundle, PEM.repeat(3)).unwrap();
        // Other files (the roots under their own names, the bundle, CRLs) do not count.
        for name in [
            "a.pem",
            "b.pem",
            "c.pem",
            "5ad8a5d6.r0",
            "01234567.0",
            "89abcdef.0",
        ] {
            std::fs::write(dir.path().join(name), PEM).unwrap();
        }
        assert!(!covers(dir.path(), &bundle), "two links for three roots");
        std::fs::write(dir.path().join("01234567.1"), PEM).unwrap();
        assert!(covers(dir.path(), &bundle));
        // No bundle, an empty one, or no directory: nothing is changed.
        assert!(!covers(dir.path(), &dir.path().join("missing.crt")));
        std::fs::write(&bundle, b"").unwrap();
        assert!(!covers(dir.path(), &bundle));
        assert!(!covers(&dir.path().join("missing"), &bundle));
    }

    #[cfg(unix)]
    #[test]
    fn the_same_file_is_known_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let (file, other) = (dir.path().join("cert.pem"), dir.path().join("other.pem"));
        std::fs::write(&file, PEM).unwrap();
        std::fs::write(&other, PEM).unwrap();
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
