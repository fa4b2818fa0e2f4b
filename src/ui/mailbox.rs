//! The mailbox: the sidebar (accounts, local folders, the Trash, with unread counts), the
//! folder shown, local folders being named, and the search box. It owns that state; the
//! window reads the list again when it says so.

use std::collections::HashMap;

use iced::widget::{Column, button, column, row, scrollable, text, text_input};
use iced::{Element, Fill, Task};

use crate::accounts::{Account, AccountId};
use crate::backup;
use crate::paths::Paths;
use crate::preferences::Preferences;
use crate::store::{Store, View};
use crate::t;
use crate::ui::describe::Failure;
use crate::ui::{self, BOLD, shorten, tip};

/// The search box's id (Ctrl+F focuses it).
pub const SEARCH_ID: &str = "search";
/// The folder-name field's id (focused when it appears).
pub const FOLDER_NAME_ID: &str = "folder-name";

/// Which messages the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Folder {
    /// Every account's inbox together.
    #[default]
    AllInboxes,
    Account(AccountId),
    /// A local folder (imported or filed mail).
    Local(i64),
    Trash,
}

impl Folder {
    pub fn view(self) -> View {
        match self {
            Folder::AllInboxes => View::Inbox(None),
            Folder::Account(id) => View::Inbox(Some(id)),
            Folder::Local(id) => View::Folder(id),
            Folder::Trash => View::Trash,
        }
    }
}

/// Everything the list and sidebar show, read in one go off the UI thread.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub accounts: Vec<Account>,
    pub unread: HashMap<AccountId, usize>,
    pub trash: usize,
    pub backup: backup::Settings,
    /// Local folders: (id, name).
    pub folders: Vec<(i64, String)>,
    /// Unread messages per local folder id.
    pub folder_unread: HashMap<i64, usize>,
    /// The built-in Outbox and Sent (folder ids), once any account can send or has sent;
    /// and how many messages wait in the Outbox.
    pub outbox: Option<i64>,
    pub sent: Option<i64>,
    /// The built-in Drafts (once a first draft was saved), and how many it holds.
    pub drafts: Option<i64>,
    pub draft_count: usize,
    /// The built-in Junk folder, once something was judged or trained as junk.
    pub junk: Option<i64>,
    /// What waits in the Outbox.
    pub queued: Vec<crate::store::Queued>,
    pub preferences: Preferences,
}

/// A folder name being typed: a new folder, or a new name for one.
#[derive(Debug, Clone, Default)]
pub struct FolderEdit {
    pub id: Option<i64>,
    pub name: String,
}

/// What to read for the list: the folder, or a search in it (or in everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub view: View,
    /// Empty: the whole folder.
    pub search: String,
    /// Which search this is: only the answer to the newest one is shown.
    pub generation: u64,
}

#[derive(Debug, Default)]
pub struct Mailbox {
    folder: Folder,
    /// What is typed in the search box; empty shows the whole folder.
    search: String,
    /// Search every folder (but the Trash) instead of the one shown.
    search_all: bool,
    /// Counts searches, so that only the answer to the newest one is shown.
    generation: u64,
    folder_edit: Option<FolderEdit>,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A folder in the sidebar was chosen.
    SelectFolder(Folder),
    /// The search box changed.
    Search(String),
    /// "All mail" beside the search box: search every folder, not only this one.
    SearchAll(bool),
    /// The search box has been still for a moment: search now, if it is still this one.
    SearchDue(u64),
    /// "New folder" / "Rename" in the sidebar.
    EditFolder(Option<i64>),
    FolderName(String),
    SaveFolder,
    CancelFolder,
    /// Delete a local folder (its messages go to the Trash).
    DeleteFolder(i64),
    /// "Edit" on the selected account.
    EditAccount(AccountId),
    /// "Remove" on the selected account.
    RemoveAccount(AccountId),
    /// "On the server" on the selected account.
    OnServer(AccountId),
    /// A folder was saved or deleted (or not: why).
    Saved(Result<(), Failure>),
}

/// What the mailbox asks of the window.
#[derive(Debug, Clone)]
pub enum Event {
    /// Another folder is shown: read the sidebar and the list again.
    FolderChanged,
    /// The search changed: read the list again.
    SearchChanged,
    /// Folders changed in the store (or failed to: why).
    Changed(Result<(), Failure>),
    /// Something to say in the status bar.
    Say(String),
    EditAccount(AccountId),
    RemoveAccount(AccountId),
    OnServer(AccountId),
}

impl Mailbox {
    pub fn folder(&self) -> Folder {
        self.folder
    }

    pub fn search_text(&self) -> &str {
        &self.search
    }

    /// True while the search box has text in it.
    pub fn is_searching(&self) -> bool {
        !self.search.trim().is_empty()
    }

    /// What the list shows now.
    pub fn query(&self) -> Query {
        let search = self.search.trim().to_string();
        let view = if self.search_all && !search.is_empty() {
            View::All
        } else {
            self.folder.view()
        };
        Query {
            view,
            search,
            generation: self.generation,
        }
    }

    /// True if `generation` is the newest search (an older answer is dropped).
    pub fn is_current(&self, generation: u64) -> bool {
        generation == self.generation
    }

    /// Shows `folder` (the window tells the worker and reads the list).
    pub fn show(&mut self, folder: Folder) {
        self.folder = folder;
    }

    /// Escape in the window: clears the search; false if there was none.
    pub fn clear_search(&mut self) -> bool {
        if self.search.is_empty() {
            return false;
        }
        self.search.clear();
        self.generation += 1;
        true
    }

    /// The name of the folder the list shows.
    pub fn folder_name(&self, snapshot: &Snapshot) -> String {
        match self.folder {
            Folder::Local(id) if snapshot.outbox == Some(id) => t!("folder-outbox"),
            Folder::Local(id) if snapshot.sent == Some(id) => t!("folder-sent"),
            Folder::Local(id) if snapshot.drafts == Some(id) => t!("folder-drafts"),
            Folder::Local(id) if snapshot.junk == Some(id) => t!("folder-junk"),
            Folder::AllInboxes => t!("folder-all-inboxes"),
            Folder::Account(id) => snapshot
                .accounts
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.settings.name.clone())
                .unwrap_or_default(),
            Folder::Local(id) => snapshot
                .folders
                .iter()
                .find(|(f, _)| *f == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            Folder::Trash => t!("folder-trash"),
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        paths: &Paths,
        snapshot: &Snapshot,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::SelectFolder(folder) => {
                self.folder = folder;
                (Task::none(), Some(Event::FolderChanged))
            }
            Message::Search(text) => {
                self.search = text;
                self.generation += 1;
                let generation = self.generation;
                // Results follow typing, but only once it pauses for a moment.
                let due = Task::perform(
                    async { tokio::time::sleep(std::time::Duration::from_millis(200)).await },
                    move |()| Message::SearchDue(generation),
                );
                (due, None)
            }
            Message::SearchAll(all) => {
                self.search_all = all;
                self.generation += 1;
                (Task::none(), Some(Event::SearchChanged))
            }
            Message::SearchDue(generation) => {
                let due = generation == self.generation;
                (Task::none(), due.then_some(Event::SearchChanged))
            }
            Message::EditFolder(id) => {
                let name = id
                    .and_then(|id| snapshot.folders.iter().find(|(f, _)| *f == id))
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default();
                self.folder_edit = Some(FolderEdit { id, name });
                (iced::widget::operation::focus(FOLDER_NAME_ID), None)
            }
            Message::FolderName(name) => {
                if let Some(edit) = &mut self.folder_edit {
                    edit.name = name;
                }
                (Task::none(), None)
            }
            Message::CancelFolder => {
                self.folder_edit = None;
                (Task::none(), None)
            }
            Message::SaveFolder => self.save_folder(paths),
            Message::DeleteFolder(id) => {
                if self.folder == Folder::Local(id) {
                    self.folder = Folder::AllInboxes;
                }
                let paths = paths.clone();
                let delete = Task::perform(
                    ui::blocking(move || {
                        Ok(Store::open(&paths.database()).and_then(|mut s| s.delete_folder(id))?)
                    }),
                    Message::Saved,
                );
                (delete, None)
            }
            Message::Saved(result) => (Task::none(), Some(Event::Changed(result))),
            Message::EditAccount(id) => (Task::none(), Some(Event::EditAccount(id))),
            Message::RemoveAccount(id) => (Task::none(), Some(Event::RemoveAccount(id))),
            Message::OnServer(id) => (Task::none(), Some(Event::OnServer(id))),
        }
    }

    fn save_folder(&mut self, paths: &Paths) -> (Task<Message>, Option<Event>) {
        let Some(edit) = self.folder_edit.take() else {
            return (Task::none(), None);
        };
        let name = edit.name.trim().to_string();
        if name.is_empty() {
            self.folder_edit = Some(edit);
            return (
                Task::none(),
                Some(Event::Say(t!("status-folder-needs-name"))),
            );
        }
        let paths = paths.clone();
        let save = Task::perform(
            ui::blocking(move || {
                let store = Store::open(&paths.database())?;
                Ok(match edit.id {
                    Some(id) => store.rename_folder(id, &name),
                    None => store.ensure_folder(&name).map(drop),
                }?)
            }),
            Message::Saved,
        );
        (save, None)
    }

    /// The search box and its "All mail" choice (in the toolbar).
    pub fn search_box(&self) -> Element<'_, Message> {
        row![
            text_input(&t!("toolbar-search"), &self.search)
                .id(SEARCH_ID)
                .on_input(Message::Search)
                .padding(6)
                // What the toolbar's buttons leave (their labels are longer in Japanese).
                .width(iced::Fill),
            tip(
                iced::widget::checkbox(self.search_all)
                    .label(t!("toolbar-search-all"))
                    .on_toggle(Message::SearchAll)
                    .size(16)
                    .text_size(13)
                    // A label that broke over two lines beside the search box looked broken.
                    .text_wrapping(iced::widget::text::Wrapping::None),
                t!("tip-search-all"),
            )
        ]
        .spacing(8)
        .align_y(iced::Center)
        .width(iced::Fill)
        .into()
    }

    /// The sidebar: every inbox, each account, the local folders and the Trash, then the
    /// tools for the folder or account shown.
    pub fn sidebar<'a>(&'a self, snapshot: &'a Snapshot) -> Element<'a, Message> {
        let total_unread: usize = snapshot.unread.values().sum();
        let mut list = Column::new().spacing(2).padding(8).width(220);
        list = list.push(self.entry(&t!("folder-all-inboxes"), total_unread, Folder::AllInboxes));
        for account in &snapshot.accounts {
            let unread = snapshot.unread.get(&account.id).copied().unwrap_or(0);
            list =
                list.push(self.entry(&account.settings.name, unread, Folder::Account(account.id)));
        }
        if let Some(outbox) = snapshot.outbox {
            let label = match snapshot.queued.len() {
                0 => t!("folder-outbox"),
                n => format!("{} [{n}]", t!("folder-outbox")),
            };
            list = list.push(self.entry(&label, 0, Folder::Local(outbox)));
        }
        if let Some(drafts) = snapshot.drafts {
            let label = match snapshot.draft_count {
                0 => t!("folder-drafts"),
                n => format!("{} [{n}]", t!("folder-drafts")),
            };
            list = list.push(self.entry(&label, 0, Folder::Local(drafts)));
        }
        if let Some(sent) = snapshot.sent {
            list = list.push(self.entry(&t!("folder-sent"), 0, Folder::Local(sent)));
        }
        if let Some(junk) = snapshot.junk {
            let unread = snapshot.folder_unread.get(&junk).copied().unwrap_or(0);
            list = list.push(self.entry(&t!("folder-junk"), unread, Folder::Local(junk)));
        }
        for (id, name) in &snapshot.folders {
            let unread = snapshot.folder_unread.get(id).copied().unwrap_or(0);
            list = list.push(self.entry(name, unread, Folder::Local(*id)));
        }
        let trash = if snapshot.trash > 0 {
            format!("{} [{}]", t!("folder-trash"), snapshot.trash)
        } else {
            t!("folder-trash")
        };
        list = list.push(self.entry(&trash, 0, Folder::Trash));
        list = list.push(match &self.folder_edit {
            Some(edit) => folder_name_field(edit),
            None => self.tools(snapshot),
        });
        scrollable(list).height(Fill).into()
    }

    /// One line: a long name is shortened so that its unread count stays in view.
    fn entry(&self, label: &str, unread: usize, folder: Folder) -> Element<'_, Message> {
        let label = if unread > 0 {
            let count = format!(" ({unread})");
            text(format!("{}{count}", shorten(label, 21 - count.len())))
                .font(BOLD)
                .wrapping(text::Wrapping::None)
        } else {
            text(shorten(label, 21)).wrapping(text::Wrapping::None)
        };
        button(label)
            .width(Fill)
            .on_press(Message::SelectFolder(folder))
            .style(if self.folder == folder {
                button::secondary
            } else {
                button::text
            })
            .into()
    }

    /// "New folder", and Edit/Remove for an account or Rename/Delete for a local folder.
    fn tools(&self, snapshot: &Snapshot) -> Element<'_, Message> {
        let tool = |label: String, message: Message| {
            button(text(label).size(13))
                .on_press(message)
                .style(button::text)
        };
        let mut tools = row![tool(t!("folder-new"), Message::EditFolder(None))].spacing(4);
        match self.folder {
            Folder::Account(id) => {
                tools = tools
                    .push(tool(t!("account-on-server"), Message::OnServer(id)))
                    .push(tool(t!("account-edit"), Message::EditAccount(id)))
                    .push(tool(t!("account-remove"), Message::RemoveAccount(id)));
            }
            // The Outbox, Drafts, Sent and Junk are Poplar's own: not renamed, not deleted.
            Folder::Local(id)
                if [
                    snapshot.outbox,
                    snapshot.drafts,
                    snapshot.sent,
                    snapshot.junk,
                ]
                .contains(&Some(id)) => {}
            Folder::Local(id) => {
                tools = tools
                    .push(tool(t!("folder-rename"), Message::EditFolder(Some(id))))
                    .push(tool(t!("folder-delete"), Message::DeleteFolder(id)));
            }
            Folder::AllInboxes | Folder::Trash => {}
        }
        // The tools wrap onto a second line where the names are long (フォルダーを削除).
        tools.padding([8, 0]).wrap().vertical_spacing(4).into()
    }
}

/// The field a folder's name is typed in, with Save and Cancel.
fn folder_name_field(edit: &FolderEdit) -> Element<'_, Message> {
    column![
        text_input(&t!("folder-name"), &edit.name)
            .id(FOLDER_NAME_ID)
            .on_input(Message::FolderName)
            .on_submit(Message::SaveFolder)
            .padding(4),
        row![
            button(text(t!("button-save")).size(13)).on_press(Message::SaveFolder),
            button(text(t!("button-cancel")).size(13))
                .on_press(Message::CancelFolder)
                .style(button::secondary),
        ]
        .spacing(6),
    ]
    .spacing(6)
    .padding([8, 0])
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(mailbox: &mut Mailbox, message: Message) -> Option<Event> {
        mailbox
            .update(message, &Paths::at("unused"), &Snapshot::default())
            .1
    }

    /// Only the newest search is run: a pause after "ab" finds "ab", not "a".
    #[test]
    fn only_the_newest_search_is_due() {
        let mut mailbox = Mailbox::default();
        assert!(update(&mut mailbox, Message::Search("a".into())).is_none());
        let first = mailbox.query().generation;
        assert!(update(&mut mailbox, Message::Search("ab".into())).is_none());
        let second = mailbox.query().generation;
        assert!(update(&mut mailbox, Message::SearchDue(first)).is_none());
        assert!(matches!(
            update(&mut mailbox, Message::SearchDue(second)),
            Some(Event::SearchChanged)
        ));
        assert!(!mailbox.is_current(first) && mailbox.is_current(second));
        assert_eq!(mailbox.query().search, "ab");
    }

    /// "All mail" searches everything, but only while something is typed.
    #[test]
    fn all_mail_applies_to_a_search_only() {
        let mut mailbox = Mailbox::default();
        update(&mut mailbox, Message::SelectFolder(Folder::Trash));
        update(&mut mailbox, Message::SearchAll(true));
        assert_eq!(mailbox.query().view, View::Trash);
        update(&mut mailbox, Message::Search("x".into()));
        assert_eq!(mailbox.query().view, View::All);
        assert!(mailbox.clear_search());
        assert_eq!(mailbox.query().view, View::Trash);
        assert!(!mailbox.clear_search());
    }

    /// A folder needs a name: saving an empty one says so and keeps the field open.
    #[test]
    fn an_empty_folder_name_is_refused_with_a_word() {
        let mut mailbox = Mailbox::default();
        update(&mut mailbox, Message::EditFolder(None));
        update(&mut mailbox, Message::FolderName("  ".into()));
        let said = update(&mut mailbox, Message::SaveFolder);
        assert!(matches!(said, Some(Event::Say(s)) if !s.is_empty()));
        assert!(mailbox.folder_edit.is_some());
    }
}
