//! The Import and export dialog: the current folder to an mbox file or a folder of .eml
//! files, and mbox files or folders of .eml files into a local folder, with progress.

use std::path::PathBuf;

use crate::t;
use crate::ui::describe::Said;
use iced::futures::SinkExt;
use iced::widget::{button, checkbox, column, progress_bar, row, text, text_input};
use iced::{Element, Fill, Task};

use crate::accounts_file::{Plan, Weakening};
use crate::paths::Paths;
use crate::store::View;
use crate::transfer::{self, Format, ImportReport};

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
    Exported(Result<usize, String>),
    Imported(Result<ImportReport, String>),
    /// "Export account settings…" / "Import account settings…": ask where.
    ChooseAccountsExport,
    ChooseAccountsImport,
    AccountsExportTo(Option<PathBuf>),
    AccountsImportFrom(Option<PathBuf>),
    /// The chosen accounts file was read: what importing it would do, to show first.
    AccountsPlanned(Result<(String, Plan), String>),
    /// The "add them with weaker security" box.
    AcceptWeaker(bool),
    /// Add the accounts shown.
    AddAccounts,
    /// Add nothing.
    CancelAccounts,
    AccountsExported(Result<usize, String>),
    AccountsImported(Result<crate::accounts_file::Imported, String>),
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
            Message::ChooseExport(format) => {
                let name = self.view_name.clone();
                return (
                    Task::perform(
                        async move {
                            let dialog =
                                rfd::AsyncFileDialog::new().set_title(t!("transfer-export"));
                            match format {
                                Format::Mbox => {
                                    dialog
                                        .set_file_name(format!("{name}.mbox"))
                                        .save_file()
                                        .await
                                }
                                Format::Eml => dialog.pick_folder().await,
                            }
                            .map(|h| h.path().to_path_buf())
                        },
                        move |path| {
                            // A chosen folder receives a new subfolder for the .eml files.
                            Message::ExportTo(format, path)
                        },
                    ),
                    None,
                );
            }
            Message::ChooseImport { folder_of_eml } => {
                return (
                    Task::perform(
                        async move {
                            let dialog =
                                rfd::AsyncFileDialog::new().set_title(t!("transfer-import"));
                            if folder_of_eml {
                                dialog.pick_folder().await
                            } else {
                                dialog
                                    .add_filter("mbox", &["mbox", "mbx", ""])
                                    .pick_file()
                                    .await
                            }
                            .map(|h| h.path().to_path_buf())
                        },
                        Message::ImportFrom,
                    ),
                    None,
                );
            }
            Message::ExportTo(_, None) | Message::ImportFrom(None) => {}
            Message::ExportTo(format, Some(path)) => {
                let path = match format {
                    Format::Mbox => path,
                    Format::Eml => path.join(format!("{} (eml)", self.view_name)),
                };
                self.start();
                let (paths, view) = (paths.clone(), self.view);
                let job = move |progress: Progress| {
                    transfer::export(&paths, format, view, &path, |done, total| {
                        if done % 100 == 0 || done == total {
                            progress(done, Some(total));
                        }
                    })
                };
                return (with_progress(job, Message::Exported), None);
            }
            Message::ImportFrom(Some(path)) => {
                let folder = self.folder.trim().to_string();
                if folder.is_empty() {
                    self.error = Some(t!("transfer-name-folder"));
                    return (Task::none(), None);
                }
                self.start();
                let paths = paths.clone();
                let job = move |progress: Progress| {
                    transfer::import(&paths, &path, &folder, |done| {
                        if done % 100 == 0 {
                            progress(done, None);
                        }
                    })
                };
                return (with_progress(job, Message::Imported), None);
            }
            Message::ChooseAccountsExport => {
                return (
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
                    ),
                    None,
                );
            }
            Message::ChooseAccountsImport => {
                return (
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
                    ),
                    None,
                );
            }
            Message::AccountsExportTo(None) | Message::AccountsImportFrom(None) => {}
            Message::AccountsExportTo(Some(path)) => {
                let job = on_store(paths.clone(), move |store| {
                    crate::accounts_file::export_store(store, &path)
                });
                return (Task::perform(job, Message::AccountsExported), None);
            }
            Message::AccountsImportFrom(Some(path)) => {
                self.note = None;
                self.error = None;
                // The name is enough to recognise the file just chosen.
                let file = path
                    .file_name()
                    .unwrap_or(path.as_os_str())
                    .to_string_lossy()
                    .into_owned();
                let job = on_store(paths.clone(), move |store| {
                    crate::accounts_file::plan(store, &path).map(|plan| (file, plan))
                });
                return (Task::perform(job, Message::AccountsPlanned), None);
            }
            Message::AccountsPlanned(Ok((file, plan))) => {
                self.accounts_to_import = Some(AccountsToImport {
                    file,
                    plan,
                    weaker_accepted: false,
                });
            }
            Message::AccountsPlanned(Err(e)) => self.error = Some(e),
            Message::AcceptWeaker(accepted) => {
                if let Some(pending) = &mut self.accounts_to_import {
                    pending.weaker_accepted = accepted;
                }
            }
            Message::AddAccounts => {
                let Some(pending) = self.accounts_to_import.take_if(|pending| pending.may_add())
                else {
                    return (Task::none(), None);
                };
                // What was shown is what is added: the file is not read again.
                let AccountsToImport { plan, .. } = pending;
                let job = on_store(paths.clone(), move |store| {
                    crate::accounts_file::add_planned(store, &plan.add).map(|mut imported| {
                        imported.skipped.extend(plan.skipped);
                        imported
                    })
                });
                return (Task::perform(job, Message::AccountsImported), None);
            }
            Message::CancelAccounts => {
                self.accounts_to_import = None;
                self.note = Some(t!("transfer-accounts-cancelled"));
            }
            Message::AccountsExported(Ok(count)) => {
                self.note = Some(t!("transfer-accounts-exported", count = count));
            }
            Message::AccountsImported(Ok(imported)) => {
                let mut note = t!("transfer-accounts-imported", count = imported.added.len());
                if !imported.skipped.is_empty() {
                    note.push(' ');
                    note.push_str(&t!(
                        "transfer-accounts-skipped",
                        names = imported.skipped.join(", ")
                    ));
                }
                self.note = Some(note);
                return (Task::none(), Some(Event::AccountsImported));
            }
            Message::AccountsExported(Err(e)) | Message::AccountsImported(Err(e)) => {
                self.error = Some(e);
            }
            Message::Folder(f) => self.folder = f,
            Message::Progress(done, total) => {
                self.done = done;
                self.total = total;
            }
            Message::Exported(result) => {
                self.running = false;
                match result {
                    Ok(n) => self.note = Some(t!("transfer-exported", count = n)),
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Imported(result) => {
                self.running = false;
                match result {
                    Ok(report) => {
                        self.note = Some(t!(
                            "transfer-imported",
                            count = report.imported,
                            folder = self.folder.trim().to_string(),
                            duplicates = report.duplicates
                        ));
                        return (Task::none(), Some(Event::Imported));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
        }
        (Task::none(), None)
    }

    fn start(&mut self) {
        self.running = true;
        self.done = 0;
        self.total = None;
        self.note = None;
        self.error = None;
    }

    pub fn view(&self) -> Element<'_, Message> {
        if let Some(pending) = &self.accounts_to_import {
            return accounts_question(pending);
        }
        let idle = !self.running;
        let mut content = column![
            text(t!("transfer-title")).size(22),
            text(t!("transfer-export-what", folder = self.view_name.clone())),
            row![
                button(text(t!("transfer-as-mbox")))
                    .on_press_maybe(idle.then_some(Message::ChooseExport(Format::Mbox)))
                    .style(button::secondary),
                button(text(t!("transfer-as-eml")))
                    .on_press_maybe(idle.then_some(Message::ChooseExport(Format::Eml)))
                    .style(button::secondary),
            ]
            .spacing(8),
            text(t!("transfer-import-what")),
            row![
                text(t!("transfer-folder")).width(90),
                text_input(&t!("transfer-default-folder"), &self.folder)
                    .on_input(Message::Folder)
                    .padding(6),
            ]
            .spacing(8)
            .align_y(iced::Center),
            row![
                button(text(t!("transfer-from-mbox")))
                    .on_press_maybe(idle.then_some(Message::ChooseImport {
                        folder_of_eml: false
                    }))
                    .style(button::secondary),
                button(text(t!("transfer-from-eml")))
                    .on_press_maybe(idle.then_some(Message::ChooseImport {
                        folder_of_eml: true
                    }))
                    .style(button::secondary),
            ]
            .spacing(8),
            iced::widget::rule::horizontal(1),
            text(t!("transfer-accounts-what")),
            row![
                button(text(t!("transfer-accounts-export")))
                    .on_press_maybe(idle.then_some(Message::ChooseAccountsExport))
                    .style(button::secondary),
                button(text(t!("transfer-accounts-import")))
                    .on_press_maybe(idle.then_some(Message::ChooseAccountsImport))
                    .style(button::secondary),
            ]
            .spacing(8),
        ]
        .spacing(12);
        if self.running {
            let line = match self.total {
                Some(total) => t!("transfer-progress", done = self.done, total = total),
                None => t!("transfer-read", done = self.done),
            };
            content = content.push(text(line));
            if let Some(total) = self.total.filter(|t| *t > 0) {
                content = content.push(progress_bar(0.0..=total as f32, self.done as f32));
            }
        }
        if let Some(note) = &self.note {
            content = content.push(text(note.clone()).style(text::success));
        }
        if let Some(error) = &self.error {
            content = content.push(text(error.clone()).style(text::danger));
        }
        content = content.push(row![
            iced::widget::space().width(Fill),
            button(text(t!("button-close")))
                .on_press_maybe(idle.then_some(Message::Close))
                .style(button::secondary)
        ]);
        super::dialog_box(content, 560.0)
    }
}

/// The accounts a file would add, how each weaker one is weaker, and the question.
fn accounts_question(pending: &AccountsToImport) -> Element<'_, Message> {
    let plan = &pending.plan;
    let mut content = column![
        text(t!("transfer-accounts-import-title")).size(22),
        text(t!("transfer-accounts-from", file = pending.file.clone())).size(13),
    ]
    .spacing(10);
    if plan.add.is_empty() {
        content = content.push(text(t!("transfer-accounts-none-new")));
    } else {
        content = content.push(text(t!("transfer-accounts-would-add")));
        let mut list = column![].spacing(4);
        for s in &plan.add {
            list = list.push(text(t!(
                "transfer-accounts-entry",
                name = s.name.clone(),
                user = s.user.clone(),
                host = s.host.clone(),
                port = s.port,
                security = super::add_account::security_label(s.security)
            )));
        }
        content = content.push(list);
    }
    if !plan.skipped.is_empty() {
        content = content.push(text(t!(
            "transfer-accounts-would-skip",
            names = plan.skipped.join(", ")
        )));
    }
    let weakened = plan.weakened();
    if !weakened.is_empty() {
        let mut warnings = column![].spacing(4);
        for (name, ways) in &weakened {
            for way in ways {
                let line = match way {
                    Weakening::Unencrypted {
                        password_readable: true,
                    } => t!("transfer-accounts-weaker-plain", name = name.clone()),
                    Weakening::Unencrypted {
                        password_readable: false,
                    } => t!("transfer-accounts-weaker-plain-mail", name = name.clone()),
                    Weakening::PinnedCertificate(sha256) => t!(
                        "transfer-accounts-weaker-pinned",
                        name = name.clone(),
                        fingerprint = sha256.clone()
                    ),
                };
                // A fingerprint has no spaces to break at.
                warnings = warnings.push(
                    text(line)
                        .wrapping(text::Wrapping::WordOrGlyph)
                        .style(text::danger),
                );
            }
        }
        content = content.push(warnings).push(
            checkbox(pending.weaker_accepted)
                .label(t!("transfer-accounts-accept-weaker"))
                .on_toggle(Message::AcceptWeaker)
                .size(16),
        );
    }
    let mut buttons = row![iced::widget::space().width(Fill)].spacing(8);
    buttons = buttons.push(
        button(text(t!("button-cancel")))
            .on_press(Message::CancelAccounts)
            .style(button::secondary),
    );
    if !plan.add.is_empty() {
        buttons = buttons.push(
            button(text(t!("transfer-accounts-add", count = plan.add.len())))
                .on_press_maybe(pending.may_add().then_some(Message::AddAccounts)),
        );
    }
    super::dialog_box(content.push(buttons), 560.0)
}

/// Runs an accounts-file job on the database, off the UI thread.
async fn on_store<T: Send + 'static>(
    paths: Paths,
    job: impl FnOnce(&crate::store::Store) -> Result<T, crate::accounts_file::Error> + Send + 'static,
) -> Result<T, String> {
    super::blocking(move || {
        paths.ensure().map_err(|e| e.said())?;
        let store = crate::store::Store::open(&paths.database()).map_err(|e| e.said())?;
        job(&store).map_err(|e| e.said())
    })
    .await
}

/// Reports progress from the blocking job: (done, total if known).
type Progress = Box<dyn Fn(usize, Option<usize>) + Send>;

/// Runs a blocking job on tokio's blocking pool, turning its progress reports into
/// `Message::Progress` and its result into `done(result)`.
fn with_progress<T, E>(
    job: impl FnOnce(Progress) -> Result<T, E> + Send + 'static,
    done: fn(Result<T, String>) -> Message,
) -> Task<Message>
where
    T: Send + 'static,
    E: Said,
{
    Task::run(
        iced::stream::channel(64, async move |mut output| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let report: Progress = Box::new(move |n, total| {
                let _ = tx.send(Message::Progress(n, total));
            });
            let job = tokio::task::spawn_blocking(move || job(report).map_err(|e| e.said()));
            while let Some(progress) = rx.recv().await {
                let _ = output.send(progress).await;
            }
            let result = job.await.map_err(|e| e.to_string()).and_then(|r| r);
            let _ = output.send(done(result)).await;
        }),
        |message| message,
    )
}
