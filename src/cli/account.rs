//! `poplar account …`: add, list, change the password, export, import, test, remove.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};

use super::{AccountCommand, AddAccount, read_password_line};
use crate::accounts::oauth::OAuth;
use crate::accounts::save::{self, IfKeyringFails, Request};
use crate::accounts::smtp::SmtpServer;
use crate::accounts::{AuthMethod, Security, Settings};
use crate::paths::Paths;
use crate::secrets::Keyring;
use crate::store::Store;
use crate::sync;

pub fn run(paths: &Paths, command: AccountCommand) -> Result<()> {
    match command {
        AccountCommand::Add(add) => self::add(paths, *add),
        AccountCommand::List { json } => list(paths, json),
        AccountCommand::Export { file } => export(paths, &file),
        AccountCommand::Import {
            file,
            allow_plain,
            allow_pinned,
        } => import(
            paths,
            &file,
            crate::accounts_file::Allowed {
                plain: allow_plain,
                pinned: allow_pinned,
            },
        ),
        AccountCommand::Password { name, outgoing } => password(paths, &name, outgoing),
        AccountCommand::Login { name } => super::login::login(paths, &name),
        AccountCommand::Test {
            name,
            password_stdin,
        } => test(paths, &name, password_stdin),
        AccountCommand::Remove { name, delete_mail } => remove(paths, &name, delete_mail),
    }
}

fn export(paths: &Paths, file: &Path) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let count = crate::accounts_file::export_store(&store, file)?;
    println!(
        "Wrote the settings of {count} accounts to {} (no passwords).",
        file.display()
    );
    Ok(())
}

fn import(paths: &Paths, file: &Path, allowed: crate::accounts_file::Allowed) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let imported = crate::accounts_file::import_into(&store, file, allowed)?;
    for (name, weakened) in &imported.weakened {
        for w in weakened {
            eprintln!("poplar: warning: the account \"{name}\" {w}");
        }
    }
    for name in imported.skipped {
        println!("{name}: already here, left as it is");
    }
    for name in imported.added {
        println!("{name}: added; give it its password with: poplar account password {name}");
    }
    for name in imported.rules_skipped {
        println!("rule {name}: already here, left as it is");
    }
    for name in imported.rules_added {
        println!("rule {name}: added");
    }
    Ok(())
}

fn password(paths: &Paths, name: &str, outgoing: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    // Named before the password is read: a typo is said at once.
    let account = store.account(name)?;
    if outgoing && account.settings.smtp.is_none() {
        bail!(
            "the account \"{name}\" has no outgoing server; add one in its settings (or poplar account add with --smtp-host)"
        );
    }
    let password = read_password_line()?;
    if outgoing {
        save::set_outgoing_password(&store, name, &password).map_err(|e| said(e, name))?;
        println!("The outgoing password for {name} is stored in the system keyring.");
    } else {
        save::set_password(&store, name, &password).map_err(|e| said(e, name))?;
        println!("The password for {name} is stored in the system keyring.");
    }
    Ok(())
}

fn remove(paths: &Paths, name: &str, delete_mail: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let account = store.account(name)?;
    let keyring = Keyring::open(&store)?;
    store.remove_account(name, delete_mail)?;
    if let Err(e) = keyring.delete(&account) {
        eprintln!("poplar: warning: {e}");
    }
    Ok(())
}

/// A failed save as the command line says it: what is wrong from the catalogs (English
/// unless the process speaks another language), the rest in the modules' own words.
fn said(error: save::Error, name: &str) -> anyhow::Error {
    match error {
        save::Error::Invalid(problem) => anyhow::Error::msg(problem.sentence()),
        save::Error::Store(e) => e.into(),
        save::Error::Keyring(e) => e.into(),
        save::Error::PasswordRefused(e) => anyhow::Error::msg(crate::t!(
            "account-password-refused",
            name = name.to_string(),
            error = e.to_string()
        )),
    }
}

fn add(paths: &Paths, add: AddAccount) -> Result<()> {
    let email = add.email.unwrap_or_default();
    let user = match add.user {
        Some(u) => u,
        None if !email.is_empty() => email.clone(),
        None => bail!("give --user, or --email to use the address as the user name"),
    };
    let smtp = add.smtp_host.map(|host| SmtpServer {
        port: add
            .smtp_port
            .unwrap_or(SmtpServer::default_port(add.smtp_security)),
        security: add.smtp_security,
        user: add.smtp_user.unwrap_or_default(),
        login: add.smtp_auth,
        charset: add.smtp_charset,
        own_password: add.smtp_own_password,
        signature: add.signature.unwrap_or_default(),
        ca_file: add
            .smtp_ca_file
            .map(|p| std::path::absolute(&p).unwrap_or(p)),
        ..SmtpServer::new(host)
    });
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
        smtp,
        // A provider alone says the login: --auth oauth2 is then implied.
        oauth: add.oauth_provider.map(|provider| OAuth {
            provider,
            issuer: add.oauth_issuer,
            client_id: add.oauth_client_id,
        }),
    };
    let settings = Settings {
        auth: if settings.oauth.is_some() && add.auth == AuthMethod::Automatic {
            AuthMethod::OAuth2
        } else {
            settings.auth
        },
        ..settings
    };
    let name = settings.name.clone();
    let store = Store::open(&paths.database())?;
    // Checked before the password is read, so that a mistake is said before typing it.
    save::check(&store, None, &settings).map_err(|e| said(e, &name))?;
    if settings
        .smtp
        .as_ref()
        .is_some_and(|s| s.security == Security::Plain)
    {
        eprintln!(
            "poplar: warning: the outgoing server of \"{name}\" is unencrypted: the password and the mail cross the network readable by anyone on the way"
        );
    }
    if settings.security == Security::Plain {
        eprintln!(
            "poplar: warning: the account \"{name}\" is unencrypted: the password and the mail cross the network readable by anyone on the way"
        );
    }
    let password = match add.password_stdin {
        true => Some(read_password_line()?),
        false => None,
    };
    let request = Request {
        id: None,
        settings,
        password,
        // No account half made: the password was asked for with it.
        tokens: None,
        outgoing_password: None,
        if_keyring_fails: IfKeyringFails::Undo,
    };
    save::save(&store, request).map_err(|e| said(e, &name))?;
    Ok(())
}

fn list(paths: &Paths, json: bool) -> Result<()> {
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
                    "sign_in": s.oauth.as_ref().map(|o| serde_json::json!({
                        "provider": o.provider.as_str(), "issuer": o.issuer,
                        "client_id": o.client_id,
                    })),
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

fn test(paths: &Paths, name: &str, password_stdin: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let account = store.account(name)?;
    let runtime = super::runtime()?;
    let password = if password_stdin {
        read_password_line()?
    } else {
        super::login_secret(paths, &store, &account, &runtime)?
    };
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
