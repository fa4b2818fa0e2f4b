//! The one place that knows where Poplar keeps its files.

use std::path::{Path, PathBuf};

use crate::accounts::AccountId;

/// Environment variable that, like `--data-dir`, puts all data and settings under one folder.
pub const DATA_DIR_ENV: &str = "POPLAR_DATA_DIR";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Paths {
    data: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not find a home folder to keep mail in; start Poplar with --data-dir DIR")]
    NoHome,
    #[error("could not create the data folder {path}: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
}

impl Paths {
    /// `explicit` (from `--data-dir`) wins, then `POPLAR_DATA_DIR`, then the platform's
    /// data folder (e.g. `~/.local/share/poplar`, `%APPDATA%\Poplar\data`).
    pub fn resolve(explicit: Option<&Path>) -> Result<Paths, Error> {
        let data = match explicit {
            Some(dir) => dir.to_path_buf(),
            None => match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
                Some(dir) => PathBuf::from(dir),
                None => directories::ProjectDirs::from("org", "Poplar", "Poplar")
                    .ok_or(Error::NoHome)?
                    .data_dir()
                    .to_path_buf(),
            },
        };
        Ok(Paths { data })
    }

    /// Paths under `dir`, without looking at the environment.
    pub fn at(dir: impl Into<PathBuf>) -> Paths {
        Paths { data: dir.into() }
    }

    /// Creates the data folder if needed (private to the user on Unix).
    pub fn ensure(&self) -> Result<(), Error> {
        std::fs::create_dir_all(&self.data).map_err(|source| Error::Create {
            path: self.data.display().to_string(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.data, std::fs::Permissions::from_mode(0o700));
        }
        Ok(())
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    pub fn database(&self) -> PathBuf {
        self.data.join("poplar.sqlite3")
    }

    /// The folder of the lock files that keep fetches (and deliveries) of one account
    /// apart, and both from a restore.
    fn locks(&self) -> PathBuf {
        self.data.join("locks")
    }

    /// The lock held while one account is fetched (by a window or `poplar fetch`). Every
    /// Poplar running on this folder must agree on these names, whatever its version.
    pub fn fetch_lock(&self, account: AccountId) -> PathBuf {
        self.locks().join(format!("account-{account}.lock"))
    }

    /// The lock held while one account's sign-in (OAuth2) is renewed.
    pub fn sign_in_lock(&self, account: AccountId) -> PathBuf {
        self.locks().join(format!("sign-in-{account}.lock"))
    }

    /// The lock held while one account's Outbox is delivered.
    pub fn send_lock(&self, account: AccountId) -> PathBuf {
        self.locks().join(format!("send-{account}.lock"))
    }

    /// The data folder's lock: shared by fetches and deliveries, taken whole by a restore.
    pub fn folder_lock(&self) -> PathBuf {
        self.locks().join("data-folder.lock")
    }

    /// Where the backup folder is remembered outside the database, so that a damaged
    /// database can still be restored from it.
    pub fn backup_folder_file(&self) -> PathBuf {
        self.data.join("backup-folder.txt")
    }

    /// Where `poplar fetch` remembers whether the system's hashed directory of trusted
    /// roots holds every root of its bundle, and for which versions of the two
    /// (src/pop3/roots.rs): reading them all takes longer than the rest of its start.
    pub fn trusted_roots_checked(&self) -> PathBuf {
        self.data.join("trusted-roots-checked.txt")
    }

    /// The private copies of attachments written so that the system's program can open
    /// them: one folder per message (removed with the message), one per attachment in it.
    pub fn opened(&self) -> PathBuf {
        self.data.join("opened")
    }

    /// The folder of one message's opened attachments.
    pub fn opened_message(&self, message: i64) -> PathBuf {
        self.opened().join(message.to_string())
    }

    /// The folder one attachment is written into to be opened (its own, so that two
    /// attachments of the same name do not overwrite each other).
    pub fn opened_attachment(&self, message: i64, index: usize) -> PathBuf {
        self.opened_message(message).join(index.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_dir_wins() {
        let p = Paths::resolve(Some(Path::new("some/dir"))).unwrap();
        assert_eq!(p.database(), Path::new("some/dir").join("poplar.sqlite3"));
    }

    /// Another Poplar on the same folder (an older `poplar fetch` from cron, say) finds
    /// the same files.
    #[test]
    fn lock_and_backup_files_keep_their_names() {
        let p = Paths::at("d");
        let locks = Path::new("d").join("locks");
        assert_eq!(p.fetch_lock(AccountId(7)), locks.join("account-7.lock"));
        assert_eq!(p.send_lock(AccountId(7)), locks.join("send-7.lock"));
        assert_eq!(p.folder_lock(), locks.join("data-folder.lock"));
        assert_eq!(
            p.backup_folder_file(),
            Path::new("d").join("backup-folder.txt")
        );
    }
}
