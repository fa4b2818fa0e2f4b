//! Keeping mail-parser linear on hostile encoded words.

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
pub(super) fn defuse_encoded_words(raw: &[u8]) -> Option<Vec<u8>> {
    let mut cuts = Vec::new();
    let mut start = 0;
    while start < raw.len() {
        let mut end = start;
        loop {
            match raw[end..].iter().position(|&b| b == b'\n') {
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
        if raw[start..end].contains(&b':') {
            defuse_field(raw, start, end, &mut cuts);
        }
        start = end;
    }
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
