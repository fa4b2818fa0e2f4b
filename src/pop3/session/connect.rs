//! Opening a session: TCP, TLS or STLS, the greeting and the capabilities.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::BufReader;
use tokio::net::TcpStream;

use super::tls::{Trust, tls_wrap};
use super::{Session, Stream};
use crate::pop3::auth;
use crate::pop3::capa::Capabilities;
use crate::pop3::error::Step;
use crate::pop3::lines::Pace;
use crate::pop3::{Error, Malformed, NotFound, Request, Security};

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
                let (tls, der) = tls_wrap(options, read_ahead(tcp), trust).await?;
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
            secret_sent: false,
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
    async fn capa(&mut self) -> Result<Option<Capabilities>, Error> {
        self.send_command(Request::Capa).await?;
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
        self.send_command(Request::Stls).await?;
        let status = self.read_status(Step::StartingTls).await?;
        if !status.ok {
            return Err(Error::StartTlsUnavailable {
                host: self.host.clone(),
            });
        }
        // Anything the server sent after its +OK and before the handshake would be read as
        // if it came over TLS: the command-injection attack of RFC 2595 section 2.2.
        if !self.io.buffer().is_empty() {
            return Err(self.protocol(Malformed::DataBeforeTls));
        }
        let placeholder: Box<dyn Stream> = Box::new(tokio::io::empty());
        let old = std::mem::replace(&mut self.io, BufReader::new(placeholder));
        let (tls, der) = tls_wrap(options, read_ahead(old.into_inner()), trust).await?;
        self.certificate = der;
        self.io = BufReader::with_capacity(64 * 1024, Box::new(tls));
        self.encrypted = true;
        Ok(())
    }
}

/// The connection under TLS, read in large pieces: OpenSSL reads each record's 5-byte
/// header and then its body, two system calls a record (31,000 for 10,000 messages of
/// 5 KB); from a buffer, those are served from memory (BENCHMARKS.md, issue 20, fifth
/// day). Writes pass straight through. Fresh and empty, so nothing read before the
/// handshake is taken into it.
fn read_ahead<S: tokio::io::AsyncRead>(stream: S) -> BufReader<S> {
    BufReader::with_capacity(32 * 1024, stream)
}

/// A TCP connection to the options' host and port within their timeout, for another
/// protocol (SMTP) with the same errors as POP3's.
pub(crate) async fn open_tcp(options: &ConnectOptions) -> Result<TcpStream, Error> {
    let tcp = tokio::time::timeout(options.timeout, connect_tcp(&options.host, options.port))
        .await
        .map_err(|_| Error::Timeout {
            host: options.host.clone(),
            secs: options.timeout.as_secs(),
            doing: Step::Connecting,
        })??;
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, Error> {
    let addrs: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Error::Resolve {
            host: host.to_string(),
            why: NotFound::Lookup(e.to_string()),
        })?
        .collect();
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    // No error means no address was tried.
    let Some(e) = last else {
        return Err(Error::Resolve {
            host: host.to_string(),
            why: NotFound::NoAddresses,
        });
    };
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
