//! The command line: everything the window does, scriptable without a display.
//!
//! This file holds the arguments and sends each command to its module: `account` (the
//! account commands), `fetch`, `messages` (delete, show, export, import…), `backup`, `list`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::accounts::smtp::SmtpLogin;
use crate::accounts::{AuthMethod, Keep, Security};
use crate::paths::Paths;

mod account;
mod backup;
pub mod early;
mod fetch;
mod list;
mod login;
mod messages;
mod remote;
mod rule;
mod send;

#[derive(Debug, Parser)]
#[command(name = "poplar", version, about = "A desktop mail reader for POP3")]
pub struct Cli {
    /// Keep all data and settings in DIR (also: environment variable POPLAR_DATA_DIR)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list or remove accounts
    #[command(subcommand)]
    Account(AccountCommand),
    /// Download new mail for the named accounts (all accounts if none are named)
    Fetch {
        names: Vec<String>,
        /// Read the password from standard input, for this run only (one account)
        #[arg(long)]
        password_stdin: bool,
        /// Send one command at a time even when the server offers PIPELINING
        #[arg(long, hide = true)]
        no_pipelining: bool,
        /// Download the rest of a message stored as headers only
        #[arg(long, value_name = "ID", conflicts_with = "names")]
        full: Option<i64>,
    },
    /// Move messages to the Trash (or, with --for-good, delete them)
    Delete {
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Delete for good; with a keep mode this also deletes the server's copy at the
        /// next fetch, unless the account says otherwise
        #[arg(long)]
        for_good: bool,
    },
    /// Move messages out of the Trash
    Undelete {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Delete everything in the Trash for good
    EmptyTrash,
    /// Train the junk filter: these messages are junk (moved to Junk), or with --not,
    /// they are not (moved back to their inbox)
    Junk {
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Not junk
        #[arg(long)]
        not: bool,
    },
    /// Make a snapshot of the mail database in the backup folder (or DIR)
    Backup {
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// Remember DIR as the folder for automatic daily backups
        #[arg(long, value_name = "DIR", conflicts_with = "to")]
        set_folder: Option<PathBuf>,
        /// How many snapshots to keep (with --set-folder)
        #[arg(long, value_name = "N", requires = "set_folder")]
        keep: Option<usize>,
        /// Show the backup folder, the last success and the snapshots
        #[arg(long, conflicts_with_all = ["to", "set_folder"])]
        status: bool,
    },
    /// Replace the mail database with a backup snapshot (the current one is kept aside)
    Restore { file: PathBuf },
    /// Write messages to an mbox file or a folder of .eml files, byte for byte
    Export {
        #[arg(long, value_parser = parse_format)]
        format: crate::transfer::Format,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Only this account's inbox
        #[arg(long, value_name = "NAME", conflicts_with = "folder")]
        account: Option<String>,
        /// Only this local folder (or "Trash")
        #[arg(long, value_name = "F")]
        folder: Option<String>,
    },
    /// Import an mbox file or a folder of .eml files into a local folder
    Import {
        path: PathBuf,
        /// The local folder to import into (made if needed)
        #[arg(long, value_name = "F", default_value = crate::store::ORPHANS_FOLDER)]
        folder: String,
    },
    /// List stored messages, newest first: every account's inbox unless told otherwise
    List {
        /// Only this account's inbox
        #[arg(long, value_name = "NAME", conflicts_with_all = ["folder", "all"])]
        account: Option<String>,
        /// Only this folder: Inbox, Trash or a local folder's name
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        folder: Option<String>,
        /// Every folder of every account, the Trash included
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a message and send it from an account (it waits in the Outbox, on disk,
    /// until the server takes it). Exit 0: sent; 3: queued, the server could not be
    /// reached; 1: refused by the server (kept in the Outbox)
    Send(send::SendArgs),
    /// Sorting rules (振り分け), applied to new mail as it is stored
    #[command(subcommand)]
    Rule(rule::RuleCommand),
    /// The server's mailbox: list it (headers only), or fetch or delete chosen messages
    #[command(subcommand)]
    Remote(remote::RemoteCommand),
    /// List the messages waiting in the Outbox, or (outbox send) send them
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxCommand>,
        #[arg(long)]
        json: bool,
    },
    /// Show one stored message
    Show {
        id: i64,
        /// Write the stored bytes unchanged to standard output
        #[arg(long)]
        raw: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Send every message waiting in the Outbox (refused ones are tried again too).
    /// Exit 0: all went; 3: some stay queued; 1: the server refused one
    Send {
        /// Read the outgoing server's password from standard input, for this run only
        /// (when the Outbox holds one account's mail)
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account
    Add(Box<AddAccount>),
    /// List accounts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Store a new password for an account in the system keyring (read from standard input)
    Password {
        name: String,
        /// The outgoing server's own password (the account then logs in to it with this
        /// one instead of the incoming password)
        #[arg(long)]
        outgoing: bool,
    },
    /// Write every account's settings (never passwords) to a readable file
    Export { file: PathBuf },
    /// Add the accounts in a file written by export (existing names are left alone)
    Import {
        file: PathBuf,
        /// Accept accounts in the file that connect without encryption
        #[arg(long)]
        allow_plain: bool,
        /// Accept accounts in the file that trust one certificate by its fingerprint
        /// instead of verifying the server's
        #[arg(long)]
        allow_pinned: bool,
    },
    /// Sign in an account that logs in with OAuth2: opens the sign-in page in the
    /// browser ($BROWSER, else the system's) and keeps the tokens in the system keyring
    Login { name: String },
    /// Connect and log in, and show what the server offers; changes nothing
    Test {
        name: String,
        /// Read the password from standard input instead of the keyring
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account (its mail stays readable unless --delete-mail is given)
    Remove {
        name: String,
        /// Also delete the account's mail from this computer
        #[arg(long)]
        delete_mail: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddAccount {
    pub name: String,
    #[arg(long, value_name = "H")]
    pub host: String,
    /// Default: 995 for tls, 110 otherwise
    #[arg(long, value_name = "P")]
    pub port: Option<u16>,
    #[arg(long, default_value = "tls", value_parser = parse_security)]
    pub security: Security,
    /// Default: the email address
    #[arg(long, value_name = "U")]
    pub user: Option<String>,
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,
    /// delete, forever or days:N (N from 1 to 3650)
    #[arg(long, default_value = "days:14", value_parser = parse_keep)]
    pub keep: Keep,
    /// Trust the CA (or self-signed) certificate in this PEM file
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Read the password from standard input and store it in the system keyring
    #[arg(long)]
    pub password_stdin: bool,
    /// auto, cram-md5, apop, plain, login, user, or oauth2 (sign in with
    /// --oauth-provider, then `poplar account login NAME`)
    #[arg(long, default_value = "auto", value_parser = parse_auth)]
    pub auth: AuthMethod,
    /// microsoft, google or custom (with --auth oauth2)
    #[arg(long, value_name = "P", value_parser = parse_provider)]
    pub oauth_provider: Option<crate::accounts::oauth::Provider>,
    /// A custom issuer's address (https://, or http:// on this computer)
    #[arg(long, value_name = "URL", requires = "oauth_provider")]
    pub oauth_issuer: Option<String>,
    /// The app's client id at a custom issuer
    #[arg(long, value_name = "ID", requires = "oauth_provider")]
    pub oauth_client_id: Option<String>,
    /// Store messages larger than this as headers only (bytes, or with K or M; 1K to 4096M)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size_limit: Option<u64>,
    /// Minutes between automatic checks while the window is open, 1 to 1440 (0: never)
    #[arg(long, value_name = "MINUTES", default_value_t = 10)]
    pub check_every: u32,
    /// Do not check this account when the window opens
    #[arg(long)]
    pub no_startup_check: bool,
    /// With a keep mode: deleting a message for good here leaves the server's copy alone
    #[arg(long)]
    pub no_delete_on_server: bool,
    /// The outgoing (SMTP submission) server, for sending
    #[arg(long, value_name = "H")]
    pub smtp_host: Option<String>,
    /// Default: 465 with --smtp-security tls, else 587
    #[arg(long, value_name = "P", requires = "smtp_host")]
    pub smtp_port: Option<u16>,
    #[arg(long, default_value = "starttls", value_parser = parse_security, requires = "smtp_host")]
    pub smtp_security: Security,
    /// Default: the incoming server's user name
    #[arg(long, value_name = "U", requires = "smtp_host")]
    pub smtp_user: Option<String>,
    #[arg(long, default_value = "auto", value_parser = parse_smtp_login, requires = "smtp_host")]
    pub smtp_auth: SmtpLogin,
    #[arg(long, value_name = "PEM", requires = "smtp_host")]
    pub smtp_ca_file: Option<PathBuf>,
    /// The outgoing server has a password of its own (store it with
    /// `poplar account password NAME --outgoing`); default: the incoming password
    #[arg(long, requires = "smtp_host")]
    pub smtp_own_password: bool,
    /// Put under each message written in the window from this account (after "-- ")
    #[arg(long, value_name = "TEXT", requires = "smtp_host")]
    pub signature: Option<String>,
    /// utf-8, or iso-2022-jp for older Japanese mailers (text JIS cannot write goes in
    /// UTF-8)
    #[arg(long, default_value = "utf-8", value_parser = parse_charset, requires = "smtp_host")]
    pub smtp_charset: crate::compose::Charset,
}

fn parse_format(s: &str) -> Result<crate::transfer::Format, String> {
    s.parse()
}

fn parse_auth(s: &str) -> Result<AuthMethod, String> {
    s.parse()
}

fn parse_provider(s: &str) -> Result<crate::accounts::oauth::Provider, String> {
    s.parse()
}

/// "500000", "500K" or "2M".
fn parse_size(s: &str) -> Result<u64, String> {
    crate::rules::parse_size(s).ok_or_else(|| {
        format!(
            "'{}' is not a size: use bytes, or a number with K or M",
            s.trim()
        )
    })
}

fn parse_charset(s: &str) -> Result<crate::compose::Charset, String> {
    crate::accounts::smtp::parse_charset(s)
        .ok_or_else(|| format!("unknown charset '{s}': use utf-8 or iso-2022-jp"))
}

fn parse_smtp_login(s: &str) -> Result<SmtpLogin, String> {
    s.parse()
}

fn parse_security(s: &str) -> Result<Security, String> {
    s.parse()
}

fn parse_keep(s: &str) -> Result<Keep, String> {
    s.parse()
}

/// Runs a command-line subcommand.
pub fn run(paths: &Paths, command: Command) -> Result<()> {
    paths.ensure()?;
    match command {
        Command::Account(command) => account::run(paths, command),
        Command::Fetch {
            full: Some(id),
            password_stdin,
            ..
        } => fetch::download_rest(paths, id, password_stdin),
        Command::Fetch {
            names,
            password_stdin,
            no_pipelining,
            full: None,
        } => fetch::fetch(paths, &names, password_stdin, no_pipelining),
        Command::Delete { ids, for_good } => messages::delete(paths, &ids, for_good),
        Command::Undelete { ids } => messages::undelete(paths, &ids),
        Command::EmptyTrash => messages::empty_trash(paths),
        Command::Junk { ids, not } => messages::junk(paths, &ids, not),
        Command::Backup {
            to,
            set_folder,
            keep,
            status,
        } => backup::backup(paths, to.as_deref(), set_folder, keep, status),
        Command::Restore { file } => backup::restore(paths, &file),
        Command::Export {
            format,
            out,
            account,
            folder,
        } => messages::export(paths, format, &out, account.as_deref(), folder.as_deref()),
        Command::Import { path, folder } => messages::import(paths, &path, &folder),
        Command::List {
            account,
            folder,
            all,
            json,
        } => list::list(
            paths,
            &list::Which {
                account,
                folder,
                all,
            },
            json,
        ),
        Command::Show { id, raw } => messages::show(paths, id, raw),
        Command::Send(args) => send::send(paths, &args).map(exit_with),
        Command::Rule(command) => rule::run(paths, command),
        Command::Remote(command) => remote::run(paths, command),
        Command::Outbox { action: None, json } => send::list(paths, json).map(exit_with),
        Command::Outbox {
            action: Some(OutboxCommand::Send { password_stdin }),
            ..
        } => send::send_queued(paths, password_stdin).map(exit_with),
    }
}

/// Ends the process with `code` when it is not 0 (everything opened is closed by now).
fn exit_with(code: i32) {
    if code != 0 {
        std::process::exit(code);
    }
}

pub(crate) fn read_password_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password was given on standard input");
    }
    Ok(password)
}

/// A runtime for one command's network work.
/// What `account` logs in with when no password is given on standard input: its
/// password from the keyring, or for an account that signs in with OAuth2 its access
/// token (renewed first when about to expire).
fn login_secret(
    paths: &crate::paths::Paths,
    store: &crate::store::Store,
    account: &crate::accounts::Account,
    runtime: &tokio::runtime::Runtime,
) -> Result<String> {
    let keyring = crate::secrets::Keyring::open(store)?;
    if account.settings.auth.is_oauth() {
        let now = crate::store::now();
        return Ok(runtime.block_on(crate::oauth::account::access_token(
            paths, account, &keyring, now, None,
        ))?);
    }
    keyring
        .get(account)
        .map_err(anyhow::Error::from)
        .map_err(|e| e.context("use --password-stdin"))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
