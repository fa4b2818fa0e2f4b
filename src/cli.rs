//! The command line: everything the window does, scriptable without a display.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::accounts::{AuthMethod, Keep, Security, Settings};
use crate::paths::Paths;
use crate::secrets::Keyring;
use crate::store::Store;
use crate::{mail, sync};

mod list;

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
    /// Show one stored message
    Show {
        id: i64,
        /// Write the stored bytes unchanged to standard output
        #[arg(long)]
        raw: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account
    Add(AddAccount),
    /// List accounts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Store a new password for an account in the system keyring (read from standard input)
    Password { name: String },
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
    /// delete, forever or days:N
    #[arg(long, default_value = "days:14", value_parser = parse_keep)]
    pub keep: Keep,
    /// Trust the CA (or self-signed) certificate in this PEM file
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Read the password from standard input and store it in the system keyring
    #[arg(long)]
    pub password_stdin: bool,
    /// auto, cram-md5, apop, plain, login or user
    #[arg(long, default_value = "auto", value_parser = parse_auth)]
    pub auth: AuthMethod,
    /// Store messages larger than this as headers only (bytes, or with K or M)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size_limit: Option<u64>,
    /// Minutes between automatic checks while the window is open (0: never)
    #[arg(long, value_name = "MINUTES", default_value_t = 10)]
    pub check_every: u32,
    /// Do not check this account when the window opens
    #[arg(long)]
    pub no_startup_check: bool,
    /// With a keep mode: deleting a message for good here leaves the server's copy alone
    #[arg(long)]
    pub no_delete_on_server: bool,
}

fn parse_format(s: &str) -> Result<crate::transfer::Format, String> {
    s.parse()
}

fn parse_auth(s: &str) -> Result<AuthMethod, String> {
    s.parse()
}

/// "500000", "500K" or "2M".
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], s[i..].trim().to_ascii_uppercase()),
        None => (s, String::new()),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size: use bytes, or a number with K or M"))?;
    let factor = match unit.as_str() {
        "" | "B" => 1,
        "K" | "KB" => 1024,
        "M" | "MB" => 1024 * 1024,
        _ => {
            return Err(format!(
                "'{s}' is not a size: use bytes, or a number with K or M"
            ));
        }
    };
    Ok(n * factor)
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
        Command::Account(AccountCommand::Add(add)) => account_add(paths, add),
        Command::Account(AccountCommand::List { json }) => account_list(paths, json),
        Command::Account(AccountCommand::Export { file }) => {
            let store = Store::open(&paths.database())?;
            let count = crate::accounts_file::export_store(&store, &file)?;
            println!(
                "Wrote the settings of {count} accounts to {} (no passwords).",
                file.display()
            );
            Ok(())
        }
        Command::Account(AccountCommand::Import {
            file,
            allow_plain,
            allow_pinned,
        }) => {
            let store = Store::open(&paths.database())?;
            let allowed = crate::accounts_file::Allowed {
                plain: allow_plain,
                pinned: allow_pinned,
            };
            let imported = crate::accounts_file::import_into(&store, &file, allowed)?;
            for (name, weakened) in &imported.weakened {
                for w in weakened {
                    eprintln!("poplar: warning: the account \"{name}\" {w}");
                }
            }
            for name in imported.skipped {
                println!("{name}: already here, left as it is");
            }
            for name in imported.added {
                println!(
                    "{name}: added; give it its password with: poplar account password {name}"
                );
            }
            Ok(())
        }
        Command::Account(AccountCommand::Password { name }) => {
            let store = Store::open(&paths.database())?;
            let account = store.account(&name)?;
            let password = read_password_line()?;
            Keyring::open(&store)?.set(&account, &password)?;
            println!("The password for {name} is stored in the system keyring.");
            Ok(())
        }
        Command::Account(AccountCommand::Test {
            name,
            password_stdin,
        }) => account_test(paths, &name, password_stdin),
        Command::Account(AccountCommand::Remove { name, delete_mail }) => {
            let store = Store::open(&paths.database())?;
            let account = store.account(&name)?;
            let keyring = Keyring::open(&store)?;
            store.remove_account(&name, delete_mail)?;
            if let Err(e) = keyring.delete(&account) {
                eprintln!("poplar: warning: {e}");
            }
            Ok(())
        }
        Command::Fetch {
            full: Some(id),
            password_stdin,
            ..
        } => download_rest(paths, id, password_stdin),
        Command::Fetch {
            names,
            password_stdin,
            no_pipelining,
            full: None,
        } => fetch(paths, names, password_stdin, no_pipelining),
        Command::Delete { ids, for_good } => {
            let mut store = Store::open(&paths.database())?;
            for &id in &ids {
                store.message_origin(id)?;
            }
            if for_good {
                store.delete_for_good(&ids)?;
                crate::downloads::remove_opened(paths, &ids);
            } else {
                store.trash(&ids)?;
            }
            Ok(())
        }
        Command::Undelete { ids } => {
            let mut store = Store::open(&paths.database())?;
            for &id in &ids {
                store.message_origin(id)?;
            }
            Ok(store.restore(&ids)?)
        }
        Command::Backup {
            to,
            set_folder,
            keep,
            status,
        } => backup(paths, to, set_folder, keep, status),
        Command::Restore { file } => {
            let kept = crate::backup::restore(paths, &file)?;
            println!("Restored {}.", file.display());
            if let Some(kept) = kept {
                println!("The database it replaced is kept as {}.", kept.display());
            }
            Ok(())
        }
        Command::Export {
            format,
            out,
            account,
            folder,
        } => {
            let store = Store::open(&paths.database())?;
            let view = match (&account, &folder) {
                (Some(name), _) => crate::store::View::Inbox(Some(store.account(name)?.id)),
                (None, Some(f)) if f.eq_ignore_ascii_case("trash") => crate::store::View::Trash,
                (None, Some(f)) => {
                    let id = store
                        .folders()?
                        .into_iter()
                        .find(|(_, name)| name == f)
                        .map(|(id, _)| id)
                        .with_context(|| format!("there is no local folder named \"{f}\""))?;
                    crate::store::View::Folder(id)
                }
                (None, None) => crate::store::View::Inbox(None),
            };
            drop(store);
            let n = crate::transfer::export(paths, format, view, &out, |done, total| {
                if done % 1000 == 0 || done == total {
                    eprintln!("exported {done} of {total}");
                }
            })?;
            println!("Exported {n} messages to {}.", out.display());
            Ok(())
        }
        Command::Import { path, folder } => {
            let report = crate::transfer::import(paths, &path, &folder, |done| {
                if done % 1000 == 0 {
                    eprintln!("read {done} messages");
                }
            })?;
            println!(
                "Imported {} messages into \"{folder}\"; {} were already here and were skipped.",
                report.imported, report.duplicates
            );
            // Searchable at once, as fetched mail is once the window has indexed it; a
            // window open meanwhile would not look for it before its next fetch.
            if let Err(e) = index_for_search(paths) {
                eprintln!(
                    "poplar: warning: the imported mail cannot be searched until Poplar next starts: {e}"
                );
            }
            Ok(())
        }
        Command::EmptyTrash => {
            let mut store = Store::open(&paths.database())?;
            let trashed = store.ids(crate::store::View::Trash, Default::default())?;
            let n = store.empty_trash()?;
            crate::downloads::remove_opened(paths, &trashed);
            println!("Deleted {n} messages for good.");
            Ok(())
        }
        Command::List {
            account,
            folder,
            all,
            json,
        } => list::list(
            paths,
            list::Which {
                account,
                folder,
                all,
            },
            json,
        ),
        Command::Show { id, raw } => show(paths, id, raw),
    }
}

/// Indexes for search every message that is not indexed yet.
fn index_for_search(paths: &Paths) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    while store.index_pending(500)? > 0 {}
    Ok(())
}

fn read_password_line() -> Result<String> {
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

fn account_add(paths: &Paths, add: AddAccount) -> Result<()> {
    let email = add.email.unwrap_or_default();
    let user = match add.user {
        Some(u) => u,
        None if !email.is_empty() => email.clone(),
        None => bail!("give --user, or --email to use the address as the user name"),
    };
    let settings = Settings {
        name: add.name,
        email,
        host: add.host,
        port: add.port.unwrap_or(add.security.default_port()),
        security: add.security,
        user,
        keep: add.keep,
        ca_file: add.ca_file.map(|p| std::path::absolute(&p).unwrap_or(p)),
        auth: add.auth,
        size_limit: add.size_limit,
        check_on_startup: !add.no_startup_check,
        check_every_minutes: (add.check_every > 0).then_some(add.check_every),
        delete_on_server_when_deleted: !add.no_delete_on_server,
        include_in_get_all: true,
        pinned_cert: None,
    };
    settings.validate().map_err(anyhow::Error::msg)?;
    if settings.security == Security::Plain {
        eprintln!(
            "poplar: warning: the account \"{}\" is unencrypted: the password and the mail cross the network readable by anyone on the way",
            settings.name
        );
    }
    let store = Store::open(&paths.database())?;
    if store.account(&settings.name).is_ok() {
        bail!("an account named \"{}\" already exists", settings.name);
    }
    let password = match add.password_stdin {
        true => Some(read_password_line()?),
        false => None,
    };
    // Opened before the account exists, so that the new account is never taken for one
    // whose password sits under the old name-keyed entry.
    let keyring = Keyring::open(&store)?;
    let account = store.add_account(&settings)?;
    match password {
        Some(password) => {
            if let Err(e) = keyring.set(&account, &password) {
                // No account half made: the password was asked for with it.
                let _ = store.remove_account(&account.settings.name, true);
                return Err(e.into());
            }
        }
        // An id can be used again after an account was removed with its mail; a password
        // left behind then (the keyring was away) must not pass to this account.
        None => {
            let _ = keyring.delete(&account);
        }
    }
    Ok(())
}

fn account_list(paths: &Paths, json: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let accounts = store.accounts()?;
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<_> = accounts
            .iter()
            .map(|a| {
                let s = &a.settings;
                serde_json::json!({
                    "id": a.id, "name": s.name, "email": s.email, "host": s.host,
                    "port": s.port, "security": s.security.as_str(), "user": s.user,
                    "keep": s.keep.to_string(), "auth": s.auth.as_str(), "size_limit": s.size_limit,
                    "ca_file": s.ca_file.as_ref().map(|p| p.display().to_string()),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else if accounts.is_empty() {
        writeln!(
            out,
            "No accounts. Add one with: poplar account add NAME --host HOST --email ADDRESS --password-stdin"
        )?;
    } else {
        for a in &accounts {
            let s = &a.settings;
            writeln!(
                out,
                "{}\t{}@{}:{}\t{}\tkeep {}",
                s.name,
                s.user,
                s.host,
                s.port,
                s.security.as_str(),
                s.keep
            )?;
        }
    }
    Ok(())
}

fn backup(
    paths: &Paths,
    to: Option<PathBuf>,
    set_folder: Option<PathBuf>,
    keep: Option<usize>,
    status: bool,
) -> Result<()> {
    use crate::backup;
    if let Some(dir) = set_folder {
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        backup::configure(paths, &dir, keep)?;
        println!(
            "Backups go to {} (made daily while Poplar runs).",
            dir.display()
        );
    }
    let store = Store::open(&paths.database())?;
    let settings = backup::Settings::load(&store)?;
    drop(store);
    if status {
        match &settings.dir {
            Some(dir) => {
                println!(
                    "Backup folder: {} (keeping {})",
                    dir.display(),
                    settings.keep
                );
                match settings.last_success {
                    Some(t) => println!("Last backup: {}", mail::format_date(t)),
                    None => println!("No backup has been made yet."),
                }
                for s in backup::snapshots(dir) {
                    println!("{}\t{} bytes", s.path.display(), s.size);
                }
            }
            None => println!("No backup folder is set: poplar backup --set-folder DIR"),
        }
        return Ok(());
    }
    let snapshot = backup::back_up(paths, to.as_deref())?;
    println!(
        "Backed up to {} ({} bytes).",
        snapshot.path.display(),
        snapshot.size
    );
    Ok(())
}

fn download_rest(paths: &Paths, id: i64, password_stdin: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let (account_id, _, partial) = store.message_origin(id)?;
    if !partial {
        println!("Message {id} is already complete.");
        return Ok(());
    }
    let account = store
        .accounts()?
        .into_iter()
        .find(|a| a.id == account_id)
        .context("the account of this message was removed")?;
    let password = if password_stdin {
        read_password_line()?
    } else {
        Keyring::open(&store)?
            .get(&account)
            .context("use --password-stdin")?
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(sync::download_rest(paths, &account, &password, id))?;
    println!("Message {id} is now complete.");
    Ok(())
}

fn account_test(paths: &Paths, name: &str, password_stdin: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let account = store.account(name)?;
    let password = if password_stdin {
        read_password_line()?
    } else {
        Keyring::open(&store)?
            .get(&account)
            .context("use --password-stdin")?
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let info = runtime.block_on(sync::test_account(
        &account.settings,
        &password,
        &sync::FetchOptions::default(),
    ))?;
    let s = &account.settings;
    println!(
        "Connected to {}:{} and logged in as {}.",
        s.host, s.port, s.user
    );
    println!(
        "Encryption: {}",
        if info.encrypted { "TLS" } else { "none" }
    );
    println!("Greeting: {}", info.greeting);
    println!("Mailbox: {} messages, {} bytes", info.messages, info.bytes);
    let yes = |b: bool| if b { "yes" } else { "no" };
    match &info.capabilities {
        Some(c) => {
            println!("Login methods: {}", c.sasl.join(" "));
            println!(
                "UIDL: {}  TOP: {}  PIPELINING: {}",
                yes(info.uidl),
                yes(c.top),
                yes(c.pipelining)
            );
            if let Some(expire) = &c.expire {
                println!("The server deletes mail after: {expire} days");
            }
        }
        None => println!(
            "UIDL: {}. The server does not list its capabilities (no CAPA).",
            yes(info.uidl)
        ),
    }
    Ok(())
}

fn fetch(
    paths: &Paths,
    names: Vec<String>,
    password_stdin: bool,
    no_pipelining: bool,
) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let accounts = if names.is_empty() {
        store.accounts()?
    } else {
        names
            .iter()
            .map(|n| store.account(n))
            .collect::<Result<Vec<_>, _>>()?
    };
    if accounts.is_empty() {
        bail!("there are no accounts to fetch; add one with: poplar account add");
    }
    let keyring = Keyring::open(&store)?;
    let given_password = if password_stdin {
        if accounts.len() != 1 {
            bail!("--password-stdin works with exactly one account; name it");
        }
        Some(read_password_line()?)
    } else {
        None
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let options = sync::FetchOptions {
        pipelining: !no_pipelining,
        ..sync::FetchOptions::default()
    };
    let mut failures = 0;
    for account in &accounts {
        let name = &account.settings.name;
        let password = match &given_password {
            Some(p) => p.clone(),
            None => match keyring.get(account) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{name}: {e}; use --password-stdin");
                    failures += 1;
                    continue;
                }
            },
        };
        let result = runtime.block_on(async {
            tokio::select! {
                r = sync::fetch_account_with(paths, account, &password, &options, |_| {}) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        match result {
            None => {
                eprintln!("{name}: cancelled; everything downloaded so far is stored");
                std::process::exit(130);
            }
            Some(Ok(report)) => {
                let mut line = format!(
                    "{name}: {} new, {} deleted on server, {} kept on server",
                    report.new, report.deleted, report.kept
                );
                if report.partial > 0 {
                    line.push_str(&format!(", {} stored as headers only", report.partial));
                }
                if !report.skipped.is_empty() {
                    line.push_str(&format!(
                        ", {} skipped (will be tried again)",
                        report.skipped.len()
                    ));
                }
                println!("{line}");
                // A message that could not be stored is an error for cron and scripts;
                // one left on the server on purpose (the size limit) is not.
                for (number, reason) in &report.skipped {
                    eprintln!("{name}: message {number} skipped: {reason}");
                }
                if !report.skipped.is_empty() {
                    failures += 1;
                }
            }
            Some(Err(e @ sync::Error::Busy(_))) => eprintln!("{e}"),
            Some(Err(e)) => {
                eprintln!("{name}: {e}");
                failures += 1;
            }
        }
    }
    if failures > 0 {
        std::process::exit(1);
    }
    Ok(())
}

fn show(paths: &Paths, id: i64, raw: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let mut out = std::io::stdout().lock();
    if raw {
        store.copy_raw(id, &mut out)?;
    } else {
        let m = mail::render(&store.raw_message(id)?);
        writeln!(out, "From: {}", m.from)?;
        writeln!(out, "To: {}", m.to)?;
        if !m.cc.is_empty() {
            writeln!(out, "Cc: {}", m.cc)?;
        }
        if let Some(date) = m.date {
            writeln!(out, "Date: {}", mail::format_date(date))?;
        }
        writeln!(out, "Subject: {}", m.subject)?;
        for a in &m.attachments {
            match &a.danger {
                Some(danger) => writeln!(
                    out,
                    "Attachment: {} ({} bytes; {danger}: opening it could run it)",
                    a.name, a.size
                )?,
                None => writeln!(out, "Attachment: {} ({} bytes)", a.name, a.size)?,
            }
        }
        writeln!(out)?;
        writeln!(out, "{}", m.body)?;
    }
    out.flush()?;
    Ok(())
}
