//! Full-text search with SQLite FTS5. Japanese has no spaces between words, and FTS5's
//! tokenizers either see a whole run of kana and kanji as one word (unicode61) or need
//! three characters (trigram), so two-character words such as 会議 would never be found.
//! Text is therefore prepared before it is indexed: every run of CJK characters becomes
//! its overlapping bigrams (会議の件 → 会議 議の の件), plus the run's last character
//! alone, so that a one-character query can match as a prefix. Queries are prepared the
//! same way and matched as phrases, so 明日の会議 finds exactly that sequence.

use rusqlite::{Connection, params};

use crate::mail;

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F // Halfwidth Katakana
        | 0x31F0..=0x31FF // Katakana Phonetic Extensions
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0x20000..=0x2FFFF)
}

/// Text as it goes into the index.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        let Some(&last) = run.last() else {
            return;
        };
        out.push(' ');
        for pair in run.windows(2) {
            out.push(pair[0]);
            out.push(pair[1]);
            out.push(' ');
        }
        out.push(last);
        out.push(' ');
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// An FTS5 query for what the user typed: every term must match; the last one may be
/// unfinished (a prefix), since results follow typing.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<&str> = input.split_whitespace().collect();
    let mut parts = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let last = i + 1 == terms.len();
        let mut pieces = Vec::new();
        let mut run: Vec<char> = Vec::new();
        let mut word = String::new();
        let flush_word = |word: &mut String, pieces: &mut Vec<String>, prefix: bool| {
            let cleaned: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
            if !cleaned.is_empty() {
                pieces.push(format!("\"{cleaned}\"{}", if prefix { "*" } else { "" }));
            }
            word.clear();
        };
        let flush_run = |run: &mut Vec<char>, pieces: &mut Vec<String>| {
            match run.len() {
                0 => {}
                1 => pieces.push(format!("\"{}\"*", run[0])),
                _ => {
                    let bigrams: Vec<String> = run.windows(2).map(|p| p.iter().collect()).collect();
                    pieces.push(format!("\"{}\"", bigrams.join(" ")));
                }
            }
            run.clear();
        };
        for c in term.chars() {
            if is_cjk(c) {
                flush_word(&mut word, &mut pieces, false);
                run.push(c);
            } else if c.is_alphanumeric() {
                flush_run(&mut run, &mut pieces);
                word.push(c);
            } else {
                flush_run(&mut run, &mut pieces);
                flush_word(&mut word, &mut pieces, false);
            }
        }
        flush_run(&mut run, &mut pieces);
        flush_word(&mut word, &mut pieces, last);
        parts.extend(pieces);
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Indexes up to `limit` messages that are not indexed yet; returns how many it looked at.
/// Runs in the background after fetches and imports, never in the way of either: messages
/// are read and rendered with no transaction open, and only the finished index text is
/// written, in a short write transaction.
pub fn index_pending(conn: &mut Connection, limit: usize) -> rusqlite::Result<usize> {
    index_pending_with(conn, limit, &mut |raw| mail::render(raw))
}

/// Index text prepared for one message, and what it was prepared from.
struct Entry {
    id: i64,
    /// The message's size and digest when it was read: a message completed ("download the
    /// rest") since then has other bytes, and is left for the next round.
    size: i64,
    digest: Option<Vec<u8>>,
    subject: String,
    sender: String,
    recipients: String,
    body: String,
    attachments: i64,
    /// The list's columns as this decoding reads them, when an older one stored them
    /// differently.
    relabel: Option<mail::Summary>,
}

/// Rendered text one round holds in memory before it writes (a round always takes at
/// least one message, however large).
const ROUND_BYTES: usize = 32 << 20;

/// [`index_pending`] with the renderer as a parameter, so that tests can watch what is
/// locked while a message is rendered.
fn index_pending_with(
    conn: &mut Connection,
    limit: usize,
    render: &mut dyn FnMut(&[u8]) -> mail::Rendered,
) -> rusqlite::Result<usize> {
    type Pending = (i64, i64, Option<Vec<u8>>, [String; 3]);
    let pending: Vec<Pending> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id, size, digest, from_addr, to_addr, subject FROM messages
             WHERE indexed = 0 ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                [r.get(3)?, r.get(4)?, r.get(5)?],
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut entries = Vec::new();
    let mut held = 0;
    for (id, size, digest, stored) in pending {
        if held >= ROUND_BYTES {
            break;
        }
        let bytes: Vec<u8> = conn
            .prepare_cached("SELECT raw FROM message_bodies WHERE message_id = ?1")?
            .query_row([id], |r| r.get(0))
            .unwrap_or_default();
        let m = render(&bytes);
        let entry = Entry {
            id,
            size,
            digest,
            subject: index_text(&m.subject),
            sender: index_text(&m.from),
            recipients: index_text(&format!("{} {}", m.to, m.cc)),
            body: index_text(&m.body),
            attachments: m.attachments.len() as i64,
            // Rewriting the list's columns touches their sorting indexes: only when an
            // older decoding stored something else.
            relabel: (stored != [m.from.as_str(), m.to.as_str(), m.subject.as_str()]).then_some(
                mail::Summary {
                    from: m.from,
                    to: m.to,
                    subject: m.subject,
                    date: None,
                },
            ),
        };
        held += entry.subject.len() + entry.sender.len() + entry.recipients.len();
        held += entry.body.len();
        entries.push(entry);
    }
    if entries.is_empty() {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    {
        // Only a message that is still there, still unindexed and still the same bytes.
        let mut done = tx.prepare_cached(
            "UPDATE messages SET indexed = 1, attachments = ?2
             WHERE id = ?1 AND indexed = 0 AND size = ?3 AND digest IS ?4",
        )?;
        let mut relabel = tx.prepare_cached(
            "UPDATE messages SET from_addr = ?2, to_addr = ?3, subject = ?4 WHERE id = ?1",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO message_search (rowid, subject, sender, recipients, body)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for e in &entries {
            if done.execute(params![e.id, e.attachments, e.size, e.digest])? == 1 {
                insert.execute(params![e.id, e.subject, e.sender, e.recipients, e.body])?;
                if let Some(shown) = &e.relabel {
                    relabel.execute(params![e.id, shown.from, shown.to, shown.subject])?;
                }
            }
        }
    }
    tx.commit()?;
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with these messages in a local folder, and the path of its database.
    fn store_with(messages: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("poplar.db");
        let mut store = crate::store::Store::open(&path).unwrap();
        let folder = store.ensure_folder("Imported").unwrap();
        let mut batch: Vec<_> = messages
            .iter()
            .map(|m| crate::store::NewMessage::from_bytes(None, m.as_bytes().to_vec()))
            .collect();
        store.insert_into_folder(folder, &mut batch).unwrap();
        (dir, path)
    }

    /// While the indexer renders a message, another connection (a fetch storing mail, the
    /// window marking it read) takes the write lock and commits, without waiting: there
    /// is no busy timeout on it, so a lock held by the indexer would fail it at once.
    #[test]
    fn rendering_holds_no_write_lock() {
        let (_dir, path) = store_with(&[
            "Subject: one\r\n\r\nfirst body\r\n",
            "Subject: two\r\n\r\nsecond body\r\n",
        ]);
        let mut indexer = Connection::open(&path).unwrap();
        let mut other = Connection::open(&path).unwrap();
        other.busy_timeout(std::time::Duration::ZERO).unwrap();
        let mut rendered = 0;
        let mut render = |raw: &[u8]| {
            rendered += 1;
            let tx = other
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .expect("the write lock is free while a message is rendered");
            tx.execute("UPDATE messages SET read = 1", []).unwrap();
            tx.commit().expect("a commit while a message is rendered");
            mail::render(raw)
        };
        assert_eq!(
            index_pending_with(&mut indexer, 10, &mut render).unwrap(),
            2
        );
        assert_eq!(rendered, 2);
        let unindexed: i64 = indexer
            .query_row("SELECT count(*) FROM messages WHERE indexed = 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(unindexed, 0);
        let found: i64 = indexer
            .query_row(
                "SELECT rowid FROM message_search WHERE message_search MATCH ?1",
                [fts_query("second").unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 2);
    }

    /// A message summarized by an older decoder (migration 0013 marks every message for
    /// indexing again) gets its list columns from today's decoding when it is indexed,
    /// and is found by its real words.
    #[test]
    fn indexing_again_rewrites_what_an_older_decoder_stored() {
        // The subject's escape sequence in one encoded word, its text in the next.
        let (_dir, path) = store_with(&[
            "From: =?UTF-8?B?5bGx?= =?UTF-8?B?55Sw?= <t@example.jp>\r\n\
             Subject: =?ISO-2022-JP?B?GyRC?= =?ISO-2022-JP?B?RDk0fDVZMktDZiROPCtGMDF+RXobKEI=?=\r\n\r\nx\r\n",
        ]);
        let mut conn = Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE messages SET subject = 'mojibake', from_addr = '?', indexed = 0",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO message_search (message_search) VALUES ('delete-all')",
            [],
        )
        .unwrap();
        assert_eq!(index_pending(&mut conn, 10).unwrap(), 1);
        let (subject, from): (String, String) = conn
            .query_row("SELECT subject, from_addr FROM messages", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(subject, "長期休暇中の自動応答");
        assert_eq!(from, "山田 <t@example.jp>");
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM message_search WHERE message_search MATCH ?1",
                [fts_query("自動応答").unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1);
    }

    /// A message deleted, or completed with other bytes, while it was being rendered is
    /// not indexed from what was read before.
    #[test]
    fn a_message_changed_while_rendering_is_left_for_later() {
        let (_dir, path) = store_with(&[
            "Subject: gone\r\n\r\nwill be deleted\r\n",
            "Subject: partial\r\n\r\nold bytes\r\n",
        ]);
        let mut indexer = Connection::open(&path).unwrap();
        let other = Connection::open(&path).unwrap();
        other.busy_timeout(std::time::Duration::ZERO).unwrap();
        let mut render = |raw: &[u8]| {
            let m = mail::render(raw);
            if m.subject == "gone" {
                other
                    .execute("DELETE FROM messages WHERE id = 1", [])
                    .unwrap();
            } else {
                other
                    .execute("UPDATE messages SET size = size + 1 WHERE id = 2", [])
                    .unwrap();
            }
            m
        };
        assert_eq!(
            index_pending_with(&mut indexer, 10, &mut render).unwrap(),
            2
        );
        let count = |sql: &str| -> i64 { other.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM messages"), 1);
        assert_eq!(count("SELECT count(*) FROM messages WHERE indexed = 0"), 1);
        assert_eq!(count("SELECT count(*) FROM message_search"), 0);
        // The next round indexes the message as it is now.
        assert_eq!(index_pending(&mut indexer, 10).unwrap(), 1);
        assert_eq!(count("SELECT count(*) FROM messages WHERE indexed = 0"), 0);
    }

    #[test]
    fn japanese_runs_become_bigrams() {
        assert_eq!(index_text("会議の件").trim(), "会議 議の の件 件");
        assert_eq!(
            index_text("Re: 明日の会議 (meeting)"),
            "Re:  明日 日の の会 会議 議  (meeting)"
        );
        assert_eq!(index_text("plain text"), "plain text");
    }

    #[test]
    fn queries_are_phrases_and_prefixes() {
        assert_eq!(fts_query("会議").as_deref(), Some("\"会議\""));
        assert_eq!(
            fts_query("明日の会議").as_deref(),
            Some("\"明日 日の の会 会議\"")
        );
        assert_eq!(fts_query("会").as_deref(), Some("\"会\"*"));
        assert_eq!(
            fts_query("quarterly rep").as_deref(),
            Some("\"quarterly\" AND \"rep\"*")
        );
        assert_eq!(
            fts_query("AT&T \"x").as_deref(),
            Some("\"AT\" AND \"T\" AND \"x\"*")
        );
        assert_eq!(fts_query("   ").as_deref(), None);
        assert_eq!(fts_query("\"*()").as_deref(), None);
    }

    #[test]
    fn fts_finds_two_character_words_inside_sentences() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');",
        )
        .unwrap();
        let docs = [
            "お疲れ様です。明日の会議は十時からです。",
            "会社の忘年会について",
            "Quarterly report attached",
        ];
        for (i, d) in docs.iter().enumerate() {
            conn.execute(
                "INSERT INTO t (rowid, body) VALUES (?1, ?2)",
                params![i as i64, index_text(d)],
            )
            .unwrap();
        }
        let find = |q: &str| -> Vec<i64> {
            let query = fts_query(q).unwrap();
            let mut stmt = conn
                .prepare("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid")
                .unwrap();
            stmt.query_map([query], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(find("会議"), [0]);
        assert_eq!(find("明日の会議"), [0]);
        assert_eq!(find("会"), [0, 1], "one character matches anywhere");
        assert_eq!(find("会社"), [1]);
        assert_eq!(find("議会"), Vec::<i64>::new(), "order matters");
        assert_eq!(find("report"), [2]);
        assert_eq!(find("quart"), [2], "the last term is a prefix");
        let _ = &mut conn;
    }
}
