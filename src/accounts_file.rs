//! Account settings as a readable file, for rolling the same accounts out to several
//! computers in an office. Passwords are never written.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::accounts::{AuthMethod, Keep, Security, Settings};

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
}

fn auto() -> String {
    "auto".into()
}
fn yes() -> bool {
    true
}
fn ten() -> Option<u32> {
    Some(10)
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Says what the file is, for whoever opens it.
    poplar_accounts: u32,
    accounts: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not write {path}: {detail}")]
    Write { path: String, detail: String },
    #[error("could not read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{path} is not a Poplar accounts file: {detail}")]
    Format { path: String, detail: String },
    #[error("the mail database failed: {0}")]
    Store(String),
    #[error("account \"{name}\" in {path}: {detail}")]
    Invalid {
        path: String,
        name: String,
        detail: String,
    },
}

/// Writes the accounts' settings (never their passwords) to `path` as JSON.
pub fn export(path: &Path, accounts: &[Settings]) -> Result<(), Error> {
    let file = File {
        poplar_accounts: 1,
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
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&file).expect("plain data serializes");
    std::fs::write(path, text + "\n").map_err(|e| Error::Write {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
}

/// Reads the accounts' settings from a file written by [`export`] (or by hand).
pub fn import(path: &Path) -> Result<Vec<Settings>, Error> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Read {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    let file: File = serde_json::from_str(&text).map_err(|e| Error::Format {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    file.accounts
        .into_iter()
        .map(|e| {
            let invalid = |detail: String| Error::Invalid {
                path: shown.clone(),
                name: e.name.clone(),
                detail,
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
                check_every_minutes: e.check_every_minutes.filter(|m| *m > 0),
                delete_on_server_when_deleted: e.delete_on_server_when_deleted_here,
                include_in_get_all: e.include_in_get_all,
                pinned_cert: e.trusted_certificate_sha256.clone(),
            };
            settings.validate().map_err(invalid)?;
            Ok(settings)
        })
        .collect()
}

/// Writes the settings of every account in `store` to `path`; how many there were.
pub fn export_store(store: &crate::store::Store, path: &Path) -> Result<usize, Error> {
    let accounts: Vec<Settings> = store
        .accounts()
        .map_err(|e| Error::Store(e.to_string()))?
        .into_iter()
        .map(|a| a.settings)
        .collect();
    export(path, &accounts)?;
    Ok(accounts.len())
}

/// What importing a file into a store did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Accounts added (without passwords: Poplar asks for them at the first fetch).
    pub added: Vec<String>,
    /// Accounts with a name already here, left as they are.
    pub skipped: Vec<String>,
}

/// Adds the file's accounts to `store`; an account whose name is taken is left alone.
/// Nothing is added when the file has a mistake.
pub fn import_into(store: &crate::store::Store, path: &Path) -> Result<Imported, Error> {
    let mut imported = Imported::default();
    for settings in import(path)? {
        if store.account(&settings.name).is_ok() {
            imported.skipped.push(settings.name);
            continue;
        }
        store
            .add_account(&settings)
            .map_err(|e| Error::Store(e.to_string()))?;
        imported.added.push(settings.name);
    }
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_no_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.json");
        let accounts = vec![
            Settings {
                name: "sales".into(),
                email: "sales@example.co.jp".into(),
                host: "pop.example.co.jp".into(),
                user: "sales".into(),
                keep: Keep::Days(30),
                size_limit: Some(5 << 20),
                ..Settings::default()
            },
            Settings {
                name: "info".into(),
                host: "mail.example.org".into(),
                port: 110,
                security: Security::StartTls,
                user: "info@example.org".into(),
                keep: Keep::Delete,
                auth: AuthMethod::CramMd5,
                check_every_minutes: None,
                ..Settings::default()
            },
        ];
        export(&path, &accounts).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"keep\": \"days:30\""), "{text}");
        assert!(!text.to_lowercase().contains("password"));
        assert_eq!(import(&path).unwrap(), accounts);
    }

    #[test]
    fn mistakes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, r#"{"poplar_accounts": 1, "accounts": [{"name": "x", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "sometimes"}]}"#).unwrap();
        let e = import(&path).unwrap_err().to_string();
        assert!(
            e.contains("account \"x\"") && e.contains("unknown keep mode"),
            "{e}"
        );
        std::fs::write(&path, "not json").unwrap();
        assert!(
            import(&path)
                .unwrap_err()
                .to_string()
                .contains("not a Poplar accounts file")
        );
    }
}
