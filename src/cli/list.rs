//! `poplar list`: the messages of the inboxes, of one folder, or of every folder.

use std::io::Write;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::mail;
use crate::paths::Paths;
use crate::store::{MessageRow, Role, Store, View};

/// What to list; with none of these, every account's inbox.
#[derive(Debug, Default)]
pub struct Which {
    /// One account's inbox.
    pub account: Option<String>,
    /// One folder, built-in or local, by its name.
    pub folder: Option<String>,
    /// Every folder of every account, the Trash included.
    pub all: bool,
}

/// The built-in folders keep these English names on the command line whatever language
/// the window speaks, so that one script works on every computer (the Outbox, Drafts, Sent,
/// Junk: [`Role::english`]).
const INBOX: &str = "Inbox";
const TRASH: &str = "Trash";

/// A folder as the command line names it, and the view that lists it.
pub(super) struct Place {
    name: String,
    pub(super) view: View,
    builtin: bool,
}

impl Place {
    fn new(name: impl Into<String>, view: View) -> Place {
        Place {
            name: name.into(),
            view,
            builtin: false,
        }
    }

    fn builtin(name: impl Into<String>, view: View) -> Place {
        Place {
            builtin: true,
            ..Place::new(name, view)
        }
    }
}

/// Every folder, in the sidebar's order: the Inbox, the Outbox, Drafts, Sent and Junk, the
/// local folders, the Trash.
fn places(store: &Store) -> Result<Vec<Place>> {
    let mut places = vec![Place::builtin(INBOX, View::Inbox(None))];
    for role in [Role::Outbox, Role::Drafts, Role::Sent, Role::Junk] {
        let view = View::Folder(store.role_folder(role)?);
        places.push(Place::builtin(role.english(), view));
    }
    let local = store.folders()?.into_iter();
    places.extend(local.map(|(id, name)| Place::new(name, View::Folder(id))));
    places.push(Place::builtin(TRASH, View::Trash));
    Ok(places)
}

/// The folder called `name`. A built-in name means the built-in folder in any case
/// (it comes first even if a local folder has the same name); a local folder's name is
/// matched exactly, or else in any case when only one folder fits.
pub(super) fn place(store: &Store, name: &str) -> Result<Place> {
    let mut places = places(store)?;
    let builtin = |p: &Place| p.builtin;
    let lower = name.to_lowercase();
    let alike: Vec<usize> = (0..places.len())
        .filter(|&i| places[i].name.to_lowercase() == lower)
        .collect();
    let found = alike
        .iter()
        .copied()
        .find(|&i| builtin(&places[i]))
        .or_else(|| places.iter().position(|p| p.name == name))
        .or(match alike[..] {
            [i] => Some(i),
            _ => None,
        });
    if let Some(i) = found {
        return Ok(places.swap_remove(i));
    }
    let names: Vec<String> = places.iter().map(|p| format!("\"{}\"", p.name)).collect();
    bail!(
        "there is no folder named \"{name}\"; the folders are {}",
        names.join(", ")
    )
}

/// One row as `--json` writes it: the list's columns and the folder it is in.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    row: &'a MessageRow,
    folder: &'a str,
}

/// Lists messages newest first: one line each, or (`json`) an array of objects.
pub fn list(paths: &Paths, which: &Which, json: bool) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let places = match (&which.account, &which.folder) {
        _ if which.all => places(&store)?,
        (_, Some(name)) => vec![place(&store, name)?],
        (Some(account), None) => {
            vec![Place::new(
                INBOX,
                View::Inbox(Some(store.account(account)?.id)),
            )]
        }
        (None, None) => vec![Place::new(INBOX, View::Inbox(None))],
    };
    let mut rows = Vec::new();
    for place in &places {
        let found = store.list(place.view, usize::MAX >> 1, 0)?;
        rows.extend(found.into_iter().map(|row| (row, place.name.as_str())));
    }
    // Newest first across folders, as within each.
    rows.sort_by(|(a, _), (b, _)| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));

    let mut out = std::io::stdout().lock();
    if json {
        let listed: Vec<Listed> = rows
            .iter()
            .map(|(row, folder)| Listed { row, folder })
            .collect();
        serde_json::to_writer_pretty(&mut out, &listed)?;
        writeln!(out)?;
        return Ok(());
    }
    for (r, folder) in &rows {
        // The folder column only where rows come from several folders, so that the
        // lines of `poplar list` stay as scripts already read them.
        let folder = match which.all {
            true => format!("{folder}\t"),
            false => String::new(),
        };
        writeln!(
            out,
            "{}\t{folder}{}\t{}\t{}\t{}",
            r.id,
            if r.read { " " } else { "N" },
            mail::format_date(r.date),
            r.from,
            r.subject
        )?;
    }
    Ok(())
}
