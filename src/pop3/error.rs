use super::response::RespCode;

/// What the client was waiting for when a server went quiet. The window says it in its
/// own language (`ui::describe::step`); the command line and logs in these English words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Everything that can go wrong talking to a POP3 server, worded for the person who
/// has to act on it. `Clone` so the window can keep and show it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("could not find the server \"{host}\": {detail}. Check the server name.")]
    Resolve { host: String, detail: String },
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
    #[error("the secure connection to {host} failed: {detail}")]
    Tls { host: String, detail: String },
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
    #[error("{host} sent an answer Poplar cannot understand: {detail}")]
    Protocol { host: String, detail: String },
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
