//! A [`Draft`] made into the exact bytes that are sent: RFC 5322 headers (Bcc left out),
//! a plain-text part in UTF-8 or ISO-2022-JP, attachments in base64 under
//! multipart/mixed, CRLF line ends. No `format=flowed`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, FixedOffset};

pub use super::headers::Charset;
use super::headers::{self, addresses, charset_for, jis, parameter, unstructured};
use super::{Draft, Error, Mailbox};

/// How to build: the charset asked for, the Date, and the Message-ID (made once per
/// message, so that sending it again sends the same one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub charset: Charset,
    pub date: DateTime<FixedOffset>,
    /// With its angle brackets.
    pub message_id: String,
}

impl Options {
    /// Now, in the local offset, with a new Message-ID from the sender's domain.
    pub fn now(charset: Charset, from: &Mailbox) -> Options {
        Options {
            charset,
            date: chrono::Local::now().fixed_offset(),
            message_id: message_id(&from.address),
        }
    }
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The message, CRLF line ends, as the server is to receive it.
    pub bytes: Vec<u8>,
    /// MAIL FROM.
    pub sender: String,
    /// RCPT TO: To, Cc and Bcc, each once.
    pub recipients: Vec<String>,
}

/// A new Message-ID: the time, the process and a random part, at the sender's domain.
pub fn message_id(from: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| headers::is_sendable(&format!("x@{d}")))
        .unwrap_or("poplar.invalid");
    let now = chrono::Utc::now();
    format!(
        "<{:x}.{:x}.{:016x}@{domain}>",
        now.timestamp_micros(),
        std::process::id(),
        fastrand::u64(..)
    )
}

pub fn build(draft: &Draft, options: &Options) -> Result<Built, Error> {
    if draft.from.address.is_empty() {
        return Err(Error::NoSender);
    }
    let everyone: Vec<&Mailbox> = draft.to.iter().chain(&draft.cc).chain(&draft.bcc).collect();
    if everyone.is_empty() {
        return Err(Error::NoRecipient);
    }
    for mailbox in std::iter::once(&draft.from).chain(everyone.iter().copied()) {
        if !headers::is_sendable(&mailbox.address) {
            return Err(Error::BadAddress(mailbox.address.clone()));
        }
    }
    let mut recipients: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for mailbox in everyone {
        if seen.insert(mailbox.address.to_ascii_lowercase()) {
            recipients.push(mailbox.address.clone());
        }
    }
    Ok(Built {
        bytes: unchecked(draft, options),
        sender: draft.from.address.clone(),
        recipients,
    })
}

/// The bytes of a message still being written (a draft, for the Drafts folder): as
/// [`build`] makes them, with no check of its sender or recipients.
pub fn unchecked(draft: &Draft, options: &Options) -> Vec<u8> {
    let mut out = String::new();
    write_headers(&mut out, draft, options);
    out.push_str("MIME-Version: 1.0\r\n");
    if draft.attachments.is_empty() {
        out.push_str(&text_part(&draft.body, options.charset));
    } else {
        multipart(&mut out, draft, options.charset);
    }
    out.into_bytes()
}

fn write_headers(out: &mut String, draft: &Draft, options: &Options) {
    let charset = options.charset;
    let mut header = |name: &str, value: String| {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(&value);
        out.push_str("\r\n");
    };
    header(
        "Date",
        options.date.format("%a, %d %b %Y %H:%M:%S %z").to_string(),
    );
    header(
        "From",
        addresses(std::slice::from_ref(&draft.from), charset, 6),
    );
    if !draft.to.is_empty() {
        header("To", addresses(&draft.to, charset, 4));
    }
    if !draft.cc.is_empty() {
        header("Cc", addresses(&draft.cc, charset, 4));
    }
    header("Subject", unstructured(&draft.subject, charset, 9));
    header("Message-ID", options.message_id.clone());
    if let Some(parent) = &draft.in_reply_to {
        header("In-Reply-To", parent.clone());
    }
    if !draft.references.is_empty() {
        header("References", draft.references.join("\r\n "));
    }
}

/// The text part's headers (Content-Type, Content-Transfer-Encoding), a blank line and
/// the body.
fn text_part(body: &str, preferred: Charset) -> String {
    let lines: Vec<&str> = body
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let lines = match lines.split_last() {
        // The body's own last line end is the message's.
        Some((&"", rest)) => rest.to_vec(),
        _ => lines,
    };
    if charset_for(body, preferred) == Charset::Iso2022Jp {
        // Each line in JIS on its own, so that every line ends back in ASCII (RFC 1468).
        // A NUL or a stray CR has no place in a 7-bit part: such text goes as UTF-8.
        let encoded: Option<Vec<Vec<u8>>> = lines
            .iter()
            .map(|l| jis(l).filter(|b| !b.contains(&0) && !b.contains(&b'\r')))
            .collect();
        if let Some(encoded) = encoded.filter(|e| e.iter().all(|l| l.len() <= 998)) {
            let mut out = String::from(
                "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n",
            );
            for line in encoded {
                // 7-bit by construction: JIS bytes are ASCII.
                out.push_str(&String::from_utf8_lossy(&line));
                out.push_str("\r\n");
            }
            return out;
        }
    }
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    // 7-bit only when every line is short ASCII without NULs or stray CRs.
    let seven_bit = lines
        .iter()
        .all(|l| l.is_ascii() && l.len() <= 998 && !l.bytes().any(|b| b == 0 || b == b'\r'));
    if seven_bit {
        format!(
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{text}"
        )
    } else {
        format!(
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64_lines(text.as_bytes())
        )
    }
}

/// Base64 in lines of 76 characters, each ended by CRLF.
fn base64_lines(bytes: &[u8]) -> String {
    let encoded = BASE64.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 * 2 + 2);
    for line in encoded.as_bytes().chunks(76) {
        // Base64 is ASCII.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// The text and the attachments under multipart/mixed.
fn multipart(out: &mut String, draft: &Draft, charset: Charset) {
    let text = text_part(&draft.body, charset);
    // Random, and checked against the text (base64 parts cannot hold '=' runs like it).
    let boundary = loop {
        let candidate = format!(
            "=_poplar_{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        if !text.contains(&candidate) {
            break candidate;
        }
    };
    out.push_str(&format!(
        "Content-Type: multipart/mixed;\r\n boundary=\"{boundary}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n"
    ));
    out.push_str(&format!("--{boundary}\r\n"));
    out.push_str(&text);
    for attachment in &draft.attachments {
        out.push_str(&format!("--{boundary}\r\n"));
        let seven_bit = is_seven_bit_text(&attachment.bytes);
        let content_type = if !is_token_type(&attachment.content_type) {
            "application/octet-stream"
        } else if attachment
            .content_type
            .eq_ignore_ascii_case("message/rfc822")
            && !seven_bit
        {
            // RFC 2046 allows message/rfc822 no base64: a forwarded message with 8-bit
            // bytes goes as a file, byte for byte, which every reader saves and opens.
            "application/octet-stream"
        } else {
            attachment.content_type.as_str()
        };
        out.push_str(&format!(
            "Content-Type: {content_type};\r\n {}\r\n",
            parameter("name", &attachment.name, charset)
        ));
        out.push_str(&format!(
            "Content-Disposition: attachment;\r\n {}\r\n",
            parameter("filename", &attachment.name, charset)
        ));
        if content_type.eq_ignore_ascii_case("message/rfc822") {
            // A forwarded message in 7-bit goes as it is, its lines made CRLF.
            out.push_str("Content-Transfer-Encoding: 7bit\r\n\r\n");
            let raw = String::from_utf8_lossy(&attachment.bytes).replace("\r\n", "\n");
            for line in raw.split_terminator('\n') {
                out.push_str(line);
                out.push_str("\r\n");
            }
            // The line end before a boundary belongs to the boundary (RFC 2046): the
            // message's own last one is written again.
            if raw.ends_with('\n') {
                out.push_str("\r\n");
            }
        } else {
            out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            out.push_str(&base64_lines(&attachment.bytes));
        }
    }
    out.push_str(&format!("--{boundary}--\r\n"));
}

/// Text SMTP carries as it is: ASCII without NULs or stray CRs, lines of at most 998.
fn is_seven_bit_text(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').all(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.len() <= 998 && line.iter().all(|&b| b != 0 && b != b'\r' && b < 0x80)
    })
}

/// `type/subtype` of token characters only: anything else could break the header.
fn is_token_type(content_type: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    content_type
        .split_once('/')
        .is_some_and(|(t, s)| token(t) && token(s))
}

#[cfg(test)]
mod tests;
