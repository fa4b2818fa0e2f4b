//! One fetch of one account: download what is new, store it durably, then apply the
//! account's retention to the server's copies.
//!
//! Ordering is the whole point: a message's bytes and its UIDL are committed (and on disk)
//! before its DELE is sent, and DELE only takes effect at a successful QUIT. Whatever
//! moment the session dies at, every message is either still on the server, or stored
//! here with its UIDL recorded, so the next fetch neither loses nor duplicates it.

use std::collections::HashMap;

use crate::accounts::{Account, Keep};
use crate::mail;
use crate::pop3::{self, Session};
use crate::store::{self, Store};

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
    pub bytes: u64,
    pub total_bytes: u64,
}

/// What one fetch did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Messages downloaded and stored.
    pub new: usize,
    /// Messages deleted on the server in this session.
    pub deleted: usize,
    /// Messages left on the server.
    pub kept: usize,
    /// Messages the server would not send, with its reason; tried again next time.
    pub skipped: Vec<(u32, String)>,
}

/// Fetches `account` into `store`, reporting progress as it goes.
pub async fn fetch_account(
    store: &mut Store,
    account: &Account,
    password: &str,
    mut on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    let s = &account.settings;
    let mut session = Session::connect(&s.connect_options()).await?;
    session.login_user_pass(&s.user, password).await?;

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

    let known = store.known_uidls(account.id)?;
    // (number, uidl) of every message on the server, in server order.
    let on_server: Vec<(u32, Option<String>)> = match uidls {
        Some(list) => list.into_iter().map(|e| (e.number, Some(e.uidl))).collect(),
        None => {
            let mut numbers: Vec<u32> = sizes.keys().copied().collect();
            numbers.sort_unstable();
            numbers.into_iter().map(|n| (n, None)).collect()
        }
    };
    let wanted: Vec<&(u32, Option<String>)> = on_server
        .iter()
        .filter(|(_, uidl)| uidl.as_ref().is_none_or(|u| !known.contains(u)))
        .collect();

    let mut progress = Progress {
        done: 0,
        total: wanted.len(),
        bytes: 0,
        total_bytes: wanted
            .iter()
            .map(|(n, _)| sizes.get(n).copied().unwrap_or(0))
            .sum(),
    };
    on_progress(progress);

    let mut report = Report::default();
    let mut deleted_uidls = Vec::new();
    for (number, uidl) in wanted {
        let raw = match session.retr(*number).await {
            Ok(raw) => raw,
            // One message the server will not send must not block the rest.
            Err(pop3::Error::Command { server, .. }) => {
                tracing::warn!(number, %server, "server refused to send a message");
                report.skipped.push((*number, server));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let summary = mail::summarize(&raw);
        store.insert_message(account.id, uidl.as_deref(), &raw, &summary)?;
        report.new += 1;
        progress.done += 1;
        progress.bytes += raw.len() as u64;
        on_progress(progress);

        if s.keep == Keep::Delete {
            session.dele(*number).await?;
            report.deleted += 1;
            deleted_uidls.extend(uidl.clone());
        }
    }

    // Messages stored by an earlier session but still on the server: their deletion was
    // rolled back (no QUIT), or their keep period has run out.
    let due = match s.keep {
        Keep::Delete => Some(known),
        Keep::Days(days) => Some(
            store.uidls_downloaded_before(account.id, store::now() - i64::from(days) * 86_400)?,
        ),
        Keep::Forever => None,
    };
    if let Some(due) = due {
        for (number, uidl) in &on_server {
            if let Some(uidl) = uidl
                && due.contains(uidl)
            {
                session.dele(*number).await?;
                report.deleted += 1;
                deleted_uidls.push(uidl.clone());
            }
        }
    }

    session.quit().await?;
    store.mark_deleted_on_server(account.id, &deleted_uidls)?;
    report.kept = on_server.len() - report.deleted;
    Ok(report)
}
