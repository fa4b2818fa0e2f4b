//! The reader over the malformed-mail corpus at 5 MB (the bound: no step over 1 s
//! for any 5 MB input in a release build). Not a timed test: it prints each class's
//! slowest `summarize` and `render`, and the slowest of all; it never fails on a number.
//! Run with:
//!
//!     cargo bench --bench mail
//!
//! (`--profile profiling` builds faster: release code without LTO.) POPLAR_BENCH_MAIL_MB
//! sets another size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/malformed.rs"]
mod malformed;

use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let started = Instant::now();
    std::hint::black_box(f());
    started.elapsed()
}

fn main() {
    let mb: usize = std::env::var("POPLAR_BENCH_MAIL_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let big = mb << 20;
    println!("malformed mail, largest inputs {mb} MB");
    let mut worst = (Duration::ZERO, String::new());
    for class in malformed::classes() {
        let cases = (class.cases)(big);
        let mut slowest = (Duration::ZERO, Duration::ZERO, String::new(), 0);
        for case in &cases {
            let summarize = time(|| poplar::mail::summarize(&case.raw));
            let render = time(|| poplar::mail::render(&case.raw));
            if summarize + render > slowest.0 + slowest.1 {
                slowest = (summarize, render, case.name.clone(), case.raw.len());
            }
            for (step, took) in [("summarize", summarize), ("render", render)] {
                if took > worst.0 {
                    worst = (took, format!("{step} of {} / {}", class.name, case.name));
                }
            }
        }
        let (summarize, render, name, len) = slowest;
        println!(
            "{:<45} {:>5} cases; slowest {name:?} ({:.1} MB): summarize {:>8.1} ms, render {:>8.1} ms",
            class.name,
            cases.len(),
            len as f64 / f64::from(1 << 20),
            ms(summarize),
            ms(render)
        );
    }
    println!("slowest step: {:.1} ms ({})", ms(worst.0), worst.1);

    // How render's time grows with the open words of a forwarded, encoded message: linear
    // doubles, quadratic quadruples.
    for words in [2_500, 5_000, 10_000] {
        let (raw, _) = malformed::encoded_forward_with(words);
        let took = time(|| poplar::mail::render(&raw));
        println!(
            "encoded forward, {words:>6} open words a field ({:>6.1} KB): render {:>8.1} ms",
            raw.len() as f64 / 1024.0,
            ms(took)
        );
    }

    ordinary_mail();
}

/// Ordinary mail, what every fetch and the indexer go through: the median time of one
/// `summarize` and one `render`, per kind of message.
fn ordinary_mail() {
    let body = "The quarterly figures are attached below. ".repeat(120);
    let plain = format!(
        "From: sender@example.org\r\nTo: alice@example.org\r\nSubject: Benchmark message\r\n\
         Message-ID: <bench@example.org>\r\nDate: Mon, 3 Mar 2025 09:15:00 +0000\r\n\r\n{body}\r\n"
    )
    .into_bytes();
    let mut japanese = b"From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <yamada@example.jp>\r\n\
To: alice@example.org\r\nSubject: =?ISO-2022-JP?B?GyRCMnE1RCRON28bKEI=?=\r\n\
Date: Tue, 4 Mar 2025 10:00:00 +0900\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
        .to_vec();
    for _ in 0..60 {
        japanese.extend_from_slice(b"\x1b$BL@F|$N2q5D$O==;~$+$i$G$9!#\x1b(B\r\n");
    }
    for (name, raw) in [("plain 5 KB", &plain), ("ISO-2022-JP", &japanese)] {
        let median = |f: &dyn Fn()| {
            let mut times: Vec<Duration> = (0..2_000).map(|_| time(f)).collect();
            times.sort();
            times[times.len() / 2]
        };
        let summarize = median(&|| {
            std::hint::black_box(poplar::mail::summarize(raw));
        });
        let render = median(&|| {
            std::hint::black_box(poplar::mail::render(raw));
        });
        let parse_headers = median(&|| {
            std::hint::black_box(mail_parser::MessageParser::default().parse_headers(&raw[..]));
        });
        let parse = median(&|| {
            std::hint::black_box(mail_parser::MessageParser::default().parse(&raw[..]));
        });
        println!(
            "  mail-parser alone: parse_headers {:>6.1} µs, parse {:>6.1} µs",
            parse_headers.as_secs_f64() * 1e6,
            parse.as_secs_f64() * 1e6
        );
        println!(
            "ordinary mail, {name:<12} ({:>5} bytes): summarize {:>6.1} µs, render {:>6.1} µs (medians)",
            raw.len(),
            summarize.as_secs_f64() * 1e6,
            render.as_secs_f64() * 1e6
        );
    }
}
