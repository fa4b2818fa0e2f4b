//! The Backups dialog: where snapshots go and how many are kept, "Back up now", and the
//! list of snapshots to restore from.

use std::path::PathBuf;

use crate::t;
use crate::ui::describe::Said;
use iced::widget::{Column, button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Task};

use crate::backup::{self, Snapshot};
use crate::mail;
use crate::paths::Paths;

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
    Loaded(Result<(backup::Settings, Vec<Snapshot>), String>),
    Folder(String),
    Keep(String),
    /// "Choose…": the system's folder picker.
    Choose,
    Chosen(Option<PathBuf>),
    /// "Save": use the folder and the count.
    Save,
    Saved(Result<(), String>),
    BackUpNow,
    /// "Restore" on a snapshot: asks for confirmation first.
    Restore(PathBuf),
    ConfirmRestore,
    CancelRestore,
    Restored(Result<Option<PathBuf>, String>),
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
            Message::Loaded(Ok((settings, snapshots))) => {
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
            Message::Loaded(Err(e)) | Message::Saved(Err(e)) => {
                self.busy = false;
                self.error = Some(e);
            }
            Message::Folder(f) => self.folder = f,
            Message::Keep(k) => self.keep = k.chars().filter(char::is_ascii_digit).collect(),
            Message::Choose => {
                return (
                    Task::perform(
                        async {
                            rfd::AsyncFileDialog::new()
                                .set_title(t!("backups-choose-title"))
                                .pick_folder()
                                .await
                                .map(|h| h.path().to_path_buf())
                        },
                        Message::Chosen,
                    ),
                    None,
                );
            }
            Message::Chosen(Some(dir)) => self.folder = dir.display().to_string(),
            Message::Chosen(None) => {}
            Message::Save => {
                let folder = self.folder.trim();
                if folder.is_empty() {
                    self.error = Some(t!("backups-choose-first"));
                    return (Task::none(), None);
                }
                let keep = match self.keep.parse::<usize>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        self.error = Some(t!("backups-keep-one"));
                        return (Task::none(), None);
                    }
                };
                self.busy = true;
                self.error = None;
                let paths = paths.clone();
                let dir = PathBuf::from(folder);
                return (
                    Task::perform(
                        async move {
                            crate::ui::blocking(move || {
                                backup::configure(&paths, &dir, Some(keep)).map_err(|e| e.said())
                            })
                            .await
                        },
                        Message::Saved,
                    ),
                    None,
                );
            }
            Message::Saved(Ok(())) => {
                self.busy = false;
                self.note = Some(t!("backups-saved"));
                return (
                    Task::perform(load(paths.clone()), Message::Loaded),
                    Some(Event::SettingsChanged),
                );
            }
            Message::BackUpNow => {
                if self.folder.trim().is_empty() {
                    self.error = Some(t!("backups-choose-first"));
                    return (Task::none(), None);
                }
                self.note = Some(t!("backups-backing-up"));
                self.error = None;
                return (Task::none(), Some(Event::BackUpNow));
            }
            Message::Restore(path) => self.confirm = Some(path),
            Message::CancelRestore => self.confirm = None,
            Message::ConfirmRestore => {
                let Some(path) = self.confirm.take() else {
                    return (Task::none(), None);
                };
                self.busy = true;
                let paths = paths.clone();
                return (
                    Task::perform(
                        async move {
                            crate::ui::blocking(move || {
                                backup::restore(&paths, &path).map_err(|e| e.said())
                            })
                            .await
                        },
                        Message::Restored,
                    ),
                    Some(Event::Restoring),
                );
            }
            Message::Restored(Ok(kept)) => {
                self.busy = false;
                self.note = Some(t!("backups-restored"));
                return (Task::none(), Some(Event::Restored(kept)));
            }
            Message::Restored(Err(e)) => {
                self.busy = false;
                self.error = Some(t!("backups-nothing-changed", error = e));
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
        }
        (Task::none(), None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let last = match self.last_success {
            Some(time) => t!("backups-last", date = mail::format_date(time)),
            None => t!("backups-none"),
        };
        let mut content = column![
            text(t!("toolbar-backups")).size(22),
            text(t!("backups-why")).size(13),
            row![
                text(t!("transfer-folder")).width(90),
                text_input(&t!("backups-folder-placeholder"), &self.folder)
                    .id("backup-folder")
                    .on_input(Message::Folder)
                    .padding(6),
                button(text(t!("backups-choose")))
                    .on_press(Message::Choose)
                    .style(button::secondary),
            ]
            .spacing(8)
            .align_y(iced::Center),
            row![
                text(t!("backups-keep")).width(90),
                text_input("7", &self.keep)
                    .on_input(Message::Keep)
                    .width(60)
                    .padding(6),
                text(t!("backups-newest-first")),
                iced::widget::space().width(Fill),
                button(text(t!("button-save")))
                    .on_press_maybe((!self.busy).then_some(Message::Save)),
            ]
            .spacing(8)
            .align_y(iced::Center),
            row![
                text(last).width(Fill),
                button(text(t!("backups-now")))
                    .on_press_maybe((!self.busy).then_some(Message::BackUpNow))
                    .style(button::primary),
            ]
            .align_y(iced::Center),
        ]
        .spacing(12);

        if let Some(note) = &self.note {
            content = content.push(text(note.clone()).style(text::success));
        }
        if let Some(error) = &self.error {
            content = content.push(text(error.clone()).style(text::danger));
        }

        if let Some(path) = &self.confirm {
            content = content.push(
                container(
                    column![
                        text(t!(
                            "backups-confirm-restore",
                            name = path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        )),
                        row![
                            button(text(t!("button-cancel")))
                                .on_press(Message::CancelRestore)
                                .style(button::secondary),
                            button(text(t!("action-restore")))
                                .on_press(Message::ConfirmRestore)
                                .style(button::danger),
                        ]
                        .spacing(8),
                    ]
                    .spacing(8),
                )
                .padding(10)
                .style(container::warning),
            );
        }

        let mut list = Column::new().spacing(4);
        if self.snapshots.is_empty() {
            list = list.push(text(t!("backups-empty-folder")).size(13));
        }
        for s in &self.snapshots {
            list = list.push(
                row![
                    text(mail::format_date(s.made_at)).width(170),
                    text(format!("{:.1} MB", s.size as f64 / 1_048_576.0)).width(Fill),
                    button(text(t!("action-restore")))
                        .on_press_maybe((!self.busy).then(|| Message::Restore(s.path.clone())))
                        .style(button::secondary),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        content = content.push(scrollable(list).height(180));
        content = content.push(row![
            iced::widget::space().width(Fill),
            button(text(t!("button-close")))
                .on_press(Message::Close)
                .style(button::secondary)
        ]);

        // A fixed height keeps the buttons in place while notes come and go.
        container(content)
            .padding(20)
            .width(620)
            .height(560)
            .style(container::rounded_box)
            .into()
    }
}

async fn load(paths: Paths) -> Result<(backup::Settings, Vec<Snapshot>), String> {
    crate::ui::blocking(move || {
        let store = crate::store::Store::open(&paths.database()).map_err(|e| e.said())?;
        let settings = backup::Settings::load(&store).map_err(|e| e.said())?;
        let snapshots = settings
            .dir
            .as_deref()
            .map(backup::snapshots)
            .unwrap_or_default();
        Ok((settings, snapshots))
    })
    .await
}
