//! The fetch locks: one account's fetching is exclusive across windows and processes, and
//! the data folder is shared by fetches but taken whole by a restore.

use crate::accounts::Account;
use crate::paths::Paths;

use super::Error;

/// An exclusive lock on one account's fetching, held in a file in the data folder, so a
/// window and a `poplar fetch` from cron never run two sessions of one account; and a
/// shared lock on the whole data folder, which a restore takes exclusively, so that no
/// fetch commits (and deletes on the server) into a database being replaced.
pub(super) struct AccountLock {
    _folder: FolderLock,
    account: std::fs::File,
}

impl AccountLock {
    pub(super) fn acquire(paths: &Paths, account: &Account) -> Result<AccountLock, Error> {
        let io = Error::lock;
        let folder = match FolderLock::take(paths, false) {
            Ok(Some(lock)) => lock,
            Ok(None) => return Err(Error::Restoring),
            Err(e) => return Err(io(e)),
        };
        let file = lock_file(&paths.fetch_lock(account.id)).map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(AccountLock {
                _folder: folder,
                account: file,
            }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(Error::Busy(account.settings.name.clone()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

impl Drop for AccountLock {
    fn drop(&mut self) {
        let _ = self.account.unlock();
    }
}

/// The data folder's lock: shared by every fetch, exclusive for a restore.
pub struct FolderLock(std::fs::File);

impl FolderLock {
    /// Takes the lock without waiting; None when the other kind is held (a fetch is
    /// running, or a restore).
    pub fn take(paths: &Paths, exclusive: bool) -> std::io::Result<Option<FolderLock>> {
        let file = lock_file(&paths.folder_lock())?;
        let taken = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match taken {
            Ok(()) => Ok(Some(FolderLock(file))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn lock_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}
