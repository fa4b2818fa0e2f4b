//! One background job: a fetch or "download the rest" for one account, from finding its
//! password to the event that says how it ended.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};

use super::{Event, FetchError, Job};
use crate::accounts::Account;
use crate::paths::Paths;
use crate::secrets;
use crate::store::Store;
use crate::sync;

pub(super) async fn run_job(
    paths: Paths,
    job: Job,
    password: Option<String>,
    permits: Arc<Semaphore>,
    events: mpsc::UnboundedSender<Event>,
) {
    let account = job.account().clone();
    let (id, name) = (account.id, account.settings.name.clone());
    let _permit = permits.acquire_owned().await;
    let _ = events.send(Event::Started {
        account: id,
        name: name.clone(),
    });
    let password = match password {
        Some(p) => Ok(p),
        None => stored_password(&paths, account).await,
    };
    let password = match password {
        Ok(p) => p,
        Err(error) => {
            let _ = events.send(Event::Failed {
                account: Some(id),
                name,
                error,
            });
            return;
        }
    };
    let event = match job {
        Job::Fetch(account) => {
            let progress_events = events.clone();
            let progress_name = name.clone();
            let on_progress = move |progress| {
                let _ = progress_events.send(Event::Progress {
                    account: id,
                    name: progress_name.clone(),
                    progress,
                });
            };
            let report = if account.settings.auth.is_oauth() {
                signed_in_fetch(&paths, &account, on_progress).await
            } else {
                sync::fetch_account(&paths, &account, &password, on_progress)
                    .await
                    .map_err(FetchError::from)
            };
            match report {
                Ok(report) => {
                    let _ = events.send(Event::Finished {
                        account: id,
                        name,
                        report,
                    });
                    match super::outbox::deliver_after_check(&paths, &account, &password).await {
                        Some(delivered) => delivered,
                        None => return,
                    }
                }
                Err(e) => Event::Failed {
                    account: Some(id),
                    name,
                    error: e,
                },
            }
        }
        Job::Send(account) => {
            match super::outbox::deliver_after_check(&paths, &account, &password).await {
                Some(delivered) => delivered,
                None => return,
            }
        }
        Job::DownloadRest(account, message) => {
            match sync::download_rest(&paths, &account, &password, message).await {
                Ok(()) => Event::Completed {
                    account: id,
                    name,
                    message,
                },
                Err(e) => Event::Failed {
                    account: Some(id),
                    name,
                    error: e.into(),
                },
            }
        }
    };
    let _ = events.send(event);
}

/// The account's password from the keyring; for one that signs in with OAuth2, its
/// access token (renewed first when about to expire).
pub(super) async fn stored_password(paths: &Paths, account: Account) -> Result<String, FetchError> {
    let keyring = keyring(paths).await?;
    if account.settings.auth.is_oauth() {
        let now = crate::store::now();
        return crate::oauth::account::access_token(paths, &account, &keyring, now, None)
            .await
            .map_err(|e| FetchError::Sync(e.into()));
    }
    tokio::task::spawn_blocking(move || Ok(keyring.get(&account)?))
        .await
        .unwrap_or(Err(FetchError::Crashed))
}

async fn keyring(paths: &Paths) -> Result<secrets::Keyring, FetchError> {
    let database = paths.database();
    tokio::task::spawn_blocking(move || {
        let store = Store::open(&database)?;
        Ok(secrets::Keyring::open(&store)?)
    })
    .await
    .unwrap_or(Err(FetchError::Crashed))
}

/// A fetch that logs in with the account's token, renewed once if the server refuses it.
async fn signed_in_fetch(
    paths: &Paths,
    account: &Account,
    on_progress: impl FnMut(sync::Progress),
) -> Result<sync::Report, FetchError> {
    let keyring = keyring(paths).await?;
    let options = sync::FetchOptions::default();
    Ok(sync::fetch_signed_in(paths, account, &keyring, &options, on_progress).await?)
}
