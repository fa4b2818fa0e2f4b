//! What can go wrong in the store. Every case keeps its source (a rusqlite or io error, in
//! an `Arc` so that the error can be cloned into a window message) or the facts that say
//! what was wrong; the window words them from the catalogs (`ui::describe`).

use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("could not open the mail database {path}: {source}")]
    Open {
        path: String,
        source: Arc<rusqlite::Error>,
    },
    #[error(
        "the mail database {path} is damaged ({source}). Nothing was changed or deleted; restore a backup (poplar restore FILE, or Backups in the window)"
    )]
    Damaged {
        path: String,
        source: Arc<rusqlite::Error>,
    },
    #[error(
        "the mail database was written by a newer version of Poplar (schema {found}, this version knows {known}); update Poplar to open it"
    )]
    TooNew { found: i64, known: i64 },
    /// `Store::open` found a database at an earlier schema: `store::upgrade` brings it up
    /// to date (the window and the command line do so once at start-up).
    #[error(
        "the mail database is at schema {found} and needs updating to schema {known} before it can be opened; start Poplar again to update it"
    )]
    Outdated { found: i64, known: i64 },
    /// A migration left rows pointing at rows that do not exist.
    #[error(
        "updating the mail database to schema {schema} left {count} broken references; nothing was changed"
    )]
    BrokenReferences { schema: i64, count: i64 },
    #[error("an account named \"{0}\" already exists")]
    AccountExists(String),
    #[error("there is no account named \"{0}\"")]
    NoSuchAccount(String),
    #[error("there is no message with id {0}")]
    NoSuchMessage(i64),
    /// The message was imported, or its account removed.
    #[error("message {0} belongs to no account")]
    NoAccountFor(i64),
    #[error("a folder named \"{0}\" already exists")]
    FolderExists(String),
    #[error("a rule named \"{0}\" already exists")]
    RuleExists(String),
    #[error("there is no rule named \"{0}\"")]
    NoSuchRule(String),
    #[error("the mail database reported an error: {0}")]
    Sqlite(Arc<rusqlite::Error>),
    /// A stored account setting this version cannot read.
    #[error("the mail database holds a value Poplar cannot read: {column} = {value}")]
    BadValue { column: &'static str, value: String },
    #[error("a message of {0} bytes is larger than Poplar can store")]
    TooLarge(u64),
    #[error("could not {}: {source}", .action.as_str())]
    Io {
        action: IoAction,
        source: Arc<std::io::Error>,
    },
}

/// What the store was doing with the disk when an io error came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoAction {
    /// Writing a message's bytes into the database.
    WriteMessage,
    /// Reading a stored message's bytes.
    ReadMessage,
    /// Copying a stored message out (an export, or "Open").
    CopyMessage,
}

impl IoAction {
    pub fn as_str(self) -> &'static str {
        match self {
            IoAction::WriteMessage => "write a message to the disk",
            IoAction::ReadMessage => "read a stored message",
            IoAction::CopyMessage => "copy a stored message",
        }
    }
}

impl Error {
    pub(crate) fn io(action: IoAction) -> impl FnOnce(std::io::Error) -> Error {
        move |source| Error::Io {
            action,
            source: Arc::new(source),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(Arc::new(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
