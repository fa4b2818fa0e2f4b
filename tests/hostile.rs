//! Hostile and odd servers, one scripted server per defect of the promise issue: what is
//! stored, what is deleted on the server, and what the fetch reports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::FakeClient as Client;
use common::fake::{self, Ctx, FakeServer, Options, Reply, multiline};
use poplar::accounts::{Keep, Settings};
use poplar::pop3;
use poplar::store::Store;
use poplar::sync::{self, FetchOptions, Report};

fn mail(n: usize, body: &str) -> Vec<u8> {
    format!("From: s{n}@example.org\r\nSubject: Hostile {n}\r\nMessage-ID: <{n}@example.org>\r\n\r\n{body}\r\n")
        .into_bytes()
}

fn mails(count: usize) -> Vec<Vec<u8>> {
    (1..=count).map(|n| mail(n, &format!("body {n}"))).collect()
}

fn client(server: &FakeServer, change: impl FnOnce(&mut Settings)) -> Client {
    common::fake_client(server, "hostile", change)
}

fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(5),
        ..FetchOptions::default()
    }
}

async fn fetch(c: &Client) -> Result<Report, sync::Error> {
    sync::fetch_account_with(&c.paths, &c.account, fake::PASSWORD, &options(), |_| {}).await
}

/// Stored messages in download order: (bytes, partial).
fn stored(c: &Client) -> Vec<(Vec<u8>, bool)> {
    let store = Store::open(&c.paths.database()).unwrap();
    let mut rows = store.list_messages(None, 10_000, 0).unwrap();
    rows.sort_by_key(|r| r.id);
    rows.into_iter()
        .map(|r| (store.raw_message(r.id).unwrap(), r.partial))
        .collect()
}

fn nothing(_: &Ctx, _: &str) -> Option<Reply> {
    None
}

/// Item 1: a size limit with "delete after download" (and with keep-for-days once the
/// days have passed) deleted the server's only whole copy of the large messages.
#[tokio::test]
async fn headers_only_messages_stay_on_the_server_until_their_whole_is_stored() {
    let big = |n: usize| mail(n, &"x".repeat(20_000));
    let originals = vec![
        mail(1, "a"),
        big(2),
        mail(3, "c"),
        big(4),
        mail(5, "e"),
        big(6),
    ];
    for keep in [Keep::Delete, Keep::Days(1)] {
        let server = FakeServer::start(originals.clone(), Options::default(), nothing).await;
        let c = client(&server, |s| {
            s.keep = keep;
            s.size_limit = Some(10 * 1024);
        });
        let report = fetch(&c).await.unwrap();
        assert_eq!((report.new, report.partial), (6, 3), "{keep:?}");
        if keep == Keep::Days(1) {
            // Long past the keep period.
            let conn = rusqlite::Connection::open(c.paths.database()).unwrap();
            conn.execute(
                "UPDATE uidls SET downloaded_at = downloaded_at - 30 * 86400",
                [],
            )
            .unwrap();
            fetch(&c).await.unwrap();
        }
        let left = server.mailbox();
        assert_eq!(
            left,
            vec![big(2), big(4), big(6)],
            "{keep:?}: the large ones stay"
        );

        // "Download the rest" still finds it; afterwards the retention applies.
        let store = Store::open(&c.paths.database()).unwrap();
        let partial: Vec<i64> = store
            .list_messages(None, 100, 0)
            .unwrap()
            .into_iter()
            .filter(|r| r.partial)
            .map(|r| r.id)
            .collect();
        assert_eq!(partial.len(), 3);
        sync::download_rest(&c.paths, &c.account, fake::PASSWORD, partial[0])
            .await
            .unwrap();
        assert!(
            stored(&c)
                .iter()
                .any(|(m, partial)| !partial && originals.contains(m) && m.len() > 20_000)
        );
        let report = fetch(&c).await.unwrap();
        if keep == Keep::Delete {
            assert_eq!(
                report.deleted, 1,
                "the completed one goes, the partial ones stay"
            );
            assert_eq!(server.mailbox().len(), 2);
        } else {
            assert_eq!(
                report.deleted, 0,
                "the keep period counts from the whole download"
            );
            assert_eq!(server.mailbox().len(), 3);
        }
    }
}

/// Item 2: one message with a 2 MiB line ended every session, and the five beside it
/// were never stored.
#[tokio::test]
async fn a_message_with_one_endless_line_is_stored_with_the_rest() {
    let mut long = b"From: b64@example.org\r\nSubject: one line\r\n\r\n".to_vec();
    long.extend(std::iter::repeat_n(b'Q', 2 << 20));
    long.extend_from_slice(b"\r\n");
    let mut originals = mails(5);
    originals.insert(2, long.clone());
    let server = FakeServer::start(originals.clone(), Options::default(), nothing).await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    let report = fetch(&c).await.unwrap();
    assert_eq!((report.new, report.deleted), (6, 6));
    let got: Vec<Vec<u8>> = stored(&c).into_iter().map(|(m, _)| m).collect();
    assert!(got == originals, "every message stored byte for byte");
}

/// Item 4: "-ERR [SYS/TEMP]" to UIDL was read as "no UIDL", and delete mode then fetched
/// by number: mail stored by an interrupted session came a second time.
#[tokio::test]
async fn a_temporary_error_to_uidl_ends_the_session_without_deleting() {
    let server = FakeServer::start(mails(3), Options::default(), |ctx, line| {
        (ctx.connection == 0 && line == "UIDL").then(|| fake::err("[SYS/TEMP] index busy"))
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    // The first session stores everything and dies before QUIT.
    let cut = FakeServer::start(mails(3), Options::default(), |_, line| {
        (line == "QUIT").then_some(Reply::Close)
    })
    .await;
    let store = Store::open(&c.paths.database()).unwrap();
    let mut settings = c.account.settings.clone();
    settings.port = cut.port;
    store.update_account(c.account.id, &settings).unwrap();
    let mut account = c.account.clone();
    account.settings = settings.clone();
    sync::fetch_account_with(&c.paths, &account, fake::PASSWORD, &options(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(stored(&c).len(), 3);

    // The next session's UIDL fails for now: nothing is downloaded or deleted.
    let error = fetch(&c).await.unwrap_err();
    assert!(
        matches!(&error, sync::Error::Pop3(pop3::Error::TryLater { .. })),
        "{error:?}"
    );
    let commands = server.commands();
    assert!(
        !commands
            .iter()
            .any(|c| c.starts_with("RETR") || c.starts_with("DELE")),
        "{commands:?}"
    );
    assert_eq!(server.mailbox().len(), 3);
    assert_eq!(stored(&c).len(), 3);
}

/// Item 4, the other half: a server that lists UIDL among its capabilities and then
/// refuses it (without a code) is an error, not a server without UIDL.
#[tokio::test]
async fn a_uidl_refused_by_a_server_that_offers_it_is_an_error() {
    let server = FakeServer::start(mails(2), Options::default(), |_, line| {
        (line == "UIDL").then(|| fake::err("not now"))
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    let error = fetch(&c).await.unwrap_err();
    assert!(
        matches!(&error, sync::Error::Pop3(pop3::Error::Command { command, .. }) if command == "UIDL"),
        "{error:?}"
    );
    assert!(stored(&c).is_empty());
    assert_eq!(server.mailbox().len(), 2);
}

/// Item 6: popa3d-style servers give two different messages the same UIDL; only one
/// was ever stored.
#[tokio::test]
async fn messages_that_share_a_uidl_are_both_stored_once() {
    let originals = mails(3);
    let uidl = |_: &Ctx, line: &str| {
        (line == "UIDL").then(|| Reply::Send(multiline("+OK", b"1 same\r\n2 same\r\n3 other\r\n")))
    };
    for keep in [Keep::Forever, Keep::Days(14), Keep::Delete] {
        let server = FakeServer::start(originals.clone(), Options::default(), uidl).await;
        let c = client(&server, |s| s.keep = keep);
        assert_eq!(fetch(&c).await.unwrap().new, 3, "{keep:?}");
        let again = fetch(&c).await.unwrap();
        assert_eq!(again.new, 0, "{keep:?}: nothing a second time");
        let mut got: Vec<Vec<u8>> = stored(&c).into_iter().map(|(m, _)| m).collect();
        got.sort();
        assert_eq!(got, originals, "{keep:?}");
    }
}

/// Item 8: UIDLs that are not UTF-8 became equal through a lossy conversion.
#[tokio::test]
async fn uidls_differing_only_in_non_utf8_bytes_stay_apart() {
    let server = FakeServer::start(mails(2), Options::default(), |_, line| {
        (line == "UIDL").then(|| Reply::Send(multiline("+OK", b"1 \xff1\r\n2 \xfe1\r\n")))
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Forever);
    assert_eq!(fetch(&c).await.unwrap().new, 2);
    assert_eq!(fetch(&c).await.unwrap().new, 0);
    assert_eq!(stored(&c).len(), 2);
}

/// Item 8: a server that gives a deleted message's UIDL to a new message had the new one
/// deleted unread in delete mode.
#[tokio::test]
async fn a_uidl_reused_after_its_message_was_deleted_is_a_new_message() {
    let first = FakeServer::start(mails(1), Options::default(), nothing).await;
    let c = client(&first, |s| s.keep = Keep::Delete);
    assert_eq!(fetch(&c).await.unwrap().deleted, 1);
    // The provider's counter starts again: "uid-1" is now another message.
    let fresh = mail(9, "a new message under an old id");
    let second = FakeServer::start(vec![fresh.clone()], Options::default(), nothing).await;
    let mut settings = c.account.settings.clone();
    settings.port = second.port;
    Store::open(&c.paths.database())
        .unwrap()
        .update_account(c.account.id, &settings)
        .unwrap();
    let mut account = c.account.clone();
    account.settings = settings;
    let report = sync::fetch_account_with(&c.paths, &account, fake::PASSWORD, &options(), |_| {})
        .await
        .unwrap();
    assert_eq!(report.new, 1);
    assert!(
        stored(&c).iter().any(|(m, _)| *m == fresh),
        "stored before it was deleted"
    );
}

/// Item 9: without UIDL, in delete mode, a session cut after the commit and before QUIT
/// brought every message a second time.
#[tokio::test]
async fn without_uidl_an_interrupted_session_brings_no_second_copy() {
    let server = FakeServer::start(
        mails(4),
        Options {
            uidl: false,
            capa: Some(vec!["USER".into(), "TOP".into()]),
            ..Options::default()
        },
        |ctx, line| (ctx.connection == 0 && line == "QUIT").then_some(Reply::Close),
    )
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    fetch(&c).await.unwrap_err();
    assert_eq!(stored(&c).len(), 4);
    assert_eq!(server.mailbox().len(), 4, "the deletions were rolled back");
    let report = fetch(&c).await.unwrap();
    assert_eq!((report.new, report.deleted), (0, 4));
    assert_eq!(stored(&c).len(), 4, "one copy of each");
    assert!(server.mailbox().is_empty());
}

/// Item 12: a size of u64::MAX made sums overflow and was stored negative.
#[tokio::test]
async fn an_impossible_size_is_unknown() {
    let server = FakeServer::start(mails(2), Options::default(), |_, line| {
        (line == "LIST").then(|| {
            Reply::Send(multiline(
                "+OK",
                b"1 18446744073709551615\r\n2 99999999999999999999999\r\n",
            ))
        })
    })
    .await;
    let c = client(&server, |s| {
        s.keep = Keep::Delete;
        s.size_limit = Some(1024);
    });
    let report = fetch(&c).await.unwrap();
    assert_eq!((report.new, report.partial, report.deleted), (2, 0, 2));
    let store = Store::open(&c.paths.database()).unwrap();
    assert!(
        store
            .list_messages(None, 10, 0)
            .unwrap()
            .iter()
            .all(|r| r.size < 1000)
    );
}

/// Item 2 and 5: a message too large for the store is skipped and named, the rest are
/// stored, and the fetch is not a clean one.
#[tokio::test]
async fn a_message_too_large_to_store_is_skipped_and_named() {
    let mut huge = b"Subject: huge\r\n\r\n".to_vec();
    huge.extend(std::iter::repeat_n(b"0123456789\r\n", 2_000).flatten());
    let originals = vec![mail(1, "a"), huge, mail(3, "c")];
    // The server understates its size, so the limit is found while it arrives.
    let server = FakeServer::start(originals.clone(), Options::default(), |_, line| {
        (line == "LIST").then(|| Reply::Send(multiline("+OK", b"1 80\r\n2 80\r\n3 80\r\n")))
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    let small = FetchOptions {
        max_message: 10_000,
        ..options()
    };
    let report = sync::fetch_account_with(&c.paths, &c.account, fake::PASSWORD, &small, |_| {})
        .await
        .unwrap();
    assert_eq!(report.new, 2);
    assert!(
        matches!(report.skipped.as_slice(), [(2, sync::SkipReason::TooLarge(n))] if *n > 10_000),
        "{:?}",
        report.skipped
    );
    assert_eq!(
        server.mailbox(),
        vec![originals[1].clone()],
        "left on the server"
    );
}

/// Item 5: `poplar fetch` exited 0 when the server refused a message. A message that
/// cannot be stored is an error for cron; one left on the server on purpose (the size
/// limit) is not.
#[tokio::test(flavor = "multi_thread")]
async fn poplar_fetch_exits_1_when_a_message_is_skipped_and_0_for_the_size_limit() {
    let server = FakeServer::start(mails(3), Options::default(), |_, line| {
        (line == "RETR 2").then(|| fake::err("message corrupt"))
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Forever);
    let data = c.paths.data_dir().to_path_buf();
    let run = move |data: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            common::poplar(&data, &["fetch", "--password-stdin"], Some(fake::PASSWORD))
        })
    };
    let (status, out, err) = run(data.clone()).await.unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(String::from_utf8_lossy(&out).contains("2 new"), "{out:?}");
    assert!(
        err.contains("message 2 skipped") && err.contains("message corrupt"),
        "{err}"
    );

    // Over the size limit: stored as headers only, on purpose, and a clean fetch.
    let big = FakeServer::start(
        vec![mail(1, &"y".repeat(5_000))],
        Options::default(),
        nothing,
    )
    .await;
    let d = client(&big, |s| {
        s.keep = Keep::Delete;
        s.size_limit = Some(1024);
    });
    let (status, out, err) = run(d.paths.data_dir().to_path_buf()).await.unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(
        String::from_utf8_lossy(&out).contains("1 stored as headers only"),
        "{out:?}"
    );
    assert_eq!(big.mailbox().len(), 1, "and it stays on the server");
}

/// Item 10: a server trickling a byte every few seconds held a fetch (and the account's
/// lock) for ever: no single wait was long enough for the idle timeout.
#[tokio::test]
async fn a_trickling_server_is_left_and_loses_nothing() {
    let server = FakeServer::start(mails(3), Options::default(), |ctx, line| {
        (ctx.connection == 0 && line == "RETR 2").then(|| {
            let answer = multiline("+OK", &mail(2, &"z".repeat(100_000)));
            Reply::Trickle(answer, Duration::from_millis(5))
        })
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    // The real pace is 60 KiB a minute; here 20 KiB in half a second, against a server
    // sending 200 bytes a second at most.
    let slow = FetchOptions {
        pace: pop3::Pace {
            window: Duration::from_millis(500),
            min_bytes: 20 * 1024,
        },
        ..options()
    };
    let slow_fetch = sync::fetch_account_with(&c.paths, &c.account, fake::PASSWORD, &slow, |_| {});
    let error = tokio::time::timeout(Duration::from_secs(30), slow_fetch)
        .await
        .expect("the fetch ends by itself")
        .unwrap_err();
    assert!(
        matches!(&error, sync::Error::Pop3(pop3::Error::TooSlow { .. })),
        "{error:?}"
    );
    assert_eq!(server.mailbox().len(), 3, "nothing deleted");
    // The next check, with the server answering at speed, gets everything once.
    let report = fetch(&c).await.unwrap();
    assert_eq!(report.deleted, 3);
    assert_eq!(stored(&c).len(), 3);
}

/// A UIDL that went away from the listing and came back was downloaded again whole to
/// be compared. Its headers (TOP n 0) tell now: the same headers are the message stored
/// here (no download); other headers are a new message under an old id (downloaded
/// whole). A server without TOP still gets the whole-message comparison.
#[tokio::test]
async fn a_returning_uidl_is_checked_by_its_headers() {
    let originals = mails(3);
    let changed = mail(7, "a new message under the id uid-2");
    let serve = |changed: Vec<u8>, top: bool| {
        move |ctx: &Ctx, line: &str| match (ctx.connection, line) {
            (_, line) if !top && line.starts_with("TOP") => Some(fake::err("unknown command")),
            // The second session's server lists only message 3 (as a server briefly
            // showing a short mailbox would).
            (1, "UIDL") => Some(Reply::Send(multiline("+OK", b"3 uid-3\r\n"))),
            (1, "LIST") => Some(Reply::Send(multiline("+OK", b"3 80\r\n"))),
            // From the third on, uid-2 is another message.
            (2.., "TOP 2 0") => {
                let end = changed.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                Some(Reply::Send(multiline("+OK", &changed[..end])))
            }
            (2.., "RETR 2") => Some(Reply::Send(multiline("+OK", &changed))),
            _ => None,
        }
    };
    for top in [true, false] {
        let options = if top {
            // Both TOPs in flight at once.
            Options::pipelining()
        } else {
            Options {
                capa: Some(vec!["USER".into(), "UIDL".into()]),
                ..Options::default()
            }
        };
        let server =
            FakeServer::start(originals.clone(), options, serve(changed.clone(), top)).await;
        let c = client(&server, |s| s.keep = Keep::Forever);
        assert_eq!(fetch(&c).await.unwrap().new, 3, "top {top}");
        assert_eq!(fetch(&c).await.unwrap().new, 0, "top {top}");
        let report = fetch(&c).await.unwrap();
        assert_eq!(report.new, 1, "top {top}: only the changed one is new");
        let mut want = originals.clone();
        want.push(changed.clone());
        let got: Vec<Vec<u8>> = stored(&c).into_iter().map(|(m, _)| m).collect();
        assert_eq!(got, want, "top {top}: one copy of each");

        let third = &server.log()[2];
        let sent = |command: &str| third.iter().any(|c| c == command);
        if top {
            assert!(sent("TOP 1 0") && sent("TOP 2 0"), "{third:?}");
            assert!(server.pipelined()[2], "the TOPs were pipelined");
            assert!(
                !sent("RETR 1"),
                "unchanged: not downloaded again: {third:?}"
            );
        } else {
            assert!(sent("RETR 1"), "{third:?}");
        }
        assert!(sent("RETR 2"), "changed: downloaded whole: {third:?}");
        assert!(!sent("RETR 3") && !sent("TOP 3 0"), "{third:?}");

        // Known again: the next fetch asks for nothing.
        assert_eq!(fetch(&c).await.unwrap().new, 0);
        let fourth = &server.log()[3];
        assert!(
            !fourth
                .iter()
                .any(|c| c.starts_with("TOP") || c.starts_with("RETR")),
            "top {top}: {fourth:?}"
        );
    }
}

/// Whether each stored UIDL is recorded as deleted on the server.
fn deleted_on_server(c: &Client) -> Vec<bool> {
    let store = Store::open(&c.paths.database()).unwrap();
    let records = store.uidl_records(c.account.id).unwrap();
    let mut marks: Vec<(Vec<u8>, bool)> = records
        .iter()
        .map(|(u, r)| (u.as_bytes().to_vec(), r.deleted_on_server))
        .collect();
    marks.sort();
    marks.into_iter().map(|(_, d)| d).collect()
}

/// The deletions are written while the server answers QUIT and kept once it says +OK: a
/// refused QUIT leaves them unrecorded, and an answer slower than the store's write lock
/// is held for (1 s) has them written after it, or not at all when it is a refusal.
#[tokio::test]
async fn deletions_are_recorded_after_a_slow_quit_and_not_after_a_refused_one() {
    let server = FakeServer::start(mails(2), Options::default(), |ctx, line| {
        (ctx.connection == 0 && line == "QUIT").then(|| fake::err("cannot expunge"))
    })
    .await;
    let c = client(&server, |s| s.keep = Keep::Delete);
    fetch(&c).await.unwrap_err();
    assert_eq!(stored(&c).len(), 2);
    assert_eq!(deleted_on_server(&c), [false, false]);

    // Nine bytes, 200 ms apart: the answer takes longer than the lock is held (1 s).
    let slow = FakeServer::start(mails(3), Options::default(), |_, line| {
        (line == "QUIT")
            .then(|| Reply::Trickle(b"+OK bye\r\n".to_vec(), Duration::from_millis(200)))
    })
    .await;
    let c = client(&slow, |s| s.keep = Keep::Delete);
    let report = fetch(&c).await.unwrap();
    assert_eq!((report.new, report.deleted), (3, 3));
    assert_eq!(deleted_on_server(&c), [true, true, true]);

    // As slow, and refused: nothing recorded, neither while waiting nor after.
    let refused = FakeServer::start(mails(2), Options::default(), |_, line| {
        (line == "QUIT")
            .then(|| Reply::Trickle(b"-ERR no\r\n".to_vec(), Duration::from_millis(200)))
    })
    .await;
    let c = client(&refused, |s| s.keep = Keep::Delete);
    fetch(&c).await.unwrap_err();
    assert_eq!(stored(&c).len(), 2);
    assert_eq!(deleted_on_server(&c), [false, false]);
}
