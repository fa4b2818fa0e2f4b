//! The mailbox side of the window: which folder is shown, the search, local folders
//! being named, and the message list's own messages.

use super::*;

impl App {
    /// Reads the ids the list shows: the folder, or what the search finds in it.
    pub(super) fn load_ids(&self) -> Task<Message> {
        let paths = self.paths.clone();
        let search = self.search.trim().to_string();
        let view = if self.search_all && !search.is_empty() {
            View::All
        } else {
            self.folder.view()
        };
        let sort = self.list.sort;
        let generation = self.search_generation;
        Task::perform(
            ui::blocking(move || {
                let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                if search.is_empty() {
                    store.ids(view, sort)
                } else {
                    store.search(view, &search, sort)
                }
                .map_err(|e| e.said())
            }),
            move |ids| Message::Ids(generation, ids),
        )
    }

    pub(super) fn loaded(&mut self, result: Result<Snapshot, String>) -> Task<Message> {
        match result {
            Ok(snapshot) => {
                crate::i18n::apply(snapshot.preferences.language);
                self.snapshot = snapshot;
                self.load_error = None;
                Task::none()
            }
            Err(e) => {
                self.load_error = Some(e);
                Task::perform(check_health(self.paths.clone()), Message::Health)
            }
        }
    }

    /// The name of the folder the list shows.
    pub fn folder_name(&self) -> String {
        match self.folder {
            Folder::AllInboxes => t!("folder-all-inboxes"),
            Folder::Account(id) => self
                .snapshot
                .accounts
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.settings.name.clone())
                .unwrap_or_default(),
            Folder::Local(id) => self
                .snapshot
                .folders
                .iter()
                .find(|(f, _)| *f == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            Folder::Trash => t!("folder-trash"),
        }
    }

    pub(super) fn select_folder(&mut self, folder: Folder) -> Task<Message> {
        self.folder = folder;
        self.reload()
    }

    pub(super) fn list_message(&mut self, message: message_list::Message) -> Task<Message> {
        let (task, event) = self.list.update(message, self.modifiers, &self.paths);
        let task = task.map(Message::List);
        let task = match event {
            Some(message_list::Event::Open(id)) => Task::batch([task, self.select_message(id)]),
            Some(message_list::Event::Resort) => Task::batch([task, self.load_ids()]),
            None => task,
        };
        Task::batch([task, self.startup_frame()])
    }

    pub(super) fn ids_loaded(
        &mut self,
        generation: u64,
        result: Result<Vec<i64>, String>,
    ) -> Task<Message> {
        if generation != self.search_generation {
            return Task::none();
        }
        match result {
            Ok(ids) => self.list.set_ids(ids, &self.paths).map(Message::List),
            Err(e) => {
                self.load_error = Some(e);
                Task::none()
            }
        }
    }

    pub(super) fn search(&mut self, text: String) -> Task<Message> {
        self.search = text;
        self.search_generation += 1;
        let generation = self.search_generation;
        // Results follow typing, but only once it pauses for a moment.
        Task::perform(
            async { tokio::time::sleep(std::time::Duration::from_millis(200)).await },
            move |()| Message::SearchDue(generation),
        )
    }

    pub(super) fn search_all(&mut self, all: bool) -> Task<Message> {
        self.search_all = all;
        self.search_generation += 1;
        self.load_ids()
    }

    pub(super) fn search_due(&mut self, generation: u64) -> Task<Message> {
        if generation == self.search_generation {
            self.load_ids()
        } else {
            Task::none()
        }
    }

    pub(super) fn edit_folder(&mut self, id: Option<i64>) -> Task<Message> {
        let name = id
            .and_then(|id| self.snapshot.folders.iter().find(|(f, _)| *f == id))
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
        self.folder_edit = Some(FolderEdit { id, name });
        iced::widget::operation::focus(ui::FOLDER_NAME_ID)
    }

    pub(super) fn type_folder_name(&mut self, name: String) -> Task<Message> {
        if let Some(edit) = &mut self.folder_edit {
            edit.name = name;
        }
        Task::none()
    }

    pub(super) fn save_folder(&mut self) -> Task<Message> {
        let Some(edit) = self.folder_edit.take() else {
            return Task::none();
        };
        let name = edit.name.trim().to_string();
        if name.is_empty() {
            self.status = t!("status-folder-needs-name");
            self.folder_edit = Some(edit);
            return Task::none();
        }
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || {
                let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                match edit.id {
                    Some(id) => store.rename_folder(id, &name),
                    None => store.ensure_folder(&name).map(drop),
                }
                .map_err(|e| e.said())
            }),
            Message::Changed,
        )
    }

    pub(super) fn delete_folder(&mut self, id: i64) -> Task<Message> {
        if self.folder == Folder::Local(id) {
            self.folder = Folder::AllInboxes;
        }
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || {
                Store::open(&paths.database())
                    .and_then(|mut s| s.delete_folder(id))
                    .map_err(|e| e.said())
            }),
            Message::Changed,
        )
    }
}
