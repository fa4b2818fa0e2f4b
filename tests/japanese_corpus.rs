//! The Japanese corpus of issue 14 (tests/corpus/japanese, made by
//! tests/corpus/make_japanese.py) read the way a user meets it: imported with
//! `poplar import`, then each message's subject and sender checked in `poplar list` and in
//! `poplar show`, its body and attachment names in `poplar show`.
//!
//! Every mismatch is collected and the test fails once, with a per-class summary and a
//! table of what was expected and what was shown, so one run shows the whole state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::poplar;
use serde::Deserialize;

const FOLDER: &str = "Japanese corpus";

/// One message's entry in expected.json.
#[derive(Debug, Deserialize)]
struct Expected {
    file: String,
    class: String,
    /// "required" or "lenient", as the issue ranks the class.
    level: String,
    /// What the message is made of, in a few words.
    what: String,
    subject: String,
    /// As the list and the pane show it: "Name <address>", or the address alone.
    from: String,
    /// Text that must appear in the rendered body.
    body: String,
    attachments: Vec<String>,
}

/// What `poplar show` printed for one message.
#[derive(Debug, Default)]
struct Shown {
    from: String,
    subject: String,
    attachments: Vec<String>,
    body: String,
}

struct Mismatch {
    file: String,
    field: &'static str,
    expected: String,
    got: String,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/japanese")
}

fn expectations() -> Vec<Expected> {
    let text = std::fs::read_to_string(corpus().join("expected.json")).unwrap();
    serde_json::from_str(&text).expect("expected.json is a list of expectations")
}

/// Every .eml of the corpus: file name to bytes.
fn corpus_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "eml"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

/// One row of `poplar list --json`, the columns the window's list shows.
#[derive(Debug, Deserialize)]
struct Row {
    id: i64,
    from: String,
    subject: String,
}

/// The list rows of the imported folder, as `poplar list --folder F --json` prints them.
fn folder_rows(data: &Path) -> Vec<Row> {
    let (status, out, err) = poplar(data, &["list", "--folder", FOLDER, "--json"], None);
    assert!(status.success(), "poplar list --folder: {err}");
    serde_json::from_slice(&out).expect("poplar list --json prints a list of rows")
}

/// `poplar show ID` read back into its parts.
fn show(data: &Path, id: i64) -> Shown {
    let (status, out, err) = poplar(data, &["show", &id.to_string()], None);
    assert!(status.success(), "poplar show {id}: {err}");
    let out = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = out.split_once("\n\n").unwrap_or((&out, ""));
    let mut shown = Shown {
        body: body.to_string(),
        ..Shown::default()
    };
    for line in head.lines() {
        if let Some(v) = line.strip_prefix("From: ") {
            shown.from = v.to_string();
        } else if let Some(v) = line.strip_prefix("Subject: ") {
            shown.subject = v.to_string();
        } else if let Some(v) = line.strip_prefix("Attachment: ") {
            shown.attachments.push(attachment_name(v).to_string());
        }
    }
    shown
}

/// The name in "NAME (123 bytes)" or "NAME (123 bytes; why it is dangerous)"; a name may
/// hold " (" itself, so the last one followed by a byte count ends it.
fn attachment_name(line: &str) -> &str {
    line.rmatch_indices(" (")
        .map(|(at, _)| at)
        .find(|&at| {
            let rest = &line[at + 2..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(" bytes")
        })
        .map_or(line, |at| &line[..at])
}

/// Each message's id, found by its bytes (`show --raw` gives them back unchanged).
fn ids_by_file(data: &Path, rows: &[Row]) -> BTreeMap<String, i64> {
    let by_bytes: BTreeMap<Vec<u8>, String> = corpus_files(&corpus())
        .into_iter()
        .map(|(name, raw)| (raw, name))
        .collect();
    rows.iter()
        .map(|row| {
            let (status, raw, err) = poplar(data, &["show", &row.id.to_string(), "--raw"], None);
            assert!(status.success(), "poplar show --raw {}: {err}", row.id);
            let file = by_bytes
                .get(&raw)
                .expect("a stored message is a corpus file");
            (file.clone(), row.id)
        })
        .collect()
}

/// Text for the table: control characters (a stray ESC of ISO-2022-JP, C1 bytes read
/// as Latin-1) made visible, so that the terminal shows them instead of obeying them.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0x0A => "⏎".to_string(),
            n @ 0x00..=0x1F => char::from_u32(0x2400 + n).unwrap().to_string(),
            0x7F => "␡".to_string(),
            n @ 0x80..=0x9F => format!("\\x{n:02X}"),
            _ => c.to_string(),
        })
        .collect()
}

/// A body shown on one line, cut to a readable length, for the table.
fn one_line(text: &str, max: usize) -> String {
    let flat = visible(text.trim());
    match flat.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

/// The longest word of a subject (at most 6 characters of it), to search for.
fn search_word(subject: &str) -> String {
    let word = subject
        .split(|c: char| {
            c.is_whitespace() || c.is_ascii_punctuation() || "、。（）「」：".contains(c)
        })
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default();
    word.chars().take(6).collect()
}

fn check(expected: &Expected, row: &Row, shown: &Shown) -> Vec<Mismatch> {
    let mut found = Vec::new();
    let mut compare = |field, want: &str, got: &str| {
        if want != got {
            found.push(Mismatch {
                file: expected.file.clone(),
                field,
                expected: visible(want),
                got: visible(got),
            });
        }
    };
    compare("list subject", &expected.subject, &row.subject);
    compare("list from", &expected.from, &row.from);
    compare("show subject", &expected.subject, &shown.subject);
    compare("show from", &expected.from, &shown.from);
    compare(
        "attachments",
        &expected.attachments.join(" | "),
        &shown.attachments.join(" | "),
    );
    if !shown.body.contains(&expected.body) {
        // The greeting every letter starts with says little; show what follows it.
        let body = shown.body.trim_start();
        let rest = body.splitn(3, '\n').nth(2).unwrap_or(body);
        found.push(Mismatch {
            file: expected.file.clone(),
            field: "body",
            expected: expected.body.clone(),
            got: one_line(rest, 60),
        });
    }
    found
}

/// Columns a terminal gives a character: two for the wide East Asian ones.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// The per-class summary and the table of mismatches.
fn report(expected: &[Expected], mismatches: &[Mismatch]) -> String {
    let failing: std::collections::BTreeSet<&str> =
        mismatches.iter().map(|m| m.file.as_str()).collect();
    let mut classes: Vec<(&str, &str, usize, usize)> = Vec::new();
    for e in expected {
        let passed = usize::from(!failing.contains(e.file.as_str()));
        match classes.iter_mut().find(|c| c.0 == e.class) {
            Some(c) => {
                c.2 += passed;
                c.3 += 1;
            }
            None => classes.push((&e.class, &e.level, passed, 1)),
        }
    }
    let mut out = String::from("\nclass          level     read right\n");
    for (class, level, passed, total) in &classes {
        let verdict = if passed == total { "" } else { "  FAILS" };
        writeln!(out, "{class:<14} {level:<9} {passed}/{total}{verdict}").unwrap();
    }
    let messages = expected.len() - failing.len();
    writeln!(out, "messages read right: {messages}/{}", expected.len()).unwrap();
    if mismatches.is_empty() {
        return out;
    }
    let expected_width = mismatches
        .iter()
        .map(|m| width(&m.expected))
        .max()
        .unwrap_or(0)
        .min(70);
    writeln!(
        out,
        "\n{:<20} {:<13} {} got",
        "file",
        "field",
        pad("expected", expected_width)
    )
    .unwrap();
    for m in mismatches {
        writeln!(
            out,
            "{:<20} {:<13} {} {}",
            m.file,
            m.field,
            pad(&m.expected, expected_width),
            m.got
        )
        .unwrap();
    }
    out.push_str("\nwhat the failing files are made of:\n");
    for e in expected
        .iter()
        .filter(|e| failing.contains(e.file.as_str()))
    {
        writeln!(out, "{:<20} {}", e.file, e.what).unwrap();
    }
    out
}

/// The corpus and its expectations name the same files, three or more per class.
fn corpus_is_whole(expected: &[Expected]) {
    let files: Vec<String> = corpus_files(&corpus()).into_keys().collect();
    let mut named: Vec<String> = expected.iter().map(|e| e.file.clone()).collect();
    named.sort();
    assert_eq!(files, named, "expected.json and the .eml files disagree");
    let mut per_class: BTreeMap<&str, usize> = BTreeMap::new();
    for e in expected {
        *per_class.entry(&e.class).or_default() += 1;
        assert!(
            ["required", "lenient"].contains(&e.level.as_str()),
            "{}",
            e.file
        );
    }
    assert!(per_class.values().all(|&n| n >= 3), "{per_class:?}");
}

#[test]
fn japanese_corpus_reads_as_a_reader_expects() {
    let expected = expectations();
    corpus_is_whole(&expected);
    let data = tempfile::tempdir().unwrap();
    let dir = corpus();
    let (status, out, err) = poplar(
        data.path(),
        &["import", dir.to_str().unwrap(), "--folder", FOLDER],
        None,
    );
    assert!(status.success(), "poplar import: {err}");
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains(&format!("Imported {} messages", expected.len())),
        "{out}"
    );

    let rows = folder_rows(data.path());
    let ids = ids_by_file(data.path(), &rows);
    let mut mismatches = Vec::new();
    let store =
        poplar::store::Store::open(&poplar::paths::Paths::at(data.path()).database()).unwrap();
    for e in &expected {
        let id = ids[&e.file];
        let row = rows.iter().find(|r| r.id == id).unwrap();
        mismatches.extend(check(e, row, &show(data.path(), id)));
        // Search (indexed by the import) finds the message by a word of its decoded
        // subject, a word its raw bytes do not hold.
        let word = search_word(&e.subject);
        assert!(
            word.chars().count() >= 2,
            "{}: no word to search for",
            e.file
        );
        let found = store
            .search(poplar::store::View::All, &word, Default::default())
            .unwrap();
        if !found.contains(&id) {
            mismatches.push(Mismatch {
                file: e.file.clone(),
                field: "search",
                expected: word,
                got: format!("{} other messages", found.len()),
            });
        }
    }
    let report = report(&expected, &mismatches);
    println!("{report}");
    assert!(
        mismatches.is_empty(),
        "{} mismatches in the Japanese corpus:\n{report}",
        mismatches.len()
    );
}

/// The committed corpus is what the script makes today, so that nobody edits a message
/// by hand and leaves the script (and the next regeneration) behind.
#[test]
fn committed_corpus_is_what_the_script_makes() {
    let out = tempfile::tempdir().unwrap();
    let script = corpus().parent().unwrap().join("make_japanese.py");
    let run = std::process::Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(out.path())
        .output();
    let run = match run {
        Ok(run) => run,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("note: python3 is not installed; the corpus was not regenerated");
            return;
        }
        Err(e) => panic!("could not run python3: {e}"),
    };
    assert!(
        run.status.success(),
        "make_japanese.py failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut made = corpus_files(out.path());
    let mut committed = corpus_files(&corpus());
    for (dir, files) in [
        (out.path(), &mut made),
        (corpus().as_path(), &mut committed),
    ] {
        files.insert(
            "expected.json".into(),
            std::fs::read(dir.join("expected.json")).unwrap(),
        );
    }
    let differ: Vec<&String> = made
        .keys()
        .chain(committed.keys())
        .filter(|name| made.get(*name) != committed.get(*name))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        differ.is_empty(),
        "the committed corpus differs from what make_japanese.py makes in {differ:?}; \
         run python3 tests/corpus/make_japanese.py and commit the result"
    );
}
