//! `poplar fetch`: new mail for some or all accounts, or the rest of one partial message.

use anyhow::{Context, Result, bail};

use super::read_password_line;
use crate::paths::Paths;
use crate::secrets::Keyring;
use crate::store::Store;
use crate::sync;

pub fn download_rest(paths: &Paths, id: i64, password_stdin: bool) -> Result<()> {
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
    let runtime = super::runtime()?;
    let password = if password_stdin {
        read_password_line()?
    } else {
        super::login_secret(paths, &store, &account, &runtime)?
    };
    runtime.block_on(sync::download_rest(paths, &account, &password, id))?;
    println!("Message {id} is now complete.");
    Ok(())
}

pub fn fetch(
    paths: &Paths,
    names: &[String],
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

    // One thread runs the session and waits for the socket itself; the commits run on
    // blocking threads. On a runtime with workers, the session ran on this thread while a
    // worker waited for the socket and woke it for every read: the two cores sat idle a
    // quarter of a fetch (BENCHMARKS.md, issue 20, fifth day).
    let runtime = super::runtime()?;
    let options = sync::FetchOptions {
        pipelining: !no_pipelining,
        ..sync::FetchOptions::default()
    };
    // The first fetch with a password goes on this connection rather than a second one.
    let mut spare = Some(store);
    let mut failures = 0;
    for account in &accounts {
        let name = &account.settings.name;
        if account.settings.auth.is_oauth() && given_password.is_none() {
            let result = runtime.block_on(async {
                tokio::select! {
                    r = sync::fetch_signed_in(paths, account, &keyring, &options, |_| {}) => Some(r),
                    _ = tokio::signal::ctrl_c() => None,
                }
            });
            let Some(result) = result else {
                eprintln!("{name}: cancelled; everything downloaded so far is stored");
                std::process::exit(130);
            };
            if !told(name, result) {
                failures += 1;
            }
            continue;
        }
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
                r = sync::fetch_account_in(spare.take(), paths, account, &password, &options, |_| {}) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        match result {
            None => {
                eprintln!("{name}: cancelled; everything downloaded so far is stored");
                std::process::exit(130);
            }
            Some(result) => {
                if !told(name, result) {
                    failures += 1;
                }
            }
        }
    }
    if failures > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Says how one account's fetch went; false when it counts as a failure for the exit code.
fn told(name: &str, result: Result<sync::Report, sync::Error>) -> bool {
    match result {
        Ok(report) => {
            let mut line = format!(
                "{name}: {} new, {} deleted on server, {} kept on server",
                report.new, report.deleted, report.kept
            );
            if report.partial > 0 {
                line.push_str(&format!(", {} stored as headers only", report.partial));
            }
            if report.left_by_rules > 0 {
                line.push_str(&format!(
                    ", {} left on the server by rules",
                    report.left_by_rules
                ));
            }
            if !report.skipped.is_empty() {
                line.push_str(&format!(
                    ", {} skipped (will be tried again)",
                    report.skipped.len()
                ));
            }
            println!("{line}");
            // A message that could not be stored is an error for cron and scripts; one
            // left on the server on purpose (the size limit) is not.
            for (number, reason) in &report.skipped {
                eprintln!("{name}: message {number} skipped: {reason}");
            }
            report.skipped.is_empty()
        }
        Err(e @ sync::Error::Busy(_)) => {
            eprintln!("{e}");
            true
        }
        Err(e) => {
            eprintln!("{name}: {e}");
            false
        }
    }
}
