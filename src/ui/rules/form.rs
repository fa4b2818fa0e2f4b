//! The rule being written or edited: its name, the account it is for, its conditions
//! (all or any of them) and its actions, as typed; and the rule they make, or what is
//! wrong with them in the window's language.

use crate::accounts::AccountId;
use crate::rules::{Action, Compiled, Condition, Field, Rule, Test};
use crate::t;

/// What a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    From,
    ToCc,
    Subject,
    /// A header named in the form.
    Header,
    Body,
    SizeOver,
    HasAttachment,
}

impl Looks {
    pub const ALL: [Looks; 7] = [
        Looks::From,
        Looks::ToCc,
        Looks::Subject,
        Looks::Header,
        Looks::Body,
        Looks::SizeOver,
        Looks::HasAttachment,
    ];

    /// Whether it compares a text (and so has a test and a text field).
    pub fn has_text(self) -> bool {
        !matches!(self, Looks::SizeOver | Looks::HasAttachment)
    }
}

/// What a rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    MoveTo,
    MarkRead,
    Flag,
    Junk,
    Delete,
    SkipDownload,
    DeleteOnServer,
}

impl Does {
    pub const ALL: [Does; 7] = [
        Does::MoveTo,
        Does::MarkRead,
        Does::Flag,
        Does::Junk,
        Does::Delete,
        Does::SkipDownload,
        Does::DeleteOnServer,
    ];

    pub fn action(self, folder: &str) -> Action {
        match self {
            Does::MoveTo => Action::MoveTo(folder.trim().to_string()),
            Does::MarkRead => Action::MarkRead,
            Does::Flag => Action::Flag,
            Does::Junk => Action::Junk,
            Does::Delete => Action::Delete,
            Does::SkipDownload => Action::SkipDownload,
            Does::DeleteOnServer => Action::DeleteOnServer,
        }
    }
}

/// One condition as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Looking {
    pub looks: Looks,
    pub test: Test,
    /// The text compared, or the size ("2M") for [`Looks::SizeOver`].
    pub text: String,
    /// The header's name, for [`Looks::Header`].
    pub header: String,
}

impl Default for Looking {
    fn default() -> Self {
        Looking {
            looks: Looks::Subject,
            test: Test::Contains,
            text: String::new(),
            header: String::new(),
        }
    }
}

/// One action as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doing {
    pub does: Does,
    /// The folder, for [`Does::MoveTo`].
    pub folder: String,
}

impl Default for Doing {
    fn default() -> Self {
        Doing {
            does: Does::MoveTo,
            folder: String::new(),
        }
    }
}

/// The form of the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The name of the rule being edited; None for a new one.
    pub editing: Option<String>,
    pub name: String,
    /// None: every account.
    pub account: Option<AccountId>,
    /// Any condition suffices (else all are needed).
    pub any: bool,
    pub conditions: Vec<Looking>,
    pub actions: Vec<Doing>,
    pub stop: bool,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            editing: None,
            name: String::new(),
            account: None,
            any: false,
            conditions: vec![Looking::default()],
            actions: vec![Doing::default()],
            stop: false,
        }
    }
}

impl Form {
    /// The form showing `rule`, to edit it.
    pub fn editing(rule: &Rule) -> Form {
        let conditions = rule
            .conditions
            .iter()
            .map(|c| match c {
                Condition::Text { field, test, text } => {
                    let (looks, header) = match field {
                        Field::From => (Looks::From, String::new()),
                        Field::ToCc => (Looks::ToCc, String::new()),
                        Field::Subject => (Looks::Subject, String::new()),
                        Field::Header(name) => (Looks::Header, name.clone()),
                        Field::Body => (Looks::Body, String::new()),
                    };
                    Looking {
                        looks,
                        test: *test,
                        text: text.clone(),
                        header,
                    }
                }
                Condition::SizeOver(n) => Looking {
                    looks: Looks::SizeOver,
                    text: size_text(*n),
                    ..Looking::default()
                },
                Condition::HasAttachment => Looking {
                    looks: Looks::HasAttachment,
                    ..Looking::default()
                },
            })
            .collect();
        let mut actions = Vec::new();
        for action in &rule.actions {
            let does = match action {
                Action::MoveTo(folder) => {
                    actions.push(Doing {
                        does: Does::MoveTo,
                        folder: folder.clone(),
                    });
                    continue;
                }
                Action::MarkRead => Does::MarkRead,
                Action::Flag => Does::Flag,
                Action::Junk => Does::Junk,
                Action::Delete => Does::Delete,
                Action::SkipDownload => Does::SkipDownload,
                Action::DeleteOnServer => Does::DeleteOnServer,
                Action::Stop => continue,
            };
            actions.push(Doing {
                does,
                folder: String::new(),
            });
        }
        Form {
            editing: Some(rule.name.clone()),
            name: rule.name.clone(),
            account: rule.account,
            any: rule.any,
            conditions,
            actions,
            stop: rule.actions.contains(&Action::Stop),
        }
    }

    /// The form as a rule (turned on, or as `enabled` when edited), or what is wrong.
    pub fn rule(&self, enabled: bool) -> Result<Rule, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(t!("rules-name-needed"));
        }
        let mut conditions = Vec::with_capacity(self.conditions.len());
        for c in &self.conditions {
            conditions.push(condition(c)?);
        }
        let mut actions = Vec::with_capacity(self.actions.len() + 1);
        for a in &self.actions {
            if a.does == Does::MoveTo && a.folder.trim().is_empty() {
                return Err(t!("rules-folder-needed"));
            }
            let action = a.does.action(&a.folder);
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
        if self.stop {
            actions.push(Action::Stop);
        }
        let rule = Rule {
            name: name.to_string(),
            account: self.account,
            any: self.any,
            conditions,
            actions,
            enabled,
        };
        Compiled::new(rule.clone()).map_err(|e| match e {
            crate::rules::Error::EmptyText(_) => t!("rules-text-needed"),
            crate::rules::Error::ServerActionNeedsDownload(_) => t!("rules-server-needs-headers"),
            crate::rules::Error::NoCondition(_) => t!("rules-condition-needed"),
            crate::rules::Error::NoAction(_) => t!("rules-action-needed"),
            crate::rules::Error::BadRegex { detail, .. } => t!("rules-bad-regex", detail = detail),
        })?;
        Ok(rule)
    }
}

fn condition(c: &Looking) -> Result<Condition, String> {
    let field = match c.looks {
        Looks::From => Field::From,
        Looks::ToCc => Field::ToCc,
        Looks::Subject => Field::Subject,
        Looks::Body => Field::Body,
        Looks::Header => {
            let name = c.header.trim().trim_end_matches(':').trim();
            let fits = !name.is_empty() && name.chars().all(|ch| ch.is_ascii_graphic());
            if !fits {
                return Err(t!("rules-header-needed"));
            }
            Field::Header(name.to_string())
        }
        Looks::SizeOver => {
            return crate::rules::parse_size(&c.text)
                .map(Condition::SizeOver)
                .ok_or_else(|| t!("rules-size-needed"));
        }
        Looks::HasAttachment => return Ok(Condition::HasAttachment),
    };
    Ok(Condition::Text {
        field,
        test: c.test,
        text: c.text.clone(),
    })
}

/// A size as the form shows it: in M or K when it is a whole number of them.
fn size_text(n: u64) -> String {
    const K: u64 = 1024;
    match n {
        0 => "0".into(),
        n if n % (K * K) == 0 => format!("{}M", n / (K * K)),
        n if n % K == 0 => format!("{}K", n / K),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_edited_in_the_form_comes_back_the_same() {
        let rule = Rule {
            name: "請求".into(),
            account: Some(AccountId(3)),
            any: true,
            conditions: vec![
                Condition::Text {
                    field: Field::Header("X-Mailer".into()),
                    test: Test::BeginsWith,
                    text: "Becky".into(),
                },
                Condition::Text {
                    field: Field::Subject,
                    test: Test::Regex,
                    text: "請求|invoice".into(),
                },
                Condition::SizeOver(2 << 20),
                Condition::HasAttachment,
            ],
            actions: vec![
                Action::MoveTo("経理".into()),
                Action::Flag,
                Action::Junk,
                Action::Stop,
            ],
            enabled: false,
        };
        let form = Form::editing(&rule);
        assert_eq!(form.conditions[2].text, "2M");
        assert_eq!(form.rule(false), Ok(rule));
    }

    #[test]
    fn what_is_missing_is_said() {
        crate::i18n::set_thread_language(crate::i18n::Language::English);
        let mut form = Form {
            name: "x".into(),
            ..Form::default()
        };
        form.conditions[0].text = "a".into();
        assert_eq!(form.rule(true), Err(t!("rules-folder-needed")));
        form.actions[0].does = Does::Flag;
        assert!(form.rule(true).is_ok());
        form.conditions.push(Looking {
            looks: Looks::SizeOver,
            text: "lots".into(),
            ..Looking::default()
        });
        assert_eq!(form.rule(true), Err(t!("rules-size-needed")));
        form.conditions[1] = Looking {
            looks: Looks::Header,
            header: "X Bad".into(),
            text: "a".into(),
            ..Looking::default()
        };
        assert_eq!(form.rule(true), Err(t!("rules-header-needed")));
        form.conditions.truncate(1);
        form.conditions[0].test = Test::Regex;
        form.conditions[0].text = "(".into();
        assert!(form.rule(true).unwrap_err().starts_with("The regular"));
        form.conditions.clear();
        assert_eq!(form.rule(true), Err(t!("rules-condition-needed")));
    }
}
