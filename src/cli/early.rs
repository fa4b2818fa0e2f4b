//! What the arguments say before clap has parsed them: whether the command connects at
//! once, and the data folder. Parsing them with clap takes about a millisecond of a
//! `poplar fetch` (building the whole command tree); OpenSSL's set-up, which a fetch
//! waits for at its first handshake, starts that much sooner when it need not wait for
//! it (BENCHMARKS.md, issue 20, seventh day).

use std::ffi::OsString;
use std::path::PathBuf;

/// For `[--data-dir DIR]... fetch|remote ...`: Some(the data folder given, if any).
/// Only that plain form is read: any other option before the command, `--data-dir`
/// after it, or `--` anywhere gives None, and the caller waits for clap. When this
/// answers Some, clap parses the same arguments to `fetch` or `remote` with the same
/// data folder, or fails (tested below).
pub fn connecting_command(args: &[OsString]) -> Option<Option<PathBuf>> {
    const DATA_DIR: &str = "--data-dir";
    let mut data_dir = None;
    let mut rest = args.iter().skip(1);
    let command = loop {
        let arg = rest.next()?.to_str()?;
        if arg == DATA_DIR {
            data_dir = Some(PathBuf::from(rest.next()?));
        } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
            data_dir = Some(PathBuf::from(dir));
        } else if arg.starts_with('-') {
            return None;
        } else {
            break arg;
        }
    };
    if !matches!(command, "fetch" | "remote") {
        return None;
    }
    let plain = |arg: &OsString| {
        arg.to_str()
            .is_some_and(|a| a != "--" && a != DATA_DIR && !a.starts_with("--data-dir="))
    };
    rest.all(plain).then_some(data_dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use proptest::prelude::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        std::iter::once("poplar")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn the_plain_forms_are_read() {
        let dir = |d: &str| Some(Some(PathBuf::from(d)));
        assert_eq!(connecting_command(&args(&["fetch"])), Some(None));
        assert_eq!(
            connecting_command(&args(&["--data-dir", "/d", "fetch", "--password-stdin"])),
            dir("/d")
        );
        assert_eq!(
            connecting_command(&args(&["--data-dir=/d", "remote", "list", "a"])),
            dir("/d")
        );
        // Not a connecting command, or not the plain form: wait for clap.
        assert_eq!(connecting_command(&args(&["list"])), None);
        assert_eq!(connecting_command(&args(&[])), None);
        assert_eq!(connecting_command(&args(&["--version"])), None);
        assert_eq!(connecting_command(&args(&["--data-dir"])), None);
        assert_eq!(
            connecting_command(&args(&["fetch", "--data-dir", "/d"])),
            None
        );
        assert_eq!(connecting_command(&args(&["fetch", "--", "x"])), None);
        assert_eq!(
            connecting_command(&args(&["--data-dir", "fetch", "list"])),
            None
        );
    }

    const WORDS: [&str; 14] = [
        "fetch",
        "remote",
        "list",
        "account",
        "--data-dir",
        "--data-dir=/e",
        "/d",
        "--",
        "--full",
        "3",
        "--password-stdin",
        "-h",
        "bench",
        "--no-pipelining",
    ];

    proptest! {
        /// Whenever the early reading answers, clap agrees with it (or refuses the
        /// arguments, and the command does not run).
        #[test]
        fn clap_agrees_whenever_it_answers(
            picks in proptest::collection::vec(0..WORDS.len(), 0..7)
        ) {
            let words: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let args = args(&words);
            if let Some(dir) = connecting_command(&args)
                && let Ok(cli) = Cli::try_parse_from(&args)
            {
                prop_assert_eq!(cli.data_dir, dir, "{:?}", words);
                prop_assert!(
                    matches!(cli.command, Some(Command::Fetch { .. } | Command::Remote(_))),
                    "{:?}", words
                );
            }
        }
    }
}
