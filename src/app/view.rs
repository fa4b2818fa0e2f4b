//! The window put together from its screens: each draws itself from its own state, and
//! their messages are wrapped into the window's.

use iced::Element;
use iced::widget::{button, center, column, text};

use super::*;

/// What fills the window.
pub(super) enum Screen<'a> {
    /// The database upgrade at start-up is taking a while.
    Upgrading,
    /// The database is damaged: the way back instead of the mailbox.
    Damaged(&'a Damaged),
    /// The toolbar, sidebar, list, reading pane and status bar.
    Mailbox,
}

impl App {
    /// What fills the window now: the view draws it, and the keyboard shortcuts act only
    /// on the mailbox when it is what the user sees.
    pub(super) fn screen(&self) -> Screen<'_> {
        if self.startup == (Startup::Upgrading { slow: true }) {
            Screen::Upgrading
        } else if let Some(damaged) = &self.damaged {
            Screen::Damaged(damaged)
        } else {
            Screen::Mailbox
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match self.screen() {
            Screen::Upgrading => return ui::upgrading::view(),
            Screen::Damaged(damaged) => {
                return ui::damaged_screen(
                    &damaged.detail,
                    damaged.latest.as_ref(),
                    Message::RestoreLatest,
                );
            }
            Screen::Mailbox => {}
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
            Some(Modal::Preferences(dialog)) => dialog.view().map(Message::Preferences),
            Some(Modal::RemoveAccount(question)) => question.view().map(Message::RemoveAccount),
            Some(Modal::Password) => self.passwords.view().map(Message::Password),
            Some(Modal::Compose(screen)) => screen.view().map(Message::Compose),
            Some(Modal::Rules(dialog)) => dialog.view().map(Message::Rules),
            Some(Modal::Remote(view)) => view.view().map(Message::Remote),
        };
        ui::modal(window, dialog)
    }

    /// The message list, or what stands in its place: a load error, the welcome for a
    /// first start, or a word that the folder (or the search) is empty.
    fn list_panel(&self) -> Element<'_, Message> {
        if let Some(error) = &self.load_error {
            return center(text(t!("list-load-error", error = error.said())).style(text::danger))
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
        let waiting = self
            .snapshot
            .queued
            .iter()
            .find(|q| q.id == id)
            .map(|q| q.last_error.clone());
        reader::Context {
            waiting,
            in_trash: folder == Folder::Trash,
            draft: self
                .snapshot
                .drafts
                .is_some_and(|d| folder == Folder::Local(d)),
            in_junk: self
                .snapshot
                .junk
                .is_some_and(|j| folder == Folder::Local(j)),
            flagged: row.is_some_and(|r| r.flagged),
            partial: row.filter(|r| r.partial).map(|r| r.size),
            targets,
        }
    }
}
