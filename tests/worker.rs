//! The background worker: start-up checks, one session per account, cancelling, and
//! Ctrl-C on the command line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::fake::{self, FakeServer, Options, Reply};
use poplar::accounts::{AccountId, Keep, Settings};
use poplar::paths::Paths;
use poplar::store::Store;
use poplar::worker::{self, Command, Event, Schedule};

fn mail(n: usize) -> Vec<u8> {
    format!("From: w{n}@example.org\r\nSubject: Worker {n}\r\n\r\nBody {n}\r\n").into_bytes()
}

fn setup(server: &FakeServer, change: impl FnOnce(&mut Settings)) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let mut settings = common::fake_account(server, "work");
    settings.keep = Keep::Delete;
    change(&mut settings);
    Store::open(&paths.database())
        .unwrap()
        .add_account(&settings)
        .unwrap();
    (dir, paths)
}

/// Events until the worker is idle.
async fn until_idle(events: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Vec<Event> {
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
            .await
            .expect("the worker went quiet")
            .expect("the worker stopped");
        let idle = matches!(event, Event::Idle);
        seen.push(event);
        if idle {
            return seen;
        }
    }
}

/// Polls until the server has received `command`.
async fn wait_for(server: &FakeServer, command: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !server.commands().iter().any(|c| c == command) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{command} never arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The id of the account called "work".
fn work(paths: &Paths) -> AccountId {
    Store::open(&paths.database())
        .unwrap()
        .account("work")
        .unwrap()
        .id
}

fn count(events: &[Event], what: fn(&Event) -> bool) -> usize {
    events.iter().filter(|e| what(e)).count()
}

#[tokio::test]
async fn accounts_are_checked_at_start_up_when_they_ask() {
    let server = FakeServer::start(vec![mail(1), mail(2)], Options::default(), |_, _| None).await;
    let (_dir, paths) = setup(&server, |_| {});
    // The password must be known before the start-up check: put it in the keyring's
    // place for this run (the worker's memory).
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    handle.send(Command::RememberPassword {
        account: work(&paths),
        password: fake::PASSWORD.into(),
    });
    handle.send(Command::Fetch(vec![]));
    let seen = until_idle(&mut events).await;
    assert!(
        seen.iter()
            .any(|e| matches!(e, Event::Finished { report, .. } if report.new == 2))
    );

    // An account that does not ask for a start-up check is left alone.
    let server = FakeServer::start(vec![mail(1)], Options::default(), |_, _| None).await;
    let (_dir, paths) = setup(&server, |s| s.check_on_startup = false);
    let (_handle, mut events) = worker::spawn(paths, Schedule::Automatic);
    let quiet = tokio::time::timeout(Duration::from_millis(300), events.recv()).await;
    assert!(quiet.is_err(), "no check ran: {quiet:?}");
    assert!(server.log().is_empty());
}

#[tokio::test]
async fn a_start_up_check_runs_without_being_asked() {
    let server = FakeServer::start(vec![mail(1)], Options::default(), |_, _| None).await;
    let (_dir, paths) = setup(&server, |_| {});
    let (_handle, mut events) = worker::spawn(paths, Schedule::Automatic);
    let seen = until_idle(&mut events).await;
    // No password is stored anywhere in this test, so the check says so.
    assert!(
        seen.iter()
            .any(|e| matches!(e, Event::Failed { name, .. } if name == "work")),
        "{seen:?}"
    );
    assert_eq!(count(&seen, |e| matches!(e, Event::Started { .. })), 1);
}

#[tokio::test]
async fn a_second_fetch_of_a_busy_account_is_a_no_op_and_cancel_loses_nothing() {
    let server = FakeServer::start(
        vec![mail(1), mail(2), mail(3)],
        Options::default(),
        // The first session stalls in the middle of the mailbox.
        |ctx, line| (ctx.connection == 0 && line == "RETR 2").then_some(Reply::Hang),
    )
    .await;
    let (_dir, paths) = setup(&server, |_| {});
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    handle.send(Command::RememberPassword {
        account: work(&paths),
        password: fake::PASSWORD.into(),
    });
    handle.send(Command::Fetch(vec![work(&paths)]));
    // Wait until the session is stuck in RETR 2, then ask twice more and cancel.
    wait_for(&server, "RETR 2").await;
    handle.send(Command::Fetch(vec![work(&paths)]));
    handle.send(Command::Fetch(vec![]));
    handle.send(Command::Cancel(Some(work(&paths))));
    let seen = until_idle(&mut events).await;
    assert_eq!(
        count(&seen, |e| matches!(e, Event::Started { .. })),
        1,
        "only the first fetch started: {seen:?}"
    );
    assert_eq!(
        count(&seen, |e| matches!(e, Event::Cancelled { .. })),
        1,
        "{seen:?}"
    );
    assert_eq!(server.log().len(), 1, "only one session was ever opened");
    assert_eq!(server.mailbox().len(), 3, "nothing was deleted");

    // The next fetch gets everything, once.
    handle.send(Command::Fetch(vec![]));
    let seen = until_idle(&mut events).await;
    assert!(
        seen.iter()
            .any(|e| matches!(e, Event::Finished { report, .. } if report.new == 3)),
        "{seen:?}"
    );
    assert!(server.mailbox().is_empty());
    let store = Store::open(&paths.database()).unwrap();
    assert_eq!(store.count_messages(None).unwrap(), 3);
}

#[tokio::test]
async fn ctrl_c_stops_poplar_fetch_cleanly() {
    let server = FakeServer::start(vec![mail(1), mail(2)], Options::default(), |ctx, line| {
        (ctx.connection == 0 && line == "RETR 2").then_some(Reply::Hang)
    })
    .await;
    let (dir, _paths) = setup(&server, |_| {});
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_poplar"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["fetch", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{}\n", fake::PASSWORD).as_bytes())
            .await
            .unwrap();
    }
    wait_for(&server, "RETR 2").await;
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(130));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cancelled"), "{err}");
    assert_eq!(server.mailbox().len(), 2, "nothing deleted on the server");
}

#[tokio::test]
async fn download_the_rest_through_the_worker() {
    let mut big = b"From: big@example.org\r\nSubject: Big\r\n\r\n".to_vec();
    for i in 0..200 {
        big.extend_from_slice(format!("line {i} of a long message body\r\n").as_bytes());
    }
    let server = FakeServer::start(vec![big.clone()], Options::default(), |_, _| None).await;
    let (_dir, paths) = setup(&server, |s| {
        s.keep = Keep::Forever;
        s.size_limit = Some(1000);
    });
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    handle.send(Command::RememberPassword {
        account: work(&paths),
        password: fake::PASSWORD.into(),
    });
    handle.send(Command::Fetch(vec![]));
    until_idle(&mut events).await;
    let store = Store::open(&paths.database()).unwrap();
    let id = store.list_messages(None, 1, 0).unwrap()[0].id;
    assert!(store.message_origin(id).unwrap().2, "stored partially");

    // Renamed since the list was read: the message's own account is used, not a name.
    let account = store.account("work").unwrap();
    let mut renamed = account.settings.clone();
    renamed.name = "renamed".into();
    store.update_account(account.id, &renamed).unwrap();
    handle.send(Command::RememberPassword {
        account: account.id,
        password: fake::PASSWORD.into(),
    });
    handle.send(Command::DownloadRest { message: id });
    let seen = until_idle(&mut events).await;
    assert!(
        seen.iter()
            .any(|e| matches!(e, Event::Completed { message, .. } if *message == id)),
        "{seen:?}"
    );
    assert_eq!(store.raw_message(id).unwrap(), big);
    assert!(!store.message_origin(id).unwrap().2);
}

/// A password typed at the prompt belongs to that account, not to its name: after "work"
/// is renamed and a new account takes the name "work", the new one is not logged in with
/// the old one's password (it is asked for its own). Keyed by name, the worker sent it.
#[tokio::test]
async fn a_remembered_password_stays_with_its_account_not_its_name() {
    let server = FakeServer::start(vec![mail(1)], Options::default(), |_, _| None).await;
    let (_dir, paths) = setup(&server, |_| {});
    let old = work(&paths);
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    handle.send(Command::RememberPassword {
        account: old,
        password: fake::PASSWORD.into(),
    });
    let store = Store::open(&paths.database()).unwrap();
    let mut renamed = store.account("work").unwrap().settings;
    renamed.name = "old".into();
    store.update_account(old, &renamed).unwrap();
    let new = store
        .add_account(&common::fake_account(&server, "work"))
        .unwrap()
        .id;
    assert_ne!(new, old);

    handle.send(Command::Fetch(vec![new]));
    let seen = until_idle(&mut events).await;
    assert!(
        seen.iter().any(|e| matches!(
            e,
            Event::Failed { account: Some(a), error: worker::FetchError::Password(_), .. } if *a == new
        )),
        "the new account has no password of its own: {seen:?}"
    );
    assert!(
        !server.commands().iter().any(|c| c.starts_with("PASS")),
        "no password was sent: {:?}",
        server.commands()
    );

    // The renamed account still has its own.
    handle.send(Command::Fetch(vec![old]));
    let seen = until_idle(&mut events).await;
    assert!(
        seen.iter().any(
            |e| matches!(e, Event::Finished { account, name, report } if *account == old && name == "old" && report.new == 1)
        ),
        "{seen:?}"
    );
}

/// A password answered at the prompt while the job that asked for it is still ending is
/// not lost: the fetch runs once that job is over (the window's test of the prompt once
/// waited for ever when the answer beat the job's end).
#[tokio::test]
async fn a_password_answered_while_its_job_ends_still_fetches() {
    let server = FakeServer::start(vec![mail(1)], Options::default(), |_, _| None).await;
    let (_dir, paths) = setup(&server, |_| {});
    let account = work(&paths);
    let (handle, mut events) = worker::spawn(paths.clone(), Schedule::OnCommand);
    // No password stored: the job fails asking for one. The answer and the fetch come
    // at once, while that job is still running.
    handle.send(Command::Fetch(vec![account]));
    handle.send(Command::RememberPassword {
        account,
        password: fake::PASSWORD.into(),
    });
    handle.send(Command::Fetch(vec![account]));
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
            .await
            .unwrap_or_else(|_| panic!("no fetch with the password: {seen:?}"))
            .expect("the worker stopped");
        if let Event::Finished { report, .. } = &event {
            assert_eq!(report.new, 1, "{seen:?}");
            break;
        }
        seen.push(event);
    }
    assert_eq!(
        server.log().len(),
        1,
        "one session, with the password: {seen:?}"
    );
}
