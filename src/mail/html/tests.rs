//! Tests of the HTML conversion: its output, its styles, and its bounds on hostile input.

use super::*;

/// HTML made to make a converter rescan what it has read: (what, input). Each is a
/// short piece repeated `n` times, mostly without the '>' or quote that would end it.
fn hostile(n: usize) -> Vec<(&'static str, String)> {
    let mut pre_links = "<pre>".to_string();
    pre_links.push_str(&"<a href=x>".repeat(n));
    pre_links.push_str(&" ".repeat(10 * n));
    pre_links.push_str(&"</a>".repeat(n));
    vec![
        ("unclosed <a", format!("<p>hello {}", "<a".repeat(n))),
        ("unclosed quotes", format!("<p>{}", "<a \"".repeat(n))),
        ("attributes without end", "<a href='x".repeat(n)),
        ("<! without >", "<!-".repeat(n)),
        ("unclosed script", format!("<script>{}", "<a".repeat(n))),
        ("nested links around long preformatted text", pre_links),
        ("unclosed comment", format!("<!--{}", "<a".repeat(n))),
        ("entity runs", "&amp;&#x41;&#&bogus&".repeat(n / 4)),
        (
            "deep nesting",
            format!(
                "{}text{}",
                "<div><b><a href=\"https://x.example/\">".repeat(n / 4),
                "</a></b></div>".repeat(n / 4)
            ),
        ),
        ("one long line", "x".repeat(10 * n)),
        (
            "many links",
            "<a href=\"https://e.example/\">https://e.example/</a> ".repeat(n / 4),
        ),
        ("stray angle brackets", "<<<> < a".repeat(n)),
        ("deep quotes, a line each", "<blockquote><p>x".repeat(n / 4)),
        ("deep quotes and breaks", "<blockquote>x<br>".repeat(n / 4)),
        (
            "rules in deep quotes",
            format!("{}{}", "<blockquote>".repeat(8), "<hr>".repeat(n)),
        ),
        (
            "preformatted lines in deep quotes",
            format!("{}<pre>{}", "<blockquote>".repeat(8), "\n".repeat(4 * n)),
        ),
        (
            "deep ordered lists",
            "<ol start=99999999999><li>x".repeat(n / 4),
        ),
        ("many numbered items", format!("<ol>{}", "<li>".repeat(n))),
        ("unclosed template", format!("<template>{}", "<a".repeat(n))),
        (
            "odd references",
            "&#0;&#xD800;&#99999999999999;&#150;".repeat(n / 8),
        ),
    ]
}

/// How many bytes of text a byte of HTML may give at most: a blank line of `<pre>` deep in
/// quotes ("> > > > > >" and a line break), `<hr>` there (a blank line and a quoted line
/// of eight box-drawing characters for four bytes).
const MAX_GROWTH: usize = 16;

/// The reproduced defect (`<a` repeated 80,000 times took 6.5 s in a release build) and
/// its relatives, large enough that the old quadratic converter took minutes in a debug
/// build; a linear one takes well under a second each.
#[test]
fn hostile_html_converts_in_linear_time() {
    for (what, html) in hostile(200_000) {
        let started = std::time::Instant::now();
        let (text, spans, steps) = convert(&html);
        let took = started.elapsed();
        eprintln!("{what}: {} bytes in {took:?}", html.len());
        assert!(
            took < std::time::Duration::from_secs(10),
            "{what}: {} bytes took {took:?}",
            html.len()
        );
        // Each byte is walked at most once in each of the three quote states by a
        // search that fails, and once more to remember it.
        assert!(steps <= 7 * html.len(), "{what}: {steps} steps");
        assert!(text.len() <= MAX_GROWTH * html.len() + 64, "{what}");
        assert!(spans.len() <= html.len(), "{what}");
    }
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    fn tag_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<a"),
            Just("<a href=\"https://x.example/\">"),
            Just("<a href='"),
            Just("</a>"),
            Just("<"),
            Just(">"),
            Just("\""),
            Just("'"),
            Just("<!--"),
            Just("-->"),
            Just("<!"),
            Just("<pre>"),
            Just("</pre>"),
            Just("<b>"),
            Just("</b>"),
            Just("<h1>"),
            Just("</h1>"),
            Just("<script>"),
            Just("</script>"),
            Just("<li>"),
            Just("<ol start=3>"),
            Just("<ol>"),
            Just("</ol>"),
            Just("<ul>"),
            Just("</ul>"),
            Just("<blockquote>"),
            Just("</blockquote>"),
            Just("<th>"),
            Just("<td>"),
            Just("<tr>"),
            Just("<template>"),
            Just("</template>"),
            Just("<p>"),
            Just("&#0;"),
            Just("&#xD800;"),
            Just("&#150;"),
            Just("<hr>"),
            Just("<br>"),
            Just("<img alt=\"pic\">"),
            Just("&amp;"),
            Just("&#"),
            Just("&#x4E2D;"),
            Just("&"),
            Just(" "),
            Just("\n"),
            Just("\u{a0}"),
            Just("text"),
            Just("会議"),
        ];
        prop::collection::vec(piece, 0..300).prop_map(|p| p.concat())
    }

    /// What every conversion keeps to: bounded work and output, and spans the reading
    /// pane can cut into lines in one pass (in order, apart, on character boundaries).
    fn check(html: &str) -> Result<(), TestCaseError> {
        let (text, spans, steps) = convert(html);
        prop_assert!(
            steps <= 7 * html.len(),
            "{} steps for {} bytes",
            steps,
            html.len()
        );
        prop_assert!(text.len() <= super::MAX_GROWTH * html.len() + 64);
        let mut end = 0;
        for s in &spans {
            prop_assert!(end <= s.start && s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            end = s.end;
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn tag_soup_converts_within_bounds(html in tag_soup()) {
            check(&html)?;
        }

        #[test]
        fn any_text_converts_within_bounds(html in any::<String>()) {
            check(&html)?;
        }
    }
}

#[test]
fn unclosed_tags_are_text() {
    assert_eq!(to_text("<p>hello <a<a<a"), "hello <a<a<a");
    // A quote that never closes hides no later tag from the text.
    assert_eq!(to_text("<a \" x <b>bold</b>"), "<a \" x bold");
    assert_eq!(
        to_text("<p>1 <a href='x <b>y</b> 2 <a href='z'>w</a>"),
        "1 <a href='x y 2 w <z>"
    );
    let (text, spans) = to_styled("<a href='y <b>bold</b>");
    assert_eq!(text, "<a href='y bold");
    assert_eq!(&text[spans[0].start..spans[0].end], "bold");
}

#[test]
fn headings_strong_text_and_links_are_marked() {
    let (text, spans) = to_styled(
        "<h1>Spring sale</h1><p>Everything is <b>20% off</b> this week. \
         <a href=\"https://shop.example/sale\">See the offers</a></p><p><a>no target</a></p>",
    );
    let styled: Vec<(&str, Style)> = spans
        .iter()
        .map(|s| (&text[s.start..s.end], s.style))
        .collect();
    assert_eq!(
        styled,
        [
            ("Spring sale", Style::Heading),
            ("20% off", Style::Strong),
            ("See the offers", Style::Link),
            ("no target", Style::Link),
        ],
        "{text}"
    );
    assert!(
        text.contains("See the offers <https://shop.example/sale>"),
        "{text}"
    );
    // Japanese text keeps its byte ranges on character boundaries.
    let (text, spans) = to_styled("<p>本日は<strong>会議</strong>です</p>");
    assert_eq!(&text[spans[0].start..spans[0].end], "会議");
}

#[test]
fn paragraphs_and_headings_are_separated() {
    let t = to_text(
        "<html><body><h1>Spring sale</h1><p>Everything is <b>20% off</b>\n this   week.</p></body></html>",
    );
    assert_eq!(t, "Spring sale\n\nEverything is 20% off this week.");
}

#[test]
fn scripts_styles_and_images_leave_no_trace() {
    let t = to_text(
        "<style>p{color:red}</style><p>Hi</p><script>alert('<p>x</p>')</script><img src=\"http://tracker.example/p.png\">",
    );
    assert_eq!(t, "Hi");
}

#[test]
fn links_show_their_real_target() {
    let t = to_text("<p>Log in at <a href=\"https://evil.example/login\">your bank</a>.</p>");
    assert_eq!(t, "Log in at your bank <https://evil.example/login>.");
    let t = to_text("<a href='https://a.example/'>https://a.example/</a>");
    assert_eq!(t, "https://a.example/");
}

#[test]
fn lists_breaks_and_entities() {
    let t = to_text(
        "<ul><li>one</li><li>two &amp; three</li></ul>a<br>b&nbsp;&#x4E2D;&#25991; &copy; &bogus; AT&T",
    );
    assert_eq!(t, "• one\n• two & three\n\na\nb 中文 © &bogus; AT&T");
}

#[test]
fn japanese_and_stray_angle_brackets() {
    let t = to_text("<div>会議は<b>10時</b>から</div><div>1 < 2</div>");
    assert_eq!(t, "会議は10時から\n\n1 < 2");
}

#[test]
fn preformatted_text_keeps_its_spaces() {
    let t = to_text("<pre>a  b\n  c</pre>");
    assert_eq!(t, "a  b\n  c");
}

#[test]
fn header_cells_are_apart_like_data_cells() {
    let page = "<table><tr><th>Name</th><th>Price</th></tr>\
                <tr><td>Apple</td><td>¥100</td></tr></table>";
    let (text, spans) = to_styled(page);
    assert_eq!(text, "Name Price\nApple ¥100");
    let strong: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
    assert_eq!(strong, ["Name Price"]);
}

#[test]
fn ordered_lists_are_numbered() {
    let t = to_text(
        "<ol><li>first<li>second<ul><li>inner</ul><li>third</ol>\
         <ol start=\" 9 \"><li>nine</li><li>ten</li></ol><li>loose",
    );
    assert_eq!(
        t,
        "1. first\n2. second\n\n• inner\n\n3. third\n\n9. nine\n10. ten\n\n• loose"
    );
    assert_eq!(to_text("<ol start=-1><li>a<li>b</ol>"), "-1. a\n0. b");
    assert_eq!(to_text("<ol start=x><li>a</ol>"), "1. a");
}

#[test]
fn quotes_are_marked_on_every_line() {
    let t = to_text(
        "<p>Hello</p><blockquote>quoted<br>reply<p>second paragraph</p>\
         <blockquote>older</blockquote>back</blockquote><p>after</p>",
    );
    assert_eq!(
        t,
        "Hello\n\n> quoted\n> reply\n>\n> second paragraph\n>\n> > older\n>\n> back\n\nafter"
    );
    // Preformatted lines, lists and links inside a quote.
    let t = to_text(
        "<blockquote><pre>a\n\n  b</pre><ul><li>item</ul>\
         <a href=\"https://a.example/\">https://a.example/</a></blockquote>",
    );
    assert_eq!(t, "> a\n>\n>   b\n>\n> • item\n>\n> https://a.example/");
    // Styles start after the marks.
    let (text, spans) = to_styled("<blockquote><b>bold</b></blockquote>");
    assert_eq!(&text[spans[0].start..spans[0].end], "bold");
    // Marks stop growing past six levels.
    let t = to_text(&format!("{}deep", "<blockquote>".repeat(100)));
    assert_eq!(t, format!("{}deep", "> ".repeat(6)));
}

#[test]
fn odd_character_references_follow_html5() {
    assert_eq!(
        to_text("a&#0;b &#xD800; &#x110000; &#99999999999999999999; &#150; &#x80; &#; &#x;"),
        "a\u{fffd}b \u{fffd} \u{fffd} \u{fffd} – € &#; &#x;"
    );
}

#[test]
fn templates_are_hidden() {
    assert_eq!(
        to_text("<p>x</p><template><p>tpl</p></template><p>y"),
        "x\n\ny"
    );
}
