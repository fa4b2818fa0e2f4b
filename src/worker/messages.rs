//! What the window sends the worker and what the worker reports back.

use crate::accounts::AccountId;
use crate::secrets;
use crate::sync::{self, Progress, Report};

#[derive(Debug, Clone)]
pub enum Command {
    /// Fetch these accounts; an empty list means every account included in "Get all
    /// mail".
    Fetch(Vec<AccountId>),
    /// Stop the fetch of one account, or of all.
    Cancel(Option<AccountId>),
    /// Download the whole of a message stored as headers only (from the account the
    /// message belongs to, whatever it is called now).
    DownloadRest { message: i64 },
    /// Send what waits in this account's Outbox now.
    SendOutbox(AccountId),
    /// Use this password for the account until the program ends, without storing it.
    RememberPassword {
        account: AccountId,
        password: String,
    },
    /// A new password for the account is in the keyring: a remembered one is stale.
    ForgetPassword { account: AccountId },
    /// Accounts were added, changed or removed: read the schedule again.
    AccountsChanged,
    /// Make a backup now (in the backup folder).
    BackUpNow,
    /// Index new messages for search (after an import, say).
    IndexNow,
    /// The backup folder or its schedule changed.
    BackupSettingsChanged,
    /// Stop taking commands; fetches under way finish first.
    Shutdown,
}

#[derive(Debug, Clone)]
pub enum Event {
    Started {
        account: AccountId,
        name: String,
    },
    Progress {
        account: AccountId,
        name: String,
        progress: Progress,
    },
    Finished {
        account: AccountId,
        name: String,
        report: Report,
    },
    /// A job failed; `account` is None when the command named no account the store knows
    /// (a message whose account is gone, say).
    Failed {
        account: Option<AccountId>,
        name: String,
        error: FetchError,
    },
    Cancelled {
        account: AccountId,
        name: String,
    },
    /// "Download the rest" of message `message` began, from the account it belongs to
    /// (found by the message's account id, under the name the account has now).
    DownloadingRest {
        account: AccountId,
        name: String,
        message: i64,
    },
    /// A partial message was completed ("download the rest").
    Completed {
        account: AccountId,
        name: String,
        message: i64,
    },
    /// After a check, the account's Outbox was sent (as far as it went).
    Delivered {
        account: AccountId,
        name: String,
        result: Result<crate::send::Delivery, crate::send::Error>,
    },
    /// A backup finished (scheduled or asked for).
    BackedUp(Result<crate::backup::Snapshot, crate::backup::Error>),
    /// Background indexing for search caught up: how many messages it indexed.
    Indexed(usize),
    /// No fetch is running any more.
    Idle,
}

/// Why a fetch did not happen or did not finish, for the window to explain.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Sync(#[from] sync::Error),
    #[error("{0}")]
    Password(#[from] secrets::Error),
    #[error("{0}")]
    Store(#[from] crate::store::Error),
    /// The account is being fetched; "download the rest" can be asked again when that
    /// is done.
    #[error("the account is busy")]
    Busy,
    /// The account (or the account of the message asked for) was removed.
    #[error("the account was removed")]
    AccountGone,
    /// The job panicked. What it stored is committed and no DELE it sent was made final
    /// (that needs QUIT), so nothing was lost; the next check starts afresh.
    #[error("the fetch stopped because of a fault in Poplar")]
    Crashed,
}

impl FetchError {
    /// True when trying again later (at the next scheduled check) may well succeed.
    pub fn is_temporary(&self) -> bool {
        matches!(self, FetchError::Sync(sync::Error::Pop3(e)) if e.is_temporary())
    }
}
