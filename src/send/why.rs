//! Why a message still waits in the Outbox, kept typed: the store holds it as JSON, and
//! the window says it in its own language whenever it shows it (the CLI in English).

use serde::{Deserialize, Serialize};

use crate::{pop3, smtp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Why {
    /// Connecting, TLS, or the POP3 login of POP before SMTP.
    #[error("{0}")]
    Connect(pop3::Error),
    #[error("{0}")]
    Smtp(smtp::Error),
    /// The connection was lost while an earlier message of the same delivery went out.
    #[error("not tried: the connection was lost")]
    NotTried,
    /// A reason stored in a form this version does not read, shown as it is.
    #[error("{0}")]
    Recorded(String),
}

impl Why {
    /// True when trying again later may well work (the message stays due).
    pub fn is_temporary(&self) -> bool {
        match self {
            // Offline, or the server down: it will very likely pass.
            Why::Connect(e) => {
                e.is_temporary()
                    || matches!(
                        e,
                        pop3::Error::Refused { .. }
                            | pop3::Error::Connect { .. }
                            | pop3::Error::Resolve { .. }
                    )
            }
            Why::Smtp(e) => e.is_temporary(),
            Why::NotTried => true,
            Why::Recorded(_) => false,
        }
    }

    /// The reason as the store keeps it: a server's answer cut to its first lines (a
    /// hostile server's megabyte of text is not kept beside every message it held up).
    pub fn stored(&self) -> String {
        let mut kept = self.clone();
        if let Why::Smtp(
            smtp::Error::Refused { reply, .. }
            | smtp::Error::RecipientRefused { reply, .. }
            | smtp::Error::LoginFailed { reply },
        ) = &mut kept
        {
            shorten(reply);
        }
        // Every part is a string, a number or an enum: it cannot fail to serialise.
        serde_json::to_string(&kept).unwrap_or_else(|_| self.to_string())
    }

    /// A reason the store kept; text it cannot read is shown as it is.
    pub fn from_stored(text: &str) -> Why {
        serde_json::from_str(text).unwrap_or_else(|_| Why::Recorded(text.to_string()))
    }
}

/// At most this many lines of a server's answer are kept, each cut to this many
/// characters.
const KEPT_LINES: usize = 4;
const KEPT_CHARS: usize = 300;

fn shorten(reply: &mut smtp::Reply) {
    reply.lines.truncate(KEPT_LINES);
    for line in &mut reply.lines {
        if let Some((cut, _)) = line.char_indices().nth(KEPT_CHARS) {
            line.truncate(cut);
            line.push('…');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_comes_back_as_it_was_stored() {
        let reasons = [
            Why::Connect(pop3::Error::Timeout {
                host: "smtp.example.jp".into(),
                secs: 30,
                doing: pop3::Step::Connecting,
            }),
            Why::Smtp(smtp::Error::RecipientRefused {
                address: "誰か@example.jp".into(),
                reply: smtp::Reply {
                    code: 550,
                    lines: vec!["5.1.1 no such user".into(), "really".into()],
                },
            }),
            Why::Smtp(smtp::Error::Timeout(smtp::Step::Data)),
            Why::NotTried,
        ];
        for why in reasons {
            assert_eq!(Why::from_stored(&why.stored()), why);
        }
    }

    #[test]
    fn a_long_answer_is_kept_short() {
        let long = Why::Smtp(smtp::Error::LoginFailed {
            reply: smtp::Reply {
                code: 535,
                lines: vec!["あ".repeat(100_000); 200],
            },
        });
        let stored = long.stored();
        assert!(stored.len() < 8_000, "{}", stored.len());
        let Why::Smtp(smtp::Error::LoginFailed { reply }) = Why::from_stored(&stored) else {
            panic!("{stored}")
        };
        assert_eq!(reply.lines.len(), KEPT_LINES);
        assert_eq!(reply.lines[0].chars().count(), KEPT_CHARS + 1);
    }

    #[test]
    fn text_that_is_not_a_stored_reason_is_shown_as_it_is() {
        for text in ["no route", "", "{\"Smtp\":", "\"NotTried\"x"] {
            assert_eq!(Why::from_stored(text), Why::Recorded(text.to_string()));
        }
    }
}
