//! An account's outgoing server: where its mail is submitted (SMTP, RFC 6409), how, and
//! how the messages it writes are built.

use std::path::PathBuf;
use std::str::FromStr;

use super::Security;
use crate::compose::Charset;
use crate::smtp::Login;

/// How to log in to the outgoing server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpLogin {
    /// The best the server offers (see [`Login::Automatic`]).
    #[default]
    Automatic,
    Plain,
    Login,
    CramMd5,
    /// The account's OAuth2 sign-in (its token), XOAUTH2 or OAUTHBEARER.
    OAuth2,
    /// No login at all.
    None,
    /// Log in to the account's POP3 server first; the provider then takes mail from this
    /// computer's address for a while without an SMTP login.
    PopBeforeSmtp,
}

impl SmtpLogin {
    pub const ALL: [SmtpLogin; 7] = [
        SmtpLogin::Automatic,
        SmtpLogin::Plain,
        SmtpLogin::Login,
        SmtpLogin::CramMd5,
        SmtpLogin::OAuth2,
        SmtpLogin::None,
        SmtpLogin::PopBeforeSmtp,
    ];

    /// As the command line, the accounts file and the database spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpLogin::Automatic => "auto",
            SmtpLogin::Plain => "plain",
            SmtpLogin::Login => "login",
            SmtpLogin::CramMd5 => "cram-md5",
            SmtpLogin::OAuth2 => "oauth2",
            SmtpLogin::None => "none",
            SmtpLogin::PopBeforeSmtp => "pop-before-smtp",
        }
    }

    /// The SMTP conversation's login: none after POP before SMTP.
    pub fn smtp(self) -> Login {
        match self {
            SmtpLogin::Automatic => Login::Automatic,
            SmtpLogin::Plain => Login::Plain,
            SmtpLogin::Login => Login::Login,
            SmtpLogin::CramMd5 => Login::CramMd5,
            SmtpLogin::OAuth2 => Login::OAuth2,
            SmtpLogin::None | SmtpLogin::PopBeforeSmtp => Login::None,
        }
    }

    /// True when a password is needed to send.
    pub fn needs_password(self) -> bool {
        self != SmtpLogin::None
    }
}

impl FromStr for SmtpLogin {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        SmtpLogin::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                crate::t!(
                    "invalid-smtp-login",
                    value = s.clone(),
                    choices = SmtpLogin::ALL.map(SmtpLogin::as_str).join(", ")
                )
            })
    }
}

/// The charset of the messages an account writes, as the database spells it.
pub fn charset_str(charset: Charset) -> &'static str {
    match charset {
        Charset::Utf8 => "utf-8",
        Charset::Iso2022Jp => "iso-2022-jp",
    }
}

/// The charset called `s` (as [`charset_str`] spells it).
pub fn parse_charset(s: &str) -> Option<Charset> {
    match s.trim().to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => Some(Charset::Utf8),
        "iso-2022-jp" | "jis" => Some(Charset::Iso2022Jp),
        _ => None,
    }
}

/// An account's outgoing server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty: the incoming server's user name.
    pub user: String,
    pub login: SmtpLogin,
    /// A PEM file with the CA (or self-signed) certificate to trust besides the system's.
    pub ca_file: Option<PathBuf>,
    /// The outgoing server has a password of its own (a second keyring entry); otherwise
    /// it takes the incoming server's.
    pub own_password: bool,
    pub charset: Charset,
    /// Added below the text of every new message, after a "-- " line.
    pub signature: String,
}

impl SmtpServer {
    /// Submission on 587 with STARTTLS: what providers ask for (and what port 25 blocking,
    /// OP25B, leaves open).
    pub fn new(host: impl Into<String>) -> SmtpServer {
        SmtpServer {
            host: host.into(),
            port: 587,
            security: Security::StartTls,
            user: String::new(),
            login: SmtpLogin::Automatic,
            ca_file: None,
            own_password: false,
            charset: Charset::Utf8,
            signature: String::new(),
        }
    }

    /// True when sending logs in with the outgoing server's own password: it has one,
    /// and its login takes a password (POP before SMTP logs in to the incoming server,
    /// with the incoming password).
    pub fn uses_own_password(&self) -> bool {
        self.own_password && !matches!(self.login, SmtpLogin::None | SmtpLogin::PopBeforeSmtp)
    }

    /// The port for a security mode: 465 for TLS from the first byte, 587 otherwise.
    pub fn default_port(security: Security) -> u16 {
        match security {
            Security::Tls => 465,
            Security::StartTls | Security::Plain => 587,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_round_trip_and_unknown_ones_are_named() {
        for login in SmtpLogin::ALL {
            assert_eq!(login.as_str().parse::<SmtpLogin>(), Ok(login));
        }
        assert_eq!("CRAM-MD5".parse::<SmtpLogin>(), Ok(SmtpLogin::CramMd5));
        let error = "xoauth".parse::<SmtpLogin>().unwrap_err();
        assert!(error.contains("xoauth"), "{error}");
        assert!(error.contains("pop-before-smtp"), "{error}");
    }

    #[test]
    fn pop_before_smtp_sends_no_smtp_login_but_needs_a_password() {
        assert_eq!(SmtpLogin::PopBeforeSmtp.smtp(), Login::None);
        assert!(SmtpLogin::PopBeforeSmtp.needs_password());
        assert!(!SmtpLogin::None.needs_password());
    }

    #[test]
    fn charsets_round_trip() {
        for charset in [Charset::Utf8, Charset::Iso2022Jp] {
            assert_eq!(parse_charset(charset_str(charset)), Some(charset));
        }
        assert_eq!(parse_charset("shift_jis"), None);
    }
}
