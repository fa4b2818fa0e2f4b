use super::response::RespCode;

/// What the client was waiting for when a server went quiet. The window says it in its
/// own language (`ui::describe::step`); the command line and logs in these English words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Connecting,
    Greeting,
    Capabilities,
    StartingTls,
    LoggingIn,
    Counting,
    ListingIds,
    Listing,
    ReceivingMessage,
    ReceivingHeaders,
    Deleting,
    Checking,
    Closing,
    SendingCommand,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Step::Connecting => "connecting",
            Step::Greeting => "waiting for the greeting",
            Step::Capabilities => "asking what the server supports",
            Step::StartingTls => "starting TLS",
            Step::LoggingIn => "logging in",
            Step::Counting => "counting messages",
            Step::ListingIds => "listing unique ids",
            Step::Listing => "receiving a listing",
            Step::ReceivingMessage => "receiving a message",
            Step::ReceivingHeaders => "receiving headers",
            Step::Deleting => "deleting a message",
            Step::Checking => "checking the connection",
            Step::Closing => "closing the session",
            Step::SendingCommand => "sending a command",
        })
    }
}

/// Why a server's name led to no address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NotFound {
    /// The lookup failed: the system's words.
    Lookup(String),
    /// The name exists but has no addresses.
    NoAddresses,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotFound::Lookup(detail) => f.write_str(detail),
            NotFound::NoAddresses => f.write_str("the name has no addresses"),
        }
    }
}

/// What a failed TLS handshake most likely means, read from the TLS library's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TlsHint {
    /// The certificate did not verify: a provider with its own certificate authority
    /// needs its certificate file named in the account settings.
    NotTrusted,
    /// The server did not speak TLS at all: the port does not match the security setting.
    NotTls,
    /// Nothing more to say than the library's words.
    Other,
}

impl TlsHint {
    /// The hint for what the TLS library said.
    pub fn of(raw: &str) -> TlsHint {
        let raw = raw.to_ascii_lowercase();
        let not_trusted = [
            "certificate verify failed",
            "self-signed",
            "self signed",
            "not trusted",
            "unknown ca",
            "certificate chain",
        ];
        if not_trusted.iter().any(|s| raw.contains(s)) {
            TlsHint::NotTrusted
        } else if raw.contains("wrong version number") || raw.contains("unexpected eof") {
            TlsHint::NotTls
        } else {
            TlsHint::Other
        }
    }

    /// The library's words with the advice around them, in English for the command line
    /// and logs (the window has the catalogs').
    fn explained(self, detail: &str) -> String {
        match self {
            TlsHint::NotTrusted => format!(
                "the server's certificate is not trusted ({detail}). If your provider uses its own certificate authority, name its certificate file in the account settings."
            ),
            TlsHint::NotTls => format!(
                "the server did not answer in TLS ({detail}). Check that the port matches the security setting: SSL/TLS and STARTTLS use different ports (for receiving mail usually 995 and 110, for sending 465 and 587)."
            ),
            TlsHint::Other => detail.to_string(),
        }
    }
}

/// What was wrong with an answer the client could not use. Text in a case is the
/// server's own (a line as it was sent), never a sentence of ours.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Malformed {
    /// Data arrived after the answer to STLS, before encryption started (the
    /// command injection of RFC 2595 section 2.2).
    DataBeforeTls,
    /// The login exchange did not end after the client cancelled it.
    EndlessLogin,
    /// A line that is not a POP3 status line.
    NotStatus(String),
    /// A STAT answer without a count and a size: its text.
    Stat(String),
    /// A line of a UIDL listing that cannot be read.
    UidlLine(String),
    /// A line of a LIST listing that cannot be read.
    ListLine(String),
    /// A listing beyond the bounds: more lines, or more megabytes, than these.
    TooLongListing { lines: usize, megabytes: usize },
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::DataBeforeTls => {
                f.write_str("data arrived after the answer to STLS, before encryption started")
            }
            Malformed::EndlessLogin => {
                f.write_str("the login exchange did not end after it was cancelled")
            }
            Malformed::NotStatus(line) => write!(f, "\"{line}\" is not a POP3 status line"),
            Malformed::Stat(text) => write!(f, "STAT answer \"{text}\""),
            Malformed::UidlLine(line) => write!(f, "UIDL line \"{line}\""),
            Malformed::ListLine(line) => write!(f, "LIST line \"{line}\""),
            Malformed::TooLongListing { lines, megabytes } => {
                write!(f, "a listing of more than {lines} lines or {megabytes} MB")
            }
        }
    }
}

/// Everything that can go wrong talking to a POP3 server, worded for the person who
/// has to act on it. `Clone` so the window can keep and show it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Error {
    #[error("could not find the server \"{host}\": {why}. Check the server name.")]
    Resolve { host: String, why: NotFound },
    #[error(
        "the server {host} refused the connection on port {port}. Check the server name, the port and the security setting."
    )]
    Refused { host: String, port: u16 },
    #[error("could not connect to {host} on port {port}: {detail}")]
    Connect {
        host: String,
        port: u16,
        detail: String,
    },
    #[error(
        "{host} did not answer within {secs} seconds ({doing}). The server or the network may be down; try again later."
    )]
    Timeout {
        host: String,
        secs: u64,
        doing: Step,
    },
    /// `detail` is the TLS library's own words, for whoever looks closer; `hint` says
    /// what they mean for the person who has to act.
    #[error("the secure connection to {host} failed: {}", hint.explained(detail))]
    Tls {
        host: String,
        hint: TlsHint,
        detail: String,
    },
    #[error(
        "the certificate of {host} is not trusted{}. If you know this is your provider's server, trust this certificate for the account.",
        certificate.as_ref().map(|c| format!(": {c}")).unwrap_or_else(|| format!(" ({detail})"))
    )]
    Untrusted {
        host: String,
        detail: String,
        certificate: Option<Box<super::CertificateInfo>>,
    },
    #[error(
        "the certificate of {host} is not the one you chose to trust (expected {expected}{}). Someone may be intercepting the connection; nothing was sent.",
        found.as_ref().map(|c| format!(", found {}", c.sha256)).unwrap_or_default()
    )]
    CertificateChanged {
        host: String,
        expected: String,
        found: Option<Box<super::CertificateInfo>>,
    },
    #[error(
        "{host} does not offer STARTTLS, which this account requires; nothing was sent in plaintext. Choose SSL/TLS, or ask your provider."
    )]
    StartTlsUnavailable { host: String },
    #[error("login failed for {user} at {host}: {server}. Check the user name and password.")]
    LoginFailed {
        user: String,
        host: String,
        server: String,
    },
    #[error("{host} is busy and asks to try again later: {server}")]
    TryLater { host: String, server: String },
    #[error("{host} refused the session: {server}")]
    ServerRefused { host: String, server: String },
    #[error("{host} answered {command} with an error: {server}")]
    Command {
        host: String,
        command: String,
        server: String,
        code: Option<RespCode>,
    },
    #[error("{host} does not support UIDL, which keeping mail on the server needs")]
    NoUidl { host: String },
    #[error("{host} sent an answer Poplar cannot understand: {what}")]
    Protocol { host: String, what: Malformed },
    #[error("{host} sent a line longer than {max} bytes; the session was ended")]
    LineTooLong { host: String, max: usize },
    #[error(
        "{host} sent its answer too slowly (less than {bytes} bytes in {secs} seconds); the session was ended. Try again later."
    )]
    TooSlow { host: String, bytes: u64, secs: u64 },
    #[error("{host} closed the connection unexpectedly")]
    Closed { host: String },
    #[error("network error talking to {host}: {detail}")]
    Io { host: String, detail: String },
    #[error("could not read the CA certificate file {path}: {detail}")]
    CaFile { path: String, detail: String },
}

impl Error {
    /// True when the problem is on the server side and will likely pass by itself.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            Error::TryLater { .. }
                | Error::Timeout { .. }
                | Error::TooSlow { .. }
                | Error::Closed { .. }
                | Error::Io { .. }
        )
    }
}
