//! The Outbox and Sent: messages written here, their envelopes and their delivery; and
//! each account's outgoing server.
//!
//! A message is queued (its exact bytes and its envelope committed and synced) before any
//! network step; each attempt is recorded before it starts; delivery moves the same row,
//! bytes untouched, to Sent. So a crash at any moment leaves the message either in the
//! Outbox, to be tried again, or in Sent.

use rusqlite::{OptionalExtension, params};

use super::*;
use crate::accounts::AccountId;
use crate::accounts::smtp::{SmtpServer, charset_str, parse_charset};
use crate::compose::Built;
use crate::send::Why;

/// A built-in folder: a row of `folders` with a role, named by the catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Outbox,
    Sent,
    Drafts,
    Junk,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Outbox, Role::Sent, Role::Drafts, Role::Junk];

    fn as_str(self) -> &'static str {
        match self {
            Role::Outbox => "outbox",
            Role::Sent => "sent",
            Role::Drafts => "drafts",
            Role::Junk => "junk",
        }
    }

    /// The name the command line uses, whatever language the window speaks.
    pub fn english(self) -> &'static str {
        match self {
            Role::Outbox => "Outbox",
            Role::Sent => "Sent",
            Role::Drafts => "Drafts",
            Role::Junk => "Junk",
        }
    }
}

/// A message in the Outbox, as `poplar outbox` and the window list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Queued {
    pub id: i64,
    pub account: String,
    /// None for mail of an account removed since.
    #[serde(skip)]
    pub account_id: Option<AccountId>,
    pub to: String,
    pub subject: String,
    pub attempts: u32,
    /// Why the last attempt failed (in JSON, the sentence in English).
    #[serde(serialize_with = "said_in_english")]
    pub last_error: Option<Why>,
    /// The server refused it for good: it is not tried again until the user asks.
    pub refused: bool,
}

fn said_in_english<S: serde::Serializer>(
    why: &Option<Why>,
    to: S,
) -> std::result::Result<S::Ok, S::Error> {
    match why {
        Some(why) => to.serialize_some(&why.to_string()),
        None => to.serialize_none(),
    }
}

/// A message on its way out: its bytes and its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub account_id: Option<AccountId>,
    pub built: Built,
    pub refused: bool,
    pub sent: bool,
}

fn lines(addresses: &[String]) -> String {
    addresses.join("\n")
}

fn unlines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl Store {
    /// The id of a built-in folder, made the first time it is asked for.
    pub fn role_folder(&self, role: Role) -> Result<i64> {
        self.conn.execute(
            "INSERT OR IGNORE INTO folders (name, created_at, role) VALUES (?1, ?2, ?3)",
            params![role.english(), now(), role.as_str()],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM folders WHERE role = ?1",
            [role.as_str()],
            |r| r.get(0),
        )?)
    }

    /// The id of a built-in folder, if it has been made (reading only: no write lock).
    pub fn find_role_folder(&self, role: Role) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM folders WHERE role = ?1",
                [role.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The role of a folder, if it is a built-in one.
    pub fn folder_role(&self, folder: i64) -> Result<Option<Role>> {
        let role: Option<Option<String>> = self
            .conn
            .query_row("SELECT role FROM folders WHERE id = ?1", [folder], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(role
            .flatten()
            .and_then(|r| Role::ALL.into_iter().find(|role| role.as_str() == r)))
    }

    /// Puts a message in the Outbox of `account`: its bytes and its envelope, in one
    /// transaction. When this returns, both are on disk. `bcc`: the recipients that are
    /// in the envelope only, kept to be shown with the Sent copy.
    pub fn queue(&mut self, account: AccountId, built: &Built, bcc: &[String]) -> Result<i64> {
        let outbox = self.role_folder(Role::Outbox)?;
        let summary = crate::mail::summarize(&built.bytes);
        let message_id = crate::mail::thread::facts(&built.bytes)
            .message_id
            .unwrap_or_default();
        let mut body = Body::Memory(built.bytes.clone());
        let now = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO messages (account_id, folder_id, size, from_addr, to_addr, subject,
                                   date, received_at, read, digest)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9)",
            params![
                account,
                outbox,
                i64::try_from(built.bytes.len()).unwrap_or(i64::MAX),
                summary.from,
                summary.to,
                summary.subject,
                summary.date.unwrap_or(now),
                now,
                &body_digest(&built.bytes)[..],
            ],
        )?;
        let id = tx.last_insert_rowid();
        super::bodies::write_body(&tx, id, &mut body)?;
        tx.execute(
            "INSERT INTO outgoing (message_id, sender, recipients, bcc, message_id_header,
                                   queued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                built.sender,
                lines(&built.recipients),
                lines(bcc),
                message_id,
                now
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The messages in the Outbox (not in the Trash), oldest first; of one account, or of
    /// all.
    pub fn queued(&self, account: Option<AccountId>) -> Result<Vec<Queued>> {
        let Some(outbox) = self.find_role_folder(Role::Outbox)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, COALESCE(a.name, ''), m.account_id, m.to_addr, m.subject,
                    o.attempts, o.last_error, o.refused
             FROM outgoing o JOIN messages m ON m.id = o.message_id
             LEFT JOIN accounts a ON a.id = m.account_id
             WHERE o.sent_at IS NULL AND m.folder_id = ?1 AND m.trashed_at IS NULL
               AND (?2 IS NULL OR m.account_id = ?2)
             ORDER BY o.queued_at, m.id",
        )?;
        let rows = stmt.query_map(params![outbox, account], |r| {
            Ok(Queued {
                id: r.get(0)?,
                account: r.get(1)?,
                account_id: r.get(2)?,
                to: r.get(3)?,
                subject: r.get(4)?,
                attempts: r.get::<_, i64>(5)?.clamp(0, i64::from(u32::MAX)) as u32,
                last_error: r
                    .get::<_, Option<String>>(6)?
                    .as_deref()
                    .map(Why::from_stored),
                refused: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A message written here, with its envelope; None for any other message.
    pub fn outgoing(&self, id: i64) -> Result<Option<Outgoing>> {
        let row = self
            .conn
            .query_row(
                "SELECT m.account_id, o.sender, o.recipients, o.refused, o.sent_at IS NOT NULL
                 FROM outgoing o JOIN messages m ON m.id = o.message_id
                 WHERE o.message_id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, Option<AccountId>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((account_id, sender, recipients, refused, sent)) = row else {
            return Ok(None);
        };
        Ok(Some(Outgoing {
            id,
            account_id,
            built: Built {
                bytes: self.raw_message(id)?,
                sender,
                recipients: unlines(&recipients),
            },
            refused,
            sent,
        }))
    }

    /// The Bcc recipients of a message written here (empty for any other).
    pub fn bcc(&self, id: i64) -> Result<Vec<String>> {
        let bcc: Option<String> = self
            .conn
            .query_row(
                "SELECT bcc FROM outgoing WHERE message_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(bcc.as_deref().map(unlines).unwrap_or_default())
    }

    /// Records that an attempt to send a message starts, before any byte of it goes out.
    pub fn begin_attempt(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE outgoing SET attempts = attempts + 1, last_attempt_at = ?2
             WHERE message_id = ?1",
            params![id, now()],
        )?;
        Ok(())
    }

    /// Records why an attempt failed. `refused`: for good (the server said 5xx); the
    /// message then waits for the user.
    pub fn record_failure(&mut self, id: i64, why: &Why, refused: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE outgoing SET last_error = ?2, refused = ?3 WHERE message_id = ?1",
            params![id, why.stored(), refused],
        )?;
        Ok(())
    }

    /// Makes a refused message due again (the user pressed Send after changing something).
    pub fn retry(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE outgoing SET refused = 0 WHERE message_id = ?1 AND sent_at IS NULL",
            [id],
        )?;
        Ok(())
    }

    /// The server took the message: it moves, bytes untouched, to Sent.
    pub fn mark_sent(&mut self, id: i64) -> Result<()> {
        let sent = self.role_folder(Role::Sent)?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE outgoing SET sent_at = ?2, last_error = NULL, refused = 0
             WHERE message_id = ?1",
            params![id, now()],
        )?;
        tx.execute(
            "UPDATE messages SET folder_id = ?2 WHERE id = ?1",
            params![id, sent],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// An account's outgoing server, if it has one.
    pub fn smtp_server(&self, account: AccountId) -> Result<Option<SmtpServer>> {
        let found = self
            .conn
            .query_row(
                "SELECT host, port, security, username, login, ca_file, own_password, charset,
                        signature
                 FROM smtp_servers WHERE account_id = ?1",
                [account],
                |r| Ok(smtp_from_row(r, 0)),
            )
            .optional()?;
        Ok(found.transpose()?.flatten())
    }

    /// Sets (or, with None, removes) an account's outgoing server.
    pub fn set_smtp_server(&self, account: AccountId, server: Option<&SmtpServer>) -> Result<()> {
        write_smtp_server(&self.conn, account, server)
    }
}

/// The outgoing server in the columns `host, port, security, username, login, ca_file,
/// own_password, charset, signature` of `smtp_servers` from `first` on; None when they
/// are NULL (an account without one, through a LEFT JOIN).
pub(super) fn smtp_from_row(r: &rusqlite::Row<'_>, first: usize) -> Result<Option<SmtpServer>> {
    let Some(host) = r.get::<_, Option<String>>(first)? else {
        return Ok(None);
    };
    let port: i64 = r.get(first + 1)?;
    let security: String = r.get(first + 2)?;
    let login: String = r.get(first + 4)?;
    let charset: String = r.get(first + 7)?;
    let bad = |column: &'static str, value: String| Error::BadValue { column, value };
    Ok(Some(SmtpServer {
        host,
        port: u16::try_from(port).map_err(|_| bad("smtp port", port.to_string()))?,
        security: security
            .parse()
            .map_err(|_| bad("smtp security", security.clone()))?,
        user: r.get(first + 3)?,
        login: login
            .parse()
            .map_err(|_| bad("smtp login", login.clone()))?,
        ca_file: r.get::<_, Option<String>>(first + 5)?.map(Into::into),
        own_password: r.get(first + 6)?,
        charset: parse_charset(&charset).ok_or_else(|| bad("smtp charset", charset.clone()))?,
        signature: r.get(first + 8)?,
    }))
}

/// Writes (or, with None, removes) an account's outgoing server, on a connection or in
/// the caller's transaction.
pub(super) fn write_smtp_server(
    conn: &Connection,
    account: AccountId,
    server: Option<&SmtpServer>,
) -> Result<()> {
    let Some(s) = server else {
        conn.execute("DELETE FROM smtp_servers WHERE account_id = ?1", [account])?;
        return Ok(());
    };
    conn.execute(
        "INSERT OR REPLACE INTO smtp_servers (account_id, host, port, security, username,
             login, ca_file, own_password, charset, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            account,
            s.host,
            s.port,
            s.security.as_str(),
            s.user,
            s.login.as_str(),
            s.ca_file.as_ref().map(|p| p.to_string_lossy().into_owned()),
            s.own_password,
            charset_str(s.charset),
            s.signature,
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{Security, Settings};
    use crate::compose::Charset;

    use crate::store::test_store as store;

    fn built(subject: &str) -> Built {
        let bytes = format!(
            "From: a@example.jp\r\nTo: b@example.jp\r\nSubject: {subject}\r\nMessage-ID: <{subject}@example.jp>\r\n\r\nHello\r\n"
        );
        Built {
            bytes: bytes.into_bytes(),
            sender: "a@example.jp".into(),
            recipients: vec!["b@example.jp".into(), "hidden@example.jp".into()],
        }
    }

    #[test]
    fn a_queued_message_keeps_its_bytes_and_envelope_into_sent() {
        let (_dir, mut store, account) = store();
        let message = built("first");
        let id = store
            .queue(account, &message, &["hidden@example.jp".into()])
            .unwrap();
        let queued = store.queued(None).unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(
            (queued[0].id, &*queued[0].subject, queued[0].attempts),
            (id, "first", 0)
        );
        assert_eq!(queued[0].account, "home");
        let outgoing = store.outgoing(id).unwrap().unwrap();
        assert_eq!(outgoing.built, message);
        assert!(!outgoing.sent);

        store.begin_attempt(id).unwrap();
        let why = Why::Smtp(crate::smtp::Error::Closed(crate::smtp::Step::Data));
        store.record_failure(id, &why, false).unwrap();
        let queued = store.queued(Some(account)).unwrap();
        assert_eq!(queued[0].attempts, 1);
        assert_eq!(queued[0].last_error.as_ref(), Some(&why));
        let json = serde_json::to_value(&queued).unwrap();
        assert_eq!(json[0]["last_error"], why.to_string());

        store.mark_sent(id).unwrap();
        assert!(store.queued(None).unwrap().is_empty());
        let sent = store.role_folder(Role::Sent).unwrap();
        let listed = store.list(View::Folder(sent), 10, 0).unwrap();
        assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
        assert_eq!(store.raw_message(id).unwrap(), message.bytes);
        assert_eq!(store.bcc(id).unwrap(), ["hidden@example.jp"]);
        assert!(store.outgoing(id).unwrap().unwrap().sent);
        // Written mail is not in anybody's inbox.
        assert!(store.list(View::Inbox(None), 10, 0).unwrap().is_empty());
    }

    #[test]
    fn trashed_outbox_mail_is_not_queued() {
        let (_dir, mut store, account) = store();
        let id = store.queue(account, &built("gone"), &[]).unwrap();
        store.trash(&[id]).unwrap();
        assert!(store.queued(None).unwrap().is_empty());
        store.restore(&[id]).unwrap();
        assert_eq!(store.queued(None).unwrap().len(), 1);
    }

    #[test]
    fn built_in_folders_are_not_local_folders_and_cannot_be_renamed_or_deleted() {
        let (_dir, mut store, account) = store();
        // A local folder the user called "Sent" before Poplar had one stays theirs.
        let mine = store.ensure_folder("Sent").unwrap();
        let sent = store.role_folder(Role::Sent).unwrap();
        assert_ne!(mine, sent);
        assert_eq!(store.ensure_folder("Sent").unwrap(), mine);
        assert_eq!(store.folders().unwrap(), [(mine, "Sent".to_string())]);
        assert_eq!(store.folder_role(sent).unwrap(), Some(Role::Sent));
        assert_eq!(store.folder_role(mine).unwrap(), None);

        let id = store.queue(account, &built("kept"), &[]).unwrap();
        store.mark_sent(id).unwrap();
        store.rename_folder(sent, "Other").unwrap();
        store.delete_folder(sent).unwrap();
        assert_eq!(store.role_folder(Role::Sent).unwrap(), sent);
        let listed = store.list(View::Folder(sent), 10, 0).unwrap();
        assert_eq!(listed.len(), 1, "the Sent mail stays, not trashed");
    }

    #[test]
    fn outgoing_servers_round_trip_and_go_with_their_account() {
        let (_dir, store, account) = store();
        assert_eq!(store.smtp_server(account).unwrap(), None);
        let mut server = SmtpServer::new("smtp.example.jp");
        server.security = Security::Tls;
        server.port = 465;
        server.login = crate::accounts::smtp::SmtpLogin::PopBeforeSmtp;
        server.ca_file = Some("ca.pem".into());
        server.charset = Charset::Iso2022Jp;
        server.signature = "山田\n".into();
        server.own_password = true;
        store.set_smtp_server(account, Some(&server)).unwrap();
        assert_eq!(store.smtp_server(account).unwrap(), Some(server.clone()));
        // The account reads with it, and saves with it.
        let mut read = store.account("home").unwrap();
        assert_eq!(read.settings.smtp.as_ref(), Some(&server));
        assert_eq!(store.accounts().unwrap()[0], read);
        read.settings.smtp = None;
        store.update_account(read.id, &read.settings).unwrap();
        assert_eq!(store.smtp_server(account).unwrap(), None);
        read.settings.smtp = Some(server.clone());
        store.update_account(read.id, &read.settings).unwrap();
        assert_eq!(store.smtp_server(account).unwrap(), Some(server.clone()));
        let other = store
            .add_account(&Settings {
                name: "other".into(),
                host: "pop.example.jp".into(),
                user: "bob".into(),
                smtp: Some(server.clone()),
                ..Settings::default()
            })
            .unwrap();
        assert_eq!(store.smtp_server(other.id).unwrap(), Some(server));
        store.set_smtp_server(account, None).unwrap();
        assert_eq!(store.smtp_server(account).unwrap(), None);
    }
}
