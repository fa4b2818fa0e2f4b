//! Sorting each message as it arrives: the rules, then the junk filter, decide where it
//! goes, and the decision is stored with the message in its batch's transaction.
//!
//! The message is read for them on the session's side as it arrives, not on the commit
//! thread the fetch waits for, and one parse gives both the list's summary and what the
//! rules look at; of the headers, only those a rule names are decoded. So 100 rules cost
//! a fetch little more than none.

use std::sync::Arc;

use crate::accounts::AccountId;
use crate::junk::Model;
use crate::mail::{self, Summary, sortable};
use crate::rules::{self, Compiled, Decision};
use crate::store::Body;

use super::plan::Get;

/// The rules and the junk filter of one fetch, read once as it starts: a rule changed or
/// a training made meanwhile counts from the next fetch.
pub(super) struct Sorter {
    /// The enabled rules that apply to this account, in order.
    rules: Vec<Compiled>,
    junk: Option<Arc<Model>>,
    account: AccountId,
    /// The headers a rule names (lower case): only these are decoded.
    headers: Vec<String>,
    /// Whether a message's text is read: a rule looks at it or the filter judges.
    text: bool,
}

/// The headers of a message spooled to a file are read from this much of its start.
const HEAD: usize = 256 << 10;

impl Sorter {
    /// None when there is nothing to decide: no rule for the account, no trained filter.
    pub(super) fn new(
        rules: Vec<Compiled>,
        junk: Option<Arc<Model>>,
        account: AccountId,
    ) -> Option<Sorter> {
        let rules: Vec<Compiled> = rules
            .into_iter()
            .filter(|r| r.rule().enabled && r.rule().account.is_none_or(|a| a == account))
            .collect();
        if rules.is_empty() && junk.is_none() {
            return None;
        }
        let mut headers: Vec<String> = rules.iter().flat_map(Compiled::header_names).collect();
        headers.sort();
        headers.dedup();
        let text = junk.is_some() || rules.iter().any(|r| !r.needs_only_headers());
        Some(Sorter {
            rules,
            junk,
            account,
            headers,
            text,
        })
    }

    /// The list's summary of a downloaded message and what to do with it. `head` is its
    /// header block as captured while it arrived. Its text is read only when a rule looks
    /// at it or the filter judges, and the whole message is here in memory (`size` is its
    /// size on the server); a large one
    /// spooled to a file is judged on its headers. The filter judges only mail the rules
    /// left where it is (a rule's folder, junk or delete stands).
    pub(super) fn read(
        &self,
        get: Get,
        size: u64,
        body: &mut Body,
        head: &[u8],
    ) -> (Summary, Decision) {
        let (read, summary) = match body {
            Body::Memory(bytes) => {
                let text = self.text && get == Get::Whole;
                sortable::sortable_and_summary(bytes, size, text, &self.headers)
            }
            Body::File { .. } => {
                let summary = mail::summarize(head);
                let Ok(start) = body.head(HEAD) else {
                    return (summary, Decision::default());
                };
                let read = sortable::sortable_and_summary(&start, size, false, &self.headers).0;
                (read, summary)
            }
        };
        let mut decision = rules::decide(&self.rules, &read.facts(Some(self.account)));
        if let Some(model) = &self.junk
            && decision.folder.is_none()
            && !decision.junk
            && !decision.delete
        {
            decision.junk = model.is_junk(&crate::junk::tokens_of(&read));
        }
        (summary, decision)
    }
}
