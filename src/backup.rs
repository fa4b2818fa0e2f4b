//! Backups: consistent snapshots of the database in a folder the user picks (another
//! disk, a USB stick, a synced folder), the last N kept; restoring one, with the current
//! database kept aside; and the health check that offers a restore when the database is
//! damaged. With POP3 the mail here is often the only copy left.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use crate::interrupted::Interrupted;
use crate::paths::Paths;
use crate::store::{self, Store};

pub const DIR_KEY: &str = "backup.dir";
pub const KEEP_KEY: &str = "backup.keep";
pub const LAST_KEY: &str = "backup.last_success";
/// Snapshots kept when the user has not said.
pub const DEFAULT_KEEP: usize = 7;
/// A backup is due this long after the last one.
pub const INTERVAL_SECS: i64 = 24 * 3600;
/// The status bar warns when the last success is older than this.
pub const WARN_AFTER_SECS: i64 = 7 * 24 * 3600;

const PREFIX: &str = "poplar-backup-";
const SUFFIX: &str = ".sqlite3";

/// What can go wrong with backups. Each case keeps its facts (paths, SQLite's or the
/// system's words, a typed cause); the window words them from the catalogs.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("no backup folder is set; choose one, or give one with --to DIR")]
    NoFolder,
    #[error("could not write to the backup folder {path}: {detail}")]
    Folder { path: String, detail: String },
    #[error("the backup could not be made: {0}")]
    Backup(Cause),
    #[error("{path} is not a usable Poplar backup: {cause}")]
    BadSnapshot { path: String, cause: Cause },
    #[error("{0}")]
    Store(#[from] store::Error),
    /// The data folder could not be made ready.
    #[error("{0}")]
    DataFolder(Arc<crate::paths::Error>),
    /// The data folder's lock (which keeps fetches out during a restore) failed.
    #[error("could not take the data folder's lock: {0}")]
    Lock(Arc<std::io::Error>),
    /// The database here could not be moved aside before it was replaced.
    #[error("could not move the database aside: {0}")]
    SetAside(Arc<std::io::Error>),
    #[error(
        "mail is being fetched into this data folder; restore when the fetch has finished (nothing was changed)"
    )]
    FetchRunning,
    #[error(
        "the backup could not be restored ({cause}); the database as it was before is kept at {kept}"
    )]
    RestoreFailed { cause: Cause, kept: String },
}

/// Why a snapshot could not be made, read or restored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Cause {
    /// SQLite refused (its words).
    #[error("{0}")]
    Sqlite(Arc<rusqlite::Error>),
    /// The snapshot (or the copy just made) is damaged.
    #[error("{0}")]
    Damaged(Damage),
    /// The file is an SQLite database, but not a Poplar one.
    #[error("it holds no Poplar mail database")]
    NotPoplar,
    /// The restored database could not be brought up to date or opened.
    #[error("{0}")]
    Store(store::Error),
    /// The work ended without an answer.
    #[error("{0}")]
    Interrupted(#[from] Interrupted),
}

impl From<rusqlite::Error> for Cause {
    fn from(e: rusqlite::Error) -> Self {
        Cause::Sqlite(Arc::new(e))
    }
}

/// What SQLite found wrong with a database file (the one here, or a snapshot).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Damage {
    /// It could not be opened or read: SQLite's words.
    #[error("{0}")]
    Unreadable(Arc<rusqlite::Error>),
    /// SQLite's integrity check failed: its report.
    #[error("the integrity check failed: {0}")]
    Integrity(String),
}

impl From<rusqlite::Error> for Damage {
    fn from(e: rusqlite::Error) -> Self {
        Damage::Unreadable(Arc::new(e))
    }
}

impl From<Damage> for Cause {
    fn from(d: Damage) -> Self {
        Cause::Damaged(d)
    }
}

/// One snapshot file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub path: PathBuf,
    /// When it was made, seconds since the epoch (from its name).
    pub made_at: i64,
    pub size: u64,
}

/// The backup settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    pub dir: Option<PathBuf>,
    pub keep: usize,
    pub last_success: Option<i64>,
}

impl Settings {
    pub fn load(store: &Store) -> Result<Settings, Error> {
        Ok(Settings {
            dir: store.setting(DIR_KEY)?.map(PathBuf::from),
            keep: store
                .setting(KEEP_KEY)?
                .and_then(|k| k.parse().ok())
                .filter(|k| *k > 0)
                .unwrap_or(DEFAULT_KEEP),
            last_success: store.setting(LAST_KEY)?.and_then(|t| t.parse().ok()),
        })
    }

    /// True when a folder is set and a backup is due at `now`.
    pub fn due(&self, now: i64) -> bool {
        self.dir.is_some() && self.last_success.is_none_or(|t| now - t >= INTERVAL_SECS)
    }

    /// True when a folder is set but nothing has been backed up for a week.
    pub fn overdue(&self, now: i64) -> bool {
        self.dir.is_some() && self.last_success.is_none_or(|t| now - t >= WARN_AFTER_SECS)
    }
}

/// Sets the backup folder and how many snapshots to keep. The folder is also written to a
/// small file beside the database, so that a damaged database can still be restored from
/// it.
pub fn configure(paths: &Paths, dir: &Path, keep: Option<usize>) -> Result<(), Error> {
    let store = Store::open(&paths.database())?;
    store.set_setting(DIR_KEY, &dir.to_string_lossy())?;
    if let Some(keep) = keep {
        store.set_setting(KEEP_KEY, &keep.max(1).to_string())?;
    }
    fs::write(location_file(paths), dir.to_string_lossy().as_bytes()).map_err(|e| Error::Folder {
        path: paths.data_dir().display().to_string(),
        detail: e.to_string(),
    })
}

/// The backup folder as last configured, read without opening the database.
pub fn remembered_folder(paths: &Paths) -> Option<PathBuf> {
    let text = fs::read_to_string(location_file(paths)).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| PathBuf::from(text))
}

fn location_file(paths: &Paths) -> PathBuf {
    paths.backup_folder_file()
}

/// Makes a snapshot of the database in `dir` (the backup folder when None), keeps the
/// newest `keep` snapshots there, and records the success.
pub fn back_up(paths: &Paths, dir: Option<&Path>) -> Result<Snapshot, Error> {
    let store = Store::open(&paths.database())?;
    let settings = Settings::load(&store)?;
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => settings.dir.clone().ok_or(Error::NoFolder)?,
    };
    let folder_error = |e: std::io::Error| Error::Folder {
        path: dir.display().to_string(),
        detail: e.to_string(),
    };
    fs::create_dir_all(&dir).map_err(folder_error)?;

    let now = store::now();
    let name = format!(
        "{PREFIX}{}{SUFFIX}",
        chrono::DateTime::from_timestamp(now, 0)
            .unwrap_or_default()
            .format("%Y%m%d-%H%M%S")
    );
    let target = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    let _ = fs::remove_file(&partial);
    copy_database(store.connection(), &partial).map_err(Error::Backup)?;
    fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(folder_error)?;
    fs::rename(&partial, &target).map_err(folder_error)?;
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    let size = fs::metadata(&target).map(|m| m.len()).unwrap_or(0);

    store.set_setting(LAST_KEY, &now.to_string())?;
    for old in snapshots(&dir).into_iter().skip(settings.keep) {
        let _ = fs::remove_file(old.path);
    }
    Ok(Snapshot {
        path: target,
        made_at: now,
        size,
    })
}

/// Copies the database to `target` and checks the copy.
fn copy_database(from: &Connection, target: &Path) -> Result<(), Cause> {
    let mut copy = Connection::open(target)?;
    // One step copies every page under one read transaction: a consistent snapshot,
    // which a writer on another connection (a fetch) cannot make restart.
    let backup = rusqlite::backup::Backup::new(from, &mut copy)?;
    backup.step(-1)?;
    drop(backup);
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(check(&copy)?)
}

/// The snapshots in `dir`, newest first.
pub fn snapshots(dir: &Path) -> Vec<Snapshot> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut list: Vec<Snapshot> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
            let made_at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S")
                .ok()?
                .and_utc()
                .timestamp();
            Some(Snapshot {
                path: entry.path(),
                made_at,
                size: entry.metadata().map(|m| m.len()).unwrap_or(0),
            })
        })
        .collect();
    list.sort_by(|a, b| b.made_at.cmp(&a.made_at).then(b.path.cmp(&a.path)));
    list
}

/// Replaces the database with a snapshot. The current database is moved aside first
/// (never overwritten) and its new name returned; a snapshot from an older release is
/// upgraded by the migrations.
pub fn restore(paths: &Paths, snapshot: &Path) -> Result<Option<PathBuf>, Error> {
    let source = open_snapshot(snapshot).map_err(|cause| Error::BadSnapshot {
        path: snapshot.display().to_string(),
        cause,
    })?;

    paths.ensure().map_err(|e| Error::DataFolder(Arc::new(e)))?;
    // No fetch (of the window, or a `poplar fetch` from cron) may commit into the database
    // being replaced, and then delete on the server what only the set-aside file holds.
    let _no_fetch = crate::sync::FolderLock::take(paths, true)
        .map_err(|e| Error::Lock(Arc::new(e)))?
        .ok_or(Error::FetchRunning)?;
    let database = paths.database();
    let kept = set_aside(&database, "before-restore")?;
    let failed = |cause: Cause| match &kept {
        Some(kept) => Error::RestoreFailed {
            cause,
            kept: kept.display().to_string(),
        },
        None => Error::Backup(cause),
    };
    let copy = || -> Result<(), Cause> {
        let mut target = Connection::open(&database)?;
        let backup = rusqlite::backup::Backup::new(&source, &mut target)?;
        backup.step(-1)?;
        Ok(())
    };
    copy().map_err(failed)?;
    // A snapshot from an older release is brought up to the current schema.
    crate::store::upgrade(&database).map_err(|e| failed(Cause::Store(e)))?;
    let store = Store::open(&database).map_err(|e| failed(Cause::Store(e)))?;
    // The snapshot itself is a backup of what is now here: the restored database's own
    // record predates it.
    let made_at = snapshot
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(PREFIX)?.strip_suffix(SUFFIX))
        .and_then(|stamp| chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok())
        .map(|t| t.and_utc().timestamp());
    if let Some(made_at) = made_at {
        let last = Settings::load(&store)?.last_success.unwrap_or(0);
        store.set_setting(LAST_KEY, &last.max(made_at).to_string())?;
    }
    Ok(kept)
}

/// A snapshot opened to be restored, once it is known to be a sound Poplar database.
fn open_snapshot(snapshot: &Path) -> Result<Connection, Cause> {
    let source = Connection::open_with_flags(snapshot, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    check(&source)?;
    let is_poplar: bool = source.query_row(
        "SELECT COUNT(*) = 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'",
        [],
        |r| r.get(0),
    )?;
    if !is_poplar {
        return Err(Cause::NotPoplar);
    }
    Ok(source)
}

/// What the start-up check found.
#[derive(Debug, Clone, PartialEq)]
pub enum Health {
    Good,
    /// There is no database yet (a first start).
    New,
    /// The database cannot be opened or fails its integrity check.
    Damaged(Damage),
}

/// Opens the database and runs SQLite's quick integrity check on it. Never changes or
/// deletes anything.
pub fn check_health(paths: &Paths) -> Health {
    let database = paths.database();
    if !database.exists() {
        return Health::New;
    }
    let conn = match Connection::open_with_flags(
        &database,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(c) => c,
        Err(e) => return Health::Damaged(e.into()),
    };
    match check(&conn) {
        Ok(()) => Health::Good,
        Err(detail) => Health::Damaged(detail),
    }
}

/// Moves a damaged (or replaced) database and its WAL files aside, returning the new
/// name of the main file.
pub fn set_aside(database: &Path, why: &str) -> Result<Option<PathBuf>, Error> {
    if !database.exists() {
        return Ok(None);
    }
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let aside = database.with_extension(format!("sqlite3.{why}-{stamp}"));
    let move_error = |e: std::io::Error| Error::SetAside(Arc::new(e));
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", database.display()));
        if from.exists() {
            fs::rename(&from, format!("{}{suffix}", aside.display())).map_err(move_error)?;
        }
    }
    fs::rename(database, &aside).map_err(move_error)?;
    Ok(Some(aside))
}

fn check(conn: &Connection) -> Result<(), Damage> {
    let result: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if result == "ok" {
        Ok(())
    } else {
        Err(Damage::Integrity(result))
    }
}
