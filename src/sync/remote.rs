//! The server's mailbox in view (issue 19): what is there, with the headers of each
//! message from `TOP n 0` (pipelined, a few hundred bytes each) and whether Poplar has
//! it; and actions on chosen messages in one session, ordered as a fetch is: a message
//! is stored and synced to disk before its DELE is sent, and without QUIT (an error, a
//! cut connection) the server deletes nothing.

use std::collections::HashMap;

use crate::accounts::{Account, Keep};
use crate::paths::Paths;
use crate::pop3::{self, Uidl};
use crate::store::{self, Store};

use super::lock::AccountLock;
use super::plan::{self, Download, Get};
use super::requests::{Run, list};
use super::{Error, FetchOptions, Prepared, Progress, blocking, carry_out, identify, prepare};

/// Whether a message on the server is stored here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stored {
    Whole,
    /// Its headers only (the size limit): the server has the only whole copy.
    Partial,
    /// Not here: never downloaded, deleted for good here, or a server without UIDL.
    No,
}

/// When the account's retention deletes the server's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "when", content = "at")]
pub enum Deletion {
    /// Kept: forever, headers only, or not stored yet (the retention counts from the
    /// download).
    Never,
    /// At the next fetch (delete mode, or deleted here and queued for the server).
    NextFetch,
    /// At the first fetch after this time (seconds since the epoch).
    After(i64),
}

/// One message on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMessage {
    pub number: u32,
    pub uidl: Option<Uidl>,
    pub size: Option<u64>,
    pub from: String,
    pub subject: String,
    /// Seconds since the epoch, from its Date header.
    pub date: Option<i64>,
    pub stored: Stored,
    pub deletion: Deletion,
}

/// Lists the server's mailbox in one session: UIDL, LIST, and `TOP n 0` for every
/// message; stores nothing and deletes nothing.
pub async fn list_remote(
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
) -> Result<Vec<RemoteMessage>, Error> {
    let mut all = Vec::new();
    list_remote_as_it_comes(paths, account, password, fetch, |rows| all.extend(rows)).await?;
    Ok(all)
}

/// [`list_remote`], giving the rows to `rows` as the server's answers come in (a few
/// dozen at a time, in the server's order), so that a window can show them at once.
/// Returns how many there were.
pub async fn list_remote_as_it_comes(
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
    mut rows: impl FnMut(Vec<RemoteMessage>),
) -> Result<usize, Error> {
    let s = &account.settings;
    let _lock = AccountLock::acquire(paths, account)?;
    let options = fetch.connect_options(s);
    let mut session = pop3::connect_and_login(&options, &s.user, password, s.auth).await?;
    // A server without UIDL can still be listed: nothing can be told stored then.
    let listed = list(&mut session, Keep::Delete).await?;
    let database = paths.database();
    let account_id = account.id;
    let (stored, records, queued) = blocking(move || -> Result<_, store::Error> {
        let store = Store::open(&database)?;
        Ok((
            store.stored_under_uidls(account_id)?,
            store.uidl_records(account_id)?,
            store.queued_server_deletions(account_id)?,
        ))
    })
    .await??;
    let keep = s.keep;
    let row = |m: &plan::Listed, summary: crate::mail::Summary| {
        let here = m.uidl.as_ref().and_then(|u| stored.get(u)).copied();
        let stored = match here {
            Some((true, true)) => Stored::Partial,
            Some((false, true)) => Stored::Whole,
            _ => Stored::No,
        };
        let record = m.uidl.as_ref().and_then(|u| records.get(u));
        let queued = m.uidl.as_ref().is_some_and(|u| queued.contains(u));
        RemoteMessage {
            deletion: deletion(keep, stored, record, queued),
            number: m.number,
            uidl: m.uidl.clone(),
            size: m.size,
            from: summary.from,
            subject: summary.subject,
            date: summary.date,
            stored,
        }
    };
    let numbers: Vec<u32> = listed.iter().map(|m| m.number).collect();
    let mut ready = Vec::with_capacity(GIVEN_AT_ONCE);
    let answered = identify::header_blocks(&mut session, &numbers, |i, block| {
        ready.push(row(&listed[i], crate::mail::summarize(block)));
        if ready.len() == GIVEN_AT_ONCE {
            rows(std::mem::take(&mut ready));
        }
    })
    .await?;
    session.quit().await?;
    // Those the server would not give headers of (no TOP) are listed without them.
    for (i, m) in listed.iter().enumerate() {
        if answered[i].is_none() {
            ready.push(row(m, crate::mail::Summary::default()));
        }
    }
    if !ready.is_empty() {
        rows(ready);
    }
    Ok(listed.len())
}

/// Rows are given this many at a time.
const GIVEN_AT_ONCE: usize = 64;

/// When the retention deletes a server copy, from what the store knows of it.
fn deletion(keep: Keep, stored: Stored, record: Option<&plan::Record>, queued: bool) -> Deletion {
    if queued {
        return Deletion::NextFetch;
    }
    match (keep, stored, record) {
        (_, Stored::Partial, _) | (Keep::Forever, _, _) => Deletion::Never,
        // Downloaded at the next fetch, then deleted in the same session.
        (Keep::Delete, _, _) => Deletion::NextFetch,
        (Keep::Days(days), Stored::Whole, Some(r)) => {
            let days = i64::from(days.clamp(
                *crate::accounts::KEEP_DAYS.start(),
                *crate::accounts::KEEP_DAYS.end(),
            ));
            Deletion::After(r.downloaded_at.saturating_add(days * 86_400))
        }
        (Keep::Days(_), _, _) => Deletion::Never,
    }
}

/// What to do with the chosen messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Store them, as a fetch would (rules and junk filter too); never twice.
    Fetch,
    /// Delete them on the server, stored here or not.
    Delete,
    /// Store those not here yet, then delete them all on the server (each after it is
    /// stored and synced).
    FetchThenDelete,
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    pub fetched: usize,
    pub deleted: usize,
    /// Deleted on the server without a copy here: gone for good.
    pub deleted_unstored: Vec<Uidl>,
    /// Chosen, but already stored here (not fetched again).
    pub already_here: Vec<Uidl>,
    /// Chosen, but not on the server (any more).
    pub not_on_server: Vec<Uidl>,
}

/// Carries out `action` on the messages with these UIDLs, in one session.
pub async fn apply_remote(
    paths: &Paths,
    account: &Account,
    password: &str,
    fetch: &FetchOptions,
    uidls: &[Uidl],
    action: Action,
    on_progress: impl FnMut(Progress),
) -> Result<Applied, Error> {
    let account_id = account.id;
    let Prepared {
        _lock,
        session,
        store,
        listed,
        sorter,
        ..
    } = prepare(None, paths, account, password, fetch).await?;
    let database = paths.database();
    let here = blocking(move || Store::open(&database)?.stored_under_uidls(account_id)).await??;
    let on_server: HashMap<&Uidl, &plan::Listed> = listed
        .iter()
        .filter_map(|m| Some((m.uidl.as_ref()?, m)))
        .collect();
    let mut applied = Applied::default();
    let mut plan = plan::Plan::default();
    let mut seen = std::collections::HashSet::new();
    for uidl in uidls.iter().filter(|u| seen.insert(*u)) {
        let Some(m) = on_server.get(uidl) else {
            applied.not_on_server.push(uidl.clone());
            continue;
        };
        // Present here, whole or headers only: not downloaded again.
        let stored = here.get(uidl).is_some_and(|&(_, present)| present);
        if action != Action::Delete && !stored {
            plan.download.push(Download {
                number: m.number,
                uidl: Some(uidl.clone()),
                size: m.size,
                get: Get::Whole,
                // Compared with what is stored: it may be here without its UIDL record.
                dedupe: true,
            });
            continue;
        }
        if action == Action::Fetch {
            applied.already_here.push(uidl.clone());
            continue;
        }
        if !stored {
            applied.deleted_unstored.push(uidl.clone());
        }
        plan.delete.push((m.number, uidl.clone()));
    }
    // The retention of the run: "delete mode" makes each download's DELE follow its
    // commit; otherwise nothing downloaded is deleted.
    let keep = match action {
        Action::FetchThenDelete => Keep::Delete,
        Action::Fetch | Action::Delete => Keep::Forever,
    };
    let mut run = Run::new(session, store, account_id, keep, paths, fetch, on_progress);
    run.lock = Some(_lock.clone());
    run.sorter = sorter;
    let (report, deleted) = carry_out(run, plan, account_id, |_| {}).await?;
    applied.fetched = report.new;
    applied.deleted = report.deleted;
    // Named only when the server did delete them.
    applied.deleted_unstored.retain(|u| deleted.contains(u));
    Ok(applied)
}
