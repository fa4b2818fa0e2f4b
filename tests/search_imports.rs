//! Mail imported in the window can be searched without a fetch or a restart: the import
//! starts indexing as a fetch does, and a search already typed finds what indexing adds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::window::Window;
use poplar::app::{Message, WorkerMessage};
use poplar::i18n::Language;
use poplar::paths::Paths;
use poplar::ui::mailbox;
use poplar::ui::transfer::Message as Transfer;
use poplar::worker::{self, Event, Schedule};
use tokio::sync::mpsc::UnboundedReceiver;

/// An mbox of two messages, "Minutes" (about quarterly figures) and "Lunch".
fn mbox(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("old mail.mbox");
    let mut text = Vec::new();
    for (subject, body) in [
        ("Minutes", "the quarterly figures"),
        ("Lunch", "sandwiches"),
    ] {
        text.extend_from_slice(b"From - Mon Mar  3 09:15:00 2025\n");
        text.extend_from_slice(&common::message("bob@example.org", subject, body));
        text.extend_from_slice(b"\n");
    }
    std::fs::write(&file, text).unwrap();
    file
}

/// The worker's next report that indexing caught up; a failure, not a hang, when none
/// comes.
fn indexed(w: &Window, events: &mut UnboundedReceiver<Event>) -> Event {
    let next = async {
        loop {
            match events.recv().await {
                Some(event @ Event::Indexed(_)) => return event,
                Some(_) => continue,
                None => panic!("the worker stopped"),
            }
        }
    };
    w.runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(60), next).await })
        .expect("the import did not start indexing")
}

#[test]
fn mail_imported_in_the_window_is_found_by_search_without_a_fetch() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    let mut w = Window::start(paths.clone(), Language::English);
    // Fetching only when asked: nothing but the import can start indexing here.
    let (handle, mut events) = {
        let _enter = w.runtime.enter();
        worker::spawn(paths.clone(), Schedule::OnCommand)
    };
    w.send([Message::Worker(WorkerMessage::Ready(handle))]);

    w.send([
        Message::OpenTransfer,
        Message::Transfer(Transfer::ImportFrom(Some(mbox(dir.path())))),
    ]);
    w.expect("Imported 2 messages into \"Imported\"; 0 were already here and were skipped.");
    w.send([Message::Transfer(Transfer::Close)]);

    let event = indexed(&w, &mut events);
    w.send([
        Message::Worker(WorkerMessage::Event(event)),
        Message::Mailbox(mailbox::Message::SearchAll(true)),
        Message::Mailbox(mailbox::Message::Search("quarterly".into())),
    ]);
    w.expect("Minutes");
    assert!(!w.shows("Lunch"), "only what the search found");
}

#[test]
fn a_search_typed_while_indexing_runs_shows_what_it_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    poplar::transfer::import(&paths, &mbox(dir.path()), "Imported", |_| {}).unwrap();
    let mut w = Window::start(paths.clone(), Language::English);
    w.send([
        Message::Mailbox(mailbox::Message::SearchAll(true)),
        Message::Mailbox(mailbox::Message::Search("quarterly".into())),
    ]);
    w.expect("Nothing found.");

    // The worker's indexing, done here so that it surely ends after the search ran.
    let mut store = poplar::store::Store::open(&paths.database()).unwrap();
    let mut count = 0;
    while let n @ 1.. = store.index_pending(500).unwrap() {
        count += n;
    }
    w.send([Message::Worker(WorkerMessage::Event(Event::Indexed(count)))]);
    w.expect("Minutes");
    assert!(!w.shows("Lunch"), "only what the search found");
}
