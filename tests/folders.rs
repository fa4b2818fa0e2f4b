//! Local folders and the Trash: mail never ends up where no view shows it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use poplar::store::{NewMessage, Sort, Store, View};

/// Imported mail (of no account) in a folder that is deleted goes to the Trash; taken out
/// of the Trash it used to belong to no folder and no account, so no view showed it. It
/// goes to "Imported" now.
#[test]
fn mail_of_a_deleted_folder_taken_out_of_the_trash_is_seen_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("poplar.db")).unwrap();
    let receipts = store.ensure_folder("Receipts").unwrap();
    let mut batch = vec![NewMessage::from_bytes(
        None,
        b"From: shop@example.org\r\nSubject: Receipt\r\n\r\nThanks\r\n".to_vec(),
    )];
    store.insert_into_folder(receipts, &mut batch).unwrap();
    store.delete_folder(receipts).unwrap();
    let trashed = store.ids(View::Trash, Sort::default()).unwrap();
    assert_eq!(trashed.len(), 1);
    store.restore(&trashed).unwrap();
    let (imported, _) = store
        .folders()
        .unwrap()
        .into_iter()
        .find(|(_, name)| name == poplar::store::ORPHANS_FOLDER)
        .expect("the folder for mail of no folder");
    assert_eq!(
        store.ids(View::Folder(imported), Sort::default()).unwrap(),
        trashed
    );
    assert!(store.ids(View::Trash, Sort::default()).unwrap().is_empty());
}

/// Mail already left in no view by an earlier release is found again at the upgrade.
#[test]
fn mail_an_earlier_release_left_in_no_view_is_filed_at_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("poplar.db");
    // As that release left it: the folder gone, the message in no folder and no Trash.
    let conn = common::database_at(&path, 13);
    conn.execute_batch(
        "INSERT INTO messages (id, size, subject, date, received_at)
         VALUES (1, 6, 'Lost receipt', 0, 0);
         INSERT INTO message_bodies (message_id, raw) VALUES (1, X'5468616E6B73');",
    )
    .unwrap();
    drop(conn);
    poplar::store::upgrade(&path).unwrap();
    let store = Store::open(&path).unwrap();
    let (imported, _) = store
        .folders()
        .unwrap()
        .into_iter()
        .find(|(_, name)| name == poplar::store::ORPHANS_FOLDER)
        .expect("made at the upgrade");
    assert_eq!(
        store
            .ids(View::Folder(imported), Sort::default())
            .unwrap()
            .len(),
        1
    );
}
