//! An open POP3 session: its state, and sending commands and reading answers. Opening
//! one, logging in and the listing commands are in the modules below.

mod connect;
mod login;
mod requests;
mod tls;

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use super::Error;
use super::capa::Capabilities;
use super::error::Malformed;
use super::error::Step;
use super::lines::{self, LineError, Pace, Unstuffed, Watch};
use super::request::Request;
use super::response::{self, Status};

pub use connect::ConnectOptions;
pub(crate) use connect::open_tcp;
pub use login::{MAX_REJECTED_LOGINS, connect_and_login};
pub(crate) use tls::secure;
pub use tls::warm_up as warm_up_tls;

/// The longest line accepted from a server. RFC 1939 allows 512 octets for status lines,
/// and RFC 5322 998 for message lines; real mail exceeds both, so leave generous room
/// while still bounding memory against a hostile server.
pub const MAX_LINE: usize = 1 << 20;

/// The most a listing (UIDL, LIST, CAPA) may hold: entries, and bytes in all. A real
/// mailbox is far below both; a hostile server's endless listing ends here.
pub const MAX_LISTING_ENTRIES: usize = 1_000_000;
pub const MAX_LISTING_BYTES: usize = 128 << 20;

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// An open POP3 session.
pub struct Session {
    io: BufReader<Box<dyn Stream>>,
    host: String,
    timeout: Duration,
    pace: Pace,
    line: Vec<u8>,
    greeting: String,
    apop_timestamp: Option<String>,
    capabilities: Option<Capabilities>,
    encrypted: bool,
    pipelining_allowed: bool,
    top_failed: bool,
    /// The server's certificate (DER), on an encrypted connection.
    certificate: Option<Vec<u8>>,
    /// A secret (password, token) went to the server in the current login attempt.
    secret_sent: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("host", &self.host).finish()
    }
}

impl Session {
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The text of the server's greeting.
    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    /// What CAPA said, or None when the server does not know CAPA.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capabilities.as_ref()
    }

    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The server's certificate, on an encrypted connection.
    pub fn certificate(&self) -> Option<super::CertificateInfo> {
        self.certificate
            .as_deref()
            .map(super::certificate::describe)
    }

    /// True when commands may be sent before earlier answers have arrived.
    pub fn pipelining(&self) -> bool {
        self.pipelining_allowed && self.capabilities.as_ref().is_some_and(|c| c.pipelining)
    }
    /// Sends a command and requires +OK.
    async fn command(&mut self, request: Request, step: Step) -> Result<Status, Error> {
        self.send_command(request).await?;
        let status = self.read_status(step).await?;
        self.require_ok(request, status)
    }

    /// Turns a -ERR answer to `request` into the matching error.
    pub fn require_ok(&self, request: Request, status: Status) -> Result<Status, Error> {
        if status.ok {
            return Ok(status);
        }
        Err(self.refusal(request, status))
    }

    /// The error a -ERR answer to `request` means.
    pub fn refusal(&self, request: Request, status: Status) -> Error {
        if status.try_later() {
            return Error::TryLater {
                host: self.host.clone(),
                server: status.text,
            };
        }
        Error::Command {
            host: self.host.clone(),
            command: request.verb().to_string(),
            server: status.text,
            code: status.code,
        }
    }

    /// Sends one command. With pipelining, several may be sent before reading.
    pub async fn send_command(&mut self, request: Request) -> Result<(), Error> {
        self.send_line(&request.to_string()).await
    }

    /// Sends one line the login writes itself (it holds the user name or a mechanism).
    async fn send_line(&mut self, command: &str) -> Result<(), Error> {
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {command}");
        let mut line = Vec::with_capacity(command.len() + 2);
        line.extend_from_slice(command.as_bytes());
        self.write_line(line).await
    }

    /// Sends several commands in one write (pipelining): one TLS record and one system call
    /// for all of them, instead of one each.
    pub async fn send_commands(&mut self, requests: &[Request]) -> Result<(), Error> {
        let Some((last, first)) = requests.split_last() else {
            return Ok(());
        };
        let mut lines = Vec::with_capacity(requests.len() * 16);
        for request in first {
            tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {request}");
            lines.extend_from_slice(request.to_string().as_bytes());
            lines.extend_from_slice(b"\r\n");
        }
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {last}");
        lines.extend_from_slice(last.to_string().as_bytes());
        self.write_line(lines).await
    }

    /// Sends `prefix` + `secret`, logging the secret masked.
    async fn send_secret(&mut self, prefix: &str, secret: &str) -> Result<(), Error> {
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {prefix}<masked>");
        self.secret_sent = true;
        let mut line = Vec::with_capacity(prefix.len() + secret.len() + 2);
        line.extend_from_slice(prefix.as_bytes());
        line.extend_from_slice(secret.as_bytes());
        self.write_line(line).await
    }

    async fn write_line(&mut self, mut line: Vec<u8>) -> Result<(), Error> {
        line.extend_from_slice(b"\r\n");
        let timeout = self.timeout;
        let io = self.io.get_mut();
        let write = async {
            io.write_all(&line).await?;
            io.flush().await
        };
        match tokio::time::timeout(timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(io_error(&self.host, &e)),
            Err(_) => Err(Error::Timeout {
                host: self.host.clone(),
                secs: timeout.as_secs(),
                doing: Step::SendingCommand,
            }),
        }
    }

    async fn read_line(&mut self, doing: Step) -> Result<(), Error> {
        let mut watch = Watch::new(self.pace, self.timeout);
        let read = lines::read_line(&mut self.io, &mut self.line, MAX_LINE, &mut watch).await;
        read.map_err(|e| self.line_error(e, doing))
    }

    fn line_error(&self, e: LineError, doing: Step) -> Error {
        let host = self.host.clone();
        match e {
            LineError::Eof => Error::Closed { host },
            LineError::TooLong => Error::LineTooLong {
                host,
                max: MAX_LINE,
            },
            LineError::Io(e) => io_error(&self.host, &e),
            LineError::Idle => Error::Timeout {
                host,
                secs: self.timeout.as_secs(),
                doing,
            },
            LineError::Slow => Error::TooSlow {
                host,
                bytes: self.pace.min_bytes,
                secs: self.pace.window.as_secs(),
            },
        }
    }

    /// Reads one status line (the answer to the oldest command not yet answered).
    pub async fn read_status(&mut self, doing: Step) -> Result<Status, Error> {
        self.read_line(doing).await?;
        self.parse_line()
    }

    fn parse_line(&self) -> Result<Status, Error> {
        tracing::debug!(
            target: "poplar::pop3",
            host = %self.host,
            "S: {}",
            response::printable(response::trim_eol(&self.line))
        );
        response::parse_status(&self.line).map_err(|e| self.protocol(Malformed::NotStatus(e.0)))
    }

    /// Reads a listing (the lines of a multi-line answer, without their line endings)
    /// up to its "." line, bounded in line length, entries and bytes. A connection that
    /// ends before the terminator is an error: the partial data must not be used.
    async fn read_listing(&mut self, mut entry: impl FnMut(&[u8])) -> Result<(), Error> {
        let mut watch = Watch::new(self.pace, self.timeout);
        let (mut entries, mut bytes) = (0usize, 0usize);
        loop {
            let read = lines::read_line(&mut self.io, &mut self.line, MAX_LINE, &mut watch).await;
            read.map_err(|e| self.line_error(e, Step::Listing))?;
            match lines::unstuff(&self.line) {
                Unstuffed::End => return Ok(()),
                Unstuffed::Data(data) => {
                    entries += 1;
                    bytes += data.len();
                    if entries > MAX_LISTING_ENTRIES || bytes > MAX_LISTING_BYTES {
                        return Err(self.protocol(Malformed::TooLongListing {
                            lines: MAX_LISTING_ENTRIES,
                            megabytes: MAX_LISTING_BYTES >> 20,
                        }));
                    }
                    entry(response::trim_eol(data));
                }
            }
        }
    }

    /// Reads a message (the answer to RETR or TOP, after its status line) up to its "."
    /// line, dot-unstuffed, line endings kept, handing it to `sink` in pieces. A line
    /// of a message may be of any length; only the pace and the caller bound it. A
    /// connection that ends before the terminator is an error: the partial data must
    /// not be used.
    pub async fn read_message(&mut self, sink: impl FnMut(&[u8])) -> Result<(), Error> {
        let mut watch = Watch::new(self.pace, self.timeout);
        let read = lines::read_multiline(&mut self.io, &mut watch, sink).await;
        read.map_err(|e| self.line_error(e, Step::ReceivingMessage))
    }

    fn protocol(&self, what: Malformed) -> Error {
        Error::Protocol {
            host: self.host.clone(),
            what,
        }
    }
}
fn io_error(host: &str, e: &std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::BrokenPipe => Error::Closed {
            host: host.to_string(),
        },
        _ => Error::Io {
            host: host.to_string(),
            detail: e.to_string(),
        },
    }
}
