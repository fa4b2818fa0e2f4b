//! The batch committer: stores downloaded messages on a blocking thread while the session
//! goes on, and queues the DELEs that each finished commit allows.

use tokio::task::JoinHandle;

use crate::accounts::AccountId;
use crate::interrupted::Interrupted;
use crate::pop3::Uidl;
use crate::store::{self, NewMessage, Store};

use super::plan::{self, Get};
use super::requests::{Command, Run};
use super::{Error, Progress};

/// A batch is committed when it holds this many messages ...
pub(super) const BATCH_MESSAGES: usize = 256;
/// ... or this many bytes in memory (large messages wait in temporary files instead).
pub(super) const BATCH_MEMORY: usize = 16 << 20;

/// What a commit stored: (message number, UIDL, how much, already here before).
type Stored = Vec<(u32, Option<Uidl>, Get, bool)>;
type Commit = JoinHandle<(Store, store::Result<Stored>)>;

/// The store connection, either free or busy committing a batch.
pub(super) enum Writer {
    Idle(Store),
    Committing(Commit),
    /// Between states: its commit is being waited for (and was abandoned if the writer
    /// is still in this state).
    Taken,
    /// Lost to a failed commit; the error was reported.
    Gone(Error),
}

impl Writer {
    pub(super) async fn into_store(self) -> Result<Store, Error> {
        match self {
            Writer::Idle(store) => Ok(store),
            Writer::Committing(commit) => {
                let (store, result) = commit.await.map_err(Interrupted::from)?;
                result?;
                Ok(store)
            }
            Writer::Gone(e) => Err(e),
            // The wait for the last commit was given up: its connection is lost with it.
            Writer::Taken => Err(Interrupted::Cancelled.into()),
        }
    }

    pub(super) fn err(&self) -> Option<&Error> {
        match self {
            Writer::Gone(e) => Some(e),
            _ => None,
        }
    }
}

impl<P: FnMut(Progress)> Run<'_, P> {
    pub(super) fn start_commit(&mut self) {
        let Writer::Idle(store) = std::mem::replace(&mut self.writer, Writer::Taken) else {
            return;
        };
        self.writer = Writer::Committing(start_commit(
            store,
            self.account_id,
            std::mem::take(&mut self.batch),
            self.lock.clone(),
        ));
        self.batch_memory = 0;
    }

    /// Waits for the running commit, then queues the DELEs its messages allow.
    pub(super) async fn finish_commit(&mut self) -> Result<(), Error> {
        let Writer::Committing(mut commit) = std::mem::replace(&mut self.writer, Writer::Taken)
        else {
            return Ok(());
        };
        // With nothing in flight the session would sit idle: keep it alive. When that
        // fails, the commit is still under way: it stays the writer's, so that the fetch
        // waits for it before it ends (`Run::go`).
        let joined = if self.in_flight.is_empty() {
            match self
                .session
                .keep_alive_during(self.fetch.keepalive, &mut commit)
                .await
            {
                Ok(joined) => joined,
                Err(e) => {
                    self.writer = Writer::Committing(commit);
                    return Err(e.into());
                }
            }
        } else {
            commit.await
        };
        let (store, result) = joined.map_err(Interrupted::from)?;
        let stored = match result {
            Ok(stored) => stored,
            Err(e) => {
                let e = Error::from(e);
                self.writer = Writer::Gone(e.clone());
                return Err(e);
            }
        };
        self.writer = Writer::Idle(store);
        self.progress.stored += stored.len();
        (self.on_progress)(self.progress);
        // A message found here already was downloaded only to be compared: not new.
        let again = stored.iter().filter(|m| m.3).count();
        self.report.new = self.report.new.saturating_sub(again);
        let keep = self.keep;
        self.to_send.extend(
            stored
                .into_iter()
                .filter(|&(_, _, get, _)| plan::delete_once_stored(keep, get))
                .map(|(number, uidl, _, _)| Command::Dele { number, uidl }),
        );
        Ok(())
    }

    /// After the session failed: commit what was downloaded (no DELE follows).
    pub(super) async fn save_after_error(&mut self) {
        if matches!(self.writer, Writer::Committing(_)) && self.finish_commit_quietly().await {
            return;
        }
        if let Writer::Idle(_) = self.writer
            && !self.batch.is_empty()
        {
            self.start_commit();
            self.finish_commit_quietly().await;
        }
    }

    async fn finish_commit_quietly(&mut self) -> bool {
        let Writer::Committing(commit) = std::mem::replace(&mut self.writer, Writer::Taken) else {
            return false;
        };
        match commit.await {
            Ok((store, Ok(_))) => {
                self.writer = Writer::Idle(store);
                false
            }
            Ok((_, Err(e))) => {
                self.writer = Writer::Gone(e.into());
                true
            }
            Err(e) => {
                self.writer = Writer::Gone(Interrupted::from(e).into());
                true
            }
        }
    }
}

/// Commits `batch` on a blocking thread. `lock` is held until the commit has ended, also
/// when the fetch that started it is gone: a fetch started meanwhile would not know the
/// messages it stores, and would store them again.
fn start_commit(
    mut store: Store,
    account_id: AccountId,
    batch: Vec<(u32, Get, NewMessage)>,
    lock: Option<std::sync::Arc<super::lock::AccountLock>>,
) -> Commit {
    tokio::task::spawn_blocking(move || {
        let _lock = lock;
        let mut numbers = Vec::with_capacity(batch.len());
        let mut messages = Vec::with_capacity(batch.len());
        for (number, get, message) in batch {
            numbers.push((number, get));
            messages.push(message);
        }
        let result = store.insert_batch(account_id, &mut messages).map(|_| {
            numbers
                .into_iter()
                .zip(messages)
                .map(|((number, get), m)| (number, m.uidl, get, m.duplicate))
                .collect()
        });
        (store, result)
    })
}
