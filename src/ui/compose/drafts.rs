//! The compose screen's drafts: what was typed is saved every few seconds while it
//! changes ([`Message::Autosave`]) and when the screen closes, so that a crash loses at
//! most the last few seconds; a saved draft opens again where it was.
//!
//! One save at a time, each of the same draft in place (its id stays); the files go only
//! when they changed. Closing waits for a save on its way, then saves what changed since;
//! a save that fails keeps the screen open, saying why. After Send nothing more is saved.

use std::sync::atomic::{AtomicU64, Ordering};

use iced::widget::text_editor;

use super::{Compose, Event, Sender};
use crate::compose::Attachment;
use crate::compose::saved::Typed;
use crate::t;
use crate::ui::describe::{Failure, Said};

/// Each screen's own number, so that the answer to a save finds the screen that asked.
static SCREENS: AtomicU64 = AtomicU64::new(1);

/// Where the screen is with saving.
#[derive(Debug)]
pub(super) struct Saving {
    pub(super) screen: u64,
    /// The draft it is saved as.
    pub(super) id: Option<i64>,
    /// Something changed since the last save began.
    pub(super) changed: bool,
    /// The files changed since the last save began.
    pub(super) files_changed: bool,
    /// A save is on its way, and whether it carries the files.
    pub(super) in_flight: Option<bool>,
    /// Close once what was typed is saved.
    pub(super) closing: bool,
    /// Sent: nothing more is saved (unless the Outbox refuses it).
    pub(super) sent: bool,
}

impl Default for Saving {
    fn default() -> Self {
        Saving {
            screen: SCREENS.fetch_add(1, Ordering::Relaxed),
            id: None,
            changed: false,
            files_changed: false,
            in_flight: None,
            closing: false,
            sent: false,
        }
    }
}

impl Compose {
    /// A draft saved earlier (`id`), open again as it was typed, with its files.
    pub fn reopen(senders: Vec<Sender>, typed: Typed, files: Vec<Attachment>, id: i64) -> Compose {
        let from = senders
            .iter()
            .find(|s| Some(s.account) == typed.account())
            .or(senders.first())
            .cloned();
        // The account it was written from is gone: say so, From is another one now.
        let problem = (typed.account.is_some()
            && from.as_ref().map(|s| s.account) != typed.account())
        .then(|| t!("draft-account-gone", address = typed.from.clone()));
        Compose {
            senders,
            from,
            to: typed.to,
            cc: typed.cc,
            bcc: typed.bcc,
            subject: typed.subject,
            body: text_editor::Content::with_text(&typed.body),
            attachments: files,
            in_reply_to: typed.in_reply_to,
            references: typed.references,
            problem,
            saved: Saving {
                id: Some(id),
                ..Saving::default()
            },
            known: Default::default(),
            completing: None,
        }
    }

    /// What was typed, as a draft keeps it (its files apart).
    pub fn typed(&self) -> Typed {
        Typed {
            account: self.from.as_ref().map(|s| s.account.0),
            from: (self.from.as_ref()).map_or_else(String::new, |s| s.mailbox.address.clone()),
            to: self.to.clone(),
            cc: self.cc.clone(),
            bcc: self.bcc.clone(),
            subject: self.subject.clone(),
            body: self.body.text(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
        }
    }

    /// The draft this screen is saved as.
    pub fn draft_id(&self) -> Option<i64> {
        self.saved.id
    }

    /// This screen's number, which its saves carry.
    pub fn screen(&self) -> u64 {
        self.saved.screen
    }

    /// The files as they are now.
    pub fn files(&self) -> &[Attachment] {
        &self.attachments
    }

    /// The tick: a save of what changed, unless nothing did, one is on its way (the next
    /// tick saves what changed meanwhile) or the message was sent.
    pub(super) fn autosave(&mut self) -> Option<Event> {
        if self.saved.sent || !self.saved.changed || self.saved.in_flight.is_some() {
            return None;
        }
        Some(self.start_save())
    }

    fn start_save(&mut self) -> Event {
        let files = std::mem::take(&mut self.saved.files_changed).then(|| self.attachments.clone());
        self.saved.changed = false;
        self.saved.in_flight = Some(files.is_some());
        Event::SaveDraft {
            screen: self.saved.screen,
            replacing: self.saved.id,
            typed: Box::new(self.typed()),
            files,
        }
    }

    /// "Save draft" or Escape: closes once what was typed is safe.
    pub(super) fn close(&mut self) -> Option<Event> {
        if self.saved.sent {
            return Some(Event::Closed);
        }
        self.saved.closing = true;
        if self.saved.in_flight.is_some() {
            return None;
        }
        if self.saved.changed || self.saved.files_changed {
            return Some(self.start_save());
        }
        Some(Event::Closed)
    }

    /// The window's answer to a save: the next step, if there is one (closing).
    pub(super) fn draft_saved(&mut self, result: Result<Option<i64>, Failure>) -> Option<Event> {
        let carried_files = self.saved.in_flight.take().unwrap_or(false);
        match result {
            Ok(Some(id)) => {
                self.saved.id = Some(id);
                self.problem = None;
            }
            Ok(None) if self.saved.sent => self.saved.id = None,
            // No longer a draft (deleted elsewhere): the next save makes it anew, whole.
            Ok(None) => {
                self.saved.id = None;
                self.saved.changed = true;
                self.saved.files_changed = true;
            }
            Err(e) => {
                self.saved.changed = true;
                self.saved.files_changed |= carried_files;
                self.saved.closing = false;
                self.problem = Some(t!("compose-draft-not-saved", error = e.said()));
                return None;
            }
        }
        if !self.saved.closing {
            return None;
        }
        if self.saved.changed || self.saved.files_changed {
            return Some(self.start_save());
        }
        Some(Event::Closed)
    }
}
