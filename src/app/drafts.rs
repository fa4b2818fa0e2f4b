//! Drafts from the window: the compose screen's saves go to the store off the UI thread;
//! a draft in the Drafts folder opens again on "Edit"; one saved after its screen was
//! sent or thrown away goes again.

use super::*;
use crate::compose::saved::Typed;
use crate::ui::compose::{self, Compose};

impl App {
    /// Saves a draft in place of `replacing`; the answer comes back as
    /// [`Message::DraftSaved`].
    pub(super) fn save_draft(
        &self,
        replacing: Option<i64>,
        typed: Box<Typed>,
        close: bool,
    ) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<i64, Failure> {
                let bytes = typed.bytes();
                let mut store = Store::open(&paths.database())?;
                Ok(store.save_draft(replacing, typed.account(), &bytes, &typed.to_json())?)
            }),
            move |result| Message::DraftSaved {
                close,
                first: replacing.is_none(),
                result,
            },
        )
    }

    /// A save finished: the screen hears of it; a closing screen closes once its draft is
    /// safe (and stays, saying why, when it is not).
    pub(super) fn draft_saved(
        &mut self,
        close: bool,
        first: bool,
        result: Result<i64, Failure>,
    ) -> Task<Message> {
        let open = matches!(self.modal, Some(Modal::Compose(_)));
        if !open {
            // Saved after its screen sent it or threw it away: it is no draft of anything.
            return match result {
                Ok(id) if !close => self.delete_draft(Some(id)),
                _ => Task::none(),
            };
        }
        let saved = result.is_ok();
        let task = self.compose_message(compose::Message::DraftSaved(result));
        match (saved, close) {
            (true, true) => Task::batch([task, self.close_modal(), self.reload()]),
            (true, false) if first => Task::batch([task, self.reload()]),
            _ => task,
        }
    }

    /// Deletes a draft (sent or thrown away) off the UI thread.
    pub(super) fn delete_draft(&self, id: Option<i64>) -> Task<Message> {
        let Some(id) = id else {
            return Task::none();
        };
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<(), Failure> {
                Ok(Store::open(&paths.database())?.delete_draft(id)?)
            }),
            Message::Changed,
        )
    }

    /// "Edit" on a draft: what was typed is read, and the compose screen opens with it.
    pub(super) fn edit_draft(&mut self, id: i64) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<Option<String>, Failure> {
                Ok(Store::open(&paths.database())?.draft(id)?)
            }),
            move |result| Message::DraftOpened(id, result),
        )
    }

    pub(super) fn draft_opened(
        &mut self,
        id: i64,
        result: Result<Option<String>, Failure>,
    ) -> Task<Message> {
        let typed = match result {
            Ok(Some(text)) => Typed::from_json(&text),
            Ok(None) => return Task::none(),
            Err(e) => {
                self.status.say(e.said());
                return Task::none();
            }
        };
        let Some(typed) = typed else {
            self.status.say(t!("draft-damaged"));
            return Task::none();
        };
        if self.modal.is_some() {
            return Task::none();
        }
        let screen = Compose::reopen(self.senders(), typed, id);
        let focus = iced::widget::operation::focus(compose::BODY_ID);
        self.modal = Some(Modal::Compose(Box::new(screen)));
        Task::batch([focus, self.known_addresses()])
    }
}
