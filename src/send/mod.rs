//! Delivering the Outbox: one account's queued messages to its outgoing server.
//!
//! Every message is in the Outbox, on disk, before this runs (`Store::queue`). Each
//! attempt is recorded before the message goes out; the server's "250" moves it to Sent
//! (the same row, the same bytes). A connection that dies after the final "." and before
//! the answer leaves it unknown whether the message went: it stays queued and goes again
//! later with the same Message-ID, the one way a recipient can get a message twice.
//! A temporary refusal (4xx, a lost connection) leaves the message queued with its
//! reason; a permanent one (5xx) marks it refused, to wait for the user.

mod connect;
mod why;

use std::time::Duration;

use crate::accounts::Account;
use crate::accounts::smtp::{SmtpLogin, SmtpServer};
use crate::compose::{self, Draft};
use crate::paths::Paths;
use crate::store::{self, Store};
use crate::{pop3, smtp};

pub use connect::open;
pub use why::Why;

/// What can stop a delivery as a whole (one message's refusal is in [`Delivery`]).
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The server could not be reached, or would not take mail: why, as the Outbox
    /// keeps it.
    #[error("{0}")]
    Server(Why),
    #[error("{0}")]
    Store(#[from] store::Error),
    #[error("the account \"{0}\" has no outgoing server; add one in its settings")]
    NoServer(String),
    #[error("the Outbox of \"{0}\" is being sent by another Poplar window or command")]
    Busy(String),
    #[error("a backup is being restored into this data folder; send again when it is done")]
    Restoring,
    #[error("could not take the sending lock: {0}")]
    Lock(String),
    #[error("{0}")]
    Compose(#[from] crate::compose::Error),
    /// The outgoing server's own password is not in the keyring (or the keyring failed).
    #[error("no password for the outgoing server of \"{0}\": {1}")]
    Password(String, crate::secrets::Error),
}

impl From<pop3::Error> for Error {
    fn from(e: pop3::Error) -> Self {
        Error::Server(Why::Connect(e))
    }
}

impl From<smtp::Error> for Error {
    fn from(e: smtp::Error) -> Self {
        Error::Server(Why::Smtp(e))
    }
}

impl Error {
    /// True when the same delivery may well work later (the messages stay queued).
    pub fn is_temporary(&self) -> bool {
        match self {
            Error::Server(why) => why.is_temporary(),
            Error::Busy(_) | Error::Restoring => true,
            Error::Store(_)
            | Error::NoServer(_)
            | Error::Lock(_)
            | Error::Compose(_)
            | Error::Password(..) => false,
        }
    }
}

/// How one delivery went, message by message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Taken by the server, now in Sent.
    pub sent: Vec<i64>,
    /// Still in the Outbox, to be tried again: with why.
    pub queued: Vec<(i64, Why)>,
    /// Refused for good by the server: with its words.
    pub refused: Vec<(i64, Why)>,
}

impl Delivery {
    pub fn is_complete(&self) -> bool {
        self.queued.is_empty() && self.refused.is_empty()
    }
}

/// Limits for one delivery.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// For connecting and for each answer (the answer to a whole message may take up to
    /// [`smtp::FINAL_REPLY`]).
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(60),
        }
    }
}

/// Builds a draft into the bytes to send (in the account's charset, with a new
/// Message-ID and the Date now) and puts them in the Outbox. When this returns the
/// message is on disk; nothing has touched the network.
pub fn queue(
    store: &mut Store,
    account: &Account,
    server: &SmtpServer,
    draft: &Draft,
) -> Result<i64, Error> {
    let built = compose::build(draft, &compose::Options::now(server.charset, &draft.from))?;
    let bcc: Vec<String> = draft.bcc.iter().map(|m| m.address.clone()).collect();
    Ok(store.queue(account.id, &built, &bcc)?)
}

/// Sends the queued messages of `account` that are due: every one not refused, and
/// those of `retry` even if they were (the user asked again). `password`: the outgoing
/// server's (for POP before SMTP, the incoming server's); None when it logs in with none.
/// An error that will not pass by itself (a wrong password, an untrusted certificate)
/// is an `Err`, after it is recorded on every message it kept waiting; one that may (the
/// server unreachable) leaves them queued in the `Ok`.
pub async fn deliver(
    paths: &Paths,
    account: &Account,
    password: Option<&str>,
    retry: &[i64],
    options: Options,
) -> Result<Delivery, Error> {
    let _lock = connect::SendLock::acquire(paths, account)?;
    let mut store = Store::open(&paths.database())?;
    let server = store
        .smtp_server(account.id)?
        .ok_or_else(|| Error::NoServer(account.settings.name.clone()))?;
    for id in retry {
        store.retry(*id)?;
    }
    let due: Vec<i64> = store
        .queued(Some(account.id))?
        .into_iter()
        .filter(|q| !q.refused)
        .map(|q| q.id)
        .collect();
    let mut delivery = Delivery::default();
    if due.is_empty() {
        return Ok(delivery);
    }
    let mut client = match session(account, &server, password, options).await {
        Ok(client) => client,
        Err(Error::Server(why)) => {
            // Every message waiting says why it is still waiting; none of them is at
            // fault, so none is marked refused.
            for id in &due {
                store.begin_attempt(*id)?;
                store.record_failure(*id, &why, false)?;
            }
            if !why.is_temporary() {
                return Err(Error::Server(why));
            }
            delivery.queued = due.into_iter().map(|id| (id, why.clone())).collect();
            return Ok(delivery);
        }
        Err(e) => return Err(e),
    };
    let mut remaining = due.into_iter();
    for id in remaining.by_ref() {
        let Some(outgoing) = store.outgoing(id)? else {
            continue;
        };
        store.begin_attempt(id)?;
        match client.send(&outgoing.built).await {
            Ok(_) => {
                store.mark_sent(id)?;
                delivery.sent.push(id);
            }
            Err(e) => {
                let lost = matches!(
                    e,
                    smtp::Error::Timeout(_) | smtp::Error::Closed(_) | smtp::Error::Io { .. }
                );
                let why = Why::Smtp(e);
                let for_good = !why.is_temporary();
                store.record_failure(id, &why, for_good)?;
                if for_good {
                    delivery.refused.push((id, why));
                } else {
                    delivery.queued.push((id, why));
                }
                if lost {
                    // The connection is gone: the rest wait for the next time.
                    break;
                }
            }
        }
    }
    for id in remaining {
        delivery.queued.push((id, Why::NotTried));
    }
    client.quit().await;
    Ok(delivery)
}

/// "Test connection" for the outgoing server: connects, logs in as the settings say
/// (after POP before SMTP, when chosen) and says goodbye; sends nothing. What the server
/// said it can do.
pub async fn test(
    account: &Account,
    server: &SmtpServer,
    password: Option<&str>,
    options: Options,
) -> Result<smtp::Extensions, Error> {
    let client = session(account, server, password, options).await?;
    let extensions = client.extensions().clone();
    client.quit().await;
    Ok(extensions)
}

/// An SMTP session, logged in as the server's settings say.
async fn session(
    account: &Account,
    server: &SmtpServer,
    password: Option<&str>,
    options: Options,
) -> Result<smtp::Client<Box<dyn connect::Stream>>, Error> {
    let password = password.unwrap_or_default();
    if server.login == SmtpLogin::PopBeforeSmtp {
        let mut pop = account.settings.connect_options();
        pop.timeout = options.timeout;
        let session = pop3::connect_and_login(
            &pop,
            &account.settings.user,
            password,
            account.settings.auth,
        )
        .await?;
        session.quit().await?;
    }
    let mut client = open(server, options.timeout).await?;
    let user = if server.user.is_empty() {
        &account.settings.user
    } else {
        &server.user
    };
    let clear_allowed = server.security == pop3::Security::Plain;
    client
        .login(server.login.smtp(), user, password, clear_allowed)
        .await?;
    Ok(client)
}
