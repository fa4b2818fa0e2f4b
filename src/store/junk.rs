//! The junk filter in the store: its counts, training and untraining stored messages, and
//! the Junk folder. Training moves: a message trained as junk goes to the Junk folder, one
//! trained as good leaves it for its inbox.

use std::collections::BTreeSet;
use std::sync::Arc;

use rusqlite::{OptionalExtension, params};

use super::*;
use crate::junk::{Kind, Model};

/// Seconds in a day.
const DAY: i64 = 24 * 60 * 60;

fn kind_str(kind: Kind) -> &'static str {
    match kind {
        Kind::Junk => "junk",
        Kind::Good => "good",
    }
}

/// The junk filter's tokens of a stored message (its text too when it is all here), read
/// from its first 256 KB as the fetch judges it: a 200 MB message is not rendered whole.
pub fn stored_tokens(raw: &[u8], partial: bool) -> BTreeSet<String> {
    const HEAD: usize = 256 << 10;
    let head = &raw[..raw.len().min(HEAD)];
    let read = crate::mail::sortable::sortable(head, raw.len() as u64, !partial);
    crate::junk::tokens_of(&read)
}

impl Store {
    /// How many junk and how many good messages the filter was trained on.
    pub fn junk_trained(&self) -> Result<(u32, u32)> {
        Ok(self
            .conn
            .query_row("SELECT junk, good FROM junk_totals WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((0, 0)))
    }

    /// Every count of the filter, as trained.
    pub fn junk_model(&self) -> Result<Model> {
        let (junk, good) = self.junk_trained()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT token, junk, good FROM junk_tokens")?;
        let counts = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Model { junk, good, counts })
    }

    /// The model, when enough is trained for it to judge; read again only after a
    /// training (one row is read to know), so asking once per batch of a fetch is cheap.
    pub fn junk_judge(&mut self) -> Result<Option<Arc<Model>>> {
        let (generation, junk, good): (i64, u32, u32) = self.conn.query_row(
            "SELECT generation, junk, good FROM junk_totals WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if junk < crate::junk::READY_AT || good < crate::junk::READY_AT {
            return Ok(None);
        }
        if let Some((cached, model)) = &self.junk_cache
            && *cached == generation
        {
            return Ok(Some(model.clone()));
        }
        let model = Arc::new(self.junk_model()?);
        self.junk_cache = Some((generation, model.clone()));
        Ok(Some(model))
    }

    /// Trains the filter on these messages as `kind` and moves them: junk into the Junk
    /// folder, good out of it into its inbox. A message trained before as the other kind
    /// has that training taken back first; one trained as the same kind is not counted
    /// again. Returns how many messages were trained (not counting those already so).
    pub fn train_junk(&mut self, ids: &[i64], kind: Kind) -> Result<usize> {
        // Read before the write lock is taken: the tokens of each message.
        let mut read = Vec::with_capacity(ids.len());
        for &id in ids {
            let partial: bool = self
                .conn
                .query_row("SELECT partial FROM messages WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(Error::NoSuchMessage(id))?;
            let raw = self.raw_message(id)?;
            read.push((id, stored_tokens(&raw, partial)));
        }
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let junk_folder = junk_folder(&tx, now)?;
        let mut trained = 0;
        for (id, tokens) in read {
            let before: Option<(String, String)> = tx
                .query_row(
                    "SELECT kind, tokens FROM junk_trained WHERE message_id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let again = before.as_ref().is_some_and(|(k, _)| k == kind_str(kind));
            if !again {
                if let Some((before, tokens)) = &before {
                    let before = if before == "junk" {
                        Kind::Junk
                    } else {
                        Kind::Good
                    };
                    count(&tx, tokens.lines(), before, false)?;
                }
                count(&tx, tokens.iter().map(String::as_str), kind, true)?;
                let lines: Vec<&str> = tokens.iter().map(String::as_str).collect();
                tx.execute(
                    "INSERT INTO junk_trained (message_id, kind, tokens) VALUES (?1, ?2, ?3)
                     ON CONFLICT (message_id) DO UPDATE SET kind = ?2, tokens = ?3",
                    params![id, kind_str(kind), lines.join("\n")],
                )?;
                trained += 1;
            }
            match kind {
                Kind::Junk => tx.execute(
                    "UPDATE messages SET folder_id = ?2, junk_at = ?3, trashed_at = NULL
                     WHERE id = ?1",
                    params![id, junk_folder, now],
                )?,
                // Mail of no account has no inbox: it stays where it is.
                Kind::Good => tx.execute(
                    "UPDATE messages SET folder_id = NULL, junk_at = NULL
                     WHERE id = ?1 AND folder_id = ?2 AND account_id IS NOT NULL",
                    params![id, junk_folder],
                )?,
            };
        }
        tx.execute(
            "UPDATE junk_totals SET generation = generation + 1 WHERE id = 1",
            [],
        )?;
        tx.commit()?;
        Ok(trained)
    }

    /// Moves junk that went into the Junk folder more than `days` days before `now` into
    /// the Trash (from where it can still be restored); how many.
    pub fn empty_old_junk(&mut self, days: u32, now: i64) -> Result<usize> {
        let Some(folder) = self.find_role_folder(Role::Junk)? else {
            return Ok(0);
        };
        let before = now.saturating_sub(i64::from(days).saturating_mul(DAY));
        Ok(self.conn.execute(
            "UPDATE messages SET trashed_at = ?3
             WHERE folder_id = ?1 AND trashed_at IS NULL
               AND COALESCE(junk_at, received_at) < ?2",
            params![folder, before, now],
        )?)
    }
}

/// The Junk folder's id, made when missing (inside the caller's transaction).
pub(super) fn junk_folder(conn: &rusqlite::Connection, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT OR IGNORE INTO folders (name, created_at, role) VALUES (?1, ?2, 'junk')",
        params![Role::Junk.english(), now],
    )?;
    Ok(
        conn.query_row("SELECT id FROM folders WHERE role = 'junk'", [], |r| {
            r.get(0)
        })?,
    )
}

/// Adds (`add`) or takes back one message of `kind` with these tokens.
fn count<'a>(
    conn: &rusqlite::Connection,
    tokens: impl Iterator<Item = &'a str>,
    kind: Kind,
    add: bool,
) -> Result<()> {
    let (junk, good) = match kind {
        Kind::Junk => (1, 0),
        Kind::Good => (0, 1),
    };
    if add {
        conn.execute(
            "UPDATE junk_totals SET junk = junk + ?1, good = good + ?2 WHERE id = 1",
            params![junk, good],
        )?;
        let mut stmt = conn.prepare_cached(
            "INSERT INTO junk_tokens (token, junk, good) VALUES (?1, ?2, ?3)
             ON CONFLICT (token) DO UPDATE SET junk = junk + ?2, good = good + ?3",
        )?;
        for token in tokens {
            stmt.execute(params![token, junk, good])?;
        }
    } else {
        conn.execute(
            "UPDATE junk_totals SET junk = MAX(junk - ?1, 0), good = MAX(good - ?2, 0)
             WHERE id = 1",
            params![junk, good],
        )?;
        let mut less = conn.prepare_cached(
            "UPDATE junk_tokens SET junk = MAX(junk - ?2, 0), good = MAX(good - ?3, 0)
             WHERE token = ?1",
        )?;
        let mut gone = conn
            .prepare_cached("DELETE FROM junk_tokens WHERE token = ?1 AND junk = 0 AND good = 0")?;
        for token in tokens {
            less.execute(params![token, junk, good])?;
            gone.execute([token])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
