//! The Import and export dialog: the current folder to an mbox file or a folder of .eml
//! files, and mbox files or folders of .eml files into a local folder, with progress.
//!
//! `mail.rs` exports and imports mail, `accounts.rs` writes and reads account settings
//! files (showing what a file would add before it adds anything), `view.rs` draws both.

use std::path::PathBuf;

use crate::t;
use iced::Task;

use crate::accounts_file::Plan;
use crate::paths::Paths;
use crate::store::View;
use crate::transfer::{Format, ImportReport};

mod accounts;
mod mail;
mod view;

use accounts::{choose_accounts_export, choose_accounts_import, export_accounts};
use mail::choose_import;

#[derive(Debug, Clone)]
pub struct Transfer {
    view: View,
    view_name: String,
    folder: String,
    running: bool,
    done: usize,
    total: Option<usize>,
    note: Option<String>,
    error: Option<String>,
    /// An accounts file read and shown, waiting for the person to add its accounts or not.
    pub accounts_to_import: Option<AccountsToImport>,
}

/// The question asked before an accounts file changes anything.
#[derive(Debug, Clone)]
pub struct AccountsToImport {
    file: String,
    plan: Plan,
    /// The person ticked "add them with weaker security" (asked only when one is weaker).
    weaker_accepted: bool,
}

impl AccountsToImport {
    /// True when the accounts may be added now.
    fn may_add(&self) -> bool {
        !self.plan.add.is_empty() && (self.weaker_accepted || self.plan.weakened().is_empty())
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Export buttons: ask where, with the system's dialog.
    ChooseExport(Format),
    /// Import buttons: ask what (a file, or a folder of .eml files).
    ChooseImport {
        folder_of_eml: bool,
    },
    /// A place was chosen (or the dialog was cancelled).
    ExportTo(Format, Option<PathBuf>),
    ImportFrom(Option<PathBuf>),
    Folder(String),
    Progress(usize, Option<usize>),
    Exported(Result<usize, crate::ui::describe::Failure>),
    Imported(Result<ImportReport, crate::ui::describe::Failure>),
    /// "Export account settings…" / "Import account settings…": ask where.
    ChooseAccountsExport,
    ChooseAccountsImport,
    AccountsExportTo(Option<PathBuf>),
    AccountsImportFrom(Option<PathBuf>),
    /// The chosen accounts file was read: what importing it would do, to show first.
    AccountsPlanned(Result<(String, Plan), crate::ui::describe::Failure>),
    /// The "add them with weaker security" box.
    AcceptWeaker(bool),
    /// Add the accounts shown.
    AddAccounts,
    /// Add nothing.
    CancelAccounts,
    AccountsExported(Result<usize, crate::ui::describe::Failure>),
    AccountsImported(Result<crate::accounts_file::Imported, crate::ui::describe::Failure>),
    Close,
}

#[derive(Debug, Clone)]
pub enum Event {
    Closed,
    /// Mail was imported: the sidebar and list change.
    Imported,
    /// Accounts were added from a settings file.
    AccountsImported,
}

impl Transfer {
    pub fn new(view: View, view_name: String) -> Transfer {
        Transfer {
            view,
            view_name,
            folder: t!("transfer-default-folder"),
            running: false,
            done: 0,
            total: None,
            note: None,
            error: None,
            accounts_to_import: None,
        }
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            // Mail.
            Message::ChooseExport(format) => return (self.choose_export(format), None),
            Message::ChooseImport { folder_of_eml } => return (choose_import(folder_of_eml), None),
            Message::ExportTo(_, None) | Message::ImportFrom(None) => {}
            Message::ExportTo(format, Some(path)) => {
                return (self.export_to(format, path, paths), None);
            }
            Message::ImportFrom(Some(path)) => return (self.import_from(path, paths), None),
            Message::Folder(f) => self.folder = f,
            Message::Progress(done, total) => self.progress(done, total),
            Message::Exported(result) => self.exported(result),
            Message::Imported(result) => return (Task::none(), self.imported(result)),
            // Account settings.
            Message::ChooseAccountsExport => return (choose_accounts_export(), None),
            Message::ChooseAccountsImport => return (choose_accounts_import(), None),
            Message::AccountsExportTo(None) | Message::AccountsImportFrom(None) => {}
            Message::AccountsExportTo(Some(path)) => return (export_accounts(path, paths), None),
            Message::AccountsImportFrom(Some(path)) => {
                return (self.plan_accounts(path, paths), None);
            }
            Message::AccountsPlanned(result) => self.accounts_planned(result),
            Message::AcceptWeaker(accepted) => self.accept_weaker(accepted),
            Message::AddAccounts => return (self.add_accounts(paths), None),
            Message::CancelAccounts => self.cancel_accounts(),
            Message::AccountsExported(result) => self.accounts_exported(result),
            Message::AccountsImported(result) => {
                return (Task::none(), self.accounts_imported(result));
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
        }
        (Task::none(), None)
    }
}
