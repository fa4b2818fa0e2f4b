//! Passwords in the OS keyring (Secret Service, Keychain, Credential Manager): service
//! `poplar`, one entry per account name. Never in the database, a file or a log.

pub const SERVICE: &str = "poplar";

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("no password is stored for the account \"{0}\"")]
    NotFound(String),
    #[error("the system keyring is not available ({0}); Poplar cannot remember passwords here")]
    Unavailable(String),
}

fn entry(account: &str) -> Result<keyring::Entry, Error> {
    keyring::Entry::new(SERVICE, account).map_err(|e| Error::Unavailable(e.to_string()))
}

pub fn set_password(account: &str, password: &str) -> Result<(), Error> {
    entry(account)?
        .set_password(password)
        .map_err(|e| Error::Unavailable(e.to_string()))
}

pub fn get_password(account: &str) -> Result<String, Error> {
    match entry(account)?.get_password() {
        Ok(p) => Ok(p),
        Err(keyring::Error::NoEntry) => Err(Error::NotFound(account.to_string())),
        Err(e) => Err(Error::Unavailable(e.to_string())),
    }
}

/// Removes the password; a missing entry is not an error.
pub fn delete_password(account: &str) -> Result<(), Error> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(Error::Unavailable(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_mock_store() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        // The mock store keeps nothing between entries, so exercise one entry's life.
        let e = entry("mock-account").unwrap();
        assert!(matches!(e.get_password(), Err(keyring::Error::NoEntry)));
        e.set_password("s3cret").unwrap();
        assert_eq!(e.get_password().unwrap(), "s3cret");
        e.delete_credential().unwrap();
        assert!(matches!(e.get_password(), Err(keyring::Error::NoEntry)));
    }
}
