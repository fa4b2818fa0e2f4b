// No console window opens for the app on Windows (release builds).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use clap::Parser;

use poplar::cli::Cli;
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

fn main() {
    #[cfg(windows)]
    attach_parent_console();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("POPLAR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let result = Paths::resolve(cli.data_dir.as_deref())
        .map_err(anyhow::Error::from)
        .and_then(|paths| match cli.command {
            Some(command) => poplar::cli::run(&paths, command),
            None => poplar::app::run(paths).map_err(anyhow::Error::from),
        });
    if let Err(e) = result {
        eprintln!("poplar: {e:#}");
        std::process::exit(1);
    }
}
