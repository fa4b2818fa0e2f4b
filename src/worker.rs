//! The background worker: one long-lived tokio task that takes commands from the window
//! and reports events back. It checks each account at start-up and every N minutes (with
//! a little jitter), fetches accounts concurrently (a few at a time), never runs two
//! sessions of one account (a second fetch for a busy account is a no-op), and cancels
//! on request.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

use crate::accounts::Account;
use crate::paths::Paths;
use crate::secrets;
use crate::store::Store;
use crate::sync::{self, Progress, Report};

/// Accounts fetched at the same time, at most.
const CONCURRENT_FETCHES: usize = 4;

#[derive(Debug, Clone)]
pub enum Command {
    /// Fetch these accounts (by name); an empty list means every account included in
    /// "Get all mail".
    Fetch(Vec<String>),
    /// Stop the fetch of one account, or of all.
    Cancel(Option<String>),
    /// Download the whole of a message stored as headers only (from the account the
    /// message belongs to, whatever it is called now).
    DownloadRest { message: i64 },
    /// Use this password for the account until the program ends, without storing it.
    RememberPassword { account: String, password: String },
    /// A new password for the account is in the keyring: a remembered one is stale.
    ForgetPassword { account: String },
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
        account: String,
    },
    Progress {
        account: String,
        progress: Progress,
    },
    Finished {
        account: String,
        report: Report,
    },
    Failed {
        account: String,
        error: FetchError,
    },
    Cancelled {
        account: String,
    },
    /// A partial message was completed ("download the rest").
    Completed {
        account: String,
        message: i64,
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
}

struct Worker {
    paths: Paths,
    schedule: Schedule,
    events: mpsc::UnboundedSender<Event>,
    passwords: HashMap<String, String>,
    busy: HashSet<String>,
    running: JoinSet<()>,
    tasks: HashMap<tokio::task::Id, String>,
    aborts: HashMap<String, AbortHandle>,
    permits: Arc<Semaphore>,
    /// When each account is next checked automatically.
    due: HashMap<String, Instant>,
    intervals: HashMap<String, Duration>,
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
            passwords: HashMap::new(),
            busy: HashSet::new(),
            running: JoinSet::new(),
            tasks: HashMap::new(),
            aborts: HashMap::new(),
            permits: Arc::new(Semaphore::new(CONCURRENT_FETCHES)),
            due: HashMap::new(),
            intervals: HashMap::new(),
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
            let next_due = self.due.values().min().copied();
            let backup_due = self.backup_due;
            tokio::select! {
                                Some(done) = self.indexing.join_next() => {
                    let count = done.unwrap_or(0);
                    if count > 0 {
                        self.send(Event::Indexed(count));
                    }
                    if std::mem::take(&mut self.index_again) {
                        self.index();
                    }
                },
                Some(done) = self.backups.join_next() => {
                    let result =
                        done.unwrap_or_else(|e| Err(crate::backup::Error::Backup(e.to_string())));
                    self.send(Event::BackedUp(result));
                    if self.schedule == Schedule::Automatic {
                        self.schedule_backup().await;
                    }
                },
                _ = sleep_until(backup_due), if backup_due.is_some() => {
                    self.backup_due = None;
                    self.back_up();
                },
                command = commands.recv(), if accepting => match command {
                    None | Some(Command::Shutdown) => accepting = false,
                    Some(command) => self.command(command).await,
                },
                Some(done) = self.running.join_next_with_id() => self.finished(done),
                _ = sleep_until(next_due), if next_due.is_some() => {
                    let now = Instant::now();
                    let names: Vec<String> = self
                        .due
                        .iter()
                        .filter(|(_, at)| **at <= now)
                        .map(|(name, _)| name.clone())
                        .collect();
                    for name in &names {
                        self.due.remove(name);
                    }
                    self.fetch(names).await;
                },
                else => break,
            }
        }
    }

    /// A job ended: its account is free again, a cancelled or crashed job is reported
    /// (the window stops showing it as running), and the next check is scheduled.
    fn finished(&mut self, done: Result<(tokio::task::Id, ()), tokio::task::JoinError>) {
        let id = match &done {
            Ok((id, ())) => *id,
            Err(e) => e.id(),
        };
        // Whatever the job stored is indexed for search in the background.
        self.index();
        if let Some(name) = self.tasks.remove(&id) {
            self.busy.remove(&name);
            self.aborts.remove(&name);
            match &done {
                Err(e) if e.is_cancelled() => self.send(Event::Cancelled {
                    account: name.clone(),
                }),
                Err(e) => {
                    tracing::error!("the job of {name} panicked: {e}");
                    self.send(Event::Failed {
                        account: name.clone(),
                        error: FetchError::Crashed,
                    });
                }
                Ok(_) => {}
            }
            if let Some(interval) = self.intervals.get(&name) {
                let next = Instant::now() + self.jittered(&name, *interval);
                self.due.insert(name, next);
            }
        }
        if self.running.is_empty() {
            self.send(Event::Idle);
        }
    }

    async fn command(&mut self, command: Command) {
        match command {
            Command::Fetch(names) => self.fetch(names).await,
            Command::Cancel(name) => {
                for (account, handle) in &self.aborts {
                    if name.as_ref().is_none_or(|n| n == account) {
                        handle.abort();
                    }
                }
            }
            Command::DownloadRest { message } => match self.account_of(message).await {
                Ok(account) => {
                    self.start(Job::DownloadRest(account, message));
                }
                Err(error) => self.send(Event::Failed {
                    account: String::new(),
                    error,
                }),
            },
            Command::RememberPassword { account, password } => {
                self.passwords.insert(account, password);
            }
            Command::ForgetPassword { account } => {
                self.passwords.remove(&account);
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
    async fn reschedule(&mut self, startup: bool) {
        let Ok(accounts) = self.load_accounts(Vec::new()).await else {
            return;
        };
        let now = Instant::now();
        self.intervals.clear();
        let mut names = HashSet::new();
        let mut check_now = Vec::new();
        for account in &accounts {
            let s = &account.settings;
            names.insert(s.name.clone());
            if let Some(minutes) = s.check_every_minutes {
                let interval = Duration::from_secs(u64::from(minutes) * 60);
                self.intervals.insert(s.name.clone(), interval);
                if !self.due.contains_key(&s.name) {
                    let next = now + self.jittered(&s.name, interval);
                    self.due.insert(s.name.clone(), next);
                }
            } else {
                self.due.remove(&s.name);
            }
            if startup && s.check_on_startup {
                check_now.push(s.name.clone());
            }
        }
        self.due.retain(|name, _| names.contains(name));
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
    fn jittered(&self, name: &str, interval: Duration) -> Duration {
        let random = self.jitter.hash_one((name, std::time::SystemTime::now()));
        let spread = (random % 2001) as f64 / 10_000.0 - 0.1;
        interval.mul_f64(1.0 + spread)
    }

    async fn fetch(&mut self, names: Vec<String>) {
        let all = names.is_empty();
        let accounts = match self.load_accounts(names.clone()).await {
            Ok(accounts) => accounts,
            Err(error) => {
                for account in names {
                    self.send(Event::Failed {
                        account,
                        error: error.clone(),
                    });
                }
                if self.running.is_empty() {
                    self.send(Event::Idle);
                }
                return;
            }
        };
        let mut started = false;
        for account in accounts {
            if all && !account.settings.include_in_get_all {
                continue;
            }
            started |= self.start(Job::Fetch(account));
        }
        if !started && self.running.is_empty() {
            self.send(Event::Idle);
        }
    }

    /// Starts a job unless its account is busy; true if it started.
    fn start(&mut self, job: Job) -> bool {
        let account = match &job {
            Job::Fetch(a) | Job::DownloadRest(a, _) => a.clone(),
        };
        let name = account.settings.name.clone();
        if !self.busy.insert(name.clone()) {
            return false;
        }
        let password = self.passwords.get(&name).cloned();
        let task = run_job(
            self.paths.clone(),
            job,
            password,
            self.permits.clone(),
            self.events.clone(),
        );
        let handle = self.running.spawn(task);
        self.tasks.insert(handle.id(), name.clone());
        self.aborts.insert(name, handle);
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
                .ok_or(FetchError::Store(crate::store::Error::NoAccountFor(id)))
        })
        .await
        .unwrap_or(Err(FetchError::Crashed))
    }

    async fn load_accounts(&self, names: Vec<String>) -> Result<Vec<Account>, FetchError> {
        let database = self.paths.database();
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&database)?;
            Ok(if names.is_empty() {
                store.accounts()?
            } else {
                names
                    .iter()
                    .map(|n| store.account(n))
                    .collect::<Result<_, _>>()?
            })
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

async fn run_job(
    paths: Paths,
    job: Job,
    password: Option<String>,
    permits: Arc<Semaphore>,
    events: mpsc::UnboundedSender<Event>,
) {
    let account = match &job {
        Job::Fetch(a) | Job::DownloadRest(a, _) => a.clone(),
    };
    let name = account.settings.name.clone();
    let _permit = permits.acquire_owned().await;
    let _ = events.send(Event::Started {
        account: name.clone(),
    });
    let password = match password {
        Some(p) => Ok(p),
        None => {
            let (database, account) = (paths.database(), account.clone());
            tokio::task::spawn_blocking(move || {
                let store = Store::open(&database)?;
                let keyring = secrets::Keyring::open(&store)?;
                Ok(keyring.get(&account)?)
            })
            .await
            .unwrap_or(Err(FetchError::Crashed))
        }
    };
    let password = match password {
        Ok(p) => p,
        Err(error) => {
            let _ = events.send(Event::Failed {
                account: name,
                error,
            });
            return;
        }
    };
    let event = match job {
        Job::Fetch(account) => {
            let progress_events = events.clone();
            let progress_name = name.clone();
            match sync::fetch_account(&paths, &account, &password, move |progress| {
                let _ = progress_events.send(Event::Progress {
                    account: progress_name.clone(),
                    progress,
                });
            })
            .await
            {
                Ok(report) => Event::Finished {
                    account: name,
                    report,
                },
                Err(e) => Event::Failed {
                    account: name,
                    error: e.into(),
                },
            }
        }
        Job::DownloadRest(account, message) => {
            match sync::download_rest(&paths, &account, &password, message).await {
                Ok(()) => Event::Completed {
                    account: name,
                    message,
                },
                Err(e) => Event::Failed {
                    account: name,
                    error: e.into(),
                },
            }
        }
    };
    let _ = events.send(event);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job that panics frees its account and says so: the window would otherwise show
    /// it as fetching (and "Get mail" disabled) until restart.
    #[tokio::test]
    async fn a_job_that_panics_is_reported_and_frees_its_account() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let dir = tempfile::tempdir().unwrap();
        let mut worker = Worker::new(Paths::at(dir.path()), Schedule::OnCommand, tx);
        let handle = worker.running.spawn(async { panic!("a bug") });
        worker.tasks.insert(handle.id(), "work".into());
        worker.busy.insert("work".into());
        worker.aborts.insert("work".into(), handle);
        let done = worker.running.join_next_with_id().await.unwrap();
        worker.finished(done);
        assert!(worker.busy.is_empty() && worker.aborts.is_empty());
        let mut events = Vec::new();
        while let Ok(event) = rx.try_recv() {
            events.push(event);
        }
        assert!(
            matches!(
                &events[..],
                [Event::Failed { account, error: FetchError::Crashed }, Event::Idle] if account == "work"
            ),
            "{events:?}"
        );
    }

    #[test]
    fn jitter_stays_within_a_tenth_and_varies() {
        let (tx, _rx) = mpsc::unbounded_channel();
        let worker = Worker::new(Paths::at("unused"), Schedule::OnCommand, tx);
        let interval = Duration::from_secs(600);
        let samples: Vec<Duration> = (0..200)
            .map(|i| worker.jittered(&format!("account {i}"), interval))
            .collect();
        for s in &samples {
            assert!(
                *s >= Duration::from_secs(540) && *s <= Duration::from_secs(660),
                "{s:?}"
            );
        }
        let distinct: HashSet<Duration> = samples.into_iter().collect();
        assert!(distinct.len() > 100, "jitter spreads the checks out");
    }
}
