//! Accounts and application settings.

use rusqlite::{OptionalExtension, params};

use super::*;
use crate::accounts::KEEP_DAYS;

impl Store {
    /// Adds an account. Its name must not be taken by another active account.
    pub fn add_account(&self, s: &Settings) -> Result<Account> {
        let mut values = account_values(s);
        values.push(now().into());
        let placeholders = (1..=values.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        in_savepoint(&self.conn, || {
            let result = self.conn.execute(
                &format!(
                    "INSERT INTO accounts ({ACCOUNT_COLUMNS}, created_at) VALUES ({placeholders})"
                ),
                rusqlite::params_from_iter(values),
            );
            match result {
                Ok(_) => {
                    let mut settings = s.clone();
                    let (mode, days) = keep_columns(s.keep);
                    settings.keep = keep_from_columns(mode, days)?;
                    let id = AccountId(self.conn.last_insert_rowid());
                    super::outbox::write_smtp_server(&self.conn, id, s.smtp.as_ref())?;
                    Ok(Account { id, settings })
                }
                Err(e) if is_name_taken(&e) => Err(Error::AccountExists(s.name.clone())),
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Changes an account's settings. A new name must not clash with another account's.
    pub fn update_account(&self, id: AccountId, s: &Settings) -> Result<()> {
        let assignments = ACCOUNT_COLUMNS
            .split(", ")
            .enumerate()
            .map(|(i, column)| format!("{column} = ?{}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let mut values = account_values(s);
        values.push(id.0.into());
        let id_at = values.len();
        in_savepoint(&self.conn, || {
            let result = self.conn.execute(
                &format!(
                    "UPDATE accounts SET {assignments} WHERE id = ?{id_at} AND removed_at IS NULL"
                ),
                rusqlite::params_from_iter(values),
            );
            match result {
                Ok(0) => Err(Error::NoSuchAccount(s.name.clone())),
                Ok(_) => super::outbox::write_smtp_server(&self.conn, id, s.smtp.as_ref()),
                Err(e) if is_name_taken(&e) => Err(Error::AccountExists(s.name.clone())),
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Active accounts, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SELECT_ACCOUNT} WHERE a.removed_at IS NULL ORDER BY a.name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], account_from_row)?;
        rows.map(|r| r?).collect()
    }

    pub fn account(&self, name: &str) -> Result<Account> {
        self.conn
            .query_row(
                &format!("SELECT {SELECT_ACCOUNT} WHERE a.name = ?1 AND a.removed_at IS NULL"),
                [name],
                account_from_row,
            )
            .optional()?
            .transpose()?
            .ok_or_else(|| Error::NoSuchAccount(name.to_string()))
    }

    /// Removes an account. Its mail stays readable unless `delete_mail` is set.
    pub fn remove_account(&self, name: &str, delete_mail: bool) -> Result<()> {
        let account = self.account(name)?;
        if delete_mail {
            self.conn
                .execute("DELETE FROM accounts WHERE id = ?1", [account.id])?;
        } else {
            self.conn.execute(
                "UPDATE accounts SET removed_at = ?2 WHERE id = ?1",
                params![account.id, now()],
            )?;
        }
        Ok(())
    }

    /// An application setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn remove_setting(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }
}

/// Runs `f` as one unit: alone, in a transaction of its own; inside the caller's
/// transaction (an accounts file adding several), as a part of it that is undone whole.
fn in_savepoint<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("SAVEPOINT account_settings")?;
    match f() {
        Ok(value) => {
            conn.execute_batch("RELEASE account_settings")?;
            Ok(value)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO account_settings; RELEASE account_settings");
            Err(e)
        }
    }
}

/// True for the error of a second active account with the same name.
fn is_name_taken(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(e, _)
        if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// The columns [`account_from_row`] reads and the tables they come from: an account and its
/// outgoing server, if it has one.
const SELECT_ACCOUNT: &str = "a.id, a.name, a.email, a.host, a.port, a.security, a.username, \
     a.keep_mode, a.keep_days, a.ca_file, a.auth, a.size_limit, a.check_on_startup, \
     a.check_every_minutes, a.delete_on_server_when_deleted, a.include_in_get_all, \
     a.pinned_cert, s.host, s.port, s.security, s.username, s.login, s.ca_file, \
     s.own_password, s.charset, s.signature, a.oauth_provider, a.oauth_issuer, a.oauth_client_id \
     FROM accounts a LEFT JOIN smtp_servers s ON s.account_id = a.id";

/// The account columns written from `Settings`, in the order of [`account_values`].
const ACCOUNT_COLUMNS: &str = "name, email, host, port, security, username, keep_mode, keep_days, \
     ca_file, auth, size_limit, check_on_startup, check_every_minutes, \
     delete_on_server_when_deleted, include_in_get_all, pinned_cert, oauth_provider, oauth_issuer, \
     oauth_client_id";

/// The columns `keep_mode` and `keep_days` of a retention. Days outside
/// [`KEEP_DAYS`](crate::accounts::KEEP_DAYS) are clamped into it, as the database allows
/// no other.
fn keep_columns(keep: Keep) -> (&'static str, Option<i64>) {
    match keep {
        Keep::Delete => ("delete", None),
        Keep::Forever => ("forever", None),
        Keep::Days(n) => {
            let days = n.clamp(*KEEP_DAYS.start(), *KEEP_DAYS.end());
            ("days", Some(i64::from(days)))
        }
    }
}

/// The retention stored as `keep_mode` and `keep_days`.
pub(super) fn keep_from_columns(mode: &str, days: Option<i64>) -> Result<Keep> {
    match (mode, days) {
        ("delete", None) => Ok(Keep::Delete),
        ("forever", None) => Ok(Keep::Forever),
        ("days", Some(n)) => match u32::try_from(n) {
            Ok(n) if KEEP_DAYS.contains(&n) => Ok(Keep::Days(n)),
            _ => Err(Error::BadValue {
                column: "keep_days",
                value: n.to_string(),
            }),
        },
        _ => Err(Error::BadValue {
            column: "keep_mode",
            value: format!("{mode} ({days:?} days)"),
        }),
    }
}

fn account_values(s: &Settings) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    let (keep_mode, keep_days) = keep_columns(s.keep);
    vec![
        s.name.clone().into(),
        s.email.clone().into(),
        s.host.clone().into(),
        i64::from(s.port).into(),
        s.security.as_str().to_string().into(),
        s.user.clone().into(),
        keep_mode.to_string().into(),
        keep_days.map_or(Value::Null, Value::from),
        s.ca_file
            .as_ref()
            .map_or(Value::Null, |p| p.to_string_lossy().into_owned().into()),
        s.auth.as_str().to_string().into(),
        s.size_limit.map_or(Value::Null, |n| (n as i64).into()),
        s.check_on_startup.into(),
        s.check_every_minutes
            .map_or(Value::Null, |n| i64::from(n).into()),
        s.delete_on_server_when_deleted.into(),
        s.include_in_get_all.into(),
        s.pinned_cert.clone().map_or(Value::Null, Value::from),
        s.oauth
            .as_ref()
            .map_or(Value::Null, |o| o.provider.as_str().to_string().into()),
        s.oauth
            .as_ref()
            .and_then(|o| o.issuer.clone())
            .map_or(Value::Null, Value::from),
        s.oauth
            .as_ref()
            .and_then(|o| o.client_id.clone())
            .map_or(Value::Null, Value::from),
    ]
}

/// An account from the columns of `SELECT id, name, email, host, port, security, username,
/// keep_mode, keep_days, ca_file, auth, size_limit, check_on_startup, check_every_minutes,
/// delete_on_server_when_deleted, include_in_get_all, pinned_cert`.
fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Account>> {
    let security: String = r.get(5)?;
    let keep_mode: String = r.get(7)?;
    let keep_days: Option<i64> = r.get(8)?;
    let ca_file: Option<String> = r.get(9)?;
    let auth: String = r.get(10)?;
    let size_limit: Option<i64> = r.get(11)?;
    let port: i64 = r.get(4)?;
    let bad = |column: &'static str, value: String| Error::BadValue { column, value };
    let parsed = (|| -> Result<Account> {
        Ok(Account {
            id: r.get(0)?,
            settings: Settings {
                name: r.get(1)?,
                email: r.get(2)?,
                host: r.get(3)?,
                port: u16::try_from(port).map_err(|_| bad("port", port.to_string()))?,
                security: security
                    .parse::<Security>()
                    .map_err(|_| bad("security", security.clone()))?,
                user: r.get(6)?,
                keep: keep_from_columns(&keep_mode, keep_days)?,
                ca_file: ca_file.map(Into::into),
                auth: auth
                    .parse::<AuthMethod>()
                    .map_err(|_| bad("auth", auth.clone()))?,
                size_limit: size_limit.map(|n| n.max(0) as u64),
                check_on_startup: r.get(12)?,
                check_every_minutes: r
                    .get::<_, Option<i64>>(13)?
                    .map(|n| n.clamp(1, 100_000) as u32),
                delete_on_server_when_deleted: r.get(14)?,
                include_in_get_all: r.get(15)?,
                pinned_cert: r.get(16)?,
                smtp: super::outbox::smtp_from_row(r, 17)?,
                oauth: match r.get::<_, Option<String>>(26)? {
                    Some(provider) => Some(crate::accounts::oauth::OAuth {
                        provider: provider
                            .parse()
                            .map_err(|_| bad("oauth_provider", provider.clone()))?,
                        issuer: r.get(27)?,
                        client_id: r.get(28)?,
                    }),
                    None => None,
                },
            },
        })
    })();
    Ok(parsed)
}
