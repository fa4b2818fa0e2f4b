//! The mailbox side of the window: what the sidebar and the search box ask for, reading
//! the list's ids for the folder or search shown, and the message list's own messages.

use super::*;

impl App {
    /// The sidebar's and search box's messages go to the mailbox screen; what it asks
    /// for (read the list again, edit an account) is done here.
    pub(super) fn mailbox_message(&mut self, message: mailbox::Message) -> Task<Message> {
        let (task, event) = self.mailbox.update(message, &self.paths, &self.snapshot);
        let task = task.map(Message::Mailbox);
        let then = match event {
            None => Task::none(),
            Some(mailbox::Event::FolderChanged) => self.reload(),
            Some(mailbox::Event::SearchChanged) => self.load_ids(),
            Some(mailbox::Event::Changed(result)) => self.changed(result),
            Some(mailbox::Event::Say(line)) => {
                self.status.say(line);
                Task::none()
            }
            Some(mailbox::Event::EditAccount(id)) => self.edit_account(id),
            Some(mailbox::Event::RemoveAccount(id)) => self.open_remove_account(id),
            Some(mailbox::Event::OnServer(id)) => self.open_remote(id),
        };
        Task::batch([task, then])
    }

    /// Reads the ids the list shows: the folder, or what the search finds in it.
    pub(super) fn load_ids(&self) -> Task<Message> {
        let paths = self.paths.clone();
        let query = self.mailbox.query();
        let sort = self.list.sort;
        let generation = query.generation;
        Task::perform(
            ui::blocking(move || -> Result<_, Failure> {
                let store = Store::open(&paths.database())?;
                Ok(if query.search.is_empty() {
                    store.ids(query.view, sort)
                } else {
                    store.search(query.view, &query.search, sort)
                }?)
            }),
            move |ids| Message::Ids(generation, ids),
        )
    }

    pub(super) fn loaded(&mut self, result: Result<Snapshot, Failure>) -> Task<Message> {
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
        self.mailbox.folder_name(&self.snapshot)
    }

    /// Shows `folder` and reads it.
    pub(super) fn show_folder(&mut self, folder: Folder) -> Task<Message> {
        self.mailbox.show(folder);
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
        result: Result<Vec<i64>, Failure>,
    ) -> Task<Message> {
        if !self.mailbox.is_current(generation) {
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
}
