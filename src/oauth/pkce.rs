//! PKCE (RFC 7636): a random verifier kept here, its S256 challenge sent with the
//! sign-in, so that a code caught on its way back is useless to anyone else. The state
//! that ties an answer to its sign-in is made the same way.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 32 random bytes from the system's generator, base64url: 43 characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The system's generator does not fail on the systems Poplar runs on; if it ever
    // did, a sign-in without randomness must not go ahead.
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no system randomness: {e}"));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The S256 challenge of `verifier`.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636, appendix B.
    #[test]
    fn the_rfc_example() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_long_unreserved_and_new_each_time() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(a, random_token());
    }
}
