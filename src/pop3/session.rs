use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::lines::{self, LineError, Unstuffed};
use super::response::{self, RespCode, Status};
use super::{Error, ListEntry, Security, UidlEntry};

/// The longest line accepted from a server. RFC 1939 allows 512 octets for status lines,
/// and RFC 5322 998 for message lines; real mail exceeds both, so leave generous room
/// while still bounding memory against a hostile server.
pub const MAX_LINE: usize = 1 << 20;

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
    /// The limit for connecting, for each command, and between bytes of a long answer.
    pub timeout: Duration,
}

impl ConnectOptions {
    pub fn new(host: impl Into<String>, port: u16, security: Security) -> Self {
        Self {
            host: host.into(),
            port,
            security,
            ca_file: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// An open, authenticated or not yet authenticated, POP3 session.
pub struct Session {
    io: BufReader<Box<dyn Stream>>,
    host: String,
    timeout: Duration,
    line: Vec<u8>,
    greeting: Status,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("host", &self.host).finish()
    }
}

impl Session {
    /// Connects, secures the connection as the options say and reads the greeting.
    pub async fn connect(options: &ConnectOptions) -> Result<Session, Error> {
        let host = options.host.clone();
        let tcp = tokio::time::timeout(options.timeout, connect_tcp(&host, options.port))
            .await
            .map_err(|_| Error::Timeout {
                host: host.clone(),
                secs: options.timeout.as_secs(),
                doing: "connecting".into(),
            })??;
        let _ = tcp.set_nodelay(true);

        let stream: Box<dyn Stream> = match options.security {
            Security::Tls => Box::new(tls_wrap(options, tcp).await?),
            Security::StartTls | Security::Plain => Box::new(tcp),
        };
        let mut session = Session {
            io: BufReader::with_capacity(64 * 1024, stream),
            host,
            timeout: options.timeout,
            line: Vec::with_capacity(1024),
            greeting: Status {
                ok: true,
                code: None,
                text: String::new(),
            },
        };
        let greeting = session.read_status("waiting for the greeting").await?;
        if !greeting.ok {
            return Err(Error::ServerRefused {
                host: session.host.clone(),
                server: greeting.text,
            });
        }
        session.greeting = greeting;

        if options.security == Security::StartTls {
            session.starttls(options).await?;
        }
        Ok(session)
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The text of the server's greeting.
    pub fn greeting(&self) -> &str {
        &self.greeting.text
    }

    async fn starttls(&mut self, options: &ConnectOptions) -> Result<(), Error> {
        self.send("STLS").await?;
        let status = self.read_status("starting TLS").await?;
        if !status.ok {
            return Err(Error::StartTlsUnavailable {
                host: self.host.clone(),
            });
        }
        // Anything the server sent after its +OK and before the handshake would be read as
        // if it came over TLS: the command-injection attack of RFC 2595 section 2.2, so it is refused.
        if !self.io.buffer().is_empty() {
            return Err(Error::Protocol {
                host: self.host.clone(),
                detail: "data arrived after the answer to STLS, before encryption started".into(),
            });
        }
        let placeholder: Box<dyn Stream> = Box::new(tokio::io::empty());
        let old = std::mem::replace(&mut self.io, BufReader::new(placeholder));
        let plain = old.into_inner();
        let tls = tls_wrap(options, plain).await?;
        self.io = BufReader::with_capacity(64 * 1024, Box::new(tls));
        Ok(())
    }

    /// Logs in with USER and PASS.
    pub async fn login_user_pass(&mut self, user: &str, password: &str) -> Result<(), Error> {
        self.send(&format!("USER {user}")).await?;
        let status = self.read_status("logging in").await?;
        if !status.ok {
            return Err(self.login_error(user, status));
        }
        self.send_secret("PASS ", password).await?;
        let status = self.read_status("logging in").await?;
        if !status.ok {
            return Err(self.login_error(user, status));
        }
        Ok(())
    }

    fn login_error(&self, user: &str, status: Status) -> Error {
        match status.code {
            Some(RespCode::InUse | RespCode::LoginDelay | RespCode::SysTemp) => Error::TryLater {
                host: self.host.clone(),
                server: status.text,
            },
            Some(RespCode::SysPerm) => Error::ServerRefused {
                host: self.host.clone(),
                server: status.text,
            },
            _ => Error::LoginFailed {
                user: user.to_string(),
                host: self.host.clone(),
                server: status.text,
            },
        }
    }

    /// STAT: the number of messages and their total size.
    pub async fn stat(&mut self) -> Result<(u32, u64), Error> {
        let status = self.command("STAT").await?;
        let mut parts = status.text.split_whitespace();
        let count = parts.next().and_then(|s| s.parse().ok());
        let size = parts.next().and_then(|s| s.parse().ok());
        match (count, size) {
            (Some(c), Some(s)) => Ok((c, s)),
            _ => Err(self.protocol(format!("STAT answer \"{}\"", status.text))),
        }
    }

    /// UIDL for every message. `Err(Error::NoUidl)` when the server does not support it.
    pub async fn uidl_all(&mut self) -> Result<Vec<UidlEntry>, Error> {
        self.send("UIDL").await?;
        let status = self.read_status("listing unique ids").await?;
        if !status.ok {
            return Err(Error::NoUidl {
                host: self.host.clone(),
            });
        }
        let mut entries = Vec::new();
        let mut bad = None;
        self.read_multiline(|line| {
            let text = String::from_utf8_lossy(response::trim_eol(line));
            let mut parts = text.split_whitespace();
            match (parts.next().and_then(|n| n.parse().ok()), parts.next()) {
                (Some(number), Some(uidl)) => entries.push(UidlEntry {
                    number,
                    uidl: uidl.to_string(),
                }),
                _ => bad = Some(text.into_owned()),
            }
        })
        .await?;
        match bad {
            Some(line) => Err(self.protocol(format!("UIDL line \"{line}\""))),
            None => Ok(entries),
        }
    }

    /// LIST for every message.
    pub async fn list_all(&mut self) -> Result<Vec<ListEntry>, Error> {
        self.command("LIST").await?;
        let mut entries = Vec::new();
        let mut bad = None;
        self.read_multiline(|line| {
            let text = String::from_utf8_lossy(response::trim_eol(line));
            let mut parts = text.split_whitespace();
            match (
                parts.next().and_then(|n| n.parse().ok()),
                parts.next().and_then(|n| n.parse().ok()),
            ) {
                (Some(number), Some(size)) => entries.push(ListEntry { number, size }),
                _ => bad = Some(text.into_owned()),
            }
        })
        .await?;
        match bad {
            Some(line) => Err(self.protocol(format!("LIST line \"{line}\""))),
            None => Ok(entries),
        }
    }

    /// RETR: streams the message to `sink` line by line, dot-unstuffed, line endings kept.
    pub async fn retr_with(&mut self, number: u32, sink: impl FnMut(&[u8])) -> Result<(), Error> {
        self.command(&format!("RETR {number}")).await?;
        self.read_multiline(sink).await
    }

    /// RETR into memory.
    pub async fn retr(&mut self, number: u32) -> Result<Vec<u8>, Error> {
        let mut message = Vec::new();
        self.retr_with(number, |line| message.extend_from_slice(line))
            .await?;
        Ok(message)
    }

    /// DELE: marks a message for deletion; it is removed only when QUIT succeeds.
    pub async fn dele(&mut self, number: u32) -> Result<(), Error> {
        self.command(&format!("DELE {number}")).await.map(drop)
    }

    pub async fn noop(&mut self) -> Result<(), Error> {
        self.command("NOOP").await.map(drop)
    }

    /// QUIT: the server commits deletions (the UPDATE state) and closes.
    pub async fn quit(mut self) -> Result<(), Error> {
        self.command("QUIT").await?;
        let _ = self.io.get_mut().shutdown().await;
        Ok(())
    }

    /// Sends a command and requires +OK.
    async fn command(&mut self, command: &str) -> Result<Status, Error> {
        self.send(command).await?;
        let status = self.read_status(command).await?;
        if status.ok {
            Ok(status)
        } else {
            let verb = command.split(' ').next().unwrap_or(command).to_string();
            Err(match status.code {
                Some(RespCode::InUse | RespCode::SysTemp | RespCode::LoginDelay) => {
                    Error::TryLater {
                        host: self.host.clone(),
                        server: status.text,
                    }
                }
                code => Error::Command {
                    host: self.host.clone(),
                    command: verb,
                    server: status.text,
                    code,
                },
            })
        }
    }

    async fn send(&mut self, command: &str) -> Result<(), Error> {
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {command}");
        self.write_line(command.as_bytes()).await
    }

    /// Sends `prefix` + `secret`, logging the secret masked.
    async fn send_secret(&mut self, prefix: &str, secret: &str) -> Result<(), Error> {
        tracing::debug!(target: "poplar::pop3", host = %self.host, "C: {prefix}********");
        let mut line = Vec::with_capacity(prefix.len() + secret.len());
        line.extend_from_slice(prefix.as_bytes());
        line.extend_from_slice(secret.as_bytes());
        self.write_line(&line).await
    }

    async fn write_line(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let timeout = self.timeout;
        let host = self.host.clone();
        let io = self.io.get_mut();
        let write = async {
            io.write_all(bytes).await?;
            io.write_all(b"\r\n").await?;
            io.flush().await
        };
        match tokio::time::timeout(timeout, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(io_error(&host, e)),
            Err(_) => Err(Error::Timeout {
                host,
                secs: timeout.as_secs(),
                doing: "sending a command".into(),
            }),
        }
    }

    async fn read_line(&mut self, doing: &str) -> Result<(), Error> {
        match tokio::time::timeout(
            self.timeout,
            lines::read_line(&mut self.io, &mut self.line, MAX_LINE),
        )
        .await
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(LineError::Eof)) => Err(Error::Closed {
                host: self.host.clone(),
            }),
            Ok(Err(LineError::TooLong)) => Err(Error::LineTooLong {
                host: self.host.clone(),
                max: MAX_LINE,
            }),
            Ok(Err(LineError::Io(e))) => Err(io_error(&self.host, e)),
            Err(_) => Err(Error::Timeout {
                host: self.host.clone(),
                secs: self.timeout.as_secs(),
                doing: doing.to_string(),
            }),
        }
    }

    async fn read_status(&mut self, doing: &str) -> Result<Status, Error> {
        let doing = match doing.split(' ').next() {
            Some("PASS") => "logging in",
            _ => doing,
        };
        self.read_line(doing).await?;
        tracing::debug!(
            target: "poplar::pop3",
            host = %self.host,
            "S: {}",
            response::printable(response::trim_eol(&self.line))
        );
        response::parse_status(&self.line)
            .map_err(|e| self.protocol(format!("\"{}\" is not a POP3 status line", e.0)))
    }

    /// Reads the body of a multi-line answer up to its "." line. A connection that ends
    /// before the terminator is an error: the partial data must not be used.
    async fn read_multiline(&mut self, mut sink: impl FnMut(&[u8])) -> Result<(), Error> {
        loop {
            self.read_line("receiving data").await?;
            match lines::unstuff(&self.line) {
                Unstuffed::End => return Ok(()),
                Unstuffed::Data(data) => sink(data),
            }
        }
    }

    fn protocol(&self, detail: String) -> Error {
        Error::Protocol {
            host: self.host.clone(),
            detail,
        }
    }
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

async fn tls_wrap<S: AsyncRead + AsyncWrite + Unpin>(
    options: &ConnectOptions,
    stream: S,
) -> Result<async_native_tls::TlsStream<S>, Error> {
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
    let host = options.host.clone();
    match tokio::time::timeout(options.timeout, connector.connect(host.as_str(), stream)).await {
        Ok(Ok(tls)) => Ok(tls),
        Ok(Err(e)) => Err(Error::Tls {
            host,
            detail: tls_detail(&e.to_string()),
        }),
        Err(_) => Err(Error::Timeout {
            host,
            secs: options.timeout.as_secs(),
            doing: "starting TLS".into(),
        }),
    }
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
