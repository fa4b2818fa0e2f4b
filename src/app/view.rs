//! The window put together from its screens: each draws itself from its own state, and
//! their messages are wrapped into the window's.

use iced::Element;
use iced::widget::{button, center, column, text};

use super::*;

impl App {
    pub fn view(&self) -> Element<'_, Message> {
        if self.startup == (Startup::Upgrading { slow: true }) {
            return ui::upgrading::view();
        }
        if let Some(damaged) = &self.damaged {
            return ui::damaged_screen(
                &damaged.detail,
                damaged.latest.as_ref(),
                Message::RestoreLatest,
            );
        }
        let search = self.mailbox.search_box().map(Message::Mailbox);
        let window = ui::window(
            ui::Parts {
                toolbar: ui::toolbar(self.status.is_fetching(), search, Message::Toolbar),
                sidebar: self.mailbox.sidebar(&self.snapshot).map(Message::Mailbox),
                list: self.list_panel(),
                reader: self.reader_panel(),
                status: self
                    .status
                    .view(&self.snapshot.backup, self.list.len())
                    .map(Message::Status),
            },
            self.snapshot.preferences.pane,
        );
        let dialog = match &self.modal {
            None => return window,
            Some(Modal::Account(dialog)) => dialog.view().map(Message::AddAccount),
            Some(Modal::Backups(backups)) => backups.view().map(Message::Backups),
            Some(Modal::Transfer(transfer)) => transfer.view().map(Message::Transfer),
            Some(Modal::Preferences) => {
                ui::preferences::view(self.snapshot.preferences).map(|message| match message {
                    ui::preferences::Message::Set(p) => Message::SetPreferences(p),
                    ui::preferences::Message::Close => Message::ShowPreferences(false),
                })
            }
            Some(Modal::RemoveAccount(_, name)) => {
                ui::remove_account(name, Message::ConfirmRemoveAccount)
            }
            Some(Modal::Password(prompt)) => {
                ui::password_prompt(prompt, Message::PromptPassword, Message::AnswerPassword)
            }
        };
        ui::modal(window, dialog)
    }

    /// The message list, or what stands in its place: a load error, the welcome for a
    /// first start, or a word that the folder (or the search) is empty.
    fn list_panel(&self) -> Element<'_, Message> {
        if let Some(error) = &self.load_error {
            return center(text(t!("list-load-error", error = error.clone())).style(text::danger))
                .padding(20)
                .into();
        }
        let first_start = self.snapshot.accounts.is_empty() && self.snapshot.folders.is_empty();
        if first_start && self.list.is_empty() {
            return center(
                column![
                    text(t!("welcome-title")).size(22),
                    text(t!("welcome-text")),
                    button(text(t!("toolbar-add-account")))
                        .on_press(Message::OpenAddAccount)
                        .style(button::primary),
                ]
                .spacing(12)
                .align_x(iced::Center),
            )
            .into();
        }
        if self.list.is_empty() {
            let note = if self.mailbox.is_searching() {
                t!("list-nothing-found")
            } else {
                t!("list-empty")
            };
            return center(text(note)).padding(20).into();
        }
        self.list.view().map(Message::List)
    }

    fn reader_panel(&self) -> Element<'_, Message> {
        let context = match self.reader.shown() {
            Some(id) => self.reader_context(id),
            None => reader::Context::default(),
        };
        self.reader.view(&context).map(Message::Reader)
    }

    /// What the window knows about message `id` that the reading pane shows.
    fn reader_context(&self, id: i64) -> reader::Context {
        let row = self.list.row(id);
        let from_account = row.is_some_and(|r| r.account_id.is_some());
        let folder = self.mailbox.folder();
        let mut targets = Vec::new();
        if from_account && !matches!(folder, Folder::AllInboxes | Folder::Account(_)) {
            targets.push(MoveTarget::inbox());
        }
        for (id, name) in &self.snapshot.folders {
            if folder != Folder::Local(*id) {
                targets.push(MoveTarget::folder(*id, name));
            }
        }
        reader::Context {
            in_trash: folder == Folder::Trash,
            flagged: row.is_some_and(|r| r.flagged),
            partial: row.filter(|r| r.partial).map(|r| r.size),
            targets,
        }
    }
}
