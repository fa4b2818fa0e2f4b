//! Start-up: the upgrade of the database to the current schema (behind a progress screen
//! when it takes a while), then the first read of the store, the integrity check, the
//! sweep of opened copies, and the window benchmark's first-frame report.

use std::time::Duration;

use iced::futures::Stream;

use super::*;

/// How long the upgrade may take before the window says what it is doing.
const UPGRADE_PATIENCE: Duration = Duration::from_secs(1);

/// Where start-up is. Nothing reads the database before it is up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// `store::upgrade` is running off the UI thread; `slow` once it has taken longer
    /// than [`UPGRADE_PATIENCE`] (the window then says so).
    Upgrading { slow: bool },
    /// The database is up to date: the mailbox is read and the worker runs.
    Ready,
    /// The upgrade failed; `load_error` says why (and the integrity check whether the
    /// database is damaged, with the way back).
    Failed,
}

impl App {
    /// The first task of the window: bring the database up to date.
    pub(super) fn start_upgrade(&self) -> Task<Message> {
        let paths = self.paths.clone();
        let job = move || -> Result<(), Failure> {
            paths.ensure()?;
            Ok(crate::store::upgrade(&paths.database())?)
        };
        Task::run(upgrade_messages(job, UPGRADE_PATIENCE), |m| m)
    }

    /// The upgrade has taken long enough to say so.
    pub(super) fn upgrade_slow(&mut self) -> Task<Message> {
        if let Startup::Upgrading { slow } = &mut self.startup {
            *slow = true;
        }
        Task::none()
    }

    /// The upgrade is over: on success the mailbox is read and the rest of start-up runs;
    /// on failure the window says why, and the integrity check offers a backup when the
    /// database is damaged.
    pub(super) fn upgraded(&mut self, result: Result<(), Failure>) -> Task<Message> {
        match result {
            Ok(()) => {
                self.startup = Startup::Ready;
                // The list is read at once; the integrity check runs beside it and only
                // speaks up when something is wrong.
                Task::batch([
                    self.reload(),
                    Task::perform(check_health(self.paths.clone()), Message::Health),
                    Task::perform(sweep_opened(self.paths.clone()), |_| Message::Done),
                ])
            }
            Err(e) => {
                self.startup = Startup::Failed;
                self.load_error = Some(e);
                Task::perform(check_health(self.paths.clone()), Message::Health)
            }
        }
    }

    /// For the window benchmark: once the list's visible rows are read, ask for the next
    /// frame; its screenshot arrives when that frame has been drawn.
    pub(super) fn startup_frame(&mut self) -> Task<Message> {
        match &mut self.startup_report {
            Some(report) if !report.asked && self.list.shows_rows() => {
                report.asked = true;
                iced::window::latest()
                    .and_then(iced::window::screenshot)
                    .map(|_| Message::FirstFrame)
            }
            _ => Task::none(),
        }
    }

    pub(super) fn first_frame(&mut self) -> Task<Message> {
        if let Some(report) = &mut self.startup_report {
            report.first_frame = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_micros());
        }
        Task::perform(
            tokio::time::sleep(std::time::Duration::from_secs(3)),
            |()| Message::SettledAfterStart,
        )
    }

    pub(super) fn settled_after_start(&mut self) -> Task<Message> {
        if let Some(report) = &self.startup_report {
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS:"))
                        .map(|l| l.trim_start_matches("VmRSS:").trim().to_string())
                })
                .unwrap_or_default();
            let _ = std::fs::write(
                &report.file,
                format!(
                    "first_frame_unix_us={}\nidle_rss={rss}\n",
                    report.first_frame.unwrap_or_default()
                ),
            );
        }
        iced::exit()
    }
}

/// Reads what the sidebar and the list show; blocking work runs on tokio's blocking pool.
pub async fn load_snapshot(paths: Paths) -> Result<Snapshot, Failure> {
    crate::ui::blocking(move || read_snapshot(&paths)).await
}

/// The blocking half of [`load_snapshot`].
pub fn read_snapshot(paths: &Paths) -> Result<Snapshot, Failure> {
    paths.ensure()?;
    let store = Store::open(&paths.database())?;
    let run = || -> Result<Snapshot, crate::store::Error> {
        use crate::store::Role;
        let accounts = store.accounts()?;
        let queued = store.queued(None)?;
        // Shown once the first message was written (reading only: a snapshot takes no
        // write lock).
        let outbox = store.find_role_folder(Role::Outbox)?;
        let sent = store.find_role_folder(Role::Sent)?;
        let drafts = store.find_role_folder(Role::Drafts)?;
        let junk = store.find_role_folder(Role::Junk)?;
        Ok(Snapshot {
            junk,
            outbox,
            sent,
            drafts,
            draft_count: store.draft_count()?,
            queued,
            accounts,
            unread: store.unread_counts()?.into_iter().collect(),
            trash: store.count(View::Trash)?,
            backup: backup::Settings::load(&store).unwrap_or_default(),
            folders: store.folders()?,
            folder_unread: store.folder_unread_counts()?.into_iter().collect(),
            preferences: Preferences::load(&store),
        })
    };
    Ok(run()?)
}

/// The integrity check, and what to offer when it fails.
pub(super) async fn check_health(paths: Paths) -> Option<Damaged> {
    tokio::task::spawn_blocking(move || match backup::check_health(&paths) {
        backup::Health::Good | backup::Health::New => None,
        backup::Health::Damaged(detail) => Some(Damaged {
            detail,
            latest: backup::remembered_folder(&paths)
                .and_then(|dir| backup::snapshots(&dir).into_iter().next()),
        }),
    })
    .await
    .ok()
    .flatten()
}

/// At start-up, off the UI thread: the private copies made for "Open" that are a week old,
/// or whose message is gone (deleted elsewhere, or with its account), are removed.
pub(super) async fn sweep_opened(paths: Paths) -> Result<usize, Failure> {
    ui::blocking(move || {
        if !paths.opened().exists() {
            return Ok(0);
        }
        let store = Store::open(&paths.database())?;
        // Only a message known to be gone takes its copies with it; a busy database does not.
        let exists = |id| {
            !matches!(
                store.message_origin(id),
                Err(crate::store::Error::NoSuchMessage(_))
            )
        };
        Ok(downloads::sweep_opened(
            &paths,
            std::time::SystemTime::now(),
            downloads::KEEP_OPENED,
            exists,
        ))
    })
    .await
}

/// The messages of an upgrade: [`Message::UpgradeSlow`] if `job` is still running after
/// `patience`, then [`Message::Upgraded`] with its result. The job runs on tokio's
/// blocking pool, never on the UI thread.
fn upgrade_messages(
    job: impl FnOnce() -> Result<(), Failure> + Send + 'static,
    patience: Duration,
) -> impl Stream<Item = Message> {
    iced::stream::channel(2, async move |mut out| {
        let mut job = std::pin::pin!(ui::blocking(job));
        let result = match tokio::time::timeout(patience, &mut job).await {
            Ok(result) => result,
            Err(_) => {
                let _ = out.send(Message::UpgradeSlow).await;
                job.await
            }
        };
        let _ = out.send(Message::Upgraded(result)).await;
    })
}

#[cfg(test)]
mod tests {
    use iced::futures::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_quick_upgrade_says_nothing_but_that_it_is_done() {
        let messages: Vec<Message> = upgrade_messages(|| Ok(()), Duration::from_secs(3600))
            .collect()
            .await;
        assert!(
            matches!(messages[..], [Message::Upgraded(Ok(()))]),
            "{messages:?}"
        );
    }

    #[tokio::test]
    async fn a_slow_upgrade_is_announced_before_it_ends() {
        // The job cannot end before the test has seen the announcement.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let job = move || {
            wait.recv()
                .map_err(|_| Failure::Interrupted(crate::interrupted::Interrupted::Cancelled))
        };
        let mut messages = std::pin::pin!(upgrade_messages(job, Duration::ZERO));
        assert!(matches!(messages.next().await, Some(Message::UpgradeSlow)));
        release.send(()).unwrap();
        assert!(matches!(
            messages.next().await,
            Some(Message::Upgraded(Ok(())))
        ));
        assert!(messages.next().await.is_none());
    }

    #[tokio::test]
    async fn a_failed_upgrade_says_why() {
        let too_new = || {
            Err(Failure::Store(crate::store::Error::TooNew {
                found: 99,
                known: 15,
            }))
        };
        let messages: Vec<Message> = upgrade_messages(too_new, Duration::from_secs(3600))
            .collect()
            .await;
        assert!(
            matches!(
                &messages[..],
                [Message::Upgraded(Err(Failure::Store(
                    crate::store::Error::TooNew { found: 99, .. }
                )))]
            ),
            "{messages:?}"
        );
    }

    fn app() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let (app, _) = App::new(paths);
        (dir, app)
    }

    #[test]
    fn start_up_waits_for_the_upgrade_and_says_when_it_is_slow() {
        let (_dir, mut app) = app();
        assert_eq!(app.startup, Startup::Upgrading { slow: false });
        let _ = app.update(Message::UpgradeSlow);
        assert_eq!(app.startup, Startup::Upgrading { slow: true });
        let _ = app.update(Message::Upgraded(Ok(())));
        assert_eq!(app.startup, Startup::Ready);
        // An announcement that comes late changes nothing.
        let _ = app.update(Message::UpgradeSlow);
        assert_eq!(app.startup, Startup::Ready);
    }

    #[test]
    fn a_failed_upgrade_is_shown_and_starts_nothing() {
        let (_dir, mut app) = app();
        let _ = app.update(Message::Upgraded(Err(Failure::AccountGone)));
        assert_eq!(app.startup, Startup::Failed);
        assert!(matches!(app.load_error, Some(Failure::AccountGone)));
    }
}
