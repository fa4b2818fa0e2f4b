//! The dialogs over the window: adding and editing accounts, removing one, the password
//! prompt, preferences, backups and restoring, import and export.

use super::*;

impl App {
    /// Closes the open dialog; a password asked for meanwhile is asked now.
    pub(super) fn close_modal(&mut self) -> Task<Message> {
        self.modal = None;
        self.show_waiting_password()
    }

    /// With no dialog open, the first password waiting is asked for.
    pub(super) fn show_waiting_password(&mut self) -> Task<Message> {
        match self.modal {
            None if !self.passwords.is_empty() => {
                self.modal = Some(Modal::Password);
                iced::widget::operation::focus(password_prompt::FIELD_ID)
            }
            _ => Task::none(),
        }
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
            Some(backups::Event::Closed) => Task::batch([task, self.close_modal()]),
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
        result: Result<Option<std::path::PathBuf>, Failure>,
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
                self.status
                    .say(t!("status-restore-failed", error = e.said()));
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
            Some(add_account::Event::Cancelled) => Task::batch([task, self.close_modal()]),
            Some(add_account::Event::Changed(saved)) => {
                let name = self.account_saved(*saved, false);
                self.status.say(t!("status-account-saved", name = name));
                Task::batch([task, self.reload(), self.close_modal()])
            }
            Some(add_account::Event::Added(saved)) => {
                let id = saved.account.id;
                let name = self.account_saved(*saved, true);
                self.status.say(t!("status-account-added", name = name));
                let shown = self.show_folder(Folder::Account(id));
                Task::batch([task, shown, self.close_modal()])
            }
        }
    }

    /// After the account dialog saved: tell the worker, and keep a password the keyring
    /// could not take in memory (saying so once). A new account is fetched at once.
    pub(super) fn account_saved(&mut self, saved: add_account::Saved, fetch: bool) -> String {
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
        if let Some(error) = &saved.outgoing_refused {
            tracing::warn!("no keyring for the outgoing password: {error}");
            self.status.warn(t!(
                "notice-outgoing-not-stored",
                account = name.clone(),
                error = error.said()
            ));
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

    pub(super) fn open_preferences(&mut self) -> Task<Message> {
        let (dialog, read) = preferences::Dialog::open(self.snapshot.preferences, &self.paths);
        self.modal = Some(Modal::Preferences(dialog));
        read.map(Message::Preferences)
    }

    /// The accounts by name, for a rule to be for one of them.
    fn account_names(&self) -> Vec<(crate::accounts::AccountId, String)> {
        self.snapshot
            .accounts
            .iter()
            .map(|a| (a.id, a.settings.name.clone()))
            .collect()
    }

    pub(super) fn open_rules(&mut self) -> Task<Message> {
        let scope = ui::rules::Scope {
            folder: self.mailbox.folder_name(&self.snapshot),
            view: self.mailbox.folder().view(),
            selected: self.list.selection(),
        };
        let (dialog, task) = ui::rules::Dialog::open(&self.paths, self.account_names(), scope);
        self.modal = Some(Modal::Rules(dialog));
        task.map(Message::Rules)
    }

    /// "New rule…" on a message: its sender's address and its subject, read off the UI
    /// thread, fill in the rules dialog's form.
    pub(super) fn new_rule_from(&mut self, id: i64) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<_, Failure> {
                let raw = Store::open(&paths.database())?.raw_message(id)?;
                let summary = crate::mail::summarize(&raw);
                let sender = crate::compose::typed::readable(&summary.from)
                    .into_iter()
                    .next()
                    .map_or(summary.from, |m| m.address);
                Ok((sender, summary.subject))
            }),
            |found| match found {
                Ok((sender, subject)) => Message::NewRule(sender, subject),
                Err(e) => Message::Failed(e),
            },
        )
    }

    pub(super) fn open_new_rule(&mut self, sender: &str, subject: &str) -> Task<Message> {
        if self.modal.is_some() {
            return Task::none();
        }
        let (dialog, task) =
            ui::rules::Dialog::from_message(&self.paths, self.account_names(), sender, subject);
        self.modal = Some(Modal::Rules(dialog));
        task.map(Message::Rules)
    }

    pub(super) fn rules_dialog(&mut self, message: ui::rules::Message) -> Task<Message> {
        let Some(Modal::Rules(dialog)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::Rules);
        match event {
            None => task,
            Some(ui::rules::Event::Sorted) => Task::batch([task, self.reload()]),
            Some(ui::rules::Event::Closed) => Task::batch([task, self.close_modal()]),
        }
    }

    pub(super) fn open_remote(&mut self, id: AccountId) -> Task<Message> {
        let Some(account) = self.snapshot.accounts.iter().find(|a| a.id == id) else {
            return Task::none();
        };
        let (view, task) = ui::remote::RemoteView::open(account, &self.paths);
        self.modal = Some(Modal::Remote(Box::new(view)));
        task.map(Message::Remote)
    }

    pub(super) fn remote_view(&mut self, message: ui::remote::Message) -> Task<Message> {
        let Some(Modal::Remote(view)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = view.update(message, &self.paths);
        let task = task.map(Message::Remote);
        match event {
            None => task,
            Some(ui::remote::Event::Stored) => Task::batch([task, self.reload()]),
            Some(ui::remote::Event::Closed) => Task::batch([task, self.close_modal()]),
        }
    }

    pub(super) fn preferences_dialog(&mut self, message: preferences::Message) -> Task<Message> {
        // A save that answers after the dialog closed is heard all the same: the answer
        // needs nothing of the dialog.
        let mut closed = preferences::Dialog::new(self.snapshot.preferences);
        let dialog = match &mut self.modal {
            Some(Modal::Preferences(dialog)) => dialog,
            _ if matches!(message, preferences::Message::Saved(_)) => &mut closed,
            _ => return Task::none(),
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::Preferences);
        match event {
            None => task,
            Some(preferences::Event::Changed(preferences)) => {
                self.snapshot.preferences = preferences;
                crate::i18n::apply(preferences.language);
                task
            }
            Some(preferences::Event::NotSaved(e)) => {
                self.status.say(e);
                task
            }
            Some(preferences::Event::Closed) => Task::batch([task, self.close_modal()]),
        }
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

    pub(super) fn open_remove_account(&mut self, id: AccountId) -> Task<Message> {
        if let Some(account) = self.snapshot.accounts.iter().find(|a| a.id == id) {
            let question = remove_account::RemoveAccount::new(account);
            self.modal = Some(Modal::RemoveAccount(question));
        }
        Task::none()
    }

    pub(super) fn remove_account_dialog(
        &mut self,
        message: remove_account::Message,
    ) -> Task<Message> {
        let Some(Modal::RemoveAccount(question)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = question.update(message, &self.paths);
        let task = task.map(Message::RemoveAccount);
        match event {
            None => task,
            Some(remove_account::Event::Closed) => Task::batch([task, self.close_modal()]),
            Some(remove_account::Event::Removing(account)) => {
                if let Some(worker) = &self.worker {
                    worker.send(Command::Cancel(Some(account)));
                }
                self.passwords.forget(account);
                self.mailbox.show(Folder::AllInboxes);
                self.selected = None;
                self.reader.clear();
                task
            }
            Some(remove_account::Event::Removed(result)) => {
                if let Err(said) = result {
                    self.status.say(said);
                }
                Task::batch([task, self.close_modal(), self.reload()])
            }
        }
    }

    /// The password prompt's messages; an answer goes to the worker, and the next
    /// password waiting, if any, is asked for.
    pub(super) fn password_prompt(&mut self, message: password_prompt::Message) -> Task<Message> {
        let (task, event) = self.passwords.update(message, &self.paths);
        let task = task.map(Message::Password);
        match event {
            None => task,
            Some(password_prompt::Event::Answered { account, password }) => {
                if let Some(worker) = &self.worker {
                    worker.send(Command::RememberPassword { account, password });
                    worker.send(Command::Fetch(vec![account]));
                }
                Task::batch([task, self.next_password()])
            }
            Some(password_prompt::Event::Dismissed) => Task::batch([task, self.next_password()]),
            Some(password_prompt::Event::NotStored(name)) => {
                self.status.warn(t!("notice-no-keyring", account = name));
                task
            }
        }
    }

    /// The prompt on show was answered: the next one, or none.
    fn next_password(&mut self) -> Task<Message> {
        if matches!(self.modal, Some(Modal::Password)) {
            self.close_modal()
        } else {
            Task::none()
        }
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
            Some(transfer::Event::Closed) => Task::batch([task, self.close_modal()]),
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
            ui::blocking(move || Ok(backup::restore(&paths, &latest.path)?)),
            Message::Restored,
        )
    }
}
