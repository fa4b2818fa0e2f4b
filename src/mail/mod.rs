//! Turning raw message bytes into what the list and the reading pane show.
//! Parsing never fails: broken mail still yields something readable.

mod charset;
mod defuse;
mod fields;
pub mod files;
pub mod html;
mod links;
pub mod sortable;
pub mod thread;
mod words;

use charset::with_readable_headers;
use defuse::defuse_encoded_words;

pub use files::{Danger, file_name_chars, safe_file_name};
pub use links::links;

use mail_parser::{Address, Header, HeaderName, MessageParser, MessagePart, MimeHeaders, PartType};

/// The columns the message list needs, taken from the headers once at download time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub subject: String,
    /// Seconds since the epoch, from the Date header.
    pub date: Option<i64>,
}

/// What the reading pane shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub from: String,
    pub to: String,
    pub cc: String,
    /// Blind copies of a message written here: not in its bytes, kept beside it.
    pub bcc: String,
    pub subject: String,
    pub date: Option<i64>,
    pub body: String,
    /// Headings, strong text and links of HTML parts, as byte ranges of `body`.
    pub styles: Vec<html::Span>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its position among the message's attachments (for [`attachment`]).
    pub index: usize,
    /// The name it is shown and saved under (see [`files::safe_file_name`]).
    pub name: String,
    pub size: usize,
    /// Why opening it could run something, if it could.
    pub danger: Option<Danger>,
}

/// One attachment, ready to be written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub danger: Option<Danger>,
}

/// The name, decoded bytes and danger of attachment number `index`.
pub fn attachment(raw: &[u8], index: usize) -> Option<AttachmentFile> {
    // The name as the reading pane reads it (raw 8-bit headers made readable) ...
    let readable = prepared(raw);
    let shown = MessageParser::default().parse(&*readable)?;
    let name = attachment_name(&readable, shown.attachment(index as u32)?, index);
    // ... the bytes only defused, never re-decoded: an attachment's bytes are its own.
    let defused = defuse_encoded_words(raw);
    let message = MessageParser::default().parse(defused.as_deref().unwrap_or(raw))?;
    let part = message.attachment(index as u32)?;
    let bytes = defuse::own_contents(raw, part);
    let danger = files::danger(&name, &declared_type(part), &bytes);
    Some(AttachmentFile {
        name: safe_file_name(&name),
        bytes,
        danger,
    })
}

/// An attachment's name as its headers give it (see [`fields::parameter`]), else as
/// mail-parser reads it (a forwarded message's subject), else a made-up one. `raw` holds
/// the bytes the part was parsed from.
fn attachment_name(raw: &[u8], part: &MessagePart<'_>, index: usize) -> String {
    let named = |header: HeaderName<'_>, parameter: &str| {
        raw_value(raw, &part.headers, &header).and_then(|v| fields::parameter(&v, parameter))
    };
    named(HeaderName::ContentDisposition, "filename")
        .or_else(|| named(HeaderName::ContentType, "name"))
        .map(|n| clean(&n))
        .filter(|n| !n.is_empty())
        .or_else(|| part.attachment_name().map(clean).filter(|n| !n.is_empty()))
        .unwrap_or_else(|| format!("attachment-{}", index + 1))
}

/// The raw bytes of the first header field `name` among `headers` (parsed from `raw`).
/// Raw ISO-2022-JP in it (old JUNET mail writes escapes straight into From and Subject)
/// is made UTF-8 first, so that no "(" of an escape sequence is read as a comment.
fn raw_value<'a>(
    raw: &'a [u8],
    headers: &[Header<'_>],
    name: &HeaderName<'_>,
) -> Option<std::borrow::Cow<'a, [u8]>> {
    let header = headers.iter().find(|h| h.name == *name)?;
    let value = raw.get(header.offset_start as usize..header.offset_end as usize)?;
    if value.contains(&0x1b) && value.is_ascii() {
        return Some(std::borrow::Cow::Owned(
            words::convert(Some(b"iso-2022-jp"), value).into_bytes(),
        ));
    }
    Some(std::borrow::Cow::Borrowed(value))
}

/// A header's text: encoded words decoded as one run where they belong together.
fn unstructured(raw: &[u8], headers: &[Header<'_>], name: &HeaderName<'_>) -> String {
    raw_value(raw, headers, name)
        .map(|v| clean(&words::unstructured(&v)))
        .unwrap_or_default()
}

/// An address header for display, its names decoded whole before the addresses are read.
/// A field without encoded words is shown as the message's own parse read it (most mail:
/// no second parse on the fetch's path).
fn addresses(raw: &[u8], message: &mail_parser::Message<'_>, name: HeaderName<'_>) -> String {
    with_addresses(raw, message, name, format_address).unwrap_or_default()
}

/// The field `name` of `message` read as addresses (encoded words and raw 8-bit names
/// decoded as for display), given to `read`; None when there is no such field.
fn with_addresses<T>(
    raw: &[u8],
    message: &mail_parser::Message<'_>,
    name: HeaderName<'_>,
    read: impl Fn(Option<&Address>) -> T,
) -> Option<T> {
    let value = raw_value(raw, message.headers(), &name)?;
    let converted = matches!(value, std::borrow::Cow::Owned(_));
    if !converted && !value.windows(2).any(|w| w == b"=?") {
        return Some(read(message.header(name).and_then(|v| v.as_address())));
    }
    let mut field = b"To: ".to_vec();
    field.extend_from_slice(&fields::address_field(&value));
    field.extend_from_slice(b"\r\n\r\n");
    // Words the rewrite left alone (unfinished ones) must not make the parser quadratic.
    let field = defuse_encoded_words(&field).unwrap_or(field);
    let parsed = MessageParser::default().parse_headers(&field[..]);
    Some(read(parsed.as_ref().and_then(|m| m.to())))
}

/// A text part's text from its bytes, when its label is one [`words::convert`] can judge
/// (none, a Western one, a Japanese one, UTF-8): so that mislabelled text reads right and
/// an HTML part's `<meta charset>` counts. None leaves the parser's decoding, `parsed`,
/// which is right unless it shows trouble (a replacement character, a JIS escape left
/// in) or is 8-bit text under a Western label (which never shows trouble): most mail is
/// not decoded twice.
fn text_of(raw: &[u8], part: &MessagePart<'_>, parsed: &str) -> Option<String> {
    use mail_parser::Encoding;
    use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};
    let label = part
        .content_type()
        .and_then(|t| t.attribute("charset"))
        .map(|l| l.as_bytes().to_vec());
    if label.as_deref().is_some_and(|l| !words::knows(l)) {
        return None;
    }
    // Two searches that run through memory a word at a time, rather than one that
    // decodes every character (this was most of what rendering a plain 5 KB text took).
    let troubled = parsed.contains('\u{fffd}') || parsed.as_bytes().contains(&0x1b);
    let western = label.as_deref().is_some_and(words::is_western_label);
    let eight_bit_western = western && !parsed.is_ascii();
    if !troubled && !eight_bit_western {
        return None;
    }
    let body = raw.get(part.offset_body as usize..part.offset_end as usize)?;
    let bytes = match part.encoding {
        Encoding::None => std::borrow::Cow::Borrowed(body),
        Encoding::Base64 => std::borrow::Cow::Owned(base64_decode(body)?),
        Encoding::QuotedPrintable => std::borrow::Cow::Owned(quoted_printable_decode(body)?),
    };
    let label = match (&label, &part.body) {
        (None, PartType::Html(_)) => charset::meta_charset(&bytes),
        _ => label,
    };
    Some(words::convert(label.as_deref(), &bytes))
}

fn declared_type(part: &mail_parser::MessagePart<'_>) -> String {
    part.content_type()
        .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or_default()))
        .unwrap_or_default()
}

/// An attachment's file name and danger, the same for the reading pane as for the file.
fn judge(raw: &[u8], part: &MessagePart<'_>, index: usize) -> (String, Option<Danger>) {
    let name = attachment_name(raw, part, index);
    let danger = files::danger(&name, &declared_type(part), part.contents());
    (safe_file_name(&name), danger)
}

/// The bytes the parser is given: headers made readable, encoded words made harmless.
fn prepared(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    let readable = match with_readable_headers(raw) {
        Some(fixed) => Cow::Owned(fixed),
        None => Cow::Borrowed(raw),
    };
    match defuse_encoded_words(&readable) {
        Some(defused) => Cow::Owned(defused),
        None => readable,
    }
}

pub fn summarize(raw: &[u8]) -> Summary {
    let fixed = prepared(raw);
    let raw = &*fixed;
    match MessageParser::default().parse_headers(raw) {
        Some(message) => Summary {
            from: addresses(raw, &message, HeaderName::From),
            to: addresses(raw, &message, HeaderName::To),
            subject: unstructured(raw, message.headers(), &HeaderName::Subject),
            date: message.date().map(mail_parser::DateTime::to_timestamp),
        },
        None => Summary::default(),
    }
}

pub fn render(raw: &[u8]) -> Rendered {
    let fixed = prepared(raw);
    let raw = &*fixed;
    let Some(message) = MessageParser::default().parse(raw) else {
        // Not even headers: show the bytes as text rather than nothing.
        return Rendered {
            body: String::from_utf8_lossy(raw).into_owned(),
            ..Rendered::default()
        };
    };
    render_parsed(raw, &message)
}

/// [`render`] of a message already prepared and parsed (the sorting rules parse it once
/// for its headers and its text).
pub(crate) fn render_parsed(raw: &[u8], message: &mail_parser::Message<'_>) -> Rendered {
    let (mut body, styles) = body_of(raw, message);
    let attachments = message
        .attachments()
        .enumerate()
        .map(|(index, part)| {
            let (name, danger) = judge(raw, part, index);
            Attachment {
                index,
                name,
                size: part.len(),
                danger,
            }
        })
        .collect::<Vec<_>>();
    if message.text_body_count() == 0 && attachments.is_empty() {
        // Nothing recognisable as a body: the bytes themselves are the best we can show.
        body = lf_lines(&String::from_utf8_lossy(raw));
    }
    Rendered {
        from: addresses(raw, message, HeaderName::From),
        to: addresses(raw, message, HeaderName::To),
        cc: addresses(raw, message, HeaderName::Cc),
        bcc: String::new(),
        subject: unstructured(raw, message.headers(), &HeaderName::Subject),
        date: message.date().map(mail_parser::DateTime::to_timestamp),
        body,
        styles,
        attachments,
    }
}

/// The text the reading pane shows of a prepared, parsed message, and whether it has
/// attachments: what the sorting rules read, without the rest of [`render_parsed`].
pub(crate) fn text_for_rules(raw: &[u8], message: &mail_parser::Message<'_>) -> (String, bool) {
    let attached = message.attachments().next().is_some();
    if message.text_body_count() == 0 && !attached {
        return (lf_lines(&String::from_utf8_lossy(raw)), false);
    }
    (body_of(raw, message).0, attached)
}

/// `text` with its CRLF line ends made LF: `str::replace` made fast (a vectorised search
/// for the pair), since every message's text passes here at fetch for the rules.
pub(crate) fn lf_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in memchr::memmem::find_iter(text.as_bytes(), b"\r\n") {
        // The CR is ASCII: a character boundary; the LF stays.
        out.push_str(&text[from..at]);
        from = at + 1;
    }
    out.push_str(&text[from..]);
    out
}

/// The text parts of a message as one text, with the styles of its HTML.
fn body_of(raw: &[u8], message: &mail_parser::Message<'_>) -> (String, Vec<html::Span>) {
    let mut body = String::new();
    let mut styles = Vec::new();
    for i in 0..message.text_body_count() {
        let Some(part) = message.text_part(i as u32) else {
            continue;
        };
        let own = match &part.body {
            PartType::Text(text) | PartType::Html(text) => text_of(raw, part, text),
            _ => None,
        };
        let (text, spans) = match &part.body {
            PartType::Text(text) => (lf_lines(own.as_deref().unwrap_or(text)), Vec::new()),
            PartType::Html(html) => html::to_styled(own.as_deref().unwrap_or(html)),
            _ => continue,
        };
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        let offset = body.len();
        styles.extend(spans.into_iter().map(|s| html::Span {
            start: s.start + offset,
            end: s.end + offset,
            ..s
        }));
        body.push_str(&text);
    }
    (body, styles)
}

/// "Name <addr>, ..." for display.
fn format_address(address: Option<&Address>) -> String {
    let Some(address) = address else {
        return String::new();
    };
    let parts: Vec<String> = address
        .iter()
        .map(|addr| {
            let name = addr.name.as_deref().map(str::trim).unwrap_or("");
            let mail = addr.address.as_deref().unwrap_or("");
            match (name.is_empty(), mail.is_empty()) {
                (false, false) => format!("{name} <{mail}>"),
                (false, true) => name.to_string(),
                (true, _) => mail.to_string(),
            }
        })
        .collect();
    clean(&parts.join(", "))
}

/// Control characters (a folded header's line breaks, stray escapes) would break a
/// one-line list cell.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        // The mark that defused an unfinished encoded word (see defuse.rs) is not text.
        if c == '\u{200b}' && out.ends_with('=') && chars.peek() == Some(&'?') {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The name part of "Name <address>", or the whole text when there is no name.
pub fn display_name(from: &str) -> &str {
    match from.rfind(" <") {
        Some(i) if from.ends_with('>') && i > 0 => from[..i].trim_matches('"'),
        _ => from,
    }
}

/// A date for display in the local time zone.
pub fn format_date(timestamp: i64) -> String {
    use chrono::{Local, TimeZone};
    match Local.timestamp_opt(timestamp, 0).single() {
        Some(d) => d.format("%Y-%m-%d %H:%M").to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
