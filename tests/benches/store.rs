//! Benchmarks of the store and the window at 100,000 messages (not timed tests: they
//! report medians and never fail on a number). Run with:
//!
//!     packaging/setup-debian.sh bench && cargo bench --bench store
//!
//! The 100,000-message database is generated once (English and Japanese mail) under
//! target/bench-data and reused. The last part starts the real window under Xvfb
//! (tiny-skia) on that database: the time from starting the process to the first frame
//! that shows the populated list, and resident memory once the window is idle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use poplar::app::{App, Message};
use poplar::paths::Paths;
use poplar::store::{NewMessage, Sort, SortKey, Store, View};

const MESSAGES: usize = 100_000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(name: &str, runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let m = median(samples);
    println!(
        "{name:<58} median {:>9.3} ms  ({runs} runs)",
        m.as_secs_f64() * 1000.0
    );
    m
}

fn message(i: usize) -> Vec<u8> {
    let day = 1 + i % 28;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(i / 3000) % 12];
    if i.is_multiple_of(4) {
        // ISO-2022-JP subject "会議の件" with a Japanese body.
        let mut m = format!(
            "From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <user{}@example.jp>\r\nTo: alice@example.org\r\nSubject: =?ISO-2022-JP?B?GyRCMnE1RCRON28bKEI=?= {i}\r\nDate: {day} {month} 2025 10:{:02}:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n",
            i % 50,
            i % 60
        )
        .into_bytes();
        for _ in 0..3 {
            m.extend_from_slice(b"\x1b$B$*Hh$lMM$G$9!#L@F|$N2q5D$O==;~$+$i$G$9!#\x1b(B\r\n");
        }
        m
    } else {
        let names = [
            "Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi",
        ];
        let subjects = [
            "Quarterly report",
            "Lunch on Friday",
            "Invoice",
            "Project update",
        ];
        let name = names[i % names.len()];
        let subject = subjects[i % subjects.len()];
        let mut m = format!(
            "From: {name} <{}@example.org>\r\nTo: alice@example.org\r\nSubject: {subject} {i}\r\nDate: {day} {month} 2025 09:{:02}:00 +0000\r\n\r\n",
            name.to_lowercase(),
            i % 60
        )
        .into_bytes();
        for line in 0..8 {
            m.extend_from_slice(
                format!(
                    "Line {line} of message {i} about the {subject}; budget figures follow.\r\n"
                )
                .as_bytes(),
            );
        }
        m
    }
}

fn database() -> Paths {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/store-100k");
    let paths = Paths::at(&dir);
    let done = dir.join("complete");
    if done.exists() {
        return paths;
    }
    let _ = std::fs::remove_dir_all(&dir);
    paths.ensure().unwrap();
    println!("generating {MESSAGES} messages (once)...");
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store
        .add_account(&poplar::accounts::Settings {
            name: "bench".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap();
    for chunk in (0..MESSAGES).collect::<Vec<_>>().chunks(1000) {
        let mut batch: Vec<NewMessage> = chunk
            .iter()
            .map(|&i| NewMessage::from_bytes(Some(format!("uid-{i}").into()), message(i)))
            .collect();
        store.insert_batch(account.id, &mut batch).unwrap();
    }
    while store.index_pending(2000).unwrap() > 0 {}
    std::fs::write(done, b"").unwrap();
    paths
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` builds this too but must not
    // spend minutes measuring.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark not run (use cargo bench --bench store)");
        return;
    }
    let paths = database();
    let db = paths.database();
    println!("store at {MESSAGES} messages ({})", db.display());

    measure(
        "open the store and load the first page (newest first)",
        20,
        || {
            let store = Store::open(&db).unwrap();
            let ids = store.ids(View::Inbox(None), Sort::default()).unwrap();
            let rows = store.rows(&ids[..30]).unwrap();
            assert_eq!(rows.len(), 30);
        },
    );

    let store = Store::open(&db).unwrap();
    for key in [
        SortKey::Date,
        SortKey::From,
        SortKey::Subject,
        SortKey::Size,
    ] {
        for ascending in [false, true] {
            let sort = Sort { key, ascending };
            let mut ids = Vec::new();
            measure(
                &format!(
                    "order all ids by {key:?} {}",
                    if ascending { "asc" } else { "desc" }
                ),
                10,
                || {
                    ids = store.ids(View::Inbox(None), sort).unwrap();
                },
            );
            let offset = ids.len() * 7 / 10;
            measure(&format!("  a page (30 rows) at row {offset}"), 50, || {
                let rows = store.rows(&ids[offset..offset + 30]).unwrap();
                assert_eq!(rows.len(), 30);
            });
        }
    }

    for (what, query) in [
        ("search an English word (budget)", "budget"),
        ("search a Japanese two-character word (会議)", "会議"),
        ("search a Japanese phrase (明日の会議)", "明日の会議"),
        ("search a rare word (message 99999)", "99999"),
    ] {
        measure(what, 10, || {
            let ids = store.search(View::All, query, Sort::default()).unwrap();
            assert!(!ids.is_empty());
        });
    }

    // The compose screen's address completion, read off the UI thread as it opens.
    let mut known = poplar::compose::known::Known::default();
    measure(
        "learn every address of the stored mail (compose completion)",
        10,
        || {
            let fields = store.address_fields().unwrap();
            known = poplar::compose::known::Known::from_fields(fields.iter().map(String::as_str));
        },
    );
    measure("  suggest for two typed letters", 50, || {
        let _ = known.suggest("ya");
    });

    let ids = store.ids(View::Inbox(None), Sort::default()).unwrap();
    let some = ids[ids.len() / 2];
    measure(
        "open a typical message (read, parse, prepare the pane)",
        50,
        || {
            let raw = store.raw_message(some).unwrap();
            let rendered = poplar::mail::render(&raw);
            let _ = iced::widget::text_editor::Content::<iced::Renderer>::with_text(&rendered.body);
        },
    );

    // A fetch into the full mailbox: batches of 256 new messages, as the fetch commits
    // them, stored into a copy of the 100,000 (synchronous=FULL, on the disk of target/).
    {
        let copy = tempfile::tempdir_in(db.parent().unwrap()).unwrap();
        for suffix in ["", "-wal"] {
            let from = PathBuf::from(format!("{}{suffix}", db.display()));
            if from.exists() {
                let name = from.file_name().unwrap();
                std::fs::copy(&from, copy.path().join(name)).unwrap();
            }
        }
        let mut full = Store::open(&copy.path().join(db.file_name().unwrap())).unwrap();
        let account = full.accounts().unwrap()[0].id;
        let mut next = MESSAGES;
        measure(
            "store a fetched batch of 256 new messages into the 100,000",
            10,
            || {
                let mut batch: Vec<NewMessage> = (next..next + 256)
                    .map(|i| NewMessage::from_bytes(Some(format!("uid-{i}").into()), message(i)))
                    .collect();
                next += 256;
                full.insert_batch(account, &mut batch).unwrap();
            },
        );
    }

    large_messages();

    // The window: state as after start-up, then the view built from it.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _enter = runtime.enter();
    let (mut app, _) = App::new(paths.clone());
    let snapshot = poplar::app::read_snapshot(&paths).unwrap();
    let _ = app.update(Message::Loaded(Ok(snapshot)));
    let _ = app.update(Message::Ids(0, Ok(ids.clone())));
    let rows = store.rows(&ids[..60]).unwrap();
    let _ = app.update(Message::List(
        poplar::ui::message_list::Message::PageLoaded(0, Ok(rows)),
    ));
    measure(
        "build the main window's view (visible rows only)",
        50,
        || {
            let element = app.view();
            drop(element);
        },
    );
    drop(store);
    window(&paths);
}

/// Messages with attachments of 2, 4 and 6 MB, held in temporary files as a fetch spools
/// anything over 4 MB, stored in one batch into a new database in the temporary folder
/// (TMPDIR=/dev/shm leaves only the work of storing; the storing half of the fetch
/// benchmark's mixed mail, without the server). The time includes writing the files.
fn large_messages() {
    use std::io::Write;
    let raw: Vec<Vec<u8>> = (0..3usize)
        .map(|n| {
            use base64::Engine;
            let data: Vec<u8> = (0..(2 + 2 * n) << 20).map(|i| (i * 7 + n) as u8).collect();
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
            let mut m = format!(
                "From: photos{n}@example.org\r\nSubject: Photos {n}\r\nMIME-Version: 1.0\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            )
            .into_bytes();
            for line in encoded.as_bytes().chunks(76) {
                m.extend_from_slice(line);
                m.extend_from_slice(b"\r\n");
            }
            m
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("large.sqlite")).unwrap();
    let account = store
        .add_account(&poplar::accounts::Settings {
            name: "large".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap();
    let mut next = 0;
    measure(
        "store a batch of 3 messages of 2, 4 and 6 MB (held in files)",
        10,
        || {
            let mut batch: Vec<NewMessage> = raw
                .iter()
                .map(|bytes| {
                    let mut m =
                        NewMessage::from_bytes(Some(format!("big-{next}").into()), Vec::new());
                    next += 1;
                    m.digest = poplar::store::body_digest(bytes);
                    m.summary = poplar::mail::summarize(bytes);
                    let mut file = tempfile::tempfile_in(dir.path()).unwrap();
                    file.write_all(bytes).unwrap();
                    m.body = poplar::store::Body::File {
                        file,
                        len: bytes.len() as u64,
                    };
                    m
                })
                .collect();
            store.insert_batch(account.id, &mut batch).unwrap();
        },
    );
}

/// The real window under Xvfb: process start to the first frame with the populated list,
/// and resident memory once idle, over several runs.
fn window(paths: &Paths) {
    use std::process::{Command, Stdio};
    const RUNS: usize = 5;
    // The benchmark database's account must not try to reach its made-up server.
    {
        let store = Store::open(&paths.database()).unwrap();
        let mut account = store.account("bench").unwrap();
        account.settings.check_on_startup = false;
        account.settings.check_every_minutes = None;
        store.update_account(account.id, &account.settings).unwrap();
    }
    let Some(display) = (90..120).find(|n| {
        !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()
            && !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
    }) else {
        println!("window: no free X display number");
        return;
    };
    let mut xvfb = match Command::new("Xvfb")
        .arg(format!(":{display}"))
        .args(["-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            println!(
                "window: Xvfb could not start ({e}); packaging/setup-debian.sh bench installs it"
            );
            return;
        }
    };
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
    let started = Instant::now();
    while !socket.exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut frames = Vec::new();
    let mut memory = Vec::new();
    for _ in 0..RUNS {
        let _ = std::fs::remove_file(report.path());
        let start = std::time::SystemTime::now();
        let status = Command::new(env!("CARGO_BIN_EXE_poplar"))
            .arg("--data-dir")
            .arg(paths.data_dir())
            .env("DISPLAY", format!(":{display}"))
            .env("ICED_BACKEND", "tiny-skia")
            .env("POPLAR_STARTUP_REPORT", report.path())
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let text = std::fs::read_to_string(report.path()).unwrap();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap()
        };
        let frame_us: u128 = field("first_frame_unix_us=").parse().unwrap();
        let start_us = start
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros();
        frames.push(Duration::from_micros((frame_us - start_us) as u64));
        let kb: f64 = field("idle_rss=")
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap();
        memory.push(kb / 1024.0);
    }
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    memory.sort_by(f64::total_cmp);
    println!(
        "{:<58} median {:>9.3} ms  ({RUNS} runs)",
        "window: process start to the first frame with the list",
        median(frames).as_secs_f64() * 1000.0
    );
    println!(
        "{:<58} median {:>9.1} MB  ({RUNS} runs)",
        "window: resident memory once idle",
        memory[memory.len() / 2]
    );
}
