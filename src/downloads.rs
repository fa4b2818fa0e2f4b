//! Attachments leaving the store: files the user saves, and the private copies written so
//! that the system's program can open them. Both carry the platform's download mark, so
//! that Windows SmartScreen, Office's Protected View and macOS Gatekeeper treat them as
//! the strangers' files they are. The private copies live in one folder per message and
//! go with the message, or after [`KEEP_OPENED`].

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::mail::AttachmentFile;
use crate::paths::Paths;

/// How long a private copy made for "Open" is kept (the program showing it may still
/// have it open for a while; a week later it is only clutter).
pub const KEEP_OPENED: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Where an attachment came from, for the marks that can say so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The message's sender, as the list shows it.
    pub from: String,
    pub subject: String,
}

/// Writes a saved attachment and marks it as downloaded.
pub fn save(path: &Path, bytes: &[u8], origin: &Origin) -> io::Result<()> {
    std::fs::write(path, bytes)?;
    mark_downloaded(path, origin);
    Ok(())
}

/// Writes attachment `index` of message `message` into its private folder under
/// [`Paths::opened`], marked as downloaded; returns the file to open.
pub fn write_for_opening(
    paths: &Paths,
    message: i64,
    index: usize,
    file: &AttachmentFile,
    origin: &Origin,
) -> io::Result<PathBuf> {
    let dir = paths.opened_attachment(message, index);
    std::fs::create_dir_all(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Other users of this computer have no business reading someone's attachments.
        for private in [paths.opened(), paths.opened_message(message), dir.clone()] {
            std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    let path = dir.join(&file.name);
    save(&path, &file.bytes, origin)?;
    Ok(path)
}

/// Removes the private copies of these messages' attachments (after they were deleted
/// for good). A copy that cannot be removed now goes at a later start-up.
pub fn remove_opened(paths: &Paths, messages: &[i64]) {
    for &message in messages {
        let dir = paths.opened_message(message);
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                tracing::warn!("could not remove {}: {e}", dir.display());
            }
            _ => {}
        }
    }
}

/// Removes the private copies older than `keep` at `now` (by the newest file in them),
/// and those whose message `exists` no longer. Returns how many message folders went.
pub fn sweep_opened(
    paths: &Paths,
    now: SystemTime,
    keep: Duration,
    exists: impl Fn(i64) -> bool,
) -> usize {
    let Ok(entries) = std::fs::read_dir(paths.opened()) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        // Only folders named as this module names them ("12", or "12-0" from before
        // copies were kept per message) are Poplar's to remove.
        let Some(message) = name
            .to_str()
            .map(|n| n.split_once('-').map_or(n, |(id, _)| id))
            .and_then(|id| id.parse::<i64>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let old = newest_change(&path)
            .and_then(|t| now.duration_since(t).ok())
            .is_none_or(|age| age > keep);
        if (old || !exists(message)) && std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The latest modification time of a folder and what is in it, two levels down (a
/// message's folder, its attachments' folders and their files).
fn newest_change(dir: &Path) -> Option<SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    let mut consider = |path: &Path| {
        if let Ok(t) = std::fs::symlink_metadata(path).and_then(|m| m.modified()) {
            newest = Some(newest.map_or(t, |n| n.max(t)));
        }
    };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        consider(&entry.path());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            for inner in std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                consider(&inner.path());
            }
        }
    }
    newest
}

/// Marks a file as downloaded from the internet, as browsers do. A file system that
/// cannot hold the mark (FAT on a USB stick) is no reason to fail the save.
pub fn mark_downloaded(path: &Path, origin: &Origin) {
    if let Err(e) = platform::mark(path, origin) {
        tracing::warn!("could not mark {} as downloaded: {e}", path.display());
    }
}

/// Windows' mark of the web, in the file's `Zone.Identifier` stream: zone 3 is the
/// internet.
pub const ZONE_IDENTIFIER: &str = "[ZoneTransfer]\r\nZoneId=3\r\n";

/// macOS's `com.apple.quarantine` value: flags (downloaded, 0x0001, and from an
/// application's own download, 0x0080), the time in hexadecimal seconds, the agent.
pub fn quarantine_value(now: SystemTime) -> String {
    let seconds = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!("0081;{seconds:08x};Poplar;")
}

#[cfg(windows)]
mod platform {
    use super::*;

    pub fn mark(path: &Path, _origin: &Origin) -> io::Result<()> {
        let mut stream = path.as_os_str().to_os_string();
        stream.push(":Zone.Identifier");
        std::fs::write(stream, ZONE_IDENTIFIER)
    }
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn c_string(text: &str) -> io::Result<std::ffi::CString> {
    std::ffi::CString::new(text).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn c_path(path: &Path) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

#[cfg(target_os = "macos")]
mod platform {
    use super::*;
    use std::ffi::{c_char, c_int, c_void};

    unsafe extern "C" {
        fn setxattr(
            path: *const c_char,
            name: *const c_char,
            value: *const c_void,
            size: usize,
            position: u32,
            options: c_int,
        ) -> c_int;
    }

    pub fn mark(path: &Path, _origin: &Origin) -> io::Result<()> {
        let file = c_path(path)?;
        let name = c_string("com.apple.quarantine")?;
        let value = quarantine_value(SystemTime::now());
        // SAFETY: both strings are NUL-terminated and outlive the call; `value` is read
        // for exactly its length.
        let done = unsafe {
            setxattr(
                file.as_ptr(),
                name.as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
                0,
            )
        };
        if done == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

/// Linux has no mark that stops a program, but the freedesktop extended attributes say
/// where a file came from, and file managers can show it.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod platform {
    use super::*;
    use std::ffi::{c_char, c_int, c_void};

    unsafe extern "C" {
        fn setxattr(
            path: *const c_char,
            name: *const c_char,
            value: *const c_void,
            size: usize,
            flags: c_int,
        ) -> c_int;
    }

    pub fn mark(path: &Path, origin: &Origin) -> io::Result<()> {
        let file = c_path(path)?;
        for (name, value) in [
            ("user.xdg.origin.email.from", &origin.from),
            ("user.xdg.origin.email.subject", &origin.subject),
        ] {
            if value.is_empty() {
                continue;
            }
            let name = c_string(name)?;
            // SAFETY: both strings are NUL-terminated and outlive the call; `value` is
            // read for exactly its length.
            let done = unsafe {
                setxattr(
                    file.as_ptr(),
                    name.as_ptr(),
                    value.as_ptr().cast(),
                    value.len(),
                    0,
                )
            };
            if done != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

#[cfg(not(any(
    windows,
    target_os = "linux",
    target_os = "android",
    target_os = "macos"
)))]
mod platform {
    use super::*;

    pub fn mark(_path: &Path, _origin: &Origin) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> AttachmentFile {
        AttachmentFile {
            name: name.into(),
            bytes: b"contents".to_vec(),
            danger: None,
        }
    }

    #[test]
    fn copies_for_opening_live_in_one_private_folder_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let origin = Origin::default();
        let a = write_for_opening(&paths, 7, 0, &file("notes.txt"), &origin).unwrap();
        let b = write_for_opening(&paths, 7, 1, &file("notes.txt"), &origin).unwrap();
        let c = write_for_opening(&paths, 8, 0, &file("notes.txt"), &origin).unwrap();
        assert_ne!(
            a, b,
            "two attachments of one name do not overwrite each other"
        );
        assert!(a.starts_with(paths.opened_message(7)));
        assert_eq!(std::fs::read(&b).unwrap(), b"contents");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for private in [paths.opened(), paths.opened_message(7)] {
                let mode = std::fs::metadata(private).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o700);
            }
        }
        remove_opened(&paths, &[7, 99]);
        assert!(!paths.opened_message(7).exists());
        assert!(c.exists(), "another message's copy stays");
    }

    #[test]
    fn the_sweep_removes_copies_older_than_a_week_and_of_deleted_messages() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let origin = Origin::default();
        let now = SystemTime::now();
        let eight_days_ago = now - Duration::from_secs(8 * 24 * 60 * 60);
        let six_days_ago = now - Duration::from_secs(6 * 24 * 60 * 60);
        let age = |path: &Path, when: SystemTime| {
            // Files first: setting a folder's time is not changed by its contents after.
            for inner in std::fs::read_dir(path).unwrap().flatten() {
                for file in std::fs::read_dir(inner.path()).unwrap().flatten() {
                    let f = std::fs::File::open(file.path()).unwrap();
                    f.set_modified(when).unwrap();
                }
                std::fs::File::open(inner.path())
                    .unwrap()
                    .set_modified(when)
                    .unwrap();
            }
            std::fs::File::open(path)
                .unwrap()
                .set_modified(when)
                .unwrap();
        };
        for id in [1, 2, 3, 4] {
            write_for_opening(&paths, id, 0, &file("a.txt"), &origin).unwrap();
        }
        age(&paths.opened_message(1), eight_days_ago);
        age(&paths.opened_message(2), six_days_ago);
        // Opened again yesterday: the newest file counts, not the folder's first day.
        age(&paths.opened_message(3), eight_days_ago);
        std::fs::File::open(paths.opened_attachment(3, 0).join("a.txt"))
            .unwrap()
            .set_modified(now - Duration::from_secs(24 * 60 * 60))
            .unwrap();
        // A folder from before copies were kept per message, and one that is not ours.
        let legacy = paths.opened().join("5-0");
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::File::open(&legacy)
            .unwrap()
            .set_modified(eight_days_ago)
            .unwrap();
        let foreign = paths.opened().join("keep me");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::File::open(&foreign)
            .unwrap()
            .set_modified(eight_days_ago)
            .unwrap();

        let removed = sweep_opened(&paths, now, KEEP_OPENED, |id| id != 4);
        assert_eq!(removed, 3);
        assert!(!paths.opened_message(1).exists(), "older than a week");
        assert!(paths.opened_message(2).exists());
        assert!(paths.opened_message(3).exists());
        assert!(!paths.opened_message(4).exists(), "its message is gone");
        assert!(!legacy.exists());
        assert!(foreign.exists());
        // Nothing to sweep is no error.
        assert_eq!(
            sweep_opened(
                &Paths::at(dir.path().join("none")),
                now,
                KEEP_OPENED,
                |_| true
            ),
            0
        );
    }

    #[test]
    fn the_marks_say_internet() {
        assert_eq!(ZONE_IDENTIFIER, "[ZoneTransfer]\r\nZoneId=3\r\n");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(0x6650_0000);
        assert_eq!(quarantine_value(at), "0081;66500000;Poplar;");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn saved_files_say_where_they_came_from_on_linux() {
        use std::ffi::{c_char, c_void};
        unsafe extern "C" {
            fn getxattr(
                path: *const c_char,
                name: *const c_char,
                value: *mut c_void,
                size: usize,
            ) -> isize;
        }
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        std::fs::write(&probe, b"").unwrap();
        let unsupported = platform::mark(
            &probe,
            &Origin {
                from: "x".into(),
                ..Origin::default()
            },
        )
        .is_err_and(|e| e.raw_os_error() == Some(95));
        if unsupported {
            eprintln!("this file system keeps no user attributes; nothing to check");
            return;
        }
        let path = dir.path().join("見積書.pdf");
        let origin = Origin {
            from: "山田太郎 <yamada@example.jp>".into(),
            subject: "見積もり".into(),
        };
        save(&path, b"%PDF", &origin).unwrap();
        let read = |name: &str| {
            let file = c_path(&path).unwrap();
            let name = c_string(name).unwrap();
            let mut buffer = vec![0u8; 256];
            // SAFETY: NUL-terminated strings; the buffer is as long as we say.
            let n = unsafe {
                getxattr(
                    file.as_ptr(),
                    name.as_ptr(),
                    buffer.as_mut_ptr().cast(),
                    buffer.len(),
                )
            };
            buffer.truncate(usize::try_from(n).expect("the attribute is set"));
            String::from_utf8(buffer).unwrap()
        };
        assert_eq!(read("user.xdg.origin.email.from"), origin.from);
        assert_eq!(read("user.xdg.origin.email.subject"), origin.subject);
    }
}
