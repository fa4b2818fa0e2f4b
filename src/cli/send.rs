//! `poplar send` and `poplar outbox`: writing a message from a script, and the Outbox.
//!
//! Exit codes: 0 when everything went; 3 when something stays in the Outbox because the
//! server could not be reached (or said "try later"); 1 when the server refused a message
//! for good (it stays in the Outbox, marked, for the user to change and send again).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::read_password_line;
use crate::accounts::smtp::SmtpServer;
use crate::accounts::{Account, AccountId};
use crate::compose::{self, Attachment, Draft, Mailbox};
use crate::paths::Paths;
use crate::secrets::Keyring;
use crate::send::{self, Delivery};
use crate::store::Store;

/// Exit code: something stays queued, to go at the next try.
pub const QUEUED: i32 = 3;
/// Exit code: the server refused a message for good.
pub const REFUSED: i32 = 1;

/// What `poplar send` was asked to write.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The account to send from (its outgoing server and address)
    #[arg(long, value_name = "NAME")]
    pub account: String,
    /// A recipient: an address, or "Name <address>" (repeat for more)
    #[arg(long, value_name = "ADDR", required = true, num_args = 1..)]
    pub to: Vec<String>,
    #[arg(long, value_name = "ADDR", num_args = 1..)]
    pub cc: Vec<String>,
    /// Recipients no other recipient sees
    #[arg(long, value_name = "ADDR", num_args = 1..)]
    pub bcc: Vec<String>,
    #[arg(long, value_name = "TEXT")]
    pub subject: String,
    /// The text of the message, from a UTF-8 file
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "body",
        required_unless_present = "body"
    )]
    pub body_file: Option<PathBuf>,
    /// The text of the message
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,
    /// A file to attach (repeat for more)
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// The id of the stored message this one answers (sets In-Reply-To and References)
    #[arg(long, value_name = "ID")]
    pub reply_to: Option<i64>,
    /// Read the outgoing server's password from standard input, for this run only
    #[arg(long)]
    pub password_stdin: bool,
}

/// Addresses as typed, each argument one or more of them.
fn mailboxes(args: &[String]) -> Result<Vec<Mailbox>> {
    let mut all = Vec::new();
    for arg in args {
        match compose::typed::parse_list(arg) {
            Ok(list) => all.extend(list),
            Err(bad) => bail!("not an address Poplar can send to: {}", bad.join(", ")),
        }
    }
    Ok(all)
}

fn draft(store: &Store, account: &Account, args: &SendArgs) -> Result<Draft> {
    let body = match (&args.body, &args.body_file) {
        (Some(body), _) => body.clone(),
        (None, Some(file)) => {
            let bytes = std::fs::read(file)
                .with_context(|| format!("could not read {}", file.display()))?;
            String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", file.display()))?
        }
        (None, None) => String::new(),
    };
    let mut attachments = Vec::new();
    for path in &args.attach {
        let bytes =
            std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        attachments.push(Attachment {
            name,
            content_type: compose::content_type(path),
            bytes,
        });
    }
    let mut draft = Draft {
        from: Mailbox::new("", &account.settings.email),
        to: mailboxes(&args.to)?,
        cc: mailboxes(&args.cc)?,
        bcc: mailboxes(&args.bcc)?,
        subject: args.subject.clone(),
        body,
        attachments,
        ..Draft::default()
    };
    if let Some(parent) = args.reply_to {
        let facts = crate::mail::thread::facts(&store.raw_message(parent)?);
        draft.references = facts.references;
        if let Some(id) = facts.message_id {
            draft.references.push(id.clone());
            draft.in_reply_to = Some(id);
        }
    }
    Ok(draft)
}

/// The outgoing server's password: given on standard input, or from the keyring.
fn password(
    paths: &Paths,
    store: &Store,
    account: &Account,
    server: &SmtpServer,
    given: Option<&str>,
) -> Result<Option<String>> {
    if !server.login.needs_password() {
        return Ok(None);
    }
    if let Some(given) = given {
        return Ok(Some(given.to_string()));
    }
    if server.login == crate::accounts::smtp::SmtpLogin::OAuth2 {
        // The account's sign-in token (renewed first when about to expire).
        let runtime = super::runtime()?;
        return Ok(Some(super::login_secret(paths, store, account, &runtime)?));
    }
    let keyring = Keyring::open(store)?;
    if server.uses_own_password() {
        let name = &account.settings.name;
        let found = keyring.get_outgoing(account).with_context(|| {
            format!(
                "the outgoing server's own password: store it with `poplar account password {name} --outgoing`, or use --password-stdin"
            )
        })?;
        return Ok(Some(found));
    }
    Ok(Some(keyring.get(account).context("use --password-stdin")?))
}

fn account_with_server(store: &Store, name: &str) -> Result<(Account, SmtpServer)> {
    let account = store.account(name)?;
    let server = store.smtp_server(account.id)?.with_context(|| {
        format!(
            "the account \"{name}\" has no outgoing server; add one in its settings (or poplar account add with --smtp-host)"
        )
    })?;
    Ok((account, server))
}

/// `poplar send`: the message goes into the Outbox (on disk) first, then out.
pub fn send(paths: &Paths, args: &SendArgs) -> Result<i32> {
    let mut store = Store::open(&paths.database())?;
    let (account, server) = account_with_server(&store, &args.account)?;
    if account.settings.email.is_empty() {
        bail!(
            "the account \"{}\" has no email address to send from; set one in its settings",
            args.account
        );
    }
    let given = match args.password_stdin {
        true => Some(read_password_line()?),
        false => None,
    };
    let draft = draft(&store, &account, args)?;
    let id = send::queue(&mut store, &account, &server, &draft)?;
    println!("Message {id} is in the Outbox.");
    let password = match password(paths, &store, &account, &server, given.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("poplar: {e:#}; message {id} stays in the Outbox");
            return Ok(QUEUED);
        }
    };
    drop(store);
    match deliver(paths, &account, password.as_deref(), &[])? {
        Ok(delivery) => Ok(report(&delivery)),
        Err(e) => {
            eprintln!("poplar: {e}; message {id} stays in the Outbox");
            Ok(failure_code(&e))
        }
    }
}

fn failure_code(e: &send::Error) -> i32 {
    match e.is_temporary() {
        true => QUEUED,
        false => REFUSED,
    }
}

/// `poplar outbox`: what waits to be sent, one line each or (`json`) an array.
pub fn list(paths: &Paths, json: bool) -> Result<i32> {
    let store = Store::open(&paths.database())?;
    let queued = store.queued(None)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &queued)?;
        writeln!(out)?;
        return Ok(0);
    }
    for q in &queued {
        let state = match (&q.last_error, q.refused) {
            (Some(e), true) => format!("refused: {e}"),
            (Some(e), false) => format!("waiting: {e}"),
            (None, _) => "waiting".to_string(),
        };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{state}",
            q.id, q.account, q.to, q.subject, q.attempts
        )?;
    }
    Ok(0)
}

/// `poplar outbox send`: every account's due messages (refused ones too: asking again
/// is the user's way to say "try it now").
pub fn send_queued(paths: &Paths, password_stdin: bool) -> Result<i32> {
    let store = Store::open(&paths.database())?;
    let queued = store.queued(None)?;
    let mut accounts: Vec<Option<AccountId>> = queued.iter().map(|q| q.account_id).collect();
    accounts.sort_unstable();
    accounts.dedup();
    if accounts.is_empty() {
        println!("The Outbox is empty.");
        return Ok(0);
    }
    let given = match password_stdin {
        true if accounts.len() > 1 => {
            bail!("--password-stdin works when the Outbox holds one account's mail only")
        }
        true => Some(read_password_line()?),
        false => None,
    };
    let all = store.accounts()?;
    let mut code = 0;
    for id in accounts {
        let Some(account) = all.iter().find(|a| Some(a.id) == id) else {
            eprintln!("poplar: messages of a removed account stay in the Outbox");
            code = code.max(QUEUED);
            continue;
        };
        let retry: Vec<i64> = queued
            .iter()
            .filter(|q| q.account_id == id && q.refused)
            .map(|q| q.id)
            .collect();
        let server = store.smtp_server(account.id)?;
        let password = match server
            .map(|server| password(paths, &store, account, &server, given.as_deref()))
        {
            Some(Ok(password)) => password,
            Some(Err(e)) => {
                eprintln!("poplar: {}: {e:#}", account.settings.name);
                code = code.max(QUEUED);
                continue;
            }
            None => None,
        };
        let this = match deliver(paths, account, password.as_deref(), &retry)? {
            Ok(delivery) => report(&delivery),
            Err(e) => {
                eprintln!("poplar: {}: {e}", account.settings.name);
                failure_code(&e)
            }
        };
        // A refusal (1) is the more urgent news, over "still waiting" (3).
        code = match (code, this) {
            (REFUSED, _) | (_, REFUSED) => REFUSED,
            (a, b) => a.max(b),
        };
    }
    Ok(code)
}

/// One account's delivery: the outer error is this program's (no runtime), the inner
/// one the delivery's.
fn deliver(
    paths: &Paths,
    account: &Account,
    password: Option<&str>,
    retry: &[i64],
) -> Result<Result<Delivery, send::Error>> {
    let runtime = super::runtime()?;
    Ok(runtime.block_on(send::deliver(
        paths,
        account,
        password,
        retry,
        send::Options::default(),
    )))
}

/// Says what happened to each message; the exit code for it.
fn report(delivery: &Delivery) -> i32 {
    for id in &delivery.sent {
        println!("Message {id} was sent.");
    }
    for (id, why) in &delivery.queued {
        eprintln!("poplar: message {id} stays in the Outbox: {why}");
    }
    for (id, why) in &delivery.refused {
        eprintln!("poplar: the server refused message {id} (it stays in the Outbox): {why}");
    }
    if !delivery.refused.is_empty() {
        REFUSED
    } else if !delivery.queued.is_empty() {
        QUEUED
    } else {
        0
    }
}
