//! What the dialog does off the UI thread: read the settings and the snapshots, ask for a
//! folder, save the settings, restore a snapshot; and what it does with the answers.

use std::path::PathBuf;

use iced::Task;

use super::{Backups, Event, Message};
use crate::backup::{self, Snapshot};
use crate::paths::Paths;
use crate::t;
use crate::ui::describe::{Failure, Said};

impl Backups {
    /// The settings and the snapshots were read.
    pub(super) fn loaded(&mut self, settings: backup::Settings, snapshots: Vec<Snapshot>) {
        self.busy = false;
        if self.folder.is_empty() {
            self.folder = settings
                .dir
                .map(|d| d.display().to_string())
                .unwrap_or_default();
        }
        self.keep = settings.keep.to_string();
        self.last_success = settings.last_success;
        self.snapshots = snapshots;
    }

    /// Reading or saving the settings failed: why.
    pub(super) fn failed(&mut self, error: &Failure) {
        self.busy = false;
        self.error = Some(error.said());
    }

    /// "Save": when a folder is named and at least one snapshot is kept, writes both.
    pub(super) fn save(&mut self, paths: &Paths) -> Task<Message> {
        let folder = self.folder.trim();
        if folder.is_empty() {
            self.error = Some(t!("backups-choose-first"));
            return Task::none();
        }
        let keep = match self.keep.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                self.error = Some(t!("backups-keep-one"));
                return Task::none();
            }
        };
        self.busy = true;
        self.error = None;
        let paths = paths.clone();
        let dir = PathBuf::from(folder);
        Task::perform(
            async move {
                crate::ui::blocking(move || {
                    backup::configure(&paths, &dir, Some(keep)).map_err(Failure::from)
                })
                .await
            },
            Message::Saved,
        )
    }

    /// The settings were saved: the worker reschedules, and the list is read again.
    pub(super) fn saved(&mut self, paths: &Paths) -> (Task<Message>, Option<Event>) {
        self.busy = false;
        self.note = Some(t!("backups-saved"));
        (
            Task::perform(load(paths.clone()), Message::Loaded),
            Some(Event::SettingsChanged),
        )
    }

    /// "Restore" under the question: the parent stops what writes to the database, and
    /// the snapshot replaces it.
    pub(super) fn confirm_restore(&mut self, paths: &Paths) -> (Task<Message>, Option<Event>) {
        let Some(path) = self.confirm.take() else {
            return (Task::none(), None);
        };
        self.busy = true;
        let paths = paths.clone();
        (
            Task::perform(
                async move {
                    crate::ui::blocking(move || {
                        backup::restore(&paths, &path).map_err(Failure::from)
                    })
                    .await
                },
                Message::Restored,
            ),
            Some(Event::Restoring),
        )
    }

    /// The restore finished (the old database's new name) or changed nothing (why).
    pub(super) fn restored(&mut self, result: Result<Option<PathBuf>, Failure>) -> Option<Event> {
        self.busy = false;
        match result {
            Ok(kept) => {
                self.note = Some(t!("backups-restored"));
                Some(Event::Restored(kept))
            }
            Err(e) => {
                self.error = Some(t!("backups-nothing-changed", error = e.said()));
                None
            }
        }
    }
}

/// "Choose…": the system's folder picker.
pub(super) fn choose_folder() -> Task<Message> {
    Task::perform(
        async {
            rfd::AsyncFileDialog::new()
                .set_title(t!("backups-choose-title"))
                .pick_folder()
                .await
                .map(|h| h.path().to_path_buf())
        },
        Message::Chosen,
    )
}

/// Reads the settings, and the snapshots in their folder.
pub(super) async fn load(paths: Paths) -> Result<(backup::Settings, Vec<Snapshot>), Failure> {
    crate::ui::blocking(move || {
        let store = crate::store::Store::open(&paths.database())?;
        let settings = backup::Settings::load(&store)?;
        let snapshots = settings
            .dir
            .as_deref()
            .map(backup::snapshots)
            .unwrap_or_default();
        Ok((settings, snapshots))
    })
    .await
}
