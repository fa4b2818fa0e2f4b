//! The dialog as drawn: exporting the folder shown, importing into a local folder and
//! account settings, then progress, what happened and Close; or, while an accounts file
//! waits for an answer, what it would add and the question.

use iced::widget::{Column, button, checkbox, column, progress_bar, row, text, text_input};
use iced::{Element, Fill};

use super::{AccountsToImport, Message, Transfer};
use crate::accounts::Settings;
use crate::accounts_file::Weakening;
use crate::t;
use crate::transfer::Format;
use crate::ui::add_account::security_label;

impl Transfer {
    pub fn view(&self) -> Element<'_, Message> {
        if let Some(pending) = &self.accounts_to_import {
            return accounts_question(pending);
        }
        let idle = !self.running;
        let content = column![
            text(t!("transfer-title")).size(22),
            text(t!("transfer-export-what", folder = self.view_name.clone())),
            export_buttons(idle),
            text(t!("transfer-import-what")),
            self.folder_row(),
            import_buttons(idle),
            iced::widget::rule::horizontal(1),
            text(t!("transfer-accounts-what")),
            accounts_buttons(idle),
            self.progress_line(),
            self.progress_meter(),
            self.note
                .as_ref()
                .map(|note| text(note.clone()).style(text::success)),
            self.error
                .as_ref()
                .map(|error| text(error.clone()).style(text::danger)),
            close_row(idle),
        ]
        .spacing(12);
        crate::ui::dialog_box(content, 560.0)
    }

    /// The local folder imported mail goes to.
    fn folder_row(&self) -> Element<'_, Message> {
        row![
            text(t!("transfer-folder")).width(90),
            text_input(&t!("transfer-default-folder"), &self.folder)
                .on_input(Message::Folder)
                .padding(6),
        ]
        .spacing(8)
        .align_y(iced::Center)
        .into()
    }

    /// "100 of 250 messages…" (or only how many so far), while a job runs.
    fn progress_line(&self) -> Option<Element<'_, Message>> {
        self.running.then(|| {
            text(match self.total {
                Some(total) => t!("transfer-progress", done = self.done, total = total),
                None => t!("transfer-read", done = self.done),
            })
            .into()
        })
    }

    /// A bar, while a job runs whose total is known.
    fn progress_meter(&self) -> Option<Element<'_, Message>> {
        if !self.running {
            return None;
        }
        let total = self.total.filter(|t| *t > 0)?;
        Some(progress_bar(0.0..=total as f32, self.done as f32).into())
    }
}

/// Export the folder shown as an mbox file or as .eml files.
fn export_buttons<'a>(idle: bool) -> Element<'a, Message> {
    row![
        button(text(t!("transfer-as-mbox")))
            .on_press_maybe(idle.then_some(Message::ChooseExport(Format::Mbox)))
            .style(button::secondary),
        button(text(t!("transfer-as-eml")))
            .on_press_maybe(idle.then_some(Message::ChooseExport(Format::Eml)))
            .style(button::secondary),
    ]
    .spacing(8)
    .into()
}

/// Import an mbox file or a folder of .eml files.
fn import_buttons<'a>(idle: bool) -> Element<'a, Message> {
    row![
        button(text(t!("transfer-from-mbox")))
            .on_press_maybe(idle.then_some(Message::ChooseImport {
                folder_of_eml: false
            }))
            .style(button::secondary),
        button(text(t!("transfer-from-eml")))
            .on_press_maybe(idle.then_some(Message::ChooseImport {
                folder_of_eml: true
            }))
            .style(button::secondary),
    ]
    .spacing(8)
    .into()
}

/// Export or import account settings.
fn accounts_buttons<'a>(idle: bool) -> Element<'a, Message> {
    row![
        button(text(t!("transfer-accounts-export")))
            .on_press_maybe(idle.then_some(Message::ChooseAccountsExport))
            .style(button::secondary),
        button(text(t!("transfer-accounts-import")))
            .on_press_maybe(idle.then_some(Message::ChooseAccountsImport))
            .style(button::secondary),
    ]
    .spacing(8)
    .into()
}

/// Close, on the right (not while a job runs).
fn close_row<'a>(idle: bool) -> Element<'a, Message> {
    row![
        iced::widget::space().width(Fill),
        button(text(t!("button-close")))
            .on_press_maybe(idle.then_some(Message::Close))
            .style(button::secondary)
    ]
    .into()
}

/// The accounts a file would add, how each weaker one is weaker, and the question.
fn accounts_question(pending: &AccountsToImport) -> Element<'_, Message> {
    let plan = &pending.plan;
    let mut content = column![
        text(t!("transfer-accounts-import-title")).size(22),
        text(t!("transfer-accounts-from", file = pending.file.clone())).size(13),
    ]
    .spacing(10);
    if plan.add.is_empty() {
        content = content.push(text(t!("transfer-accounts-none-new")));
    } else {
        content = content
            .push(text(t!("transfer-accounts-would-add")))
            .push(accounts_list(&plan.add));
    }
    if !plan.skipped.is_empty() {
        content = content.push(text(t!(
            "transfer-accounts-would-skip",
            names = plan.skipped.join(", ")
        )));
    }
    let weakened = plan.weakened();
    if !weakened.is_empty() {
        content = content.push(warnings(&weakened)).push(
            checkbox(pending.weaker_accepted)
                .label(t!("transfer-accounts-accept-weaker"))
                .on_toggle(Message::AcceptWeaker)
                .size(16),
        );
    }
    crate::ui::dialog_box(content.push(question_buttons(pending)), 560.0)
}

/// One line for each account the file would add.
fn accounts_list<'a>(add: &[Settings]) -> Column<'a, Message> {
    let mut list = column![].spacing(4);
    for s in add {
        list = list.push(text(t!(
            "transfer-accounts-entry",
            name = s.name.clone(),
            user = s.user.clone(),
            host = s.host.clone(),
            port = s.port,
            security = security_label(s.security)
        )));
    }
    list
}

/// In red, each way each account would be less safe than the defaults.
fn warnings<'a>(weakened: &[(String, Vec<Weakening>)]) -> Column<'a, Message> {
    let mut warnings = column![].spacing(4);
    for (name, ways) in weakened {
        for way in ways {
            // A fingerprint has no spaces to break at.
            warnings = warnings.push(
                text(weakening(name, way))
                    .wrapping(text::Wrapping::WordOrGlyph)
                    .style(text::danger),
            );
        }
    }
    warnings
}

/// How account `name` would be less safe, in a sentence.
fn weakening(name: &str, way: &Weakening) -> String {
    match way {
        Weakening::Unencrypted {
            password_readable: true,
        } => t!("transfer-accounts-weaker-plain", name = name.to_string()),
        Weakening::Unencrypted {
            password_readable: false,
        } => t!(
            "transfer-accounts-weaker-plain-mail",
            name = name.to_string()
        ),
        Weakening::PinnedCertificate(sha256) => t!(
            "transfer-accounts-weaker-pinned",
            name = name.to_string(),
            fingerprint = sha256.clone()
        ),
        Weakening::UnencryptedSending {
            password_readable: true,
        } => t!(
            "transfer-accounts-weaker-plain-sending",
            name = name.to_string()
        ),
        Weakening::UnencryptedSending {
            password_readable: false,
        } => t!(
            "transfer-accounts-weaker-plain-sending-mail",
            name = name.to_string()
        ),
    }
}

/// Cancel, and "Add N accounts" when there are any (pressable once they may be added).
fn question_buttons(pending: &AccountsToImport) -> Element<'_, Message> {
    let count = pending.plan.add.len();
    let mut buttons = row![iced::widget::space().width(Fill)].spacing(8);
    buttons = buttons.push(
        button(text(t!("button-cancel")))
            .on_press(Message::CancelAccounts)
            .style(button::secondary),
    );
    if count > 0 {
        buttons = buttons.push(
            button(text(t!("transfer-accounts-add", count = count)))
                .on_press_maybe(pending.may_add().then_some(Message::AddAccounts)),
        );
    }
    buttons.into()
}
