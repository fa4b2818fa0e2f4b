//! The text being written: whitespace folded as a browser folds it, line breaks held
//! until text follows, and the styled stretches recorded as they are written.

use super::{Span, Style};

/// Collects text, folding whitespace the way a browser does outside <pre>.
#[derive(Default)]
pub(super) struct Output {
    text: String,
    /// Pending line breaks (1 = newline, 2 = blank line), written before the next text.
    breaks: usize,
    space: bool,
    link_text_start: Vec<usize>,
    /// How deep inside <b>/<strong>/<th> and <h1>..<h6> the text now is.
    pub(super) strong: usize,
    pub(super) heading: usize,
    spans: Vec<Span>,
}

impl Output {
    pub(super) fn text(&mut self, s: &str, preformatted: bool) {
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
                last.end = end;
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

    pub(super) fn raw(&mut self, s: &str) {
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
            shown.trim()
        } else {
            ""
        };
        let plain = target.strip_prefix("mailto:").unwrap_or(target);
        if shown != plain && shown != target {
            self.text.push_str(&format!(" <{target}>"));
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
