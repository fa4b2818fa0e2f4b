//! Account settings to and from a file, step by step: choose the file; read it and show
//! what it would add (and how any of them is less safe); add them or not; say what was
//! done. The work on the database happens off the UI thread.

use std::path::PathBuf;

use iced::Task;

use super::{AccountsToImport, Event, Message, Transfer};
use crate::accounts_file::{self, Imported, Plan};
use crate::paths::Paths;
use crate::store::Store;
use crate::t;
use crate::ui::describe::{Failure, Said};

impl Transfer {
    /// An accounts file was chosen: reads what importing it would do, to show first.
    pub(super) fn plan_accounts(&mut self, path: PathBuf, paths: &Paths) -> Task<Message> {
        self.note = None;
        self.error = None;
        // The name is enough to recognise the file just chosen.
        let file = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy()
            .into_owned();
        let job = on_store(paths.clone(), move |store| {
            accounts_file::plan(store, &path).map(|plan| (file, plan))
        });
        Task::perform(job, Message::AccountsPlanned)
    }

    /// The file was read: the question replaces the dialog.
    pub(super) fn accounts_planned(&mut self, result: Result<(String, Plan), Failure>) {
        match result {
            Ok((file, plan)) => {
                self.accounts_to_import = Some(AccountsToImport {
                    file,
                    plan,
                    weaker_accepted: false,
                });
            }
            Err(e) => self.error = Some(e.said()),
        }
    }

    /// The "add them with weaker security" box.
    pub(super) fn accept_weaker(&mut self, accepted: bool) {
        if let Some(pending) = &mut self.accounts_to_import {
            pending.weaker_accepted = accepted;
        }
    }

    /// Adds the accounts shown, when they may be added.
    pub(super) fn add_accounts(&mut self, paths: &Paths) -> Task<Message> {
        let Some(pending) = self.accounts_to_import.take_if(|pending| pending.may_add()) else {
            return Task::none();
        };
        // What was shown is what is added: the file is not read again.
        let AccountsToImport { plan, .. } = pending;
        let job = on_store(paths.clone(), move |store| {
            accounts_file::add_plan(store, &plan).map(|mut imported| {
                imported.skipped.extend(plan.skipped);
                imported
            })
        });
        Task::perform(job, Message::AccountsImported)
    }

    /// Adds nothing.
    pub(super) fn cancel_accounts(&mut self) {
        self.accounts_to_import = None;
        self.note = Some(t!("transfer-accounts-cancelled"));
    }

    pub(super) fn accounts_exported(&mut self, result: Result<usize, Failure>) {
        match result {
            Ok(count) => self.note = Some(t!("transfer-accounts-exported", count = count)),
            Err(e) => self.error = Some(e.said()),
        }
    }

    /// The accounts were added (the sidebar shows them) and those already here skipped.
    pub(super) fn accounts_imported(&mut self, result: Result<Imported, Failure>) -> Option<Event> {
        match result {
            Ok(imported) => {
                let mut note = t!("transfer-accounts-imported", count = imported.added.len());
                if !imported.skipped.is_empty() {
                    note.push(' ');
                    note.push_str(&t!(
                        "transfer-accounts-skipped",
                        names = imported.skipped.join(", ")
                    ));
                }
                self.note = Some(note);
                Some(Event::AccountsImported)
            }
            Err(e) => {
                self.error = Some(e.said());
                None
            }
        }
    }
}

/// "Export account settings…": asks where, with the system's dialog.
pub(super) fn choose_accounts_export() -> Task<Message> {
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_title(t!("transfer-accounts-export"))
                .set_file_name("poplar-accounts.json")
                .save_file()
                .await
                .map(|h| h.path().to_path_buf())
        },
        Message::AccountsExportTo,
    )
}

/// "Import account settings…": asks which file, with the system's dialog.
pub(super) fn choose_accounts_import() -> Task<Message> {
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_title(t!("transfer-accounts-import"))
                .add_filter("JSON", &["json"])
                .pick_file()
                .await
                .map(|h| h.path().to_path_buf())
        },
        Message::AccountsImportFrom,
    )
}

/// Writes every account's settings (never a password) to `path`.
pub(super) fn export_accounts(path: PathBuf, paths: &Paths) -> Task<Message> {
    let job = on_store(paths.clone(), move |store| {
        accounts_file::export_store(store, &path)
    });
    Task::perform(job, Message::AccountsExported)
}

/// Runs an accounts-file job on the database, off the UI thread.
async fn on_store<T: Send + 'static>(
    paths: Paths,
    job: impl FnOnce(&Store) -> Result<T, accounts_file::Error> + Send + 'static,
) -> Result<T, Failure> {
    crate::ui::blocking(move || {
        paths.ensure()?;
        let store = Store::open(&paths.database())?;
        job(&store).map_err(Failure::from)
    })
    .await
}
