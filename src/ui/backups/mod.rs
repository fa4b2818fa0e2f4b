//! The Backups dialog: where snapshots go and how many are kept, "Back up now", and the
//! list of snapshots to restore from.
//!
//! `view.rs` draws it, `tasks.rs` holds the work done off the UI thread (read the settings
//! and the snapshots, save the settings, restore one) and what is done with the answers.

use std::path::PathBuf;

use crate::t;
use crate::ui::describe::{Failure, Said};
use iced::Task;

use crate::backup::{self, Snapshot};
use crate::paths::Paths;

mod tasks;
mod view;

use tasks::{choose_folder, load};

#[derive(Debug, Clone, Default)]
pub struct Backups {
    folder: String,
    keep: String,
    snapshots: Vec<Snapshot>,
    last_success: Option<i64>,
    confirm: Option<PathBuf>,
    busy: bool,
    note: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<(backup::Settings, Vec<Snapshot>), Failure>),
    Folder(String),
    Keep(String),
    /// "Choose…": the system's folder picker.
    Choose,
    Chosen(Option<PathBuf>),
    /// "Save": use the folder and the count.
    Save,
    Saved(Result<(), Failure>),
    BackUpNow,
    /// "Restore" on a snapshot: asks for confirmation first.
    Restore(PathBuf),
    ConfirmRestore,
    CancelRestore,
    Restored(Result<Option<PathBuf>, Failure>),
    Close,
}

/// What the parent must do.
#[derive(Debug, Clone)]
pub enum Event {
    Closed,
    /// The folder or the count changed: the worker reschedules.
    SettingsChanged,
    /// Make a backup now (the worker does it and reports).
    BackUpNow,
    /// About to replace the database: stop everything that writes to it.
    Restoring,
    /// The database was replaced; the old one was kept under this name.
    Restored(Option<PathBuf>),
}

impl Backups {
    /// Opens the dialog and reads the settings and the snapshots off the UI thread.
    pub fn open(paths: &Paths) -> (Backups, Task<Message>) {
        (
            Backups {
                busy: true,
                ..Backups::default()
            },
            Task::perform(load(paths.clone()), Message::Loaded),
        )
    }

    /// Called by the parent when a backup the dialog asked for has finished.
    pub fn backed_up(
        &mut self,
        paths: &Paths,
        result: &Result<Snapshot, backup::Error>,
    ) -> Task<Message> {
        match result {
            Ok(s) => {
                self.note = Some(t!("status-backed-up", path = s.path.display().to_string()));
                self.error = None;
            }
            Err(e) => self.error = Some(t!("status-backup-failed", error = e.said())),
        }
        Task::perform(load(paths.clone()), Message::Loaded)
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Loaded(Ok((settings, snapshots))) => self.loaded(settings, snapshots),
            Message::Loaded(Err(e)) | Message::Saved(Err(e)) => self.failed(&e),
            Message::Folder(f) => self.folder = f,
            Message::Keep(k) => self.keep = k.chars().filter(char::is_ascii_digit).collect(),
            Message::Choose => return (choose_folder(), None),
            Message::Chosen(Some(dir)) => self.folder = dir.display().to_string(),
            Message::Chosen(None) => {}
            Message::Save => return (self.save(paths), None),
            Message::Saved(Ok(())) => return self.saved(paths),
            Message::BackUpNow => return (Task::none(), self.back_up_now()),
            Message::Restore(path) => self.confirm = Some(path),
            Message::CancelRestore => self.confirm = None,
            Message::ConfirmRestore => return self.confirm_restore(paths),
            Message::Restored(result) => return (Task::none(), self.restored(result)),
            Message::Close => return (Task::none(), Some(Event::Closed)),
        }
        (Task::none(), None)
    }

    /// "Back up now": the worker makes the snapshot and the parent reports it through
    /// [`Backups::backed_up`].
    fn back_up_now(&mut self) -> Option<Event> {
        if self.folder.trim().is_empty() {
            self.error = Some(t!("backups-choose-first"));
            return None;
        }
        self.note = Some(t!("backups-backing-up"));
        self.error = None;
        Some(Event::BackUpNow)
    }
}
