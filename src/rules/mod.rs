//! Sorting rules (振り分け): conditions on a message and what to do with it. Matching is
//! on decoded text after NFKC normalization and case folding, so `ＡＢＣ` matches `abc`
//! and half-width katakana matches full-width. Pure: the fetch asks [`decide`] what to do
//! with each message and does it in the transaction that stores it.
//!
//! Rules can come from a shared settings file: a regular expression is compiled with size
//! limits and matched in linear time (the `regex` crate), so no rule can hang a fetch.

use regex::{Regex, RegexBuilder};
use unicode_normalization::UnicodeNormalization;

use crate::accounts::AccountId;

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    From,
    /// To and Cc together.
    ToCc,
    Subject,
    /// Any header by name (case does not matter), its decoded value.
    Header(String),
    /// The text of the message (not known before it is downloaded).
    Body,
}

/// How a condition's text is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Test {
    Contains,
    Is,
    BeginsWith,
    EndsWith,
    Regex,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    Text {
        field: Field,
        test: Test,
        text: String,
    },
    /// Larger than this many bytes.
    SizeOver(u64),
    HasAttachment,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Into this local folder (made when it does not exist).
    MoveTo(String),
    MarkRead,
    Flag,
    Junk,
    /// Into the Trash here.
    Delete,
    /// Leave it on the server and store nothing.
    SkipDownload,
    /// Delete it on the server without downloading it.
    DeleteOnServer,
    /// No further rule is looked at.
    Stop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    /// None: every account.
    pub account: Option<AccountId>,
    /// Any condition suffices (else all are needed).
    pub any: bool,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
    pub enabled: bool,
}

/// A size as typed: "500000", "500K" or "2M" (full-width digits too); None when it is not
/// one, or too large to count.
pub fn parse_size(typed: &str) -> Option<u64> {
    let s: String = typed.trim().nfkc().collect();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], s[i..].trim().to_ascii_uppercase()),
        None => (s.as_str(), String::new()),
    };
    let n: u64 = digits.parse().ok()?;
    let factor: u64 = match unit.as_str() {
        "" | "B" => 1,
        "K" | "KB" => 1024,
        "M" | "MB" => 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// Why a rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the rule \"{rule}\" has a regular expression that does not work: {detail}")]
    BadRegex { rule: String, detail: String },
    #[error("the rule \"{0}\" has no condition")]
    NoCondition(String),
    #[error("the rule \"{0}\" does nothing")]
    NoAction(String),
    /// A condition with no text would match every message.
    #[error("the rule \"{0}\" has a condition without text")]
    EmptyText(String),
    /// Leaving or deleting mail on the server is decided before download, from the
    /// headers: a rule that looks at the text or the attachments cannot do it.
    #[error("the rule \"{0}\" acts on the server but looks at what only a download shows")]
    ServerActionNeedsDownload(String),
}

/// What is known of a message when rules are applied: before download (headers from
/// TOP, the size from LIST) or after (the text and attachments too).
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub account: Option<AccountId>,
    pub from: &'a str,
    pub to_cc: &'a str,
    pub subject: &'a str,
    /// Every header: (name, decoded value).
    pub headers: &'a [(String, String)],
    /// None before download.
    pub body: Option<&'a str>,
    pub size: u64,
    /// None before download.
    pub has_attachment: Option<bool>,
}

/// What the rules say to do with one message, all rules that matched together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    pub folder: Option<String>,
    pub read: bool,
    pub flag: bool,
    pub junk: bool,
    pub delete: bool,
    pub skip_download: bool,
    pub delete_on_server: bool,
    /// The names of the rules that matched, in order.
    pub matched: Vec<String>,
}

/// A rule ready to match: texts normalized, regexes compiled.
#[derive(Debug, Clone)]
pub struct Compiled {
    rule: Rule,
    tests: Vec<Compiled1>,
}

#[derive(Debug, Clone)]
enum Compiled1 {
    Text {
        field: Field,
        test: Test,
        text: String,
        /// For "contains": the text's searcher, built once (a vectorised search: ten
        /// rules on the text of every message were a fetch's largest cost of the rules).
        finder: Box<memchr::memmem::Finder<'static>>,
    },
    Regex {
        field: Field,
        regex: Regex,
    },
    SizeOver(u64),
    HasAttachment,
}

/// The largest a compiled regular expression may grow (a hostile one is refused).
const REGEX_SIZE: usize = 1 << 20;

/// `text` as rules compare it: NFKC, then lower case.
pub fn normalize(text: &str) -> String {
    // The same result, made faster where NFKC would change nothing: ASCII text, and text
    // already in NFKC (most Japanese, whose kana and kanji NFKC leaves alone). NFKC of a
    // 5 KB text on every message was most of what 100 rules cost a fetch.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    if unicode_normalization::is_nfkc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        return text.chars().flat_map(char::to_lowercase).collect();
    }
    text.nfkc().flat_map(char::to_lowercase).collect()
}

impl Compiled {
    pub fn new(rule: Rule) -> Result<Compiled, Error> {
        if rule.conditions.is_empty() {
            return Err(Error::NoCondition(rule.name));
        }
        if rule.actions.is_empty() {
            return Err(Error::NoAction(rule.name));
        }
        let mut tests = Vec::with_capacity(rule.conditions.len());
        for condition in &rule.conditions {
            tests.push(match condition {
                Condition::Text { text, .. } if text.trim().is_empty() => {
                    return Err(Error::EmptyText(rule.name));
                }
                Condition::Text {
                    field,
                    test: Test::Regex,
                    text,
                } => {
                    // The pattern as written (lower-casing it would turn \D into \d), case
                    // ignored; it is matched against the normalized text.
                    let regex = RegexBuilder::new(text)
                        .case_insensitive(true)
                        .size_limit(REGEX_SIZE)
                        .dfa_size_limit(REGEX_SIZE)
                        .build()
                        .map_err(|e| Error::BadRegex {
                            rule: rule.name.clone(),
                            detail: e.to_string(),
                        })?;
                    Compiled1::Regex {
                        field: field.clone(),
                        regex,
                    }
                }
                Condition::Text { field, test, text } => {
                    let text = normalize(text);
                    Compiled1::Text {
                        field: field.clone(),
                        test: *test,
                        finder: Box::new(memchr::memmem::Finder::new(&text).into_owned()),
                        text,
                    }
                }
                Condition::SizeOver(n) => Compiled1::SizeOver(*n),
                Condition::HasAttachment => Compiled1::HasAttachment,
            });
        }
        let compiled = Compiled { rule, tests };
        let on_server = compiled
            .rule
            .actions
            .iter()
            .any(|a| matches!(a, Action::SkipDownload | Action::DeleteOnServer));
        if on_server && !compiled.needs_only_headers() {
            return Err(Error::ServerActionNeedsDownload(compiled.rule.name));
        }
        Ok(compiled)
    }

    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// True when the rule can be judged before download: no condition on the text or
    /// the attachments.
    pub fn needs_only_headers(&self) -> bool {
        self.tests.iter().all(|t| match t {
            Compiled1::Text { field, .. } | Compiled1::Regex { field, .. } => *field != Field::Body,
            Compiled1::SizeOver(_) => true,
            Compiled1::HasAttachment => false,
        })
    }

    /// The headers this rule names (lower case), besides From, To, Cc and Subject.
    pub fn header_names(&self) -> impl Iterator<Item = String> + '_ {
        self.tests.iter().filter_map(|t| match t {
            Compiled1::Text {
                field: Field::Header(name),
                ..
            }
            | Compiled1::Regex {
                field: Field::Header(name),
                ..
            } => Some(name.to_ascii_lowercase()),
            _ => None,
        })
    }

    /// Some(true/false) when known; None when it depends on what is not known yet.
    fn matches(&self, facts: &Facts<'_>, texts: &mut Texts) -> Option<bool> {
        let mut unknown = false;
        for test in &self.tests {
            match test.matches(facts, texts) {
                Some(true) if self.rule.any => return Some(true),
                Some(false) if !self.rule.any => return Some(false),
                None => unknown = true,
                _ => {}
            }
        }
        if unknown { None } else { Some(!self.rule.any) }
    }
}

impl Compiled1 {
    fn matches(&self, facts: &Facts<'_>, texts: &mut Texts) -> Option<bool> {
        match self {
            Compiled1::Text {
                field,
                test: Test::Contains,
                finder,
                ..
            } => texts.any(field, facts, |v| finder.find(v.as_bytes()).is_some()),
            Compiled1::Text {
                field, test, text, ..
            } => texts.any(field, facts, |v| compare(v, *test, text)),
            Compiled1::Regex { field, regex } => texts.any(field, facts, |v| regex.is_match(v)),
            Compiled1::SizeOver(n) => Some(facts.size > *n),
            Compiled1::HasAttachment => facts.has_attachment,
        }
    }
}

fn compare(value: &str, test: Test, text: &str) -> bool {
    match test {
        Test::Contains => value.contains(text),
        Test::Is => value.trim() == text.trim(),
        Test::BeginsWith => value.trim_start().starts_with(text),
        Test::EndsWith => value.trim_end().ends_with(text),
        // Compiled separately.
        Test::Regex => false,
    }
}

/// The normalized texts of one message, each made once however many rules ask.
#[derive(Default)]
struct Texts {
    from: Option<String>,
    to_cc: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    headers: Option<Vec<(String, String)>>,
}

impl Texts {
    /// Whether a value of `field` (a header may occur more than once) passes `test`; None
    /// when the field is not known yet. Nothing is allocated per question: 100 rules ask
    /// it of every message.
    fn any(
        &mut self,
        field: &Field,
        facts: &Facts<'_>,
        test: impl Fn(&str) -> bool,
    ) -> Option<bool> {
        let one = |slot: &mut Option<String>, raw: &str| {
            slot.get_or_insert_with(|| normalize(raw));
        };
        match field {
            Field::From => one(&mut self.from, facts.from),
            Field::ToCc => one(&mut self.to_cc, facts.to_cc),
            Field::Subject => one(&mut self.subject, facts.subject),
            Field::Body => one(&mut self.body, facts.body?),
            Field::Header(_) => {
                self.headers.get_or_insert_with(|| {
                    facts
                        .headers
                        .iter()
                        .map(|(n, v)| (n.to_ascii_lowercase(), normalize(v)))
                        .collect()
                });
            }
        }
        Some(match field {
            Field::From => test(self.from.as_deref()?),
            Field::ToCc => test(self.to_cc.as_deref()?),
            Field::Subject => test(self.subject.as_deref()?),
            Field::Body => test(self.body.as_deref()?),
            Field::Header(name) => self
                .headers
                .as_ref()?
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && test(v)),
        })
    }
}

/// What `rules` (in order) say about a message. Before download (`facts.body` None),
/// only rules that can be judged from the headers count; a rule that cannot be judged
/// yet is left for after download, and "stop" in a rule that matched ends the list.
pub fn decide(rules: &[Compiled], facts: &Facts<'_>) -> Decision {
    let mut decision = Decision::default();
    let mut texts = Texts::default();
    for compiled in rules {
        let rule = &compiled.rule;
        if !rule.enabled || rule.account.is_some_and(|a| Some(a) != facts.account) {
            continue;
        }
        match compiled.matches(facts, &mut texts) {
            Some(true) => {}
            Some(false) => continue,
            // Not known before download: if it could stop the list, what follows is not
            // known either (it is all decided again once the message is here).
            None if rule.actions.contains(&Action::Stop) => break,
            None => continue,
        }
        decision.matched.push(rule.name.clone());
        let mut stop = false;
        for action in &rule.actions {
            match action {
                Action::MoveTo(folder) => {
                    decision.folder.get_or_insert_with(|| folder.clone());
                }
                Action::MarkRead => decision.read = true,
                Action::Flag => decision.flag = true,
                Action::Junk => decision.junk = true,
                Action::Delete => decision.delete = true,
                // Decided before download only: once the message is here it is stored.
                Action::SkipDownload => decision.skip_download |= facts.body.is_none(),
                Action::DeleteOnServer => decision.delete_on_server |= facts.body.is_none(),
                Action::Stop => stop = true,
            }
        }
        if stop {
            break;
        }
    }
    decision
}

#[cfg(test)]
mod tests;
