//! Drafts from the window: the compose screen's saves go to the store off the UI thread
//! and their answers back to the screen that asked; a draft in the Drafts folder opens
//! again on "Edit"; one first saved after its screen had gone (sent, thrown away) goes.

use super::*;
use crate::compose::Attachment;
use crate::compose::saved::Typed;
use crate::ui::compose::{self, Compose};

impl App {
    /// Saves a draft (in place when `replacing`); the answer comes back to screen
    /// `screen` as [`Message::DraftSaved`].
    pub(super) fn save_draft(
        &self,
        screen: u64,
        replacing: Option<i64>,
        typed: Box<Typed>,
        files: Option<Vec<Attachment>>,
    ) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<Option<i64>, Failure> {
                let bytes = typed.bytes();
                let mut store = Store::open(&paths.database())?;
                let json = typed.to_json();
                let files = files.as_deref();
                Ok(store.save_draft(replacing, typed.account(), &bytes, &json, files)?)
            }),
            move |result| Message::DraftSaved {
                screen,
                first: replacing.is_none(),
                result,
            },
        )
    }

    /// A save finished: the screen that asked hears of it (and may close). A draft first
    /// made after its screen had gone is no draft of anything: it goes.
    pub(super) fn draft_saved(
        &mut self,
        screen: u64,
        first: bool,
        result: Result<Option<i64>, Failure>,
    ) -> Task<Message> {
        let asked = matches!(&self.modal, Some(Modal::Compose(c)) if c.screen() == screen);
        if !asked {
            return match result {
                Ok(Some(id)) if first => self.delete_draft(id),
                _ => Task::none(),
            };
        }
        let new = first && matches!(result, Ok(Some(_)));
        let task = self.compose_message(compose::Message::DraftSaved(result));
        if new {
            Task::batch([task, self.reload()])
        } else {
            task
        }
    }

    /// The close button: at once, unless a message is being written; then once its
    /// draft is saved (a save that fails keeps the window open, saying why).
    pub(super) fn close_requested(&mut self, window: iced::window::Id) -> Task<Message> {
        if !matches!(self.modal, Some(Modal::Compose(_))) {
            return iced::window::close(window);
        }
        self.quitting = Some(window);
        self.compose_message(compose::Message::Close)
    }

    /// Deletes a draft for good (it was sent, or made after its screen had gone).
    pub(super) fn delete_draft(&self, id: i64) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<(), Failure> {
                Ok(Store::open(&paths.database())?.delete_draft(id)?)
            }),
            Message::Changed,
        )
    }

    /// "Discard" on a saved draft: it goes to the Trash, whence it can come back.
    pub(super) fn discard_draft(&self, id: Option<i64>) -> Task<Message> {
        let Some(id) = id else {
            return Task::none();
        };
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<(), Failure> {
                Ok(Store::open(&paths.database())?.trash(&[id])?)
            }),
            Message::Changed,
        )
    }

    /// "Edit" on a draft: what was typed is read, and the compose screen opens with it.
    pub(super) fn edit_draft(&mut self, id: i64) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<_, Failure> {
                Ok(Store::open(&paths.database())?.draft(id)?)
            }),
            move |result| Message::DraftOpened(id, result),
        )
    }

    pub(super) fn draft_opened(
        &mut self,
        id: i64,
        result: Result<Option<(String, Vec<Attachment>)>, Failure>,
    ) -> Task<Message> {
        let (typed, files) = match result {
            Ok(Some((text, files))) => (Typed::from_json(&text), files),
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
        let screen = Compose::reopen(self.senders(), typed, files, id);
        let focus = iced::widget::operation::focus(compose::BODY_ID);
        self.modal = Some(Modal::Compose(Box::new(screen)));
        Task::batch([focus, self.known_addresses()])
    }
}
