//! `poplar remote …`: the server's mailbox, seen and acted on without a full fetch. Each
//! command is one POP3 session; `list` stores nothing; nothing asks for confirmation,
//! and messages deleted on the server without a copy here are named on standard error.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Subcommand;

use super::read_password_line;
use crate::paths::Paths;
use crate::pop3::Uidl;
use crate::store::Store;
use crate::sync::FetchOptions;
use crate::sync::remote::{self, Action, Deletion};

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Every message on the server: number, UIDL, size, sender, subject, date, and
    /// whether it is stored here (whole, partial or no); downloads only the headers
    List {
        name: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Store these messages (by UIDL) as a fetch would; never twice
    Fetch {
        name: String,
        #[arg(required = true)]
        uidls: Vec<String>,
        #[arg(long)]
        password_stdin: bool,
        /// Then delete them on the server (each once it is stored)
        #[arg(long)]
        delete: bool,
    },
    /// Delete these messages (by UIDL) on the server without downloading them
    Delete {
        name: String,
        #[arg(required = true)]
        uidls: Vec<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn run(paths: &Paths, command: RemoteCommand) -> Result<()> {
    match command {
        RemoteCommand::List {
            name,
            json,
            password_stdin,
        } => list(paths, &name, json, password_stdin),
        RemoteCommand::Fetch {
            name,
            uidls,
            password_stdin,
            delete,
        } => {
            let action = if delete {
                Action::FetchThenDelete
            } else {
                Action::Fetch
            };
            apply(paths, &name, &uidls, action, password_stdin)
        }
        RemoteCommand::Delete {
            name,
            uidls,
            password_stdin,
        } => apply(paths, &name, &uidls, Action::Delete, password_stdin),
    }
}

fn list(paths: &Paths, name: &str, json: bool, password_stdin: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let account = store.account(name)?;
    let runtime = super::runtime()?;
    let password = secret(paths, &store, &account, &runtime, password_stdin)?;
    let options = FetchOptions::default();
    let rows = runtime.block_on(remote::list_remote(paths, &account, &password, &options))?;
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "number": r.number, "uidl": r.uidl.as_ref().map(Uidl::display), "size": r.size, "from": r.from,
                    "subject": r.subject, "date": r.date, "stored": r.stored,
                    "deletion": r.deletion,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    for r in &rows {
        let stored = match r.stored {
            remote::Stored::Whole => "stored",
            remote::Stored::Partial => "headers only",
            remote::Stored::No => "not here",
        };
        let deletion = match r.deletion {
            Deletion::Never => String::new(),
            Deletion::NextFetch => "\tdeleted at the next fetch".into(),
            Deletion::After(at) => format!("\tdeleted after {}", crate::mail::format_date(at)),
        };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{stored}{deletion}",
            r.number,
            r.uidl.as_ref().map_or("-".into(), Uidl::display),
            r.size.map_or("?".into(), |s| s.to_string()),
            r.from,
            r.subject
        )?;
    }
    Ok(())
}

fn apply(
    paths: &Paths,
    name: &str,
    uidls: &[String],
    action: Action,
    password_stdin: bool,
) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let account = store.account(name)?;
    let runtime = super::runtime()?;
    let password = secret(paths, &store, &account, &runtime, password_stdin)?;
    let uidls: Vec<Uidl> = uidls.iter().map(|u| Uidl::from(u.as_str())).collect();
    let options = FetchOptions::default();
    let applied = runtime.block_on(remote::apply_remote(
        paths,
        &account,
        &password,
        &options,
        &uidls,
        action,
        |_| {},
    ))?;
    for uidl in &applied.deleted_unstored {
        eprintln!("{name}: {uidl} was deleted on the server without a copy here");
    }
    for uidl in &applied.already_here {
        eprintln!("{name}: {uidl} is already stored here");
    }
    for uidl in &applied.not_on_server {
        eprintln!("{name}: {uidl} is not on the server");
    }
    println!(
        "{name}: {} stored, {} deleted on the server",
        applied.fetched, applied.deleted
    );
    if !applied.not_on_server.is_empty() {
        bail!("some messages were not on the server");
    }
    Ok(())
}

/// The password (or sign-in token) to log in with.
fn secret(
    paths: &Paths,
    store: &Store,
    account: &crate::accounts::Account,
    runtime: &tokio::runtime::Runtime,
    password_stdin: bool,
) -> Result<String> {
    if password_stdin {
        return read_password_line();
    }
    super::login_secret(paths, store, account, runtime)
}
