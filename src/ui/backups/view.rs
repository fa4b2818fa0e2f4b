//! The dialog as drawn: where the snapshots go, how many are kept and when the last one
//! was made at the top; what happened and the restore question below; then the snapshots
//! and the Close button.

use std::path::Path;

use iced::widget::{Column, button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill};

use super::{Backups, Message};
use crate::mail;
use crate::t;

impl Backups {
    pub fn view(&self) -> Element<'_, Message> {
        let content = column![
            text(t!("toolbar-backups")).size(22),
            text(t!("backups-why")).size(13),
            self.folder_row(),
            self.keep_row(),
            self.last_backup_row(),
            self.note
                .as_ref()
                .map(|note| text(note.clone()).style(text::success)),
            self.error
                .as_ref()
                .map(|error| text(error.clone()).style(text::danger)),
            self.confirm.as_deref().map(restore_question),
            scrollable(self.snapshot_list()).height(180),
            close_row(),
        ]
        .spacing(12);

        // A fixed height keeps the buttons in place while notes come and go.
        container(content)
            .padding(20)
            .width(620)
            .height(560)
            .style(container::rounded_box)
            .into()
    }

    /// The folder the snapshots go to, and "Choose…".
    fn folder_row(&self) -> Element<'_, Message> {
        row![
            text(t!("transfer-folder")).width(90),
            text_input(&t!("backups-folder-placeholder"), &self.folder)
                .id("backup-folder")
                .on_input(Message::Folder)
                .padding(6),
            button(text(t!("backups-choose")))
                .on_press(Message::Choose)
                .style(button::secondary),
        ]
        .spacing(8)
        .align_y(iced::Center)
        .into()
    }

    /// How many snapshots are kept, and "Save".
    fn keep_row(&self) -> Element<'_, Message> {
        row![
            text(t!("backups-keep")).width(90),
            text_input("7", &self.keep)
                .on_input(Message::Keep)
                .width(60)
                .padding(6),
            text(t!("backups-newest-first")),
            iced::widget::space().width(Fill),
            button(text(t!("button-save"))).on_press_maybe((!self.busy).then_some(Message::Save)),
        ]
        .spacing(8)
        .align_y(iced::Center)
        .into()
    }

    /// When the last backup was made, and "Back up now".
    fn last_backup_row(&self) -> Element<'_, Message> {
        let last = match self.last_success {
            Some(time) => t!("backups-last", date = mail::format_date(time)),
            None => t!("backups-none"),
        };
        row![
            text(last).width(Fill),
            button(text(t!("backups-now")))
                .on_press_maybe((!self.busy).then_some(Message::BackUpNow))
                .style(button::primary),
        ]
        .align_y(iced::Center)
        .into()
    }

    /// The snapshots in the folder, newest first, each with "Restore".
    fn snapshot_list(&self) -> Column<'_, Message> {
        let mut list = Column::new().spacing(4);
        if self.snapshots.is_empty() {
            list = list.push(text(t!("backups-empty-folder")).size(13));
        }
        for s in &self.snapshots {
            list = list.push(
                row![
                    text(mail::format_date(s.made_at)).width(170),
                    text(format!("{:.1} MB", s.size as f64 / 1_048_576.0)).width(Fill),
                    button(text(t!("action-restore")))
                        .on_press_maybe((!self.busy).then(|| Message::Restore(s.path.clone())))
                        .style(button::secondary),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        list
    }
}

/// "Replace all mail here with this snapshot?", with Cancel and Restore.
fn restore_question<'a>(path: &Path) -> Element<'a, Message> {
    container(
        column![
            text(t!(
                "backups-confirm-restore",
                name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )),
            row![
                button(text(t!("button-cancel")))
                    .on_press(Message::CancelRestore)
                    .style(button::secondary),
                button(text(t!("action-restore")))
                    .on_press(Message::ConfirmRestore)
                    .style(button::danger),
            ]
            .spacing(8),
        ]
        .spacing(8),
    )
    .padding(10)
    .style(container::warning)
    .into()
}

/// Close, on the right.
fn close_row<'a>() -> Element<'a, Message> {
    row![
        iced::widget::space().width(Fill),
        button(text(t!("button-close")))
            .on_press(Message::Close)
            .style(button::secondary)
    ]
    .into()
}
