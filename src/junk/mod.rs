//! The junk filter: a trainable Bayesian filter with Robinson's token probabilities and
//! Fisher's way of combining them (as bogofilter and SylFilter do). What makes it work
//! for Japanese is the tokens: Japanese has no spaces, so runs of kanji and hiragana
//! become overlapping bigrams and katakana runs are taken whole (as bsfilter does);
//! Latin text is words; header words carry their header's name (`subject:`, `from:`);
//! a link's host is a token of its own. Pure: the counts live wherever the caller keeps
//! them (the store), and training then untraining a message restores them exactly.

use std::collections::{BTreeSet, HashMap};

use unicode_normalization::UnicodeNormalization;

/// Messages of each kind trained before the filter judges anything.
pub const READY_AT: u32 = 50;
/// A message scoring this or more is junk.
pub const JUNK_AT: f64 = 0.9;
/// Robinson's strength of the prior, and the prior itself.
const S: f64 = 1.0;
const X: f64 = 0.5;
/// Tokens whose probability is closer to 0.5 than this say nothing and are left out.
const MIN_DEVIATION: f64 = 0.1;
/// At most this many tokens (the most telling) are combined.
const MOST_TOKENS: usize = 150;
/// At most this many characters of text are read (a 10 MB message says no more than its
/// first 200 KB, and the time stays bounded).
const MOST_CHARS: usize = 200_000;

/// What the filter reads of a message.
#[derive(Debug, Clone, Default)]
pub struct Message<'a> {
    pub from: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Junk or good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Junk,
    Good,
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A0..=0x30FF | 0x31F0..=0x31FF)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x309F       // Hiragana
        | 0x3400..=0x4DBF     // CJK Extension A
        | 0x4E00..=0x9FFF     // CJK Unified Ideographs
        | 0xF900..=0xFAFF     // CJK Compatibility Ideographs
        | 0xAC00..=0xD7AF     // Hangul syllables
        | 0x20000..=0x2FFFF)
}

/// The distinct tokens of a message (each counts once, however often it occurs).
pub fn tokens(message: &Message<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    text_tokens(message.subject, "subject:", &mut out);
    text_tokens(message.from, "from:", &mut out);
    text_tokens(message.body, "", &mut out);
    for host in hosts(message.body) {
        out.insert(format!("host:{host}"));
    }
    out
}

/// The tokens of a message as read for the sorting rules (its text when it was read).
pub fn tokens_of(read: &crate::mail::sortable::Sortable) -> BTreeSet<String> {
    tokens(&Message {
        from: &read.from,
        subject: &read.subject,
        body: read.body.as_deref().unwrap_or_default(),
    })
}

/// Words, bigrams and katakana runs of `text`, each with `prefix`.
fn text_tokens(text: &str, prefix: &str, out: &mut BTreeSet<String>) {
    #[derive(PartialEq)]
    enum Run {
        None,
        Latin,
        Katakana,
        Cjk,
    }
    let mut run = Run::None;
    let mut current: Vec<char> = Vec::new();
    let mut flush = |run: &Run, current: &mut Vec<char>| {
        match run {
            Run::Latin if (2..=30).contains(&current.len()) => {
                let word: String = current.iter().collect();
                if !word.chars().all(|c| c.is_ascii_digit()) {
                    out.insert(format!("{prefix}{word}"));
                }
            }
            Run::Katakana if current.len() >= 2 => {
                out.insert(format!("{prefix}{}", current.iter().collect::<String>()));
            }
            Run::Cjk if current.len() == 1 => {
                out.insert(format!("{prefix}{}", current[0]));
            }
            Run::Cjk => {
                for pair in current.windows(2) {
                    out.insert(format!("{prefix}{}{}", pair[0], pair[1]));
                }
            }
            _ => {}
        }
        current.clear();
    };
    for c in text.nfkc().take(MOST_CHARS).flat_map(char::to_lowercase) {
        let kind = if is_katakana(c) || c == 'ー' {
            Run::Katakana
        } else if is_cjk(c) {
            Run::Cjk
        } else if c.is_alphanumeric() || (c == '\'' || c == '$' || c == '-') && run == Run::Latin {
            Run::Latin
        } else {
            Run::None
        };
        if kind != run {
            flush(&run, &mut current);
            run = kind;
        }
        if run != Run::None {
            current.push(c);
        }
    }
    flush(&run, &mut current);
}

/// The hosts of the links in `text` (lower case, without "www.").
fn hosts(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = &text[..text.floor_char_boundary(MOST_CHARS * 4)];
    while let Some(at) = rest.find("://") {
        let after = &rest[at + 3..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(after.len());
        let host = after[..end].trim_matches('.').to_lowercase();
        if host.contains('.') {
            out.insert(host.trim_start_matches("www.").to_string());
        }
        rest = &after[end..];
    }
    out
}

/// How often each token was seen in junk and in good mail, and how many of each were
/// trained.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    pub junk: u32,
    pub good: u32,
    /// token → (junk messages with it, good messages with it).
    pub counts: HashMap<String, (u32, u32)>,
}

impl Model {
    /// Counts a message as `kind`.
    pub fn train(&mut self, tokens: &BTreeSet<String>, kind: Kind) {
        self.change(tokens, kind, true);
    }

    /// Takes back a [`Model::train`] of the same tokens and kind (a message judged wrong).
    pub fn untrain(&mut self, tokens: &BTreeSet<String>, kind: Kind) {
        self.change(tokens, kind, false);
    }

    fn change(&mut self, tokens: &BTreeSet<String>, kind: Kind, add: bool) {
        let step = |n: &mut u32| {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        match kind {
            Kind::Junk => step(&mut self.junk),
            Kind::Good => step(&mut self.good),
        }
        for token in tokens {
            let entry = self.counts.entry(token.clone()).or_default();
            match kind {
                Kind::Junk => step(&mut entry.0),
                Kind::Good => step(&mut entry.1),
            }
            if *entry == (0, 0) {
                self.counts.remove(token);
            }
        }
    }

    /// True once enough of both kinds are trained for the filter to judge.
    pub fn is_ready(&self) -> bool {
        self.junk >= READY_AT && self.good >= READY_AT
    }

    /// Robinson's f(w): how junk-like a token is, moved towards 0.5 when seldom seen.
    fn probability(&self, junk: u32, good: u32) -> f64 {
        let junk_ratio = f64::from(junk) / f64::from(self.junk.max(1));
        let good_ratio = f64::from(good) / f64::from(self.good.max(1));
        let p = if junk_ratio + good_ratio == 0.0 {
            X
        } else {
            junk_ratio / (junk_ratio + good_ratio)
        };
        let n = f64::from(junk + good);
        (S * X + n * p) / (S + n)
    }

    /// How junk-like a message is, from 0 (good) to 1 (junk): Fisher's combination of
    /// the most telling tokens. 0.5 when nothing is telling.
    pub fn score(&self, tokens: &BTreeSet<String>) -> f64 {
        let mut telling: Vec<f64> = tokens
            .iter()
            .filter_map(|t| self.counts.get(t))
            .map(|&(junk, good)| self.probability(junk, good))
            .filter(|p| (p - 0.5).abs() >= MIN_DEVIATION)
            .collect();
        if telling.is_empty() {
            return 0.5;
        }
        telling.sort_by(|a, b| (b - 0.5).abs().total_cmp(&(a - 0.5).abs()));
        telling.truncate(MOST_TOKENS);
        let n = telling.len();
        let (mut ln_junk, mut ln_good) = (0.0, 0.0);
        for p in &telling {
            let p = p.clamp(1e-6, 1.0 - 1e-6);
            ln_junk += (1.0 - p).ln();
            ln_good += p.ln();
        }
        let junk = 1.0 - inverse_chi_square(-2.0 * ln_junk, 2 * n);
        let good = 1.0 - inverse_chi_square(-2.0 * ln_good, 2 * n);
        (1.0 + junk - good) / 2.0
    }

    /// Junk, when the filter is ready and the message scores at least [`JUNK_AT`].
    pub fn is_junk(&self, tokens: &BTreeSet<String>) -> bool {
        self.is_ready() && self.score(tokens) >= JUNK_AT
    }
}

/// The probability that chi-square with `df` (even) degrees of freedom is at least `chi`.
fn inverse_chi_square(chi: f64, df: usize) -> f64 {
    let m = chi / 2.0;
    let mut term = (-m).exp();
    let mut sum = term;
    for i in 1..df / 2 {
        term *= m / i as f64;
        sum += term;
    }
    sum.min(1.0)
}

#[cfg(test)]
mod tests;
