//! The failures of the window's own work off its thread (reading the list, changing the
//! store, restoring a backup), kept typed in its messages until the view says them.

use std::sync::Arc;

use super::Said;
use crate::interrupted::Interrupted;
use crate::{backup, paths, store, t};

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
}

impl From<paths::Error> for Failure {
    fn from(e: paths::Error) -> Self {
        Failure::Paths(Arc::new(e))
    }
}

impl Said for Failure {
    fn said(&self) -> String {
        match self {
            Failure::Store(e) => e.said(),
            Failure::Paths(e) => e.said(),
            Failure::Backup(e) => e.said(),
            Failure::AccountGone => t!("error-account-gone"),
            Failure::Interrupted(e) => e.said(),
        }
    }
}
