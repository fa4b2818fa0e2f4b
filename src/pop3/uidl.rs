//! A message's unique id, as the server sent it, held without an allocation of its own
//! when it is short.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Ids of up to this many bytes are held inline: Dovecot's are 16 bytes, most servers'
/// under 30. A fetch holds every listed id a few times over (the listing, the stored
/// records, the plan), so for 10,000 messages this saves tens of thousands of small
/// allocations, and as many frees at the end (BENCHMARKS.md, issue 20, sixth day).
const INLINE: usize = 30;

/// A message's unique id exactly as the server sent it. Two ids are the same only when
/// every byte is: an id that is not UTF-8 is never folded into another by a lossy
/// conversion. RFC 1939 asks for 1 to 70 printable ASCII characters; ids outside that
/// are still used (and logged), and very long ones are kept as a digest so that a
/// hostile server cannot make every record a megabyte.
#[derive(Clone)]
pub struct Uidl(Repr);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]`; `len` is at most [`INLINE`].
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<[u8]>),
}

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
            return Uidl::from_bytes(kept);
        }
        Uidl::from_slice(bytes)
    }

    /// The id of exactly these bytes (no digest, whatever their length).
    pub fn from_slice(bytes: &[u8]) -> Uidl {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let mut inline = [0; INLINE];
                inline[..bytes.len()].copy_from_slice(bytes);
                Uidl(Repr::Inline { len, bytes: inline })
            }
            _ => Uidl(Repr::Heap(bytes.into())),
        }
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Uidl {
        if bytes.len() <= INLINE {
            Uidl::from_slice(&bytes)
        } else {
            Uidl(Repr::Heap(bytes.into_boxed_slice()))
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(bytes) => bytes,
        }
    }

    /// True for what RFC 1939 allows: 1 to 70 characters from 0x21 to 0x7E.
    pub fn is_standard(&self) -> bool {
        let bytes = self.as_bytes();
        (1..=70).contains(&bytes.len()) && bytes.iter().all(|b| (0x21..=0x7e).contains(b))
    }

    /// The id as text for people: UTF-8 as it is, other bytes and control characters
    /// as `\xNN`. Distinct ids can look alike here; never compare this form.
    pub fn display(&self) -> String {
        let bytes = self.as_bytes();
        match std::str::from_utf8(bytes) {
            Ok(s) if !s.chars().any(char::is_control) => s.to_string(),
            _ => {
                let mut out = String::new();
                for chunk in bytes.utf8_chunks() {
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

// Equality, order and hashing are those of the bytes, however they are held.

impl PartialEq for Uidl {
    fn eq(&self, other: &Uidl) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Uidl {}

impl Hash for Uidl {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialOrd for Uidl {
    fn partial_cmp(&self, other: &Uidl) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Uidl {
    fn cmp(&self, other: &Uidl) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
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
        Uidl::from_slice(s.as_bytes())
    }
}

impl From<String> for Uidl {
    fn from(s: String) -> Uidl {
        Uidl::from_bytes(s.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_ids_are_held_inline_and_long_ones_not() {
        assert!(matches!(Uidl::from("a").0, Repr::Inline { len: 1, .. }));
        assert!(matches!(
            Uidl::from_slice(&[b'x'; INLINE]).0,
            Repr::Inline { .. }
        ));
        assert!(matches!(
            Uidl::from_slice(&[b'x'; INLINE + 1]).0,
            Repr::Heap(_)
        ));
        assert!(matches!(
            Uidl::from_slice(b"").0,
            Repr::Inline { len: 0, .. }
        ));
    }

    proptest! {
        /// However an id is made and held, it is its bytes: equal, ordered and hashed as
        /// they are, whichever side of the inline limit either id falls.
        #[test]
        fn an_id_is_its_bytes(
            a in proptest::collection::vec(any::<u8>(), 0..80),
            b in proptest::collection::vec(any::<u8>(), 0..80),
        ) {
            use std::hash::BuildHasher;
            let (x, y) = (Uidl::from_bytes(a.clone()), Uidl::from_slice(&b));
            prop_assert_eq!(x.as_bytes(), &a[..]);
            prop_assert_eq!(y.as_bytes(), &b[..]);
            let wire = Uidl::from_wire(&a);
            prop_assert_eq!(wire.as_bytes(), &a[..]);
            prop_assert_eq!(x == y, a == b);
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            let hasher = std::collections::hash_map::RandomState::new();
            prop_assert_eq!(hasher.hash_one(&x), hasher.hash_one(&a[..]));
            prop_assert_eq!(x.clone(), Uidl::from_slice(&a));
        }
    }
}
