//! Account settings as a readable file, for rolling the same accounts out to several
//! computers in an office. Passwords are never written.
//!
//! A file like this comes from someone else, so reading one trusts it no further than the
//! account dialog would trust a person typing: no CA file (the format has no such field, and
//! an unknown field is a mistake), the dialog's checks and ranges (a number out of range is
//! refused, not clamped), no control characters, and every setting that weakens security ([`Weakening`]) named and accepted
//! only on request.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::accounts::oauth::OAuth;
use crate::accounts::save::{self, Error as SaveError};
use crate::accounts::smtp::{SmtpLogin, SmtpServer};
use crate::accounts::{AuthMethod, Keep, Problem, Security, Settings};

/// One account in the file. Field names are the words a person reads in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    #[serde(default)]
    email: String,
    host: String,
    port: u16,
    security: String,
    user: String,
    keep: String,
    #[serde(default = "auto")]
    login: String,
    #[serde(default)]
    size_limit: Option<u64>,
    #[serde(default = "yes")]
    check_at_startup: bool,
    #[serde(default = "ten")]
    check_every_minutes: Option<u32>,
    #[serde(default = "yes")]
    delete_on_server_when_deleted_here: bool,
    #[serde(default = "yes")]
    include_in_get_all: bool,
    /// A server certificate trusted by hand (SHA-256 fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trusted_certificate_sha256: Option<String>,
    /// The outgoing server, for accounts that send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    smtp: Option<Outgoing>,
    /// Who signs the account in (login "oauth2"); never a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sign_in: Option<SignIn>,
}

/// An account's sign-in in the file: the provider, and a custom issuer's address and
/// client id. Every person signs in on their own computer with `account login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
}

/// An account's outgoing server in the file (never its password; never a CA file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Outgoing {
    host: String,
    port: u16,
    security: String,
    /// Empty: the incoming server's user name.
    #[serde(default)]
    user: String,
    #[serde(default = "auto")]
    login: String,
    #[serde(default = "utf8")]
    charset: String,
    #[serde(default)]
    signature: String,
    /// The outgoing server has a login of its own, kept in this computer's keyring.
    #[serde(default)]
    separate_keyring_entry: bool,
}

fn utf8() -> String {
    "utf-8".into()
}

impl Outgoing {
    fn from_server(s: &SmtpServer) -> Outgoing {
        Outgoing {
            host: s.host.clone(),
            port: s.port,
            security: s.security.as_str().into(),
            user: s.user.clone(),
            login: s.login.as_str().into(),
            charset: crate::accounts::smtp::charset_str(s.charset).into(),
            signature: s.signature.clone(),
            separate_keyring_entry: s.own_password,
        }
    }

    fn server(&self) -> Result<SmtpServer, String> {
        Ok(SmtpServer {
            host: self.host.clone(),
            port: self.port,
            security: self.security.parse::<Security>()?,
            user: self.user.clone(),
            login: self.login.parse::<SmtpLogin>()?,
            ca_file: None,
            own_password: self.separate_keyring_entry,
            charset: crate::accounts::smtp::parse_charset(&self.charset).ok_or_else(|| {
                format!(
                    "smtp charset \"{}\" is not utf-8 or iso-2022-jp",
                    self.charset.escape_debug()
                )
            })?,
            signature: self.signature.clone(),
        })
    }
}

fn auto() -> String {
    "auto".into()
}
fn yes() -> bool {
    true
}
// serde's default for an `Option` field has to return the `Option`.
#[allow(clippy::unnecessary_wraps)]
fn ten() -> Option<u32> {
    Some(10)
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Says what the file is, for whoever opens it.
    poplar_accounts: u32,
    accounts: Vec<Entry>,
    /// The sorting rules (files written before rules have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rules: Vec<RuleEntry>,
}

/// The largest accounts file read: a few hundred accounts fit in a few dozen KiB.
const MAX_FILE_BYTES: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not write {path}: {detail}")]
    Write { path: String, detail: String },
    #[error("could not read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{path} is not a Poplar accounts file: {detail}")]
    Format { path: String, detail: String },
    #[error("{0}")]
    Store(#[from] crate::store::Error),
    /// The keyring's bookkeeping failed, or it refused a password.
    #[error("{0}")]
    Keyring(crate::secrets::Error),
    #[error("account \"{name}\" in {path}: {detail}")]
    Invalid {
        path: String,
        name: String,
        detail: String,
    },
    #[error("{path} asks for weaker security, so nothing was imported:{}", .refused.iter().map(|r| format!("\n  {r}")).collect::<String>())]
    Weakened { path: String, refused: Vec<String> },
}

/// A setting in an accounts file that makes an account less safe than Poplar's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakening {
    /// `"security": "plain"`: nothing is encrypted. With a login method that sends the
    /// password (or may fall back to one that does), the password crosses the network too.
    Unencrypted { password_readable: bool },
    /// A certificate trusted by its SHA-256 fingerprint instead of being verified.
    PinnedCertificate(String),
    /// The outgoing server's `"security": "plain"`: what is sent crosses the network
    /// readable, and the password too when the login sends it.
    UnencryptedSending { password_readable: bool },
}

impl std::fmt::Display for Weakening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Weakening::Unencrypted {
                password_readable: true,
            } => f.write_str(
                "uses no encryption: the password and the mail cross the network readable by anyone on the way",
            ),
            Weakening::Unencrypted {
                password_readable: false,
            } => f.write_str(
                "uses no encryption: the mail crosses the network readable by anyone on the way",
            ),
            Weakening::PinnedCertificate(sha256) => write!(
                f,
                "trusts exactly the certificate with SHA-256 fingerprint {sha256} instead of verifying the server's certificate"
            ),
            Weakening::UnencryptedSending {
                password_readable: true,
            } => f.write_str(
                "sends without encryption: the password and the mail sent cross the network readable by anyone on the way",
            ),
            Weakening::UnencryptedSending {
                password_readable: false,
            } => f.write_str(
                "sends without encryption: the mail sent crosses the network readable by anyone on the way",
            ),
        }
    }
}

/// What makes these settings less safe than the defaults, in the order a person would
/// want to hear it.
pub fn weakenings(s: &Settings) -> Vec<Weakening> {
    let mut found = Vec::new();
    if s.security == Security::Plain {
        found.push(Weakening::Unencrypted {
            // Automatic ends with USER/PASS when nothing better is offered.
            password_readable: !matches!(s.auth, AuthMethod::Apop | AuthMethod::CramMd5),
        });
    }
    if let Some(sha256) = &s.pinned_cert {
        found.push(Weakening::PinnedCertificate(sha256.clone()));
    }
    if let Some(smtp) = s.smtp.as_ref().filter(|s| s.security == Security::Plain) {
        found.push(Weakening::UnencryptedSending {
            password_readable: matches!(
                smtp.login,
                SmtpLogin::Automatic | SmtpLogin::Plain | SmtpLogin::Login
            ),
        });
    }
    found
}

/// The weakenings a person accepted for a whole file (the command line's --allow-plain and
/// --allow-pinned).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowed {
    pub plain: bool,
    pub pinned: bool,
}

impl Allowed {
    fn accepts(self, w: &Weakening) -> bool {
        match w {
            Weakening::Unencrypted { .. } | Weakening::UnencryptedSending { .. } => self.plain,
            Weakening::PinnedCertificate(_) => self.pinned,
        }
    }
}

/// Writes the accounts' settings (never their passwords) to `path` as JSON.
pub fn export(path: &Path, accounts: &[Settings]) -> Result<(), Error> {
    export_with_rules(path, accounts, Vec::new())
}

/// Writes the accounts and the sorting rules.
pub fn export_with_rules(
    path: &Path,
    accounts: &[Settings],
    rules: Vec<RuleEntry>,
) -> Result<(), Error> {
    let file = File {
        poplar_accounts: 1,
        rules,
        accounts: accounts
            .iter()
            .map(|s| Entry {
                name: s.name.clone(),
                email: s.email.clone(),
                host: s.host.clone(),
                port: s.port,
                security: s.security.as_str().into(),
                user: s.user.clone(),
                keep: s.keep.to_string(),
                login: s.auth.as_str().into(),
                size_limit: s.size_limit,
                check_at_startup: s.check_on_startup,
                check_every_minutes: s.check_every_minutes,
                delete_on_server_when_deleted_here: s.delete_on_server_when_deleted,
                include_in_get_all: s.include_in_get_all,
                trusted_certificate_sha256: s.pinned_cert.clone(),
                smtp: s.smtp.as_ref().map(Outgoing::from_server),
                sign_in: s.oauth.as_ref().map(|o| SignIn {
                    provider: o.provider.as_str().into(),
                    issuer: o.issuer.clone(),
                    client_id: o.client_id.clone(),
                }),
            })
            .collect(),
    };
    let write_error = |detail: String| Error::Write {
        path: path.display().to_string(),
        detail,
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| write_error(e.to_string()))?;
    std::fs::write(path, text + "\n").map_err(|e| write_error(e.to_string()))
}

/// The file, read and parsed (at most [`MAX_FILE_BYTES`]).
fn read_file(path: &Path) -> Result<File, Error> {
    let shown = path.display().to_string();
    let read_error = |detail: String| Error::Read {
        path: shown.clone(),
        detail,
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| read_error(e.to_string()))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(read_error(format!(
            "it is larger than an accounts file can be ({} KiB)",
            MAX_FILE_BYTES / 1024
        )));
    }
    serde_json::from_str(&text).map_err(|e| Error::Format {
        path: shown.clone(),
        detail: e.to_string(),
    })
}

/// Reads the accounts' settings from a file written by [`export`] (or by hand). Anything
/// wrong (a number out of the dialog's range too) is a mistake, named with its account.
pub fn import(path: &Path) -> Result<Vec<Settings>, Error> {
    let shown = path.display().to_string();
    let file = read_file(path)?;
    let mut names = std::collections::HashSet::new();
    file.accounts
        .into_iter()
        .map(|e| {
            let invalid = |detail: String| Error::Invalid {
                path: shown.clone(),
                name: e.name.escape_debug().to_string(),
                detail,
            };
            if !names.insert(e.name.clone()) {
                return Err(invalid("the name appears twice in the file".into()));
            }
            let pinned_cert = match &e.trusted_certificate_sha256 {
                Some(f) => Some(normal_fingerprint(f).ok_or_else(|| {
                    invalid(format!(
                        "trusted_certificate_sha256 \"{}\" is not a SHA-256 fingerprint (64 hexadecimal digits)",
                        f.escape_debug()
                    ))
                })?),
                None => None,
            };
            let settings = Settings {
                name: e.name.clone(),
                email: e.email.clone(),
                host: e.host.clone(),
                port: e.port,
                security: e.security.parse::<Security>().map_err(invalid)?,
                user: e.user.clone(),
                keep: e.keep.parse::<Keep>().map_err(invalid)?,
                ca_file: None,
                auth: e.login.parse::<AuthMethod>().map_err(invalid)?,
                size_limit: e.size_limit,
                check_on_startup: e.check_at_startup,
                // 0 says "only when asked", as `--check-every 0` does.
                check_every_minutes: e.check_every_minutes.filter(|m| *m > 0),
                delete_on_server_when_deleted: e.delete_on_server_when_deleted_here,
                include_in_get_all: e.include_in_get_all,
                pinned_cert,
                smtp: e.smtp.as_ref().map(Outgoing::server).transpose().map_err(invalid)?,
                oauth: match &e.sign_in {
                    // A file from someone else names an issuer over TLS only (the
                    // command line and the dialog also take one on this computer).
                    Some(s) if s.issuer.as_deref().is_some_and(|i| !i.trim().starts_with("https://")) => {
                        return Err(invalid(format!(
                            "the sign-in issuer \"{}\" is not https://",
                            s.issuer.as_deref().unwrap_or_default().escape_debug()
                        )));
                    }
                    Some(s) => Some(OAuth {
                        provider: s.provider.parse().map_err(invalid)?,
                        issuer: s.issuer.clone(),
                        client_id: s.client_id.clone(),
                    }),
                    None => None,
                },
            };
            // The same checks and ranges as the dialog and `poplar account add`: a number
            // out of range is refused with its reason, not changed behind the reader's back.
            settings.validate().map_err(|p| invalid(p.sentence()))?;
            Ok(settings)
        })
        .collect()
}

/// A fingerprint the way Poplar shows it (AB:CD:…), if `text` is one whatever its case and
/// separators.
fn normal_fingerprint(text: &str) -> Option<String> {
    let digits: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if digits.len() != 64 || !digits.iter().all(char::is_ascii_hexdigit) {
        return None;
    }
    Some(
        digits
            .chunks(2)
            .map(|pair| pair.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// Writes the settings of every account in `store` to `path`; how many there were.
pub fn export_store(store: &crate::store::Store, path: &Path) -> Result<usize, Error> {
    let accounts: Vec<Settings> = store.accounts()?.into_iter().map(|a| a.settings).collect();
    export_with_rules(path, &accounts, rules::entries(store)?)?;
    Ok(accounts.len())
}

/// What importing a file would do, to show before it is done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The accounts to add, as read from the file.
    pub add: Vec<Settings>,
    /// The sorting rules in the file, added after the accounts.
    pub rules: Vec<RuleEntry>,
    /// Accounts with a name already here, which would be left as they are.
    pub skipped: Vec<String>,
}

impl Plan {
    /// Each account to add that is less safe than the defaults, with how.
    pub fn weakened(&self) -> Vec<(String, Vec<Weakening>)> {
        self.add
            .iter()
            .map(|s| (s.name.clone(), weakenings(s)))
            .filter(|(_, w)| !w.is_empty())
            .collect()
    }
}

/// Reads the file and works out what importing it into `store` would do; changes nothing.
pub fn plan(store: &crate::store::Store, path: &Path) -> Result<Plan, Error> {
    let mut plan = Plan {
        rules: read_file(path)?.rules,
        ..Plan::default()
    };
    for settings in import(path)? {
        if store.account(&settings.name).is_ok() {
            plan.skipped.push(settings.name);
        } else {
            plan.add.push(settings);
        }
    }
    Ok(plan)
}

/// What importing a file into a store did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Accounts added (without passwords: Poplar asks for them at the first fetch).
    pub added: Vec<String>,
    /// Accounts with a name already here, left as they are.
    pub skipped: Vec<String>,
    /// Accounts added that are less safe than the defaults, as accepted.
    pub weakened: Vec<(String, Vec<Weakening>)>,
    /// Sorting rules added, and those left alone because the name is taken here.
    pub rules_added: Vec<String>,
    pub rules_skipped: Vec<String>,
}

/// Adds the planned accounts, then the file's rules.
pub fn add_plan(store: &crate::store::Store, plan: &Plan) -> Result<Imported, Error> {
    let mut imported = add_planned(store, &plan.add)?;
    let (added, skipped) = rules::add(store, &plan.rules)?;
    imported.rules_added = added;
    imported.rules_skipped = skipped;
    Ok(imported)
}

/// Adds the file's accounts to `store`; an account whose name is taken is left alone.
/// Nothing is added when the file has a mistake or weakens security in a way `allowed`
/// does not accept.
pub fn import_into(
    store: &crate::store::Store,
    path: &Path,
    allowed: Allowed,
) -> Result<Imported, Error> {
    let plan = plan(store, path)?;
    let refused: Vec<String> =
        plan.weakened()
            .into_iter()
            .flat_map(|(name, weakened)| {
                weakened
                    .into_iter()
                    .filter(|w| !allowed.accepts(w))
                    .map(move |w| {
                        let flag = match w {
                            Weakening::Unencrypted { .. }
                            | Weakening::UnencryptedSending { .. } => "--allow-plain",
                            Weakening::PinnedCertificate(_) => "--allow-pinned",
                        };
                        format!("the account \"{name}\" {w} (accept with {flag})")
                    })
            })
            .collect();
    if !refused.is_empty() {
        return Err(Error::Weakened {
            path: path.display().to_string(),
            refused,
        });
    }
    let mut imported = add_plan(store, &plan)?;
    imported.skipped.extend(plan.skipped);
    Ok(imported)
}

/// Adds these accounts (a [`Plan`]'s, once a person has seen it), all or none, through
/// the one place accounts are saved; a name taken in the meantime is left alone.
pub fn add_planned(store: &crate::store::Store, accounts: &[Settings]) -> Result<Imported, Error> {
    let mut imported = Imported::default();
    let requests = accounts.iter().map(|settings| save::Request {
        id: None,
        settings: settings.clone(),
        password: None,
        tokens: None,
        outgoing_password: None,
        if_keyring_fails: save::IfKeyringFails::Undo,
    });
    let saved = save::save_all(store, requests, |settings, e| match e {
        SaveError::Invalid(Problem::NameTaken(name)) => {
            imported.skipped.push(name);
            Ok(())
        }
        // Read through `import`, so only settings changed since can be wrong.
        SaveError::Invalid(problem) => Err(Error::Invalid {
            path: String::new(),
            name: settings.name.escape_debug().to_string(),
            detail: problem.sentence(),
        }),
        other => Err(other.into()),
    })?;
    for saved in saved {
        let settings = saved.account.settings;
        let weakened = weakenings(&settings);
        if !weakened.is_empty() {
            imported.weakened.push((settings.name.clone(), weakened));
        }
        imported.added.push(settings.name);
    }
    Ok(imported)
}

/// A failure of the one place accounts are saved. An account's own problem is said with
/// its name by [`add_planned`]; this words the rest (the database, the keyring).
impl From<SaveError> for Error {
    fn from(e: SaveError) -> Error {
        match e {
            SaveError::Invalid(problem) => Error::Invalid {
                path: String::new(),
                name: String::new(),
                detail: problem.sentence(),
            },
            SaveError::Store(e) => Error::Store(e),
            SaveError::Keyring(e) | SaveError::PasswordRefused(e) => Error::Keyring(e),
        }
    }
}

#[path = "accounts_file_rules.rs"]
mod rules;

pub use rules::RuleEntry;

#[cfg(test)]
#[path = "accounts_file_tests.rs"]
mod tests;
