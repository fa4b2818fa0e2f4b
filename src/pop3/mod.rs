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
mod uidl;

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
pub use uidl::Uidl;

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
