//! How long the junk filter takes to judge a message as the fetch does it: the message
//! read for the rules (headers decoded, its text rendered), cut into tokens, and scored
//! against a model taught on 200 junk and 200 good messages of the generated corpus.
//! 2,000 unseen messages, each padded to about 5 KB with more of its own kind of text.
//! Not a timed test: it prints the median and the slowest, and never fails on a number.
//! Run with:
//!
//!     cargo bench --bench junk
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/junk_corpus.rs"]
mod junk_corpus;

use std::time::{Duration, Instant};

use junk_corpus::{Mail, generate};
use poplar::junk::{Kind, Model};

/// The message as mail carries it, its text repeated until it is `size` bytes or more.
fn raw(mail: &Mail, size: usize) -> Vec<u8> {
    let q = |s: &str| -> String { s.bytes().map(|b| format!("={b:02X}")).collect() };
    let mut body = mail.body.replace('\n', "\r\n");
    while body.len() < size {
        body.push_str("\r\n");
        body.push_str(&mail.body.replace('\n', "\r\n"));
    }
    format!(
        "From: {}\r\nTo: me@example.org\r\nSubject: =?UTF-8?Q?{}?=\r\n\
Date: Mon, 02 Dec 2024 09:00:00 +0900\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
        mail.from.replace(|c: char| !c.is_ascii(), ""),
        q(&mail.subject)
    )
    .into_bytes()
}

fn tokens(raw: &[u8]) -> std::collections::BTreeSet<String> {
    let read = poplar::mail::sortable::sortable(raw, raw.len() as u64, true);
    poplar::junk::tokens_of(&read)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark not run (use cargo bench --bench junk)");
        return;
    }
    let mut model = Model::default();
    for mail in generate(0x5eed, 400) {
        let kind = if mail.junk { Kind::Junk } else { Kind::Good };
        model.train(&tokens(&raw(&mail, 0)), kind);
    }
    let mails = generate(0xa51de, 2000);
    let unseen: Vec<Vec<u8>> = mails.iter().map(|m| raw(m, 5_000)).collect();
    let average = unseen.iter().map(Vec::len).sum::<usize>() / unseen.len();
    let mut whole = Vec::with_capacity(unseen.len());
    let mut scoring = Vec::with_capacity(unseen.len());
    let mut japanese = Vec::new();
    let mut junk = 0;
    for (raw, mail) in unseen.iter().zip(&mails) {
        let started = Instant::now();
        let t = tokens(raw);
        let read = started.elapsed();
        junk += usize::from(std::hint::black_box(model.is_junk(&t)));
        let took = started.elapsed();
        whole.push(took);
        scoring.push(took - read);
        if mail.japanese {
            japanese.push(took);
        }
    }
    whole.sort();
    japanese.sort();
    scoring.sort();
    println!(
        "{} messages of {average} bytes on average, model of {} tokens ({junk} judged junk)",
        unseen.len(),
        model.counts.len()
    );
    println!(
        "judging a message: median {:.3} ms, 99th percentile {:.3} ms, slowest {:.3} ms",
        ms(whole[whole.len() / 2]),
        ms(whole[whole.len() * 99 / 100]),
        ms(whole[whole.len() - 1])
    );
    println!(
        "  of which scoring the tokens: median {:.3} ms; Japanese messages alone: median {:.3} ms",
        ms(scoring[scoring.len() / 2]),
        ms(japanese[japanese.len() / 2])
    );
}
