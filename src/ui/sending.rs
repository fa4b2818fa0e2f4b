//! What sending says in the window: each error of a delivery in the window's language
//! (the server's own words quoted as they came).

use crate::send::{self, Delivery, Why};
use crate::smtp;
use crate::t;
use crate::ui::describe::{self, Said};

/// One sentence for what a delivery could not do.
pub fn error(error: &send::Error) -> String {
    match error {
        send::Error::Server(w) => why(w),
        send::Error::Store(e) => e.said(),
        send::Error::NoServer(account) => t!("send-no-server", account = account.clone()),
        send::Error::Busy(account) => t!("send-busy", account = account.clone()),
        send::Error::Restoring => t!("send-restoring"),
        send::Error::Lock(detail) => t!("send-lock", detail = detail.clone()),
        send::Error::Compose(e) => compose_error(e),
        send::Error::Password(account, crate::secrets::Error::NotFound(_)) => {
            t!("send-no-outgoing-password", account = account.clone())
        }
        send::Error::Password(_, e) => describe::password(e),
    }
}

/// Why a message still waits in the Outbox, in the window's language.
pub fn why(why: &Why) -> String {
    match why {
        Why::Connect(e) => describe::pop3(e),
        Why::Smtp(e) => smtp_error(e),
        Why::NotTried => t!("send-not-tried"),
        Why::Recorded(words) => words.clone(),
    }
}

fn compose_error(error: &crate::compose::Error) -> String {
    match error {
        crate::compose::Error::NoSender => t!("send-no-sender"),
        crate::compose::Error::NoRecipient => t!("send-no-recipient"),
        crate::compose::Error::BadAddress(a) => t!("send-bad-address", address = a.clone()),
    }
}

/// An SMTP error: what happened, and the server's words when it said any.
pub fn smtp_error(error: &smtp::Error) -> String {
    match error {
        smtp::Error::Timeout(_) => t!("smtp-timeout"),
        smtp::Error::Closed(_) => t!("smtp-closed"),
        smtp::Error::Io { detail, .. } => t!("smtp-network", detail = detail.clone()),
        smtp::Error::Protocol { what, .. } => t!("smtp-protocol", detail = garbled(what)),
        smtp::Error::Refused { reply, .. } => t!("smtp-refused", server = reply.text()),
        smtp::Error::RecipientRefused { address, reply } => t!(
            "smtp-recipient-refused",
            address = address.clone(),
            server = reply.text()
        ),
        smtp::Error::LoginFailed { reply } => t!("smtp-login-failed", server = reply.text()),
        smtp::Error::NoLoginMethod { offered } => {
            t!("smtp-no-login-method", offered = offered.clone())
        }
        smtp::Error::StartTlsUnavailable => t!("smtp-no-starttls"),
        smtp::Error::TooLarge { size, limit } => {
            t!("smtp-too-large", size = size / 1024, limit = limit / 1024)
        }
    }
}

/// What was wrong with the server's answer; its own line is quoted as it came.
fn garbled(what: &smtp::Garbled) -> String {
    match what {
        smtp::Garbled::DataBeforeTls => t!("smtp-garbled-data-before-tls"),
        smtp::Garbled::BadChallenge => t!("smtp-garbled-bad-challenge"),
        smtp::Garbled::TooLong => t!("smtp-garbled-too-long"),
        smtp::Garbled::NotReply(line) => t!("smtp-garbled-not-reply", line = line.clone()),
    }
}

/// The status bar's sentence for a delivery after a check.
pub fn delivered(name: &str, result: &Result<Delivery, send::Error>) -> String {
    let account = name.to_string();
    match result {
        Ok(d) if d.is_complete() => t!("status-sent", account = account, count = d.sent.len()),
        Ok(d) => {
            let why = d
                .refused
                .first()
                .or(d.queued.first())
                .map(|(_, w)| why(w))
                .unwrap_or_default();
            t!(
                "status-outbox-waiting",
                account = account,
                sent = d.sent.len(),
                waiting = d.queued.len() + d.refused.len(),
                reason = why
            )
        }
        Err(e) => t!("status-send-failed", account = account, error = error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, set_thread_language};

    /// What was wrong with an SMTP answer was an English phrase inside the Japanese
    /// sentence; it is typed now, and the server's own line stays quoted.
    #[test]
    fn a_garbled_answer_is_said_in_japanese() {
        let injected = smtp::Error::Protocol {
            step: smtp::Step::StartingTls,
            what: smtp::Garbled::DataBeforeTls,
        };
        set_thread_language(Language::Japanese);
        let said = smtp_error(&injected);
        let quoted = smtp_error(&smtp::Error::Protocol {
            step: smtp::Step::Greeting,
            what: smtp::Garbled::NotReply("hello there".into()),
        });
        set_thread_language(Language::English);
        assert!(said.contains("TLS が始まる前に"), "{said}");
        let latin: String = said
            .replace("TLS", "")
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        assert!(latin.is_empty(), "English left in {said:?}: {latin}");
        assert!(quoted.contains("「hello there」"), "{quoted}");
    }
}
