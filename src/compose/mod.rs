//! Writing mail: what a message being written holds ([`Draft`]), the exact bytes it is
//! sent as ([`build`]), and the drafts a reply or a forward starts from ([`reply`]).
//!
//! Nothing here touches the network or the store: the bytes built are what the Outbox
//! keeps and what the server receives, so they are made once, here.

pub mod build;
pub mod headers;
pub mod known;
pub mod reply;
pub mod saved;
pub mod typed;

pub use build::{Built, Charset, Options, build};

/// One address with its display name (empty when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

impl Mailbox {
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Mailbox {
        Mailbox {
            name: name.into(),
            address: address.into(),
        }
    }
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name as the recipient sees it.
    pub name: String,
    /// The MIME type, e.g. `application/pdf`; `message/rfc822` for a forwarded message.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A message being written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Recipients that no other recipient sees: in the envelope, never in the bytes.
    pub bcc: Vec<Mailbox>,
    pub subject: String,
    /// Plain text, lines ended by `\n` (or `\r\n`).
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// The Message-ID (with its angle brackets) of the message this one answers.
    pub in_reply_to: Option<String>,
    /// The thread so far, oldest first, each with its angle brackets.
    pub references: Vec<String>,
}

/// Why a draft cannot be built into a message. Each says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the message has no sender address")]
    NoSender,
    #[error("the message has no recipient")]
    NoRecipient,
    /// An address that is not a plain `local@domain` in ASCII (no spaces, brackets, line
    /// breaks or non-ASCII letters: those would need the server's SMTPUTF8).
    #[error("\"{0}\" is not an address Poplar can send to")]
    BadAddress(String),
}

/// The MIME type of a file to attach, from its extension (the common ones; anything else
/// is `application/octet-stream`, which every reader saves as it is).
pub fn content_type(path: &std::path::Path) -> String {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "zip" => "application/zip",
        "eml" => "message/rfc822",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
    .to_string()
}
