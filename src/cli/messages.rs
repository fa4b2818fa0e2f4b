//! The commands on stored messages: delete, undelete, empty the Trash, show, export and
//! import.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::mail;
use crate::paths::Paths;
use crate::store::{Store, View};

pub fn delete(paths: &Paths, ids: &[i64], for_good: bool) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    for &id in ids {
        store.message_origin(id)?;
    }
    if for_good {
        store.delete_for_good(ids)?;
        crate::downloads::remove_opened(paths, ids);
    } else {
        store.trash(ids)?;
    }
    Ok(())
}

pub fn undelete(paths: &Paths, ids: &[i64]) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    for &id in ids {
        store.message_origin(id)?;
    }
    Ok(store.restore(ids)?)
}

pub fn junk(paths: &Paths, ids: &[i64], not: bool) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    for &id in ids {
        store.message_origin(id)?;
    }
    let kind = if not {
        crate::junk::Kind::Good
    } else {
        crate::junk::Kind::Junk
    };
    store.train_junk(ids, kind)?;
    let (junk, good) = store.junk_trained()?;
    let ready = crate::junk::READY_AT;
    if junk < ready || good < ready {
        println!(
            "Trained on {junk} junk and {good} good messages; the filter judges new mail once \
             it has {ready} of each."
        );
    } else {
        println!("Trained on {junk} junk and {good} good messages.");
    }
    Ok(())
}

pub fn empty_trash(paths: &Paths) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    let trashed = store.ids(View::Trash, Default::default())?;
    let n = store.empty_trash()?;
    crate::downloads::remove_opened(paths, &trashed);
    println!("Deleted {n} messages for good.");
    Ok(())
}

pub fn export(
    paths: &Paths,
    format: crate::transfer::Format,
    out: &Path,
    account: Option<&str>,
    folder: Option<&str>,
) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let view = match (account, folder) {
        (Some(name), _) => View::Inbox(Some(store.account(name)?.id)),
        (None, Some(f)) if f.eq_ignore_ascii_case("trash") => View::Trash,
        (None, Some(f)) => {
            let id = store
                .folders()?
                .into_iter()
                .find(|(_, name)| name == f)
                .map(|(id, _)| id)
                .with_context(|| format!("there is no local folder named \"{f}\""))?;
            View::Folder(id)
        }
        (None, None) => View::Inbox(None),
    };
    drop(store);
    let n = crate::transfer::export(paths, format, view, out, |done, total| {
        if done % 1000 == 0 || done == total {
            eprintln!("exported {done} of {total}");
        }
    })?;
    println!("Exported {n} messages to {}.", out.display());
    Ok(())
}

pub fn import(paths: &Paths, path: &Path, folder: &str) -> Result<()> {
    let report = crate::transfer::import(paths, path, folder, |done| {
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

/// Indexes for search every message that is not indexed yet.
fn index_for_search(paths: &Paths) -> Result<()> {
    let mut store = Store::open(&paths.database())?;
    while store.index_pending(500)? > 0 {}
    Ok(())
}

pub fn show(paths: &Paths, id: i64, raw: bool) -> Result<()> {
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
