//! The words of the rules dialog: a rule in one line, and the names of what a condition
//! looks at, how it compares, and what an action does.

use crate::accounts::AccountId;
use crate::rules::{Action, Condition, Field, Rule, Test};
use crate::t;

use super::form::{Does, Looks};

/// A rule in one line: what it looks at, then what it does.
pub fn summary(rule: &Rule) -> String {
    let when: Vec<String> = rule.conditions.iter().map(condition_label).collect();
    let does: Vec<String> = rule.actions.iter().map(action_label).collect();
    let joiner = if rule.any {
        t!("rules-or")
    } else {
        t!("rules-and")
    };
    t!(
        "rules-summary",
        when = when.join(&format!(" {joiner} ")),
        does = does.join(", ")
    )
}

fn field_label(field: &Field) -> String {
    match field {
        Field::From => t!("header-from"),
        Field::ToCc => t!("rules-to-cc"),
        Field::Subject => t!("header-subject"),
        Field::Header(name) => name.clone(),
        Field::Body => t!("rules-body"),
    }
}

fn condition_label(condition: &Condition) -> String {
    match condition {
        Condition::Text { field, test, text } => {
            let field = field_label(field);
            let text = text.clone();
            match test {
                Test::Contains => t!("rules-if-contains", field = field, text = text),
                Test::Is => t!("rules-if-is", field = field, text = text),
                Test::BeginsWith => t!("rules-if-begins", field = field, text = text),
                Test::EndsWith => t!("rules-if-ends", field = field, text = text),
                Test::Regex => t!("rules-if-regex", field = field, text = text),
            }
        }
        Condition::SizeOver(n) => t!("rules-if-size", kb = n / 1024),
        Condition::HasAttachment => t!("rules-if-attachment"),
    }
}

pub fn action_label(action: &Action) -> String {
    match action {
        Action::MoveTo(folder) => t!("rules-move-to", folder = folder.clone()),
        Action::MarkRead => t!("rules-mark-read"),
        Action::Flag => t!("rules-flag"),
        Action::Junk => t!("rules-junk"),
        Action::Delete => t!("rules-delete"),
        Action::SkipDownload => t!("rules-skip-download"),
        Action::DeleteOnServer => t!("rules-delete-on-server"),
        Action::Stop => t!("rules-stop-here"),
    }
}

impl std::fmt::Display for Looks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Looks::From => field_label(&Field::From),
            Looks::ToCc => field_label(&Field::ToCc),
            Looks::Subject => field_label(&Field::Subject),
            Looks::Header => t!("rules-looks-header"),
            Looks::Body => field_label(&Field::Body),
            Looks::SizeOver => t!("rules-looks-size"),
            Looks::HasAttachment => t!("rules-if-attachment"),
        })
    }
}

impl std::fmt::Display for Does {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&action_label(&self.action("…")))
    }
}

/// A test as a pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compare(pub Test);

impl Compare {
    pub const ALL: [Compare; 5] = [
        Compare(Test::Contains),
        Compare(Test::Is),
        Compare(Test::BeginsWith),
        Compare(Test::EndsWith),
        Compare(Test::Regex),
    ];
}

impl std::fmt::Display for Compare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.0 {
            Test::Contains => t!("rules-contains"),
            Test::Is => t!("rules-test-is"),
            Test::BeginsWith => t!("rules-test-begins"),
            Test::EndsWith => t!("rules-test-ends"),
            Test::Regex => t!("rules-test-regex"),
        })
    }
}

/// Every account, or one, as a pick list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForAccount {
    pub id: Option<AccountId>,
    pub name: String,
}

impl ForAccount {
    pub fn every() -> ForAccount {
        ForAccount {
            id: None,
            name: t!("rules-all-accounts"),
        }
    }
}

impl std::fmt::Display for ForAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// All or any of the conditions, as a pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matching(pub bool);

impl std::fmt::Display for Matching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&if self.0 {
            t!("rules-match-any")
        } else {
            t!("rules-match-all")
        })
    }
}
