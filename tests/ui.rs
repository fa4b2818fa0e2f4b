//! The main window, driven with iced_test against mail fetched from a real Dovecot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::dovecot::{self, Dovecot};
use iced::futures::StreamExt;
use iced::{Settings, Task};
use iced_test::Simulator;
use poplar::accounts::{Keep, Security, Settings as AccountSettings};
use poplar::app::{App, Message};
use poplar::paths::Paths;
use poplar::store::Store;
use poplar::ui::reader::{self, Act, Reader};
use poplar::ui::{mailbox, message_list};

/// Runs a task to completion and feeds what it produces back into `update`, as the
/// runtime would.
fn drive(runtime: &tokio::runtime::Runtime, app: &mut App, task: Task<Message>) {
    let mut queue = vec![task];
    while let Some(task) = queue.pop() {
        let Some(stream) = iced_test::runtime::task::into_stream(task) else {
            continue;
        };
        for action in runtime.block_on(stream.collect::<Vec<_>>()) {
            if let iced_test::runtime::Action::Output(message) = action {
                queue.push(app.update(message));
            }
        }
    }
}

/// Starts the window's state in English, whatever this machine's locale, on this test's
/// thread only (tests in other languages run beside it).
fn start(paths: Paths) -> (App, Task<Message>) {
    poplar::i18n::set_thread_language(poplar::i18n::Language::English);
    App::new(paths)
}

fn simulator(app: &App) -> Simulator<'_, Message> {
    Simulator::with_size(Settings::default(), (1100.0, 720.0), app.view())
}

#[test]
fn lists_fetched_mail_and_opens_a_message_when_clicked() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(mut server) = Dovecot::start_or_skip() else {
        return;
    };
    server.deliver(&common::message(
        "bob@example.org",
        "Lunch on Friday",
        "Shall we meet at noon?",
    ));
    server.deliver(&common::japanese_message());

    let data = tempfile::tempdir().unwrap();
    let paths = Paths::at(data.path());
    paths.ensure().unwrap();
    {
        let store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&AccountSettings {
                name: "home".into(),
                email: "alice@example.org".into(),
                host: "127.0.0.1".into(),
                port: server.tls_port,
                security: Security::Tls,
                user: dovecot::USER.into(),
                keep: Keep::Forever,
                ca_file: Some(server.cert.clone()),
                ..Default::default()
            })
            .unwrap();
        let report = runtime
            .block_on(poplar::sync::fetch_account(
                &paths,
                &account,
                dovecot::PASSWORD,
                |_| {},
            ))
            .unwrap();
        assert_eq!(report.new, 2);
    }

    let (mut app, boot) = start(paths);
    drive(&runtime, &mut app, boot);

    let mut ui = simulator(&app);
    ui.find("Lunch on Friday").expect("English subject listed");
    ui.find("会議の件").expect("Japanese subject listed");
    ui.find("山田太郎").expect("Japanese sender listed by name");
    ui.find("home (2)")
        .expect("account with its unread count in the sidebar");
    assert!(
        ui.find("alice@example.org").is_err(),
        "the reading pane is empty before a click"
    );

    ui.click("会議の件").expect("click the Japanese message");
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages
            .iter()
            .any(|m| matches!(m, Message::List(message_list::Message::Clicked(_)))),
        "{messages:?}"
    );
    for message in messages {
        let task = app.update(message);
        drive(&runtime, &mut app, task);
    }

    match &app.reader {
        Reader::Loaded { message, body, .. } => {
            assert_eq!(message.subject, "会議の件");
            assert!(
                body.text().contains("明日の会議は十時からです。"),
                "{}",
                body.text()
            );
        }
        other => panic!("the message did not open: {other:?}"),
    }
    let mut ui = simulator(&app);
    ui.find("alice@example.org")
        .expect("the To header in the reading pane");
    ui.find("home (1)")
        .expect("opening the message marked it read");

    // The read flag was written to the store, not only to the screen.
    let store = Store::open(&app.paths.database()).unwrap();
    let rows = store.list_messages(None, 10, 0).unwrap();
    assert!(rows.iter().find(|r| r.subject == "会議の件").unwrap().read);
}

#[test]
fn first_start_offers_to_add_an_account() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (mut app, boot) = start(Paths::at(data.path()));
    drive(&runtime, &mut app, boot);

    let mut ui = simulator(&app);
    ui.find("Welcome to Poplar").unwrap();
    let _ = ui.click("Add account");
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(messages.iter().any(|m| matches!(
        m,
        Message::OpenAddAccount | Message::Toolbar(poplar::ui::Action::AddAccount)
    )));
    for message in messages {
        let _ = app.update(message);
    }
    assert!(app.account_dialog().is_some());

    // Saving an empty form explains what is missing and saves nothing.
    click(&runtime, &mut app, "Add");
    let mut ui = simulator(&app);
    ui.find("Enter your email address.").unwrap();
    ui.find("Enter the incoming (POP3) server, e.g. pop.example.com.")
        .unwrap();
    ui.find("Enter the password for this account.").unwrap();
    ui.find("Some fields need attention; nothing was saved.")
        .unwrap();
    assert!(app.account_dialog().is_some());
    assert!(
        Store::open(&Paths::at(data.path()).database())
            .unwrap()
            .accounts()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_fetch_shows_its_progress_and_then_its_counts() {
    use common::fake::{self, FakeServer, Options};
    use poplar::app::WorkerMessage;
    use poplar::worker::{self, Event, Schedule};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let messages: Vec<Vec<u8>> = (1..=3)
        .map(|n| {
            format!("From: n{n}@example.org\r\nSubject: Progress {n}\r\n\r\nbody\r\n").into_bytes()
        })
        .collect();
    let server = runtime.block_on(FakeServer::start(messages, Options::default(), |_, _| None));
    let data = tempfile::tempdir().unwrap();
    let paths = Paths::at(data.path());
    paths.ensure().unwrap();
    let home = Store::open(&paths.database())
        .unwrap()
        .add_account(&common::fake_account(&server, "home"))
        .unwrap();

    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let (handle, mut events) = worker::spawn(paths, Schedule::OnCommand);
    handle.send(worker::Command::RememberPassword {
        account: home.id,
        password: fake::PASSWORD.into(),
    });
    let _ = app.update(Message::Worker(WorkerMessage::Ready(handle)));

    click(&runtime, &mut app, "Get mail");

    let mut saw_progress = false;
    loop {
        let event = runtime
            .block_on(events.recv())
            .expect("the worker is running");
        let idle = matches!(event, Event::Idle);
        let progress = match &event {
            Event::Progress { progress, .. } if progress.done > 0 => Some(*progress),
            _ => None,
        };
        let task = app.update(Message::Worker(WorkerMessage::Event(event)));
        drive(&runtime, &mut app, task);
        if let Some(p) = progress {
            let mut ui = simulator(&app);
            let expected = format!(
                "home: {} of {} new messages ({} KB)",
                p.done,
                p.total,
                p.bytes / 1024
            );
            ui.find(expected.as_str())
                .expect("progress in the status bar");
            ui.find("Stop").expect("a fetch can be stopped");
            saw_progress = true;
        }
        if idle {
            break;
        }
    }
    assert!(saw_progress);
    let mut ui = simulator(&app);
    ui.find("home: 3 new, 0 deleted on server, 3 kept on server")
        .expect("the counts after the fetch");
    ui.find("Progress 3").expect("the new mail is listed");
    assert!(ui.find("Stop").is_err());
}

/// "Download the rest" asks the worker whatever the list holds, and the status bar names
/// the account the worker found by the message's id. Before, the window looked the account
/// up in the list's row: a row read before a rename named the old name, and with no row
/// (another folder shown) it sent nothing and said there was no worker.
#[test]
fn download_the_rest_asks_the_worker_whatever_the_list_holds() {
    use common::fake::{self, FakeServer, Options};
    use poplar::app::WorkerMessage;
    use poplar::worker::{self, Event, Schedule};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let big = |n: usize| {
        let mut m = format!("From: big@example.org\r\nSubject: Big one {n}\r\n\r\n").into_bytes();
        for i in 0..200 {
            m.extend_from_slice(format!("line {i} of a long message body\r\n").as_bytes());
        }
        m
    };
    let server = runtime.block_on(FakeServer::start(
        vec![big(1), big(2)],
        Options::default(),
        |_, _| None,
    ));
    let data = tempfile::tempdir().unwrap();
    let paths = Paths::at(data.path());
    paths.ensure().unwrap();
    let store = Store::open(&paths.database()).unwrap();
    let home = store
        .add_account(&AccountSettings {
            size_limit: Some(1000),
            ..common::fake_account(&server, "home")
        })
        .unwrap();
    runtime
        .block_on(poplar::sync::fetch_account(
            &paths,
            &home,
            fake::PASSWORD,
            |_| {},
        ))
        .unwrap();
    let id_of = |subject: &str| {
        let rows = store.list_messages(None, 10, 0).unwrap();
        rows.iter().find(|r| r.subject == subject).unwrap().id
    };
    let (first, second) = (id_of("Big one 1"), id_of("Big one 2"));
    assert!(store.message_origin(first).unwrap().2, "headers only");

    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let store_paths = paths.clone();
    let (handle, mut events) = worker::spawn(paths, Schedule::OnCommand);
    handle.send(worker::Command::RememberPassword {
        account: home.id,
        password: fake::PASSWORD.into(),
    });
    let _ = app.update(Message::Worker(WorkerMessage::Ready(handle.clone())));
    let mut until_idle = |app: &mut App| {
        let mut said = Vec::new();
        loop {
            let event = runtime
                .block_on(tokio::time::timeout(
                    std::time::Duration::from_secs(10),
                    events.recv(),
                ))
                .expect("the worker was asked")
                .expect("the worker is running");
            let idle = matches!(event, Event::Idle);
            let begun = matches!(event, Event::DownloadingRest { .. });
            let task = app.update(Message::Worker(WorkerMessage::Event(event)));
            drive(&runtime, app, task);
            if begun {
                said.push(app.status.line().to_string());
            }
            if idle {
                return said;
            }
        }
    };

    // The list's row was read before the account was renamed.
    click(&runtime, &mut app, "Big one 1");
    let mut renamed = home.settings.clone();
    renamed.name = "renamed".into();
    store.update_account(home.id, &renamed).unwrap();
    click(&runtime, &mut app, "Download the rest");
    assert_ne!(
        app.status.line(),
        "home: downloading the rest of the message…",
        "the row's old name"
    );

    let said = until_idle(&mut app);
    assert_eq!(said, ["renamed: downloading the rest of the message…"]);
    assert!(!store.message_origin(first).unwrap().2, "downloaded whole");

    // A window whose list has read no row of the message (here, none at all yet: the
    // list reads its rows a page at a time as they come into view).
    let (mut app, _boot) = start(store_paths);
    let _ = app.update(Message::Worker(WorkerMessage::Ready(handle)));
    assert!(app.list.row(second).is_none());
    apply(
        &runtime,
        &mut app,
        vec![Message::Reader(reader::Message::Act(
            second,
            Act::DownloadRest,
        ))],
    );
    assert_ne!(
        app.status.line(),
        "The mail worker is not running; restart Poplar."
    );
    let said = until_idle(&mut app);
    assert_eq!(said, ["renamed: downloading the rest of the message…"]);
    assert!(!store.message_origin(second).unwrap().2, "downloaded whole");
}

/// A window started on a fresh data folder whose account "home" holds `count` messages.
struct Started {
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    paths: Paths,
    app: App,
}

fn started_with_mail(count: usize) -> Started {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    store_some_mail(&paths, count);
    let (mut app, boot) = {
        let _enter = runtime.enter();
        start(paths.clone())
    };
    drive(&runtime, &mut app, boot);
    Started {
        runtime,
        dir,
        paths,
        app,
    }
}

fn store_some_mail(paths: &Paths, count: usize) {
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store
        .add_account(&AccountSettings {
            name: "home".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap();
    let mut batch: Vec<poplar::store::NewMessage> = (0..count)
        .map(|n| {
            poplar::store::NewMessage::from_bytes(
                Some(format!("u{n}").into()),
                format!("From: a{n}@example.org\r\nSubject: Kept safe {n}\r\n\r\nbody\r\n")
                    .into_bytes(),
            )
        })
        .collect();
    store.insert_batch(account.id, &mut batch).unwrap();
}

#[test]
fn a_damaged_database_offers_the_latest_backup_and_keeps_the_damaged_file() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    store_some_mail(&paths, 3);
    let backups = dir.path().join("backups");
    poplar::backup::configure(&paths, &backups, None).unwrap();
    poplar::backup::back_up(&paths, None).unwrap();

    // Damage the database.
    let bytes = common::damage_database(&paths.database(), 0x5A);

    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    assert!(app.damaged.is_some(), "the damage was noticed");
    let mut ui = simulator(&app);
    ui.find("Poplar cannot read your mail database").unwrap();
    ui.click("Restore the latest backup").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    assert!(app.damaged.is_none());
    let mut ui = simulator(&app);
    ui.find("Kept safe 2").expect("the mail is back");
    // The damaged file was set aside, not deleted.
    let aside: Vec<_> = std::fs::read_dir(paths.data_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .filter(|e| !e.file_name().to_string_lossy().ends_with("-wal"))
        .filter(|e| !e.file_name().to_string_lossy().ends_with("-shm"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(std::fs::read(aside[0].path()).unwrap(), bytes);
}

#[test]
fn the_backups_dialog_sets_the_folder_and_backs_up_through_the_worker() {
    use iced_test::selector::id;
    use poplar::app::WorkerMessage;
    use poplar::worker::{self, Event, Schedule};

    let Started {
        runtime,
        dir,
        paths,
        mut app,
    } = started_with_mail(2);
    let _enter = runtime.enter();
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    let _ = app.update(Message::Worker(WorkerMessage::Ready(handle)));

    let mut ui = simulator(&app);
    ui.find("Backups are off").expect("the status bar says so");
    ui.click("Backups").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    let folder = dir.path().join("usb-stick");
    let mut ui = simulator(&app);
    ui.find("No backups in this folder yet.").unwrap();
    ui.click(id("backup-folder")).unwrap();
    let _ = ui.typewrite(&folder.display().to_string());
    ui.click("Save").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    assert_eq!(
        poplar::backup::remembered_folder(&paths),
        Some(folder.clone())
    );

    click(&runtime, &mut app, "Back up now");
    let result = loop {
        match runtime.block_on(events.recv()).unwrap() {
            Event::BackedUp(result) => break result,
            _ => continue,
        }
    };
    let snapshot = result.clone().expect("the backup succeeded");
    let task = app.update(Message::Worker(WorkerMessage::Event(Event::BackedUp(
        result,
    ))));
    drive(&runtime, &mut app, task);
    assert!(snapshot.path.starts_with(&folder));
    let mut ui = simulator(&app);
    ui.find("Restore").expect("the new snapshot is listed");
    ui.find("Backed up just now")
        .expect("the status bar shows the backup");
}

#[test]
fn import_and_export_from_the_window_with_progress() {
    let Started {
        runtime,
        dir,
        paths: _,
        mut app,
    } = started_with_mail(250);
    let _enter = runtime.enter();

    click(&runtime, &mut app, "Import/Export");
    assert!(matches!(app.modal, Some(poplar::app::Modal::Transfer(_))));
    // The system's save dialog is skipped here: the chosen path arrives as it would.
    let out = dir.path().join("inbox.mbox");
    let task = app.update(Message::Transfer(poplar::ui::transfer::Message::ExportTo(
        poplar::transfer::Format::Mbox,
        Some(out.clone()),
    )));
    drive(&runtime, &mut app, task);
    let mut ui = simulator(&app);
    ui.find("Exported 250 messages.").unwrap();
    assert!(out.exists());

    // Import it into a second mailbox, into a local folder that then shows in the sidebar.
    let other = Paths::at(dir.path().join("other"));
    other.ensure().unwrap();
    let (mut app, boot) = start(other.clone());
    drive(&runtime, &mut app, boot);
    let _ = app.update(Message::OpenTransfer);
    let task = app.update(Message::Transfer(
        poplar::ui::transfer::Message::ImportFrom(Some(out.clone())),
    ));
    drive(&runtime, &mut app, task);
    let mut ui = simulator(&app);
    ui.find("Imported 250 messages into \"Imported\"; 0 were already here and were skipped.")
        .unwrap();
    drop(ui);
    let _ = app.update(Message::Transfer(poplar::ui::transfer::Message::Close));
    let mut ui = simulator(&app);
    ui.click("Imported (250)")
        .expect("the folder, with its unread count");
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    let mut ui = simulator(&app);
    ui.find("Kept safe 249")
        .expect("the imported mail is listed in its folder");
}

/// Clicks what shows `text` and applies what the click produced.
fn click(runtime: &tokio::runtime::Runtime, app: &mut App, text: &str) {
    let mut ui = simulator(app);
    if let Err(e) = ui.click(text) {
        panic!("could not click {text:?}: {e:?}");
    }
    let messages = feed(ui);
    apply(runtime, app, messages);
}

/// A store's account "home" on a server no test reaches.
fn home_account(store: &Store) -> poplar::accounts::Account {
    store
        .add_account(&AccountSettings {
            name: "home".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap()
}

fn feed(ui: Simulator<'_, Message>) -> Vec<Message> {
    ui.into_messages().collect()
}

fn apply(runtime: &tokio::runtime::Runtime, app: &mut App, messages: Vec<Message>) {
    for message in messages {
        let task = app.update(message);
        drive(runtime, app, task);
    }
}

fn press(runtime: &tokio::runtime::Runtime, app: &mut App, key: iced::keyboard::Key, shift: bool) {
    use iced::keyboard::{Event, Location, Modifiers};
    let modifiers = if shift {
        Modifiers::SHIFT
    } else {
        Modifiers::default()
    };
    let event = Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: iced::keyboard::key::Physical::Unidentified(
            iced::keyboard::key::NativeCode::Unidentified,
        ),
        location: Location::Standard,
        modifiers,
        text: None,
        repeat: false,
    };
    apply(
        runtime,
        app,
        vec![
            Message::Key(Event::ModifiersChanged(modifiers)),
            Message::Key(event),
        ],
    );
}

#[test]
fn sort_search_keyboard_and_multi_select() {
    use iced::keyboard::Key;
    use iced::keyboard::key::Named;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = home_account(&store);
        let mails = [
            (
                "Bob <bob@example.org>",
                "Apples",
                "2025-03-01",
                "fruit for the office",
            ),
            (
                "Carol <carol@example.org>",
                "Bananas",
                "2025-03-02",
                "more fruit",
            ),
            (
                "Dave <dave@example.org>",
                "Cherries",
                "2025-03-03",
                "quarterly report draft",
            ),
        ];
        let mut batch: Vec<poplar::store::NewMessage> = mails
            .iter()
            .enumerate()
            .map(|(i, (from, subject, day, body))| {
                poplar::store::NewMessage::from_bytes(
                    Some(format!("u{i}").into()),
                    format!("From: {from}\r\nSubject: {subject}\r\nDate: {day}T10:00:00Z\r\n\r\n{body}\r\n")
                        .replace("T10:00:00Z", "")
                        .replace("Date: 2025-03-0", "Date: Mon, 0")
                        .replace("\r\n\r\n", " Mar 2025 10:00:00 +0000\r\n\r\n")
                        .into_bytes(),
                )
            })
            .collect();
        batch.push(poplar::store::NewMessage::from_bytes(
            Some("jp".into()),
            common::japanese_message(),
        ));
        store.insert_batch(account.id, &mut batch).unwrap();
        while store.index_pending(100).unwrap() > 0 {}
    }
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let order = |app: &App| -> Vec<String> {
        let mut ui = simulator(app);
        let mut found: Vec<(f32, String)> = ["Apples", "Bananas", "Cherries", "会議の件"]
            .iter()
            .filter_map(|s| ui.find(*s).ok().map(|t| (t.bounds().y, s.to_string())))
            .collect();
        found.sort_by(|a, b| a.0.total_cmp(&b.0));
        found.into_iter().map(|(_, s)| s).collect()
    };
    assert_eq!(
        order(&app),
        ["会議の件", "Cherries", "Bananas", "Apples"],
        "newest first"
    );

    // Sort by subject, then the other way round.
    click(&runtime, &mut app, "Subject");
    assert_eq!(order(&app), ["Apples", "Bananas", "Cherries", "会議の件"]);
    click(&runtime, &mut app, "Subject ▲");
    assert_eq!(order(&app), ["会議の件", "Cherries", "Bananas", "Apples"]);

    // Keyboard: down opens the first, then the next.
    press(&runtime, &mut app, Key::Named(Named::ArrowDown), false);
    assert!(matches!(&app.reader, Reader::Loaded { message, .. } if message.subject == "会議の件"));
    press(&runtime, &mut app, Key::Character("n".into()), false);
    assert!(matches!(&app.reader, Reader::Loaded { message, .. } if message.subject == "Cherries"));
    press(&runtime, &mut app, Key::Character("p".into()), false);
    assert!(matches!(&app.reader, Reader::Loaded { message, .. } if message.subject == "会議の件"));

    // Shift+Down selects two; Delete moves both to the Trash.
    press(&runtime, &mut app, Key::Named(Named::ArrowDown), true);
    assert_eq!(app.list.selection().len(), 2);
    press(&runtime, &mut app, Key::Named(Named::Delete), false);
    assert_eq!(order(&app), ["Bananas", "Apples"]);
    assert_eq!(
        Store::open(&paths.database())
            .unwrap()
            .count(poplar::store::View::Trash)
            .unwrap(),
        2
    );

    // Ctrl+click adds to the selection.
    apply(
        &runtime,
        &mut app,
        vec![Message::Key(iced::keyboard::Event::ModifiersChanged(
            iced::keyboard::Modifiers::CTRL,
        ))],
    );
    let mut ui = simulator(&app);
    ui.click("Bananas").unwrap();
    ui.click("Apples").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    assert_eq!(app.list.selection().len(), 2);

    // Search, Latin and Japanese (the Japanese message is in the Trash now: search there).
    apply(
        &runtime,
        &mut app,
        vec![Message::Key(iced::keyboard::Event::ModifiersChanged(
            iced::keyboard::Modifiers::default(),
        ))],
    );
    apply(
        &runtime,
        &mut app,
        vec![Message::Mailbox(mailbox::Message::Search("fruit".into()))],
    );
    assert_eq!(order(&app), ["Bananas", "Apples"]);
    apply(
        &runtime,
        &mut app,
        vec![Message::Mailbox(mailbox::Message::Search("office".into()))],
    );
    assert_eq!(order(&app), ["Apples"]);
    apply(
        &runtime,
        &mut app,
        vec![
            Message::Mailbox(mailbox::Message::SelectFolder(poplar::app::Folder::Trash)),
            Message::Mailbox(mailbox::Message::Search("会議".into())),
        ],
    );
    assert_eq!(order(&app), ["会議の件"]);
    apply(
        &runtime,
        &mut app,
        vec![Message::Mailbox(mailbox::Message::Search(
            "明日の会議".into(),
        ))],
    );
    assert_eq!(order(&app), ["会議の件"]);
    apply(
        &runtime,
        &mut app,
        vec![Message::Mailbox(mailbox::Message::Search("議会".into()))],
    );
    assert!(order(&app).is_empty());
    let mut ui = simulator(&app);
    ui.find("Nothing found.").unwrap();
}

#[test]
fn the_reading_pane_attachments_source_links_flag_and_unread() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    let raw = b"From: Carol <carol@example.org>\r\nTo: alice@example.org\r\nSubject: Photos and the agenda\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The agenda is at <a href=\"https://evil.example/login\">https://intranet.example/agenda</a>.</p>\r\n--b1\r\nContent-Type: text/plain; name=\"agenda.txt\"\r\nContent-Disposition: attachment; filename=\"agenda.txt\"\r\n\r\n1. Budget\r\n2. Lunch\r\n--b1--\r\n".to_vec();
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = home_account(&store);
        store
            .insert_batch(
                account.id,
                &mut [poplar::store::NewMessage::from_bytes(
                    Some("a".into()),
                    raw.clone(),
                )],
            )
            .unwrap();
        while store.index_pending(10).unwrap() > 0 {}
    }
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    click(&runtime, &mut app, "Photos and the agenda");
    let id = match &app.reader {
        Reader::Loaded { id, .. } => *id,
        other => panic!("{other:?}"),
    };

    let mut ui = simulator(&app);
    ui.find("agenda.txt (19 B)")
        .expect("the attachment is listed");
    // The link shows where it really goes, and nothing opens before a second click.
    ui.click("https://evil.example/login").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    let mut ui = simulator(&app);
    ui.find("Open https://evil.example/login in your browser?")
        .unwrap();
    ui.click("Cancel").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    let mut ui = simulator(&app);
    assert!(
        ui.find("Open https://evil.example/login in your browser?")
            .is_err()
    );
    drop(ui);

    // Save the attachment (the system's dialog answers with this path).
    let saved = dir.path().join("agenda.txt");
    apply(
        &runtime,
        &mut app,
        vec![Message::Reader(reader::Message::SaveAttachmentTo(
            id,
            0,
            Some(saved.clone()),
        ))],
    );
    assert_eq!(std::fs::read(&saved).unwrap(), b"1. Budget\r\n2. Lunch");

    // View source shows the bytes, View message the text again.
    click(&runtime, &mut app, "View source");
    match &app.reader {
        Reader::Loaded { body, .. } => {
            assert!(body.text().contains("Content-Disposition: attachment"));
        }
        other => panic!("{other:?}"),
    }
    click(&runtime, &mut app, "View message");

    // Flag, unflag, mark unread: written to the store.
    click(&runtime, &mut app, "Flag");
    let row = |paths: &Paths| {
        Store::open(&paths.database())
            .unwrap()
            .rows(&[id])
            .unwrap()
            .remove(0)
    };
    assert!(row(&paths).flagged);
    let mut ui = simulator(&app);
    ui.click("Unflag").unwrap();
    ui.click("Mark unread").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    let r = row(&paths);
    assert!(!r.flagged && !r.read);
    assert_eq!(r.attachments, 1);
}

/// Reading a message counts it off its own account's unread mail, found by the account's
/// id: a removed account (its mail kept) and a new one of the same name are two accounts.
#[test]
fn reading_a_message_counts_it_off_its_own_account() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    let (old, new) = {
        let mut store = Store::open(&paths.database()).unwrap();
        let store_one = |store: &mut Store, subject: &str| {
            let account = home_account(store);
            let raw = format!("From: a@example.org\r\nSubject: {subject}\r\n\r\nbody\r\n");
            let mut batch = [poplar::store::NewMessage::from_bytes(
                Some(subject.into()),
                raw.into_bytes(),
            )];
            store.insert_batch(account.id, &mut batch).unwrap();
            account.id
        };
        let old = store_one(&mut store, "From the old home");
        store.remove_account("home", false).unwrap();
        (old, store_one(&mut store, "From the new home"))
    };
    assert_ne!(old, new);
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    assert_eq!(app.snapshot.unread.get(&old), Some(&1));
    assert_eq!(app.snapshot.unread.get(&new), Some(&1));

    click(&runtime, &mut app, "From the old home");
    assert!(matches!(app.reader, Reader::Loaded { .. }));
    assert_eq!(app.snapshot.unread.get(&old), Some(&0));
    assert_eq!(
        app.snapshot.unread.get(&new),
        Some(&1),
        "the new account of the same name still has its unread message"
    );
    let mut ui = simulator(&app);
    ui.find("home (1)")
        .expect("the sidebar still counts the new account's message");
}

#[test]
fn folders_are_created_renamed_filled_and_deleted() {
    use poplar::app::{Folder, MoveTarget};
    let Started {
        runtime,
        dir: _dir,
        paths,
        mut app,
    } = started_with_mail(3);
    let _enter = runtime.enter();

    click(&runtime, &mut app, "New folder");
    apply(
        &runtime,
        &mut app,
        vec![
            Message::Mailbox(mailbox::Message::FolderName("Receipts".into())),
            Message::Mailbox(mailbox::Message::SaveFolder),
        ],
    );
    let mut ui = simulator(&app);
    ui.find("Receipts")
        .expect("the new folder is in the sidebar");
    drop(ui);
    let folder = app.snapshot.folders[0].0;

    // File a message there.
    click(&runtime, &mut app, "Kept safe 2");
    let id = match &app.reader {
        Reader::Loaded { id, .. } => *id,
        other => panic!("{other:?}"),
    };
    apply(
        &runtime,
        &mut app,
        vec![Message::Reader(reader::Message::Act(
            id,
            Act::MoveTo(MoveTarget::folder(folder, "Receipts")),
        ))],
    );
    let mut ui = simulator(&app);
    assert!(ui.find("Kept safe 2").is_err(), "gone from the inbox");
    drop(ui);
    apply(
        &runtime,
        &mut app,
        vec![Message::Mailbox(mailbox::Message::SelectFolder(
            Folder::Local(folder),
        ))],
    );
    let mut ui = simulator(&app);
    ui.find("Kept safe 2").expect("in the folder");
    drop(ui);
    // A local folder counts its unread mail like an inbox.
    apply(
        &runtime,
        &mut app,
        vec![Message::Reader(reader::Message::Act(id, Act::MarkUnread))],
    );
    let mut ui = simulator(&app);
    ui.find("Receipts (1)").expect("the folder's unread count");
    ui.click("Rename").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    apply(
        &runtime,
        &mut app,
        vec![
            Message::Mailbox(mailbox::Message::FolderName("Paid".into())),
            Message::Mailbox(mailbox::Message::SaveFolder),
        ],
    );
    let mut ui = simulator(&app);
    ui.find("Paid (1)").expect("renamed");
    ui.click("Delete").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    assert!(app.snapshot.folders.is_empty());
    // Its message went to the Trash, not away.
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(store.count(poplar::store::View::Trash).unwrap(), 1);
}

#[test]
fn preferences_apply_at_once_and_are_kept() {
    use poplar::preferences::{Appearance, MarkRead, Pane, Preferences};
    use poplar::ui::preferences;
    let Started {
        runtime,
        dir: _dir,
        paths,
        mut app,
    } = started_with_mail(2);
    let _enter = runtime.enter();
    assert_eq!(app.theme(), None, "follows the system at first");

    click(&runtime, &mut app, "Preferences");
    let mut ui = simulator(&app);
    ui.find("Show a notification when new mail arrives")
        .unwrap();
    drop(ui);
    let chosen = Preferences {
        appearance: Appearance::Dark,
        pane: Pane::Beside,
        mark_read: MarkRead::Never,
        notify: false,
        language: None,
        empty_junk: None,
    };
    apply(
        &runtime,
        &mut app,
        vec![
            Message::Preferences(preferences::Message::Set(chosen)),
            Message::Preferences(preferences::Message::Close),
        ],
    );
    assert_eq!(app.theme(), Some(iced::Theme::Dark));

    // Opening a message no longer marks it read.
    click(&runtime, &mut app, "Kept safe 1");
    assert!(matches!(app.reader, Reader::Loaded { .. }));
    let store = Store::open(&paths.database()).unwrap();
    assert!(
        store
            .list_messages(None, 10, 0)
            .unwrap()
            .iter()
            .all(|r| !r.read)
    );

    // Kept for the next start.
    let (mut again, boot) = start(paths.clone());
    drive(&runtime, &mut again, boot);
    assert_eq!(again.snapshot.preferences, chosen);
}

#[test]
fn accounts_are_edited_tested_and_removed_from_the_window() {
    use common::fake::{self, FakeServer, Options};
    use poplar::app::Folder;
    use poplar::ui::add_account;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let server = runtime.block_on(FakeServer::start(vec![], Options::default(), |_, _| None));
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path().join("data"));
    paths.ensure().unwrap();
    store_some_mail(&paths, 2);
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let id = app.snapshot.accounts[0].id;

    apply(
        &runtime,
        &mut app,
        vec![Message::Mailbox(mailbox::Message::SelectFolder(
            Folder::Account(id),
        ))],
    );
    click(&runtime, &mut app, "Edit");
    let mut ui = simulator(&app);
    ui.find("Edit account").unwrap();
    ui.find("pop.example.org")
        .expect("the form holds the settings");
    drop(ui);

    // Point it at the scripted server and test the connection with a typed password.
    let edits = vec![
        add_account::Message::Host("127.0.0.1".into()),
        add_account::Message::Security(poplar::accounts::Security::Plain),
        add_account::Message::ConfirmPlain(true),
        add_account::Message::Port(server.port.to_string()),
        add_account::Message::User(fake::USER.into()),
        add_account::Message::Password(fake::PASSWORD.into()),
        add_account::Message::Test,
    ];
    apply(
        &runtime,
        &mut app,
        edits.into_iter().map(Message::AddAccount).collect(),
    );
    let mut ui = simulator(&app);
    ui.find("Connected and logged in (not encrypted). 0 messages on the server.\nLogin methods: USER/PASS. UIDL: yes. TOP: yes. PIPELINING: no.")
        .expect("what the server offers");
    drop(ui);
    apply(
        &runtime,
        &mut app,
        vec![
            Message::AddAccount(add_account::Message::Password("wrong".into())),
            Message::AddAccount(add_account::Message::Test),
        ],
    );
    let mut ui = simulator(&app);
    ui.find(
        "Login failed for alice at 127.0.0.1: wrong password. Check the user name and password.",
    )
    .expect("a failed test says why");
    ui.click("Save").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    assert!(app.account_dialog().is_none());
    let store = Store::open(&paths.database()).unwrap();
    let saved = store.account("home").unwrap();
    assert_eq!(saved.settings.host, "127.0.0.1");
    assert_eq!(saved.settings.port, server.port);
    assert_eq!(
        saved.settings.keep,
        Keep::Days(14),
        "what the form does not show is kept"
    );

    // Remove it, keeping its mail.
    click(&runtime, &mut app, "Remove");
    let mut ui = simulator(&app);
    ui.find("Remove the account home?").unwrap();
    ui.click("Keep its mail").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    assert!(app.snapshot.accounts.is_empty());
    let mut ui = simulator(&app);
    ui.find("Kept safe 1").expect("its mail is still readable");
}

#[test]
fn find_settings_fills_in_the_server_for_a_known_provider() {
    use poplar::ui::add_account;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let dir = tempfile::tempdir().unwrap();
    let (mut app, boot) = start(Paths::at(dir.path()));
    drive(&runtime, &mut app, boot);
    apply(
        &runtime,
        &mut app,
        vec![
            Message::OpenAddAccount,
            Message::AddAccount(add_account::Message::Email("taro@ocn.ne.jp".into())),
        ],
    );
    click(&runtime, &mut app, "Find settings");
    let mut ui = simulator(&app);
    ui.find("pop.ocn.ne.jp")
        .expect("the server field is filled in");
    ui.find("Found pop.ocn.ne.jp:995 (SSL/TLS).").unwrap();
    // The User field itself: the address typed into Email is on screen whatever User holds.
    match ui.find(iced_test::selector::id("user")) {
        Ok(iced_test::selector::Target::TextInput { content, .. }) => {
            assert_eq!(
                content, "taro@ocn.ne.jp",
                "the user name follows the address"
            );
        }
        other => panic!("the User field: {other:?}"),
    }
}

#[test]
fn a_certificate_that_does_not_verify_can_be_trusted_from_the_dialog() {
    use common::fake::{self, FakeServer, Options};
    use poplar::ui::add_account::Message as Form;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let server = runtime.block_on(FakeServer::start(
        vec![],
        Options {
            capa: Some(vec!["STLS".into(), "USER".into(), "UIDL".into()]),
            ..Options::default()
        },
        |_, _| None,
    ));
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let form = vec![
        Message::OpenAddAccount,
        Message::AddAccount(Form::Email("office@example.org".into())),
        Message::AddAccount(Form::Host("127.0.0.1".into())),
        Message::AddAccount(Form::Security(Security::StartTls)),
        Message::AddAccount(Form::Port(server.port.to_string())),
        Message::AddAccount(Form::User(fake::USER.into())),
        Message::AddAccount(Form::Password(fake::PASSWORD.into())),
        Message::AddAccount(Form::Test),
    ];
    apply(&runtime, &mut app, form);
    click(
        &runtime,
        &mut app,
        "Trust this certificate for this account",
    );
    apply(&runtime, &mut app, vec![Message::AddAccount(Form::Test)]);
    let mut ui = simulator(&app);
    ui.find("Connected and logged in (encrypted with TLS 1.2 or newer). 0 messages on the server.\nLogin methods: USER/PASS. UIDL: yes. TOP: no. PIPELINING: no.")
        .expect("logged in over the trusted certificate");
    ui.click("Add").unwrap();
    let messages = feed(ui);
    apply(&runtime, &mut app, messages);
    let account = Store::open(&paths.database())
        .unwrap()
        .account("office@example.org")
        .unwrap();
    assert!(account.settings.pinned_cert.is_some());
}

#[test]
fn a_missing_password_is_asked_for_and_the_fetch_goes_on() {
    use common::fake::{self, FakeServer, Options};
    use poplar::app::WorkerMessage;
    use poplar::ui::password_prompt::Message as Prompt;
    use poplar::worker::{self, Event, Schedule};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let server = runtime.block_on(FakeServer::start(
        vec![b"From: a@b.c\r\nSubject: Asked\r\n\r\nbody\r\n".to_vec()],
        Options::default(),
        |_, _| None,
    ));
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let name = format!("prompted-{}", std::process::id());
    Store::open(&paths.database())
        .unwrap()
        .add_account(&common::fake_account(&server, &name))
        .unwrap();
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    let _ = app.update(Message::Worker(WorkerMessage::Ready(handle)));
    apply(&runtime, &mut app, vec![Message::GetMail]);

    let mut finished = None;
    while finished.is_none() {
        let event = runtime.block_on(events.recv()).unwrap();
        if let Event::Finished { report, .. } = &event {
            finished = Some(report.new);
        }
        let task = app.update(Message::Worker(WorkerMessage::Event(event)));
        drive(&runtime, &mut app, task);
        if matches!(app.modal, Some(poplar::app::Modal::Password)) {
            let mut ui = simulator(&app);
            ui.find(format!("Password for {name}").as_str()).unwrap();
            drop(ui);
            apply(
                &runtime,
                &mut app,
                vec![
                    Message::Password(Prompt::Typed(fake::PASSWORD.into())),
                    Message::Password(Prompt::Submit),
                ],
            );
        }
    }
    assert_eq!(finished, Some(1));
    let store = Store::open(&paths.database()).unwrap();
    let account = store.account(&name).unwrap();
    let _ = poplar::secrets::Keyring::open(&store)
        .unwrap()
        .delete(&account);
}

/// With a dialog open (Preferences, the remove-account question, the password prompt),
/// the window's shortcuts leave the list behind it alone: Delete trashes nothing, J marks
/// nothing as junk, n/p and the arrows open nothing, F5 fetches nothing. Escape answers the question "no".
#[test]
fn shortcuts_do_nothing_behind_a_dialog() {
    use iced::keyboard::Key;
    use iced::keyboard::key::Named;
    use poplar::app::{Modal, WorkerMessage};
    use poplar::worker::{Event, FetchError};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let account = {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = home_account(&store);
        let mut batch: Vec<poplar::store::NewMessage> = ["First", "Second"]
            .iter()
            .enumerate()
            .map(|(i, subject)| {
                poplar::store::NewMessage::from_bytes(
                    Some(format!("u{i}").into()),
                    format!("From: a@example.org\r\nSubject: {subject}\r\nDate: Mon, {} Mar 2025 10:00:00 +0000\r\n\r\nx\r\n", i + 1)
                        .into_bytes(),
                )
            })
            .collect();
        store.insert_batch(account.id, &mut batch).unwrap();
        account
    };
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let shown = |app: &App| app.reader.shown();
    press(&runtime, &mut app, Key::Named(Named::ArrowDown), false);
    let open = shown(&app).expect("Down opens the newest message");
    let password_failed = Message::Worker(WorkerMessage::Event(Event::Failed {
        account: Some(account.id),
        name: "home".into(),
        error: FetchError::Password(poplar::secrets::Error::NotFound("home".into())),
    }));
    for opening in [
        Message::OpenPreferences,
        Message::OpenRemoveAccount(account.id),
        password_failed,
    ] {
        apply(&runtime, &mut app, vec![opening]);
        assert!(app.modal.is_some());
        let status = app.status.line().to_string();
        for key in [
            Key::Character("j".into()),
            Key::Named(Named::ArrowDown),
            Key::Named(Named::Delete),
            Key::Named(Named::F5),
        ] {
            press(&runtime, &mut app, key, false);
        }
        assert_eq!(shown(&app), Some(open), "nothing else was opened");
        assert_eq!(app.status.line(), status, "nothing was fetched");
        let store = Store::open(&paths.database()).unwrap();
        assert_eq!(store.count(poplar::store::View::Trash).unwrap(), 0);
        press(&runtime, &mut app, Key::Named(Named::Escape), false);
        assert!(
            app.modal.is_none(),
            "Escape closes {opening_name}",
            opening_name = "the question"
        );
    }
    // With the dialog gone the shortcuts work again.
    press(&runtime, &mut app, Key::Named(Named::Delete), false);
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(store.count(poplar::store::View::Trash).unwrap(), 1);
    assert!(!matches!(app.modal, Some(Modal::Password)));
}

/// Mail "First" and "Second" in the account "home", the window started on it and the
/// newest message opened with the Down key.
fn started_with_two_open(runtime: &tokio::runtime::Runtime) -> (tempfile::TempDir, Paths, App) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let account = home_account(&store);
        let mut batch: Vec<poplar::store::NewMessage> = ["First", "Second"]
            .iter()
            .enumerate()
            .map(|(i, subject)| {
                poplar::store::NewMessage::from_bytes(
                    Some(format!("u{i}").into()),
                    format!("From: a@example.org\r\nSubject: {subject}\r\nDate: Mon, {} Mar 2025 10:00:00 +0000\r\n\r\nSee https://example.org/agenda\r\n", i + 1)
                        .into_bytes(),
                )
            })
            .collect();
        store.insert_batch(account.id, &mut batch).unwrap();
    }
    let (mut app, boot) = start(paths.clone());
    drive(runtime, &mut app, boot);
    press(
        runtime,
        &mut app,
        iced::keyboard::Key::Named(iced::keyboard::key::Named::ArrowDown),
        false,
    );
    assert!(
        app.reader.shown().is_some(),
        "Down opens the newest message"
    );
    (dir, paths, app)
}

/// Presses the list's shortcuts (j, Down, Delete, F5) and checks that none of them did
/// anything: the same message open, nothing trashed, nothing fetched.
fn shortcuts_leave_the_list_alone(
    runtime: &tokio::runtime::Runtime,
    app: &mut App,
    paths: &Paths,
    behind: &str,
) {
    use iced::keyboard::Key;
    use iced::keyboard::key::Named;
    let (open, status) = (app.reader.shown(), app.status.line().to_string());
    for key in [
        Key::Character("j".into()),
        Key::Named(Named::ArrowDown),
        Key::Named(Named::Delete),
        Key::Named(Named::F5),
    ] {
        press(runtime, app, key, false);
    }
    assert_eq!(
        app.reader.shown(),
        open,
        "nothing else was opened behind {behind}"
    );
    assert_eq!(
        app.status.line(),
        status,
        "nothing was fetched behind {behind}"
    );
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(
        store.count(poplar::store::View::Trash).unwrap(),
        0,
        "nothing was trashed behind {behind}"
    );
}

/// The damaged-database screen and the slow upgrade's screen replace the window, and the
/// reading pane's "open this link?" is about the message under it: while any of them is
/// up, the shortcuts leave the list alone. Escape answers the reading pane's question "no".
#[test]
fn shortcuts_do_nothing_to_a_list_out_of_sight() {
    use iced::keyboard::Key;
    use iced::keyboard::key::Named;
    use poplar::app::{Damaged, Startup};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_dir, paths, mut app) = started_with_two_open(&runtime);

    app.damaged = Some(Damaged {
        detail: poplar::backup::Damage::Integrity("file is not a database".into()),
        latest: None,
    });
    simulator(&app)
        .find("Poplar cannot read your mail database")
        .expect("the damaged database's screen is up");
    shortcuts_leave_the_list_alone(&runtime, &mut app, &paths, "the damaged database");
    app.damaged = None;

    app.startup = Startup::Upgrading { slow: true };
    shortcuts_leave_the_list_alone(&runtime, &mut app, &paths, "the upgrade's screen");
    app.startup = Startup::Ready;

    let question = "Open https://example.org/agenda in your browser?";
    apply(
        &runtime,
        &mut app,
        vec![Message::Reader(reader::Message::OpenLink(
            "https://example.org/agenda".into(),
        ))],
    );
    simulator(&app).find(question).expect("the pane asks");
    shortcuts_leave_the_list_alone(&runtime, &mut app, &paths, "the link's question");
    press(&runtime, &mut app, Key::Named(Named::Escape), false);
    assert!(
        simulator(&app).find(question).is_err(),
        "Escape answers the question"
    );
    // With the question gone the shortcuts work again.
    press(&runtime, &mut app, Key::Named(Named::Delete), false);
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(store.count(poplar::store::View::Trash).unwrap(), 1);
}

/// Passwords asked for while another dialog is open, or while a prompt is open, wait in
/// turn, one per account in the order asked: each is asked once the one before it is
/// answered, and an account asked for twice is asked once.
#[test]
fn passwords_are_asked_for_in_turn_one_per_account() {
    use iced::keyboard::Key;
    use iced::keyboard::key::Named;
    use poplar::app::{Modal, WorkerMessage};
    use poplar::ui::password_prompt::Message as Prompt;
    use poplar::worker::{Event, FetchError};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let accounts: Vec<_> = {
        let store = Store::open(&paths.database()).unwrap();
        ["home", "work", "club"]
            .iter()
            .map(|name| {
                store
                    .add_account(&AccountSettings {
                        name: (*name).into(),
                        host: "pop.example.org".into(),
                        user: "u".into(),
                        ..Default::default()
                    })
                    .unwrap()
            })
            .collect()
    };
    let (mut app, boot) = start(paths.clone());
    drive(&runtime, &mut app, boot);
    let failed = |account: &poplar::accounts::Account| {
        Message::Worker(WorkerMessage::Event(Event::Failed {
            account: Some(account.id),
            name: account.settings.name.clone(),
            error: FetchError::Password(poplar::secrets::Error::NotFound(
                account.settings.name.clone(),
            )),
        }))
    };
    let (home, work, club) = (&accounts[0], &accounts[1], &accounts[2]);
    let asked =
        |app: &App| -> Vec<String> { app.passwords.waiting().map(|p| p.name.clone()).collect() };
    let on_show = |app: &App| {
        assert!(
            matches!(app.modal, Some(Modal::Password)),
            "{:?}",
            app.modal
        );
        let mut shown = Vec::new();
        for name in ["home", "work", "club"] {
            if simulator(app)
                .find(format!("Password for {name}").as_str())
                .is_ok()
            {
                shown.push(name);
            }
        }
        shown
    };

    // Behind Preferences, two accounts wait; home's second failure is not a second prompt.
    apply(&runtime, &mut app, vec![Message::OpenPreferences]);
    apply(
        &runtime,
        &mut app,
        vec![failed(home), failed(work), failed(home)],
    );
    assert!(matches!(app.modal, Some(Modal::Preferences(_))));
    assert_eq!(asked(&app), ["home", "work"]);
    press(&runtime, &mut app, Key::Named(Named::Escape), false);
    assert_eq!(on_show(&app), ["home"], "the first asked is asked first");

    // While home's prompt is open, club fails too: it waits its turn (work's second
    // failure does not).
    apply(&runtime, &mut app, vec![failed(club), failed(work)]);
    assert_eq!(asked(&app), ["home", "work", "club"]);
    assert_eq!(on_show(&app), ["home"], "the open prompt stays");

    // Answering one asks the next.
    apply(
        &runtime,
        &mut app,
        vec![
            Message::Password(Prompt::Typed("secret".into())),
            Message::Password(Prompt::Submit),
        ],
    );
    assert_eq!(on_show(&app), ["work"]);
    click(&runtime, &mut app, "Not now");
    assert_eq!(on_show(&app), ["club"]);
    press(&runtime, &mut app, Key::Named(Named::Escape), false);
    assert!(app.modal.is_none(), "nothing more to ask");
    assert!(asked(&app).is_empty());

    // home's answer went to the keyring (where there is one): leave nothing behind.
    let store = Store::open(&paths.database()).unwrap();
    if let Ok(keyring) = poplar::secrets::Keyring::open(&store) {
        let _ = keyring.delete(&store.account("home").unwrap());
    }
}
