//! Work handed to another task (tokio's blocking pool, a spawned job) that ended without
//! an answer. Kept as a fact, not as the runtime's English text: the window words it
//! from the catalogs (`ui::describe`), the command line and logs with `Display`.

/// How a background task ended without giving its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Interrupted {
    /// It panicked: a fault in Poplar.
    #[error("the work stopped because of a fault in Poplar")]
    Panicked,
    /// It was cancelled before it finished (the program is shutting down).
    #[error("the work was cancelled before it finished")]
    Cancelled,
}

impl From<tokio::task::JoinError> for Interrupted {
    fn from(e: tokio::task::JoinError) -> Self {
        if e.is_panic() {
            tracing::error!("a background task panicked: {e}");
            Interrupted::Panicked
        } else {
            Interrupted::Cancelled
        }
    }
}
