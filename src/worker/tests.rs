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
    worker.finished(done);
    assert!(worker.slots[&work].job.is_none() && worker.tasks.is_empty());
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
