//! One fetch of one account: download what is new, store it durably, then apply the
//! account's retention to the server's copies.
//!
//! Ordering is the whole point: a message's bytes and its UIDL are committed (and on disk)
//! before its DELE is sent, and DELE only takes effect at a successful QUIT. Whatever
//! moment the session dies at, every message is either still on the server, or stored
//! here with its UIDL recorded, so the next fetch neither loses nor duplicates it. What to
//! download and delete is decided in [`plan`], from the listing and the store's records.
//!
//! For speed, downloads are pipelined when the server allows it, and stored in batches:
//! while one batch commits on a blocking thread the next one downloads; the DELEs of a
//! batch are sent once its commit has returned.

mod identify;
mod lock;
pub mod plan;
mod probe;
mod rest;
pub mod retention;

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::accounts::{Account, Keep, Settings};
use crate::mail;
use crate::paths::Paths;
use crate::pop3::{self, Pace, Session, Uidl};
use crate::store::{self, HeaderCapture, NewMessage, Spool, Store};
use lock::AccountLock;
pub use lock::FolderLock;
use plan::{Download, Get, Listed, Policy};
pub use probe::{ServerInfo, test_account};
pub use rest::download_rest;

/// Commands kept in flight when the server offers PIPELINING.
pub const PIPELINE_WINDOW: usize = 64;
/// A batch is committed when it holds this many messages ...
const BATCH_MESSAGES: usize = 256;
/// ... or this many bytes in memory (large messages wait in temporary files instead).
const BATCH_MEMORY: usize = 16 << 20;
/// How often a NOOP is sent while the session waits for local work.
const KEEPALIVE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Pop3(#[from] pop3::Error),
    #[error("{0}")]
    Store(String),
    #[error(
        "{host} does not support UIDL, so Poplar cannot tell which messages it already has; choose \"delete after download\" for this account"
    )]
    NoUidlForKeep { host: String },
    #[error("{0} is already being fetched by another Poplar window or command; skipped")]
    Busy(String),
    #[error("the rest of this message is no longer on the server")]
    GoneFromServer,
    #[error("a backup is being restored into this data folder; fetch again when it is done")]
    Restoring,
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Self {
        Error::Store(e.to_string())
    }
}

/// How far a fetch has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// New messages downloaded so far, and how many there are in all.
    pub done: usize,
    pub total: usize,
    /// Of the downloaded messages, how many are committed to disk.
    pub stored: usize,
    pub bytes: u64,
    pub total_bytes: u64,
}

/// Why one message was not stored (it stays on the server, and is tried again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The server would not send it; its words.
    Refused(String),
    /// Larger than the store can hold: this many bytes.
    TooLarge(u64),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Refused(text) => write!(f, "the server would not send it ({text})"),
            SkipReason::TooLarge(size) => write!(
                f,
                "it is {size} bytes, larger than Poplar can store ({} bytes); it stays on the server",
                store::MAX_MESSAGE
            ),
        }
    }
}

/// What one fetch did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Messages downloaded and stored (partial ones included).
    pub new: usize,
    /// Of those, stored as headers only because of the account's size limit.
    pub partial: usize,
    /// Messages deleted on the server in this session.
    pub deleted: usize,
    /// Messages left on the server.
    pub kept: usize,
    /// Messages that could not be stored: (message number, why). Each stays on the
    /// server and is tried again next time; a fetch with any is not a clean one.
    pub skipped: Vec<(u32, SkipReason)>,
    /// The most commands that were waiting for answers at once (1 without pipelining).
    pub max_in_flight: usize,
    /// The subject of the first new message (for a new-mail notification).
    pub first_subject: Option<String>,
}

/// Tuning that tests and benchmarks change; the defaults suit everyone else.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub pipelining: bool,
    pub keepalive: Duration,
    pub timeout: Duration,
    /// The slowest the server may send an answer.
    pub pace: Pace,
    /// Larger messages are not stored (the store's limit).
    pub max_message: u64,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            pipelining: true,
            keepalive: KEEPALIVE,
            timeout: Duration::from_secs(30),
            pace: Pace::default(),
            max_message: store::MAX_MESSAGE,
        }
    }
}

impl FetchOptions {
    fn connect_options(&self, s: &Settings) -> pop3::ConnectOptions {
        let mut options = s.connect_options();
        options.pipelining = self.pipelining;
        options.timeout = self.timeout;
        options.pace = self.pace;
        options
    }
}

/// Fetches `account` into the store under `paths`, reporting progress as it goes.
pub async fn fetch_account(
    paths: &Paths,
    account: &Account,
    password: &str,
    on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    fetch_account_with(
        paths,
        account,
        password,
        &FetchOptions::default(),
        on_progress,
    )
    .await
}

enum Command {
    Get(Download),
    Dele { number: u32, uidl: Option<Uidl> },
}

impl Command {
    fn line(&self) -> String {
        match self {
            Command::Get(d) if d.get == Get::Headers => format!("TOP {} 0", d.number),
            Command::Get(d) => format!("RETR {}", d.number),
            Command::Dele { number, .. } => format!("DELE {number}"),
        }
    }
}

/// What a commit stored: (message number, UIDL, how much, already here before).
type Stored = Vec<(u32, Option<Uidl>, Get, bool)>;
type Commit = JoinHandle<(Store, store::Result<Stored>)>;

pub async fn fetch_account_with(
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
    on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    let s = &account.settings;
    // Two sessions of one account never overlap, also not across processes.
    let _lock = AccountLock::acquire(paths, account)?;
    let options = fetch.connect_options(s);
    let mut session = pop3::connect_and_login(&options, &s.user, password, s.auth).await?;
    let listed = list(&mut session, s.keep).await?;

    let database = paths.database();
    let account_id = account.id;
    let (mut store, records, queued) = blocking(move || -> Result<_, store::Error> {
        let store = Store::open(&database)?;
        let records = store.uidl_records(account_id)?;
        let queued = store.queued_server_deletions(account_id)?;
        Ok((store, records, queued))
    })
    .await??;
    let (listed, records, store_back) =
        identify::identify(&mut session, listed, records, store, account_id).await?;
    let (records, store_back) =
        identify::verify_returning(&mut session, &listed, records, store_back, account_id).await?;
    store = store_back;

    let seen: Vec<Uidl> = listed.iter().filter_map(|m| m.uidl.clone()).collect();
    let store = blocking(move || -> Result<Store, store::Error> {
        let seen: Vec<&Uidl> = seen.iter().collect();
        store.note_server_uidls(account_id, &seen)?;
        Ok(store)
    })
    .await??;

    let policy = Policy {
        keep: s.keep,
        size_limit: s.size_limit,
        max_message: fetch.max_message,
        now: store::now(),
    };
    let plan = plan::plan(&listed, &records, &queued, &policy);
    let mut run = Run::new(
        session,
        store,
        account_id,
        s.keep,
        paths,
        fetch,
        on_progress,
    );
    run.report.skipped = plan
        .too_large
        .iter()
        .map(|&(n, size)| (n, SkipReason::TooLarge(size)))
        .collect();
    let outcome = run.go(plan).await;
    let Run {
        session,
        report,
        deleted_uidls,
        writer,
        ..
    } = run;
    if let Err(e) = outcome {
        // Whatever was downloaded is kept; without QUIT the server deletes nothing.
        if let Some(e) = writer.err() {
            tracing::warn!(error = %e, "the last downloads could not be stored");
        }
        return Err(e);
    }
    let mut store = writer.into_store().await?;
    session.quit().await?;
    let mut report = report;
    report.kept = listed.len().saturating_sub(report.deleted);
    if !deleted_uidls.is_empty() {
        blocking(move || store.mark_deleted_on_server(account_id, &deleted_uidls)).await??;
    }
    Ok(report)
}

/// The server's listing: every message with its UIDL (when the server has UIDL) and size.
async fn list(session: &mut Session, keep: Keep) -> Result<Vec<Listed>, Error> {
    let uidls = match session.uidl_all().await {
        Ok(list) => Some(list),
        Err(pop3::Error::NoUidl { host }) => {
            if keep.keeps_on_server() {
                return Err(Error::NoUidlForKeep { host });
            }
            None
        }
        Err(e) => return Err(e.into()),
    };
    let sizes = sizes(session).await?;
    let size = |n: u32| sizes.get(&n).copied().flatten();
    Ok(match uidls {
        Some(list) => list
            .into_iter()
            .map(|e| Listed {
                number: e.number,
                size: size(e.number),
                uidl: Some(e.uidl),
            })
            .collect(),
        None => {
            let mut numbers: Vec<u32> = sizes.keys().copied().collect();
            numbers.sort_unstable();
            numbers
                .into_iter()
                .map(|n| Listed {
                    number: n,
                    uidl: None,
                    size: size(n),
                })
                .collect()
        }
    })
}

/// Every message's size by number (LIST); None where the server's figure is unknown.
async fn sizes(session: &mut Session) -> Result<HashMap<u32, Option<u64>>, Error> {
    let list = session.list_all().await?;
    Ok(list.into_iter().map(|e| (e.number, e.size)).collect())
}

/// The store connection, either free or busy committing a batch.
enum Writer {
    Idle(Store),
    Committing(Commit),
    /// Lost to a failed commit; the error was reported.
    Gone(String),
}

impl Writer {
    async fn into_store(self) -> Result<Store, Error> {
        match self {
            Writer::Idle(store) => Ok(store),
            Writer::Committing(commit) => {
                let (store, result) = commit.await.map_err(|e| Error::Store(e.to_string()))?;
                result?;
                Ok(store)
            }
            Writer::Gone(e) => Err(Error::Store(e)),
        }
    }

    fn err(&self) -> Option<&str> {
        match self {
            Writer::Gone(e) => Some(e),
            _ => None,
        }
    }
}

/// One fetch under way.
struct Run<'a, P: FnMut(Progress)> {
    session: Session,
    writer: Writer,
    account_id: i64,
    keep: Keep,
    spool_dir: std::path::PathBuf,
    fetch: &'a FetchOptions,
    on_progress: P,
    progress: Progress,
    report: Report,
    to_send: VecDeque<Command>,
    in_flight: VecDeque<Command>,
    batch: Vec<(u32, Get, NewMessage)>,
    batch_memory: usize,
    deleted_uidls: Vec<Uidl>,
}

impl<'a, P: FnMut(Progress)> Run<'a, P> {
    fn new(
        session: Session,
        store: Store,
        account_id: i64,
        keep: Keep,
        paths: &Paths,
        fetch: &'a FetchOptions,
        on_progress: P,
    ) -> Self {
        Run {
            session,
            writer: Writer::Idle(store),
            account_id,
            keep,
            spool_dir: paths.data_dir().to_path_buf(),
            fetch,
            on_progress,
            progress: Progress::default(),
            report: Report::default(),
            to_send: VecDeque::new(),
            in_flight: VecDeque::new(),
            batch: Vec::new(),
            batch_memory: 0,
            deleted_uidls: Vec::new(),
        }
    }

    /// Carries out the plan. On an error the session is left without QUIT (the server
    /// deletes nothing), and what was downloaded is still committed.
    async fn go(&mut self, plan: plan::Plan) -> Result<(), Error> {
        self.progress.total = plan.download.len();
        self.progress.total_bytes = plan
            .download
            .iter()
            .filter(|d| d.get == Get::Whole)
            .map(|d| d.size.unwrap_or(0))
            .fold(0u64, u64::saturating_add);
        (self.on_progress)(self.progress);
        self.to_send = plan
            .delete
            .into_iter()
            .map(|(number, uidl)| Command::Dele {
                number,
                uidl: Some(uidl),
            })
            .collect();
        let mut wanted = plan.download.into_iter();
        let result = self.pump(&mut wanted).await;
        if result.is_err() && !self.batch.is_empty() {
            self.save_after_error().await;
        }
        result
    }

    async fn pump(&mut self, wanted: &mut impl Iterator<Item = Download>) -> Result<(), Error> {
        let window = if self.session.pipelining() {
            PIPELINE_WINDOW
        } else {
            1
        };
        // The window is refilled once it is half empty, all at once: a few large writes
        // (and TLS records) instead of one per command, which costs the server's TLS
        // proxy less.
        let refill_below = (window / 2).max(1);
        loop {
            if self.in_flight.len() < refill_below {
                self.refill(window, wanted).await?;
            }
            self.report.max_in_flight = self.report.max_in_flight.max(self.in_flight.len());
            let committing = matches!(self.writer, Writer::Committing(_));
            let finished = matches!(&self.writer, Writer::Committing(c) if c.is_finished());
            if finished || (self.in_flight.is_empty() && committing) {
                self.finish_commit().await?;
                continue;
            }
            let Some(command) = self.in_flight.pop_front() else {
                if self.batch.is_empty() {
                    return Ok(());
                }
                self.start_commit();
                continue;
            };
            match command {
                Command::Get(d) => self.receive(d).await?,
                Command::Dele { number, uidl } => {
                    let status = self
                        .session
                        .read_status(crate::pop3::Step::Deleting)
                        .await?;
                    if status.ok {
                        self.report.deleted += 1;
                        self.deleted_uidls.extend(uidl);
                    } else if status.try_later() {
                        return Err(self.session.refusal("DELE", status).into());
                    } else {
                        tracing::warn!(number, text = %status.text, "server refused to delete a message");
                    }
                }
            }
            let full = self.batch.len() >= BATCH_MESSAGES || self.batch_memory >= BATCH_MEMORY;
            if full && matches!(self.writer, Writer::Idle(_)) {
                self.start_commit();
            }
        }
    }

    /// Fills the window: deletions first, then downloads while the batch has room.
    async fn refill(
        &mut self,
        window: usize,
        wanted: &mut impl Iterator<Item = Download>,
    ) -> Result<(), Error> {
        let mut lines = Vec::new();
        while self.in_flight.len() < window {
            let next = match self.to_send.pop_front() {
                Some(command) => Some(command),
                None if self.batch_memory < BATCH_MEMORY => wanted.next().map(Command::Get),
                None => None,
            };
            let Some(mut command) = next else { break };
            // TOP is optional (RFC 1939): without it, messages are fetched whole.
            if let Command::Get(d) = &mut command
                && self.session.top_failed()
            {
                d.get = Get::Whole;
            }
            lines.push(command.line());
            self.in_flight.push_back(command);
        }
        self.session.send_commands(&lines).await?;
        Ok(())
    }

    /// Reads the answer to one RETR or TOP and adds the message to the batch, or
    /// records why it was skipped.
    async fn receive(&mut self, mut d: Download) -> Result<(), Error> {
        let doing = if d.get == Get::Headers {
            crate::pop3::Step::ReceivingHeaders
        } else {
            crate::pop3::Step::ReceivingMessage
        };
        let status = self.session.read_status(doing).await?;
        if !status.ok {
            if status.try_later() {
                let verb = if d.get == Get::Headers { "TOP" } else { "RETR" };
                return Err(self.session.refusal(verb, status).into());
            }
            if d.get == Get::Headers {
                self.session.set_top_failed();
                d.get = Get::Whole;
                self.to_send.push_back(Command::Get(d));
                return Ok(());
            }
            // One message the server will not send must not block the rest.
            tracing::warn!(number = d.number, text = %status.text, "server refused to send a message");
            self.report
                .skipped
                .push((d.number, SkipReason::Refused(status.text)));
            return Ok(());
        }
        let server_size = (d.get == Get::Headers).then(|| d.size.unwrap_or(0));
        let mut spool = Spool::with_limit(&self.spool_dir, self.fetch.max_message);
        let mut headers = HeaderCapture::default();
        self.session
            .read_message(|piece| {
                headers.push(piece);
                spool.write(piece);
            })
            .await?;
        if let Some(size) = spool.too_large() {
            tracing::warn!(number = d.number, size, "message too large to store");
            self.report
                .skipped
                .push((d.number, SkipReason::TooLarge(size)));
            return Ok(());
        }
        let (body, digest) = spool.finish().map_err(|e| {
            Error::Store(format!(
                "could not keep a downloaded message on the disk ({e}); nothing was deleted on the server"
            ))
        })?;
        let message = NewMessage {
            uidl: d.uidl,
            body,
            summary: mail::summarize(headers.bytes()),
            server_size,
            digest,
            dedupe: d.dedupe,
            duplicate: false,
        };
        if self.report.first_subject.is_none() {
            self.report.first_subject = Some(message.summary.subject.clone());
        }
        self.progress.done += 1;
        self.progress.bytes += server_size.unwrap_or(message.body.len());
        (self.on_progress)(self.progress);
        self.report.new += 1;
        if d.get == Get::Headers {
            self.report.partial += 1;
        }
        self.batch_memory += message.body.memory();
        self.batch.push((d.number, d.get, message));
        Ok(())
    }

    fn start_commit(&mut self) {
        let Writer::Idle(store) = std::mem::replace(&mut self.writer, Writer::Gone(String::new()))
        else {
            return;
        };
        self.writer = Writer::Committing(start_commit(
            store,
            self.account_id,
            std::mem::take(&mut self.batch),
        ));
        self.batch_memory = 0;
    }

    /// Waits for the running commit, then queues the DELEs its messages allow.
    async fn finish_commit(&mut self) -> Result<(), Error> {
        let Writer::Committing(commit) =
            std::mem::replace(&mut self.writer, Writer::Gone(String::new()))
        else {
            return Ok(());
        };
        // With nothing in flight the session would sit idle: keep it alive.
        let joined = if self.in_flight.is_empty() {
            self.session
                .keep_alive_during(self.fetch.keepalive, commit)
                .await?
        } else {
            commit.await
        };
        let (store, result) = joined.map_err(|e| Error::Store(e.to_string()))?;
        let stored = match result {
            Ok(stored) => stored,
            Err(e) => {
                self.writer = Writer::Gone(e.to_string());
                return Err(e.into());
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
    async fn save_after_error(&mut self) {
        if matches!(self.writer, Writer::Committing(_)) && self.finish_commit_quietly().await {
            return;
        }
        if let Writer::Idle(_) = self.writer {
            self.start_commit();
            self.finish_commit_quietly().await;
        }
    }

    async fn finish_commit_quietly(&mut self) -> bool {
        let Writer::Committing(commit) =
            std::mem::replace(&mut self.writer, Writer::Gone(String::new()))
        else {
            return false;
        };
        match commit.await {
            Ok((store, Ok(_))) => {
                self.writer = Writer::Idle(store);
                false
            }
            Ok((_, Err(e))) => {
                self.writer = Writer::Gone(e.to_string());
                true
            }
            Err(e) => {
                self.writer = Writer::Gone(e.to_string());
                true
            }
        }
    }
}

fn start_commit(mut store: Store, account_id: i64, batch: Vec<(u32, Get, NewMessage)>) -> Commit {
    tokio::task::spawn_blocking(move || {
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

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Store(e.to_string()))
}
