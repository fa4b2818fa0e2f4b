//! The dialogs over the window: adding and editing accounts, removing one, the password
//! prompt, preferences, backups and restoring, import and export.

use super::*;

impl App {
    /// Closes the open dialog; a password asked for meanwhile is asked now.
    pub(super) fn close_modal(&mut self) {
        self.modal = self.waiting_password.take().map(Modal::Password);
    }

    /// The account dialog, when it is the one open.
    pub fn account_dialog(&self) -> Option<&add_account::AddAccount> {
        match &self.modal {
            Some(Modal::Account(dialog)) => Some(dialog),
            _ => None,
        }
    }

    /// The account dialog, when it is the one open, to change (tests shorten its timeout).
    pub fn account_dialog_mut(&mut self) -> Option<&mut add_account::AddAccount> {
        match &mut self.modal {
            Some(Modal::Account(dialog)) => Some(dialog),
            _ => None,
        }
    }

    pub(super) fn backups_dialog(&mut self, message: backups::Message) -> Task<Message> {
        let Some(Modal::Backups(dialog)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::Backups);
        let send = |app: &App, command: Command| {
            if let Some(worker) = &app.worker {
                worker.send(command);
            }
        };
        match event {
            None => task,
            Some(backups::Event::Closed) => {
                self.close_modal();
                task
            }
            Some(backups::Event::SettingsChanged) => {
                send(self, Command::BackupSettingsChanged);
                Task::batch([task, self.reload()])
            }
            Some(backups::Event::BackUpNow) => {
                send(self, Command::BackUpNow);
                task
            }
            Some(backups::Event::Restoring) => {
                send(self, Command::Cancel(None));
                task
            }
            Some(backups::Event::Restored(kept)) => Task::batch([task, self.restored(Ok(kept))]),
        }
    }

    pub(super) fn restored(
        &mut self,
        result: Result<Option<std::path::PathBuf>, String>,
    ) -> Task<Message> {
        match result {
            Ok(kept) => {
                // What was restored is up to date (the restore upgrades it).
                self.startup = super::Startup::Ready;
                self.damaged = None;
                self.selected = None;
                self.reader.clear();
                self.status.say(match kept {
                    Some(path) => t!("status-restored-kept", path = path.display().to_string()),
                    None => t!("status-restored"),
                });
                if let Some(worker) = &self.worker {
                    worker.send(Command::AccountsChanged);
                    worker.send(Command::BackupSettingsChanged);
                }
                self.reload()
            }
            Err(e) => {
                self.status.say(t!("status-restore-failed", error = e));
                Task::none()
            }
        }
    }

    pub(super) fn add_account(&mut self, message: add_account::Message) -> Task<Message> {
        let Some(Modal::Account(dialog)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::AddAccount);
        match event {
            None => task,
            Some(add_account::Event::Cancelled) => {
                self.close_modal();
                task
            }
            Some(add_account::Event::Changed(saved)) => {
                let name = self.account_saved(*saved, false);
                self.status.say(t!("status-account-saved", name = name));
                Task::batch([task, self.reload()])
            }
            Some(add_account::Event::Added(saved)) => {
                let id = saved.account.id;
                let name = self.account_saved(*saved, true);
                self.status.say(t!("status-account-added", name = name));
                Task::batch([task, self.show_folder(Folder::Account(id))])
            }
        }
    }

    /// After the account dialog saved: tell the worker, and keep a password the keyring
    /// could not take in memory (saying so once). A new account is fetched at once.
    pub(super) fn account_saved(&mut self, saved: add_account::Saved, fetch: bool) -> String {
        self.close_modal();
        let name = saved.account.settings.name.clone();
        let account = saved.account.id;
        if let Some((password, error)) = saved.unsaved_password {
            tracing::warn!("no keyring: {error}");
            self.status
                .warn(t!("notice-no-keyring", account = name.clone()));
            if let Some(worker) = &self.worker {
                worker.send(Command::RememberPassword { account, password });
            }
        }
        if let Some(worker) = &self.worker {
            if saved.password_stored {
                worker.send(Command::ForgetPassword { account });
            }
            worker.send(Command::AccountsChanged);
            if fetch {
                worker.send(Command::Fetch(vec![account]));
            }
        }
        name
    }

    pub(super) fn show_preferences(&mut self, show: bool) -> Task<Message> {
        if show {
            self.modal = Some(Modal::Preferences);
        } else if matches!(self.modal, Some(Modal::Preferences)) {
            self.close_modal();
        }
        Task::none()
    }

    pub(super) fn set_preferences(&mut self, preferences: Preferences) -> Task<Message> {
        self.snapshot.preferences = preferences;
        crate::i18n::apply(preferences.language);
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || {
                Store::open(&paths.database())
                    .and_then(|s| preferences.save(&s))
                    .map_err(|e| e.said())
            }),
            |result| match result {
                Ok(()) => Message::Done,
                Err(e) => Message::Say(e),
            },
        )
    }

    pub(super) fn open_add_account(&mut self) -> Task<Message> {
        self.modal = Some(Modal::Account(Box::default()));
        iced::widget::operation::focus("email")
    }

    pub(super) fn edit_account(&mut self, id: AccountId) -> Task<Message> {
        if let Some(account) = self.snapshot.accounts.iter().find(|a| a.id == id) {
            self.modal = Some(Modal::Account(Box::new(add_account::AddAccount::edit(
                account,
            ))));
        }
        Task::none()
    }

    pub(super) fn remove_account(&mut self, id: AccountId) -> Task<Message> {
        if let Some(account) = self.snapshot.accounts.iter().find(|a| a.id == id) {
            self.modal = Some(Modal::RemoveAccount(
                account.id,
                account.settings.name.clone(),
            ));
        }
        Task::none()
    }

    pub(super) fn prompt_password(&mut self, password: String) -> Task<Message> {
        if let Some(Modal::Password(prompt)) = &mut self.modal {
            prompt.password = password;
        }
        Task::none()
    }

    pub(super) fn cancel_password(&mut self) -> Task<Message> {
        if matches!(self.modal, Some(Modal::Password(_))) {
            self.close_modal();
        }
        Task::none()
    }

    pub(super) fn answer_password(&mut self) -> Task<Message> {
        let prompt = match &self.modal {
            Some(Modal::Password(prompt)) if !prompt.password.is_empty() => prompt.clone(),
            _ => return Task::none(),
        };
        self.close_modal();
        let (account, name) = (prompt.account, prompt.name.clone());
        let password = prompt.password.clone();
        let store_it = {
            let password = password.clone();
            let paths = self.paths.clone();
            ui::blocking(move || {
                let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                let account = account_by_id(&store, account)?;
                crate::secrets::Keyring::open(&store)
                    .and_then(|keyring| keyring.set(&account, &password))
                    .map_err(|e| e.said())
            })
        };
        let worker = self.worker.clone();
        Task::perform(store_it, move |stored| {
            if let Some(worker) = &worker {
                worker.send(Command::RememberPassword { account, password });
                worker.send(Command::Fetch(vec![account]));
            }
            match stored {
                Ok(()) => Message::Done,
                Err(e) => Message::Notice({
                    tracing::warn!("no keyring: {e}");
                    t!("notice-no-keyring", account = name.clone())
                }),
            }
        })
    }

    pub(super) fn cancel_remove_account(&mut self) -> Task<Message> {
        if matches!(self.modal, Some(Modal::RemoveAccount(..))) {
            self.close_modal();
        }
        Task::none()
    }

    pub(super) fn confirm_remove_account(&mut self, keep_mail: bool) -> Task<Message> {
        let Some(Modal::RemoveAccount(id, name)) = &self.modal else {
            return Task::none();
        };
        let (id, shown) = (*id, name.clone());
        self.close_modal();
        if let Some(worker) = &self.worker {
            worker.send(Command::Cancel(Some(id)));
        }
        self.mailbox.show(Folder::AllInboxes);
        self.selected = None;
        self.reader.clear();
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || {
                let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                // By id: the name on the question may have changed since it was asked.
                let account = account_by_id(&store, id)?;
                let keyring = crate::secrets::Keyring::open(&store);
                store
                    .remove_account(&account.settings.name, !keep_mail)
                    .map_err(|e| e.said())?;
                if let Err(e) = keyring.and_then(|keyring| keyring.delete(&account)) {
                    tracing::warn!("the password of a removed account stays: {e}");
                }
                Ok(())
            }),
            move |result| {
                Message::Changed(
                    result
                        .map_err(|e| t!("status-account-not-removed", account = shown, error = e)),
                )
            },
        )
    }

    pub(super) fn open_backups(&mut self) -> Task<Message> {
        let (dialog, task) = backups::Backups::open(&self.paths);
        self.modal = Some(Modal::Backups(dialog));
        task.map(Message::Backups)
    }

    pub(super) fn open_transfer(&mut self) -> Task<Message> {
        let name = self.folder_name();
        self.modal = Some(Modal::Transfer(transfer::Transfer::new(
            self.mailbox.folder().view(),
            name,
        )));
        Task::none()
    }

    pub(super) fn transfer_dialog(&mut self, message: transfer::Message) -> Task<Message> {
        let Some(Modal::Transfer(dialog)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::Transfer);
        match event {
            None => task,
            Some(transfer::Event::Closed) => {
                self.close_modal();
                task
            }
            Some(transfer::Event::Imported) => {
                // Searchable without waiting for the next fetch to start indexing.
                if let Some(worker) = &self.worker {
                    worker.send(Command::IndexNow);
                }
                Task::batch([task, self.reload()])
            }
            Some(transfer::Event::AccountsImported) => {
                if let Some(worker) = &self.worker {
                    worker.send(Command::AccountsChanged);
                }
                Task::batch([task, self.reload()])
            }
        }
    }

    pub(super) fn restore_latest(&mut self) -> Task<Message> {
        let Some(latest) = self.damaged.as_ref().and_then(|d| d.latest.clone()) else {
            return Task::none();
        };
        self.status.say(t!("status-restoring"));
        let paths = self.paths.clone();
        Task::perform(
            async move {
                crate::ui::blocking(move || {
                    backup::restore(&paths, &latest.path).map_err(|e| e.said())
                })
                .await
            },
            Message::Restored,
        )
    }
}

/// The account with this id, as the store has it now.
fn account_by_id(store: &Store, id: AccountId) -> Result<crate::accounts::Account, String> {
    store
        .accounts()
        .map_err(|e| e.said())?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ui::describe::fetch(&worker::FetchError::AccountGone))
}
