//! Getting mail: the toolbar's buttons, what the worker reports, notifications.

use super::*;

impl App {
    pub(super) fn get_mail(&mut self) -> Task<Message> {
        if self.snapshot.accounts.is_empty() {
            self.status = t!("status-add-account-first");
            return Task::none();
        }
        let names = match self.folder {
            Folder::Account(id) => self
                .snapshot
                .accounts
                .iter()
                .filter(|a| a.id == id)
                .map(|a| a.settings.name.clone())
                .collect(),
            Folder::AllInboxes | Folder::Local(_) | Folder::Trash => Vec::new(),
        };
        match &self.worker {
            Some(worker) if worker.send(Command::Fetch(names)) => {
                self.status = t!("status-checking");
            }
            _ => self.status = t!("status-no-worker"),
        }
        Task::none()
    }

    pub(super) fn worker_event(&mut self, event: Event) -> Task<Message> {
        match event {
            Event::Started { account } => {
                self.fetching.insert(account.clone(), Progress::default());
                self.status = t!("status-connecting", account = account.clone());
                Task::none()
            }
            Event::Progress { account, progress } => {
                self.status = if progress.total == 0 {
                    t!("status-no-new", account = account.clone())
                } else {
                    t!(
                        "status-progress",
                        account = account.clone(),
                        done = progress.done,
                        total = progress.total,
                        kb = progress.bytes / 1024
                    )
                };
                self.fetching.insert(account, progress);
                // Show new mail as it arrives, a page at a time.
                if progress.done > 0 && progress.done % 50 == 0 {
                    self.reload()
                } else {
                    Task::none()
                }
            }
            Event::Finished { account, report } => {
                self.fetching.remove(&account);
                let mut status = t!(
                    "status-finished",
                    account = account.clone(),
                    new = report.new,
                    deleted = report.deleted,
                    kept = report.kept
                );
                if !report.skipped.is_empty() {
                    status.push_str(&t!("status-skipped", count = report.skipped.len()));
                }
                self.status = status;
                let notify = if self.snapshot.preferences.notify && report.new > 0 {
                    notify_new_mail(&account, report.new, report.first_subject.clone())
                } else {
                    Task::none()
                };
                Task::batch([notify, self.reload()])
            }
            Event::Failed {
                account,
                error: worker::FetchError::Password(reason),
            } if !matches!(self.modal, Some(Modal::Password(_))) => {
                // No stored password (or no keyring at all): ask for it now, or once the
                // dialog that is open closes.
                self.fetching.remove(&account);
                self.status = format!("{account}: {}", ui::describe::password(&reason));
                let prompt = PasswordPrompt {
                    account,
                    reason: ui::describe::password(&reason),
                    password: String::new(),
                };
                if self.modal.is_some() {
                    self.waiting_password = Some(prompt);
                    return Task::none();
                }
                self.modal = Some(Modal::Password(prompt));
                iced::widget::operation::focus(ui::PASSWORD_PROMPT_ID)
            }
            Event::Failed { account, error } => {
                self.fetching.remove(&account);
                let said = ui::describe::fetch(&error);
                self.status = if error.is_temporary() {
                    t!("status-failed-will-retry", account = account, error = said)
                } else {
                    format!("{account}: {said}")
                };
                self.reload()
            }
            Event::Cancelled { account } => {
                self.fetching.remove(&account);
                self.status = t!("status-stopped", account = account);
                self.reload()
            }
            Event::Completed { account, message } => {
                self.status = t!("status-completed", account = account);
                let reopen = if self.selected == Some(message) {
                    self.select_message(message)
                } else {
                    Task::none()
                };
                Task::batch([reopen, self.reload()])
            }
            // A search typed while indexing ran finds what it has indexed since.
            Event::Indexed(_) if !self.search.trim().is_empty() => self.load_ids(),
            Event::Idle | Event::Indexed(_) => Task::none(),
            Event::BackedUp(result) => {
                self.status = match &result {
                    Ok(s) => t!("status-backed-up", path = s.path.display().to_string()),
                    Err(e) => t!("status-backup-failed", error = e.said()),
                };
                let dialog = match &mut self.modal {
                    Some(Modal::Backups(dialog)) => {
                        dialog.backed_up(&self.paths, &result).map(Message::Backups)
                    }
                    _ => Task::none(),
                };
                Task::batch([dialog, self.reload()])
            }
        }
    }

    pub(super) fn download_rest(&mut self, id: i64) -> Task<Message> {
        let account = self.list.row(id).map(|r| r.account.clone());
        match (account, &self.worker) {
            (Some(account), Some(worker)) => {
                worker.send(Command::DownloadRest { message: id });
                self.status = t!("status-downloading-rest", account = account);
            }
            _ => self.status = t!("status-no-worker"),
        }
        Task::none()
    }

    pub(super) fn stop_fetching(&mut self) -> Task<Message> {
        if let Some(worker) = &self.worker {
            worker.send(Command::Cancel(None));
        }
        self.status = t!("status-stopping");
        Task::none()
    }
}

/// A desktop notification for new mail: how many, and the first subject.
pub(super) fn notify_new_mail(
    account: &str,
    count: usize,
    subject: Option<String>,
) -> Task<Message> {
    let summary = t!(
        "notify-new-mail",
        account = account.to_string(),
        count = count
    );
    Task::perform(
        ui::blocking(move || {
            notify_rust::Notification::new()
                .appname("Poplar")
                .summary(&summary)
                .body(&subject.unwrap_or_default())
                .show()
                .map(drop)
                .map_err(|e| e.to_string())
        }),
        // A desktop without a notification service is no reason to say anything.
        |_| Message::Done,
    )
}

pub(super) fn worker_stream(
    paths: &Paths,
) -> impl iced::futures::Stream<Item = WorkerMessage> + use<> {
    let paths = paths.clone();
    iced::stream::channel(100, async move |mut output| {
        let (handle, mut events) = worker::spawn(paths, worker::Schedule::Automatic);
        let _ = output.send(WorkerMessage::Ready(handle)).await;
        while let Some(event) = events.recv().await {
            if output.send(WorkerMessage::Event(event)).await.is_err() {
                break;
            }
        }
    })
}
