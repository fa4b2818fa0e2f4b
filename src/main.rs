// No console window opens for the app on Windows (release builds).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use clap::Parser;

use poplar::cli::{Cli, Command};
use poplar::paths::Paths;

/// A release build on Windows has no console of its own; when started from one with
/// arguments (`poplar --version`, `poplar fetch`), it writes to its parent's console.
#[cfg(windows)]
fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    if std::env::args_os().len() > 1 {
        // SAFETY: AttachConsole has no preconditions; failing (no parent console, or
        // output already redirected) leaves everything as it was.
        unsafe {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

/// Brings an existing database up to the current schema once, before a command opens it
/// (a missing one is made at the current schema by the first open, and one whose header
/// says it is current is left to the command's own open to check). `restore` replaces
/// the database, and upgrades what it restores: a damaged or outdated one is no
/// obstacle to it.
fn upgrade_for(paths: &Paths, command: &Command) -> anyhow::Result<()> {
    let database = paths.database();
    if matches!(command, Command::Restore { .. })
        || !database.exists()
        || poplar::store::is_current(&database)
    {
        return Ok(());
    }
    poplar::store::upgrade(&database)?;
    Ok(())
}

/// For the commands that connect at once and start no other program: points OpenSSL at
/// the system's hashed directory of roots (src/pop3/roots.rs) and starts its set-up on a
/// thread of its own. While this is the only thread: it sets environment variables.
/// True when the roots come from the directory.
fn prepare_tls(paths: Option<&Paths>) -> bool {
    let lazy_roots = poplar::pop3::roots::prefer_hashed_directory(
        paths.map(Paths::trusted_roots_checked).as_deref(),
    );
    poplar::pop3::warm_up_tls();
    lazy_roots
}

fn main() {
    #[cfg(windows)]
    attach_parent_console();
    // Before clap when the arguments say plainly that the command connects: OpenSSL sets
    // itself up while the arguments are parsed and the store opens.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early = poplar::cli::early::connecting_command(&args)
        .map(|dir| prepare_tls(Paths::resolve(dir.as_deref()).ok().as_ref()));
    let cli = Cli::parse_from(args);
    let paths = Paths::resolve(cli.data_dir.as_deref());
    // The commands that connect at once, and start no other program.
    let connects = matches!(
        cli.command,
        Some(Command::Fetch { .. } | Command::Remote(_))
    );
    let lazy_roots = match early {
        Some(lazy_roots) => lazy_roots,
        None => connects && prepare_tls(paths.as_ref().ok()),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("POPLAR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    if lazy_roots {
        tracing::debug!("trusted roots read from the system's hashed directory, not its bundle");
    }

    let result = paths
        .map_err(anyhow::Error::from)
        .and_then(|paths| match cli.command {
            Some(command) => {
                upgrade_for(&paths, &command).and_then(|()| poplar::cli::run(&paths, command))
            }
            None => poplar::app::run(paths).map_err(anyhow::Error::from),
        });
    if let Err(e) = result {
        eprintln!("poplar: {e:#}");
        std::process::exit(1);
    }
}
