//! One fetch of one account: download what is new, store it durably, then apply the
//! account's retention to the server's copies.
//!
//! Ordering is the whole point: a message's bytes and its UIDL are committed (and on disk)
//! before its DELE is sent, and DELE only takes effect at a successful QUIT. Whatever
//! moment the session dies at, every message is either still on the server, or stored
//! here with its UIDL recorded, so the next fetch neither loses nor duplicates it.
//!
//! For speed, downloads are pipelined when the server allows it, and stored in batches:
//! while one batch commits on a blocking thread the next one downloads; the DELEs of a
//! batch are sent once its commit has returned.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::accounts::{Account, Keep, Settings};
use crate::mail;
use crate::paths::Paths;
use crate::pop3::{self, Session};
use crate::store::{self, HeaderCapture, NewMessage, Spool, Store};

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
    /// Messages the server would not send, with its reason; tried again next time.
    pub skipped: Vec<(u32, String)>,
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
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            pipelining: true,
            keepalive: KEEPALIVE,
            timeout: Duration::from_secs(30),
        }
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
    Retr {
        number: u32,
        uidl: Option<String>,
    },
    Top {
        number: u32,
        uidl: Option<String>,
        server_size: u64,
    },
    Dele {
        number: u32,
        uidl: Option<String>,
    },
}

impl Command {
    fn line(&self) -> String {
        match self {
            Command::Retr { number, .. } => format!("RETR {number}"),
            Command::Top { number, .. } => format!("TOP {number} 0"),
            Command::Dele { number, .. } => format!("DELE {number}"),
        }
    }
}

type Commit = JoinHandle<(Store, store::Result<Vec<(u32, Option<String>)>>)>;

pub async fn fetch_account_with(
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
    mut on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    let s = &account.settings;
    // Two sessions of one account never overlap, also not across processes.
    let _lock = AccountLock::acquire(paths, account)?;
    let mut options = s.connect_options();
    options.pipelining = fetch.pipelining;
    options.timeout = fetch.timeout;
    let mut session = pop3::connect_and_login(&options, &s.user, password, s.auth).await?;

    let uidls = match session.uidl_all().await {
        Ok(list) => Some(list),
        Err(pop3::Error::NoUidl { host }) => {
            if s.keep.keeps_on_server() {
                return Err(Error::NoUidlForKeep { host });
            }
            None
        }
        Err(e) => return Err(e.into()),
    };
    let sizes: HashMap<u32, u64> = session
        .list_all()
        .await?
        .into_iter()
        .map(|e| (e.number, e.size))
        .collect();

    let database = paths.database();
    let account_id = account.id;
    let keep = s.keep;
    let seen: Option<Vec<String>> = uidls
        .as_ref()
        .map(|list| list.iter().map(|e| e.uidl.clone()).collect());
    let (store, known, due) = blocking(move || -> Result<_, store::Error> {
        let mut store = Store::open(&database)?;
        if let Some(seen) = &seen {
            let seen: Vec<&str> = seen.iter().map(String::as_str).collect();
            store.note_server_uidls(account_id, &seen)?;
        }
        let known = store.known_uidls(account_id)?;
        // Messages stored by an earlier session but still on the server: their deletion
        // was rolled back (no QUIT), their keep period has run out, or they were deleted
        // for good here.
        let mut due = match keep {
            Keep::Delete => known.clone(),
            Keep::Days(days) => store
                .uidls_downloaded_before(account_id, store::now() - i64::from(days) * 86_400)?,
            Keep::Forever => HashSet::new(),
        };
        due.extend(store.queued_server_deletions(account_id)?);
        Ok((store, known, due))
    })
    .await??;

    // (number, uidl) of every message on the server, in server order.
    let on_server: Vec<(u32, Option<String>)> = match uidls {
        Some(list) => list.into_iter().map(|e| (e.number, Some(e.uidl))).collect(),
        None => {
            let mut numbers: Vec<u32> = sizes.keys().copied().collect();
            numbers.sort_unstable();
            numbers.into_iter().map(|n| (n, None)).collect()
        }
    };
    let mut to_send: VecDeque<Command> = on_server
        .iter()
        .filter(|(_, uidl)| uidl.as_ref().is_some_and(|u| due.contains(u)))
        .map(|(number, uidl)| Command::Dele {
            number: *number,
            uidl: uidl.clone(),
        })
        .collect();
    let wanted: Vec<&(u32, Option<String>)> = on_server
        .iter()
        .filter(|(_, uidl)| uidl.as_ref().is_none_or(|u| !known.contains(u)))
        .collect();

    let mut progress = Progress {
        done: 0,
        stored: 0,
        total: wanted.len(),
        bytes: 0,
        total_bytes: wanted
            .iter()
            .map(|(n, _)| sizes.get(n).copied().unwrap_or(0))
            .sum(),
    };
    on_progress(progress);

    let window = if session.pipelining() {
        PIPELINE_WINDOW
    } else {
        1
    };
    let mut wanted = wanted.into_iter().map(|(number, uidl)| {
        let size = sizes.get(number).copied().unwrap_or(0);
        match s.size_limit {
            Some(limit) if size > limit => Command::Top {
                number: *number,
                uidl: uidl.clone(),
                server_size: size,
            },
            _ => Command::Retr {
                number: *number,
                uidl: uidl.clone(),
            },
        }
    });
    let spool_dir = paths.data_dir().to_path_buf();
    let mut report = Report::default();
    let mut in_flight: VecDeque<Command> = VecDeque::new();
    let mut batch: Vec<(u32, NewMessage)> = Vec::new();
    let mut batch_memory = 0usize;
    let mut writer = Some(store);
    let mut committing: Option<Commit> = None;
    let mut deleted_uidls = Vec::new();
    let delete_after_download = keep == Keep::Delete;

    // The window is refilled once it is half empty, all at once: a few large writes (and
    // TLS records) instead of one per command, which costs the server's TLS proxy less.
    let refill_below = (window / 2).max(1);
    loop {
        // Fill the window: deletions first, then downloads while the batch has room.
        if in_flight.len() < refill_below {
            let mut lines = Vec::new();
            while in_flight.len() < window {
                let next = match to_send.pop_front() {
                    Some(command) => Some(command),
                    None if batch_memory < BATCH_MEMORY => wanted.next(),
                    None => None,
                };
                let Some(mut command) = next else { break };
                if let Command::Top { number, uidl, .. } = &mut command
                    && session.top_failed()
                {
                    command = Command::Retr {
                        number: *number,
                        uidl: uidl.take(),
                    };
                }
                lines.push(command.line());
                in_flight.push_back(command);
            }
            session.send_commands(&lines).await?;
        }
        report.max_in_flight = report.max_in_flight.max(in_flight.len());

        if committing.as_ref().is_some_and(|c| c.is_finished())
            || (in_flight.is_empty() && committing.is_some())
        {
            let commit = committing.take().expect("checked above");
            // With nothing in flight the session would sit idle: keep it alive.
            let (store, result) = if in_flight.is_empty() {
                session.keep_alive_during(fetch.keepalive, commit).await?
            } else {
                commit.await
            }
            .map_err(|e| Error::Store(e.to_string()))?;
            writer = Some(store);
            let stored = result?;
            progress.stored += stored.len();
            on_progress(progress);
            if delete_after_download {
                to_send.extend(
                    stored
                        .into_iter()
                        .map(|(number, uidl)| Command::Dele { number, uidl }),
                );
            }
            continue;
        }

        let Some(command) = in_flight.pop_front() else {
            if batch.is_empty() {
                break;
            }
            committing = Some(start_commit(
                writer.take().expect("no commit is running"),
                account_id,
                std::mem::take(&mut batch),
            ));
            batch_memory = 0;
            continue;
        };

        match command {
            Command::Retr { number, uidl } => {
                let status = session.read_status("receiving a message").await?;
                if !status.ok {
                    // One message the server will not send must not block the rest.
                    tracing::warn!(number, text = %status.text, "server refused to send a message");
                    report.skipped.push((number, status.text));
                    continue;
                }
                let message = receive(&mut session, &spool_dir, uidl, None).await?;
                if report.first_subject.is_none() {
                    report.first_subject = Some(message.summary.subject.clone());
                }
                progress.done += 1;
                progress.bytes += message.body.len();
                on_progress(progress);
                report.new += 1;
                batch_memory += message.body.memory();
                batch.push((number, message));
            }
            Command::Top {
                number,
                uidl,
                server_size,
            } => {
                let status = session.read_status("receiving headers").await?;
                if !status.ok {
                    // TOP is optional (RFC 1939): fetch this and later ones whole instead.
                    session.set_top_failed();
                    to_send.push_back(Command::Retr { number, uidl });
                    continue;
                }
                let message = receive(&mut session, &spool_dir, uidl, Some(server_size)).await?;
                progress.done += 1;
                progress.bytes += server_size;
                on_progress(progress);
                report.new += 1;
                report.partial += 1;
                batch_memory += message.body.memory();
                batch.push((number, message));
            }
            Command::Dele { number, uidl } => {
                let status = session.read_status("deleting a message").await?;
                if status.ok {
                    report.deleted += 1;
                    deleted_uidls.extend(uidl);
                } else {
                    tracing::warn!(number, text = %status.text, "server refused to delete a message");
                }
            }
        }

        if (batch.len() >= BATCH_MESSAGES || batch_memory >= BATCH_MEMORY) && committing.is_none() {
            committing = Some(start_commit(
                writer.take().expect("no commit is running"),
                account_id,
                std::mem::take(&mut batch),
            ));
            batch_memory = 0;
        }
    }

    session.quit().await?;
    report.kept = on_server.len() - report.deleted;
    if !deleted_uidls.is_empty() {
        let mut store = writer.expect("all commits have finished");
        blocking(move || store.mark_deleted_on_server(account_id, &deleted_uidls)).await??;
    }
    Ok(report)
}

/// An exclusive lock on one account's fetching, held in a file in the data folder, so a
/// window and a `poplar fetch` from cron never run two sessions of one account.
struct AccountLock(std::fs::File);

impl AccountLock {
    fn acquire(paths: &Paths, account: &Account) -> Result<AccountLock, Error> {
        let dir = paths.data_dir().join("locks");
        let io = |e: std::io::Error| Error::Store(format!("could not take the fetch lock: {e}"));
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("account-{}.lock", account.id)))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(AccountLock(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(Error::Busy(account.settings.name.clone()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

impl Drop for AccountLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Downloads the whole of a message that was stored as headers only, and replaces it in
/// place.
pub async fn download_rest(
    paths: &Paths,
    account: &Account,
    password: &str,
    message_id: i64,
) -> Result<(), Error> {
    let database = paths.database();
    let (_, uidl, partial) =
        blocking(move || Store::open(&database)?.message_origin(message_id)).await??;
    if !partial {
        return Ok(());
    }
    let uidl = uidl.ok_or(Error::GoneFromServer)?;
    let _lock = AccountLock::acquire(paths, account)?;
    let s = &account.settings;
    let mut session =
        pop3::connect_and_login(&s.connect_options(), &s.user, password, s.auth).await?;
    let number = session
        .uidl_all()
        .await?
        .into_iter()
        .find(|e| e.uidl == uidl)
        .map(|e| e.number)
        .ok_or(Error::GoneFromServer)?;
    session.send_command(&format!("RETR {number}")).await?;
    let status = session.read_status("receiving a message").await?;
    session.require_ok("RETR", status)?;
    let mut message = receive(&mut session, paths.data_dir(), Some(uidl), None).await?;
    session.quit().await?;
    let database = paths.database();
    blocking(move || {
        Store::open(&database)?.complete_message(
            message_id,
            &mut message.body,
            &message.summary,
            &message.digest,
        )
    })
    .await??;
    Ok(())
}

/// What "Test connection" found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub greeting: String,
    pub encrypted: bool,
    pub capabilities: Option<pop3::Capabilities>,
    pub uidl: bool,
    pub messages: u32,
    pub bytes: u64,
}

/// Connects and logs in as the settings say, and checks that the server can do what the
/// account needs (UIDL for keeping mail on the server). Changes nothing on the server.
pub async fn test_account(
    settings: &Settings,
    password: &str,
    fetch: &FetchOptions,
) -> Result<ServerInfo, Error> {
    let mut options = settings.connect_options();
    options.timeout = fetch.timeout;
    let mut session =
        pop3::connect_and_login(&options, &settings.user, password, settings.auth).await?;
    let (messages, bytes) = session.stat().await?;
    let uidl = match session.uidl_all().await {
        Ok(_) => true,
        Err(pop3::Error::NoUidl { .. }) => false,
        Err(e) => return Err(e.into()),
    };
    let info = ServerInfo {
        greeting: session.greeting().to_string(),
        encrypted: session.is_encrypted(),
        capabilities: session.capabilities().cloned(),
        uidl,
        messages,
        bytes,
    };
    session.quit().await?;
    if !uidl && settings.keep.keeps_on_server() {
        return Err(Error::NoUidlForKeep {
            host: settings.host.clone(),
        });
    }
    Ok(info)
}

/// Reads one message body (after its +OK) into a spool, keeping its headers for the list.
async fn receive(
    session: &mut Session,
    spool_dir: &std::path::Path,
    uidl: Option<String>,
    server_size: Option<u64>,
) -> Result<NewMessage, Error> {
    let mut spool = Spool::new(spool_dir);
    let mut headers = HeaderCapture::default();
    session
        .read_body(|line| {
            headers.push(line);
            spool.write(line);
        })
        .await?;
    let (body, digest) = spool.finish().map_err(|e| {
        Error::Store(format!(
            "could not keep a downloaded message on the disk ({e}); nothing was deleted on the server"
        ))
    })?;
    Ok(NewMessage {
        uidl,
        body,
        summary: mail::summarize(headers.bytes()),
        server_size,
        digest,
    })
}

fn start_commit(mut store: Store, account_id: i64, batch: Vec<(u32, NewMessage)>) -> Commit {
    tokio::task::spawn_blocking(move || {
        let (numbers, mut messages): (Vec<u32>, Vec<NewMessage>) = batch.into_iter().unzip();
        let result = store.insert_batch(account_id, &mut messages).map(|_| {
            numbers
                .into_iter()
                .zip(messages.into_iter().map(|m| m.uidl))
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
