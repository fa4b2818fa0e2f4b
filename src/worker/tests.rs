use super::*;

/// A job that panics frees its account and says so: the window would otherwise show
/// it as fetching (and "Get mail" disabled) until restart.
#[tokio::test]
async fn a_job_that_panics_is_reported_and_frees_its_account() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let dir = tempfile::tempdir().unwrap();
    let mut worker = Worker::new(Paths::at(dir.path()), Schedule::OnCommand, tx);
    let handle = worker.running.spawn(async { panic!("a bug") });
    let work = AccountId(7);
    worker.tasks.insert(handle.id(), (work, "work".into()));
    worker.slots.entry(work).or_default().job = Some(handle);
    let done = worker.running.join_next_with_id().await.unwrap();
    worker.finished(&done);
    assert!(worker.slots.get(&work).is_none_or(|s| s.job.is_none()) && worker.tasks.is_empty());
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    assert!(
        matches!(
            &events[..],
            [
                Event::Failed {
                    account: Some(AccountId(7)),
                    error: FetchError::Crashed,
                    ..
                },
                Event::Idle
            ]
        ),
        "{events:?}"
    );
}

#[test]
fn jitter_stays_within_a_tenth_and_varies() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let worker = Worker::new(Paths::at("unused"), Schedule::OnCommand, tx);
    let interval = Duration::from_secs(600);
    let samples: Vec<Duration> = (0..200)
        .map(|i| worker.jittered(AccountId(i), interval))
        .collect();
    for s in &samples {
        assert!(
            *s >= Duration::from_secs(540) && *s <= Duration::from_secs(660),
            "{s:?}"
        );
    }
    let distinct: std::collections::HashSet<Duration> = samples.into_iter().collect();
    assert!(distinct.len() > 100, "jitter spreads the checks out");
}

fn store_with_account(dir: &std::path::Path) -> (Paths, crate::accounts::Account) {
    let paths = Paths::at(dir);
    paths.ensure().unwrap();
    let settings = crate::accounts::Settings {
        name: "home".into(),
        host: "127.0.0.1".into(),
        user: "u".into(),
        ..crate::accounts::Settings::default()
    };
    let account = Store::open(&paths.database())
        .unwrap()
        .add_account(&settings)
        .unwrap();
    (paths, account)
}

/// An account removed while its job runs keeps only the job: a password typed for it
/// cannot reach an account that is later given the same id.
#[tokio::test]
async fn a_removed_account_keeps_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, home) = store_with_account(dir.path());
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut worker = Worker::new(paths, Schedule::OnCommand, tx);
    let removed = AccountId(home.id.0 + 1);
    worker.slots.entry(home.id).or_default().password = Some("kept".into());
    let job = worker.running.spawn(std::future::pending());
    worker.tasks.insert(job.id(), (removed, "gone".into()));
    let slot = worker.slots.entry(removed).or_default();
    slot.password = Some("secret".into());
    slot.job = Some(job);
    worker.reschedule(false).await;
    assert_eq!(worker.slots[&home.id].password.as_deref(), Some("kept"));
    let slot = &worker.slots[&removed];
    assert!(slot.password.is_none() && slot.job.is_some());
    // Once its job ends nothing of it is left.
    worker.slots[&removed].job.as_ref().unwrap().abort();
    let done = worker.running.join_next_with_id().await.unwrap();
    worker.finished(&done);
    assert!(!worker.slots.contains_key(&removed));
}

/// "Download the rest" for an account being fetched says so instead of vanishing.
#[tokio::test]
async fn download_the_rest_while_busy_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, home) = store_with_account(dir.path());
    let message = {
        let mut store = Store::open(&paths.database()).unwrap();
        let raw = b"Subject: x\r\n\r\nbody\r\n";
        store
            .insert_message(home.id, Some("u1"), raw, &crate::mail::summarize(raw))
            .unwrap()
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut worker = Worker::new(paths, Schedule::OnCommand, tx);
    worker.slots.entry(home.id).or_default().job =
        Some(worker.running.spawn(std::future::pending()));
    worker.command(Command::DownloadRest { message }).await;
    assert!(matches!(
        rx.try_recv(),
        Ok(Event::Failed { account: Some(a), error: FetchError::Busy, .. }) if a == home.id
    ));
}

/// "Download the rest" finds the message's account by the message, and says which it is
/// under its name of now (the window's list may hold the message under an old name, or
/// not hold it at all).
#[tokio::test]
async fn download_the_rest_names_the_messages_account() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, home) = store_with_account(dir.path());
    let message = {
        let mut store = Store::open(&paths.database()).unwrap();
        let raw = b"Subject: x\r\n\r\nbody\r\n";
        let id = store
            .insert_message(home.id, Some("u1"), raw, &crate::mail::summarize(raw))
            .unwrap();
        let renamed = crate::accounts::Settings {
            name: "renamed".into(),
            ..home.settings.clone()
        };
        store.update_account(home.id, &renamed).unwrap();
        id
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut worker = Worker::new(paths, Schedule::OnCommand, tx);
    worker.command(Command::DownloadRest { message }).await;
    match rx.try_recv() {
        Ok(Event::DownloadingRest {
            account,
            name,
            message: m,
        }) => {
            assert_eq!((account, name.as_str(), m), (home.id, "renamed", message));
        }
        other => panic!("{other:?}"),
    }
    for slot in worker.slots.values() {
        if let Some(job) = &slot.job {
            job.abort();
        }
    }
}
