#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 15: `html2text` and `linkify` weighed against our own HTML converter
//! (`mail::html::to_text` / `to_styled`) and link finder (`mail::links`), on inputs that
//! matter to a mail reader. Each test asserts the property that decides; where theirs does
//! better, the test says so in its name and asserts that too (those assertions are meant
//! to flip when ours is mended). Timings are printed, never asserted; the release figures
//! are in BENCHMARKS.md ("HTML to text and link finding, against html2text and linkify").
//!
//! The decision these tests support:
//!
//! * HTML to text: keep ours. html2text (0.17) is stack-safe, but its parsing time grows
//!   with the square of the nesting depth (1 MB of nested `<div>`s: 26 s in a release
//!   build, ours 7 ms; BENCHMARKS.md), it refuses a document whose blockquotes or lists
//!   nest deeper than the width allows (`Err(TooNarrow)`: a long reply thread shows nothing
//!   at all), it prints a newsletter's layout table as boxed side-by-side columns wrapped
//!   at a fixed width (the reading pane is proportional and wraps itself), and its rich
//!   output has no mark for headings. Theirs is better at small things ours should copy:
//!   numbered `<ol>` items, `> ` marks for `<blockquote>`, a gap between `<th>` cells (ours
//!   glues them), U+FFFD for `&#0;` and surrogate references, and a hidden `<template>`.
//!   Ours has since taken all five (the tests that showed them now assert both right).
//! * Links: keep ours, mended. Ours stops right where Japanese text follows a URL, keeps
//!   `mailto:` with its query and offers no `file:` or `ftp:` link; it missed every URL
//!   written straight after Japanese text or inside 「」（）, cut a Wikipedia URL at its
//!   "(" and missed 'quoted' URLs, and now takes linkify's rules for those (a scheme
//!   anywhere but inside a longer word, balanced brackets, a quote before the scheme
//!   ending the link). linkify with its defaults runs on through Japanese text,
//!   full-width punctuation and U+3000; with `url_can_be_iri(false)` it finds those
//!   starts but still swallows Japanese text up to the next ASCII. `linkify_adapted`
//!   below (linkify for the starts, our rule for the ends) is what a switch would have
//!   looked like; `links_case_table_who_gets_what_right` counts who gets which case right.

use std::process::Command;
use std::time::{Duration, Instant};

use poplar::mail::{self, html};

/// The width html2text is asked to wrap to: a reading pane's usual text width.
const WIDTH: usize = 80;

/// html2text as a switch would first call it: plain text, link targets as footnotes.
fn theirs(html: &str) -> Result<String, html2text::Error> {
    html2text::config::plain().string_from_read(html.as_bytes(), WIDTH)
}

fn theirs_ok(html: &str) -> String {
    theirs(html).expect("html2text converts")
}

fn ours(html: &str) -> String {
    html::to_text(html)
}

/// linkify with its defaults (URLs with a scheme, IRIs, e-mail addresses).
fn linkify_default(text: &str) -> Vec<String> {
    linkify::LinkFinder::new()
        .links(text)
        .map(|l| l.as_str().to_string())
        .collect()
}

/// linkify with URLs held to ASCII (`url_can_be_iri(false)`).
fn linkify_ascii(text: &str) -> Vec<String> {
    let mut finder = linkify::LinkFinder::new();
    finder.url_can_be_iri(false);
    finder.links(text).map(|l| l.as_str().to_string()).collect()
}

/// What `mail::links` would become on linkify: linkify finds where a link starts, our
/// rule says where it ends (the first non-ASCII character; then trailing punctuation),
/// and what a cut left over is searched again (linkify runs on over Japanese text up to
/// the next ASCII, so a second URL can hide in the cut). Only web and mail links, each
/// once, at most 50, as `links` promises. E-mail addresses come back as `mailto:` links
/// without the query a `mailto:` link had.
fn linkify_adapted(text: &str) -> Vec<String> {
    let mut finder = linkify::LinkFinder::new();
    finder.url_can_be_iri(false);
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    // Searching again after a cut rereads the rest of that link: at most 50 times.
    let mut rescans = 0;
    while found.len() < 50 {
        let Some(link) = finder.links(rest).next() else {
            break;
        };
        let s = link.as_str();
        let cut = s.find(|c: char| !c.is_ascii()).unwrap_or(s.len());
        let ascii = s[..cut].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        let candidate = match link.kind() {
            linkify::LinkKind::Email => Some(format!("mailto:{ascii}")),
            _ => ["http://", "https://"]
                .iter()
                .any(|p| ascii.len() > p.len() && ascii[..p.len()].eq_ignore_ascii_case(p))
                .then(|| ascii.to_string()),
        };
        if let Some(c) = candidate
            && !found.contains(&c)
        {
            found.push(c);
        }
        rest = if 0 < cut && cut < s.len() && rescans < 50 {
            rescans += 1;
            &rest[link.start() + cut..]
        } else {
            &rest[link.end()..]
        };
    }
    found
}

/// Runs `f` on a thread with a 256 KiB stack: what is recursive per level of nesting
/// overflows it long before 100,000 levels.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    eprintln!("{what}: {:?}", started.elapsed());
    out
}

/// A newsletter as mail-merge services send them, at least `size` bytes: a style sheet,
/// a hidden preheader, layout tables 600 pixels wide, two-column articles with images,
/// tracked links and buttons, entities, a Japanese article in every third, a footer.
fn newsletter(size: usize) -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>Weekly Digest</title><style type=\"text/css\">\
         body{margin:0;padding:0;background:#f4f4f4}table{border-collapse:collapse}\
         .btn a{background:#0a66c2;color:#fff;padding:12px 24px;border-radius:4px}\
         @media only screen and (max-width:600px){.col{display:block!important;width:100%!important}}\
         </style></head><body>\
         <div style=\"display:none;max-height:0;overflow:hidden\">This week: spring sale, \
         new releases &amp; more&nbsp;&zwnj;&nbsp;&zwnj;</div>\
         <table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td align=\"center\">\
         <table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" class=\"container\">\
         <tr><td style=\"padding:20px\"><a href=\"https://news.example.com/t/c?u=1&amp;id=logo\">\
         <img src=\"https://cdn.example.com/logo.png\" alt=\"Example News\" width=\"120\"></a>\
         </td></tr><tr><td><h1 style=\"font-size:24px\">Weekly Digest &ndash; Issue 42</h1></td></tr>",
    );
    let mut i = 0;
    while s.len() < size {
        i += 1;
        let (headline, body) = if i % 3 == 0 {
            (
                format!("第{i}号：春の新商品のご案内"),
                format!(
                    "いつも&ldquo;Example News&rdquo;をご利用いただき、誠にありがとうございます。\
                     今週は<strong>新商品{i}点</strong>を追加いたしました。詳細は下記のリンクから\
                     ご確認ください。お問い合わせは営業時間内にお願いいたします。"
                ),
            )
        } else {
            (
                format!("Article {i}: what&rsquo;s new this week"),
                format!(
                    "Our team has been busy. This week we shipped <b>{i} improvements</b>, \
                     fixed the bugs you reported &mdash; thank you &mdash; and wrote a longer \
                     piece on why it took us so long. Prices start at &euro;{i}9 &amp; up; \
                     see the <a href=\"https://news.example.com/t/c?u=1&amp;id={i}&amp;utm_source=newsletter&amp;utm_medium=email\">full \
                     changelog</a> for details&hellip;"
                ),
            )
        };
        s.push_str(&format!(
            "<tr><td style=\"padding:0 20px\"><table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\">\
             <tr><td class=\"col\" width=\"200\" valign=\"top\">\
             <img src=\"https://cdn.example.com/img/{i}.jpg\" alt=\"Picture {i}\" width=\"180\" style=\"display:block\">\
             </td><td class=\"col\" width=\"360\" valign=\"top\" style=\"font-family:Arial,sans-serif\">\
             <h2 style=\"margin:0 0 8px\">{headline}</h2><p style=\"margin:0 0 12px;line-height:1.5\">{body}</p>\
             <table cellpadding=\"0\" cellspacing=\"0\"><tr><td class=\"btn\">\
             <a href=\"https://news.example.com/t/c?u=1&amp;id=more{i}\" style=\"text-decoration:none\">Read more</a>\
             </td></tr></table></td></tr></table></td></tr>\
             <tr><td><hr style=\"border:0;border-top:1px solid #ddd\"></td></tr>"
        ));
    }
    s.push_str(
        "<tr><td style=\"font-size:12px;color:#888;padding:20px\">\
         <p>You receive this because you subscribed at example.com. \
         <a href=\"https://news.example.com/unsubscribe?u=1&amp;sig=abc\">Unsubscribe</a> \
         &middot; <a href=\"https://news.example.com/prefs?u=1\">Preferences</a></p>\
         <p>&copy; 2026 Example News Ltd, 1 Example Street, London</p>\
         </td></tr></table></td></tr></table></body></html>",
    );
    s
}

/// A child test run by re-invoking this test binary: what might overflow its stack (and
/// so abort the whole binary) runs there, and a crash fails one test, not the suite.
const CHILD: &str = "POPLAR_THIRD_PARTY_CHILD";

fn run_child(test: &str, case: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env(CHILD, case)
        .output()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// HTML to text: what both do right.

#[test]
fn html_scripts_styles_head_and_title_are_dropped_by_both() {
    let page = "<html><head><title>Secret title</title><style>p{color:red}</style></head>\
                <body><h1>Spring sale</h1><p>Everything is <b>20% off</b>\n this   week.</p>\
                <script>alert('<p>x</p>')</script></body></html>";
    for (who, text) in [("ours", ours(page)), ("theirs", theirs_ok(page))] {
        for hidden in ["Secret title", "color:red", "alert", "<p>"] {
            assert!(!text.contains(hidden), "{who} shows {hidden:?}: {text}");
        }
        assert!(text.contains("Spring sale"), "{who}: {text}");
    }
    // Ours writes the text itself; theirs adds Markdown marks (`# `, `**`).
    assert_eq!(
        ours(page),
        "Spring sale\n\nEverything is 20% off this week."
    );
    assert_eq!(
        theirs_ok(page),
        "# Spring sale\n\nEverything is **20% off** this week.\n"
    );
}

#[test]
fn html_breaks_paragraphs_and_common_entities_both_right() {
    let page = "<p>a<br>b</p><p>two &amp; three&nbsp;&#x4E2D;&#25991; &copy; &hellip; \
                &rsquo; &bogus; AT&T</p>";
    let ours = ours(page);
    let theirs = theirs_ok(page).replace('\u{a0}', " ");
    assert_eq!(ours, "a\nb\n\ntwo & three 中文 © … ’ &bogus; AT&T");
    assert_eq!(theirs.trim_end(), ours);
}

#[test]
fn html_japanese_text_is_kept_and_no_meta_charset_is_applied_again() {
    // The part is decoded before conversion; a stale <meta charset> must not re-decode it.
    let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; \
                charset=iso-2022-jp\"><meta charset=\"shift_jis\"></head><body>\
                <div>会議は<b>10時</b>から</div><p>明日は十時からです。</p></body></html>";
    assert_eq!(ours(page), "会議は10時から\n\n明日は十時からです。");
    assert_eq!(
        theirs_ok(page),
        "会議は**10時**から\n\n明日は十時からです。\n"
    );
}

#[test]
fn html_long_japanese_line_theirs_breaks_it_at_a_fixed_width() {
    // The pane wraps to its own width; text broken at 80 columns (40 wide characters)
    // stays broken when the window is wider.
    let page = format!("<p>{}</p>", "あ".repeat(100));
    assert_eq!(ours(&page), "あ".repeat(100));
    let theirs = theirs_ok(&page);
    assert_eq!(theirs.lines().count(), 3, "{theirs}");
    assert_eq!(theirs.lines().next().unwrap().chars().count(), 40);
}

// ---------------------------------------------------------------------------------------
// HTML to text: where they differ.

#[test]
fn html_link_targets_ours_beside_the_text_theirs_in_footnotes() {
    let page = "<p>Log in at <a href=\"https://evil.example/login\">your bank</a>.</p>\
                <p><a href=\"javascript:alert(1)\">click</a> <a href=\"#top\">top</a></p>";
    // Both show where a link really goes (what tells a phishing link apart) ...
    let ours = ours(page);
    let theirs = theirs_ok(page);
    assert!(
        ours.lines()
            .any(|l| l.contains("your bank <https://evil.example/login>")),
        "{ours}"
    );
    assert!(theirs.contains("[your bank][1]"), "{theirs}");
    assert!(
        theirs.contains("[1]: https://evil.example/login"),
        "{theirs}"
    );
    // ... but theirs puts it at the bottom of the message, and lists script and
    // same-page targets too.
    assert!(theirs.contains("javascript:alert(1)"), "{theirs}");
    assert!(!ours.contains("javascript:"), "{ours}");
}

#[test]
fn html_newsletter_layout_table_ours_reflows_theirs_boxes_columns() {
    let page = "<table width=600><tr><td width=300><p>This is the left column of a \
                newsletter layout, with a fairly long sentence that would wrap.</p></td>\
                <td width=300><p>This is the right column with another long sentence \
                that would also wrap somewhere.</p></td></tr></table>";
    let left = "This is the left column of a newsletter layout, with a fairly long \
                sentence that would wrap.";
    let right = "This is the right column with another long sentence that would also \
                 wrap somewhere.";
    let ours = ours(page);
    assert!(ours.lines().any(|l| l == left), "{ours}");
    assert!(ours.lines().any(|l| l == right), "{ours}");
    // Theirs lays the two columns side by side: every line mixes both, with box drawing
    // that lines up only in a monospace font.
    let theirs = theirs_ok(page);
    assert!(!theirs.contains(left), "{theirs}");
    assert!(
        theirs
            .lines()
            .any(|l| l.contains("left column") && l.contains("right column")),
        "{theirs}"
    );
    assert!(theirs.contains('│') && theirs.contains('─'), "{theirs}");
}

#[test]
fn html_table_header_cells_both_keep_apart() {
    let page = "<table><tr><th>Name</th><th>Price</th></tr>\
                <tr><td>Apple</td><td>¥100</td></tr></table>";
    // Ours glued <th> cells together ("NamePrice") until it took this from theirs: a
    // header cell is set apart like a data cell.
    assert_eq!(ours(page), "Name Price\nApple ¥100");
    let theirs = theirs_ok(page);
    assert!(theirs.contains("Name │Price"), "{theirs}");
    assert!(theirs.contains("Apple│¥100"), "{theirs}");
}

#[test]
fn html_ordered_lists_and_quotes_both_right() {
    let page = "<ol><li>first</li><li>second</li></ol>\
                <blockquote>quoted<br>reply</blockquote>";
    // Ours bulleted an ordered list and dropped the quote's mark until it took both from
    // theirs.
    assert_eq!(ours(page), "1. first\n2. second\n\n> quoted\n> reply");
    assert_eq!(
        theirs_ok(page),
        "1. first\n2. second\n\n> quoted\n> reply\n"
    );
    // Nested quotes and a list's start in both; theirs pads the numbers to one width
    // (for a monospace font), leaves "> " on a blank quoted line and no blank line after
    // a quote.
    let page = "<blockquote>outer<blockquote>inner</blockquote></blockquote>\
                <ol start=\"9\"><li>nine</li><li>ten</li></ol>";
    assert_eq!(ours(page), "> outer\n>\n> > inner\n\n9. nine\n10. ten");
    assert_eq!(
        theirs_ok(page),
        "> outer\n> \n> > inner\n9.  nine\n10. ten\n"
    );
}

#[test]
fn html_odd_character_references_both_follow_html5_theirs_without_semicolons_too() {
    // HTML5: &#0;, surrogates and numbers past U+10FFFF become U+FFFD (ours let a NUL
    // through and left the others as written until it took this from theirs), and
    // &#128; to &#159; are Windows-1252. A legacy name without its ';' ("&ampx" is "&x")
    // ours still leaves as written.
    let page = "<p>a&#0;b &#xD800; &#x110000; &#150; &ampx</p>";
    assert_eq!(ours(page), "a\u{fffd}b \u{fffd} \u{fffd} – &ampx");
    assert_eq!(theirs_ok(page), "a\u{fffd}b \u{fffd} \u{fffd} – &x\n");
}

#[test]
fn html_template_hidden_by_both_unclosed_tag_at_the_end_theirs_as_a_browser() {
    // A browser shows neither a <template>'s content nor a tag cut off by the end of the
    // file. Ours now hides a <template> as theirs does, and still shows a cut-off tag as
    // text (harmless, and it keeps a message of 1 MB of '<a' readable).
    assert_eq!(ours("<p>x</p><template>tpl</template>"), "x");
    assert_eq!(theirs_ok("<p>x</p><template>tpl</template>"), "x\n");
    assert_eq!(ours("<p>hello <a<a<a"), "hello <a<a<a");
    assert_eq!(theirs_ok("<p>hello <a<a<a"), "hello\n");
}

#[test]
fn html_hidden_preheader_neither_hides_it() {
    // Without its `css` feature html2text ignores style="display:none", as ours does.
    let page = "<div style=\"display:none\">preheader</div><p>Visible</p>";
    assert_eq!(ours(page), "preheader\n\nVisible");
    assert_eq!(theirs_ok(page), "preheader\n\nVisible\n");
}

#[test]
fn styles_ours_marks_headings_theirs_rich_output_has_no_heading_mark() {
    let page = "<h1>Head</h1><p>x <b>bold</b> <a href=\"https://a.example/\">link</a></p>";
    let (text, spans) = html::to_styled(page);
    let marked: Vec<(&str, html::Style)> = spans
        .iter()
        .map(|s| (&text[s.start..s.end], s.style))
        .collect();
    assert_eq!(
        marked,
        [
            ("Head", html::Style::Heading),
            ("bold", html::Style::Strong),
            ("link", html::Style::Link)
        ]
    );
    // html2text's rich output marks strong text and links, and writes "# " for a heading.
    use html2text::render::RichAnnotation;
    let lines = html2text::config::rich()
        .lines_from_read(page.as_bytes(), WIDTH)
        .unwrap();
    let mut pieces = Vec::new();
    for line in &lines {
        for piece in line.tagged_strings() {
            pieces.push((piece.s.clone(), piece.tag.clone()));
        }
    }
    assert_eq!(pieces[0], ("# Head".to_string(), vec![]));
    assert!(pieces.contains(&("bold".to_string(), vec![RichAnnotation::Strong])));
    assert!(pieces.contains(&(
        "link".to_string(),
        vec![RichAnnotation::Link("https://a.example/".to_string())]
    )));
}

#[test]
fn newsletter_50kb_both_keep_every_article_ours_keeps_paragraphs_whole() {
    let page = newsletter(50 * 1024);
    let ours = timed("ours, 50 KB newsletter", || ours(&page));
    let theirs = timed("theirs, 50 KB newsletter", || theirs_ok(&page));
    for i in 1..=20 {
        let headline = if i % 3 == 0 {
            format!("第{i}号：春の新商品のご案内")
        } else {
            format!("Article {i}: what’s new this week")
        };
        assert!(ours.contains(&headline), "ours lost {headline}");
        assert!(theirs.contains(&headline), "theirs lost {headline}");
    }
    for text in [&ours, &theirs] {
        assert!(!text.contains("border-collapse"));
        assert!(text.contains("https://news.example.com/unsubscribe?u=1&sig=abc"));
    }
    // A paragraph is one line in ours (the pane wraps it); theirs breaks it inside the
    // layout table's column.
    let sentence = "Our team has been busy. This week we shipped 1 improvements, fixed the \
                    bugs you reported — thank you — and wrote a longer piece on why it \
                    took us so long.";
    assert!(ours.contains(sentence));
    assert!(!theirs.contains(sentence));
}

// ---------------------------------------------------------------------------------------
// HTML to text: hostile input. Structure is asserted; times are printed only.

/// (what, html): `n` levels of nesting of the elements a converter may track per level.
fn nested(n: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "div",
            format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n)),
        ),
        ("unclosed div", format!("{}text", "<div>".repeat(n))),
        ("b", format!("{}text", "<b>".repeat(n))),
        ("blockquote", format!("{}text", "<blockquote>".repeat(n))),
        ("list", format!("{}text", "<ul><li>".repeat(n))),
        (
            "table",
            format!(
                "{}text{}",
                "<table><tr><td>".repeat(n),
                "</td></tr></table>".repeat(n)
            ),
        ),
    ]
}

#[test]
fn hostile_nesting_100k_ours_converts_on_a_small_stack() {
    for (what, page) in nested(100_000) {
        let started = Instant::now();
        let text = on_small_stack(move || ours(&page));
        eprintln!("ours, 100,000 × {what}: {:?}", started.elapsed());
        assert!(text.contains("text"), "{what}");
        assert!(text.len() < 1_000_000, "{what}: {} bytes", text.len());
    }
}

/// html2text walks its trees without recursion (its own Drop impls say so) and survives
/// 1,000 levels on a 256 KiB stack. Run in a child process all the same: were a later
/// version recursive, its stack overflow would fail this test, not abort the suite.
/// Deeper is not tried here: its time grows with the square of the depth (BENCHMARKS.md).
#[test]
fn hostile_nesting_theirs_is_stack_safe_in_a_child_process() {
    if std::env::var(CHILD).is_ok() {
        for (what, page) in nested(1_000) {
            let started = Instant::now();
            let out = on_small_stack(move || {
                html2text::config::plain()
                    .allow_width_overflow()
                    .string_from_read(page.as_bytes(), WIDTH)
            });
            eprintln!("theirs, 1,000 × {what}: {:?}", started.elapsed());
            // Past the width, words are broken into pieces under quote and list marks.
            let letters: String = out.unwrap().chars().filter(|c| c.is_alphabetic()).collect();
            assert!(letters.contains("text"), "{what}");
        }
        println!("child done");
        return;
    }
    let out = run_child(
        "hostile_nesting_theirs_is_stack_safe_in_a_child_process",
        "1",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stderr}");
    assert!(out.status.success(), "{:?}\n{stdout}\n{stderr}", out.status);
    assert!(stdout.contains("child done"), "{stdout}");
}

#[test]
fn hostile_deep_reply_thread_theirs_refuses_the_whole_message() {
    // 39 nested quotes (a long reply thread in HTML mail) or list items: at 80 columns
    // html2text gives up on the whole message with Err(TooNarrow). Ours shows the text.
    for tag in ["<blockquote>", "<ul><li>"] {
        let fits = format!("{}deep reply", tag.repeat(38));
        let deeper = format!("{}deep reply", tag.repeat(39));
        assert!(theirs(&fits).is_ok(), "{tag}");
        assert!(
            matches!(theirs(&deeper), Err(html2text::Error::TooNarrow)),
            "{tag}"
        );
        assert!(ours(&deeper).contains("deep reply"));
        // allow_width_overflow() gives text, but breaks its words into pieces of three
        // letters (min_wrap_width) under the marks.
        let overflowing = html2text::config::plain()
            .allow_width_overflow()
            .string_from_read(deeper.as_bytes(), WIDTH)
            .unwrap();
        assert!(!overflowing.contains("deep"), "{tag}: {overflowing}");
        assert!(overflowing.contains("dee\n"), "{tag}: {overflowing}");
    }
}

#[test]
fn hostile_unclosed_bold_theirs_writes_marks_for_every_level() {
    // 1,000 unclosed <b> around one word: ours writes the word; theirs writes 4 KB of
    // Markdown marks, its output growing with the nesting, not with the text.
    let page = format!("{}x", "<b>".repeat(1_000));
    assert_eq!(ours(&page), "x");
    let theirs = theirs_ok(&page);
    assert!(theirs.len() > 4_000, "{} bytes", theirs.len());
    assert_eq!(theirs.trim_matches(|c| c == '*' || c == '\n'), "x");
}

#[test]
fn hostile_one_megabyte_of_unclosed_tags_both_finish() {
    let page = format!("<p>hello {}", "<a".repeat(500_000));
    let ours = timed("ours, 1 MB of '<a'", || ours(&page));
    let theirs = timed("theirs, 1 MB of '<a'", || theirs_ok(&page));
    // Ours shows the unfinished tags as text, theirs (as a browser) drops them.
    assert!(ours.starts_with("hello <a<a"));
    assert_eq!(ours.len(), page.len() - 3);
    assert_eq!(theirs, "hello\n");
}

#[test]
fn hostile_huge_table_both_keep_every_row() {
    let table = |rows: usize| {
        let mut s = String::from("<table>");
        for i in 0..rows {
            s.push_str(&format!(
                "<tr><td>r{i}</td><td>a</td><td>b</td><td>c</td><td>d</td></tr>"
            ));
        }
        s + "</table>"
    };
    // Ours on 20,000 rows (1.3 MB); theirs, slower, on 2,000.
    let big = table(20_000);
    let ours = timed("ours, 20,000-row table", || ours(&big));
    assert_eq!(ours.lines().count(), 20_000);
    assert_eq!(ours.lines().last(), Some("r19999 a b c d"));
    let small = table(2_000);
    let theirs = timed("theirs, 2,000-row table", || theirs_ok(&small));
    assert!(
        theirs.contains("r1999│a│b│c│d"),
        "{}",
        &theirs[theirs.len() - 200..]
    );
}

// ---------------------------------------------------------------------------------------
// Links.

#[test]
fn links_japanese_right_after_a_url_ours_stops_at_the_ascii_end() {
    // "です" after a URL is the sentence going on, never part of the path; a path with
    // Japanese in it ("ご案内") is sent percent-encoded by the mail tools that write
    // newsletters, so where Japanese follows ASCII, the URL has ended.
    for text in [
        "詳細は https://example.jp/です",
        "詳細は https://example.jp/ご案内です",
    ] {
        assert_eq!(mail::links(text), ["https://example.jp/"], "{text}");
        assert_eq!(linkify_ascii(text), ["https://example.jp/"], "{text}");
    }
    assert_eq!(
        linkify_default("詳細は https://example.jp/です"),
        ["https://example.jp/です"]
    );
    assert_eq!(
        linkify_default("詳細は https://example.jp/ご案内です"),
        ["https://example.jp/ご案内です"]
    );
}

#[test]
fn links_full_width_punctuation_and_ideographic_space_end_a_url_in_ours() {
    let text =
        "そして https://example.jp/c。 https://example.jp/d） https://x.example/a\u{3000}全角";
    let right = [
        "https://example.jp/c",
        "https://example.jp/d",
        "https://x.example/a",
    ];
    assert_eq!(mail::links(text), right);
    assert_eq!(linkify_ascii(text), right);
    assert_eq!(
        linkify_default(text),
        [
            "https://example.jp/c。",
            "https://example.jp/d）",
            "https://x.example/a\u{3000}全角"
        ]
    );
}

#[test]
fn links_url_straight_after_japanese_text_both_find_it() {
    // In Japanese the word before a URL is usually not separated from it. Ours found a
    // link only at the start of a whitespace-separated word until it looked for schemes
    // anywhere, as linkify does.
    for (text, right) in [
        ("詳細はhttps://example.jp/です", "https://example.jp/"),
        (
            "「https://example.jp/a」をご覧ください",
            "https://example.jp/a",
        ),
        ("、https://example.jp/b、", "https://example.jp/b"),
        ("（https://example.jp/d）", "https://example.jp/d"),
    ] {
        assert_eq!(mail::links(text), [right], "{text}");
        assert_eq!(linkify_ascii(text), [right], "{text}");
        assert_eq!(linkify_adapted(text), [right], "{text}");
    }
}

#[test]
fn links_ascii_after_japanese_in_one_run_linkify_swallows_the_japanese() {
    // linkify, even held to ASCII, only refuses to *end* on a non-ASCII character: the
    // next ASCII after the Japanese ends the URL, and a second URL disappears in the first.
    let text = "https://example.jp/にアクセスし、ID123を入力";
    assert_eq!(mail::links(text), ["https://example.jp/"]);
    assert_eq!(
        linkify_ascii(text),
        ["https://example.jp/にアクセスし、ID123"]
    );
    let text = "「https://example.jp/a」をご覧ください、https://example.jp/b";
    assert_eq!(
        linkify_ascii(text),
        ["https://example.jp/a」をご覧ください、https://example.jp/b"]
    );
    assert_eq!(
        linkify_adapted(text),
        ["https://example.jp/a", "https://example.jp/b"]
    );
}

#[test]
fn links_balanced_parentheses_and_quotes_both_right() {
    let text = "See https://en.wikipedia.org/wiki/Rust_(programming_language) and \
                (https://b.example). Or 'https://single.example/y'.";
    // Ours cut at "(" (a link to another page) and missed a 'quoted' URL until it kept
    // balanced brackets and let a quote before the scheme end the link, as linkify does.
    let right = [
        "https://en.wikipedia.org/wiki/Rust_(programming_language)",
        "https://b.example",
        "https://single.example/y",
    ];
    assert_eq!(mail::links(text), right);
    assert_eq!(linkify_default(text), right);
    assert_eq!(linkify_adapted(text), right);
    // Unbalanced ones are dropped by both.
    let text = "https://a.example/x( [https://b.example/y] https://c.example/z)";
    let right = [
        "https://a.example/x",
        "https://b.example/y",
        "https://c.example/z",
    ];
    assert_eq!(mail::links(text), right);
    assert_eq!(linkify_default(text), right);
}

#[test]
fn links_trailing_punctuation_and_brackets_both_right() {
    let text = "Visit https://example.com/path. Or https://example.com/x, ok? \
                https://e.com/q?a=1&b=2! <https://angle.example/x> \"https://quote.example/x\" \
                https://example.com/a.html#frag... end";
    let right = [
        "https://example.com/path",
        "https://example.com/x",
        "https://e.com/q?a=1&b=2",
        "https://angle.example/x",
        "https://quote.example/x",
        "https://example.com/a.html#frag",
    ];
    assert_eq!(mail::links(text), right);
    assert_eq!(linkify_default(text), right);
}

#[test]
fn links_mailto_ours_keeps_scheme_and_query_theirs_finds_bare_addresses() {
    let text = "mailto:info@example.com?subject=Hi or MAILTO:Sales@Example.COM";
    assert_eq!(
        mail::links(text),
        [
            "mailto:info@example.com?subject=Hi",
            "MAILTO:Sales@Example.COM"
        ]
    );
    // linkify knows only schemes followed by "//": it finds the addresses, not the links.
    assert_eq!(
        linkify_default(text),
        ["info@example.com", "Sales@Example.COM"]
    );
    // A bare address: only theirs offers it (ours offers only what is written as a link).
    let text = "write to info@example.com. thanks";
    assert!(mail::links(text).is_empty());
    assert_eq!(linkify_default(text), ["info@example.com"]);
}

#[test]
fn links_bare_www_neither_by_default() {
    let text = "www.example.com and example.org/foo";
    assert!(mail::links(text).is_empty());
    assert!(linkify_default(text).is_empty());
    // linkify can (url_must_have_scheme(false)), and then takes Japanese text with it.
    let mut finder = linkify::LinkFinder::new();
    finder.url_must_have_scheme(false);
    let found: Vec<&str> = finder
        .links("www.example.com 詳細はwww.example.jp/です")
        .map(|l| l.as_str())
        .collect();
    assert_eq!(found, ["www.example.com", "詳細はwww.example.jp/です"]);
}

#[test]
fn links_only_web_and_mail_schemes_ours_offers_no_file_links() {
    // The pane opens links with the system's opener: a file: link would open a local
    // file. Ours finds only http, https and mailto; linkify finds any "scheme://".
    let text = "file:///etc/passwd ftp://files.example/x javascript:alert(1) data:text/html,x";
    assert!(mail::links(text).is_empty());
    assert_eq!(
        linkify_default(text),
        ["file:///etc/passwd", "ftp://files.example/x"]
    );
    assert!(linkify_adapted(text).is_empty());
}

#[test]
fn links_hostile_text_both_finish_and_ours_offers_at_most_fifty() {
    let distinct: String = (0..60_000)
        .map(|i| format!("https://a.example/{i} "))
        .collect();
    let inputs = [
        ("distinct URLs", distinct),
        ("glued URLs", "https://a.example/あ".repeat(40_000)),
        ("spaced URLs", "https://a.example/x ".repeat(50_000)),
        (
            "open parentheses",
            format!("https://a.example/{}", "(".repeat(1_000_000)),
        ),
        ("colons", "a:".repeat(500_000)),
        ("at signs", "a@b.".repeat(250_000)),
        // Every scheme inside the unclosed part of the one before: a finder that walks
        // the rest of the run again from each of them is quadratic.
        (
            "URL then '(' repeated",
            "https://a.example/(".repeat(55_000),
        ),
        (
            "quoted URLs without a closing quote",
            "'https://a.example/".repeat(55_000),
        ),
    ];
    for (what, text) in &inputs {
        let ours = timed(&format!("ours, {what}"), || mail::links(text));
        let theirs = timed(&format!("linkify, {what}"), || linkify_default(text));
        assert!(ours.len() <= 50, "{what}");
        for link in &ours {
            assert!(text.contains(link.as_str()), "{what}");
        }
        eprintln!(
            "{what}: ours {} links, linkify {}",
            ours.len(),
            theirs.len()
        );
        match *what {
            "distinct URLs" => {
                assert_eq!(ours.len(), 50);
                assert_eq!(theirs.len(), 60_000);
                assert_eq!(linkify_adapted(text).len(), 50);
            }
            // Ours ends the first URL at the first Japanese character; linkify takes the
            // whole megabyte as one IRI.
            "glued URLs" => {
                assert_eq!(ours, ["https://a.example/"]);
                assert_eq!(theirs.len(), 1);
                assert_eq!(theirs[0].len(), text.len());
            }
            // Ours ends each at its unclosed "("; linkify takes the whole megabyte.
            "URL then '(' repeated" => {
                assert_eq!(ours, ["https://a.example/"]);
                assert_eq!(theirs.len(), 1);
            }
            _ => {}
        }
    }
}

/// (text, the links a Japanese-reading user should be offered).
fn link_cases() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "詳細は https://example.jp/です",
            vec!["https://example.jp/"],
        ),
        (
            "詳細は https://example.jp/ご案内です",
            vec!["https://example.jp/"],
        ),
        ("詳細はhttps://example.jp/です", vec!["https://example.jp/"]),
        (
            "「https://example.jp/a」をご覧ください、https://example.jp/b、そして https://example.jp/c。",
            vec![
                "https://example.jp/a",
                "https://example.jp/b",
                "https://example.jp/c",
            ],
        ),
        ("（https://example.jp/d）", vec!["https://example.jp/d"]),
        (
            "https://x.example/a\u{3000}全角スペース",
            vec!["https://x.example/a"],
        ),
        (
            "https://example.jp/にアクセスし、ID123を入力",
            vec!["https://example.jp/"],
        ),
        (
            "See https://en.wikipedia.org/wiki/Rust_(programming_language) and (https://b.example).",
            vec![
                "https://en.wikipedia.org/wiki/Rust_(programming_language)",
                "https://b.example",
            ],
        ),
        (
            "Visit https://example.com/path. Or https://example.com/x, ok? https://e.com/q?a=1&b=2!",
            vec![
                "https://example.com/path",
                "https://example.com/x",
                "https://e.com/q?a=1&b=2",
            ],
        ),
        (
            "<https://angle.example/x> \"https://quote.example/x\" 'https://single.example/y'",
            vec![
                "https://angle.example/x",
                "https://quote.example/x",
                "https://single.example/y",
            ],
        ),
        (
            "mailto:info@example.com?subject=Hi",
            vec!["mailto:info@example.com?subject=Hi"],
        ),
        (
            "file:///etc/passwd ftp://files.example/x javascript:alert(1)",
            vec![],
        ),
        (
            "見てください https://a.example/x. 次は https://a.example/x",
            vec!["https://a.example/x"],
        ),
    ]
}

#[test]
fn links_case_table_who_gets_what_right() {
    type Finder = fn(&str) -> Vec<String>;
    let finders: [(&str, Finder, &[usize]); 4] = [
        // The numbers are the cases (0-based) each finder gets wrong. linkify alone
        // returns every occurrence and every scheme: cases 11 and 12 are the adapter's
        // job, and so is 10 (it finds the address, not the `mailto:` link). Ours got
        // 2, 3, 4, 7 and 9 wrong until it took linkify's starts, brackets and quotes.
        ("ours", mail::links, &[]),
        (
            "linkify defaults",
            linkify_default,
            &[0, 1, 2, 3, 4, 5, 6, 10, 11, 12],
        ),
        ("linkify ASCII", linkify_ascii, &[3, 6, 10, 11, 12]),
        ("linkify adapted", linkify_adapted, &[10]),
    ];
    let cases = link_cases();
    for (who, find, expected_wrong) in finders {
        let wrong: Vec<usize> = cases
            .iter()
            .enumerate()
            .filter(|(_, (text, right))| find(text) != *right)
            .map(|(i, _)| i)
            .collect();
        eprintln!(
            "{who}: {} of {} right; wrong: {wrong:?}",
            cases.len() - wrong.len(),
            cases.len()
        );
        for &i in &wrong {
            eprintln!("  {:?} -> {:?}", cases[i].0, find(cases[i].0));
        }
        assert_eq!(wrong, expected_wrong, "{who}");
    }
}

// ---------------------------------------------------------------------------------------
// The figures for BENCHMARKS.md. Not a test: run with
//
//     cargo test --profile profiling --test third_party_text -- --ignored --nocapture
//
// It prints medians and never fails on a number.

fn median(f: &mut dyn FnMut(), runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn show(what: &str, ours: Duration, theirs: Duration) {
    println!(
        "| {what} | {:.2} ms | {:.2} ms | {:.1} |",
        ours.as_secs_f64() * 1e3,
        theirs.as_secs_f64() * 1e3,
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
}

#[test]
#[ignore = "measurement for BENCHMARKS.md, not a test"]
fn measure_for_benchmarks_md() {
    use std::hint::black_box;
    let runs = |len: usize| if len > 200_000 { 7 } else { 51 };
    println!("| HTML input | ours | html2text | html2text / ours |");
    let mut pages = vec![("newsletter, 50 KB".to_string(), newsletter(50 * 1024))];
    pages.push((
        "1 MB of unclosed '<a'".into(),
        format!("<p>hello {}", "<a".repeat(500_000)),
    ));
    pages.push(("1 MB of '<a href=x>'".into(), "<a href=x>".repeat(100_000)));
    let mut rows = String::from("<table>");
    let mut i = 0;
    while rows.len() < 1 << 20 {
        rows.push_str(&format!(
            "<tr><td>r{i}</td><td>a</td><td>b</td><td>c</td><td>d</td></tr>"
        ));
        i += 1;
    }
    pages.push((format!("1 MB table ({i} rows × 5)"), rows + "</table>"));
    for depth in [1_000, 5_000, 10_000, 20_000] {
        pages.push((
            format!("{depth} nested <div>"),
            format!("{}text{}", "<div>".repeat(depth), "</div>".repeat(depth)),
        ));
    }
    for depth in [1_000, 10_000] {
        pages.push((
            format!("{depth} unclosed <b>"),
            format!("{}text", "<b>".repeat(depth)),
        ));
    }
    for (what, page) in &pages {
        let n = runs(page.len());
        let ours_t = median(&mut || drop(black_box(ours(black_box(page)))), n);
        let config = || html2text::config::plain().allow_width_overflow();
        let theirs_t = median(
            &mut || drop(black_box(config().string_from_read(page.as_bytes(), WIDTH))),
            n,
        );
        show(what, ours_t, theirs_t);
        // Where html2text's time goes: parsing (html5ever and its tree) or rendering.
        let parse_t = median(
            &mut || drop(black_box(html2text::parse(page.as_bytes()))),
            n,
        );
        println!(
            "|   (html2text parsing alone: {:.2} ms) | | | |",
            parse_t.as_secs_f64() * 1e3
        );
    }
    // 1 MB of nesting for ours only; theirs, once, at 100,000 levels (minutes).
    let page = format!("{}text{}", "<div>".repeat(90_000), "</div>".repeat(90_000));
    let ours_t = median(&mut || drop(black_box(ours(&page))), 7);
    println!(
        "ours, 1 MB of nested <div> (90,000 deep): {:.2} ms",
        ours_t.as_secs_f64() * 1e3
    );
    if std::env::var("POPLAR_MEASURE_DEEP").is_ok() {
        let started = Instant::now();
        let out = html2text::config::plain()
            .allow_width_overflow()
            .string_from_read(page.as_bytes(), WIDTH);
        println!(
            "html2text, 1 MB of nested <div> (90,000 deep), once: {:?} ({})",
            started.elapsed(),
            out.is_ok()
        );
    }

    println!("| text input | ours | linkify | linkify / ours |");
    let mut body = String::new();
    let mut k = 0;
    while body.len() < 50 * 1024 {
        k += 1;
        body.push_str(&format!(
            "いつもお世話になっております。第{n}回の資料は https://example.jp/docs/{n}.pdf に\
             置きました。ご確認ください。\nThe slides are at https://example.com/s/{n}, and \
             questions go to mailto:team@example.com.\n\n",
            // 21 distinct links, so that no finder stops at its 50th.
            n = k % 10
        ));
    }
    let texts = [
        (
            "plain-text mail, 50 KB, Japanese and English".to_string(),
            body,
        ),
        (
            "1 MB of glued URLs".into(),
            "https://a.example/あ".repeat(40_000),
        ),
        (
            "1 MB of spaced URLs".into(),
            "https://a.example/x ".repeat(50_000),
        ),
        (
            "1 MB of '('".into(),
            format!("https://a.example/{}", "(".repeat(1_000_000)),
        ),
        ("1 MB of 'a@b.'".into(), "a@b.".repeat(250_000)),
        (
            "1 MB of 'https://a.example/('".into(),
            "https://a.example/(".repeat(55_000),
        ),
    ];
    for (what, text) in &texts {
        let n = runs(text.len());
        let ours_t = median(&mut || drop(black_box(mail::links(black_box(text)))), n);
        let theirs_t = median(&mut || drop(black_box(linkify_default(black_box(text)))), n);
        show(what, ours_t, theirs_t);
        let adapted_t = median(&mut || drop(black_box(linkify_adapted(black_box(text)))), n);
        println!(
            "|   (linkify adapted: {:.2} ms) | | | |",
            adapted_t.as_secs_f64() * 1e3
        );
    }
}
