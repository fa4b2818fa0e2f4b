//! A POP3 client (RFC 1939, with STLS from RFC 2595 and response codes from RFC 2449/3206)
//! on tokio and async-native-tls. Plain Rust: nothing here knows about the window.

pub mod auth;
pub mod capa;
pub mod certificate;
mod error;
pub mod lines;
pub mod response;
mod session;

pub use auth::AuthMethod;
pub use capa::Capabilities;
pub use certificate::CertificateInfo;
pub use error::Error;
pub use session::{ConnectOptions, MAX_LINE, Session, connect_and_login};

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
    pub uidl: String,
}

/// One line of a LIST answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListEntry {
    pub number: u32,
    pub size: u64,
}
