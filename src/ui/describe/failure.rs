//! The failures of the window's own work off its thread (reading the list, changing the
//! store, restoring a backup), kept typed in its messages until the view says them.

use std::sync::Arc;

use super::Said;
use crate::accounts::save;
use crate::interrupted::Interrupted;
use crate::{accounts_file, backup, paths, secrets, store, t, transfer};

/// Why work the window ran off its thread failed. `Clone` so that a message can carry it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    Store(#[from] store::Error),
    /// The data folder could not be made ready.
    #[error("{0}")]
    Paths(Arc<paths::Error>),
    #[error("{0}")]
    Backup(#[from] backup::Error),
    /// The account asked about was removed in the meantime.
    #[error("the account was removed")]
    AccountGone,
    /// The work ended without an answer.
    #[error("{0}")]
    Interrupted(#[from] Interrupted),
    #[error("{0}")]
    Secrets(#[from] secrets::Error),
    /// An account was not saved (or saved without its password).
    #[error("{0:?}")]
    Save(Arc<save::Error>),
    #[error("{0}")]
    Transfer(Arc<transfer::Error>),
    #[error("{0}")]
    AccountsFile(Arc<accounts_file::Error>),
    /// A file of the user's (an attachment saved or opened).
    #[error("{0}")]
    Io(Arc<std::io::Error>),
    /// The message could not be put in the Outbox.
    #[error("{0}")]
    Send(#[from] crate::send::Error),
    /// The account chosen to send from has no outgoing server.
    #[error("the account has no outgoing server")]
    NoSendingAccount,
    /// A file chosen to attach could not be read.
    #[error("{}: {}", .0.display(), .1)]
    Unreadable(std::path::PathBuf, Arc<std::io::Error>),
    /// The attachment asked for is no longer in the message (it was removed meanwhile).
    #[error("the attachment is gone")]
    AttachmentGone,
}

macro_rules! shared {
    ($($variant:ident($error:ty)),*) => {$(
        impl From<$error> for Failure {
            fn from(e: $error) -> Self {
                Failure::$variant(Arc::new(e))
            }
        }
    )*};
}

shared!(
    Save(save::Error),
    Transfer(transfer::Error),
    AccountsFile(accounts_file::Error),
    Io(std::io::Error)
);

shared!(Paths(paths::Error));

impl Said for Failure {
    fn said(&self) -> String {
        match self {
            Failure::Store(e) => e.said(),
            Failure::Paths(e) => e.said(),
            Failure::Backup(e) => e.said(),
            Failure::AccountGone => t!("error-account-gone"),
            Failure::Interrupted(e) => e.said(),
            Failure::Secrets(e) => e.said(),
            Failure::Save(e) => match &**e {
                save::Error::Invalid(problem) => problem.sentence(),
                save::Error::Store(e) => e.said(),
                save::Error::Keyring(e) | save::Error::PasswordRefused(e) => e.said(),
            },
            Failure::Transfer(e) => e.said(),
            Failure::AccountsFile(e) => e.said(),
            Failure::Io(e) => e.said(),
            Failure::AttachmentGone => t!("attachment-gone"),
            Failure::Send(e) => crate::ui::sending::error(e),
            Failure::NoSendingAccount => t!("compose-no-sending-account"),
            Failure::Unreadable(path, e) => t!(
                "compose-unreadable",
                file = path.display().to_string(),
                error = e.said()
            ),
        }
    }
}
