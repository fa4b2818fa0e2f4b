//! Passwords in the OS keyring (Secret Service, Keychain, Credential Manager). Never in the
//! database, a file or a log.
//!
//! One entry per account: service `poplar`, user `<data folder id>/<account id>`.
//!
//! - The data folder id is random, made once per database and kept in its settings table.
//!   Two data folders (a portable stick and the home install) never share an entry, even
//!   with accounts of the same name and the same ids. A key made from the folder's path
//!   would do that too, but would lose every password when the folder moves: a stick
//!   mounted at another drive letter or mount point, a home folder copied to a new disk.
//!   The id travels with the database, and so with a backup that is restored.
//! - The account id, not its name: renaming an account keeps its password, and no name can
//!   reach another account's entry.
//!
//! Releases before this keyed the entry by account name alone, so two data folders with an
//! account of the same name read and deleted each other's password. [`Keyring::open`] moves
//! those passwords once per data folder, for the accounts the folder had when it first met
//! the new key (accounts added since never had an old entry of their own). It copies and
//! leaves the old entry: another data folder with an account of that name (a stick not
//! plugged in now) or an older Poplar may still need it, and nothing here can know that no
//! one does. Deleting it would lose that folder's password for good; leaving it keeps a
//! copy of a password that is in this keyring anyway.

use rusqlite::OptionalExtension;

use crate::accounts::{Account, AccountId};
use crate::oauth::Tokens;
use crate::store::{self, Store};

pub const SERVICE: &str = "poplar";

/// The characters of one keyring entry of the tokens (Windows takes at most 1,280).
const PART_CHARS: usize = 1000;
/// More entries than this are not read (a damaged count).
const MAX_PARTS: usize = 64;

/// Sign-in tokens as the keyring keeps them (JSON, in one entry or several).
#[derive(serde::Deserialize)]
struct StoredTokens {
    access: String,
    refresh: Option<String>,
    expires_at: i64,
    refresh_at: Option<i64>,
}

/// The settings key of this data folder's id in the keyring.
const FOLDER_ID: &str = "keyring_folder_id";
/// The settings key of the accounts whose old, name-keyed entry is still to be moved.
const LEGACY_ACCOUNTS: &str = "keyring_legacy_accounts";

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("no password is stored for the account \"{0}\"")]
    NotFound(String),
    #[error("the system keyring is not available ({0}); Poplar cannot remember passwords here")]
    Unavailable(String),
    #[error("{0}")]
    Store(#[from] store::Error),
}

/// One keyring call at a time in this process: GNOME Keyring has been seen to drop its
/// D-Bus connection (and a call to hang) when one process opens several sessions at once,
/// e.g. a password stored from the prompt while a dialog saves another.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

trait Serial {
    fn get_password_serial(&self) -> keyring::Result<String>;
    fn set_password_serial(&self, password: &str) -> keyring::Result<()>;
    fn delete_credential_serial(&self) -> keyring::Result<()>;
}

impl Serial for keyring::Entry {
    fn get_password_serial(&self) -> keyring::Result<String> {
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.get_password()
    }

    fn set_password_serial(&self, password: &str) -> keyring::Result<()> {
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.set_password(password)
    }

    fn delete_credential_serial(&self) -> keyring::Result<()> {
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.delete_credential()
    }
}

fn unavailable(e: impl std::fmt::Display) -> Error {
    Error::Unavailable(e.to_string())
}

fn store_error(e: impl Into<store::Error>) -> Error {
    Error::Store(e.into())
}

/// The keyring entries of one data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    folder: String,
}

impl Keyring {
    /// This data folder's entries. The first time, gives the folder its id; while old
    /// name-keyed entries are still to be moved, moves them (when the keyring answers).
    /// Only the database can make this fail.
    pub fn open(store: &Store) -> Result<Keyring, Error> {
        let keyring = Keyring {
            folder: folder_id(store)?,
        };
        keyring.move_legacy_entries(store);
        Ok(keyring)
    }

    /// The keyring's user name of an account's entry.
    pub fn user(&self, account: AccountId) -> String {
        format!("{}/{account}", self.folder)
    }

    fn entry(&self, account: AccountId) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(SERVICE, &self.user(account)).map_err(unavailable)
    }

    pub fn get(&self, account: &Account) -> Result<String, Error> {
        match self.entry(account.id)?.get_password_serial() {
            Ok(p) => Ok(p),
            Err(keyring::Error::NoEntry) => Err(Error::NotFound(account.settings.name.clone())),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub fn set(&self, account: &Account, password: &str) -> Result<(), Error> {
        self.entry(account.id)?
            .set_password_serial(password)
            .map_err(unavailable)
    }

    /// Removes the account's passwords (and only its own); a missing entry is not an
    /// error.
    pub fn delete(&self, account: &Account) -> Result<(), Error> {
        self.delete_tokens(account)?;
        for entry in [self.entry(account.id)?, self.outgoing_entry(account)?] {
            match entry.delete_credential_serial() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(unavailable(e)),
            }
        }
        Ok(())
    }

    /// The entry of an outgoing server that has a password of its own.
    fn outgoing_entry(&self, account: &Account) -> Result<keyring::Entry, Error> {
        let user = format!("{}/smtp", self.user(account.id));
        keyring::Entry::new(SERVICE, &user).map_err(unavailable)
    }

    /// The outgoing server's own password (see `SmtpServer::own_password`).
    pub fn get_outgoing(&self, account: &Account) -> Result<String, Error> {
        match self.outgoing_entry(account)?.get_password_serial() {
            Ok(p) => Ok(p),
            Err(keyring::Error::NoEntry) => Err(Error::NotFound(account.settings.name.clone())),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub fn set_outgoing(&self, account: &Account, password: &str) -> Result<(), Error> {
        self.outgoing_entry(account)?
            .set_password_serial(password)
            .map_err(unavailable)
    }

    /// The entries of an account's sign-in tokens (OAuth2): the first, then the
    /// continuations (`part` 1, 2, …).
    fn tokens_entry(&self, account: &Account, part: usize) -> Result<keyring::Entry, Error> {
        let user = match part {
            0 => format!("{}/oauth", self.user(account.id)),
            n => format!("{}/oauth/{n}", self.user(account.id)),
        };
        keyring::Entry::new(SERVICE, &user).map_err(unavailable)
    }

    /// One entry's text; None when there is none.
    fn read_part(&self, account: &Account, part: usize) -> Result<Option<String>, Error> {
        match self.tokens_entry(account, part)?.get_password_serial() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The account's sign-in tokens; None when it has not signed in here.
    pub fn get_tokens(&self, account: &Account) -> Result<Option<Tokens>, Error> {
        let Some(first) = self.read_part(account, 0)? else {
            return Ok(None);
        };
        // "N\n" then the first piece: the text is in N entries.
        let text = match first.split_once('\n') {
            Some((count, piece)) if count.bytes().all(|b| b.is_ascii_digit()) => {
                let count: usize = count.parse().unwrap_or(1).min(MAX_PARTS);
                let mut text = piece.to_string();
                for part in 1..count {
                    match self.read_part(account, part)? {
                        Some(piece) => text.push_str(&piece),
                        None => return Ok(None),
                    }
                }
                text
            }
            _ => first,
        };
        // An entry that cannot be read is as good as none: signing in again mends it.
        Ok(serde_json::from_str::<StoredTokens>(&text)
            .ok()
            .map(|t| Tokens {
                access: t.access,
                refresh: t.refresh,
                expires_at: t.expires_at,
                refresh_at: t
                    .refresh_at
                    .unwrap_or(t.expires_at - crate::oauth::REFRESH_EARLY_SECS),
            }))
    }

    /// Stores the tokens, in pieces: Windows' Credential Manager takes at most 1,280
    /// characters a secret, and Microsoft's tokens together are longer.
    pub fn set_tokens(&self, account: &Account, tokens: &Tokens) -> Result<(), Error> {
        let text = serde_json::json!({
            "access": tokens.access,
            "refresh": tokens.refresh,
            "expires_at": tokens.expires_at,
            "refresh_at": tokens.refresh_at,
        })
        .to_string();
        // The JSON of tokens is ASCII: pieces split at any byte are whole characters.
        let pieces: Vec<&str> = text
            .as_bytes()
            .chunks(PART_CHARS)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        let old = self.part_count(account)?;
        // The continuations first, the first entry (which says how many) last.
        for (part, piece) in pieces.iter().enumerate().skip(1) {
            self.tokens_entry(account, part)?
                .set_password_serial(piece)
                .map_err(unavailable)?;
        }
        let first = format!("{}\n{}", pieces.len(), pieces.first().unwrap_or(&""));
        self.tokens_entry(account, 0)?
            .set_password_serial(&first)
            .map_err(unavailable)?;
        for part in pieces.len()..old {
            self.delete_part(account, part)?;
        }
        Ok(())
    }

    /// How many entries the stored tokens take (0: none).
    fn part_count(&self, account: &Account) -> Result<usize, Error> {
        Ok(match self.read_part(account, 0)? {
            None => 0,
            Some(first) => first
                .split_once('\n')
                .and_then(|(n, _)| n.parse().ok())
                .unwrap_or(1usize)
                .min(MAX_PARTS),
        })
    }

    fn delete_part(&self, account: &Account, part: usize) -> Result<(), Error> {
        match self.tokens_entry(account, part)?.delete_credential_serial() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Forgets the account's sign-in (a refresh token the issuer no longer takes).
    pub fn delete_tokens(&self, account: &Account) -> Result<(), Error> {
        let count = self.part_count(account)?;
        // The first entry last: until it goes, the others are still found and removed.
        for part in (1..count).rev() {
            self.delete_part(account, part)?;
        }
        self.delete_part(account, 0)
    }

    /// Copies old name-keyed entries to their account's key. What the keyring cannot do
    /// now is tried again the next time; the database keeps the list.
    fn move_legacy_entries(&self, store: &Store) {
        let Ok(Some(list)) = store.setting(LEGACY_ACCOUNTS) else {
            return;
        };
        let Ok(accounts) = store.accounts() else {
            return;
        };
        let mut left = Vec::new();
        let mut moved = 0;
        // The ids the database wrote in `folder_id`.
        for id in list
            .split_whitespace()
            .filter_map(|s| s.parse().ok().map(AccountId))
        {
            // An account removed since has nothing to move.
            let Some(account) = accounts.iter().find(|a| a.id == id) else {
                continue;
            };
            match self.copy_legacy_entry(account) {
                Ok(copied) => moved += usize::from(copied),
                Err(e) => {
                    tracing::warn!("keyring: could not move the password of an account: {e}");
                    left.push(id.to_string());
                }
            }
        }
        if moved > 0 {
            tracing::info!("keyring: moved {moved} passwords to this data folder's own entries");
        }
        let _ = if left.is_empty() {
            store.remove_setting(LEGACY_ACCOUNTS)
        } else {
            store.set_setting(LEGACY_ACCOUNTS, &left.join(" "))
        };
    }

    /// True when a password was copied.
    fn copy_legacy_entry(&self, account: &Account) -> Result<bool, Error> {
        let new = self.entry(account.id)?;
        match new.get_password_serial() {
            // Set since (or moved by another Poplar running on this folder): it wins.
            Ok(_) => return Ok(false),
            Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(unavailable(e)),
        }
        let old = keyring::Entry::new(SERVICE, &account.settings.name).map_err(unavailable)?;
        match old.get_password_serial() {
            Ok(password) => new
                .set_password_serial(&password)
                .map(|()| true)
                .map_err(unavailable),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// This data folder's id, made on first use. Making it also notes which accounts the folder
/// has now: only they can have an old name-keyed entry of their own. Both happen in one
/// write transaction, so two Poplars starting together agree on one id and one list.
fn folder_id(store: &Store) -> Result<String, Error> {
    if let Some(id) = store.setting(FOLDER_ID).map_err(store_error)? {
        return Ok(id);
    }
    let conn = store.connection();
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        .map_err(store_error)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [FOLDER_ID],
            |r| r.get(0),
        )
        .optional()
        .map_err(store_error)?;
    if let Some(id) = existing {
        return Ok(id);
    }
    // SQLite's randomness comes from the system's, which is all an id needs.
    let id: String = tx
        .query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))
        .map_err(store_error)?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)",
        [FOLDER_ID, &id],
    )
    .map_err(store_error)?;
    tx.execute(
        "INSERT INTO settings (key, value)
         SELECT ?1, group_concat(id, ' ') FROM accounts WHERE removed_at IS NULL
         HAVING count(*) > 0",
        [LEGACY_ACCOUNTS],
    )
    .map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Settings;

    fn account(store: &Store, name: &str) -> Account {
        store
            .add_account(&Settings {
                name: name.into(),
                host: "pop.example.org".into(),
                user: "u".into(),
                ..Settings::default()
            })
            .unwrap()
    }

    #[test]
    fn round_trip_with_mock_store() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        // The mock store keeps nothing between entries, so exercise one entry's life.
        let keyring = Keyring { folder: "f".into() };
        let e = keyring.entry(AccountId(1)).unwrap();
        assert!(matches!(e.get_password(), Err(keyring::Error::NoEntry)));
        e.set_password("s3cret").unwrap();
        assert_eq!(e.get_password().unwrap(), "s3cret");
        e.delete_credential().unwrap();
        assert!(matches!(e.get_password(), Err(keyring::Error::NoEntry)));
    }

    #[test]
    fn each_data_folder_has_its_own_lasting_id() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let id_a = folder_id(&Store::open(&a).unwrap()).unwrap();
        let id_b = folder_id(&Store::open(&b).unwrap()).unwrap();
        assert_eq!(id_a.len(), 32);
        assert_ne!(id_a, id_b);
        assert_eq!(folder_id(&Store::open(&a).unwrap()).unwrap(), id_a);
        // The folder moves: the id goes with the database.
        let moved = dir.path().join("moved");
        std::fs::create_dir(&moved).unwrap();
        let moved = moved.join("a.db");
        std::fs::rename(&a, &moved).unwrap();
        assert_eq!(folder_id(&Store::open(&moved).unwrap()).unwrap(), id_a);
    }

    #[test]
    fn only_accounts_older_than_the_id_may_have_an_old_entry() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        let one = account(&store, "one");
        let two = account(&store, "two");
        store.remove_account("two", false).unwrap();
        folder_id(&store).unwrap();
        account(&store, "three");
        folder_id(&store).unwrap();
        assert_eq!(
            store.setting(LEGACY_ACCOUNTS).unwrap(),
            Some(one.id.to_string()),
            "{two:?} was removed, three came later"
        );

        let fresh = Store::open(&dir.path().join("fresh.db")).unwrap();
        folder_id(&fresh).unwrap();
        assert_eq!(fresh.setting(LEGACY_ACCOUNTS).unwrap(), None);
    }
}
