//! Sorting rules in the store: their order, and what they do to a message. The fetch
//! applies them in the transaction that stores each message ([`apply`]), so a message is
//! never seen in the inbox before it moves, and a crash never leaves one half-sorted.

use rusqlite::{OptionalExtension, params};

use super::*;
use crate::accounts::AccountId;
use crate::rules::{Compiled, Decision, Rule};

impl Store {
    /// Every rule, in order. A rule whose conditions or actions this version cannot read
    /// is left out, with a warning.
    pub fn rules(&self) -> Result<Vec<Rule>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, account_id, match_any, enabled, conditions, actions
             FROM rules ORDER BY position, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<AccountId>>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut rules = Vec::new();
        for row in rows {
            let (name, account, any, enabled, conditions, actions) = row?;
            match (
                serde_json::from_str(&conditions),
                serde_json::from_str(&actions),
            ) {
                (Ok(conditions), Ok(actions)) => rules.push(Rule {
                    name,
                    account,
                    any,
                    conditions,
                    actions,
                    enabled,
                }),
                _ => tracing::warn!(rule = name, "a rule this version cannot read is left out"),
            }
        }
        Ok(rules)
    }

    /// The rules ready to match, in order; one that cannot be used (a broken regular
    /// expression written into the database) is left out, with a warning.
    pub fn compiled_rules(&self) -> Result<Vec<Compiled>> {
        Ok(self
            .rules()?
            .into_iter()
            .filter(|r| r.enabled)
            .filter_map(|r| {
                Compiled::new(r)
                    .inspect_err(|e| tracing::warn!("a rule is left out: {e}"))
                    .ok()
            })
            .collect())
    }

    /// [`Error::RuleExists`] when a rule (other than `except`) is called `name`.
    fn refuse_taken(&self, name: &str, except: Option<&str>) -> Result<()> {
        let taken: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM rules WHERE name = ?1 AND name IS NOT ?2",
                params![name, except],
                |r| r.get(0),
            )
            .optional()?;
        match taken {
            Some(_) => Err(Error::RuleExists(name.to_string())),
            None => Ok(()),
        }
    }

    /// Adds a rule after the others.
    pub fn add_rule(&self, rule: &Rule) -> Result<()> {
        self.refuse_taken(&rule.name, None)?;
        self.conn.execute(
            "INSERT INTO rules (position, name, account_id, match_any, enabled, conditions,
                                actions)
             VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM rules), ?1, ?2, ?3, ?4, ?5,
                     ?6)",
            params![
                rule.name,
                rule.account,
                rule.any,
                rule.enabled,
                json(&rule.conditions),
                json(&rule.actions)
            ],
        )?;
        Ok(())
    }

    /// Puts `rule` in the place of the rule called `name` (renamed, if its name changed;
    /// a name another rule has is refused).
    pub fn replace_rule(&self, name: &str, rule: &Rule) -> Result<()> {
        self.refuse_taken(&rule.name, Some(name))?;
        let changed = self.conn.execute(
            "UPDATE rules SET name = ?2, account_id = ?3, match_any = ?4, enabled = ?5,
                              conditions = ?6, actions = ?7
             WHERE name = ?1",
            params![
                name,
                rule.name,
                rule.account,
                rule.any,
                rule.enabled,
                json(&rule.conditions),
                json(&rule.actions)
            ],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchRule(name.to_string()));
        }
        Ok(())
    }

    /// Removes the rule so named.
    pub fn remove_rule(&self, name: &str) -> Result<()> {
        if self
            .conn
            .execute("DELETE FROM rules WHERE name = ?1", [name])?
            == 0
        {
            return Err(Error::NoSuchRule(name.to_string()));
        }
        Ok(())
    }

    /// Turns the rule so named on or off.
    pub fn set_rule_enabled(&self, name: &str, enabled: bool) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE rules SET enabled = ?2 WHERE name = ?1",
            params![name, enabled],
        )?;
        if changed == 0 {
            return Err(Error::NoSuchRule(name.to_string()));
        }
        Ok(())
    }

    /// Moves the rule so named one place earlier (`earlier`) or later in the order.
    pub fn move_rule(&mut self, name: &str, earlier: bool) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let order: Vec<String> = {
            let mut stmt = tx.prepare("SELECT name FROM rules ORDER BY position, id")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let Some(at) = order.iter().position(|n| n == name) else {
            return Err(Error::NoSuchRule(name.to_string()));
        };
        let other = match earlier {
            true => at.checked_sub(1),
            false => (at + 1 < order.len()).then_some(at + 1),
        };
        let mut order = order;
        if let Some(other) = other {
            order.swap(at, other);
        }
        for (position, name) in order.iter().enumerate() {
            tx.execute(
                "UPDATE rules SET position = ?2 WHERE name = ?1",
                params![name, i64::try_from(position).unwrap_or(i64::MAX)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The rules (or only the one so named, on or off) done now to the messages `view`
    /// shows: how many matched, of how many. What acts on the server is left alone: the
    /// messages are here.
    pub fn run_rules(&mut self, view: View, only: Option<&str>) -> Result<(usize, usize)> {
        let ids = self.ids(view, Sort::default())?;
        self.run_rules_on(&ids, only)
    }

    /// The rules (or only the one so named) done now to these messages: how many matched,
    /// of how many. A rule for one account acts only on that account's mail.
    pub fn run_rules_on(&mut self, ids: &[i64], only: Option<&str>) -> Result<(usize, usize)> {
        let mut compiled = Vec::new();
        for rule in self.rules()? {
            let wanted = match only {
                Some(name) => rule.name == name,
                None => rule.enabled,
            };
            if wanted {
                match Compiled::new(rule) {
                    Ok(rule) => compiled.push(rule),
                    Err(e) => tracing::warn!("a rule is left out: {e}"),
                }
            }
        }
        if let (Some(name), true) = (only, compiled.is_empty()) {
            return Err(Error::NoSuchRule(name.to_string()));
        }
        let mut decided = Vec::new();
        for chunk in ids.chunks(500) {
            for row in self.rows(chunk)? {
                let raw = self.raw_message(row.id)?;
                let read = crate::mail::sortable::sortable(&raw, row.size, !row.partial);
                let decision = crate::rules::decide(&compiled, &read.facts(row.account_id));
                if !decision.matched.is_empty() {
                    decided.push((row.id, decision));
                }
            }
        }
        self.apply_rules(&decided)?;
        Ok((decided.len(), ids.len()))
    }

    /// Does to stored messages what the rules decided, in one transaction.
    pub fn apply_rules(&mut self, decided: &[(i64, Decision)]) -> Result<()> {
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (id, decision) in decided {
            apply(&tx, *id, decision, now)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A list as the database keeps it.
fn json<T: serde::Serialize>(list: &[T]) -> String {
    // Strings, numbers and enums: it cannot fail to serialise.
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Folder ids by name as a batch resolves them (the key `None`: the Junk folder).
pub(super) type Folders = std::collections::HashMap<Option<String>, i64>;

/// The folder a decision files a message into (made when it does not exist): Junk
/// before a rule's folder; None to leave it where it is.
pub(super) fn folder_of(
    conn: &rusqlite::Connection,
    decision: &Decision,
    now: i64,
    known: &mut Folders,
) -> Result<Option<i64>> {
    let key = if decision.junk {
        None
    } else if let Some(name) = &decision.folder {
        Some(name.clone())
    } else {
        return Ok(None);
    };
    if let Some(id) = known.get(&key) {
        return Ok(Some(*id));
    }
    // Cached statements: a fetch asks this of every message a rule files.
    let id = match &key {
        None => super::junk::junk_folder(conn, now)?,
        Some(name) => {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO folders (name, created_at) VALUES (?1, ?2)",
            )?
            .execute(params![name, now])?;
            conn.prepare_cached("SELECT id FROM folders WHERE name = ?1 AND role IS NULL")?
                .query_row([name], |r| r.get::<_, i64>(0))?
        }
    };
    known.insert(key, id);
    Ok(Some(id))
}

/// What the rules decided for message `id`, done inside the caller's transaction: to a
/// local folder (made when missing) or the Junk folder, read, flagged, to the Trash.
pub(super) fn apply(
    conn: &rusqlite::Connection,
    id: i64,
    decision: &Decision,
    now: i64,
) -> Result<()> {
    let folder = folder_of(conn, decision, now, &mut Folders::new())?;
    if let Some(folder) = folder {
        conn.prepare_cached(
            "UPDATE messages SET folder_id = ?2, junk_at = CASE WHEN ?3 THEN ?4 END WHERE id = ?1",
        )?
        .execute(params![id, folder, decision.junk, now])?;
    }
    if decision.read {
        conn.prepare_cached("UPDATE messages SET read = 1 WHERE id = ?1")?
            .execute([id])?;
    }
    if decision.flag {
        conn.prepare_cached("UPDATE messages SET flagged = 1 WHERE id = ?1")?
            .execute([id])?;
    }
    if decision.delete {
        conn.prepare_cached(
            "UPDATE messages SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL",
        )?
        .execute(params![id, now])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Action, Condition, Field, Test};

    fn rule(name: &str) -> Rule {
        Rule {
            name: name.into(),
            account: None,
            any: false,
            conditions: vec![Condition::Text {
                field: Field::Subject,
                test: Test::Contains,
                text: "x".into(),
            }],
            actions: vec![Action::Flag],
            enabled: true,
        }
    }

    #[test]
    fn rules_keep_their_order_and_can_be_moved_turned_off_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
        for name in ["一", "二", "三"] {
            store.add_rule(&rule(name)).unwrap();
        }
        assert!(matches!(
            store.add_rule(&rule("二")),
            Err(Error::RuleExists(_))
        ));
        assert!(matches!(
            store.replace_rule("一", &rule("二")),
            Err(Error::RuleExists(_))
        ));
        store.replace_rule("二", &rule("二")).unwrap();
        let names = |store: &Store| -> Vec<String> {
            store.rules().unwrap().into_iter().map(|r| r.name).collect()
        };
        store.move_rule("三", true).unwrap();
        assert_eq!(names(&store), ["一", "三", "二"]);
        store.move_rule("一", true).unwrap();
        store.move_rule("二", false).unwrap();
        assert_eq!(names(&store), ["一", "三", "二"], "the ends stay");
        store.set_rule_enabled("三", false).unwrap();
        assert_eq!(store.compiled_rules().unwrap().len(), 2);
        assert_eq!(
            store.rules().unwrap()[1],
            Rule {
                enabled: false,
                ..rule("三")
            }
        );
        store.remove_rule("一").unwrap();
        assert_eq!(names(&store), ["三", "二"]);
        assert!(matches!(store.remove_rule("一"), Err(Error::NoSuchRule(_))));
        assert!(matches!(
            store.set_rule_enabled("一", true),
            Err(Error::NoSuchRule(_))
        ));
    }
}
