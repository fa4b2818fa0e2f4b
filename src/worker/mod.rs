//! The background worker: one long-lived tokio task that takes commands from the window
//! and reports events back. It checks each account at start-up and every N minutes (with
//! a little jitter), fetches accounts concurrently (a few at a time), never runs two
//! sessions of one account (a second fetch for a busy account is a no-op), and cancels
//! on request.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

use crate::accounts::{Account, AccountId};
use crate::paths::Paths;
use crate::store::Store;

mod job;
mod messages;
mod outbox;
use job::run_job;
pub use messages::{Command, Event, FetchError};

/// What `account` logs in with: its password from the keyring, or its sign-in's token
/// (renewed first when about to expire). For the window's own sessions (the remote view).
pub async fn login_secret(
    paths: &crate::paths::Paths,
    account: crate::accounts::Account,
) -> Result<String, FetchError> {
    job::stored_password(paths, account).await
}

/// Accounts fetched at the same time, at most.
const CONCURRENT_FETCHES: usize = 4;

/// A handle for sending commands to the worker.
#[derive(Debug, Clone)]
pub struct Handle(mpsc::UnboundedSender<Command>);

impl Handle {
    /// Sends a command; false if the worker has stopped.
    pub fn send(&self, command: Command) -> bool {
        self.0.send(command).is_ok()
    }
}

/// How the worker starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Check at start-up and every N minutes, as each account says.
    Automatic,
    /// Only fetch when asked (tests, scripts).
    OnCommand,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(paths: Paths, schedule: Schedule) -> (Handle, mpsc::UnboundedReceiver<Event>) {
    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    tokio::spawn(Worker::new(paths, schedule, event_tx).run(command_rx));
    (Handle(command_tx), event_rx)
}

/// What one background task does.
enum Job {
    Fetch(Account),
    DownloadRest(Account, i64),
    /// Send what waits in the account's Outbox (a message was just written).
    Send(Account),
}

impl Job {
    fn account(&self) -> &Account {
        match self {
            Job::Fetch(a) | Job::DownloadRest(a, _) | Job::Send(a) => a,
        }
    }
}

/// What the worker holds for one account, by its id (a rename changes none of it, and an
/// account that takes a removed one's name inherits nothing).
#[derive(Debug, Default)]
struct Slot {
    /// A password given at the prompt, used until the program ends.
    password: Option<String>,
    /// The job running for the account: at most one.
    job: Option<AbortHandle>,
    /// Minutes between automatic checks, as the account asks.
    interval: Option<Duration>,
    /// When the next automatic check is due.
    due: Option<Instant>,
    /// A password was given at the prompt while the account's job (the one that asked for
    /// it) was still running: a fetch starts as soon as that job is over.
    again: bool,
}

impl Slot {
    fn is_empty(&self) -> bool {
        self.password.is_none()
            && self.job.is_none()
            && self.interval.is_none()
            && self.due.is_none()
    }
}

struct Worker {
    paths: Paths,
    schedule: Schedule,
    events: mpsc::UnboundedSender<Event>,
    slots: HashMap<AccountId, Slot>,
    running: JoinSet<()>,
    /// Which account each running task works for.
    tasks: HashMap<tokio::task::Id, (AccountId, String)>,
    permits: Arc<Semaphore>,
    jitter: std::collections::hash_map::RandomState,
    /// When the next automatic backup is due, if a backup folder is set.
    backup_due: Option<Instant>,
    backups: JoinSet<Result<crate::backup::Snapshot, crate::backup::Error>>,
    indexing: JoinSet<usize>,
    /// More was stored while indexing ran: index again when it is done.
    index_again: bool,
}

impl Worker {
    fn new(paths: Paths, schedule: Schedule, events: mpsc::UnboundedSender<Event>) -> Worker {
        Worker {
            paths,
            schedule,
            events,
            slots: HashMap::new(),
            running: JoinSet::new(),
            tasks: HashMap::new(),
            permits: Arc::new(Semaphore::new(CONCURRENT_FETCHES)),
            jitter: Default::default(),
            backup_due: None,
            backups: JoinSet::new(),
            indexing: JoinSet::new(),
            index_again: false,
        }
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        if self.schedule == Schedule::Automatic {
            self.reschedule(true).await;
            self.schedule_backup().await;
            self.index();
        }
        let mut accepting = true;
        loop {
            let next_due = self.slots.values().filter_map(|slot| slot.due).min();
            let backup_due = self.backup_due;
            tokio::select! {
                Some(done) = self.indexing.join_next() => self.indexed(done.unwrap_or(0)),
                Some(done) = self.backups.join_next() => {
                    let result = done.unwrap_or_else(|e| {
                        let cause = crate::interrupted::Interrupted::from(e).into();
                        Err(crate::backup::Error::Backup(cause))
                    });
                    self.send(Event::BackedUp(result));
                    if self.schedule == Schedule::Automatic {
                        self.schedule_backup().await;
                    }
                },
                () = sleep_until(backup_due), if backup_due.is_some() && accepting => {
                    self.backup_due = None;
                    self.back_up();
                },
                command = commands.recv(), if accepting => match command {
                    None | Some(Command::Shutdown) => accepting = false,
                    Some(command) => self.command(command).await,
                },
                Some(done) = self.running.join_next_with_id() => self.finished(&done),
                () = sleep_until(next_due), if next_due.is_some() && accepting => {
                    let due = self.take_due(Instant::now());
                    if !due.is_empty() {
                        self.fetch(due).await;
                    }
                },
                else => break,
            }
        }
    }

    fn indexed(&mut self, count: usize) {
        if count > 0 {
            self.send(Event::Indexed(count));
        }
        if std::mem::take(&mut self.index_again) {
            self.index();
        }
    }

    /// The accounts whose automatic check is due by `now`; their next one is set when the
    /// check finishes.
    fn take_due(&mut self, now: Instant) -> Vec<AccountId> {
        let mut due = Vec::new();
        for (id, slot) in &mut self.slots {
            if slot.due.is_some_and(|at| at <= now) {
                slot.due = None;
                due.push(*id);
            }
        }
        due
    }

    /// A job ended: its account is free again, a cancelled or crashed job is reported
    /// (the window stops showing it as running), and the next check is scheduled.
    fn finished(&mut self, done: &Result<(tokio::task::Id, ()), tokio::task::JoinError>) {
        let task = match done {
            Ok((task, ())) => *task,
            Err(e) => e.id(),
        };
        // Whatever the job stored is indexed for search in the background.
        self.index();
        if let Some((account, name)) = self.tasks.remove(&task) {
            match done {
                Err(e) if e.is_cancelled() => self.send(Event::Cancelled {
                    account,
                    name: name.clone(),
                }),
                Err(e) => {
                    tracing::error!("the job of account {account} ({name}) panicked: {e}");
                    self.send(Event::Failed {
                        account: Some(account),
                        name: name.clone(),
                        error: FetchError::Crashed,
                    });
                }
                Ok(_) => {}
            }
            let next = self.slots.get(&account).and_then(|slot| slot.interval);
            let next = next.map(|interval| Instant::now() + self.jittered(account, interval));
            if let Some(slot) = self.slots.get_mut(&account) {
                slot.job = None;
                if next.is_some() {
                    slot.due = next;
                }
                if std::mem::take(&mut slot.again) {
                    slot.due = Some(Instant::now());
                }
                // The account was removed while its job ran: nothing of it stays.
                if slot.is_empty() {
                    self.slots.remove(&account);
                }
            }
        }
        if self.running.is_empty() {
            self.send(Event::Idle);
        }
    }

    async fn command(&mut self, command: Command) {
        match command {
            Command::Fetch(accounts) => self.fetch(accounts).await,
            Command::Cancel(which) => {
                for (id, slot) in &mut self.slots {
                    if which.is_none_or(|w| w == *id) {
                        slot.again = false;
                        if let Some(job) = &slot.job {
                            job.abort();
                        }
                    }
                }
            }
            Command::DownloadRest { message } => match self.account_of(message).await {
                Ok(account) => {
                    let (id, name) = (account.id, account.settings.name.clone());
                    // The account is being fetched: say so rather than drop the request.
                    let event = if self.start(Job::DownloadRest(account, message)) {
                        Event::DownloadingRest {
                            account: id,
                            name,
                            message,
                        }
                    } else {
                        Event::Failed {
                            account: Some(id),
                            name,
                            error: FetchError::Busy,
                        }
                    };
                    self.send(event);
                }
                Err(error) => self.send(Event::Failed {
                    account: None,
                    name: String::new(),
                    error,
                }),
            },
            Command::SendOutbox(id) => match self.load_accounts().await {
                Ok(accounts) => {
                    if let Some(account) = accounts.into_iter().find(|a| a.id == id) {
                        // Busy (a check of the account runs): that check sends the Outbox
                        // when it ends.
                        let _ = self.start(Job::Send(account));
                    }
                }
                Err(error) => self.send(Event::Failed {
                    account: Some(id),
                    name: String::new(),
                    error,
                }),
            },
            Command::RememberPassword { account, password } => {
                let slot = self.slots.entry(account).or_default();
                slot.password = Some(password);
                // A password answered while the job that asked for it is still ending:
                // the fetch asked for with it would be a no-op on the busy account, and
                // the answer lost. It runs once that job is over.
                slot.again = slot.job.is_some();
            }
            Command::ForgetPassword { account } => {
                if let Some(slot) = self.slots.get_mut(&account) {
                    slot.password = None;
                }
            }
            Command::AccountsChanged => {
                if self.schedule == Schedule::Automatic {
                    self.reschedule(false).await;
                }
            }
            Command::BackUpNow => self.back_up(),
            Command::IndexNow => self.index(),
            Command::BackupSettingsChanged => {
                if self.schedule == Schedule::Automatic {
                    self.schedule_backup().await;
                }
            }
            Command::Shutdown => {}
        }
    }

    /// Reads each account's schedule; with `startup`, checks those that ask for it now.
    /// An account removed since loses its slot (and a password remembered for it).
    async fn reschedule(&mut self, startup: bool) {
        let Ok(accounts) = self.load_accounts().await else {
            return;
        };
        let now = Instant::now();
        let known: std::collections::HashSet<AccountId> = accounts.iter().map(|a| a.id).collect();
        // A removed account's slot goes, and with it a password typed for it; one whose
        // job still runs keeps only the job (its id could be given to a new account).
        self.slots
            .retain(|id, slot| known.contains(id) || slot.job.is_some());
        for (id, slot) in &mut self.slots {
            if !known.contains(id) {
                *slot = Slot {
                    job: slot.job.take(),
                    ..Slot::default()
                };
            }
        }
        let mut check_now = Vec::new();
        for account in &accounts {
            let s = &account.settings;
            let interval = s
                .check_every_minutes
                .map(|minutes| Duration::from_secs(u64::from(minutes) * 60));
            let first = interval.map(|interval| now + self.jittered(account.id, interval));
            let slot = self.slots.entry(account.id).or_default();
            // A new interval starts counting now; an unchanged one keeps its next check.
            if slot.interval != interval || slot.due.is_none() {
                slot.due = first;
            }
            slot.interval = interval;
            if startup && s.check_on_startup {
                check_now.push(account.id);
            }
        }
        if !check_now.is_empty() {
            self.fetch(check_now).await;
        }
    }

    /// Indexes what is not indexed yet, in batches on the blocking pool, so that neither a
    /// fetch nor the window ever waits for it.
    fn index(&mut self) {
        if !self.indexing.is_empty() {
            self.index_again = true;
            return;
        }
        let database = self.paths.database();
        self.indexing.spawn_blocking(move || {
            let Ok(mut store) = Store::open(&database) else {
                return 0;
            };
            let mut total = 0;
            while let Ok(n @ 1..) = store.index_pending(500) {
                total += n;
            }
            total
        });
    }

    /// Starts a backup on the blocking pool, unless one is running.
    fn back_up(&mut self) {
        if !self.backups.is_empty() {
            return;
        }
        let paths = self.paths.clone();
        self.backups
            .spawn_blocking(move || crate::backup::back_up(&paths, None));
    }

    /// Works out when the next automatic backup is due: a day after the last success, but
    /// not in the first minutes after start-up, when the first check is running.
    async fn schedule_backup(&mut self) {
        let paths = self.paths.clone();
        let settings = tokio::task::spawn_blocking(move || {
            Store::open(&paths.database())
                .ok()
                .and_then(|store| crate::backup::Settings::load(&store).ok())
        })
        .await
        .ok()
        .flatten();
        self.backup_due = settings.filter(|s| s.dir.is_some()).map(|s| {
            let now = crate::store::now();
            let wait = match s.last_success {
                Some(last) => (last + crate::backup::INTERVAL_SECS - now).max(120),
                None => 120,
            };
            Instant::now() + Duration::from_secs(wait as u64)
        });
    }

    /// The interval, give or take a tenth, so that many clients do not all call at once.
    fn jittered(&self, account: AccountId, interval: Duration) -> Duration {
        let random = self
            .jitter
            .hash_one((account, std::time::SystemTime::now()));
        let spread = (random % 2001) as f64 / 10_000.0 - 0.1;
        interval.mul_f64(1.0 + spread)
    }

    async fn fetch(&mut self, which: Vec<AccountId>) {
        let all = which.is_empty();
        let accounts = match self.load_accounts().await {
            Ok(accounts) => accounts,
            Err(error) => {
                // Scheduled checks that could not start are due again after their interval.
                let now = Instant::now();
                for id in &which {
                    if let Some(slot) = self.slots.get_mut(id) {
                        slot.due = slot.interval.map(|interval| now + interval);
                    }
                }
                for account in which {
                    self.send(Event::Failed {
                        account: Some(account),
                        name: String::new(),
                        error: error.clone(),
                    });
                }
                if self.running.is_empty() {
                    self.send(Event::Idle);
                }
                return;
            }
        };
        // An account asked for by id that is gone (removed since) is said, not skipped.
        for gone in which
            .iter()
            .filter(|id| !accounts.iter().any(|a| a.id == **id))
        {
            self.send(Event::Failed {
                account: Some(*gone),
                name: String::new(),
                error: FetchError::AccountGone,
            });
        }
        let mut started = false;
        for account in accounts {
            let asked = if all {
                account.settings.include_in_get_all
            } else {
                which.contains(&account.id)
            };
            if asked {
                started |= self.start(Job::Fetch(account));
            }
        }
        if !started && self.running.is_empty() {
            self.send(Event::Idle);
        }
    }

    /// Starts a job unless its account is busy; true if it started.
    fn start(&mut self, job: Job) -> bool {
        let account = job.account().id;
        let name = job.account().settings.name.clone();
        let slot = self.slots.entry(account).or_default();
        if slot.job.is_some() {
            return false;
        }
        let task = run_job(
            self.paths.clone(),
            job,
            slot.password.clone(),
            self.permits.clone(),
            self.events.clone(),
        );
        let handle = self.running.spawn(task);
        self.tasks.insert(handle.id(), (account, name));
        slot.job = Some(handle);
        true
    }

    /// The account message `id` was downloaded from.
    async fn account_of(&self, id: i64) -> Result<Account, FetchError> {
        let database = self.paths.database();
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&database)?;
            let (account, _, _) = store.message_origin(id)?;
            store
                .accounts()?
                .into_iter()
                .find(|a| a.id == account)
                .ok_or(FetchError::AccountGone)
        })
        .await
        .unwrap_or(Err(FetchError::Crashed))
    }

    async fn load_accounts(&self) -> Result<Vec<Account>, FetchError> {
        let database = self.paths.database();
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&database)?;
            Ok(store.accounts()?)
        })
        .await
        .unwrap_or(Err(FetchError::Crashed))
    }

    fn send(&self, event: Event) {
        let _ = self.events.send(event);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
