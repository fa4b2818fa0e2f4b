//! Account settings as the rest of the program sees them.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

pub use crate::pop3::{AuthMethod, Security};
pub use problem::{Field, Problem};

pub mod oauth;
mod problem;
pub mod save;
pub mod smtp;
#[cfg(test)]
mod tests;

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

    /// Keep for `days` days: one day to ten years ([`KEEP_DAYS`]), whoever asks (the
    /// dialog, `--keep days:N`, an accounts file).
    pub fn days(days: u32) -> Result<Keep, Problem> {
        if KEEP_DAYS.contains(&days) {
            Ok(Keep::Days(days))
        } else {
            Err(Problem::DaysOutOfRange)
        }
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

    /// `delete`, `forever` or `days:N`, as the command line, the accounts file and the
    /// database spell it; the error is a sentence from the catalogs.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "delete" => Ok(Keep::Delete),
            "forever" => Ok(Keep::Forever),
            _ => match s.strip_prefix("days:").map(str::parse::<u32>) {
                Some(Ok(n)) => Keep::days(n).map_err(|p| p.sentence()),
                _ => Err(crate::t!("invalid-keep-mode", mode = s.clone())),
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

/// Stored as the integer of `accounts.id` and of every `account_id` column.
impl rusqlite::types::ToSql for AccountId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

/// Read from `accounts.id` or an `account_id` column: the only place ids are made.
impl rusqlite::types::FromSql for AccountId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        i64::column_result(value).map(AccountId)
    }
}

/// What is wrong with an outgoing server's settings.
fn smtp_problems(smtp: &smtp::SmtpServer) -> Vec<Problem> {
    let mut found = Vec::new();
    for (field, value) in [(Field::SmtpHost, &smtp.host), (Field::SmtpUser, &smtp.user)] {
        if value.chars().any(char::is_control) {
            found.push(Problem::ControlCharacters(field));
        }
    }
    let host = smtp.host.trim();
    if host.is_empty() {
        found.push(Problem::SmtpHostMissing);
    } else if host
        .chars()
        .any(|c| c.is_whitespace() || c == '/' || c == '@')
    {
        found.push(Problem::SmtpHostInvalid);
    }
    if smtp.port == 0 {
        found.push(Problem::SmtpPortInvalid);
    }
    found
}

/// A configured account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
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
    /// The outgoing server, for sending; None: the account only reads.
    pub smtp: Option<smtp::SmtpServer>,
    /// Who signs the account in, when it logs in with a token (`auth` is then OAuth2).
    pub oauth: Option<oauth::OAuth>,
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
            smtp: None,
            oauth: None,
        }
    }
}

impl Settings {
    /// Checks what a person could have typed wrong; the first problem says what to change.
    pub fn validate(&self) -> Result<(), Problem> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Everything wrong with these settings, at most one problem per field, in the order
    /// of the fields.
    pub fn problems(&self) -> Vec<Problem> {
        let mut found = Vec::new();
        for (field, value) in [
            (Field::Email, &self.email),
            (Field::Name, &self.name),
            (Field::Host, &self.host),
            (Field::User, &self.user),
        ] {
            if value.chars().any(char::is_control) {
                found.push(Problem::ControlCharacters(field));
            }
        }
        let email = self.email.trim();
        if !email.is_empty() && !problem::looks_like_address(email) {
            found.push(Problem::EmailInvalid);
        }
        if self.name.trim().is_empty() {
            found.push(Problem::NameMissing);
        }
        let host = self.host.trim();
        if host.is_empty() {
            found.push(Problem::HostMissing);
        } else if self
            .host
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '@')
        {
            found.push(Problem::HostInvalid);
        }
        if self.port == 0 {
            found.push(Problem::PortInvalid);
        }
        if self.user.trim().is_empty() {
            found.push(Problem::UserMissing);
        }
        if let Keep::Days(n) = self.keep
            && let Err(problem) = Keep::days(n)
        {
            found.push(problem);
        }
        let kib = |n: u64| n * 1024;
        if self.size_limit.is_some_and(|bytes| {
            !(kib(*SIZE_LIMIT_KIB.start())..=kib(*SIZE_LIMIT_KIB.end())).contains(&bytes)
        }) {
            found.push(Problem::SizeLimitOutOfRange);
        }
        if self
            .check_every_minutes
            .is_some_and(|m| !CHECK_MINUTES.contains(&m))
        {
            found.push(Problem::MinutesOutOfRange);
        }
        if let Some(smtp) = &self.smtp {
            found.extend(smtp_problems(smtp));
            // The token is the account's sign-in: OAuth2 sending needs one, and an
            // account that signs in has no password for a password login to send.
            let signs_in = self.auth.is_oauth();
            let token = smtp.login == smtp::SmtpLogin::OAuth2;
            let logs_in = !matches!(
                smtp.login,
                smtp::SmtpLogin::None | smtp::SmtpLogin::PopBeforeSmtp
            );
            let own = signs_in && smtp.own_password && !token;
            if (token != signs_in && logs_in && !own) || (token && smtp.own_password) {
                found.push(Problem::SmtpSignIn);
            }
            if email.is_empty() {
                found.push(Problem::EmailNeededToSend);
            }
        }
        if self.auth.is_oauth() && self.security == Security::Plain {
            found.push(Problem::SignInUnencrypted(Field::Security));
        }
        if let Some(smtp) = &self.smtp
            && smtp.login == smtp::SmtpLogin::OAuth2
            && smtp.security == Security::Plain
        {
            found.push(Problem::SignInUnencrypted(Field::SmtpSecurity));
        }
        match (self.auth.is_oauth(), &self.oauth) {
            (true, Some(oauth)) => found.extend(oauth.problem()),
            (false, None) => {}
            _ => found.push(Problem::SignInMismatch),
        }
        // One per field: a control character says more than "missing" for the same one.
        let mut seen = std::collections::HashSet::new();
        found.retain(|p| seen.insert(p.field()));
        found.sort_by_key(Problem::field);
        found
    }

    pub fn connect_options(&self) -> crate::pop3::ConnectOptions {
        let mut options = crate::pop3::ConnectOptions::new(&self.host, self.port, self.security);
        options.ca_file = self.ca_file.clone();
        options.pinned_cert = self.pinned_cert.clone();
        options
    }
}
