//! A POP3 client (RFC 1939, with STLS from RFC 2595 and response codes from RFC 2449/3206)
//! on tokio and async-native-tls. Plain Rust: nothing here knows about the window.

pub mod auth;
pub mod capa;
pub mod certificate;
mod error;
pub mod lines;
mod request;
pub mod response;
pub mod roots;
mod session;

pub use auth::AuthMethod;
pub use capa::Capabilities;
pub use certificate::CertificateInfo;
pub use error::{Error, Malformed, NotFound, Step, TlsHint};
pub use lines::Pace;
pub use request::Request;
pub use session::{
    ConnectOptions, MAX_LINE, MAX_LISTING_BYTES, MAX_LISTING_ENTRIES, MAX_REJECTED_LOGINS, Session,
    connect_and_login, warm_up_tls,
};
pub(crate) use session::{open_tcp, secure};

use std::fmt;
use std::str::FromStr;

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Security {
    /// TLS from the first byte (RFC 8314), usually port 995.
    #[default]
    Tls,
    /// Plaintext connect, then STLS; refusing STLS ends the session.
    StartTls,
    /// No encryption at all; only when the account explicitly asks for it.
    Plain,
}

impl Security {
    pub const ALL: [Security; 3] = [Security::Tls, Security::StartTls, Security::Plain];

    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 995,
            Security::StartTls | Security::Plain => 110,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::Plain => "plain",
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Security::Tls => "SSL/TLS",
            Security::StartTls => "STARTTLS",
            Security::Plain => "None (unencrypted)",
        })
    }
}

impl FromStr for Security {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tls" | "ssl" => Ok(Security::Tls),
            "starttls" | "stls" => Ok(Security::StartTls),
            "plain" | "none" => Ok(Security::Plain),
            other => Err(format!(
                "unknown security mode '{other}': use tls, starttls or plain"
            )),
        }
    }
}

/// One line of a UIDL answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UidlEntry {
    pub number: u32,
    pub uidl: Uidl,
}

/// One line of a LIST answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListEntry {
    pub number: u32,
    /// None when the server's figure is impossible (beyond [`MAX_PLAUSIBLE_SIZE`] or not
    /// a number a u64 holds): such a size is unknown, never trusted for sums or limits.
    pub size: Option<u64>,
}

/// Sizes beyond this (1 TiB) are not a message's: the server's figure is ignored.
pub const MAX_PLAUSIBLE_SIZE: u64 = 1 << 40;

/// A size figure from the server, or None when it is not believable.
pub(crate) fn plausible_size(word: &[u8]) -> Option<u64> {
    std::str::from_utf8(word)
        .ok()?
        .parse::<u64>()
        .ok()
        .filter(|&n| n <= MAX_PLAUSIBLE_SIZE)
}

/// A message's unique id exactly as the server sent it. Two ids are the same only when
/// every byte is: an id that is not UTF-8 is never folded into another by a lossy
/// conversion. RFC 1939 asks for 1 to 70 printable ASCII characters; ids outside that
/// are still used (and logged), and very long ones are kept as a digest so that a
/// hostile server cannot make every record a megabyte.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uidl(Vec<u8>);

/// The hasher of maps and sets keyed by UIDL: foldhash, much faster than the standard
/// SipHash (which took a tenth of a re-check's CPU time over 10,000 UIDLs), with its seeds
/// drawn from the standard library's random keys (the system's random source) rather
/// than foldhash's own, which come from addresses and the clock: a server must not be able
/// to choose UIDLs that collide.
#[derive(Clone, Debug)]
pub struct UidlHasher(foldhash::fast::SeedableRandomState);

impl Default for UidlHasher {
    fn default() -> Self {
        use std::hash::BuildHasher;
        static SHARED: std::sync::OnceLock<foldhash::SharedSeed> = std::sync::OnceLock::new();
        let random = || std::collections::hash_map::RandomState::new().hash_one(0u8);
        let shared = SHARED.get_or_init(|| foldhash::SharedSeed::from_u64(random()));
        UidlHasher(foldhash::fast::SeedableRandomState::with_seed(
            random(),
            shared,
        ))
    }
}

impl std::hash::BuildHasher for UidlHasher {
    type Hasher = foldhash::fast::FoldHasher<'static>;

    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}

/// A map keyed by UIDL (see [`UidlHasher`]).
pub type UidlMap<V> = std::collections::HashMap<Uidl, V, UidlHasher>;

/// A set of UIDLs (see [`UidlHasher`]).
pub type UidlSet = std::collections::HashSet<Uidl, UidlHasher>;

impl Uidl {
    /// Ids longer than this are kept as `sha256:` and the hex digest of their bytes.
    pub const MAX_KEPT: usize = 256;

    /// The id from the bytes of a UIDL line.
    pub fn from_wire(bytes: &[u8]) -> Uidl {
        if bytes.len() > Self::MAX_KEPT {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(bytes);
            let mut kept = b"sha256:".to_vec();
            for b in digest {
                kept.extend_from_slice(format!("{b:02x}").as_bytes());
            }
            return Uidl(kept);
        }
        Uidl(bytes.to_vec())
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Uidl {
        Uidl(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// True for what RFC 1939 allows: 1 to 70 characters from 0x21 to 0x7E.
    pub fn is_standard(&self) -> bool {
        (1..=70).contains(&self.0.len()) && self.0.iter().all(|b| (0x21..=0x7e).contains(b))
    }

    /// The id as text for people: UTF-8 as it is, other bytes and control characters
    /// as `\xNN`. Distinct ids can look alike here; never compare this form.
    pub fn display(&self) -> String {
        match std::str::from_utf8(&self.0) {
            Ok(s) if !s.chars().any(char::is_control) => s.to_string(),
            _ => {
                let mut out = String::new();
                for chunk in self.0.utf8_chunks() {
                    for c in chunk.valid().chars() {
                        if c.is_control() {
                            out.push_str(&format!("\\x{:02x}", c as u32));
                        } else {
                            out.push(c);
                        }
                    }
                    for b in chunk.invalid() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                out
            }
        }
    }
}

impl fmt::Debug for Uidl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uidl({:?})", self.display())
    }
}

impl fmt::Display for Uidl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl From<&str> for Uidl {
    fn from(s: &str) -> Uidl {
        Uidl(s.as_bytes().to_vec())
    }
}

impl From<String> for Uidl {
    fn from(s: String) -> Uidl {
        Uidl(s.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uidl_map_hashes_with_seeds_of_its_own() {
        use std::hash::BuildHasher;
        let uidl = Uidl::from("same-id");
        let hashes: std::collections::HashSet<u64> = (0..8)
            .map(|_| UidlHasher::default().hash_one(&uidl))
            .collect();
        // A fixed seed would give one hash; random seeds give eight.
        assert_eq!(hashes.len(), 8);
    }

    #[test]
    fn ids_that_differ_in_any_byte_stay_different() {
        assert_ne!(Uidl::from_wire(b"\xff1"), Uidl::from_wire(b"\xfe1"));
        assert_eq!(Uidl::from_wire(b"\xff1").as_bytes(), b"\xff1");
        assert_eq!(Uidl::from_wire(b"\xff1").display(), "\\xff1");
        assert_eq!(Uidl::from_wire(b"a\x01b").display(), "a\\x01b");
        assert_eq!(Uidl::from("abc").display(), "abc");
    }

    #[test]
    fn long_ids_are_kept_as_a_digest() {
        let long = vec![b'x'; 1 << 20];
        let kept = Uidl::from_wire(&long);
        assert_eq!(kept.as_bytes().len(), "sha256:".len() + 64);
        assert_ne!(kept, Uidl::from_wire(&long[1..]));
        assert_eq!(Uidl::from_wire(&[b'y'; 256]).as_bytes().len(), 256);
    }

    #[test]
    fn standard_ids() {
        assert!(Uidl::from("whqtswO00WBw418f9t5JxYwZ").is_standard());
        assert!(!Uidl::from("").is_standard());
        assert!(!Uidl::from("a b").is_standard());
        assert!(!Uidl::from_wire(&[b'a'; 71]).is_standard());
        assert!(!Uidl::from_wire(b"\xff").is_standard());
    }

    #[test]
    fn impossible_sizes_are_unknown() {
        assert_eq!(plausible_size(b"1200"), Some(1200));
        assert_eq!(plausible_size(b"18446744073709551615"), None);
        assert_eq!(plausible_size(b"18446744073709551616"), None);
        assert_eq!(plausible_size(b"-1"), None);
        assert_eq!(plausible_size(b"12x"), None);
    }
}
