//! Keeping mail-parser linear on hostile mail: encoded words it would read again and
//! again, forwarded messages it would decode and parse where no defusing reaches.

use mail_parser::{Encoding, MessageParser, MessagePart, MimeHeaders, PartType};

/// Put between the "=" and "?" of an encoded word that cannot be decoded, so that the
/// parser takes it for text (and it still looks the same).
pub(super) const DEFUSED: &str = "\u{200b}";

/// The message with every encoded word ("=?charset?q?text?=") that is still open where the
/// next one in the same header field begins made plain text; None when there is none.
///
/// mail-parser reads an encoded word on to its "?=" (through folded lines), and when that
/// fails it tries again from the next byte. A field of thousands of unfinished words
/// (`=?ab?q?x =?ab?q?x …`) was read again from each of them: quadratic, 90 KB took
/// seconds. Such a word cannot be decoded sensibly anyway; once it is text, no attempt
/// reads past the start of the next word, and a field is read in linear time.
///
/// Header fields are found as lines with a ':' and their folded continuations, wherever
/// they are (a MIME part's headers, a forwarded message's), without working out the MIME
/// structure; body lines that look like fields are rarely touched, and then only by an
/// invisible character.
///
/// A forwarded message that is base64 or quoted-printable encoded hides its header fields
/// from this: mail-parser decodes it and parses it by itself. So no part is left for it
/// to take for a message (see [`message_types`]).
pub(super) fn defuse_encoded_words(raw: &[u8]) -> Option<Vec<u8>> {
    let cuts = cuts(raw);
    if cuts.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len() + cuts.len() * DEFUSED.len());
    let mut from = 0;
    for cut in cuts {
        out.extend_from_slice(&raw[from..=cut]);
        out.extend_from_slice(DEFUSED.as_bytes());
        from = cut + 1;
    }
    out.extend_from_slice(&raw[from..]);
    Some(out)
}

/// Where [`defuse_encoded_words`] puts its marks: after each of these bytes, in order.
fn cuts(raw: &[u8]) -> Vec<usize> {
    let mut cuts = Vec::new();
    // Most mail has no encoded word at all: one fast search, no line walk.
    let mut start = if memchr::memmem::find(raw, b"=?").is_some() {
        0
    } else {
        raw.len()
    };
    while start < raw.len() {
        let mut end = start;
        loop {
            match memchr::memchr(b'\n', &raw[end..]) {
                Some(i) => {
                    end += i + 1;
                    if !matches!(raw.get(end), Some(b' ' | b'\t')) {
                        break;
                    }
                }
                None => {
                    end = raw.len();
                    break;
                }
            }
        }
        if memchr::memchr(b':', &raw[start..end]).is_some() {
            defuse_field(raw, start, end, &mut cuts);
        }
        start = end;
    }
    message_types(raw, &mut cuts);
    cuts.sort_unstable();
    cuts
}

/// The contents of `part`, parsed from what [`defuse_encoded_words`] made of `raw`, as
/// `raw` holds them: the marks are not the sender's. A forwarded message is an
/// attachment of its bytes, and the header fields inside it were defused with the rest.
pub(super) fn own_contents(raw: &[u8], part: &MessagePart<'_>) -> Vec<u8> {
    let cuts = cuts(raw);
    let mark = DEFUSED.len();
    // A position in the defused bytes, in `raw`: less the marks that end before it.
    let in_raw = |at: u32| {
        let at = at as usize;
        let before = cuts
            .iter()
            .enumerate()
            .take_while(|&(k, cut)| cut + 1 + (k + 1) * mark <= at)
            .count();
        at - before * mark
    };
    let (start, end) = (in_raw(part.offset_body), in_raw(part.offset_end));
    let marked = cuts.iter().any(|&cut| (start..end).contains(&cut));
    match raw.get(start..end) {
        Some(span) if marked => decoded_like(part, span),
        _ => part.contents().to_vec(),
    }
}

/// `span`, a part's body as it was sent, decoded as mail-parser decoded `part`.
fn decoded_like(part: &MessagePart<'_>, span: &[u8]) -> Vec<u8> {
    let text = matches!(part.body, PartType::Text(_) | PartType::Html(_));
    if part.encoding == Encoding::None && !text {
        return span.to_vec();
    }
    let encoding = match part.encoding {
        Encoding::Base64 => "base64",
        Encoding::QuotedPrintable => "quoted-printable",
        Encoding::None => "8bit",
    };
    let content_type = if text {
        let charset: String = part
            .content_type()
            .and_then(|t| t.attribute("charset"))
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        format!("text/plain; charset=\"{charset}\"")
    } else {
        "application/octet-stream".to_string()
    };
    let mut alone =
        format!("Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n")
            .into_bytes();
    alone.extend_from_slice(span);
    MessageParser::default()
        .parse(&alone)
        .and_then(|m| m.parts.first().map(|p| p.contents().to_vec()))
        .unwrap_or_else(|| span.to_vec())
}

/// Adds to `cuts` the '=' of each encoded word in `raw[start..end]` (one header field)
/// that the parser would read past the start of the next one.
fn defuse_field(raw: &[u8], start: usize, end: usize, cuts: &mut Vec<usize>) {
    let field = &raw[..end];
    let next_word = |from: usize| {
        field
            .get(from..)
            .and_then(|rest| rest.windows(2).position(|w| w == b"=?"))
            .map(|i| from + i)
    };
    let mut word = next_word(start);
    while let Some(at) = word {
        let next = next_word(at + 1);
        // Up to the next word's "=?" and the "?=" after it: a base64 word's padding
        // ("Qg==?=") ends the word inside what looks like the start of the next.
        if let Some(next) = next
            && !attempt_ends_by(field, at, next + 3)
        {
            cuts.push(at);
        }
        word = next;
    }
}

/// Whether mail-parser's attempt to decode the encoded word at `field[at..]` reads
/// nothing at or after `limit`. It reads the charset up to a '?' (giving up at a line
/// break), one letter for the encoding, a '?', then the text up to "?=" (giving up at the
/// field's end). Looking no further than `limit` keeps this linear too.
fn attempt_ends_by(field: &[u8], at: usize, limit: usize) -> bool {
    let mut i = at + 2;
    loop {
        if i >= limit {
            return false;
        }
        match field.get(i) {
            None | Some(b'\n') => return true,
            Some(b'?') => break,
            Some(_) => i += 1,
        }
    }
    i += 1;
    if i >= limit {
        return false;
    }
    if !matches!(field.get(i), Some(b'q' | b'Q' | b'b' | b'B')) {
        return true;
    }
    i += 1;
    if i >= limit {
        return false;
    }
    if field.get(i) != Some(&b'?') {
        return true;
    }
    i += 1;
    loop {
        if i >= limit {
            return false;
        }
        match field.get(i) {
            None => return true,
            Some(b'?') if field.get(i + 1) == Some(&b'=') => return i + 2 <= limit,
            Some(_) => i += 1,
        }
    }
}

/// The subtypes that make mail-parser take a part for a message and parse its contents:
/// message/rfc822 and message/global, and a part with no type in a multipart/digest.
const MESSAGE_SUBTYPES: [&[u8]; 3] = [b"rfc822", b"global", b"digest"];

/// Adds to `cuts` the last byte of each word of [`MESSAGE_SUBTYPES`] that mail-parser
/// could read as the subtype of a Content-Type field, so that it reads another subtype.
///
/// mail-parser decodes a forwarded message that is base64 or quoted-printable encoded and
/// parses it by itself: its header fields were never defused, and thousands of unfinished
/// encoded words in one took seconds again. With another subtype a forwarded message is
/// one attachment of its bytes, as before, only not parsed inside; nothing inside was
/// shown. (The parts of a digest that have no type are read as text instead.)
///
/// Judged as mail-parser reads a field, erring towards a cut: a field is a Content-Type
/// when the last twelve characters before a ':' that are not white space say so (a part's
/// headers can begin right after a boundary in the middle of a line), and its value runs
/// to a line break that is not folding. A subtype is such a word on its own between the
/// separators the parser skips or stops at; inside a longer boundary or file name it is
/// left alone.
fn message_types(raw: &[u8], cuts: &mut Vec<usize>) {
    // From ':' to ':' (most mail has few): the name before one begins after the last ':'
    // or line break. `read` is how far values have been read.
    let mut after_colon = 0;
    let mut read = 0;
    while let Some(i) = memchr::memchr(b':', &raw[after_colon..]) {
        let at = after_colon + i;
        let segment = memchr::memrchr(b'\n', &raw[after_colon..at])
            .map_or(after_colon, |n| after_colon + n + 1);
        if at >= read && names_content_type(&raw[segment..at]) {
            read = field_end(raw, at + 1);
            subtype_words(raw, at + 1, read, cuts);
        }
        after_colon = at + 1;
    }
}

/// Whether a header name ending with these bytes is Content-Type to mail-parser, which
/// leaves white space out of a name and ignores its case.
fn names_content_type(name: &[u8]) -> bool {
    const NAME: &[u8] = b"content-type";
    let mut letters = name.iter().rev().filter(|b| !b.is_ascii_whitespace());
    NAME.iter()
        .rev()
        .all(|want| letters.next().is_some_and(|b| b.eq_ignore_ascii_case(want)))
}

/// Where the field whose value begins at `from` ends: after the line break that is not
/// followed by folding white space.
fn field_end(raw: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(i) = raw[at..].iter().position(|&b| b == b'\n') {
        at += i + 1;
        if !matches!(raw.get(at), Some(b' ' | b'\t')) {
            return at;
        }
    }
    raw.len()
}

/// Adds the cuts for the subtype words in the value `raw[from..end]`. In a Content-Type
/// value mail-parser skips `"`, `\\`, CR and white space; `;`, `(` and a line break end a
/// word, and so does the end; `/`, `)` and the others skipped or stopping begin one.
fn subtype_words(raw: &[u8], from: usize, end: usize, cuts: &mut Vec<usize>) {
    const SKIPPED: &[u8] = b" \t\"\\\r";
    let begins =
        |at: usize| at == 0 || b"/();\n".contains(&raw[at - 1]) || SKIPPED.contains(&raw[at - 1]);
    let mut at = from;
    while at < end {
        let Some(word) = MESSAGE_SUBTYPES.iter().find(|w| {
            raw[at..end]
                .get(..w.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(w))
        }) else {
            at += 1;
            continue;
        };
        let after = at + word.len();
        let stop = raw[after..end]
            .iter()
            .position(|b| !SKIPPED.contains(b))
            .map_or(end, |i| after + i);
        if begins(at) && (stop == end || b";(\n".contains(&raw[stop])) {
            cuts.push(after - 1);
        }
        at = stop.max(at + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use mail_parser::Message;
    use proptest::prelude::*;

    const INNER: &[u8] = b"Subject: =?ab?q?x =?ab?q?x =?ab?q?x\r\n\r\ninner text\r\n";

    fn base64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// A message whose second part has `headers` (CRLF-ended) and `body`.
    fn with_part(headers: &str, body: &str) -> Vec<u8> {
        with_part_under("b", headers, body)
    }

    fn with_part_under(boundary: &str, headers: &str, body: &str) -> Vec<u8> {
        format!(
            "Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
             --{boundary}\r\nContent-Type: text/plain\r\n\r\nouter text\r\n--{boundary}\r\n\
             {headers}\r\n{body}\r\n--{boundary}--\r\n"
        )
        .into_bytes()
    }

    /// Whether mail-parser made a message of any part (and so, of any part below).
    fn holds_a_message(message: &Message<'_>) -> bool {
        message
            .parts
            .iter()
            .any(|p| matches!(p.body, PartType::Message(_)))
    }

    fn defused(raw: &[u8]) -> Vec<u8> {
        defuse_encoded_words(raw).unwrap_or_else(|| raw.to_vec())
    }

    /// Every way of writing a forwarded message's type that mail-parser reads, encoded as
    /// mail-parser decodes it: on the bytes as they come it parses the message inside; on
    /// the defused bytes the part is the forwarded message's bytes, and the rest is as
    /// before.
    #[test]
    fn the_parser_sees_no_forwarded_message_to_parse() {
        let b64 = base64(INNER);
        let b64_header = "Content-Transfer-Encoding: base64\r\n";
        let types = [
            "Content-Type: message/rfc822\r\n",
            "Content-Type: MESSAGE/RFC822; name=\"fwd.eml\"\r\n",
            "Content-Type: message/global\r\n",
            "Content-Type: message / rfc822 \r\n",
            "Content-Type: message/\"rfc822\"\r\n",
            "Content-Type: message/(a comment; with (nesting)) rfc822\r\n",
            "Content-Type: message\r\n /rfc822\r\n",
            "C o n t e n t - T y p e : message/rfc822\r\n",
            "Content-Type: message/rfc822(comment)\r\n",
        ];
        let mut cases: Vec<Vec<u8>> = types
            .iter()
            .map(|t| with_part(&format!("{t}{b64_header}"), &b64))
            .collect();
        cases.push(with_part(
            "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: quoted-printable\r\n",
            &std::str::from_utf8(INNER).unwrap().replace('=', "=3D"),
        ));
        // A part's headers begin right after its boundary, even in the middle of a line.
        cases.push(
            format!(
                "Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
                 --b\r\nContent-Type: text/plain\r\n\r\nouter text\r\n\
                 x--bContent-Type: message/rfc822\r\n{b64_header}\r\n{b64}\r\n--b--\r\n"
            )
            .into_bytes(),
        );
        // In a digest a part without a type is a message.
        cases.push(
            format!(
                "Subject: Digest\r\nContent-Type: multipart/digest; boundary=\"d\"\r\n\r\n\
                 --d\r\n{b64_header}\r\n{b64}\r\n--d--\r\n"
            )
            .into_bytes(),
        );
        for raw in cases {
            let what = String::from_utf8_lossy(&raw).into_owned();
            let alone = MessageParser::default().parse(&raw).unwrap();
            assert!(holds_a_message(&alone), "mail-parser parses it: {what}");
            let bytes = defused(&raw);
            let ours = MessageParser::default().parse(&bytes).unwrap();
            assert!(!holds_a_message(&ours), "{what}");
            assert!(
                ours.parts.iter().any(|p| p.contents() == INNER),
                "the forwarded message's bytes are a part: {what}"
            );
            assert_eq!(ours.subject(), alone.subject());
        }
    }

    /// Words that are no subtype are left alone: in a boundary, a file name, a parameter,
    /// another field. As a subtype they are cut whatever the type.
    #[test]
    fn the_words_elsewhere_are_left_alone() {
        for raw in [
            &b"Content-Type: multipart/mixed; boundary=\"xrfc822x\"\r\n\r\n"[..],
            b"Content-Type: application/pdf; name=\"global-report.pdf\"\r\n\r\n",
            b"Content-Type: text/plain; x-digest=sha256\r\n\r\n",
            b"Subject: message/rfc822\r\n\r\nmessage/global\r\n",
        ] {
            assert_eq!(defuse_encoded_words(raw), None, "{raw:?}");
        }
        assert_eq!(
            defused(b"Content-Type: text/Global; charset=x\r\n"),
            "Content-Type: text/Global\u{200b}; charset=x\r\n".as_bytes()
        );
    }

    /// What defusing marks inside an attachment (a forwarded message's own forwarded
    /// message and open words, such lines in a quoted-printable or a text attachment) is
    /// not in the bytes saved: those are the sender's.
    #[test]
    fn attachments_keep_their_own_bytes() {
        let inner = with_part(
            "Content-Type: message/rfc822\r\n",
            std::str::from_utf8(INNER).unwrap(),
        );
        let qp =
            "Subject: =3D?ab?q?x\r\nNote: =?ab?q?x =?ab?q?y\r\nContent-Type: message/rfc822\r\n";
        let text = "Content-Type: message/rfc822\r\nSubject: =?ab?q?x =?ab?q?y\r\n";
        let cases: [(&str, String, Vec<u8>); 3] = [
            (
                "Content-Type: message/rfc822\r\n",
                String::from_utf8(inner.clone()).unwrap(),
                inner,
            ),
            (
                "Content-Type: application/octet-stream; name=\"a.bin\"\r\n\
                 Content-Transfer-Encoding: quoted-printable\r\n",
                qp.to_string(),
                qp.replace("=3D", "=").into_bytes(),
            ),
            (
                "Content-Type: text/plain; charset=utf-8; name=\"a.txt\"\r\n\
                 Content-Disposition: attachment\r\n",
                text.to_string(),
                text.as_bytes().to_vec(),
            ),
        ];
        for (headers, body, want) in cases {
            // Its own boundary, not the forwarded message's.
            let raw = with_part_under("o", headers, &body);
            assert!(defuse_encoded_words(&raw).is_some(), "{headers}");
            let saved = super::super::attachment(&raw, 0).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&saved.bytes),
                String::from_utf8_lossy(&want),
                "{headers}"
            );
        }
    }

    /// A part whose Content-Type field is made of these pieces, base64-encoded, under a
    /// multipart/mixed or a multipart/digest.
    fn forwarding_soup() -> impl Strategy<Value = Vec<u8>> {
        let name = prop_oneof![
            Just("Content-Type"),
            Just("content-TYPE"),
            Just("Content - Type"),
            Just("x--bContent-Type"),
            Just("X-Other"),
        ];
        let piece = prop_oneof![
            Just("message"),
            Just("MESSAGE"),
            Just("multipart"),
            Just("/"),
            Just("rfc822"),
            Just("Global"),
            Just("digest"),
            Just(" "),
            Just("\t"),
            Just("("),
            Just(")"),
            Just("\""),
            Just("\\"),
            Just(";"),
            Just("x"),
            Just("\r"),
            Just("\r\n "),
            Just("; name=fwd"),
        ];
        let parent = prop_oneof![Just("mixed"), Just("digest")];
        (parent, name, prop::collection::vec(piece, 0..12)).prop_map(|(parent, name, pieces)| {
            format!(
                "Subject: Soup\r\nContent-Type: multipart/{parent}; boundary=\"b\"\r\n\r\n\
                 --b\r\n{name}: {}\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
                pieces.concat(),
                base64(INNER)
            )
            .into_bytes()
        })
    }

    proptest! {
        /// Whatever a forwarded part's Content-Type looks like, mail-parser finds no
        /// message in the defused bytes.
        #[test]
        fn no_message_in_any_content_type_soup(raw in forwarding_soup()) {
            let bytes = defused(&raw);
            if let Some(message) = MessageParser::default().parse(&bytes) {
                prop_assert!(!holds_a_message(&message), "{:?}", String::from_utf8_lossy(&raw));
            }
        }
    }
}
