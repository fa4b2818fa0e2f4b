use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::auth::{self, AuthMethod};
use super::capa::Capabilities;
use super::certificate;
use super::error::Step;
use super::lines::{self, LineError, Pace, Unstuffed, Watch};
use super::response::{self, RespCode, Status};
use super::{Error, ListEntry, Security, Uidl, UidlEntry};

/// The longest line accepted from a server. RFC 1939 allows 512 octets for status lines,
/// and RFC 5322 998 for message lines; real mail exceeds both, so leave generous room
/// while still bounding memory against a hostile server.
pub const MAX_LINE: usize = 1 << 20;

/// The most a listing (UIDL, LIST, CAPA) may hold: entries, and bytes in all. A real
/// mailbox is far below both; a hostile server's endless listing ends here.
pub const MAX_LISTING_ENTRIES: usize = 1_000_000;
pub const MAX_LISTING_BYTES: usize = 128 << 20;

/// Login attempts a session makes at most once the server has rejected the password:
/// trying every mechanism with a wrong password is how accounts get locked.
pub const MAX_REJECTED_LOGINS: usize = 2;

/// Challenges a SASL exchange answers at most; no mechanism here needs more than two.
const MAX_SASL_STEPS: usize = 4;

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// A PEM file with the CA (or self-signed) certificate to trust besides the system's.
    pub ca_file: Option<PathBuf>,
    /// The limit for connecting, for each answer, and for silence within a long answer.
    pub timeout: Duration,
    /// Use PIPELINING when the server offers it.
    pub pipelining: bool,
    /// The slowest the server may send an answer.
    pub pace: Pace,
    /// Trust exactly this certificate (SHA-256 fingerprint) instead of verifying one.
    pub pinned_cert: Option<String>,
}

impl ConnectOptions {
    pub fn new(host: impl Into<String>, port: u16, security: Security) -> Self {
        Self {
            host: host.into(),
            port,
            security,
            ca_file: None,
            timeout: Duration::from_secs(30),
            pipelining: true,
            pace: Pace::default(),
            pinned_cert: None,
        }
    }
}

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
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("host", &self.host).finish()
    }
}

/// Connects, secures the connection and logs in, trying mechanisms in turn when the
/// method is automatic. A wrong password ends in one `LoginFailed`.
pub async fn connect_and_login(
    options: &ConnectOptions,
    user: &str,
    password: &str,
    method: AuthMethod,
) -> Result<Session, Error> {
    let mut session = Session::connect(options).await?;
    let candidates = auth::candidates(
        method,
        session.capabilities(),
        session.apop_timestamp.is_some(),
    );
    let mut last = String::new();
    let mut reconnect = false;
    let mut rejected = 0;
    let mut queue: std::collections::VecDeque<(AuthMethod, bool)> =
        candidates.into_iter().map(|m| (m, false)).collect();
    while let Some((mechanism, retried)) = queue.pop_front() {
        if reconnect {
            session = Session::connect(options).await?;
            reconnect = false;
        }
        match session.try_mechanism(mechanism, user, password).await {
            Ok((status, _)) if status.ok => return Ok(session),
            Ok((status, credentials_sent)) => match status.code {
                Some(RespCode::Auth) => {
                    return Err(Error::LoginFailed {
                        user: user.into(),
                        host: options.host.clone(),
                        server: status.text,
                    });
                }
                _ if status.try_later() => {
                    return Err(Error::TryLater {
                        host: options.host.clone(),
                        server: status.text,
                    });
                }
                Some(RespCode::SysPerm) => {
                    return Err(Error::ServerRefused {
                        host: options.host.clone(),
                        server: status.text,
                    });
                }
                _ => {
                    tracing::debug!(%mechanism, text = %status.text, "login mechanism refused");
                    last = status.text;
                    if credentials_sent {
                        rejected += 1;
                        if rejected >= MAX_REJECTED_LOGINS {
                            break;
                        }
                    }
                }
            },
            // Some servers hang up after a failed attempt: continue on a new connection.
            // The hang-up may have come before this mechanism was really tried, so it gets
            // one more go there.
            Err(Error::Closed { .. }) => {
                last = "the server closed the connection".into();
                reconnect = true;
                if !retried {
                    queue.push_front((mechanism, true));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(Error::LoginFailed {
        user: user.into(),
        host: options.host.clone(),
        server: last,
    })
}

impl Session {
    /// Connects, secures the connection as the options say, reads the greeting and the
    /// capabilities (again after STLS). Does not log in.
    pub async fn connect(options: &ConnectOptions) -> Result<Session, Error> {
        let trust = match &options.pinned_cert {
            Some(pin) => Trust::Pinned(pin),
            None => Trust::Verify,
        };
        match Session::connect_with(options, trust).await {
            // Show the person what they are asked to trust: connect once more, accepting
            // the certificate only to read it, and send nothing on that connection.
            Err(Error::Untrusted {
                host,
                detail,
                certificate: None,
            }) => {
                let certificate = match Session::connect_with(options, Trust::Inspect).await {
                    Ok(session) => session.certificate().map(Box::new),
                    Err(_) => None,
                };
                Err(Error::Untrusted {
                    host,
                    detail,
                    certificate,
                })
            }
            other => other,
        }
    }

    async fn connect_with(options: &ConnectOptions, trust: Trust<'_>) -> Result<Session, Error> {
        let mut certificate_der = None;
        let host = options.host.clone();
        let tcp = tokio::time::timeout(options.timeout, connect_tcp(&host, options.port))
            .await
            .map_err(|_| Error::Timeout {
                host: host.clone(),
                secs: options.timeout.as_secs(),
                doing: Step::Connecting,
            })??;
        let _ = tcp.set_nodelay(true);

        let stream: Box<dyn Stream> = match options.security {
            Security::Tls => {
                let (tls, der) = tls_wrap(options, tcp, trust).await?;
                certificate_der = der;
                Box::new(tls)
            }
            Security::StartTls | Security::Plain => Box::new(tcp),
        };
        let mut session = Session {
            io: BufReader::with_capacity(64 * 1024, stream),
            host,
            timeout: options.timeout,
            pace: options.pace,
            line: Vec::with_capacity(1024),
            greeting: String::new(),
            apop_timestamp: None,
            capabilities: None,
            encrypted: options.security == Security::Tls,
            pipelining_allowed: options.pipelining,
            top_failed: false,
            certificate: certificate_der,
        };
        let greeting = session.read_status(Step::Greeting).await?;
        if !greeting.ok {
            return Err(Error::ServerRefused {
                host: session.host.clone(),
                server: greeting.text,
            });
        }
        session.apop_timestamp = auth::apop_timestamp(&greeting.text).map(str::to_string);
        session.greeting = greeting.text;
        session.capabilities = session.capa().await?;

        if options.security == Security::StartTls {
            session.starttls(options, trust).await?;
            session.capabilities = session.capa().await?;
        }
        Ok(session)
    }

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

    async fn capa(&mut self) -> Result<Option<Capabilities>, Error> {
        self.send_command("CAPA").await?;
        let status = self.read_status(Step::Capabilities).await?;
        if !status.ok {
            return Ok(None);
        }
        let mut lines = Vec::new();
        self.read_listing(|line| lines.push(String::from_utf8_lossy(line).into_owned()))
            .await?;
        Ok(Some(Capabilities::parse(lines.iter().map(String::as_str))))
    }

    async fn starttls(&mut self, options: &ConnectOptions, trust: Trust<'_>) -> Result<(), Error> {
        if self.capabilities.as_ref().is_some_and(|c| !c.stls) {
            return Err(Error::StartTlsUnavailable {
                host: self.host.clone(),
            });
        }
        self.send_command("STLS").await?;
        let status = self.read_status(Step::StartingTls).await?;
        if !status.ok {
            return Err(Error::StartTlsUnavailable {
                host: self.host.clone(),
            });
        }
        // Anything the server sent after its +OK and before the handshake would be read as
        // if it came over TLS: the command-injection attack of RFC 2595 section 2.2.
        if !self.io.buffer().is_empty() {
            return Err(Error::Protocol {
                host: self.host.clone(),
                detail: "data arrived after the answer to STLS, before encryption started".into(),
            });
        }
        let placeholder: Box<dyn Stream> = Box::new(tokio::io::empty());
        let old = std::mem::replace(&mut self.io, BufReader::new(placeholder));
        let (tls, der) = tls_wrap(options, old.into_inner(), trust).await?;
        self.certificate = der;
        self.io = BufReader::with_capacity(64 * 1024, Box::new(tls));
        self.encrypted = true;
        Ok(())
    }

    /// Logs in with one mechanism; returns the server's final answer (ok or not), and
    /// whether the credentials had been sent when it came (a refusal before that says
    /// only that the mechanism is not offered).
    async fn try_mechanism(
        &mut self,
        mechanism: AuthMethod,
        user: &str,
        password: &str,
    ) -> Result<(Status, bool), Error> {
        let refused = |text: String| Status {
            ok: false,
            code: None,
            text,
        };
        match mechanism {
            AuthMethod::Automatic => Ok((refused("no mechanism chosen".into()), false)),
            AuthMethod::UserPass => {
                self.send_command(&format!("USER {user}")).await?;
                let status = self.read_status(Step::LoggingIn).await?;
                if !status.ok {
                    return Ok((status, false));
                }
                self.send_secret("PASS ", password).await?;
                Ok((self.read_status(Step::LoggingIn).await?, true))
            }
            AuthMethod::Apop => {
                let Some(timestamp) = self.apop_timestamp.clone() else {
                    return Ok((refused("the server does not offer APOP".into()), false));
                };
                let digest = auth::apop_digest(&timestamp, password);
                self.send_secret(&format!("APOP {user} "), &digest).await?;
                Ok((self.read_status(Step::LoggingIn).await?, true))
            }
            AuthMethod::Plain => {
                let message = auth::plain(user, password);
                self.sasl("PLAIN", |step, _| (step == 0).then(|| message.clone()))
                    .await
            }
            AuthMethod::Login => {
                self.sasl("LOGIN", |step, _| match step {
                    0 => Some(user.as_bytes().to_vec()),
                    1 => Some(password.as_bytes().to_vec()),
                    _ => None,
                })
                .await
            }
            AuthMethod::CramMd5 => {
                self.sasl("CRAM-MD5", |step, challenge| {
                    (step == 0).then(|| auth::cram_md5(user, password, challenge))
                })
                .await
            }
        }
    }

    /// Runs a SASL exchange (RFC 5034). `respond(step, challenge)` gives each response;
    /// None cancels the exchange. A server that keeps challenging is cancelled after
    /// a few steps. Returns the final answer and whether any response had been sent.
    async fn sasl(
        &mut self,
        mechanism: &str,
        mut respond: impl FnMut(usize, &[u8]) -> Option<Vec<u8>>,
    ) -> Result<(Status, bool), Error> {
        self.send_command(&format!("AUTH {mechanism}")).await?;
        let mut step = 0;
        loop {
            self.read_line(Step::LoggingIn).await?;
            let challenge = match response::parse_continuation(&self.line) {
                Some(encoded) => auth::decode(encoded),
                None => return Ok((self.parse_line()?, step > 0)),
            };
            let answer = challenge
                .filter(|_| step < MAX_SASL_STEPS)
                .and_then(|c| respond(step, &c));
            step += 1;
            match answer {
                Some(bytes) => self.send_secret("", &auth::encode(&bytes)).await?,
                None if step > MAX_SASL_STEPS + 1 => {
                    return Err(self
                        .protocol("the login exchange did not end after it was cancelled".into()));
                }
                None => self.send_command("*").await?,
            }
        }
    }

    /// STAT: the number of messages and their total size (None when not believable).
    pub async fn stat(&mut self) -> Result<(u32, Option<u64>), Error> {
        let status = self.command("STAT", Step::Counting).await?;
        let mut parts = status.text.split_whitespace();
        let count = parts.next().and_then(|s| s.parse().ok());
        let size = parts.next().map(|s| super::plausible_size(s.as_bytes()));
        match (count, size) {
            (Some(c), Some(s)) => Ok((c, s)),
            _ => Err(self.protocol(format!("STAT answer \"{}\"", status.text))),
        }
    }

    /// UIDL for every message. `Err(Error::NoUidl)` only when the server does not support
    /// it: it refused without a response code and did not list UIDL among its
    /// capabilities. Any other refusal is an error (a temporary one says "try later"),
    /// never a reason to fetch without ids.
    pub async fn uidl_all(&mut self) -> Result<Vec<UidlEntry>, Error> {
        self.send_command("UIDL").await?;
        let status = self.read_status(Step::ListingIds).await?;
        if !status.ok {
            let offered = self.capabilities.as_ref().is_some_and(|c| c.uidl);
            if status.code.is_none() && !offered {
                return Err(Error::NoUidl {
                    host: self.host.clone(),
                });
            }
            return self.require_ok("UIDL", status).map(|_| Vec::new());
        }
        let mut entries = Vec::new();
        let mut bad = None;
        let mut odd = 0usize;
        self.read_listing(|line| match listing_entry(line) {
            (Some(number), Some(uidl)) => {
                let uidl = Uidl::from_wire(uidl);
                if !uidl.is_standard() {
                    odd += 1;
                }
                entries.push(UidlEntry { number, uidl });
            }
            _ => bad = Some(response::printable(line)),
        })
        .await?;
        if odd > 0 {
            tracing::warn!(host = %self.host, count = odd, "unique ids outside RFC 1939 (1-70 printable characters); used as they are");
        }
        match bad {
            Some(line) => Err(self.protocol(format!("UIDL line \"{line}\""))),
            None => Ok(entries),
        }
    }

    /// LIST for every message. A size that is not believable is None.
    pub async fn list_all(&mut self) -> Result<Vec<ListEntry>, Error> {
        self.command("LIST", Step::Listing).await?;
        let mut entries = Vec::new();
        let mut bad = None;
        self.read_listing(|line| match listing_entry(line) {
            (Some(number), Some(size)) => entries.push(ListEntry {
                number,
                size: super::plausible_size(size),
            }),
            _ => bad = Some(response::printable(line)),
        })
        .await?;
        match bad {
            Some(line) => Err(self.protocol(format!("LIST line \"{line}\""))),
            None => Ok(entries),
        }
    }

    /// True once TOP has failed in this session; callers then use RETR instead.
    pub fn top_failed(&self) -> bool {
        self.top_failed
    }

    /// Remembers that TOP does not work here, for the rest of the session.
    pub fn set_top_failed(&mut self) {
        self.top_failed = true;
    }

    pub async fn noop(&mut self) -> Result<(), Error> {
        self.command("NOOP", Step::Checking).await.map(drop)
    }

    /// Waits for local work, sending NOOP every `interval` so the server does not end an
    /// idle session. Only call with no command awaiting its answer.
    pub async fn keep_alive_during<T>(
        &mut self,
        interval: Duration,
        work: impl Future<Output = T>,
    ) -> Result<T, Error> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return Ok(out),
                _ = tokio::time::sleep(interval) => self.noop().await?,
            }
        }
    }

    /// QUIT: the server commits deletions (the UPDATE state) and closes.
    pub async fn quit(mut self) -> Result<(), Error> {
        self.command("QUIT", Step::Closing).await?;
        // The deletions are committed; a server that does not finish closing is left.
        let _ = tokio::time::timeout(self.timeout, self.io.get_mut().shutdown()).await;
        Ok(())
    }

    /// Sends a command and requires +OK.
    async fn command(&mut self, command: &str, step: Step) -> Result<Status, Error> {
        self.send_command(command).await?;
        let status = self.read_status(step).await?;
        self.require_ok(command, status)
    }

    /// Turns a -ERR answer to `command` into the matching error.
    pub fn require_ok(&self, command: &str, status: Status) -> Result<Status, Error> {
        if status.ok {
            return Ok(status);
        }
        Err(self.refusal(command, status))
    }

    /// The error a -ERR answer to `command` means.
    pub fn refusal(&self, command: &str, status: Status) -> Error {
        if status.try_later() {
            return Error::TryLater {
                host: self.host.clone(),
                server: status.text,
            };
        }
        Error::Command {
            host: self.host.clone(),
            command: command.split(' ').next().unwrap_or(command).to_string(),
            server: status.text,
            code: status.code,
        }
    }

    /// Sends one command line. With pipelining, several may be sent before reading.
    pub async fn send_command(&mut self, command: &str) -> Result<(), Error> {
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {command}");
        let mut line = Vec::with_capacity(command.len() + 2);
        line.extend_from_slice(command.as_bytes());
        self.write_line(line).await
    }

    /// Sends several commands in one write (pipelining): one TLS record and one system call
    /// for all of them, instead of one each.
    pub async fn send_commands(&mut self, commands: &[String]) -> Result<(), Error> {
        let Some((last, first)) = commands.split_last() else {
            return Ok(());
        };
        let mut lines = Vec::with_capacity(commands.iter().map(|c| c.len() + 2).sum());
        for command in first {
            tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {command}");
            lines.extend_from_slice(command.as_bytes());
            lines.extend_from_slice(b"\r\n");
        }
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {last}");
        lines.extend_from_slice(last.as_bytes());
        self.write_line(lines).await
    }

    /// Sends `prefix` + `secret`, logging the secret masked.
    async fn send_secret(&mut self, prefix: &str, secret: &str) -> Result<(), Error> {
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {prefix}<masked>");
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
            Ok(Err(e)) => Err(io_error(&self.host, e)),
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
            LineError::Io(e) => io_error(&self.host, e),
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
        response::parse_status(&self.line)
            .map_err(|e| self.protocol(format!("\"{}\" is not a POP3 status line", e.0)))
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
                        return Err(self.protocol(format!(
                            "a listing of more than {MAX_LISTING_ENTRIES} lines or {} MB",
                            MAX_LISTING_BYTES >> 20
                        )));
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

    fn protocol(&self, detail: String) -> Error {
        Error::Protocol {
            host: self.host.clone(),
            detail,
        }
    }
}

/// The message number and the next word of a listing line ("1 whqtswO00WBw418f9t5JxYwZ",
/// "1 1200").
fn listing_entry(line: &[u8]) -> (Option<u32>, Option<&[u8]>) {
    let mut words = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let number = words
        .next()
        .and_then(|n| std::str::from_utf8(n).ok())
        .and_then(|n| n.parse().ok());
    (number, words.next())
}

async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, Error> {
    let addrs: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Error::Resolve {
            host: host.to_string(),
            detail: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(Error::Resolve {
            host: host.to_string(),
            detail: "the name has no addresses".into(),
        });
    }
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    let e = last.expect("at least one address was tried");
    Err(if e.kind() == std::io::ErrorKind::ConnectionRefused {
        Error::Refused {
            host: host.to_string(),
            port,
        }
    } else {
        Error::Connect {
            host: host.to_string(),
            port,
            detail: e.to_string(),
        }
    })
}

/// Which certificates a TLS handshake accepts.
#[derive(Debug, Clone, Copy)]
enum Trust<'a> {
    /// The system's roots (and the account's CA file), with the host name checked.
    Verify,
    /// Exactly this certificate (SHA-256 fingerprint), which the user chose to trust.
    Pinned(&'a str),
    /// Anything: only to show the user a certificate that did not verify. No
    /// credentials are ever sent on such a connection.
    Inspect,
}

async fn tls_wrap<S: AsyncRead + AsyncWrite + Unpin>(
    options: &ConnectOptions,
    stream: S,
    trust: Trust<'_>,
) -> Result<(async_native_tls::TlsStream<S>, Option<Vec<u8>>), Error> {
    let mut connector = async_native_tls::TlsConnector::new()
        .min_protocol_version(Some(async_native_tls::Protocol::Tlsv12));
    if let Some(path) = &options.ca_file {
        let ca_error = |detail: String| Error::CaFile {
            path: path.display().to_string(),
            detail,
        };
        let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
        let cert =
            async_native_tls::Certificate::from_pem(&pem).map_err(|e| ca_error(e.to_string()))?;
        connector = connector.add_root_certificate(cert);
    }
    if !matches!(trust, Trust::Verify) {
        connector = connector
            .danger_accept_invalid_certs(true)
            .danger_accept_invalid_hostnames(true);
    }
    let host = options.host.clone();
    let tls = match tokio::time::timeout(options.timeout, connector.connect(host.as_str(), stream))
        .await
    {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            let raw = e.to_string();
            return Err(if is_verification_failure(&raw) {
                Error::Untrusted {
                    host,
                    detail: raw,
                    certificate: None,
                }
            } else {
                Error::Tls {
                    host,
                    detail: tls_detail(&raw),
                }
            });
        }
        Err(_) => {
            return Err(Error::Timeout {
                host,
                secs: options.timeout.as_secs(),
                doing: Step::StartingTls,
            });
        }
    };
    let der = tls
        .peer_certificate()
        .ok()
        .flatten()
        .and_then(|c| c.to_der().ok());
    if let Trust::Pinned(pin) = trust {
        let found = der.as_deref().map(certificate::describe);
        if !found
            .as_ref()
            .is_some_and(|f| certificate::same_fingerprint(&f.sha256, pin))
        {
            return Err(Error::CertificateChanged {
                host,
                expected: pin.to_string(),
                found: found.map(Box::new),
            });
        }
    }
    Ok((tls, der))
}

fn is_verification_failure(raw: &str) -> bool {
    let raw = raw.to_ascii_lowercase();
    raw.contains("certificate verify failed")
        || raw.contains("self-signed")
        || raw.contains("self signed")
        || raw.contains("not trusted")
        || raw.contains("unknown ca")
        || raw.contains("certificate chain")
}

fn tls_detail(raw: &str) -> String {
    if raw.contains("certificate verify failed") || raw.contains("self-signed") {
        format!(
            "the server's certificate is not trusted ({raw}). If your provider uses its own certificate authority, name its certificate file in the account settings."
        )
    } else if raw.contains("wrong version number") || raw.contains("unexpected eof") {
        format!(
            "the server did not speak TLS ({raw}). Check the port and the security setting: port 995 is SSL/TLS, port 110 is STARTTLS."
        )
    } else {
        raw.to_string()
    }
}

fn io_error(host: &str, e: std::io::Error) -> Error {
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
