//! Keyboard shortcuts.

use super::*;

impl App {
    /// Keyboard shortcuts (keys a focused text field did not take).
    pub(super) fn key(&mut self, event: keyboard::Event) -> Task<Message> {
        use keyboard::key::{Key, Named};
        let keyboard::Event::KeyPressed { key, modifiers, .. } = event else {
            if let keyboard::Event::ModifiersChanged(modifiers) = event {
                self.modifiers = modifiers;
            }
            return Task::none();
        };
        // The list is not on show: nothing may act on it unseen.
        if !matches!(self.screen(), view::Screen::Mailbox) {
            return Task::none();
        }
        let escape = key == Key::Named(Named::Escape);
        if self.modal.is_some() {
            return if escape {
                self.escape_modal()
            } else {
                Task::none()
            };
        }
        // A question in the reading pane ("open this link?") is about the message under
        // it: Delete, F5, J or n/p would act behind it. Escape answers "no".
        if self.reader.is_asking() {
            if escape {
                self.reader.cancel_question();
            }
            return Task::none();
        }
        let step = |app: &mut App, delta: isize| {
            let (task, event) = app.list.step(delta, modifiers.shift());
            let task = task.map(Message::List);
            match event {
                Some(message_list::Event::Open(id)) => Task::batch([task, app.select_message(id)]),
                _ => task,
            }
        };
        match key.as_ref() {
            Key::Named(Named::ArrowDown) => step(self, 1),
            Key::Named(Named::ArrowUp) => step(self, -1),
            Key::Character("n") if !modifiers.command() => step(self, 1),
            Key::Character("p") if !modifiers.command() => step(self, -1),
            // As Thunderbird: J is junk, Shift+J not junk.
            Key::Character("j" | "J") if !modifiers.command() => {
                let ids = self.list.selection();
                self.mark_junk(ids, !modifiers.shift())
            }
            Key::Named(Named::PageDown) => step(self, 20),
            Key::Named(Named::PageUp) => step(self, -20),
            Key::Named(Named::Delete) if self.mailbox.folder() != Folder::Trash => {
                let ids = self.list.selection();
                self.change_many(ids, Change::Trash)
            }
            Key::Named(Named::Space) => {
                self.reader.scroll(if modifiers.shift() { -15 } else { 15 });
                Task::none()
            }
            Key::Named(Named::F5) => self.get_mail(),
            // As Thunderbird: R replies, Shift+R to all, Ctrl+L forwards.
            Key::Character("r" | "R") if !modifiers.command() && modifiers.shift() => {
                self.write(writing::Start::ReplyAll)
            }
            Key::Character("r") if !modifiers.command() => self.write(writing::Start::Reply),
            Key::Character("l" | "L") if modifiers.command() => self.write(writing::Start::Forward),
            Key::Named(Named::Enter) => match self.list.selection().as_slice() {
                [id] if !self.reader.is_loaded(*id) => self.select_message(*id),
                _ => Task::none(),
            },
            Key::Character("f") if modifiers.command() => {
                iced::widget::operation::focus(ui::SEARCH_ID)
            }
            Key::Named(Named::Escape) if self.mailbox.clear_search() => self.load_ids(),
            _ => Task::none(),
        }
    }

    /// Escape answers "no" to the small questions, through each one's own Cancel; the
    /// larger dialogs keep what was typed in them until their Cancel is pressed; the
    /// compose screen closes with what was typed saved as a draft.
    fn escape_modal(&mut self) -> Task<Message> {
        match &self.modal {
            Some(Modal::Preferences(_)) => self.preferences_dialog(preferences::Message::Close),
            Some(Modal::RemoveAccount(_)) => {
                self.remove_account_dialog(remove_account::Message::Cancel)
            }
            Some(Modal::Password) => self.password_prompt(password_prompt::Message::NotNow),
            // What is being written is saved as a draft, and the screen closes.
            Some(Modal::Compose(_)) => self.compose_message(ui::compose::Message::Close),
            Some(Modal::Rules(_)) => self.rules_dialog(ui::rules::Message::Close),
            Some(Modal::Remote(_)) => self.remote_view(ui::remote::Message::Close),
            Some(Modal::Account(_) | Modal::Backups(_) | Modal::Transfer(_)) | None => Task::none(),
        }
    }
}
