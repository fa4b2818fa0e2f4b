//! The web and mail links written in a message's text, found in linear time.
//!
//! A link starts at `http://`, `https://` or `mailto:` (any case) wherever it is written,
//! also straight after Japanese text ("詳細はhttps://…") or inside 「」 and （）, but not
//! inside a longer word ("xhttps://"): the byte before the scheme must not be an ASCII
//! letter or digit. It ends at the first character that a URL cannot hold as written:
//! whitespace, a control, anything outside ASCII (Japanese text and full-width
//! punctuation such as 、。」） follow URLs without a space), `<`, `>`, `"` and `` ` ``.
//! Inside that run it also ends:
//!
//! * at a `)`, `]` or `}` that closes nothing opened inside the link ("(https://a.example)"),
//!   and before a `(`, `[` or `{` that nothing closes, so that a Wikipedia URL keeps its
//!   balanced "(programming_language)";
//! * at a `'` when a `'` comes just before the scheme ('https://a.example/x');
//! * before trailing `.`, `,`, `;`, `:`, `!`, `?`, `*` and `'`, which end sentences more
//!   often than URLs.
//!
//! Brackets nest as in code: a `)` that meets an open `[` ends the link too. Each bracket
//! is matched once for all the links in a run, walking it backwards, so a run of many
//! schemes and unclosed brackets ("https://a/(https://a/(…") stays linear.

use std::collections::HashSet;

/// The schemes a link may have: the reading pane hands links to the system's opener, so
/// never `file:`, `javascript:` or `data:`.
const SCHEMES: [&str; 3] = ["http://", "https://", "mailto:"];

/// At most this many links are offered.
const MAX_LINKS: usize = 50;

/// Trailing characters that end sentences more often than URLs.
const TRAILING: &[u8] = b".,;:!?*'";

/// The web and mail links in a message's text, in order, each once, at most 50.
pub fn links(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut from = 0;
    // The schemes in a run and the links they start, kept from run to run.
    let mut starts = Vec::new();
    let mut spans = Vec::new();
    while found.len() < MAX_LINKS {
        let Some((start, len)) = next_scheme(bytes, from) else {
            break;
        };
        let end = run_end(bytes, start);
        starts.clear();
        starts.push((start, len));
        let mut at = start + len;
        while let Some((s, len)) = next_scheme(&bytes[..end], at) {
            starts.push((s, len));
            at = s + len;
        }
        links_in_run(bytes, end, &starts, &mut spans);
        for &(s, e) in &spans {
            // Every boundary is at an ASCII byte or where the ASCII run ends.
            let link = &text[s..e];
            if seen.insert(link) {
                found.push(link.to_string());
                if found.len() == MAX_LINKS {
                    break;
                }
            }
        }
        from = end;
    }
    found
}

/// A byte a written URL can hold: printable ASCII apart from `<`, `>`, `"` and `` ` ``.
fn in_url(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'`')
}

/// Where the run of URL bytes that starts at `start` ends.
fn run_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| !in_url(b))
        .map_or(bytes.len(), |p| start + p)
}

/// The first scheme at or after `from`: its start and its length (`https://` is 8).
fn next_scheme(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(p) = memchr::memchr(b':', bytes.get(at..)?) {
        let colon = at + p;
        for scheme in SCHEMES {
            let name = scheme.find(':').unwrap_or(scheme.len());
            let Some(start) = colon.checked_sub(name) else {
                continue;
            };
            let written = bytes.get(start..start + scheme.len());
            let inside_word = start > 0 && bytes[start - 1].is_ascii_alphanumeric();
            if start >= from
                && !inside_word
                && written.is_some_and(|w| w.eq_ignore_ascii_case(scheme.as_bytes()))
            {
                return Some((start, scheme.len()));
            }
        }
        at = colon + 1;
    }
    None
}

/// The links that start at `starts` (scheme start and length, in order) in a run of URL
/// bytes ending at `run_end`, into `out`: (start, end) of each, a later start inside an
/// earlier link being part of it.
fn links_in_run(
    bytes: &[u8],
    run_end: usize,
    starts: &[(usize, usize)],
    out: &mut Vec<(usize, usize)>,
) {
    out.clear();
    // One scheme in the run, the usual case, is walked forwards; the brackets of more are
    // matched for all of them in one walk backwards.
    let ends = if starts.len() > 1 {
        bracket_ends(bytes, run_end, starts)
    } else {
        Vec::new()
    };
    let mut taken = 0;
    for (k, &(start, len)) in starts.iter().enumerate() {
        if start < taken {
            continue;
        }
        let quoted = start > 0 && bytes[start - 1] == b'\'';
        let mut end = match ends.get(k) {
            Some(&end) if !quoted => end,
            // Up to the next quote when there is one before the scheme; a quote before
            // the next such start comes after it, so these walks do not overlap.
            _ => {
                let limit = if quoted {
                    memchr::memchr(b'\'', &bytes[start..run_end]).map_or(run_end, |q| start + q)
                } else {
                    run_end
                };
                bracketed_end(bytes, start + len, limit)
            }
        };
        while end > start + len && TRAILING.contains(&bytes[end - 1]) {
            end -= 1;
        }
        if end > start + len {
            out.push((start, end));
            taken = end;
        }
    }
}

/// Which bracket an opening or closing byte is, if it is one: (kind, opening).
fn bracket(b: u8) -> Option<(u8, bool)> {
    match b {
        b'(' => Some((0, true)),
        b'[' => Some((1, true)),
        b'{' => Some((2, true)),
        b')' => Some((0, false)),
        b']' => Some((1, false)),
        b'}' => Some((2, false)),
        _ => None,
    }
}

/// Where a link whose text after the scheme starts at `from` ends by its brackets, when
/// nothing after `limit` can be part of it: at the first closing bracket that closes no
/// bracket of its kind (or not the innermost one), and before the first opening bracket
/// left unclosed.
fn bracketed_end(bytes: &[u8], from: usize, limit: usize) -> usize {
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut end = limit;
    for (i, &b) in bytes[from..limit].iter().enumerate() {
        match bracket(b) {
            Some((kind, true)) => open.push((from + i, kind)),
            Some((kind, false)) => match open.pop_if(|o| o.1 == kind) {
                Some(_) => {}
                None => {
                    end = from + i;
                    break;
                }
            },
            None => {}
        }
    }
    open.first().map_or(end, |o| o.0)
}

/// [`bracketed_end`] for each start whose link can run to the end of the run, in one
/// backward walk over it: which closing brackets after a position close nothing, and
/// which opening ones are left unclosed, is the same whichever link starts before it.
fn bracket_ends(bytes: &[u8], run_end: usize, starts: &[(usize, usize)]) -> Vec<usize> {
    let Some(&(first, _)) = starts.first() else {
        return Vec::new();
    };
    let mut ends = vec![run_end; starts.len()];
    // The closing brackets after `i` that no opening one after `i` closes, nearest last.
    let mut closers: Vec<(usize, u8)> = Vec::new();
    // The first opening bracket after `i` that a link through it would leave unclosed.
    let mut unclosed = run_end;
    let mut k = starts.len();
    for i in (first..run_end).rev() {
        match bracket(bytes[i]) {
            Some((kind, false)) => closers.push((i, kind)),
            Some((kind, true)) => match closers.pop_if(|c| c.1 == kind) {
                Some(_) => {}
                // Unclosed, or closed by the wrong kind (which ends any link through here
                // before the closers after it matter).
                None => {
                    unclosed = i;
                    closers.clear();
                }
            },
            None => {}
        }
        if k > 0 && starts[k - 1].0 == i {
            k -= 1;
            ends[k] = closers.last().map_or(unclosed, |c| c.0.min(unclosed));
        }
    }
    ends
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
