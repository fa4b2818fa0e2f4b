//! The status bar and what it knows: the window's last sentence, a lasting notice, which
//! accounts are being fetched (by id: a rename mid-fetch changes nothing), the last backup
//! and the list's count.

use std::collections::HashMap;

use iced::Task;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Fill, Length};

use crate::accounts::AccountId;
use crate::sync::Progress;
use crate::t;
use crate::ui::describe;
use crate::worker::{Event as WorkerEvent, FetchError};

/// The status bar's own state.
#[derive(Debug, Default)]
pub struct Status {
    line: String,
    /// A lasting warning (e.g. passwords cannot be remembered), shown beside the line.
    notice: Option<String>,
    /// Accounts being fetched, with their progress.
    fetching: HashMap<AccountId, Progress>,
}

#[derive(Debug, Clone, Copy)]
pub enum Message {
    /// The backup note was clicked.
    Backups,
}

/// What the bar asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    OpenBackups,
}

impl Status {
    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Backups => (Task::none(), Some(Event::OpenBackups)),
        }
    }

    /// Says something, in place of what was said before.
    pub fn say(&mut self, line: impl Into<String>) {
        self.line = line.into();
    }

    /// What the bar says now.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// A lasting warning, kept until the program ends.
    pub fn warn(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// True while any account is being fetched.
    pub fn is_fetching(&self) -> bool {
        !self.fetching.is_empty()
    }

    /// True while this account is being fetched.
    pub fn is_fetching_account(&self, account: AccountId) -> bool {
        self.fetching.contains_key(&account)
    }

    /// Follows a fetch the worker reports: the fetching set and the sentence about it.
    /// Events that are not about fetching change nothing here.
    pub fn fetch_event(&mut self, event: &WorkerEvent) {
        match event {
            WorkerEvent::Started { account, name } => {
                self.fetching.insert(*account, Progress::default());
                self.line = t!("status-connecting", account = name.clone());
            }
            WorkerEvent::Progress {
                account,
                name,
                progress,
            } => {
                self.line = if progress.total == 0 {
                    t!("status-no-new", account = name.clone())
                } else {
                    t!(
                        "status-progress",
                        account = name.clone(),
                        done = progress.done,
                        total = progress.total,
                        kb = progress.bytes / 1024
                    )
                };
                self.fetching.insert(*account, *progress);
            }
            WorkerEvent::Finished {
                account,
                name,
                report,
            } => {
                self.fetching.remove(account);
                let mut line = t!(
                    "status-finished",
                    account = name.clone(),
                    new = report.new,
                    deleted = report.deleted,
                    kept = report.kept
                );
                if !report.skipped.is_empty() {
                    line.push_str(&t!("status-skipped", count = report.skipped.len()));
                }
                self.line = line;
            }
            WorkerEvent::Failed {
                account,
                name,
                error,
            } => {
                if let Some(account) = account {
                    self.fetching.remove(account);
                }
                self.line = failed(name, error);
            }
            WorkerEvent::Cancelled { account, name } => {
                self.fetching.remove(account);
                self.line = t!("status-stopped", account = name.clone());
            }
            WorkerEvent::DownloadingRest { name, .. } => {
                self.line = t!("status-downloading-rest", account = name.clone());
            }
            WorkerEvent::Completed { account, name, .. } => {
                self.fetching.remove(account);
                self.line = t!("status-completed", account = name.clone());
            }
            WorkerEvent::Delivered { name, result, .. } => {
                self.line = super::sending::delivered(name, result);
            }
            WorkerEvent::BackedUp(result) => {
                self.line = match result {
                    Ok(s) => t!("status-backed-up", path = s.path.display().to_string()),
                    Err(e) => t!("status-backup-failed", error = describe::Said::said(e)),
                };
            }
            // Nothing runs any more: whatever the bar still shows as running is over.
            WorkerEvent::Idle => self.fetching.clear(),
            WorkerEvent::Indexed(_) => {}
        }
    }

    /// The bar: the sentence (and the notice under it), the last backup, the count.
    pub fn view<'a>(
        &'a self,
        backup: &'a crate::backup::Settings,
        count: usize,
    ) -> Element<'a, Message> {
        let count = t!("status-count", count = count);
        // One line, always: long texts are cut at the edge instead of growing the bar.
        let line = |t: iced::widget::Text<'a>| t.size(13).wrapping(text::Wrapping::None);
        let mut status = column![line(text(&self.line))];
        if let Some(notice) = &self.notice {
            status = status.push(line(text(notice)).style(text::warning));
        }
        row![
            container(status).width(Fill).clip(true),
            backup_note(backup),
            line(text(count)),
        ]
        .spacing(12)
        .padding([4, 8])
        .align_y(iced::Center)
        .height(Length::Shrink)
        .into()
    }
}

/// A failed fetch in one sentence: the account, what went wrong, and whether Poplar tries
/// again by itself.
fn failed(name: &str, error: &FetchError) -> String {
    let said = describe::fetch(error);
    match (name.is_empty(), error.is_temporary()) {
        (false, true) => t!(
            "status-failed-will-retry",
            account = name.to_string(),
            error = said
        ),
        (false, false) => format!("{name}: {said}"),
        (true, _) => said,
    }
}

/// The last backup, or a warning when there is none for a week (or no folder at all).
fn backup_note(settings: &crate::backup::Settings) -> Element<'_, Message> {
    let now = crate::store::now();
    let note = match (&settings.dir, settings.last_success) {
        (None, _) => {
            return button(
                text(t!("backup-off"))
                    .size(13)
                    .wrapping(text::Wrapping::None)
                    .style(text::warning),
            )
            .on_press(Message::Backups)
            .style(button::text)
            .padding(0)
            .into();
        }
        (Some(_), None) => t!("backup-none-yet"),
        (Some(_), Some(last)) => {
            let age = (now - last).max(0);
            match (age / 86_400, age / 3600, age / 60) {
                (0, 0, 0) => t!("backup-just-now"),
                (0, 0, m) => t!("backup-minutes-ago", minutes = m),
                (0, h, _) => t!("backup-hours-ago", hours = h),
                (d, _, _) => t!("backup-days-ago", days = d),
            }
        }
    };
    let label = text(note).size(13).wrapping(text::Wrapping::None);
    let label = if settings.overdue(now) {
        label.style(text::danger)
    } else {
        label
    };
    button(label)
        .on_press(Message::Backups)
        .style(button::text)
        .padding(0)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Report;

    fn started(id: i64, name: &str) -> WorkerEvent {
        WorkerEvent::Started {
            account: AccountId(id),
            name: name.into(),
        }
    }

    /// Two accounts with the same name (one renamed while fetching, say) are two fetches:
    /// the end of one leaves the other shown as running.
    #[test]
    fn fetches_are_followed_by_account_not_by_name() {
        let mut status = Status::default();
        status.fetch_event(&started(1, "home"));
        status.fetch_event(&started(2, "home"));
        status.fetch_event(&WorkerEvent::Finished {
            account: AccountId(1),
            name: "home".into(),
            report: Report::default(),
        });
        assert!(status.is_fetching());
        assert!(status.is_fetching_account(AccountId(2)));
        assert!(!status.is_fetching_account(AccountId(1)));
        status.fetch_event(&WorkerEvent::Failed {
            account: Some(AccountId(2)),
            name: "home".into(),
            error: FetchError::Crashed,
        });
        assert!(!status.is_fetching());
    }

    /// "Download the rest" is a job too: its end, and the worker's "idle", end the
    /// "fetching" state (the toolbar's Stop would otherwise stay, with nothing to stop).
    #[test]
    fn completed_and_idle_end_the_fetching_state() {
        let mut status = Status::default();
        status.fetch_event(&started(1, "home"));
        status.fetch_event(&WorkerEvent::Completed {
            account: AccountId(1),
            name: "home".into(),
            message: 5,
        });
        assert!(!status.is_fetching());
        status.fetch_event(&started(2, "work"));
        status.fetch_event(&WorkerEvent::Idle);
        assert!(!status.is_fetching());
    }

    /// "Download the rest" names the account the worker found for the message.
    #[test]
    fn downloading_the_rest_names_the_workers_account() {
        crate::i18n::set_thread_language(crate::i18n::Language::English);
        let mut status = Status::default();
        status.fetch_event(&started(1, "renamed"));
        status.fetch_event(&WorkerEvent::DownloadingRest {
            account: AccountId(1),
            name: "renamed".into(),
            message: 5,
        });
        assert_eq!(
            status.line(),
            "renamed: downloading the rest of the message…"
        );
        assert!(status.is_fetching_account(AccountId(1)));
    }

    /// A failure that names no account (a message whose account was removed) still says
    /// what happened, and ends no fetch.
    #[test]
    fn a_failure_without_an_account_is_said() {
        let mut status = Status::default();
        status.fetch_event(&started(1, "home"));
        status.fetch_event(&WorkerEvent::Failed {
            account: None,
            name: String::new(),
            error: FetchError::AccountGone,
        });
        assert!(status.is_fetching_account(AccountId(1)));
        assert_eq!(status.line(), describe::fetch(&FetchError::AccountGone));
        assert!(!status.line().is_empty());
    }
}
