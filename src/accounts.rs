//! Account settings as the rest of the program sees them.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

pub use crate::pop3::{AuthMethod, Security};

/// What happens to the server's copy of a message after Poplar has stored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Keep {
    /// Delete from the server right after download.
    Delete,
    /// Keep on the server forever.
    Forever,
    /// Keep on the server for N days after download, then delete.
    Days(u32),
}

impl Default for Keep {
    fn default() -> Self {
        Keep::Days(14)
    }
}

impl Keep {
    /// True when the server's copies must be identifiable across sessions (UIDL).
    pub fn keeps_on_server(self) -> bool {
        !matches!(self, Keep::Delete)
    }
}

impl fmt::Display for Keep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Keep::Delete => f.write_str("delete"),
            Keep::Forever => f.write_str("forever"),
            Keep::Days(n) => write!(f, "days:{n}"),
        }
    }
}

impl FromStr for Keep {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "delete" => Ok(Keep::Delete),
            "forever" => Ok(Keep::Forever),
            _ => match s.strip_prefix("days:").map(str::parse::<u32>) {
                Some(Ok(n)) if n > 0 => Ok(Keep::Days(n)),
                _ => Err(format!(
                    "unknown keep mode '{s}': use delete, forever or days:N (N at least 1)"
                )),
            },
        }
    }
}

/// Days a message may stay on the server with [`Keep::Days`]: ten years at most.
pub const KEEP_DAYS: std::ops::RangeInclusive<u32> = 1..=3650;
/// Minutes between automatic checks: once a minute to once a day.
pub const CHECK_MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;
/// The size limit for whole messages, in KiB: 1 KiB to 4 GiB.
pub const SIZE_LIMIT_KIB: std::ops::RangeInclusive<u64> = 1..=4_194_304;

/// An account's identity: its database id, which no rename changes and no other account
/// can take. The worker, the window's fetching set and the keyring know accounts by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AccountId(pub i64);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A configured account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub settings: Settings,
}

/// Everything that describes an account, without its database id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub name: String,
    pub email: String,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub keep: Keep,
    pub ca_file: Option<PathBuf>,
    pub auth: AuthMethod,
    /// Messages larger than this many bytes are stored as headers only.
    pub size_limit: Option<u64>,
    pub check_on_startup: bool,
    /// Minutes between automatic checks; None: only when asked.
    pub check_every_minutes: Option<u32>,
    /// With a keep mode: deleting a message for good here deletes it on the server too.
    pub delete_on_server_when_deleted: bool,
    pub include_in_get_all: bool,
    /// A certificate the user chose to trust (SHA-256 fingerprint), for a server whose
    /// certificate cannot be verified.
    pub pinned_cert: Option<String>,
}

impl Account {
    /// The account's identity.
    pub fn key(&self) -> AccountId {
        AccountId(self.id)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: String::new(),
            email: String::new(),
            host: String::new(),
            port: Security::Tls.default_port(),
            security: Security::Tls,
            user: String::new(),
            keep: Keep::default(),
            ca_file: None,
            auth: AuthMethod::Automatic,
            size_limit: None,
            check_on_startup: true,
            check_every_minutes: Some(10),
            delete_on_server_when_deleted: true,
            include_in_get_all: true,
            pinned_cert: None,
        }
    }
}

impl Settings {
    /// Checks what a person could have typed wrong; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("the account needs a name".into());
        }
        if self.host.trim().is_empty() {
            return Err("the account needs a server name".into());
        }
        if self.host.chars().any(char::is_whitespace) {
            return Err("the server name cannot contain spaces".into());
        }
        if self.port == 0 {
            return Err("the port must be between 1 and 65535".into());
        }
        if self.user.trim().is_empty() {
            return Err("the account needs a user name".into());
        }
        Ok(())
    }

    pub fn connect_options(&self) -> crate::pop3::ConnectOptions {
        let mut options = crate::pop3::ConnectOptions::new(&self.host, self.port, self.security);
        options.ca_file = self.ca_file.clone();
        options.pinned_cert = self.pinned_cert.clone();
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_round_trips() {
        for k in [Keep::Delete, Keep::Forever, Keep::Days(14)] {
            assert_eq!(k.to_string().parse::<Keep>(), Ok(k));
        }
        assert_eq!("DAYS:3".parse::<Keep>(), Ok(Keep::Days(3)));
        assert!("days:0".parse::<Keep>().is_err());
        assert!("days:x".parse::<Keep>().is_err());
        assert!("sometimes".parse::<Keep>().is_err());
    }

    #[test]
    fn validation_names_the_field() {
        let good = Settings {
            name: "home".into(),
            email: "a@b.c".into(),
            host: "pop.b.c".into(),
            port: 995,
            security: Security::Tls,
            user: "a".into(),
            ..Settings::default()
        };
        assert_eq!(good.validate(), Ok(()));
        let bad = Settings {
            host: "pop b".into(),
            ..good.clone()
        };
        assert!(bad.validate().unwrap_err().contains("spaces"));
        let bad = Settings {
            user: " ".into(),
            ..good
        };
        assert!(bad.validate().unwrap_err().contains("user name"));
    }
}
