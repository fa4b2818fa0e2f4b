//! The reading pane: one message, its headers, attachments and links, and what can be
//! done with it. It owns its state; what it asks of the rest of the window (move this
//! message, say something in the status bar, it was opened) it says as an [`Event`].

use iced::Task;
use iced::widget::text_editor;

mod tasks;
mod view;

use super::{blocking, body};
use crate::mail::{self, Rendered};
use crate::paths::Paths;
use crate::t;
use crate::ui::describe::{Failure, Said};
use tasks::{open_attachment, open_message, save_attachment_to, save_eml, save_eml_to};

/// Where "Move to" can file a message: the Inbox (None) or a local folder, with the name
/// shown for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveTarget {
    pub folder: Option<i64>,
    pub label: String,
}

impl MoveTarget {
    /// Back to the Inbox of the account the message came from.
    pub fn inbox() -> MoveTarget {
        MoveTarget {
            folder: None,
            label: t!("folder-inbox"),
        }
    }

    pub fn folder(id: i64, name: &str) -> MoveTarget {
        MoveTarget {
            folder: Some(id),
            label: name.to_string(),
        }
    }
}

impl std::fmt::Display for MoveTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// What opens a file with the system's program for it.
pub type Opener = std::sync::Arc<dyn Fn(&std::path::Path) -> std::io::Result<()> + Send + Sync>;

/// The system's opener.
pub fn system_opener() -> Opener {
    std::sync::Arc::new(|path| open::that_detached(path))
}

/// The reading pane's state.
// There is only ever one: boxing the open message would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Default)]
pub enum Reader {
    #[default]
    Empty,
    Loading(i64),
    Loaded {
        id: i64,
        message: Rendered,
        body: text_editor::Content,
        /// The message's source (its bytes as text), shown instead of the body on request.
        source: String,
        showing_source: bool,
        /// Headings, strong text and links of the body, line by line.
        styles: body::Styles,
        /// The web and mail links in the body.
        links: Vec<String>,
        /// A link that was clicked: its real target is shown before anything opens.
        confirm_link: Option<String>,
        /// An attachment that could run as a program: what it really is is shown, and it
        /// opens only on a second, explicit click.
        confirm_attachment: Option<usize>,
    },
    Failed(Failure),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The message was read and parsed: what the pane shows, and its source.
    Loaded(i64, Result<(Rendered, String), Failure>),
    /// "View source" / "View message".
    ToggleSource,
    /// A link in the pane was clicked: show where it goes first.
    OpenLink(String),
    /// Open the link that is being shown, in the system's browser (or mail program).
    ConfirmLink,
    CancelLink,
    /// Attachment `index` of message `id`: save it where the user says, or open it.
    SaveAttachment(i64, usize),
    SaveAttachmentTo(i64, usize, Option<std::path::PathBuf>),
    /// "Open": at once for a document, after a warning for anything that could run.
    OpenAttachment(i64, usize),
    /// The attachment turned out to be something that could run: warn first.
    AttachmentNeedsConfirming(i64, usize),
    /// "Open anyway" under the warning.
    ConfirmAttachment,
    CancelAttachment,
    /// A selection or scroll in the body.
    Body(text_editor::Action),
    /// "Save as .eml…": ask where.
    SaveEml(i64),
    /// Where to save it (None: the dialog was cancelled).
    SaveEmlTo(i64, Option<std::path::PathBuf>),
    /// A button that acts on the message in the store.
    Act(i64, Act),
    /// An attachment was saved where the user said (or why not).
    AttachmentSaved(Result<std::path::PathBuf, Failure>),
    AttachmentNotOpened(Failure),
    /// The message was saved as .eml where the user said (or why not).
    EmlSaved(Result<std::path::PathBuf, Failure>),
    /// The system could not open a link.
    LinkFailed(Failure),
    /// Nothing to do.
    Done,
}

/// What the pane's buttons ask the window to do with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Trash,
    Restore,
    DeleteForGood,
    SetFlagged(bool),
    MarkUnread,
    MoveTo(MoveTarget),
    DownloadRest,
    /// A message in the Outbox: try sending it again now.
    SendAgain,
    /// A draft: open it to go on writing.
    EditDraft,
    /// Reply, reply to all or forward.
    Write(crate::ui::compose::Start),
    /// A sorting rule for mail like this one.
    NewRule,
    /// Junk (true) or not junk: trains the junk filter and moves the message.
    Junk(bool),
}

/// What the window hears from the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Message `id` is on show (the window decides when it counts as read).
    Opened(i64),
    Act(i64, Act),
    Status(String),
}

/// What the pane shows about the open message that the window knows, not the pane.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub in_trash: bool,
    pub flagged: bool,
    /// Stored as headers only: the whole message's size.
    pub partial: Option<u64>,
    /// Where "Move to" can file it.
    pub targets: Vec<MoveTarget>,
    /// In the Outbox: why it has not gone yet (None before a first try).
    pub waiting: Option<Option<crate::send::Why>>,
    /// A draft, in the Drafts folder.
    pub draft: bool,
    /// In the Junk folder.
    pub in_junk: bool,
}

impl Reader {
    /// The message on show, if one is (loaded or loading).
    pub fn shown(&self) -> Option<i64> {
        match self {
            Reader::Loading(id) | Reader::Loaded { id, .. } => Some(*id),
            Reader::Empty | Reader::Failed(_) => None,
        }
    }

    /// Whether message `id` is loaded and on show.
    pub fn is_loaded(&self, id: i64) -> bool {
        matches!(self, Reader::Loaded { id: open, .. } if *open == id)
    }

    /// Reads and parses message `id` off the UI thread.
    pub fn open(&mut self, id: i64, paths: &Paths) -> Task<Message> {
        *self = Reader::Loading(id);
        Task::perform(open_message(paths.clone(), id), move |r| {
            Message::Loaded(id, r)
        })
    }

    pub fn clear(&mut self) {
        *self = Reader::Empty;
    }

    /// True while the pane asks something under the headers ("open this link?", "open
    /// this program?"): the window's shortcuts wait for the answer.
    pub fn is_asking(&self) -> bool {
        matches!(
            self,
            Reader::Loaded { confirm_link, confirm_attachment, .. }
                if confirm_link.is_some() || confirm_attachment.is_some()
        )
    }

    /// Answers "no" to what the pane asks (Escape).
    pub fn cancel_question(&mut self) {
        if let Reader::Loaded {
            confirm_link,
            confirm_attachment,
            ..
        } = self
        {
            *confirm_link = None;
            *confirm_attachment = None;
        }
    }

    /// Scrolls the body by `lines` (Space and Shift+Space).
    pub fn scroll(&mut self, lines: i32) {
        if let Reader::Loaded { body, .. } = self {
            body.perform(text_editor::Action::Scroll { lines });
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        paths: &Paths,
        opener: &Opener,
    ) -> (Task<Message>, Option<Event>) {
        let none = (Task::none(), None);
        match message {
            Message::Loaded(id, result) => return self.loaded(id, result),
            Message::ToggleSource => self.toggle_source(),
            Message::OpenLink(link) => {
                if let Reader::Loaded {
                    confirm_link,
                    confirm_attachment,
                    ..
                } = self
                {
                    *confirm_attachment = None;
                    *confirm_link = Some(link);
                }
            }
            Message::CancelLink => {
                if let Reader::Loaded { confirm_link, .. } = self {
                    *confirm_link = None;
                }
            }
            Message::ConfirmLink => return (self.open_link(), None),
            Message::SaveAttachment(id, index) => return (self.save_attachment(id, index), None),
            Message::SaveAttachmentTo(_, _, None) | Message::SaveEmlTo(_, None) => {}
            Message::SaveAttachmentTo(id, index, Some(path)) => {
                return (save_attachment_to(paths.clone(), id, index, path), None);
            }
            Message::OpenAttachment(id, index) => {
                let shown_dangerous = matches!(
                    self,
                    Reader::Loaded { id: open, message, .. } if *open == id
                        && message.attachments.iter().any(|a| a.index == index && a.danger.is_some())
                );
                if shown_dangerous {
                    self.needs_confirming(id, index);
                } else {
                    return (open_attachment(paths, opener, id, index, false), None);
                }
            }
            Message::AttachmentNeedsConfirming(id, index) => self.needs_confirming(id, index),
            Message::CancelAttachment => {
                if let Reader::Loaded {
                    confirm_attachment, ..
                } = self
                {
                    *confirm_attachment = None;
                }
            }
            Message::ConfirmAttachment => {
                if let Reader::Loaded {
                    id,
                    confirm_attachment,
                    ..
                } = self
                    && let Some(index) = confirm_attachment.take()
                {
                    return (open_attachment(paths, opener, *id, index, true), None);
                }
            }
            Message::Body(action) => {
                // The body is read-only: selection, scrolling and copying only.
                if let Reader::Loaded { body, .. } = self
                    && !action.is_edit()
                {
                    body.perform(action);
                }
            }
            Message::SaveEml(id) => {
                let subject = match self {
                    Reader::Loaded { message, .. } => message.subject.as_str(),
                    _ => "",
                };
                return (save_eml(id, subject), None);
            }
            Message::SaveEmlTo(id, Some(path)) => {
                return (save_eml_to(paths.clone(), id, path), None);
            }
            Message::Act(id, act) => return (Task::none(), Some(Event::Act(id, act))),
            finished @ (Message::AttachmentSaved(_)
            | Message::AttachmentNotOpened(_)
            | Message::EmlSaved(_)
            | Message::LinkFailed(_)) => {
                return (Task::none(), Some(Event::Status(said(finished))));
            }
            Message::Done => {}
        }
        none
    }

    fn loaded(
        &mut self,
        id: i64,
        result: Result<(Rendered, String), Failure>,
    ) -> (Task<Message>, Option<Event>) {
        // An answer for a message no longer being opened is dropped.
        if !matches!(self, Reader::Loading(open) if *open == id) {
            return (Task::none(), None);
        }
        match result {
            Ok((message, source)) => {
                let body = text_editor::Content::with_text(&message.body);
                let links = mail::links(&message.body);
                let styles = body::Styles::new(&message.body, &message.styles);
                *self = Reader::Loaded {
                    id,
                    message,
                    body,
                    source,
                    showing_source: false,
                    styles,
                    links,
                    confirm_link: None,
                    confirm_attachment: None,
                };
                (Task::none(), Some(Event::Opened(id)))
            }
            Err(e) => {
                *self = Reader::Failed(e);
                (Task::none(), None)
            }
        }
    }

    fn toggle_source(&mut self) {
        if let Reader::Loaded {
            message,
            body,
            source,
            showing_source,
            ..
        } = self
        {
            *showing_source = !*showing_source;
            *body = text_editor::Content::with_text(if *showing_source {
                source
            } else {
                &message.body
            });
        }
    }

    fn open_link(&mut self) -> Task<Message> {
        let Reader::Loaded { confirm_link, .. } = self else {
            return Task::none();
        };
        let Some(link) = confirm_link.take() else {
            return Task::none();
        };
        Task::perform(
            blocking(move || open::that_detached(&link).map_err(Failure::from)),
            |result| match result {
                Ok(()) => Message::Done,
                Err(e) => Message::LinkFailed(e),
            },
        )
    }

    fn needs_confirming(&mut self, id: i64, index: usize) {
        if let Reader::Loaded {
            id: open,
            confirm_attachment,
            confirm_link,
            ..
        } = self
            && *open == id
        {
            *confirm_link = None;
            *confirm_attachment = Some(index);
        }
    }

    /// Asks where to save an attachment. Saving is the safe answer to the warning: it
    /// has been given.
    fn save_attachment(&mut self, id: i64, index: usize) -> Task<Message> {
        let mut name = String::new();
        if let Reader::Loaded {
            message,
            confirm_attachment,
            ..
        } = self
        {
            *confirm_attachment = None;
            if let Some(a) = message.attachments.iter().find(|a| a.index == index) {
                name = a.name.clone();
            }
        }
        Task::perform(
            async move {
                rfd::AsyncFileDialog::new()
                    .set_title(t!("dialog-save-attachment"))
                    .set_file_name(name)
                    .save_file()
                    .await
                    .map(|h| h.path().to_path_buf())
            },
            move |path| Message::SaveAttachmentTo(id, index, path),
        )
    }
}

/// The status bar's sentence for work of the pane's that finished.
fn said(finished: Message) -> String {
    match finished {
        Message::AttachmentSaved(Ok(path)) | Message::EmlSaved(Ok(path)) => {
            t!("status-saved-as", path = path.display().to_string())
        }
        Message::AttachmentSaved(Err(e)) => t!("status-attachment-not-saved", error = e.said()),
        Message::AttachmentNotOpened(e) => t!("status-attachment-not-opened", error = e.said()),
        Message::EmlSaved(Err(e)) => t!("status-message-not-saved", error = e.said()),
        Message::LinkFailed(e) => t!("status-link-failed", error = e.said()),
        _ => String::new(),
    }
}
