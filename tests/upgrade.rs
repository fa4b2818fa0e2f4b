//! Start-up brings a database from an earlier release up to date before anything reads
//! it, and says so when that takes a while instead of looking frozen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::window::{Window, matches_snapshot};
use poplar::accounts::Keep;
use poplar::app::{App, Message, Startup};
use poplar::i18n::{self, Language};
use poplar::paths::Paths;
use poplar::preferences::Preferences;
use poplar::store::{self, Store};
use poplar::ui::describe::Said;

/// A data folder whose database is at schema 14, with one account and one message.
fn older_release() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let conn = common::database_at(&paths.database(), 14);
    conn.execute_batch(
        "INSERT INTO accounts (id, name, host, port, security, username, keep, created_at)
         VALUES (1, 'Old account', 'pop.example.org', 995, 'tls', 'u', 'days:30', 0);
         INSERT INTO messages (id, account_id, uidl, size, from_addr, subject, date, received_at)
         VALUES (7, 1, 'u-7', 6, 'ann@example.org', 'Kept across the upgrade', 0, 0);
         INSERT INTO message_bodies (message_id, raw) VALUES (7, X'5468616E6B73');
         INSERT INTO uidls (account_id, uidl, message_id, downloaded_at) VALUES (1, 'u-7', 7, 0);",
    )
    .unwrap();
    (dir, paths)
}

#[test]
fn an_older_database_is_upgraded_at_start_up_and_then_opens() {
    let (_dir, paths) = older_release();
    // Opening alone does not upgrade: the window must.
    assert!(matches!(
        Store::open(&paths.database()),
        Err(store::Error::Outdated { found: 14, .. })
    ));
    let w = Window::start(paths.clone(), Language::English);
    assert_eq!(w.app.startup, Startup::Ready);
    assert!(w.app.load_error.is_none(), "{:?}", w.app.load_error);
    w.expect("Old account (1)");
    w.expect("Kept across the upgrade");
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(
        store.account("Old account").unwrap().settings.keep,
        Keep::Days(30)
    );
    assert_eq!(store.raw_message(7).unwrap(), b"Thanks");
}

/// The window as it is while the upgrade runs, not yet finished.
fn upgrading(paths: Paths, language: Language) -> Window {
    i18n::set_thread_language(language);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, _upgrade) = {
        let _enter = runtime.enter();
        App::new(paths)
    };
    Window { runtime, app }
}

#[test]
fn a_slow_upgrade_says_what_the_window_is_doing() {
    let (_dir, paths) = older_release();
    let mut w = upgrading(paths.clone(), Language::English);
    // A quick upgrade shows nothing of itself.
    assert!(!w.shows("Updating the mail database…"));
    w.send([Message::UpgradeSlow]);
    w.expect("Updating the mail database…");
    matches_snapshot(&w, &iced::Theme::Light, "upgrading-light");
    // When it is done, the mailbox.
    store::upgrade(&paths.database()).unwrap();
    w.send([Message::Upgraded(Ok(()))]);
    assert!(!w.shows("Updating the mail database…"));
    w.expect("Old account (1)");
}

#[test]
fn the_upgrade_screen_speaks_japanese() {
    let (_dir, paths) = older_release();
    let mut w = upgrading(paths, Language::Japanese);
    w.send([Message::UpgradeSlow]);
    w.expect("メールのデータベースを更新しています…");
}

/// The language chosen in Preferences is read before the upgrade, as `app::run` does, so
/// the upgrade screen speaks it from its first frame. Before, start-up opened the store to
/// read it, which an outdated database refuses: the screen spoke the system's language.
#[test]
fn the_upgrade_screen_speaks_the_language_the_user_chose() {
    let (_dir, paths) = older_release();
    rusqlite::Connection::open(paths.database())
        .unwrap()
        .execute_batch("INSERT INTO settings (key, value) VALUES ('ui.language', 'ja');")
        .unwrap();
    // The system's language, for this test.
    i18n::set_thread_language(Language::English);
    let language = Preferences::language_before_upgrade(&paths.database());
    assert_eq!(language, Some(Language::Japanese));
    i18n::apply(language);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, _upgrade) = {
        let _enter = runtime.enter();
        App::new(paths)
    };
    let mut w = Window { runtime, app };
    w.send([Message::UpgradeSlow]);
    w.expect("メールのデータベースを更新しています…");
}

fn too_new() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let conn = common::database_at(&paths.database(), 14);
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    (dir, paths)
}

#[test]
fn a_database_that_cannot_be_upgraded_is_explained() {
    let (_dir, paths) = too_new();
    let w = Window::start(paths, Language::English);
    assert_eq!(w.app.startup, Startup::Failed);
    let error = w.app.load_error.clone().unwrap();
    assert!(
        matches!(
            error,
            poplar::ui::describe::Failure::Store(store::Error::TooNew { .. })
        ),
        "{error:?}"
    );
    w.expect(&format!("Could not read the mail database: {error}"));
}

/// The failure travels typed and the view says it, in the window's language: said where
/// it happened (on tokio's blocking pool), it came out in that thread's English.
#[test]
fn a_database_that_cannot_be_upgraded_is_explained_in_japanese() {
    let (_dir, paths) = too_new();
    let w = Window::start(paths, Language::Japanese);
    let error = w.app.load_error.clone().unwrap();
    let said = poplar::t!("list-load-error", error = error.said());
    assert!(said.contains("新しいバージョンの Poplar"), "{said}");
    w.expect(&said);
    assert!(!w.shows(&format!("Could not read the mail database: {error}")));
}

/// The command line upgrades once before its command, like the window.
#[test]
fn the_command_line_upgrades_before_its_command() {
    let (dir, paths) = older_release();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_poplar"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["account", "list"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Old account"));
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(
        store.account("Old account").unwrap().settings.keep,
        Keep::Days(30)
    );
}
