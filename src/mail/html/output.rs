//! The text being written: whitespace folded as a browser folds it, line breaks held
//! until text follows, quoted lines marked with "> ", and the styled stretches recorded
//! as they are written.

use super::{Span, Style};

/// Quotes are marked at most this deep ("> > > > > > "): a reply thread quoted a hundred
/// levels deep keeps its lines readable, and each line's marks stay short, so the text
/// stays within a small multiple of the HTML's length.
const MAX_QUOTE_MARKS: usize = 6;

/// Collects text, folding whitespace the way a browser does outside <pre>.
#[derive(Default)]
pub(super) struct Output {
    text: String,
    /// Pending line breaks (1 = newline, 2 = blank line), written before the next text.
    breaks: usize,
    space: bool,
    /// Whether the last line has been begun (its quote marks written): false at the
    /// start and after each line break.
    line_open: bool,
    /// How many quote marks the last line begun has.
    line_quote: usize,
    link_text_start: Vec<usize>,
    /// How deep inside <b>/<strong>/<th> and <h1>..<h6> the text now is.
    pub(super) strong: usize,
    pub(super) heading: usize,
    /// How deep inside <blockquote> the text now is.
    pub(super) quote: usize,
    spans: Vec<Span>,
}

impl Output {
    pub(super) fn text(&mut self, s: &str, preformatted: bool) {
        let first = if preformatted {
            self.push_preformatted(s)
        } else {
            self.push_folded(s)
        };
        let style = if !self.link_text_start.is_empty() {
            Some(Style::Link)
        } else if self.heading > 0 {
            Some(Style::Heading)
        } else if self.strong > 0 {
            Some(Style::Strong)
        } else {
            None
        };
        // The breaks, quote marks and space written before the text are not part of it.
        if let (Some(style), Some(start)) = (style, first) {
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
                last.end = end;
            }
            _ => self.spans.push(Span { start, end, style }),
        }
    }

    /// Writes text outside <pre>, runs of whitespace folded to one space; returns where
    /// its first visible character went.
    fn push_folded(&mut self, s: &str) -> Option<usize> {
        let mut first = None;
        for c in s.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                self.space = true;
                continue;
            }
            if self.breaks > 0 {
                self.flush_breaks();
            }
            if !self.line_open {
                self.open_line();
            } else if self.space {
                self.text.push(' ');
            }
            self.space = false;
            first.get_or_insert(self.text.len());
            self.text.push(if c == '\u{a0}' { ' ' } else { c });
        }
        first
    }

    /// Writes <pre> text as it is, each of its lines quote-marked; returns where its
    /// first character other than whitespace went.
    fn push_preformatted(&mut self, s: &str) -> Option<usize> {
        self.flush_breaks();
        let mut first = None;
        for line in s.split_inclusive('\n') {
            let content = line.trim_start();
            if !self.line_open {
                if content.is_empty() {
                    self.quote_marks(self.quote.min(MAX_QUOTE_MARKS));
                } else {
                    self.open_line();
                }
            }
            if first.is_none() && !content.is_empty() {
                first = Some(self.text.len() + line.len() - content.len());
            }
            self.text.push_str(line);
            self.line_open = !line.ends_with('\n');
        }
        first
    }

    pub(super) fn raw(&mut self, s: &str) {
        self.flush_breaks();
        if !self.line_open {
            self.open_line();
        }
        self.text.push_str(s);
        self.space = false;
    }

    /// Begins a line: "> " for each quote it is in.
    fn open_line(&mut self) {
        let depth = self.quote.min(MAX_QUOTE_MARKS);
        for _ in 0..depth {
            self.text.push_str("> ");
        }
        self.line_quote = depth;
        self.line_open = true;
    }

    /// The marks of a blank line inside `depth` quotes: "> >", without the trailing space.
    fn quote_marks(&mut self, depth: usize) {
        for i in 0..depth {
            self.text.push_str(if i == 0 { ">" } else { " >" });
        }
    }

    fn flush_breaks(&mut self) {
        if !self.text.is_empty() && self.breaks > 0 {
            // A blank line is inside the quotes both the lines around it are in.
            let blank = self.line_quote.min(self.quote.min(MAX_QUOTE_MARKS));
            for i in 0..self.breaks {
                if i > 0 {
                    self.quote_marks(blank);
                }
                self.text.push('\n');
            }
            self.line_open = false;
        }
        self.breaks = 0;
        self.space = false;
    }

    pub(super) fn newline(&mut self) {
        self.breaks = self.breaks.max(1);
    }

    pub(super) fn paragraph(&mut self) {
        self.breaks = 2;
    }

    pub(super) fn link_start(&mut self) {
        self.link_text_start.push(self.text.len());
    }

    pub(super) fn link_end(&mut self, href: Option<&str>) {
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
            // A link text that began a quoted line has the line's quote marks before it.
            shown
                .trim_start_matches(|c: char| c == '>' || c.is_whitespace())
                .trim_end()
        } else {
            ""
        };
        let plain = target.strip_prefix("mailto:").unwrap_or(target);
        if shown != plain && shown != target {
            if self.line_open {
                self.text.push(' ');
            } else {
                self.open_line();
            }
            self.text.push('<');
            self.text.push_str(target);
            self.text.push('>');
        }
    }

    pub(super) fn finish(self) -> (String, Vec<Span>) {
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
