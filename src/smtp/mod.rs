//! An SMTP submission client (RFC 5321, 6409; STARTTLS from RFC 3207; AUTH PLAIN, LOGIN
//! and CRAM-MD5 from RFC 4954) over any stream, so that the same code runs on TCP, on
//! TLS and in tests on an in-memory pipe. Connecting and securing the connection is the
//! caller's: this is the conversation.
//!
//! One message is one transaction: if any recipient is refused, nothing is sent (RSET),
//! so a message never reaches some recipients and not others without the user knowing.

pub mod reply;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use crate::compose::Built;
pub use reply::Reply;
use reply::{ReadError, read_reply};

/// How long a server may take to answer the end of a message (RFC 5321 §4.5.3.2.6).
pub const FINAL_REPLY: Duration = Duration::from_secs(600);

/// What this computer calls itself in EHLO: an address literal (RFC 5321 §4.1.4), which
/// servers that refuse a bare "localhost" accept and which says nothing about the user.
const HELLO_NAME: &str = "[127.0.0.1]";

/// What the client was doing when something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Greeting,
    Hello,
    StartingTls,
    LoggingIn,
    Sender,
    Recipient,
    Data,
    /// Sending the message and waiting for the server to take it.
    Message,
    Closing,
}

/// How to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Login {
    /// The best the server offers: CRAM-MD5 on a plain connection, PLAIN or LOGIN on a
    /// secure one; no login at all when the server offers none.
    #[default]
    Automatic,
    Plain,
    Login,
    CramMd5,
    /// A bearer token from signing in (the account's OAuth2 sign-in), as the password:
    /// XOAUTH2, or OAUTHBEARER where only that is offered.
    OAuth2,
    /// No login (a server that knows its users by address, or POP before SMTP).
    None,
}

/// What was wrong with an answer that cannot be used. A line in a case is the server's
/// own, never a sentence of ours.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Garbled {
    /// Data came after the answer to STARTTLS, before TLS began (command injection).
    DataBeforeTls,
    /// A CRAM-MD5 challenge that is not base64.
    BadChallenge,
    /// An answer longer than any server needs.
    TooLong,
    /// A line that is not an SMTP reply.
    NotReply(String),
}

impl std::fmt::Display for Garbled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Garbled::DataBeforeTls => f.write_str("the server sent data before TLS began"),
            Garbled::BadChallenge => f.write_str("a CRAM-MD5 challenge that is not base64"),
            Garbled::TooLong => f.write_str("an answer too long"),
            Garbled::NotReply(line) => write!(f, "\"{line}\""),
        }
    }
}

/// Everything that can go wrong in the conversation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum Error {
    #[error("the server did not answer in time ({0:?})")]
    Timeout(Step),
    #[error("the server closed the connection ({0:?})")]
    Closed(Step),
    #[error("network error ({step:?}): {detail}")]
    Io { step: Step, detail: String },
    #[error("the server's answer cannot be understood ({step:?}): {what}")]
    Protocol { step: Step, what: Garbled },
    #[error("the server refused ({step:?}): {}", reply.text())]
    Refused { step: Step, reply: Reply },
    #[error("the server refused the recipient {address}: {}", reply.text())]
    RecipientRefused { address: String, reply: Reply },
    #[error("the server refused the login: {}", reply.text())]
    LoginFailed { reply: Reply },
    #[error("the server offers no login Poplar can use here (it offers: {offered})")]
    NoLoginMethod { offered: String },
    #[error("the server does not offer STARTTLS; nothing was sent unencrypted")]
    StartTlsUnavailable,
    #[error("the message ({size} bytes) is larger than the server takes ({limit} bytes)")]
    TooLarge { size: u64, limit: u64 },
}

impl Error {
    /// True when trying again later may well work (the message stays in the Outbox).
    pub fn is_temporary(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Closed(_) | Error::Io { .. } => true,
            Error::Refused { reply, .. }
            | Error::RecipientRefused { reply, .. }
            | Error::LoginFailed { reply } => reply.is_temporary(),
            _ => false,
        }
    }
}

/// What the server said it can do in its EHLO answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    /// Login methods, upper case.
    pub auth: Vec<String>,
    pub starttls: bool,
    /// The largest message it takes, if it says.
    pub size: Option<u64>,
}

impl Extensions {
    fn from_ehlo(reply: &Reply) -> Extensions {
        let mut ext = Extensions::default();
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_whitespace();
            match words.next().map(str::to_ascii_uppercase).as_deref() {
                Some("STARTTLS") => ext.starttls = true,
                Some("AUTH") => ext.auth.extend(words.map(str::to_ascii_uppercase)),
                // The old form some servers still send beside (or instead of) AUTH.
                Some(word) if word.starts_with("AUTH=") => {
                    ext.auth.push(word[5..].to_string());
                    ext.auth.extend(words.map(str::to_ascii_uppercase));
                }
                Some("SIZE") => {
                    ext.size = words.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0);
                }
                _ => {}
            }
        }
        ext
    }
}

/// One conversation with a server.
pub struct Client<S> {
    io: BufReader<S>,
    timeout: Duration,
    /// The name this computer gives in EHLO.
    name: String,
    extensions: Extensions,
    encrypted: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Reads the greeting and says EHLO (HELO for a server that does not know EHLO).
    /// `encrypted`: the stream is TLS already.
    pub async fn greet(stream: S, timeout: Duration, encrypted: bool) -> Result<Client<S>, Error> {
        let mut client = Client {
            io: BufReader::new(stream),
            timeout,
            name: HELLO_NAME.into(),
            extensions: Extensions::default(),
            encrypted,
        };
        let greeting = client.read(Step::Greeting).await?;
        if greeting.code != 220 {
            return Err(Error::Refused {
                step: Step::Greeting,
                reply: greeting,
            });
        }
        client.hello().await?;
        Ok(client)
    }

    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// EHLO, or HELO when EHLO is not known; reads the extensions.
    async fn hello(&mut self) -> Result<(), Error> {
        let ehlo = self
            .command(&format!("EHLO {}", self.name), Step::Hello)
            .await?;
        if ehlo.code == 250 {
            self.extensions = Extensions::from_ehlo(&ehlo);
            return Ok(());
        }
        let helo = self
            .command(&format!("HELO {}", self.name), Step::Hello)
            .await?;
        self.extensions = Extensions::default();
        self.expect(helo, 250, Step::Hello).map(drop)
    }

    /// Asks for STARTTLS and hands back the stream to be wrapped in TLS; the caller then
    /// goes on with [`Client::secured`]. Bytes the server sent after its "go ahead" would
    /// be read as if they came over TLS (an injection): they end the session.
    pub async fn start_tls(mut self) -> Result<S, Error> {
        if !self.extensions.starttls {
            return Err(Error::StartTlsUnavailable);
        }
        let reply = self.command("STARTTLS", Step::StartingTls).await?;
        self.expect(reply, 220, Step::StartingTls)?;
        if !self.io.buffer().is_empty() {
            return Err(Error::Protocol {
                step: Step::StartingTls,
                what: Garbled::DataBeforeTls,
            });
        }
        Ok(self.io.into_inner())
    }

    /// Goes on over the TLS stream after [`Client::start_tls`]: EHLO again (what the
    /// server offered before TLS is forgotten, RFC 3207).
    pub async fn secured(stream: S, timeout: Duration) -> Result<Client<S>, Error> {
        let mut client = Client {
            io: BufReader::new(stream),
            timeout,
            name: HELLO_NAME.into(),
            extensions: Extensions::default(),
            encrypted: true,
        };
        client.hello().await?;
        Ok(client)
    }

    /// Logs in. A password goes in the clear (PLAIN, LOGIN) only on an encrypted
    /// connection or when `clear_allowed` (the account chose no encryption, warned).
    pub async fn login(
        &mut self,
        how: Login,
        user: &str,
        password: &str,
        clear_allowed: bool,
    ) -> Result<(), Error> {
        let offered = &self.extensions.auth;
        let has = |m: &str| offered.iter().any(|o| o == m);
        let clear_ok = self.encrypted || clear_allowed;
        let method = match how {
            Login::None => return Ok(()),
            Login::Automatic if offered.is_empty() => return Ok(()),
            Login::Automatic if has("CRAM-MD5") && !self.encrypted => Login::CramMd5,
            Login::Automatic if has("PLAIN") && clear_ok => Login::Plain,
            Login::Automatic if has("LOGIN") && clear_ok => Login::Login,
            Login::Automatic if has("CRAM-MD5") => Login::CramMd5,
            Login::Plain if clear_ok => Login::Plain,
            Login::Login if clear_ok => Login::Login,
            Login::CramMd5 => Login::CramMd5,
            // The token goes only inside TLS (whatever the account allows for passwords);
            // a server that lists neither mechanism is tried with XOAUTH2.
            Login::OAuth2 if self.encrypted => Login::OAuth2,
            _ => {
                return Err(Error::NoLoginMethod {
                    offered: offered.join(" "),
                });
            }
        };
        let reply = match method {
            Login::Plain => {
                let token = BASE64.encode(crate::pop3::auth::plain(user, password));
                self.secret_command(&format!("AUTH PLAIN {token}")).await?
            }
            Login::OAuth2 => {
                let bearer = has("OAUTHBEARER") && !has("XOAUTH2");
                let (first, on_error) = if bearer {
                    let message = crate::oauth::sasl::oauthbearer(user, None, password);
                    (format!("AUTH OAUTHBEARER {message}"), "AQ==")
                } else {
                    let message = crate::oauth::sasl::xoauth2(user, password);
                    (format!("AUTH XOAUTH2 {message}"), "")
                };
                // RFC 4954 §4: an initial response only where the command line stays
                // within 512 octets; a longer token answers the first (empty) challenge.
                let reply = if first.len() + 2 > 512 {
                    let (command, token) = first.split_at(first.rfind(' ').unwrap_or(0));
                    let challenge = self.command(command, Step::LoggingIn).await?;
                    self.expect_login(challenge, 334)?;
                    self.secret_command(token.trim_start()).await?
                } else {
                    self.secret_command(&first).await?
                };
                if reply.code == 334 {
                    // The reasons for a refusal, as a challenge: answered to get the 535.
                    self.secret_command(on_error).await?
                } else {
                    reply
                }
            }
            Login::Login => {
                let first = self.command("AUTH LOGIN", Step::LoggingIn).await?;
                self.expect_login(first, 334)?;
                let second = self.secret_command(&BASE64.encode(user)).await?;
                self.expect_login(second, 334)?;
                self.secret_command(&BASE64.encode(password)).await?
            }
            _ => {
                let challenge = self.command("AUTH CRAM-MD5", Step::LoggingIn).await?;
                let challenge = self.expect_login(challenge, 334)?;
                let decoded = BASE64
                    .decode(
                        challenge
                            .lines
                            .first()
                            .map(String::as_str)
                            .unwrap_or("")
                            .trim(),
                    )
                    .map_err(|_| Error::Protocol {
                        step: Step::LoggingIn,
                        what: Garbled::BadChallenge,
                    })?;
                let digest = crate::pop3::auth::cram_md5(user, password, &decoded);
                self.secret_command(&BASE64.encode(digest)).await?
            }
        };
        self.expect_login(reply, 235).map(drop)
    }

    fn expect_login(&self, reply: Reply, code: u16) -> Result<Reply, Error> {
        if reply.code == code {
            Ok(reply)
        } else {
            Err(Error::LoginFailed { reply })
        }
    }

    /// Sends one message: MAIL FROM, a RCPT TO for each recipient, DATA and the
    /// dot-stuffed bytes. Returns the server's final answer (which often names the
    /// queue id). Any refusal before the message is sent undoes the transaction.
    pub async fn send(&mut self, message: &Built) -> Result<Reply, Error> {
        let size = message.bytes.len() as u64;
        if let Some(limit) = self.extensions.size.filter(|limit| size > *limit) {
            return Err(Error::TooLarge { size, limit });
        }
        let size_param = match self.extensions.size {
            Some(_) => format!(" SIZE={size}"),
            None => String::new(),
        };
        let reply = self
            .command(
                &format!("MAIL FROM:<{}>{size_param}", message.sender),
                Step::Sender,
            )
            .await?;
        if let Err(e) = self.expect(reply, 250, Step::Sender) {
            self.reset().await;
            return Err(e);
        }
        for address in &message.recipients {
            let reply = self
                .command(&format!("RCPT TO:<{address}>"), Step::Recipient)
                .await?;
            if !matches!(reply.code, 250 | 251) {
                self.reset().await;
                return Err(Error::RecipientRefused {
                    address: address.clone(),
                    reply,
                });
            }
        }
        let reply = self.command("DATA", Step::Data).await?;
        if let Err(e) = self.expect(reply, 354, Step::Data) {
            self.reset().await;
            return Err(e);
        }
        self.write(&stuffed(&message.bytes), Step::Message).await?;
        // Servers scan a message before they answer: RFC 5321 §4.5.3.2.6 gives them ten
        // minutes. No answer at all (a timeout, a closed connection) leaves it unknown
        // whether the message went; it is tried again later, with the same Message-ID:
        // the one case in which a recipient may get it twice.
        let reply = self
            .read_within(Step::Message, self.timeout.max(FINAL_REPLY))
            .await?;
        self.expect(reply, 250, Step::Message)
    }

    /// Ends the conversation politely; a server that has gone is no error by now.
    pub async fn quit(mut self) {
        let _ = self.command("QUIT", Step::Closing).await;
    }

    /// Undoes a transaction after a refusal, as far as the server still listens.
    async fn reset(&mut self) {
        let _ = self.command("RSET", Step::Sender).await;
    }

    fn expect(&self, reply: Reply, code: u16, step: Step) -> Result<Reply, Error> {
        if reply.code == code {
            Ok(reply)
        } else {
            Err(Error::Refused { step, reply })
        }
    }

    async fn command(&mut self, line: &str, step: Step) -> Result<Reply, Error> {
        self.write(format!("{line}\r\n").as_bytes(), step).await?;
        self.read(step).await
    }

    /// A line holding a secret: never logged.
    async fn secret_command(&mut self, line: &str) -> Result<Reply, Error> {
        self.command(line, Step::LoggingIn).await
    }

    async fn write(&mut self, bytes: &[u8], step: Step) -> Result<(), Error> {
        let io = self.io.get_mut();
        let write = async {
            io.write_all(bytes).await?;
            io.flush().await
        };
        match tokio::time::timeout(self.timeout, write).await {
            Err(_) => Err(Error::Timeout(step)),
            Ok(Err(e)) => Err(Error::Io {
                step,
                detail: e.to_string(),
            }),
            Ok(Ok(())) => Ok(()),
        }
    }

    async fn read(&mut self, step: Step) -> Result<Reply, Error> {
        self.read_within(step, self.timeout).await
    }

    async fn read_within(&mut self, step: Step, timeout: Duration) -> Result<Reply, Error> {
        match tokio::time::timeout(timeout, read_reply(&mut self.io)).await {
            Err(_) => Err(Error::Timeout(step)),
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(ReadError::Closed)) => Err(Error::Closed(step)),
            Ok(Err(ReadError::Io(detail))) => Err(Error::Io { step, detail }),
            Ok(Err(ReadError::TooLong)) => Err(Error::Protocol {
                step,
                what: Garbled::TooLong,
            }),
            Ok(Err(ReadError::Malformed(line))) => Err(Error::Protocol {
                step,
                what: Garbled::NotReply(line),
            }),
        }
    }
}

/// The message as DATA sends it: CRLF line ends, a line that begins with "." gets
/// another, and the end mark "." on its own line.
pub fn stuffed(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 64 + 5);
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if line_start && b == b'.' {
            out.push(b'.');
        }
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 1;
                line_start = true;
            }
            // A lone CR or LF is made a line end: SMTP has no other.
            b'\r' | b'\n' => {
                out.extend_from_slice(b"\r\n");
                line_start = true;
            }
            _ => {
                out.push(b);
                line_start = false;
            }
        }
        i += 1;
    }
    if !line_start {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests;
