//! The translation catalogs: both parse, say the same things with the same arguments,
//! hold every key the program asks for, and the views hard-code no words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use poplar::i18n::{ENGLISH_CATALOG, JAPANESE_CATALOG};

/// Message key → the variables its text uses.
fn entries(catalog: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in catalog.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') && !line.starts_with('}') {
            let (key, _) = line.split_once(" =").expect("key = value");
            current = Some(key.trim().to_string());
            out.entry(key.trim().to_string()).or_default();
        }
        let key = current.clone().expect("a continuation follows a key");
        let mut rest = line;
        while let Some(at) = rest.find('$') {
            rest = &rest[at + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.get_mut(&key).unwrap().insert(name);
        }
    }
    out
}

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// The keys passed to `t!`, wherever the call is split across lines.
fn keys_used() -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for path in sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("t!(") {
            // `format!(` and friends end in t!( too.
            let macro_name_goes_on = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            rest = &rest[at + 3..];
            if macro_name_goes_on {
                continue;
            }
            let after = rest.trim_start();
            if let Some(quoted) = after.strip_prefix('"') {
                let key: String = quoted.chars().take_while(|c| *c != '"').collect();
                if !path.ends_with("i18n.rs") {
                    used.insert(key);
                }
            }
        }
    }
    used
}

#[test]
fn both_catalogs_parse_without_errors() {
    for (name, catalog) in [("en", ENGLISH_CATALOG), ("ja", JAPANESE_CATALOG)] {
        if let Err((_, errors)) = FluentResource::try_new(catalog.to_string()) {
            panic!("{name}.ftl: {errors:?}");
        }
    }
}

/// A key written twice is one the bundle silently drops: the second text (with its own
/// arguments, perhaps) never shows.
#[test]
fn no_key_is_written_twice() {
    for (name, catalog) in [("en", ENGLISH_CATALOG), ("ja", JAPANESE_CATALOG)] {
        let mut seen = BTreeSet::new();
        for line in catalog.lines() {
            if line.starts_with('#') || line.starts_with(' ') || line.starts_with('}') {
                continue;
            }
            if let Some((key, _)) = line.split_once(" =") {
                assert!(seen.insert(key.trim()), "{name}.ftl: {} twice", key.trim());
            }
        }
    }
}

#[test]
fn japanese_says_everything_english_says_with_the_same_arguments() {
    let en = entries(ENGLISH_CATALOG);
    let ja = entries(JAPANESE_CATALOG);
    let en_keys: BTreeSet<_> = en.keys().collect();
    let ja_keys: BTreeSet<_> = ja.keys().collect();
    assert_eq!(
        en_keys.difference(&ja_keys).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "missing in ja.ftl"
    );
    assert_eq!(
        ja_keys.difference(&en_keys).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "missing in en.ftl"
    );
    for (key, vars) in &en {
        assert_eq!(&ja[key], vars, "{key}: the arguments differ");
    }
}

#[test]
fn every_key_the_program_asks_for_is_in_the_catalog_and_none_is_left_over() {
    let used = keys_used();
    let defined: BTreeSet<String> = entries(ENGLISH_CATALOG).into_keys().collect();
    let missing: Vec<_> = used.difference(&defined).collect();
    assert!(missing.is_empty(), "used but not in en.ftl: {missing:?}");
    let unused: Vec<_> = defined.difference(&used).collect();
    assert!(unused.is_empty(), "in en.ftl but never used: {unused:?}");
}

#[test]
fn views_take_their_words_from_the_catalog() {
    // Widget constructors that show text, called with a literal that has letters in it.
    let shows = [
        "text(\"",
        "button(\"",
        ".label(\"",
        ".placeholder(\"",
        "set_title(\"",
        "tooltip(\"",
    ];
    let mut found = Vec::new();
    for path in sources() {
        let in_ui = path.components().any(|c| c.as_os_str() == "ui") || path.ends_with("app.rs");
        if !in_ui {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for show in shows {
                if let Some(at) = line.find(show) {
                    let literal = &line[at + show.len()..];
                    if literal
                        .chars()
                        .take_while(|c| *c != '"')
                        .any(char::is_alphabetic)
                    {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "hard-coded words in views:\n{}",
        found.join("\n")
    );
}
