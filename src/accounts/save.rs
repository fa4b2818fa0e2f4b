//! The one place an account is written: the dialog, `poplar account add`, `poplar account
//! password` and the accounts-file import all come here, so they refuse the same settings
//! for the same reason and write in the same order: the checks, then the database row,
//! then the keyring.

use super::{Account, AccountId, Problem, Settings};
use crate::secrets::{self, Keyring};
use crate::store::{self, Store};

/// Why an account was not saved (or saved without its password).
#[derive(Debug)]
pub enum Error {
    /// The settings are wrong or the name is taken; nothing was written.
    Invalid(Problem),
    /// The database failed; nothing was written, or (updating) the row was left as it was.
    Store(store::Error),
    /// The keyring could not be opened (only its bookkeeping in the database can fail);
    /// nothing was written.
    Keyring(secrets::Error),
    /// The keyring refused the password of a new account saved all-or-nothing, and the
    /// account was removed again: nothing is left of it.
    PasswordRefused(secrets::Error),
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Error {
        Error::Store(e)
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        Error::Invalid(p)
    }
}

/// What to do when the keyring refuses a new account's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfKeyringFails {
    /// Remove the account again (the command line: a script sees an error and nothing
    /// half made, and can run the same command again).
    Undo,
    /// Keep the account and hand the password back in [`Saved::unsaved_password`] (the
    /// window remembers it until it closes, and says so).
    KeepAccount,
}

/// An account to write: a new one (`id` None) or new settings for an existing one.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: Option<AccountId>,
    pub settings: Settings,
    /// A password for the keyring. None: a new account has none (an old entry its id may
    /// have had is cleared); an existing one keeps its own.
    pub password: Option<String>,
    /// A password of the outgoing server's own, for the keyring's second entry (the
    /// settings say it has one). None: a stored one stays.
    pub outgoing_password: Option<String>,
    /// The tokens of a sign-in made in the dialog (OAuth2), for the keyring. None: a
    /// stored sign-in stays.
    pub tokens: Option<crate::oauth::Tokens>,
    pub if_keyring_fails: IfKeyringFails,
}

#[derive(Debug, Clone)]
pub struct Saved {
    pub account: Account,
    /// Set when the keyring could not store the password: keep it in memory instead.
    pub unsaved_password: Option<(String, secrets::Error)>,
    /// A new password went into the keyring: one the worker remembers is stale.
    pub password_stored: bool,
    /// The keyring did not take the outgoing server's password (the account is saved;
    /// sending says it has no password until one is stored).
    pub outgoing_refused: Option<secrets::Error>,
    /// The keyring did not take the sign-in's tokens (the account is saved; it asks to
    /// sign in again).
    pub tokens_refused: Option<secrets::Error>,
}

/// What is wrong with settings about to be saved as account `id` (None: a new one),
/// the name included: another account may not have it.
pub fn check(store: &Store, id: Option<AccountId>, settings: &Settings) -> Result<(), Error> {
    settings.validate()?;
    match store.account(&settings.name) {
        Ok(other) if Some(other.id) != id => Err(Problem::NameTaken(settings.name.clone()).into()),
        Ok(_) | Err(store::Error::NoSuchAccount(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Checks and writes an account and its password.
pub fn save(store: &Store, request: Request) -> Result<Saved, Error> {
    let Request {
        id,
        settings,
        password,
        outgoing_password,
        tokens,
        if_keyring_fails,
    } = request;
    check(store, id, &settings)?;
    if password.as_deref() == Some("") {
        return Err(Problem::PasswordMissing.into());
    }
    // Opened before a new account exists, so that it is never taken for one whose
    // password sits under an old name-keyed entry.
    let keyring = Keyring::open(store).map_err(Error::Keyring)?;
    let account = match id {
        Some(id) => {
            let before = store.accounts()?.into_iter().find(|a| a.id == id);
            store.update_account(id, &settings)?;
            let account = Account { id, settings };
            // Tokens from another issuer (or app) must never be sent to this one: a
            // changed sign-in without a new one is signed out.
            let moved = before.is_some_and(|b| b.settings.oauth != account.settings.oauth);
            if moved
                && tokens.is_none()
                && let Err(e) = keyring.delete_tokens(&account)
            {
                tracing::warn!("the old sign-in could not be forgotten: {e}");
            }
            account
        }
        None => {
            let account = store.add_account(&settings)?;
            // An id can come back after a removal whose keyring entries stayed (the
            // keyring was away): neither of them passes to the new account.
            forget_stale_password(&keyring, &account);
            account
        }
    };
    let outgoing_refused = match &outgoing_password {
        Some(p)
            if account
                .settings
                .smtp
                .as_ref()
                .is_some_and(|s| s.own_password) =>
        {
            keyring.set_outgoing(&account, p).err()
        }
        _ => None,
    };
    let tokens_refused = match &tokens {
        Some(tokens) => match keyring.set_tokens(&account, tokens) {
            Ok(()) => None,
            Err(e) if id.is_none() && if_keyring_fails == IfKeyringFails::Undo => {
                store.remove_account(&account.settings.name, true)?;
                return Err(Error::PasswordRefused(e));
            }
            Err(e) => Some(e),
        },
        None => None,
    };
    // The entry is keyed by the account's id, not its name: a rename leaves it alone.
    let Some(password) = password else {
        return Ok(Saved {
            account,
            unsaved_password: None,
            password_stored: false,
            outgoing_refused,
            tokens_refused,
        });
    };
    match keyring.set(&account, &password) {
        Ok(()) => Ok(Saved {
            account,
            unsaved_password: None,
            password_stored: true,
            outgoing_refused,
            tokens_refused,
        }),
        Err(e) if id.is_none() && if_keyring_fails == IfKeyringFails::Undo => {
            store.remove_account(&account.settings.name, true)?;
            Err(Error::PasswordRefused(e))
        }
        Err(e) => Ok(Saved {
            account,
            unsaved_password: Some((password, e)),
            password_stored: false,
            outgoing_refused,
            tokens_refused,
        }),
    }
}

/// Saves several accounts, each as [`save`] does, in one transaction: all of them or none.
/// When one cannot be saved, `refused` decides: `Ok` leaves it out and goes on (the
/// accounts-file import leaves alone a name taken since), `Err` undoes every one and is
/// returned. A password stored for an account that is then undone stays behind as a
/// stale entry, which a new account given that id clears (as after any removal).
pub fn save_all<E: From<Error>>(
    store: &Store,
    requests: impl IntoIterator<Item = Request>,
    mut refused: impl FnMut(&Settings, Error) -> Result<(), E>,
) -> Result<Vec<Saved>, E> {
    // Opened before any of the accounts exists, and outside the transaction: the first
    // opening in a data folder writes the folder's id in a transaction of its own.
    Keyring::open(store).map_err(Error::Keyring)?;
    let begin = rusqlite::Transaction::new_unchecked(
        store.connection(),
        rusqlite::TransactionBehavior::Immediate,
    );
    let tx = begin.map_err(|e| Error::Store(e.into()))?;
    let mut saved = Vec::new();
    for request in requests {
        let settings = request.settings.clone();
        match save(store, request) {
            Ok(one) => saved.push(one),
            Err(e) => refused(&settings, e)?,
        }
    }
    tx.commit().map_err(|e| Error::Store(e.into()))?;
    Ok(saved)
}

/// Stores a new password for the account named `name`.
pub fn set_password(store: &Store, name: &str, password: &str) -> Result<Account, Error> {
    if password.is_empty() {
        return Err(Problem::PasswordMissing.into());
    }
    let account = store.account(name)?;
    let keyring = Keyring::open(store).map_err(Error::Keyring)?;
    keyring.set(&account, password).map_err(Error::Keyring)?;
    Ok(account)
}

/// Stores a password of the outgoing server's own for the account named `name`, and
/// makes the account log in to that server with it.
pub fn set_outgoing_password(store: &Store, name: &str, password: &str) -> Result<Account, Error> {
    if password.is_empty() {
        return Err(Problem::PasswordMissing.into());
    }
    let mut account = store.account(name)?;
    let keyring = Keyring::open(store).map_err(Error::Keyring)?;
    keyring
        .set_outgoing(&account, password)
        .map_err(Error::Keyring)?;
    if let Some(server) = account.settings.smtp.as_mut().filter(|s| !s.own_password) {
        server.own_password = true;
        store.set_smtp_server(account.id, Some(server))?;
    }
    Ok(account)
}

/// An id can be used again after an account was removed with its mail; a password left
/// behind then (the keyring was away) must not pass to a new account.
pub fn forget_stale_password(keyring: &Keyring, account: &Account) {
    let _ = keyring.delete(account);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Keep;

    fn settings(name: &str) -> Settings {
        Settings {
            name: name.into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Settings::default()
        }
    }

    fn new(settings: Settings) -> Request {
        Request {
            id: None,
            settings,
            password: None,
            outgoing_password: None,
            tokens: None,
            if_keyring_fails: IfKeyringFails::Undo,
        }
    }

    #[test]
    fn bad_settings_and_taken_names_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        let long = Settings {
            keep: Keep::Days(3651),
            ..settings("a")
        };
        let e = save(&store, new(long)).unwrap_err();
        assert!(
            matches!(e, Error::Invalid(Problem::DaysOutOfRange)),
            "{e:?}"
        );
        assert!(store.accounts().unwrap().is_empty());

        let a = save(&store, new(settings("a"))).unwrap().account;
        let e = save(&store, new(settings("a"))).unwrap_err();
        assert!(
            matches!(&e, Error::Invalid(Problem::NameTaken(n)) if n == "a"),
            "{e:?}"
        );
        // Renaming another account to a taken name is refused; keeping one's own is not.
        let b = save(&store, new(settings("b"))).unwrap().account;
        let rename = Request {
            id: Some(b.id),
            ..new(settings("a"))
        };
        assert!(matches!(
            save(&store, rename),
            Err(Error::Invalid(Problem::NameTaken(_)))
        ));
        let same = Request {
            id: Some(a.id),
            ..new(Settings {
                port: 1995,
                ..settings("a")
            })
        };
        assert_eq!(save(&store, same).unwrap().account.settings.port, 1995);
        assert_eq!(store.account("a").unwrap().settings.port, 1995);
    }

    /// Several accounts in one transaction: one refused undoes them all, unless the caller
    /// chooses to leave it out.
    #[test]
    fn several_accounts_are_saved_all_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        save(&store, new(settings("taken"))).unwrap();
        let bad = Settings {
            host: "pop example".into(),
            ..settings("bad")
        };
        let requests = || {
            [settings("a"), settings("taken"), bad.clone(), settings("b")]
                .into_iter()
                .map(new)
        };
        let names = |store: &Store| -> Vec<String> {
            let accounts = store.accounts().unwrap();
            accounts.into_iter().map(|a| a.settings.name).collect()
        };

        let mut seen = Vec::new();
        let e = save_all(&store, requests(), |s, e| {
            seen.push(s.name.clone());
            match e {
                Error::Invalid(Problem::NameTaken(_)) => Ok(()),
                other => Err(other),
            }
        })
        .unwrap_err();
        assert!(matches!(e, Error::Invalid(_)), "{e:?}");
        assert_eq!(seen, ["taken", "bad"]);
        assert_eq!(names(&store), ["taken"], "\"a\" was undone");

        let saved = save_all(&store, requests(), |_, _| Ok::<(), Error>(())).unwrap();
        let saved: Vec<&str> = saved
            .iter()
            .map(|s| s.account.settings.name.as_str())
            .collect();
        assert_eq!(saved, ["a", "b"]);
        assert_eq!(names(&store), ["a", "b", "taken"]);
    }

    #[test]
    fn an_empty_password_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        let request = Request {
            password: Some(String::new()),
            ..new(settings("a"))
        };
        assert!(matches!(
            save(&store, request),
            Err(Error::Invalid(Problem::PasswordMissing))
        ));
        assert!(store.accounts().unwrap().is_empty());
        assert!(matches!(
            set_password(&store, "a", ""),
            Err(Error::Invalid(Problem::PasswordMissing))
        ));
    }
}
