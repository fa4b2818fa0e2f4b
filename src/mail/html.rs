//! HTML mail as readable plain text. Nothing is fetched and nothing runs: tags are read
//! only for the structure they give the text (paragraphs, lists, links).

/// How a stretch of the converted text was marked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// <b>, <strong>, a table heading.
    Strong,
    /// <h1> to <h6>.
    Heading,
    /// The text of a link.
    Link,
}

/// A styled stretch of the text: byte offsets `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub style: Style,
}

/// Converts HTML to text with paragraphs, list bullets and visible link targets.
pub fn to_text(html: &str) -> String {
    to_styled(html).0
}

/// Converts HTML to text, and says which stretches of it were headings, strong or links.
pub fn to_styled(html: &str) -> (String, Vec<Span>) {
    let (text, spans, _) = convert(html);
    (text, spans)
}

/// [`to_styled`], and how many bytes the search for tag ends walked (which tests hold to
/// a small multiple of the input's length).
fn convert(html: &str) -> (String, Vec<Span>, usize) {
    let mut out = Output::default();
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    let mut pre = 0usize;
    let mut links: Vec<Option<String>> = Vec::new();
    let mut tag_ends = TagEnds::new(html.as_bytes());

    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip_until.is_none() {
                out.text(&decode_entities(rest), pre > 0);
            }
            break;
        };
        if skip_until.is_none() {
            out.text(&decode_entities(&rest[..lt]), pre > 0);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let at = html.len() - rest.len();
        let Some(gt) = tag_ends.find(at).map(|end| end - at) else {
            // A lone '<' that opens no tag is text.
            if skip_until.is_none() {
                out.text("<", pre > 0);
            }
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/');
        let name_end = body
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();

        if let Some(until) = skip_until {
            if closing && name == until {
                skip_until = None;
            }
            continue;
        }
        match (name.as_str(), closing) {
            ("script", false) => skip_until = Some("script"),
            ("style", false) => skip_until = Some("style"),
            ("head", false) => skip_until = Some("head"),
            ("title", false) => skip_until = Some("title"),
            ("br", _) => out.newline(),
            ("b" | "strong" | "th", open) => out.strong = depth(out.strong, open),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", open) => {
                out.paragraph();
                out.heading = depth(out.heading, open);
            }
            (
                "p" | "div" | "table" | "blockquote" | "ul" | "ol" | "section" | "article"
                | "header" | "footer",
                _,
            ) => out.paragraph(),
            ("tr" | "dt" | "dd", _) => out.newline(),
            ("td", false) => out.text(" ", false),
            ("li", false) => {
                out.newline();
                out.raw("• ");
            }
            ("hr", _) => {
                out.paragraph();
                out.raw("────────");
                out.paragraph();
            }
            ("pre", false) => {
                out.paragraph();
                pre += 1;
            }
            ("pre", true) => {
                pre = pre.saturating_sub(1);
                out.paragraph();
            }
            ("a", false) => {
                links.push(attribute(body, "href"));
                out.link_start();
            }
            ("a", true) => {
                let href = links.pop().flatten();
                out.link_end(href.as_deref());
            }
            ("img", _) => {
                if let Some(alt) = attribute(body, "alt").filter(|a| !a.trim().is_empty()) {
                    out.text(&format!("[{}]", alt.trim()), false);
                }
            }
            _ => {}
        }
    }
    let (text, spans) = out.finish();
    (text, spans, tag_ends.steps)
}

/// One level deeper for an opening tag, one less for a closing one.
fn depth(level: usize, closing: bool) -> usize {
    if closing {
        level.saturating_sub(1)
    } else {
        level + 1
    }
}

/// Finds the '>' that ends a tag, skipping quoted attribute values.
///
/// A '<' whose tag never ends is text, and the search goes on at the next '<'; rescanning
/// the rest of the message from each of them would make `<a<a<a…` quadratic. So every
/// (position, quote state) that a failed search passed through is remembered as a dead
/// end: a later search that reaches one stops there, and each pair is walked at most once.
struct TagEnds<'a> {
    bytes: &'a [u8],
    /// Bit `q` of `dead[i]`: reaching byte `i` in quote state `q` finds no end.
    dead: Vec<u8>,
    /// Bytes walked, searches and their replays together.
    steps: usize,
}

/// Quote states: outside quotes, inside "…", inside '…'.
const UNQUOTED: u8 = 0;

impl<'a> TagEnds<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        TagEnds {
            bytes,
            dead: Vec::new(),
            steps: 0,
        }
    }

    fn step(quote: u8, b: u8) -> u8 {
        match (quote, b) {
            (UNQUOTED, b'"') => 1,
            (UNQUOTED, b'\'') => 2,
            (1, b'"') | (2, b'\'') => UNQUOTED,
            (q, _) => q,
        }
    }

    /// The index of the '>' that ends the tag starting at `bytes[at] == b'<'`; None when
    /// that `<` does not start a tag.
    fn find(&mut self, at: usize) -> Option<usize> {
        match self.bytes.get(at + 1) {
            Some(b) if b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?') => {}
            _ => return None,
        }
        let mut quote = UNQUOTED;
        let mut i = at + 1;
        while let Some(&b) = self.bytes.get(i) {
            if self.dead.get(i).is_some_and(|d| d & (1 << quote) != 0) {
                break;
            }
            if quote == UNQUOTED && b == b'>' {
                self.steps += i - at;
                return Some(i);
            }
            quote = Self::step(quote, b);
            i += 1;
        }
        self.steps += 2 * (i - at);
        // Everything this search went through leads nowhere: remember it.
        if self.dead.is_empty() {
            self.dead = vec![0; self.bytes.len()];
        }
        let mut quote = UNQUOTED;
        for j in at + 1..i {
            self.dead[j] |= 1 << quote;
            quote = Self::step(quote, self.bytes[j]);
        }
        None
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(v));
    }
    None
}

/// Decodes character references: numeric ones and the named ones mail uses.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            code.and_then(char::from_u32).map(String::from)
        } else {
            named_entity(name).map(String::from)
        };
        match decoded {
            Some(text) if end > 1 => {
                out.push_str(&text);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "yen" => "¥",
        "euro" => "€",
        "pound" => "£",
        "bull" => "•",
        "middot" => "·",
        "times" => "×",
        _ => return None,
    })
}

/// Collects text, folding whitespace the way a browser does outside <pre>.
#[derive(Default)]
struct Output {
    text: String,
    /// Pending line breaks (1 = newline, 2 = blank line), written before the next text.
    breaks: usize,
    space: bool,
    link_text_start: Vec<usize>,
    /// How deep inside <b>/<strong>/<th> and <h1>..<h6> the text now is.
    strong: usize,
    heading: usize,
    spans: Vec<Span>,
}

impl Output {
    fn text(&mut self, s: &str, preformatted: bool) {
        let before = self.text.len();
        self.push_text(s, preformatted);
        let style = if !self.link_text_start.is_empty() {
            Some(Style::Link)
        } else if self.heading > 0 {
            Some(Style::Heading)
        } else if self.strong > 0 {
            Some(Style::Strong)
        } else {
            None
        };
        if let Some(style) = style {
            // The breaks and the space written before the text are not part of it.
            let added = &self.text[before..];
            let start = before + (added.len() - added.trim_start().len());
            self.mark(start, self.text.len(), style);
        }
    }

    /// Records a styled stretch, joined to the one before when they touch.
    fn mark(&mut self, start: usize, end: usize, style: Style) {
        if start >= end {
            return;
        }
        match self.spans.last_mut() {
            Some(last)
                if last.style == style
                    && last.end <= start
                    && self.text[last.end..start].chars().all(|c| c == ' ') =>
            {
                last.end = end
            }
            _ => self.spans.push(Span { start, end, style }),
        }
    }

    fn push_text(&mut self, s: &str, preformatted: bool) {
        if preformatted {
            self.flush_breaks();
            self.text.push_str(s);
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                self.space = true;
            } else {
                if self.breaks > 0 {
                    self.flush_breaks();
                } else if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push(if c == '\u{a0}' { ' ' } else { c });
            }
        }
    }

    fn raw(&mut self, s: &str) {
        self.flush_breaks();
        self.text.push_str(s);
        self.space = false;
    }

    fn flush_breaks(&mut self) {
        if !self.text.is_empty() {
            for _ in 0..self.breaks {
                self.text.push('\n');
            }
        }
        self.breaks = 0;
        self.space = false;
    }

    fn newline(&mut self) {
        self.breaks = self.breaks.max(1);
    }

    fn paragraph(&mut self) {
        self.breaks = 2;
    }

    fn link_start(&mut self) {
        self.link_text_start.push(self.text.len());
    }

    fn link_end(&mut self, href: Option<&str>) {
        let start = self.link_text_start.pop().unwrap_or(self.text.len());
        let Some(href) = href else { return };
        let target = href.trim();
        if target.is_empty() || target.starts_with('#') || target.starts_with("javascript:") {
            return;
        }
        // A link text much longer than its target is not the target. Trimming only short
        // ones keeps closing many nested links around a long (preformatted) text linear.
        let shown = &self.text[start.min(self.text.len())..];
        let shown = if shown.len() <= target.len() + 64 {
            shown.trim()
        } else {
            ""
        };
        let plain = target.strip_prefix("mailto:").unwrap_or(target);
        if shown != plain && shown != target {
            self.text.push_str(&format!(" <{target}>"));
        }
    }

    fn finish(self) -> (String, Vec<Span>) {
        let lead = self.text.len() - self.text.trim_start().len();
        let text = self.text.trim().to_string();
        let spans = self
            .spans
            .into_iter()
            .filter_map(|s| {
                let start = s.start.saturating_sub(lead).min(text.len());
                let end = s.end.saturating_sub(lead).min(text.len());
                (start < end).then_some(Span { start, end, ..s })
            })
            .collect();
        (text, spans)
    }
}

#[cfg(test)]
mod tests {
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
        ]
    }

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
            assert!(text.len() <= 8 * html.len() + 64, "{what}");
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
            prop_assert!(text.len() <= 8 * html.len() + 64);
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
}
