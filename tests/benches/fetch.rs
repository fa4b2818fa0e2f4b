//! Fetching from a local Dovecot over TLS, side by side with mpop (the fastest POP3
//! retriever we know of), alternating the two. Not a timed test: it reports medians and
//! the median ratio. Run with:
//!
//!     packaging/setup-debian.sh bench && cargo bench --bench fetch
//!
//! Cases (POPLAR_BENCH_CASES=small,rules,recheck,remote,mixed,memory picks some; all by default;
//! POPLAR_BENCH_BIN runs another build of Poplar, an earlier commit's, in its place;
//! POPLAR_BENCH_DATA puts Poplar's data folders and mpop's Maildirs under another folder,
//! such as a tmpfs, so that only the protocol, parsing and storing path counts (TMPDIR
//! puts the server's Maildir there too, as BENCHMARKS.md's issue 20 figures do);
//! POPLAR_BENCH_RUNS sets how many runs each case makes):
//! 10,000 messages of ~5 KB in keep and delete mode; the same in keep mode with 100
//! sorting rules against none; a re-check of those 10,000 kept
//! messages with nothing new; 200 MB of mixed mail (multi-MB attachments among ordinary
//! mail) in both modes; peak memory of a fetch of 10,000 messages and of one 200 MB
//! message. mpop also runs under eatmydata (its fsyncs turned into no-ops) as a reference:
//! that is how much of its time is syncing each delivered file.
//!
//! Needs root (Dovecot drops to its own users), as the Dovecot tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::dovecot::{self, Dovecot};

/// Runs per case, unless POPLAR_BENCH_RUNS says otherwise.
const RUNS: usize = 5;

fn runs(default: usize) -> usize {
    std::env::var("POPLAR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A fresh folder for one program's data: under POPLAR_BENCH_DATA (a tmpfs, say) when
/// it is set, for Poplar and mpop alike.
fn scratch() -> tempfile::TempDir {
    match std::env::var_os("POPLAR_BENCH_DATA") {
        Some(parent) => tempfile::tempdir_in(parent).unwrap(),
        None => tempfile::tempdir().unwrap(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn message(n: usize, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: sender{n}@example.org\r\nTo: alice@example.org\r\nSubject: Benchmark message {n}\r\nMessage-ID: <bench-{n}@example.org>\r\nDate: Mon, 3 Mar 2025 09:15:00 +0000\r\n\r\n"
    )
    .into_bytes();
    let mut line = 0;
    while m.len() < size {
        m.extend_from_slice(
            format!("Line {line} of message {n}: lorem ipsum dolor sit amet, consectetur.\r\n")
                .as_bytes(),
        );
        line += 1;
    }
    m
}

/// A message with an attachment of `size` bytes (base64, as mail carries it).
fn with_attachment(n: usize, size: usize) -> Vec<u8> {
    use base64::Engine;
    let data: Vec<u8> = (0..size).map(|i| (i * 7 + n) as u8).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
    let mut m = format!(
        "From: photos{n}@example.org\r\nTo: alice@example.org\r\nSubject: Photos {n}\r\nMessage-ID: <big-{n}@example.org>\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe photos from the trip.\r\n--b\r\nContent-Type: image/jpeg; name=trip{n}.jpg\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=trip{n}.jpg\r\n\r\n"
    )
    .into_bytes();
    for line in encoded.as_bytes().chunks(76) {
        m.extend_from_slice(line);
        m.extend_from_slice(b"\r\n");
    }
    m.extend_from_slice(b"--b--\r\n");
    m
}

/// About 200 MB: 30 messages with 2, 4 or 6 MB attachments among 3,000 ordinary ones of
/// 5 to 20 KB, interleaved.
fn mixed_mail() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for n in 0..3_030 {
        if n % 101 == 100 {
            out.push(with_attachment(n, (2 + 2 * (n % 3)) << 20));
        } else {
            out.push(message(n, 5_000 + (n * 37) % 15_000));
        }
    }
    out
}

/// The password as `--password-stdin` reads it.
fn password_line() -> String {
    format!("{}\n", dovecot::PASSWORD)
}

/// `poplar --data-dir DATA ARGS`, under GNU time when `time_to` names its report file
/// (it reports the peak resident memory in KB).
fn poplar_command(data: &Path, args: &[&str], time_to: Option<&Path>) -> Command {
    // POPLAR_BENCH_BIN: another build of Poplar (an earlier commit's, to compare).
    let binary =
        std::env::var_os("POPLAR_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_poplar").into());
    let mut command = match time_to {
        Some(report) => {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-f").arg("%M").arg("-o").arg(report);
            c.arg(&binary);
            c
        }
        None => Command::new(&binary),
    };
    command.arg("--data-dir").arg(data).args(args);
    command
}

/// A Poplar data folder with one account on `server`.
fn poplar_account(server: &Dovecot, keep: &str) -> tempfile::TempDir {
    let data = scratch();
    let port = server.tls_port.to_string();
    let cert = server.cert.display().to_string();
    let (status, _, stderr) = common::run(
        poplar_command(
            data.path(),
            &[
                "account",
                "add",
                "bench",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--user",
                dovecot::USER,
                "--keep",
                keep,
                "--ca-file",
                &cert,
            ],
            None,
        ),
        None,
    );
    assert!(status.success(), "{stderr}");
    data
}

/// What one `poplar fetch` took: its wall time, its CPU time (user and system), and its
/// peak memory in MB when asked for.
struct Fetched {
    elapsed: Duration,
    cpu: Duration,
    peak: Option<f64>,
}

/// One `poplar fetch` into `data`, timed alone (it returns once every message is
/// committed); then `poplar list` must show every message. With `memory`, also its peak
/// resident memory.
fn fetch(data: &Path, expected: usize, memory: bool) -> Fetched {
    fetch_listing(data, expected, memory, false)
}

/// [`fetch`], the messages counted in every folder (`list --all`) when `all`.
fn fetch_listing(data: &Path, expected: usize, memory: bool, all: bool) -> Fetched {
    let report = data.join("time.txt");
    let fetch = poplar_command(
        data,
        &["fetch", "--password-stdin"],
        memory.then_some(report.as_path()),
    );
    // The fetch process alone is timed, as mpop's is: the listing below only checks that
    // every message arrived, as counting mpop's Maildir does.
    let (start, cpu) = (Instant::now(), children_cpu());
    let (status, _, stderr) = common::run(fetch, Some(&password_line()));
    let (elapsed, cpu) = (start.elapsed(), children_cpu() - cpu);
    let listing: &[&str] = if all {
        &["list", "--all", "--json"]
    } else {
        &["list", "--json"]
    };
    let (_, listed, _) = common::run(poplar_command(data, listing, None), None);
    assert!(status.success(), "{stderr}");
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&listed).unwrap();
    assert_eq!(listed.len(), expected);
    let peak = memory.then(|| {
        let kb: f64 = std::fs::read_to_string(&report)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        kb / 1024.0
    });
    Fetched { elapsed, cpu, peak }
}

/// One Poplar fetch into a fresh data folder.
fn run_poplar(server: &Dovecot, keep: &str, expected: usize) -> Fetched {
    let data = poplar_account(server, keep);
    fetch(data.path(), expected, false)
}

/// 100 sorting rules as an office might have them: 80 on the subject, the sender, To/Cc or
/// a header, 10 regular expressions, 10 on the text (which makes every message's text be
/// read). About one message in nine (those with "message 7" in the subject) matches one.
fn add_rules(data: &Path) {
    for i in 0..100 {
        let name = format!("rule {i}");
        let folder = format!("folder {i}");
        let text = format!("message {}", (i / 10) * 1000 + 7);
        let mut args = vec!["rule", "add", &name];
        let (field, value): (&str, String) = match i % 10 {
            0..=3 => ("--subject", format!("project {i}")),
            4 => ("--subject", text),
            5 => ("--from", format!("customer{i}@")),
            6 => ("--to", format!("team{i}@")),
            7 => ("--header", format!("X-Mailer:tool {i}")),
            8 => ("--regex", format!("^(re: )*invoice {i}[a-z]$")),
            _ => ("--body", format!("order number {i}x")),
        };
        if field == "--regex" {
            args.extend(["--regex", "--subject", &value]);
        } else {
            args.extend([field, &value]);
        }
        args.extend(["--move-to", &folder]);
        let (status, _, stderr) = common::run(poplar_command(data, &args, None), None);
        assert!(status.success(), "{stderr}");
    }
}

/// Keep mode over the same mailbox, without rules and with 100, alternating.
fn with_and_without_rules(server: &Dovecot, count: usize) {
    // Single runs vary by a third (on a tmpfs too: the server's side varies): many more
    // runs than the other cases, or the medians move by more than the rules cost.
    let runs = runs(4 * RUNS + 1);
    let (mut plain, mut ruled) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        // Both counted in every folder: the rules file some messages away from the inbox.
        let data = poplar_account(server, "forever");
        plain.push(fetch_listing(data.path(), count, false, true).elapsed);
        let data = poplar_account(server, "forever");
        add_rules(data.path());
        ruled.push(fetch_listing(data.path(), count, false, true).elapsed);
    }
    let ratios: Vec<f64> = ruled
        .iter()
        .zip(&plain)
        .map(|(r, p)| r.as_secs_f64() / p.as_secs_f64())
        .collect();
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let each: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    let (without, with) = (median(plain), median(ruled));
    println!(
        "{:<34} without {:>8.1} ms   with 100 rules {:>8.1} ms   ratio of medians {:.2}, median of the runs' ratios {:.2} (runs: {})",
        format!("{count} messages, keep, rules"),
        ms(without),
        ms(with),
        with.as_secs_f64() / without.as_secs_f64(),
        sorted[sorted.len() / 2],
        each.join(" ")
    );
}

/// The remote view's listing (`poplar remote list`: UIDL, LIST, TOP n 0 for every
/// message) of a mailbox kept on the server and all stored here, against a re-check of
/// the same mailbox, alternating; and the bytes it takes, as Dovecot counts them.
fn remote_listing(messages: &[Vec<u8>]) {
    let mut server = Dovecot::start();
    for m in messages {
        server.deliver(m);
    }
    let count = messages.len();
    println!("remote list of {count} messages, all stored here, against a re-check");
    let data = poplar_account(&server, "forever");
    fetch(data.path(), count, false);
    let (mut listing, mut recheck) = (Vec::new(), Vec::new());
    for _ in 0..runs(RUNS) {
        let start = Instant::now();
        let (status, _, stderr) = common::run(
            poplar_command(data.path(), &["fetch", "--password-stdin"], None),
            Some(&password_line()),
        );
        recheck.push(start.elapsed());
        assert!(status.success(), "{stderr}");
        let start = Instant::now();
        let (status, out, stderr) = common::run(
            poplar_command(
                data.path(),
                &["remote", "list", "bench", "--json", "--password-stdin"],
                None,
            ),
            Some(&password_line()),
        );
        listing.push(start.elapsed());
        assert!(status.success(), "{stderr}");
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        assert_eq!(rows.len(), count);
    }
    // What the server alone takes to answer TOP n 0 for every message, pipelined 64 at
    // a time, over a session of our own that is already logged in.
    let mut answers = Vec::new();
    for _ in 0..runs(RUNS) {
        answers.push(top_answers(&server, count));
    }
    let log = server.log();
    let line = log
        .lines()
        .rev()
        .find(|l| l.contains("top=") && !l.contains("top=0/"))
        .unwrap();
    let figure = |name: &str| -> u64 {
        let rest = &line[line.find(&format!("{name}=")).unwrap() + name.len() + 1..];
        rest.split('/')
            .nth(usize::from(name == "top"))
            .unwrap()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let (top_bytes, size) = (figure("top"), figure("size"));
    let (l, r) = (median(listing), median(recheck));
    println!(
        "{:<34} remote list {:>8.1} ms   re-check {:>8.1} ms   ratio {:.2}   TOP answers {} of {} bytes ({:.1}%)",
        format!("{count} messages"),
        ms(l),
        ms(r),
        l.as_secs_f64() / r.as_secs_f64(),
        top_bytes,
        size,
        100.0 * top_bytes as f64 / size as f64
    );
    println!(
        "{:<34} {:.1} ms (the server answering TOP n 0 for all, pipelined, in a session already logged in)",
        "  TOP answers alone",
        ms(median(answers))
    );
}

/// The time from the first TOP n 0 sent to the last answer read, `count` messages.
fn top_answers(server: &Dovecot, count: usize) -> Duration {
    use poplar::pop3::{Request, Step};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut session = logged_in(server).await;
        session.stat().await.unwrap();
        let start = Instant::now();
        let numbers: Vec<u32> = (1..=count as u32).collect();
        for chunk in numbers.chunks(64) {
            let requests: Vec<Request> = chunk.iter().map(|&n| Request::Top(n, 0)).collect();
            session.send_commands(&requests).await.unwrap();
            for _ in &requests {
                assert!(
                    session
                        .read_status(Step::ReceivingHeaders)
                        .await
                        .unwrap()
                        .ok
                );
                session.read_message(|_| {}).await.unwrap();
            }
        }
        let elapsed = start.elapsed();
        let _ = session.quit().await;
        elapsed
    })
}

/// An mpop configuration delivering into a fresh Maildir; (its folder, the file).
fn mpop_setup(server: &Dovecot, keep: bool) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = scratch();
    let maildir = dir.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let config = dir.path().join("mpoprc");
    std::fs::write(
        &config,
        format!(
            "account bench\nhost 127.0.0.1\nport {}\ntls on\ntls_starttls off\ntls_trust_file {}\nuser {}\npassword {}\ndelivery maildir {}\nkeep {}\nuidls_file {}\nauth user\n",
            server.tls_port,
            server.cert.display(),
            dovecot::USER,
            dovecot::PASSWORD,
            maildir.display(),
            if keep { "on" } else { "off" },
            dir.path().join("uidls").display(),
        ),
    )
    .unwrap();
    // mpop refuses a configuration that others can read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    (dir, config)
}

/// One mpop run with `config`; with `no_sync`, under eatmydata.
fn mpop(dir: &Path, config: &Path, expected: usize, no_sync: bool) -> Fetched {
    let mut command = if no_sync {
        let mut c = Command::new("eatmydata");
        c.arg("mpop");
        c
    } else {
        Command::new("mpop")
    };
    let (start, cpu) = (Instant::now(), children_cpu());
    let out = command
        .arg("--file")
        .arg(config)
        .arg("--quiet")
        .arg("bench")
        .output()
        .expect("mpop and eatmydata are installed (packaging/setup-debian.sh bench)");
    let (elapsed, cpu) = (start.elapsed(), children_cpu() - cpu);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(dir.join("Maildir/new")).unwrap().count(),
        expected
    );
    Fetched {
        elapsed,
        cpu,
        peak: None,
    }
}

/// One mpop run into a fresh Maildir.
fn run_mpop(server: &Dovecot, keep: bool, expected: usize, no_sync: bool) -> Fetched {
    let (dir, config) = mpop_setup(server, keep);
    mpop(dir.path(), &config, expected, no_sync)
}

/// The time from sending STAT right after logging in to its answer, over TLS.
fn stat_after_login(server: &Dovecot) -> Duration {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut session = logged_in(server).await;
        let start = Instant::now();
        session.stat().await.unwrap();
        let elapsed = start.elapsed();
        let _ = session.quit().await;
        elapsed
    })
}

/// Lets Dovecot take in a fresh delivery before a timed run: a session of the benchmark's
/// own lists the mailbox (UIDL and LIST) and reads its first message, then quits without
/// deleting anything. The first session after a delivery otherwise pays for Dovecot's
/// indexing (in BENCHMARKS.md's timelines its first RETR was answered 815 ms late, where
/// it took 2 ms on a mailbox it had seen), and that fell on whichever client came first.
fn settle(server: &Dovecot) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut session = logged_in(server).await;
        let (uidls, _) = session.uidl_and_list(false).await.unwrap();
        if !uidls.unwrap().is_empty() {
            let retr = poplar::pop3::Request::Retr(1);
            session.send_command(retr).await.unwrap();
            let status = session
                .read_status(poplar::pop3::Step::ReceivingMessage)
                .await;
            assert!(status.unwrap().ok);
            session.read_message(|_| {}).await.unwrap();
        }
        session.quit().await.unwrap();
    });
}

/// A session of the benchmark's own on `server`, logged in (USER/PASS over TLS).
async fn logged_in(server: &Dovecot) -> poplar::pop3::Session {
    let settings = poplar::accounts::Settings {
        name: "probe".into(),
        host: "127.0.0.1".into(),
        port: server.tls_port,
        user: dovecot::USER.into(),
        ca_file: Some(server.cert.clone()),
        auth: poplar::accounts::AuthMethod::UserPass,
        ..Default::default()
    };
    poplar::pop3::connect_and_login(
        &settings.connect_options(),
        &settings.user,
        dovecot::PASSWORD,
        settings.auth,
    )
    .await
    .unwrap()
}

/// The CPU time (user and system) of the child processes waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(what: &str, poplar: &[Fetched], mpop: &[Fetched], unsynced: &[Fetched]) {
    let ratios: Vec<f64> = poplar
        .iter()
        .zip(mpop)
        .map(|(p, m)| p.elapsed.as_secs_f64() / m.elapsed.as_secs_f64())
        .collect();
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let wall = |runs: &[Fetched]| ms(median(runs.iter().map(|r| r.elapsed).collect()));
    let cpu = |runs: &[Fetched]| ms(median(runs.iter().map(|r| r.cpu).collect()));
    let mut line = format!(
        "{what:<34} poplar {:>8.1} ms   mpop {:>8.1} ms   ratio (median of runs) {:.2}",
        wall(poplar),
        wall(mpop),
        sorted[sorted.len() / 2]
    );
    if !unsynced.is_empty() {
        line.push_str(&format!("   (mpop without fsync {:.1} ms)", wall(unsynced)));
    }
    println!("{line}");
    println!(
        "{:<34} poplar {:>8.1} ms   mpop {:>8.1} ms   (CPU time, user and system, medians)",
        "",
        cpu(poplar),
        cpu(mpop)
    );
}

/// Keep and delete mode over `messages`, alternating Poplar and mpop run by run.
fn side_by_side(server: &mut Dovecot, messages: &[Vec<u8>], label: &str) {
    let count = messages.len();
    let refill = |server: &mut Dovecot| {
        assert_eq!(server.count(), 0);
        for m in messages {
            server.deliver(m);
        }
        settle(server);
    };
    settle(server);
    let (mut p, mut m, mut u) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs(RUNS) {
        p.push(run_poplar(server, "forever", count));
        m.push(run_mpop(server, true, count, false));
        u.push(run_mpop(server, true, count, true));
    }
    report(&format!("{label}, keep on server"), &p, &m, &u);
    let (mut p, mut m, mut u) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs(RUNS) {
        p.push(run_poplar(server, "delete", count));
        refill(server);
        m.push(run_mpop(server, false, count, false));
        refill(server);
        u.push(run_mpop(server, false, count, true));
        refill(server);
    }
    report(&format!("{label}, delete from server"), &p, &m, &u);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark not run (use cargo bench --bench fetch)");
        return;
    }
    let cases = std::env::var("POPLAR_BENCH_CASES")
        .unwrap_or_else(|_| "small,rules,recheck,remote,mixed,memory".into());
    let wanted = |case: &str| cases.split(',').any(|c| c == case);
    let count: usize = std::env::var("POPLAR_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let messages: Vec<Vec<u8>> = (0..count).map(|n| message(n, 5_000)).collect();

    if wanted("small") {
        let mut server = Dovecot::start();
        for m in &messages {
            server.deliver(m);
        }
        println!(
            "{count} messages of about 5 KB over TLS, {} runs each, alternating",
            runs(RUNS)
        );
        side_by_side(&mut server, &messages, "fetch");
    }

    if wanted("rules") {
        let mut server = Dovecot::start();
        for m in &messages {
            server.deliver(m);
        }
        println!("{count} messages of about 5 KB, keep mode, without rules and with 100");
        with_and_without_rules(&server, count);
    }

    if wanted("recheck") {
        let mut server = Dovecot::start();
        for m in &messages {
            server.deliver(m);
        }
        println!("re-check of {count} messages kept on the server, nothing new");
        let data = poplar_account(&server, "forever");
        fetch(data.path(), count, false);
        let (dir, config) = mpop_setup(&server, true);
        mpop(dir.path(), &config, count, false);
        let (mut p, mut m) = (Vec::new(), Vec::new());
        // Three times the runs: a re-check is short, and Dovecot's answer to UIDL, most of
        // it, varies by a third from one session to the next.
        for _ in 0..runs(RUNS) * 3 {
            // Nothing new to list: the time is the `poplar fetch` process alone.
            let (start, cpu) = (Instant::now(), children_cpu());
            let (status, _, stderr) = common::run(
                poplar_command(data.path(), &["fetch", "--password-stdin"], None),
                Some(&password_line()),
            );
            p.push(Fetched {
                elapsed: start.elapsed(),
                cpu: children_cpu() - cpu,
                peak: None,
            });
            assert!(status.success(), "{stderr}");
            m.push(mpop(dir.path(), &config, count, false));
        }
        report("re-check, nothing new", &p, &m, &[]);
        // What the server alone takes: log in and ask for the message count (STAT), the
        // first thing any client asks, over a session of our own.
        let mut first_answer = Vec::new();
        for _ in 0..runs(RUNS) {
            first_answer.push(stat_after_login(&server));
        }
        println!(
            "{:<34} {:.1} ms (Dovecot opening the mailbox for the first command)",
            "  first answer after login",
            ms(median(first_answer))
        );

        // Indexing for search runs after the fetch, in the background; how long it takes.
        let started = Instant::now();
        let mut store =
            poplar::store::Store::open(&poplar::paths::Paths::at(data.path()).database()).unwrap();
        let mut indexed = 0;
        while let Ok(n @ 1..) = store.index_pending(500) {
            indexed += n;
        }
        println!(
            "{:<34} {indexed} messages indexed for search in {:.1} ms",
            "background indexing",
            ms(started.elapsed())
        );
    }

    if wanted("remote") {
        remote_listing(&messages);
    }

    if wanted("mixed") {
        let mixed = mixed_mail();
        let total: usize = mixed.iter().map(Vec::len).sum();
        let mut server = Dovecot::start();
        for m in &mixed {
            server.deliver(m);
        }
        println!(
            "{} messages, {:.0} MB of mixed mail over TLS, {} runs each, alternating",
            mixed.len(),
            total as f64 / 1e6,
            runs(RUNS)
        );
        side_by_side(&mut server, &mixed, "200 MB mixed");
    }

    if wanted("memory") {
        let mut server = Dovecot::start();
        for m in &messages {
            server.deliver(m);
        }
        let data = poplar_account(&server, "forever");
        let peak = fetch(data.path(), count, true).peak;
        println!(
            "{:<34} {:.1} MB",
            format!("peak memory, {count} messages"),
            peak.unwrap()
        );
        let mut server = Dovecot::start();
        server.deliver(&with_attachment(0, 150 << 20));
        let data = poplar_account(&server, "forever");
        let big = fetch(data.path(), 1, true).peak;
        let mut server = Dovecot::start();
        server.deliver(&message(0, 5_000));
        let data = poplar_account(&server, "forever");
        let small = fetch(data.path(), 1, true).peak;
        println!(
            "{:<34} {:.1} MB (one small message: {:.1} MB)",
            "peak memory, one 200 MB message",
            big.unwrap(),
            small.unwrap()
        );
    }
}
