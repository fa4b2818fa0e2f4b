//! Logging in: USER/PASS, APOP and SASL, trying mechanisms in turn.

use super::{ConnectOptions, Session};
use crate::pop3::auth::{self, AuthMethod};
use crate::pop3::error::Step;
use crate::pop3::response::{self, RespCode, Status};
use crate::pop3::{Error, Malformed};

/// Login attempts a session makes at most once the server has rejected the password:
/// trying every mechanism with a wrong password is how accounts get locked.
pub const MAX_REJECTED_LOGINS: usize = 2;

/// Challenges a SASL exchange answers at most; no mechanism here needs more than two.
const MAX_SASL_STEPS: usize = 4;

/// One login attempt of [`connect_and_login`].
#[derive(Debug, Clone, Copy)]
struct Attempt {
    mechanism: AuthMethod,
    /// Tried again on a new connection after the server hung up.
    retried: bool,
    /// PLAIN as a command and an answer to the server's challenge, after the initial
    /// response was refused.
    two_step: bool,
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
        session.encrypted,
    );
    let mut last = String::new();
    let mut reconnect = false;
    let mut rejected = 0;
    let mut queue: std::collections::VecDeque<Attempt> = candidates
        .into_iter()
        .map(|mechanism| Attempt {
            mechanism,
            retried: false,
            two_step: false,
        })
        .collect();
    while let Some(attempt) = queue.pop_front() {
        if reconnect {
            session = Session::connect(options).await?;
            reconnect = false;
        }
        match session
            .try_mechanism(attempt, user, password, options.port)
            .await
        {
            Ok((status, _)) if status.ok => return Ok(session),
            Ok((status, credentials_sent)) => match final_refusal(&status, user, &options.host) {
                Some(error) => return Err(error),
                None => {
                    tracing::debug!(mechanism = %attempt.mechanism, text = %status.text, "login mechanism refused");
                    last = status.text;
                    if credentials_sent {
                        rejected += 1;
                        if rejected >= MAX_REJECTED_LOGINS {
                            break;
                        }
                    }
                    // A server of RFC 1734's time may refuse PLAIN's initial response
                    // without a word about the password: PLAIN once more, in two
                    // steps. Each try counts against the limit above.
                    if attempt.mechanism == AuthMethod::Plain && !attempt.two_step {
                        queue.push_front(Attempt {
                            two_step: true,
                            ..attempt
                        });
                    }
                }
            },
            // Some servers hang up after a failed attempt: continue on a new connection.
            // A hang-up after the password went counts as its refusal (a server that
            // hangs up on every password sees no more of them than one that refuses
            // them); the hang-up may also have come before this mechanism was really
            // tried, so it gets one more go there.
            Err(Error::Closed { .. }) => {
                last = "the server closed the connection".into();
                reconnect = true;
                if session.secret_sent {
                    rejected += 1;
                    if rejected >= MAX_REJECTED_LOGINS {
                        break;
                    }
                }
                if !attempt.retried {
                    queue.push_front(Attempt {
                        retried: true,
                        ..attempt
                    });
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
/// The error that ends the login after `status` refused it, when its response code says
/// that trying another mechanism is no use (RFC 3206, RFC 2449).
fn final_refusal(status: &Status, user: &str, host: &str) -> Option<Error> {
    let (host, server) = (host.to_string(), status.text.clone());
    match status.code {
        Some(RespCode::Auth) => Some(Error::LoginFailed {
            user: user.into(),
            host,
            server,
        }),
        _ if status.try_later() => Some(Error::TryLater { host, server }),
        Some(RespCode::SysPerm) => Some(Error::ServerRefused { host, server }),
        _ => None,
    }
}

impl Session {
    /// Logs in with one mechanism; returns the server's final answer (ok or not), and
    /// whether the credentials had been sent when it came (a refusal before that says
    /// only that the mechanism is not offered).
    async fn try_mechanism(
        &mut self,
        attempt: Attempt,
        user: &str,
        password: &str,
        port: u16,
    ) -> Result<(Status, bool), Error> {
        self.secret_sent = false;
        let refused = |text: String| Status {
            ok: false,
            code: None,
            text,
        };
        match attempt.mechanism {
            AuthMethod::Automatic | AuthMethod::OAuth2 => {
                Ok((refused("no mechanism chosen".into()), false))
            }
            // A bearer token opens the mailbox for anyone who reads it: never in the clear.
            AuthMethod::XOAuth2 | AuthMethod::OAuthBearer if !self.encrypted => Ok((
                refused("a sign-in token is sent only over an encrypted connection".into()),
                false,
            )),
            // `password` is the access token. A refusal comes as a challenge with the
            // reasons, which is answered with an empty response (XOAUTH2) or %x01
            // (OAUTHBEARER, RFC 7628 §3.2.3) to get the final -ERR.
            AuthMethod::XOAuth2 => {
                let message = crate::oauth::sasl::xoauth2(user, password);
                self.token_login("XOAUTH2", message.into_bytes(), Vec::new())
                    .await
            }
            AuthMethod::OAuthBearer => {
                let host = self.host.clone();
                let message = crate::oauth::sasl::oauthbearer(user, Some((&host, port)), password);
                self.token_login("OAUTHBEARER", message.into_bytes(), vec![1])
                    .await
            }
            AuthMethod::UserPass => {
                self.send_line(&format!("USER {user}")).await?;
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
                let encoded = auth::encode(&message);
                // RFC 5034 §4: an initial response only where the line stays within
                // 255 octets.
                if attempt.two_step || "AUTH PLAIN \r\n".len() + encoded.len() > 255 {
                    return self
                        .sasl("PLAIN", |step, _| (step == 0).then(|| message.clone()))
                        .await;
                }
                self.send_secret("AUTH PLAIN ", &encoded).await?;
                self.read_line(Step::LoggingIn).await?;
                if response::parse_continuation(&self.line).is_some() {
                    // The server asks again for what it was given: given once more.
                    self.send_secret("", &encoded).await?;
                    self.read_line(Step::LoggingIn).await?;
                    if response::parse_continuation(&self.line).is_some() {
                        return Err(self.protocol(Malformed::EndlessLogin));
                    }
                }
                Ok((self.parse_line()?, true))
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

    /// Logs in with a bearer token: `message` (already base64) as the initial response
    /// on the AUTH line (RFC 5034) when it fits there, else as the answer to the first
    /// challenge. A server that refuses the initial response at once, without a
    /// challenge about the token, gets the message again as the answer to its first
    /// challenge. `on_error` answers a challenge that carries the server's reasons.
    async fn token_login(
        &mut self,
        mechanism: &str,
        message: Vec<u8>,
        on_error: Vec<u8>,
    ) -> Result<(Status, bool), Error> {
        let encoded = String::from_utf8_lossy(&message).into_owned();
        let token = auth::decode(&message).unwrap_or_default();
        // RFC 5034 §4: an initial response only where the line stays within 255 octets;
        // most tokens are longer, and go as the answer to the first challenge.
        if "AUTH  \r\n".len() + mechanism.len() + encoded.len() > 255 {
            return self
                .sasl(mechanism, |step, _| {
                    Some(if step == 0 {
                        token.clone()
                    } else {
                        on_error.clone()
                    })
                })
                .await;
        }
        self.send_secret(&format!("AUTH {mechanism} "), &encoded)
            .await?;
        let mut challenged = false;
        let status = loop {
            self.read_line(Step::LoggingIn).await?;
            if response::parse_continuation(&self.line).is_none() {
                break self.parse_line()?;
            }
            if challenged {
                return Err(self.protocol(Malformed::EndlessLogin));
            }
            challenged = true;
            self.send_secret("", &auth::encode(&on_error)).await?;
        };
        if status.ok || challenged || status.code.is_some() || status.try_later() {
            return Ok((status, true));
        }
        tracing::debug!(mechanism, text = %status.text, "initial response refused; sending it as a continuation");
        self.sasl(mechanism, |step, _| {
            Some(if step == 0 {
                token.clone()
            } else {
                on_error.clone()
            })
        })
        .await
    }

    /// Runs a SASL exchange (RFC 5034). `respond(step, challenge)` gives each response;
    /// None cancels the exchange. A server that keeps challenging is cancelled after
    /// a few steps. Returns the final answer and whether any response had been sent.
    async fn sasl(
        &mut self,
        mechanism: &str,
        mut respond: impl FnMut(usize, &[u8]) -> Option<Vec<u8>>,
    ) -> Result<(Status, bool), Error> {
        self.send_line(&format!("AUTH {mechanism}")).await?;
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
                    return Err(self.protocol(Malformed::EndlessLogin));
                }
                None => self.send_line("*").await?,
            }
        }
    }
}
