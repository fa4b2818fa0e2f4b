//! Completing addresses in To, Cc and Bcc from every address in the stored mail, the
//! most used first: the suggestions show under the field being typed in; a click or
//! Enter takes one.

use iced::widget::{Column, button, column, text};
use iced::{Element, Task};

use super::{Compose, Message};
use crate::compose::Mailbox;
use crate::compose::known::{completed, last_piece};
use crate::compose::typed::format_list;

/// An address field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    To,
    Cc,
    Bcc,
}

impl AddressField {
    pub fn id(self) -> &'static str {
        match self {
            AddressField::To => super::TO_ID,
            AddressField::Cc => "compose-cc",
            AddressField::Bcc => "compose-bcc",
        }
    }

    /// The message for text typed in this field.
    pub fn typed(self, text: String) -> Message {
        match self {
            AddressField::To => Message::To(text),
            AddressField::Cc => Message::Cc(text),
            AddressField::Bcc => Message::Bcc(text),
        }
    }
}

impl Compose {
    pub(super) fn address(&self, which: AddressField) -> &str {
        match which {
            AddressField::To => &self.to,
            AddressField::Cc => &self.cc,
            AddressField::Bcc => &self.bcc,
        }
    }

    fn address_mut(&mut self, which: AddressField) -> &mut String {
        match which {
            AddressField::To => &mut self.to,
            AddressField::Cc => &mut self.cc,
            AddressField::Bcc => &mut self.bcc,
        }
    }

    pub(super) fn typed_address(&mut self, which: AddressField, text: String) {
        *self.address_mut(which) = text;
        self.completing = Some(which);
    }

    /// What the field being typed in could be completed with.
    pub(super) fn suggested(&self, which: AddressField) -> Vec<Mailbox> {
        if self.completing != Some(which) {
            return Vec::new();
        }
        self.known.suggest(last_piece(self.address(which)))
    }

    /// The suggestion takes the place of what was being typed; typing goes on after it.
    pub(super) fn complete(&mut self, which: AddressField, mailbox: &Mailbox) -> Task<Message> {
        let field = completed(self.address(which), mailbox);
        *self.address_mut(which) = field;
        self.completing = None;
        self.saved.changed = true;
        iced::widget::operation::focus(which.id())
            .chain(iced::widget::operation::move_cursor_to_end(which.id()))
    }

    /// The suggestions under the field, if it is the one being typed in.
    pub(super) fn suggestions(&self, which: AddressField) -> Option<Element<'static, Message>> {
        let found = self.suggested(which);
        if found.is_empty() {
            return None;
        }
        let mut list = Column::new().spacing(2).padding(iced::Padding {
            left: 98.0,
            ..iced::Padding::ZERO
        });
        for mailbox in found {
            let shown = format_list(std::slice::from_ref(&mailbox));
            list = list.push(
                button(text(shown).size(13))
                    .on_press(Message::Complete(which, mailbox))
                    .padding([2, 8])
                    .style(button::text),
            );
        }
        Some(column![list].into())
    }
}
