//! POP3 failures (and TLS and connection failures shared with SMTP), told in the
//! interface's language.

use crate::pop3::{self, CertificateInfo};
use crate::t;

/// What Poplar was waiting for when a server went quiet, in the window's language.
pub fn step(step: pop3::Step) -> String {
    use pop3::Step as S;
    match step {
        S::Connecting => t!("step-connecting"),
        S::Greeting => t!("step-greeting"),
        S::Capabilities => t!("step-capabilities"),
        S::StartingTls => t!("step-starting-tls"),
        S::LoggingIn => t!("step-logging-in"),
        S::Counting => t!("step-counting"),
        S::ListingIds => t!("step-listing-ids"),
        S::Listing => t!("step-listing"),
        S::ReceivingMessage => t!("step-receiving-message"),
        S::ReceivingHeaders => t!("step-receiving-headers"),
        S::Deleting => t!("step-deleting"),
        S::Checking => t!("step-checking"),
        S::Closing => t!("step-closing"),
        S::SendingCommand => t!("step-sending-command"),
    }
}

pub fn certificate(c: &CertificateInfo) -> String {
    t!(
        "certificate-described",
        subject = c.subject.clone(),
        issuer = c.issuer.clone(),
        from = c.not_before.clone(),
        until = c.not_after.clone(),
        fingerprint = c.sha256.clone()
    )
}

pub fn pop3(error: &pop3::Error) -> String {
    use pop3::Error as E;
    let s = |v: &String| v.clone();
    match error {
        E::Resolve { host, why } => t!("error-resolve", host = s(host), detail = not_found(why)),
        E::Refused { host, port } => t!("error-refused", host = s(host), port = *port),
        E::Connect { host, port, detail } => {
            t!(
                "error-connect",
                host = s(host),
                port = *port,
                detail = s(detail)
            )
        }
        E::Timeout { host, secs, doing } => {
            t!(
                "error-timeout",
                host = s(host),
                secs = *secs,
                doing = step(*doing)
            )
        }
        E::Tls { host, hint, detail } => tls(host, *hint, detail),
        E::Untrusted {
            host,
            detail,
            certificate,
        } => t!(
            "error-untrusted",
            host = s(host),
            detail = certificate
                .as_ref()
                .map(|c| self::certificate(c))
                .unwrap_or_else(|| s(detail))
        ),
        E::CertificateChanged {
            host,
            expected,
            found,
        } => t!(
            "error-certificate-changed",
            host = s(host),
            expected = s(expected),
            found = found
                .as_ref()
                .map(|c| c.sha256.clone())
                .unwrap_or_else(|| "?".into())
        ),
        E::StartTlsUnavailable { host } => t!("error-no-starttls", host = s(host)),
        E::LoginFailed { user, host, server } => t!(
            "error-login-failed",
            user = s(user),
            host = s(host),
            server = s(server)
        ),
        E::TryLater { host, server } => t!("error-try-later", host = s(host), server = s(server)),
        E::ServerRefused { host, server } => {
            t!("error-server-refused", host = s(host), server = s(server))
        }
        E::Command {
            host,
            command,
            server,
            ..
        } => t!(
            "error-command",
            host = s(host),
            command = s(command),
            server = s(server)
        ),
        E::NoUidl { host } => t!("error-no-uidl", host = s(host)),
        E::Protocol { host, what } => {
            t!("error-protocol", host = s(host), detail = malformed(what))
        }
        E::LineTooLong { host, max } => t!("error-line-too-long", host = s(host), max = *max),
        E::TooSlow { host, bytes, secs } => {
            t!(
                "error-too-slow",
                host = s(host),
                bytes = *bytes,
                secs = *secs
            )
        }
        E::Closed { host } => t!("error-closed", host = s(host)),
        E::Io { host, detail } => t!("error-io", host = s(host), detail = s(detail)),
        E::CaFile { path, detail } => t!("error-ca-file", path = s(path), detail = s(detail)),
    }
}

/// Why a server's name led nowhere: the system's words, or that it has no addresses.
fn not_found(why: &pop3::NotFound) -> String {
    match why {
        pop3::NotFound::Lookup(detail) => detail.clone(),
        pop3::NotFound::NoAddresses => t!("resolve-no-addresses"),
    }
}

/// A failed handshake: the advice its hint calls for, around the library's words.
fn tls(host: &str, hint: pop3::TlsHint, detail: &str) -> String {
    let (host, detail) = (host.to_string(), detail.to_string());
    match hint {
        pop3::TlsHint::NotTrusted => t!("error-tls-not-trusted", host = host, detail = detail),
        pop3::TlsHint::NotTls => t!("error-tls-not-tls", host = host, detail = detail),
        pop3::TlsHint::Other => t!("error-tls", host = host, detail = detail),
    }
}

/// What was wrong with a server's answer; the server's own text is quoted as it came.
fn malformed(what: &pop3::Malformed) -> String {
    use pop3::Malformed as M;
    match what {
        M::DataBeforeTls => t!("malformed-data-before-tls"),
        M::EndlessLogin => t!("malformed-endless-login"),
        M::NotStatus(line) => t!("malformed-not-status", line = line.clone()),
        M::Stat(text) => t!("malformed-stat", text = text.clone()),
        M::UidlLine(line) => t!("malformed-uidl-line", line = line.clone()),
        M::ListLine(line) => t!("malformed-list-line", line = line.clone()),
        M::TooLongListing { lines, megabytes } => {
            t!(
                "malformed-listing-too-long",
                lines = *lines,
                megabytes = *megabytes
            )
        }
    }
}
