//! Start-up: the first read of the store, the integrity check, the sweep of opened
//! copies, and the window benchmark's first-frame report.

use super::*;

impl App {
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
pub async fn load_snapshot(paths: Paths) -> Result<Snapshot, String> {
    crate::ui::blocking(move || read_snapshot(&paths)).await
}

/// The blocking half of [`load_snapshot`].
pub fn read_snapshot(paths: &Paths) -> Result<Snapshot, String> {
    paths.ensure().map_err(|e| e.said())?;
    let store = Store::open(&paths.database()).map_err(|e| e.said())?;
    let run = || -> Result<Snapshot, crate::store::Error> {
        Ok(Snapshot {
            accounts: store.accounts()?,
            unread: store.unread_counts()?.into_iter().collect(),
            trash: store.count(View::Trash)?,
            backup: backup::Settings::load(&store).unwrap_or_default(),
            folders: store.folders()?,
            folder_unread: store.folder_unread_counts()?.into_iter().collect(),
            preferences: Preferences::load(&store),
        })
    };
    run().map_err(|e| e.said())
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
pub(super) async fn sweep_opened(paths: Paths) -> Result<usize, String> {
    ui::blocking(move || {
        if !paths.opened().exists() {
            return Ok(0);
        }
        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
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
