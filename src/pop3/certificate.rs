//! What a server's certificate says, for the person deciding whether to trust it.

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the DER bytes, upper-case hex in pairs separated by colons.
    pub sha256: String,
}

impl std::fmt::Display for CertificateInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "issued to {}, by {}, valid from {} to {}, SHA-256 fingerprint {}",
            self.subject, self.issuer, self.not_before, self.not_after, self.sha256
        )
    }
}

/// The fingerprint the way people compare it: AB:CD:...
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Two fingerprints are the same whatever their case and separators.
pub fn same_fingerprint(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let (a, b) = (norm(a), norm(b));
    a.len() == 64 && a == b
}

pub fn describe(der: &[u8]) -> CertificateInfo {
    let sha256 = fingerprint(der);
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => CertificateInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.to_string(),
            not_after: cert.validity().not_after.to_string(),
            sha256,
        },
        Err(e) => CertificateInfo {
            subject: format!("(unreadable: {e})"),
            issuer: String::new(),
            not_before: String::new(),
            not_after: String::new(),
            sha256,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_compare_loosely_but_completely() {
        let f = fingerprint(b"certificate");
        assert_eq!(f.len(), 32 * 3 - 1);
        assert!(same_fingerprint(&f, &f.replace(':', "").to_lowercase()));
        assert!(!same_fingerprint(&f, &fingerprint(b"other")));
        assert!(!same_fingerprint("", ""));
    }
}
