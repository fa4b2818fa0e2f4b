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
//!
//! Where it lives: `requests` drives the session (UIDL, LIST, RETR, TOP, DELE), `writer`
//! commits the batches, `plan` decides, `identify` tells messages apart by their headers;
//! `lock` keeps fetches apart, `probe` tests a connection, `rest` completes a partial message.

mod identify;
mod lock;
pub mod plan;
mod probe;
pub mod remote;
mod requests;
mod rest;
pub mod retention;
mod screen;
mod signed_in;
mod sorter;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use crate::accounts::{Account, Settings};
use crate::interrupted::Interrupted;
use crate::paths::Paths;
use crate::pop3::{self, Pace, Uidl};
use crate::store::{self, Store};
use lock::AccountLock;
pub use lock::FolderLock;
use plan::Policy;
pub use probe::{ServerInfo, test_account};
use requests::{Run, list};
pub use rest::download_rest;
pub use signed_in::fetch_signed_in;

/// Commands kept in flight when the server offers PIPELINING, at least.
pub const PIPELINE_WINDOW: usize = 64;
/// A fetch asks for more while the answers it has asked for are expected (from LIST) to
/// come to less than this: small messages would otherwise leave the server little to do
/// ahead of the client (64 of 5 KB are a few milliseconds of its time), and it sat idle
/// whenever the client paused (BENCHMARKS.md, issue 20, fifth day). The answers wait in
/// the socket's buffers until they are read, and they are not read into a batch that is
/// full while the one before it commits, whatever a server sends.
const AHEAD_BYTES: u64 = 2 << 20;
/// The most commands a fetch keeps in flight: at most about 9 KB of them, well inside any
/// TCP window, so that the server is never kept from reading them (RFC 2449's caution).
const MAX_IN_FLIGHT: usize = 512;
/// How often a NOOP is sent while the session waits for local work.
const KEEPALIVE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Pop3(#[from] pop3::Error),
    #[error("{0}")]
    Store(#[from] store::Error),
    /// The fetch lock (a file in the data folder) could not be taken.
    #[error("could not take the fetch lock: {0}")]
    Lock(Arc<std::io::Error>),
    /// A downloaded message could not be kept on the disk until it was stored.
    #[error(
        "could not keep a downloaded message on the disk ({0}); nothing was deleted on the server"
    )]
    Spool(Arc<std::io::Error>),
    /// The database work of the fetch ended without an answer.
    #[error("{0}")]
    Interrupted(#[from] Interrupted),
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
    /// The account's sign-in (OAuth2) could not give a token.
    #[error("{0}")]
    SignIn(#[from] crate::oauth::account::TokenError),
}

impl Error {
    pub(crate) fn lock(e: std::io::Error) -> Error {
        Error::Lock(Arc::new(e))
    }

    pub(crate) fn spool(e: std::io::Error) -> Error {
        Error::Spool(Arc::new(e))
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
    /// New messages the rules left on the server without storing anything of them.
    pub left_by_rules: usize,
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

/// What a fetch reads from the store before it plans: the account's UIDL records, the
/// deletions queued for the server, the rules that act there, and the sorter of mail as
/// it arrives (the rules and the junk filter, read once for the whole fetch).
struct Opened {
    store: Store,
    records: crate::pop3::UidlMap<plan::Record>,
    composite_bases: crate::pop3::UidlSet,
    queued: crate::pop3::UidlSet,
    rules: Vec<crate::rules::Compiled>,
    sorter: Option<sorter::Sorter>,
}

fn open_for_fetch(
    given: Option<Store>,
    database: &std::path::Path,
    account_id: crate::accounts::AccountId,
) -> Result<Opened, store::Error> {
    let mut store = match given {
        Some(store) => store,
        None => Store::open(database)?,
    };
    let records = store.uidl_records(account_id)?;
    let composite_bases = plan::composite_bases(&records);
    let queued = store.queued_server_deletions(account_id)?;
    let all = store.compiled_rules()?;
    // A filter that cannot be read leaves the mail unjudged, not unfetched.
    let junk = store.junk_judge().unwrap_or_else(|e| {
        tracing::warn!("the junk filter could not be read: {e}");
        None
    });
    let rules = screen::server_rules(all.clone(), account_id);
    let sorter = sorter::Sorter::new(all, junk, account_id);
    Ok(Opened {
        store,
        records,
        composite_bases,
        queued,
        rules,
        sorter,
    })
}

pub async fn fetch_account_with(
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
    on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    fetch_account_in(None, paths, account, password, fetch, on_progress).await
}

/// [`fetch_account_with`], on `store` when given: a connection to the store under `paths`
/// that the caller (the command line) already has open, so that the fetch does not open,
/// configure and close a second one (BENCHMARKS.md, issue 20, sixth day).
pub async fn fetch_account_in(
    store: Option<Store>,
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
    on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    let s = &account.settings;
    let account_id = account.id;
    let Prepared {
        _lock,
        mut session,
        store,
        listed,
        records,
        queued,
        rules,
        sorter,
    } = prepare(store, paths, account, password, fetch).await?;
    let policy = Policy {
        keep: s.keep,
        size_limit: s.size_limit,
        max_message: fetch.max_message,
        now: store::now(),
    };
    let mut plan = plan::plan(&listed, &records, &queued, &policy);
    let listed_count = listed.len();
    // What the plan was made from is let go of on a blocking thread, not after QUIT.
    tokio::task::spawn_blocking(move || drop((listed, records, queued)));
    let screened = screen::screen(&mut session, &mut plan, &rules, account_id).await?;
    let mut run = Run::new(
        session,
        store,
        account_id,
        s.keep,
        paths,
        fetch,
        on_progress,
    );
    run.sorter = sorter;
    run.lock = Some(_lock.clone());
    run.report.left_by_rules = screened.left;
    run.report.skipped = plan
        .too_large
        .iter()
        .map(|&(n, size)| (n, SkipReason::TooLarge(size)))
        .collect();
    let (mut report, _) = carry_out(run, plan, account_id, empty_old_junk).await?;
    report.kept = listed_count.saturating_sub(report.deleted);
    Ok(report)
}

/// Old junk is emptied into the Trash as mail comes in (a preference).
fn empty_old_junk(store: &mut Store) {
    if let Some(days) = crate::preferences::Preferences::empty_junk_of(store)
        && let Err(e) = store.empty_old_junk(days, store::now())
    {
        tracing::warn!("old junk could not be emptied: {e}");
    }
}

/// A session logged in and the store read, ready to plan: what a fetch and the remote
/// view's actions share.
struct Prepared {
    /// Two sessions of one account never overlap, also not across processes. Shared
    /// with every commit of the fetch, so that a fetch abandoned while it commits (the
    /// user cancelled) keeps the account until the commit has ended.
    _lock: std::sync::Arc<AccountLock>,
    session: pop3::Session,
    store: Store,
    listed: Vec<plan::Listed>,
    records: crate::pop3::UidlMap<plan::Record>,
    queued: crate::pop3::UidlSet,
    rules: Vec<crate::rules::Compiled>,
    sorter: Option<sorter::Sorter>,
}

/// Logs in, lists the server, and tells its messages apart from what is stored (UIDLs a
/// server gave twice, messages that went and came back). The store is read on `given`
/// when there is one, else on a connection of its own.
async fn prepare(
    given: Option<Store>,
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
) -> Result<Prepared, Error> {
    let s = &account.settings;
    let lock = AccountLock::acquire(paths, account)?;
    let options = fetch.connect_options(s);
    // The store is read while the server lists (most of that is the server opening the
    // mailbox): the account's lock keeps other fetches from changing it. Not earlier:
    // read during the handshake and login, it took CPU time from them on two cores, and a
    // re-check was 5-15% slower (BENCHMARKS.md, issue 20, sixth day).
    let database = paths.database();
    let account_id = account.id;
    let mut session = pop3::connect_and_login(&options, &s.user, password, s.auth).await?;
    let opening = tokio::task::spawn_blocking(move || open_for_fetch(given, &database, account_id));
    let listed = list(&mut session, s.keep).await?;
    let Opened {
        store,
        records,
        composite_bases,
        queued,
        rules,
        sorter,
    } = opening.await.map_err(Interrupted::from)??;
    let (listed, records, store, distinct) = identify::identify(
        &mut session,
        listed,
        records,
        &composite_bases,
        store,
        account_id,
    )
    .await?;
    let known = identify::known(&listed, &records);
    let (records, store) =
        identify::verify_returning(&mut session, known.returning, records, store, account_id)
            .await?;
    // `records` is the account's UIDL records as stored (identify renamed both alike): when
    // the server lists every one of them and every queued deletion, there is nothing to
    // mark missing, prune or drop, and the store is not written. With distinct UIDLs and
    // nothing queued, the count of records listed says so without a set of the listing.
    let mut all_listed = distinct && queued.is_empty() && known.listed == records.len();
    let mut on_server: std::collections::HashSet<&Uidl, crate::pop3::UidlHasher> =
        Default::default();
    if !all_listed {
        on_server.reserve(listed.len());
        on_server.extend(listed.iter().filter_map(|m| m.uidl.as_ref()));
        all_listed = records.keys().chain(&queued).all(|u| on_server.contains(u));
    }
    let store = if all_listed {
        store
    } else {
        let seen: Vec<Uidl> = on_server.into_iter().cloned().collect();
        blocking(move || -> Result<Store, store::Error> {
            let mut store = store;
            let seen: Vec<&Uidl> = seen.iter().collect();
            store.note_server_uidls(account_id, &seen)?;
            Ok(store)
        })
        .await??
    };
    Ok(Prepared {
        _lock: std::sync::Arc::new(lock),
        session,
        store,
        listed,
        records,
        queued,
        rules,
        sorter,
    })
}

/// Carries out `plan`, then QUIT (which makes the DELEs final) and records what the
/// server deleted; `meanwhile` is local work done with the store after that (while the
/// server answers QUIT when there is nothing to record), whatever QUIT's answer. On an
/// error there is no QUIT: the server deletes nothing, and what was downloaded is
/// committed. The store is closed before this returns, on a blocking thread.
async fn carry_out<P: FnMut(Progress)>(
    mut run: Run<'_, P>,
    plan: plan::Plan,
    account_id: crate::accounts::AccountId,
    meanwhile: fn(&mut Store),
) -> Result<(Report, Vec<Uidl>), Error> {
    let outcome = run.go(plan).await;
    let Run {
        session,
        report,
        deleted_uidls,
        writer,
        lock,
        ..
    } = run;
    if let Err(e) = outcome {
        if let Some(e) = writer.err() {
            tracing::warn!(error = %e, "the last downloads could not be stored");
        }
        return Err(e);
    }
    let store = writer.into_store().await?;
    // The deletions are written while the server answers QUIT, and committed once it has
    // answered it with +OK (only then are they final). The account stays locked until
    // they are, also when the fetch is dropped meanwhile.
    let (answer, answered) = std::sync::mpsc::channel();
    let marking = tokio::task::spawn_blocking(move || {
        let _lock = lock;
        mark_when_quit(store, account_id, deleted_uidls, &answered, meanwhile)
    });
    let quit = session.quit().await;
    let _ = answer.send(quit.is_ok());
    let marked = marking.await.map_err(Interrupted::from)?;
    quit?;
    Ok((report, marked?))
}

/// How long the deletions, written, wait for the answer to QUIT holding the store's
/// write lock. A server slower than this has them written again once it has answered,
/// so that the window's own changes (and the indexer's) are not kept waiting for it.
const QUIT_OVERLAP: Duration = Duration::from_secs(1);

/// Checkpoints the store, records `deleted` as deleted on the server if `answered` says
/// the QUIT succeeded (nothing is recorded when it failed or its sender went away: the
/// fetch was dropped), then does `meanwhile`. With nothing to record, `meanwhile` and
/// the store's close happen while the server answers.
fn mark_when_quit(
    mut store: Store,
    account_id: crate::accounts::AccountId,
    deleted: Vec<Uidl>,
    answered: &std::sync::mpsc::Receiver<bool>,
    meanwhile: fn(&mut Store),
) -> Result<Vec<Uidl>, store::Error> {
    // What the fetch wrote is copied from the WAL into the database while the server
    // answers, rather than after, when the last connection closes (BENCHMARKS.md, issue
    // 20, fifth day). It waits for no one, and failing leaves that copying to SQLite.
    if let Err(e) = store.checkpoint() {
        tracing::debug!("no checkpoint while QUIT was answered: {e}");
    }
    if !deleted.is_empty() {
        mark_deleted(&mut store, account_id, &deleted, answered)?;
    }
    // After the deletions are recorded: nothing done here can keep them from the store.
    meanwhile(&mut store);
    Ok(deleted)
}

/// Records `deleted` as deleted on the server once `answered` says the QUIT succeeded.
fn mark_deleted(
    store: &mut Store,
    account_id: crate::accounts::AccountId,
    deleted: &[Uidl],
    answered: &std::sync::mpsc::Receiver<bool>,
) -> Result<(), store::Error> {
    let mut answer = None;
    let written = store.mark_deleted_on_server(account_id, deleted, || {
        answer = answered.recv_timeout(QUIT_OVERLAP).ok();
        answer == Some(true)
    })?;
    if !written && answer.is_none() && answered.recv() == Ok(true) {
        store.mark_deleted_on_server(account_id, deleted, || true)?;
    }
    Ok(())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    Ok(tokio::task::spawn_blocking(f)
        .await
        .map_err(Interrupted::from)?)
}
