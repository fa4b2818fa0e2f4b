//! `poplar backup` and `poplar restore`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::mail;
use crate::paths::Paths;
use crate::store::Store;

pub fn backup(
    paths: &Paths,
    to: Option<&Path>,
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
    let snapshot = backup::back_up(paths, to)?;
    println!(
        "Backed up to {} ({} bytes).",
        snapshot.path.display(),
        snapshot.size
    );
    Ok(())
}

pub fn restore(paths: &Paths, file: &Path) -> Result<()> {
    let kept = crate::backup::restore(paths, file)?;
    println!("Restored {}.", file.display());
    if let Some(kept) = kept {
        println!("The database it replaced is kept as {}.", kept.display());
    }
    Ok(())
}
