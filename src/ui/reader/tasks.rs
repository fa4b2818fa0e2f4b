//! The reading pane's work off the UI thread: reading the message, saving and opening
//! its attachments, saving it as .eml.

use iced::Task;

use super::Message;
use super::Opener;
use crate::downloads;
use crate::mail::{self, Rendered};
use crate::paths::Paths;
use crate::store::Store;
use crate::t;
use crate::ui::blocking;
use crate::ui::describe::Failure;

/// Reads and parses a message: what the pane shows, and its source as text.
pub(super) async fn open_message(paths: Paths, id: i64) -> Result<(Rendered, String), Failure> {
    blocking(move || {
        let store = Store::open(&paths.database())?;
        let raw = store.raw_message(id)?;
        // A very large source is cut for display; Save as .eml gives all of it.
        const SHOWN: usize = 2 << 20;
        let mut source = String::from_utf8_lossy(&raw[..raw.len().min(SHOWN)]).into_owned();
        if raw.len() > SHOWN {
            source.push_str("\n[…]");
        }
        let mut rendered = mail::render(&raw);
        rendered.bcc = store.bcc(id)?.join(", ");
        Ok((rendered, source.replace("\r\n", "\n")))
    })
    .await
}

pub(super) fn save_attachment_to(
    paths: Paths,
    id: i64,
    index: usize,
    path: std::path::PathBuf,
) -> Task<Message> {
    Task::perform(
        blocking(move || -> Result<_, Failure> {
            let (file, origin) = read_attachment(&paths, id, index)?;
            downloads::save(&path, &file.bytes, &origin)?;
            Ok(path)
        }),
        Message::AttachmentSaved,
    )
}

/// Writes the attachment's private copy and hands it to the system's program. Unless
/// the user has already confirmed, something that could run is not written at all: the
/// warning is shown instead (the pane's own check may not have seen its bytes).
pub(super) fn open_attachment(
    paths: &Paths,
    opener: &Opener,
    id: i64,
    index: usize,
    confirmed: bool,
) -> Task<Message> {
    let paths = paths.clone();
    let opener = opener.clone();
    Task::perform(
        blocking(move || -> Result<_, Failure> {
            let (file, origin) = read_attachment(&paths, id, index)?;
            if file.danger.is_some() && !confirmed {
                return Ok(false);
            }
            let path = downloads::write_for_opening(&paths, id, index, &file, &origin)?;
            opener(&path)?;
            Ok(true)
        }),
        move |result| match result {
            Ok(true) => Message::Done,
            Ok(false) => Message::AttachmentNeedsConfirming(id, index),
            Err(e) => Message::AttachmentNotOpened(e),
        },
    )
}

/// Attachment `index` of message `id` (blocking), and where it came from.
fn read_attachment(
    paths: &Paths,
    id: i64,
    index: usize,
) -> Result<(mail::AttachmentFile, downloads::Origin), Failure> {
    let store = Store::open(&paths.database())?;
    let raw = store.raw_message(id)?;
    let file = mail::attachment(&raw, index).ok_or(Failure::AttachmentGone)?;
    let summary = mail::summarize(&raw);
    let origin = downloads::Origin {
        from: summary.from,
        subject: summary.subject,
    };
    Ok((file, origin))
}

/// Asks where to save the message as .eml, suggesting a name made of its subject.
pub(super) fn save_eml(id: i64, subject: &str) -> Task<Message> {
    let name = crate::transfer::eml_name(id, subject);
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_title(t!("dialog-save-message"))
                .set_file_name(name)
                .save_file()
                .await
                .map(|h| h.path().to_path_buf())
        },
        move |path| Message::SaveEmlTo(id, path),
    )
}

pub(super) fn save_eml_to(paths: Paths, id: i64, path: std::path::PathBuf) -> Task<Message> {
    Task::perform(
        blocking(move || -> Result<_, Failure> {
            crate::transfer::export_one(&paths, id, &path)?;
            Ok(path)
        }),
        Message::EmlSaved,
    )
}
