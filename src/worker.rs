//! The background worker: one long-lived tokio task that takes commands from the window
//! and reports events back. Accounts fetch concurrently; one account never has two
//! sessions at once (a second fetch for a busy account is a no-op).

use std::collections::{HashMap, HashSet};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::accounts::Account;
use crate::paths::Paths;
use crate::secrets;
use crate::store::Store;
use crate::sync::{self, Progress, Report};

#[derive(Debug, Clone)]
pub enum Command {
    /// Fetch these accounts (by name); an empty list means every account.
    Fetch(Vec<String>),
    /// Use this password for the account until the program ends, without storing it.
    RememberPassword { account: String, password: String },
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
    Store(String),
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

/// Starts the worker on the current tokio runtime.
pub fn spawn(paths: Paths) -> (Handle, mpsc::UnboundedReceiver<Event>) {
    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    tokio::spawn(run(paths, command_rx, event_tx));
    (Handle(command_tx), event_rx)
}

async fn run(
    paths: Paths,
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<Event>,
) {
    let mut busy: HashSet<String> = HashSet::new();
    let mut passwords: HashMap<String, String> = HashMap::new();
    let mut running: JoinSet<String> = JoinSet::new();
    let mut accepting = true;

    loop {
        tokio::select! {
            command = commands.recv(), if accepting => match command {
                None | Some(Command::Shutdown) => accepting = false,
                Some(Command::RememberPassword { account, password }) => {
                    passwords.insert(account, password);
                }
                Some(Command::Fetch(names)) => {
                    let accounts = match load_accounts(&paths, &names).await {
                        Ok(accounts) => accounts,
                        Err(error) => {
                            for name in names {
                                let _ = events.send(Event::Failed { account: name, error: error.clone() });
                            }
                            if running.is_empty() {
                                let _ = events.send(Event::Idle);
                            }
                            continue;
                        }
                    };
                    for account in accounts {
                        let name = account.settings.name.clone();
                        if !busy.insert(name.clone()) {
                            continue;
                        }
                        let password = passwords.get(&name).cloned();
                        running.spawn(fetch_one(paths.clone(), account, password, events.clone()));
                    }
                }
            },
            Some(done) = running.join_next() => {
                match done {
                    Ok(name) => { busy.remove(&name); }
                    Err(e) => {
                        tracing::error!("a fetch task failed: {e}");
                        busy.clear();
                    }
                }
                if running.is_empty() {
                    let _ = events.send(Event::Idle);
                }
            },
            else => break,
        }
    }
}

async fn load_accounts(paths: &Paths, names: &[String]) -> Result<Vec<Account>, FetchError> {
    let database = paths.database();
    let names = names.to_vec();
    tokio::task::spawn_blocking(move || {
        let store = Store::open(&database).map_err(|e| FetchError::Store(e.to_string()))?;
        if names.is_empty() {
            store.accounts()
        } else {
            names.iter().map(|n| store.account(n)).collect()
        }
        .map_err(|e| FetchError::Store(e.to_string()))
    })
    .await
    .map_err(|e| FetchError::Store(e.to_string()))?
}

async fn fetch_one(
    paths: Paths,
    account: Account,
    password: Option<String>,
    events: mpsc::UnboundedSender<Event>,
) -> String {
    let name = account.settings.name.clone();
    let _ = events.send(Event::Started {
        account: name.clone(),
    });
    let result = async {
        let password = match password {
            Some(p) => p,
            None => {
                let key = name.clone();
                tokio::task::spawn_blocking(move || secrets::get_password(&key))
                    .await
                    .map_err(|e| secrets::Error::Unavailable(e.to_string()))??
            }
        };
        let progress_events = events.clone();
        let progress_name = name.clone();
        sync::fetch_account(&paths, &account, &password, move |progress| {
            let _ = progress_events.send(Event::Progress {
                account: progress_name.clone(),
                progress,
            });
        })
        .await
        .map_err(FetchError::from)
    }
    .await;
    let _ = events.send(match result {
        Ok(report) => Event::Finished {
            account: name.clone(),
            report,
        },
        Err(error) => Event::Failed {
            account: name.clone(),
            error,
        },
    });
    name
}
