//! Tests of the link finder: where links start and end, and its bounds on hostile text.

use super::*;

#[test]
fn a_url_straight_after_japanese_text_or_inside_brackets_is_found() {
    for (text, right) in [
        ("詳細はhttps://example.jp/です", "https://example.jp/"),
        (
            "「https://example.jp/a」をご覧ください",
            "https://example.jp/a",
        ),
        ("、https://example.jp/b、", "https://example.jp/b"),
        ("（https://example.jp/d）", "https://example.jp/d"),
        ("『https://example.jp/e』", "https://example.jp/e"),
        ("URL:https://example.jp/f", "https://example.jp/f"),
        ("url=https://example.jp/g", "https://example.jp/g"),
        (
            "詳しくはmailto:info@example.jp?subject=資料",
            "mailto:info@example.jp?subject=",
        ),
    ] {
        assert_eq!(links(text), [right], "{text}");
    }
}

#[test]
fn a_scheme_at_the_end_of_a_longer_word_is_not_a_link() {
    // As linkify reads it, "xhttps" is another scheme: not one of ours.
    for text in [
        "xhttps://a.example/",
        "1http://a.example/",
        "notmailto:a@b.example",
    ] {
        assert!(links(text).is_empty(), "{text}");
    }
    assert_eq!(links("-https://a.example/"), ["https://a.example/"]);
}

#[test]
fn japanese_and_full_width_punctuation_end_a_url() {
    let text = "そして https://example.jp/c。 https://example.jp/d） https://x.example/a\u{3000}全角 \
                https://example.jp/にアクセスし、ID123を入力 https://e.example/、次";
    assert_eq!(
        links(text),
        [
            "https://example.jp/c",
            "https://example.jp/d",
            "https://x.example/a",
            "https://example.jp/",
            "https://e.example/",
        ]
    );
}

#[test]
fn balanced_brackets_are_kept_and_unbalanced_ones_end_the_url() {
    for (text, right) in [
        (
            "See https://en.wikipedia.org/wiki/Rust_(programming_language) now",
            "https://en.wikipedia.org/wiki/Rust_(programming_language)",
        ),
        (
            "(see https://en.wikipedia.org/wiki/Rust_(programming_language))",
            "https://en.wikipedia.org/wiki/Rust_(programming_language)",
        ),
        ("(https://b.example).", "https://b.example"),
        ("[link](https://md.example/x)", "https://md.example/x"),
        ("https://a.example/x(", "https://a.example/x"),
        ("https://a.example/x(y", "https://a.example/x"),
        ("https://a.example/a(b(c)d", "https://a.example/a"),
        ("https://a.example/a(b)c)d", "https://a.example/a(b)c"),
        (
            "https://a.example/q?x[]=1&y={2}.",
            "https://a.example/q?x[]=1&y={2}",
        ),
        ("[https://a.example/]", "https://a.example/"),
        ("https://a.example/a(b]c)", "https://a.example/a"),
        ("'https://a.example/(b'c)", "https://a.example/"),
    ] {
        assert_eq!(links(text), [right], "{text}");
    }
}

#[test]
fn quotes_end_a_url() {
    let text = "\"https://double.example/x\" 'https://single.example/y'. \
                'https://a.example/b'c' it's https://o.example/O'Reilly's page \
                `https://tick.example/z`";
    assert_eq!(
        links(text),
        [
            "https://double.example/x",
            "https://single.example/y",
            "https://a.example/b",
            "https://o.example/O'Reilly's",
            "https://tick.example/z",
        ]
    );
}

#[test]
fn trailing_punctuation_is_dropped_and_mailto_keeps_its_query() {
    let text = "Visit https://example.com/path. Or https://example.com/x, ok? \
                https://e.com/q?a=1&b=2! https://example.com/a.html#frag... *https://b.example/*: \
                mailto:info@example.com?subject=Hi MAILTO:Sales@Example.COM";
    assert_eq!(
        links(text),
        [
            "https://example.com/path",
            "https://example.com/x",
            "https://e.com/q?a=1&b=2",
            "https://example.com/a.html#frag",
            "https://b.example/",
            "mailto:info@example.com?subject=Hi",
            "MAILTO:Sales@Example.COM",
        ]
    );
}

#[test]
fn a_url_inside_a_url_is_part_of_it_and_bare_schemes_are_not_links() {
    assert_eq!(
        links("https://r.example/go?to=https://b.example/x&y=1"),
        ["https://r.example/go?to=https://b.example/x&y=1"]
    );
    // A link in the unclosed part of another is found on its own.
    assert_eq!(
        links("https://a.example/(https://b.example/x"),
        ["https://a.example/", "https://b.example/x"]
    );
    for text in [
        "https://",
        "https://.",
        "(https://)",
        "mailto:",
        "http:/x",
        "https:",
        "日本語だけ",
    ] {
        assert!(links(text).is_empty(), "{text}");
    }
    let text = "file:///etc/passwd ftp://files.example/x javascript:alert(1) data:text/html,x";
    assert!(links(text).is_empty());
}

/// Text made to make a link finder rescan what it has read: (what, about 1 MB).
fn hostile() -> Vec<(&'static str, String)> {
    vec![
        (
            "open parentheses",
            format!("https://a.example/{}", "(".repeat(1 << 20)),
        ),
        (
            "URL then '(' repeated",
            "https://a.example/(".repeat(55_000),
        ),
        (
            "'(' then URL repeated",
            "(https://a.example/".repeat(55_000),
        ),
        (
            "quoted URL, no closing quote",
            "'https://a.example/".repeat(55_000),
        ),
        ("schemes glued together", "https://".repeat(130_000)),
        (
            "brackets of every kind",
            "https://a.example/([{".repeat(50_000),
        ),
        (
            "closers",
            format!("https://a.example/{}", ")]}".repeat(350_000)),
        ),
        (
            "trailing dots",
            format!("https://a.example/{}", ".".repeat(1 << 20)),
        ),
        ("colons", "a:".repeat(500_000)),
        ("glued Japanese", "https://a.example/あ".repeat(40_000)),
        (
            "distinct URLs",
            (0..60_000)
                .map(|i| format!("https://a.example/{i} "))
                .collect(),
        ),
    ]
}

/// Each of these took minutes with a finder that walks the rest of the run again for
/// every scheme in it; a linear one takes well under a second each, in a debug build.
#[test]
fn hostile_text_is_searched_in_linear_time() {
    for (what, text) in hostile() {
        let started = std::time::Instant::now();
        let found = links(&text);
        let took = started.elapsed();
        eprintln!(
            "{what}: {} bytes in {took:?}, {} links",
            text.len(),
            found.len()
        );
        assert!(
            took < std::time::Duration::from_secs(10),
            "{what}: {took:?}"
        );
        assert!(found.len() <= MAX_LINKS, "{what}");
        for link in &found {
            assert!(text.contains(link.as_str()), "{what}");
        }
    }
    assert_eq!(
        links(&"https://a.example/(".repeat(1000)),
        ["https://a.example/"]
    );
    assert_eq!(links(&"https://".repeat(1000)).len(), 1);
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    /// The rules of the module's comment written the obvious way: every position tried,
    /// every link walked forwards (quadratic, which is why `links` does not do this).
    fn reference(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let mut found: Vec<String> = Vec::new();
        let mut taken = 0;
        for start in 0..bytes.len() {
            if start < taken || (start > 0 && bytes[start - 1].is_ascii_alphanumeric()) {
                continue;
            }
            let Some(len) = SCHEMES
                .iter()
                .find(|s| {
                    bytes
                        .get(start..start + s.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(s.as_bytes()))
                })
                .map(|s| s.len())
            else {
                continue;
            };
            let quoted = start > 0 && bytes[start - 1] == b'\'';
            let mut open: Vec<(usize, u8)> = Vec::new();
            let mut end = start + len;
            while end < bytes.len() && in_url(bytes[end]) && !(quoted && bytes[end] == b'\'') {
                let b = bytes[end];
                if let Some(k) = b"([{".iter().position(|&o| o == b) {
                    open.push((end, k as u8));
                } else if let Some(k) = b")]}".iter().position(|&c| c == b) {
                    match open.last() {
                        Some(&(_, top)) if top == k as u8 => {
                            open.pop();
                        }
                        _ => break,
                    }
                }
                end += 1;
            }
            if let Some(&(first, _)) = open.first() {
                end = first;
            }
            while end > start + len && TRAILING.contains(&bytes[end - 1]) {
                end -= 1;
            }
            if end > start + len {
                taken = end;
                let link = text[start..end].to_string();
                if !found.contains(&link) && found.len() < MAX_LINKS {
                    found.push(link);
                }
            }
        }
        found
    }

    fn link_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("https://"),
            Just("HTTP://"),
            Just("mailto:"),
            Just("a.example/"),
            Just("x"),
            Just("1"),
            Just("("),
            Just(")"),
            Just("["),
            Just("]"),
            Just("{"),
            Just("}"),
            Just("'"),
            Just("\""),
            Just("."),
            Just(","),
            Just(":"),
            Just("?q=1&r"),
            Just("<"),
            Just(">"),
            Just(" "),
            Just("\n"),
            Just("詳細は"),
            Just("「"),
            Just("」"),
            Just("。"),
            Just("\u{3000}"),
        ];
        prop::collection::vec(piece, 0..80).prop_map(|p| p.concat())
    }

    /// What every answer keeps to.
    fn check(text: &str) -> Result<(), TestCaseError> {
        let found = links(text);
        prop_assert!(found.len() <= MAX_LINKS);
        for link in &found {
            prop_assert!(text.contains(link.as_str()), "{:?} not in {:?}", link, text);
            prop_assert!(
                SCHEMES.iter().any(|s| link.len() > s.len()
                    && link.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes())),
                "{:?}",
                link
            );
            prop_assert!(link.bytes().all(in_url), "{:?}", link);
            prop_assert!(!TRAILING.contains(&link.as_bytes()[link.len() - 1]));
            prop_assert!(found.iter().filter(|l| *l == link).count() == 1);
        }
        prop_assert_eq!(found, reference(text));
        Ok(())
    }

    proptest! {
        #[test]
        fn link_soup_finds_what_the_rules_say(text in link_soup()) {
            check(&text)?;
        }

        #[test]
        fn any_text_finds_what_the_rules_say(text in any::<String>()) {
            check(&text)?;
        }
    }
}
