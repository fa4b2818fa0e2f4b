//! Rules that act on the server ("leave it there and do not download", "delete it there
//! without downloading") are decided before download, from each new message's headers
//! (TOP n 0, pipelined when the server allows) and its size from LIST. A message left is
//! stored not even as headers; one deleted goes with the fetch's other DELEs.

use crate::accounts::AccountId;
use crate::pop3::Session;
use crate::rules::{self, Compiled};

use super::Error;
use super::plan::Plan;

/// What the screening took out of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Screened {
    /// Left on the server, stored not at all.
    pub left: usize,
    /// Deleted on the server without downloading.
    pub deleted: usize,
}

/// The rules of `account`, when one of them acts on the server; none means no TOP is sent
/// at all. All of them, in order, not only those: an earlier rule that matches and says
/// "stop" keeps a later one from leaving or deleting the message.
pub(super) fn server_rules(rules: Vec<Compiled>, account: AccountId) -> Vec<Compiled> {
    let rules: Vec<Compiled> = rules
        .into_iter()
        .filter(|r| r.rule().account.is_none_or(|a| a == account))
        .collect();
    let on_server = rules.iter().any(|r| {
        r.rule().actions.iter().any(|a| {
            matches!(
                a,
                rules::Action::SkipDownload | rules::Action::DeleteOnServer
            )
        })
    });
    if on_server { rules } else { Vec::new() }
}

/// Asks for the headers of each message the plan would download and takes out those the
/// rules leave or delete on the server. A server without TOP gets no screening: its mail
/// is downloaded and sorted as usual.
pub(super) async fn screen(
    session: &mut Session,
    plan: &mut Plan,
    rules: &[Compiled],
    account: AccountId,
) -> Result<Screened, Error> {
    let mut screened = Screened::default();
    if rules.is_empty() || plan.download.is_empty() || session.top_failed() {
        return Ok(screened);
    }
    let numbers: Vec<u32> = plan.download.iter().map(|d| d.number).collect();
    let sizes: Vec<u64> = plan.download.iter().map(|d| d.size.unwrap_or(0)).collect();
    // A server without TOP leaves the rest unscreened: downloaded and sorted as usual.
    let decided = super::identify::header_blocks(session, &numbers, |i, headers| {
        let read = crate::mail::sortable::sortable(headers, sizes[i], false);
        rules::decide(rules, &read.facts(Some(account)))
    })
    .await?;
    let downloads = std::mem::take(&mut plan.download);
    for (d, decision) in downloads.into_iter().zip(decided) {
        let decision = decision.unwrap_or_default();
        match (&d.uidl, decision.delete_on_server, decision.skip_download) {
            (Some(uidl), true, _) => {
                plan.delete.push((d.number, uidl.clone()));
                screened.deleted += 1;
            }
            // Without a UIDL a message cannot be told apart from the next time: it is
            // left rather than deleted blind.
            (None, true, _) | (_, false, true) => screened.left += 1,
            _ => plan.download.push(d),
        }
    }
    Ok(screened)
}
