//! The reading pane's body: HTML mail's headings, strong text and links drawn as such in
//! the selectable text (a text_editor highlighter fed from the converter's spans).

use std::ops::Range;
use std::sync::Arc;

use iced::advanced::text::highlighter::{self, Highlighter};
use iced::{Font, Theme, font};

use crate::mail::html::{Span, Style};

/// The styled ranges of one line (byte ranges within the line).
type Line = Vec<(Range<usize>, Style)>;

/// The styled ranges of each line of the body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Styles(Arc<Vec<Line>>);

impl Styles {
    /// Splits body-wide spans (in text order, not overlapping) into the lines the editor
    /// shows, in one pass over both.
    pub fn new(body: &str, spans: &[Span]) -> Styles {
        let mut lines = Vec::new();
        let mut line_start = 0;
        let mut first = 0;
        for line in body.split('\n') {
            let line_end = line_start + line.len();
            while spans.get(first).is_some_and(|s| s.end <= line_start) {
                first += 1;
            }
            let here: Line = spans[first..]
                .iter()
                .take_while(|s| s.start < line_end)
                .map(|s| {
                    let start = s.start.max(line_start) - line_start;
                    let end = s.end.min(line_end) - line_start;
                    (start..end, s.style)
                })
                .collect();
            lines.push(here);
            line_start = line_end + 1;
        }
        Styles(Arc::new(lines))
    }
}

/// Hands the editor each line's styled ranges, in order.
pub struct Styled {
    styles: Styles,
    line: usize,
}

impl Highlighter for Styled {
    type Settings = Styles;
    type Highlight = Style;
    type Iterator<'a> = std::vec::IntoIter<(Range<usize>, Style)>;

    fn new(settings: &Styles) -> Styled {
        Styled {
            styles: settings.clone(),
            line: 0,
        }
    }

    fn update(&mut self, settings: &Styles) {
        self.styles = settings.clone();
        self.line = 0;
    }

    fn change_line(&mut self, line: usize) {
        self.line = self.line.min(line);
    }

    fn highlight_line(&mut self, _line: &str) -> Self::Iterator<'_> {
        let spans = self.styles.0.get(self.line).cloned().unwrap_or_default();
        self.line += 1;
        spans.into_iter()
    }

    fn current_line(&self) -> usize {
        self.line
    }
}

/// How each kind of stretch looks.
pub fn format(style: &Style, theme: &Theme) -> highlighter::Format<Font> {
    let bold = Font {
        weight: font::Weight::Bold,
        ..Font::DEFAULT
    };
    let palette = theme.extended_palette();
    match style {
        Style::Strong => highlighter::Format {
            color: None,
            font: Some(bold),
        },
        Style::Heading => highlighter::Format {
            color: Some(palette.primary.strong.color),
            font: Some(bold),
        },
        Style::Link => highlighter::Format {
            color: Some(palette.primary.base.color),
            font: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_cut_into_lines() {
        let body = "Title\n\nSome bold words\nhere";
        // "Title" heading; "bold words\nhere" strong across a line break.
        let spans = [
            Span {
                start: 0,
                end: 5,
                style: Style::Heading,
            },
            Span {
                start: 12,
                end: 27,
                style: Style::Strong,
            },
        ];
        let styles = Styles::new(body, &spans);
        assert_eq!(
            *styles.0,
            vec![
                vec![(0..5, Style::Heading)],
                vec![],
                vec![(5..15, Style::Strong)],
                vec![(0..4, Style::Strong)],
            ]
        );
        let mut h = Styled::new(&styles);
        assert_eq!(h.highlight_line("Title").collect::<Vec<_>>().len(), 1);
        h.change_line(0);
        assert_eq!(h.current_line(), 0);
    }
}
