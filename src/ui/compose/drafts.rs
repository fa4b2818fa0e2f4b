//! The compose screen's drafts: what was typed is saved every few seconds while it
//! changes ([`Message::Autosave`]) and when the screen closes, so that a crash loses at
//! most the last few seconds; a saved draft opens again where it was.

use iced::widget::text_editor;

use super::{Compose, Event, Sender};
use crate::compose::saved::{File, Typed};
use crate::t;
use crate::ui::describe::{Failure, Said};

/// Where the screen is with saving.
#[derive(Debug, Default)]
pub(super) struct Saving {
    /// The draft it was last saved as.
    pub(super) id: Option<i64>,
    /// Something changed since the last save began.
    pub(super) changed: bool,
    /// A save is on its way (one at a time: each replaces the last).
    pub(super) in_flight: bool,
}

impl Compose {
    /// A draft saved earlier (`id`), open again as it was typed.
    pub fn reopen(senders: Vec<Sender>, typed: Typed, id: i64) -> Compose {
        let from = senders
            .iter()
            .find(|s| Some(s.account) == typed.account())
            .or(senders.first())
            .cloned();
        Compose {
            senders,
            from,
            to: typed.to,
            cc: typed.cc,
            bcc: typed.bcc,
            subject: typed.subject,
            body: text_editor::Content::with_text(&typed.body),
            attachments: typed
                .attachments
                .iter()
                .filter_map(File::attachment)
                .collect(),
            in_reply_to: typed.in_reply_to,
            references: typed.references,
            problem: None,
            saved: Saving {
                id: Some(id),
                ..Saving::default()
            },
            known: Default::default(),
            completing: None,
        }
    }

    /// What was typed, as a draft keeps it.
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
            attachments: self.attachments.iter().map(File::of).collect(),
        }
    }

    /// The draft this screen was last saved as.
    pub fn draft_id(&self) -> Option<i64> {
        self.saved.id
    }

    /// A save of what changed, unless nothing did or one is on its way (the next tick
    /// saves what changed meanwhile). Closing saves what changed since the last save.
    pub(super) fn autosave(&mut self, close: bool) -> Option<Event> {
        if !self.saved.changed || (self.saved.in_flight && !close) {
            return None;
        }
        self.saved.changed = false;
        self.saved.in_flight = true;
        Some(Event::SaveDraft {
            replacing: self.saved.id,
            typed: Box::new(self.typed()),
            close,
        })
    }

    /// The window's answer to a save.
    pub(super) fn draft_saved(&mut self, result: Result<i64, Failure>) {
        self.saved.in_flight = false;
        match result {
            Ok(id) => {
                self.saved.id = Some(id);
                self.problem = None;
            }
            Err(e) => {
                // Tried again at the next tick.
                self.saved.changed = true;
                self.problem = Some(t!("compose-draft-not-saved", error = e.said()));
            }
        }
    }
}
