//! The sorting rules in an accounts file: written by `account export` with the accounts,
//! added by `account import` (a rule whose name is taken here is left alone; one for an
//! account that is neither here nor in the file is refused, named).

use serde::{Deserialize, Serialize};

use crate::rules::{Action, Compiled, Condition, Rule};
use crate::store::Store;

use super::Error;

/// One rule as the file has it: its account by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    pub name: String,
    /// None: every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default)]
    pub any: bool,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
}

fn yes() -> bool {
    true
}

/// The store's rules, their accounts by name.
pub fn entries(store: &Store) -> Result<Vec<RuleEntry>, Error> {
    let accounts = store.accounts()?;
    Ok(store
        .rules()?
        .into_iter()
        .map(|r| RuleEntry {
            account: r.account.and_then(|id| {
                accounts
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| a.settings.name.clone())
            }),
            name: r.name,
            any: r.any,
            enabled: r.enabled,
            conditions: r.conditions,
            actions: r.actions,
        })
        .collect())
}

/// Adds the file's rules after the store's: (added, left alone because the name is
/// taken). A rule that cannot be used is a mistake, named.
pub fn add(store: &Store, entries: &[RuleEntry]) -> Result<(Vec<String>, Vec<String>), Error> {
    let have: Vec<String> = store.rules()?.into_iter().map(|r| r.name).collect();
    let (mut added, mut skipped) = (Vec::new(), Vec::new());
    for entry in entries {
        if have.contains(&entry.name) || added.contains(&entry.name) {
            skipped.push(entry.name.clone());
            continue;
        }
        let invalid = |detail: String| Error::Invalid {
            path: String::new(),
            name: entry.name.escape_debug().to_string(),
            detail,
        };
        let account = match &entry.account {
            Some(name) => Some(
                store
                    .account(name)
                    .map_err(|_| {
                        invalid(format!(
                            "the rule is for an account \"{name}\" that is not here"
                        ))
                    })?
                    .id,
            ),
            None => None,
        };
        let rule = Rule {
            name: entry.name.clone(),
            account,
            any: entry.any,
            conditions: entry.conditions.clone(),
            actions: entry.actions.clone(),
            enabled: entry.enabled,
        };
        Compiled::new(rule.clone()).map_err(|e| invalid(e.to_string()))?;
        store.add_rule(&rule)?;
        added.push(entry.name.clone());
    }
    Ok((added, skipped))
}
