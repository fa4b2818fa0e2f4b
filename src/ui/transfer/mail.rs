//! Mail out and in: the system's dialogs to choose where, the export or import on tokio's
//! blocking pool with its progress, and what the dialog does with the outcome.

use std::path::PathBuf;

use iced::Task;
use iced::futures::SinkExt;

use super::{Event, Message, Transfer};
use crate::paths::Paths;
use crate::t;
use crate::transfer::{self, Format, ImportReport};
use crate::ui::describe::{Failure, Said};

impl Transfer {
    /// Export buttons: asks where, with the system's dialog.
    pub(super) fn choose_export(&self, format: Format) -> Task<Message> {
        let name = self.view_name.clone();
        Task::perform(
            async move {
                let dialog = rfd::AsyncFileDialog::new().set_title(t!("transfer-export"));
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
        )
    }

    /// Writes the folder shown to `path`, reporting progress.
    pub(super) fn export_to(
        &mut self,
        format: Format,
        path: PathBuf,
        paths: &Paths,
    ) -> Task<Message> {
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
        with_progress(job, Message::Exported)
    }

    /// Reads the mail at `path` into the local folder named in the dialog, reporting
    /// progress; without a name, says one is needed.
    pub(super) fn import_from(&mut self, path: PathBuf, paths: &Paths) -> Task<Message> {
        let folder = self.folder.trim().to_string();
        if folder.is_empty() {
            self.error = Some(t!("transfer-name-folder"));
            return Task::none();
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
        with_progress(job, Message::Imported)
    }

    fn start(&mut self) {
        self.running = true;
        self.done = 0;
        self.total = None;
        self.note = None;
        self.error = None;
    }

    pub(super) fn progress(&mut self, done: usize, total: Option<usize>) {
        self.done = done;
        self.total = total;
    }

    pub(super) fn exported(&mut self, result: Result<usize, Failure>) {
        self.running = false;
        match result {
            Ok(n) => self.note = Some(t!("transfer-exported", count = n)),
            Err(e) => self.error = Some(e.said()),
        }
    }

    /// The import finished: the sidebar and the list change.
    pub(super) fn imported(&mut self, result: Result<ImportReport, Failure>) -> Option<Event> {
        self.running = false;
        match result {
            Ok(report) => {
                self.note = Some(t!(
                    "transfer-imported",
                    count = report.imported,
                    folder = self.folder.trim().to_string(),
                    duplicates = report.duplicates
                ));
                Some(Event::Imported)
            }
            Err(e) => {
                self.error = Some(e.said());
                None
            }
        }
    }
}

/// Import buttons: asks what, with the system's dialog (a file, or a folder of .eml files).
pub(super) fn choose_import(folder_of_eml: bool) -> Task<Message> {
    Task::perform(
        async move {
            let dialog = rfd::AsyncFileDialog::new().set_title(t!("transfer-import"));
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
    )
}

/// Reports progress from the blocking job: (done, total if known).
type Progress = Box<dyn Fn(usize, Option<usize>) + Send>;

/// Runs a blocking job on tokio's blocking pool, turning its progress reports into
/// `Message::Progress` and its result into `done(result)`.
fn with_progress<T, E>(
    job: impl FnOnce(Progress) -> Result<T, E> + Send + 'static,
    done: fn(Result<T, Failure>) -> Message,
) -> Task<Message>
where
    T: Send + 'static,
    E: Into<Failure> + Send + 'static,
{
    Task::run(
        iced::stream::channel(64, async move |mut output| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let report: Progress = Box::new(move |n, total| {
                let _ = tx.send(Message::Progress(n, total));
            });
            let job = tokio::task::spawn_blocking(move || job(report).map_err(Into::into));
            while let Some(progress) = rx.recv().await {
                let _ = output.send(progress).await;
            }
            let result = job
                .await
                .map_err(|e| Failure::from(crate::interrupted::Interrupted::from(e)))
                .and_then(|r| r);
            let _ = output.send(done(result)).await;
        }),
        |message| message,
    )
}
