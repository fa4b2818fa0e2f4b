//! HTML mail as readable plain text. Nothing is fetched and nothing runs: tags are read
//! only for the structure they give the text (paragraphs, lists, links).

mod entities;
mod output;
mod tags;

pub use entities::decode_entities;

use output::Output;
use tags::{TagEnds, attribute};

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
    let mut walk = Walk::default();
    let mut rest = html;
    let mut tag_ends = TagEnds::new(html.as_bytes());

    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            walk.text(rest);
            break;
        };
        walk.text(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let at = html.len() - rest.len();
        let Some(gt) = tag_ends.find(at).map(|end| end - at) else {
            // A lone '<' that opens no tag is text.
            walk.text("<");
            rest = &rest[1..];
            continue;
        };
        walk.tag(&rest[1..gt]);
        rest = &rest[gt + 1..];
    }
    let (text, spans) = walk.out.finish();
    (text, spans, tag_ends.steps)
}

/// Where the conversion is in the document: the text written so far, the element whose
/// content is being skipped, how deep in <pre> it is, the targets of the open links and
/// the open lists.
#[derive(Default)]
struct Walk {
    out: Output,
    skip_until: Option<&'static str>,
    pre: usize,
    links: Vec<Option<String>>,
    /// The open lists, innermost last: the next number of an `<ol>`, None for a `<ul>`.
    lists: Vec<Option<i64>>,
}

impl Walk {
    /// Text between tags, its entities decoded; none inside a skipped element.
    fn text(&mut self, s: &str) {
        if self.skip_until.is_none() {
            self.out.text(&entities::decoded(s), self.pre > 0);
        }
    }

    /// A tag, `tag` being what is between its '<' and '>'. Inside a skipped element only
    /// the tag that closes it counts.
    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/');
        let name_end = body
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();

        if let Some(until) = self.skip_until {
            if closing && name == until {
                self.skip_until = None;
            }
            return;
        }
        self.element(&name, closing, body);
    }

    /// What an opening or closing tag named `name` (lower case) does to the text;
    /// `body` is the tag without its '<', '/' and '>', for the attributes.
    fn element(&mut self, name: &str, closing: bool, body: &str) {
        let out = &mut self.out;
        match (name, closing) {
            ("script", false) => self.skip_until = Some("script"),
            ("style", false) => self.skip_until = Some("style"),
            ("head", false) => self.skip_until = Some("head"),
            ("title", false) => self.skip_until = Some("title"),
            // A browser shows none of a <template> until a script uses it.
            ("template", false) => self.skip_until = Some("template"),
            ("br", _) => out.newline(),
            // A header cell is a cell (apart from the one before it) in strong type.
            ("th", false) => {
                out.text(" ", false);
                out.strong += 1;
            }
            ("b" | "strong" | "th", _) => out.strong = depth(out.strong, closing),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => {
                out.paragraph();
                out.heading = depth(out.heading, closing);
            }
            ("p" | "div" | "table" | "section" | "article" | "header" | "footer", _) => {
                out.paragraph();
            }
            ("blockquote", _) => {
                out.paragraph();
                out.quote = depth(out.quote, closing);
            }
            ("ul" | "ol", _) => {
                out.paragraph();
                self.list(name == "ol", closing, body);
            }
            ("tr" | "dt" | "dd", _) => out.newline(),
            ("td", false) => out.text(" ", false),
            ("li", false) => self.item(),
            ("hr", _) => {
                out.paragraph();
                out.raw("────────");
                out.paragraph();
            }
            ("pre", false) => {
                out.paragraph();
                self.pre += 1;
            }
            ("pre", true) => {
                self.pre = self.pre.saturating_sub(1);
                out.paragraph();
            }
            ("a", false) => {
                self.links.push(attribute(body, "href"));
                out.link_start();
            }
            ("a", true) => {
                let href = self.links.pop().flatten();
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
}

impl Walk {
    /// An `<ol>` or `<ul>` opening (numbered from its `start`, or 1) or closing.
    fn list(&mut self, ordered: bool, closing: bool, body: &str) {
        if closing {
            self.lists.pop();
        } else if ordered {
            let start = attribute(body, "start").and_then(|s| s.trim().parse().ok());
            self.lists.push(Some(start.unwrap_or(1)));
        } else {
            self.lists.push(None);
        }
    }

    /// An `<li>`: on a line of its own, numbered in an `<ol>`, bulleted elsewhere.
    fn item(&mut self) {
        self.out.newline();
        match self.lists.last_mut() {
            Some(Some(number)) => {
                let mark = format!("{number}. ");
                *number = number.saturating_add(1);
                self.out.raw(&mark);
            }
            _ => self.out.raw("• "),
        }
    }
}

/// One level deeper for an opening tag, one less for a closing one.
fn depth(level: usize, closing: bool) -> usize {
    if closing {
        level.saturating_sub(1)
    } else {
        level + 1
    }
}

#[cfg(test)]
mod tests;
