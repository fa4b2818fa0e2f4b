//! Finding where tags end, in linear time however malformed the HTML, and reading an
//! attribute's value out of a tag.

use super::decode_entities;

/// Finds the '>' that ends a tag, skipping quoted attribute values.
///
/// A '<' whose tag never ends is text, and the search goes on at the next '<'; rescanning
/// the rest of the message from each of them would make `<a<a<a…` quadratic. So every
/// (position, quote state) that a failed search passed through is remembered as a dead
/// end: a later search that reaches one stops there, and each pair is walked at most once.
pub(super) struct TagEnds<'a> {
    bytes: &'a [u8],
    /// Bit `q` of `dead[i]`: reaching byte `i` in quote state `q` finds no end.
    dead: Vec<u8>,
    /// Bytes walked, searches and their replays together.
    pub(super) steps: usize,
}

/// Quote states: outside quotes, inside "…", inside '…'.
const UNQUOTED: u8 = 0;

impl<'a> TagEnds<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        TagEnds {
            bytes,
            dead: Vec::new(),
            steps: 0,
        }
    }

    fn step(quote: u8, b: u8) -> u8 {
        match (quote, b) {
            (UNQUOTED, b'"') => 1,
            (UNQUOTED, b'\'') => 2,
            (1, b'"') | (2, b'\'') => UNQUOTED,
            (q, _) => q,
        }
    }

    /// The index of the '>' that ends the tag starting at `bytes[at] == b'<'`; None when
    /// that `<` does not start a tag.
    pub(super) fn find(&mut self, at: usize) -> Option<usize> {
        match self.bytes.get(at + 1) {
            Some(b) if b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?') => {}
            _ => return None,
        }
        let mut quote = UNQUOTED;
        let mut i = at + 1;
        while let Some(&b) = self.bytes.get(i) {
            if self.dead.get(i).is_some_and(|d| d & (1 << quote) != 0) {
                break;
            }
            if quote == UNQUOTED && b == b'>' {
                self.steps += i - at;
                return Some(i);
            }
            quote = Self::step(quote, b);
            i += 1;
        }
        self.steps += 2 * (i - at);
        // Everything this search went through leads nowhere: remember it.
        if self.dead.is_empty() {
            self.dead = vec![0; self.bytes.len()];
        }
        let mut quote = UNQUOTED;
        for j in at + 1..i {
            self.dead[j] |= 1 << quote;
            quote = Self::step(quote, self.bytes[j]);
        }
        None
    }
}

/// The value of attribute `name` (lower case) in `tag`, its entities decoded.
pub(super) fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(v));
    }
    None
}
