//! Getting mail: the toolbar's buttons, what the worker reports, notifications.

use super::*;

impl App {
    pub(super) fn get_mail(&mut self) -> Task<Message> {
        if self.snapshot.accounts.is_empty() {
            self.status.say(t!("status-add-account-first"));
            return Task::none();
        }
        let accounts = match self.mailbox.folder() {
            Folder::Account(id) => vec![id],
            Folder::AllInboxes | Folder::Local(_) | Folder::Trash => Vec::new(),
        };
        match &self.worker {
            Some(worker) if worker.send(Command::Fetch(accounts)) => {
                self.status.say(t!("status-checking"));
            }
            _ => self.status.say(t!("status-no-worker")),
        }
        Task::none()
    }

    /// What the worker reports: the status bar follows the fetches; the window reads the
    /// list again, notifies, asks for a password or reopens a completed message.
    pub(super) fn worker_event(&mut self, event: Event) -> Task<Message> {
        self.status.fetch_event(&event);
        match event {
            Event::Started { .. } | Event::DownloadingRest { .. } | Event::Idle => Task::none(),
            Event::Cancelled { .. } => self.reload(),
            // Show new mail as it arrives, a page at a time.
            Event::Progress { progress, .. } if progress.done > 0 && progress.done % 50 == 0 => {
                self.reload()
            }
            Event::Progress { .. } => Task::none(),
            Event::Finished { name, report, .. } => {
                let notify = if self.snapshot.preferences.notify && report.new > 0 {
                    notify_new_mail(&name, report.new, report.first_subject.clone())
                } else {
                    Task::none()
                };
                Task::batch([notify, self.reload()])
            }
            Event::Failed {
                account: Some(account),
                name,
                error: worker::FetchError::Password(reason),
            } => self.ask_password(account, name, &reason),
            Event::Failed { .. } | Event::Delivered { .. } => self.reload(),
            Event::Completed { message, .. } => {
                let reopen = if self.selected == Some(message) {
                    self.select_message(message)
                } else {
                    Task::none()
                };
                Task::batch([reopen, self.reload()])
            }
            // A search typed while indexing ran finds what it has indexed since.
            Event::Indexed(_) if self.mailbox.is_searching() => self.load_ids(),
            Event::Indexed(_) => Task::none(),
            Event::BackedUp(result) => {
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

    /// No stored password (or no keyring at all): ask for it now, or once the dialog that
    /// is open (another password prompt, too) closes; an account already waiting for its
    /// prompt is not asked twice.
    fn ask_password(
        &mut self,
        account: AccountId,
        name: String,
        reason: &crate::secrets::Error,
    ) -> Task<Message> {
        let reason = ui::describe::password(reason);
        self.status.say(format!("{name}: {reason}"));
        self.passwords.ask(password_prompt::Prompt {
            account,
            name,
            reason,
            password: String::new(),
        });
        self.show_waiting_password()
    }

    /// "Download the rest" of message `id`: the worker finds the message's account by its
    /// id (the list may not hold the message's row, or hold it under an old name), and the
    /// status bar names the account when the worker says it has begun.
    pub(super) fn download_rest(&mut self, id: i64) -> Task<Message> {
        let sent = self
            .worker
            .as_ref()
            .is_some_and(|worker| worker.send(Command::DownloadRest { message: id }));
        if !sent {
            self.status.say(t!("status-no-worker"));
        }
        Task::none()
    }

    pub(super) fn stop_fetching(&mut self) -> Task<Message> {
        if let Some(worker) = &self.worker {
            worker.send(Command::Cancel(None));
        }
        self.status.say(t!("status-stopping"));
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
                .map_err(|e| ui::describe::Failure::from(std::io::Error::other(e)))
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
