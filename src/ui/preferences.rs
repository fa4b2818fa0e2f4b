//! The Preferences dialog: language, theme, where the reading pane sits, when a message
//! counts as read, and new-mail notifications. Changes apply at once and are saved.

use iced::widget::{button, checkbox, column, pick_list, row, text};
use iced::{Element, Fill};

use crate::i18n::Language;
use crate::preferences::{Appearance, MarkRead, Pane, Preferences};
use crate::t;

/// What the dialog asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// A preference changed: apply it at once, and save it.
    Set(Preferences),
    Close,
}

/// One choice of a list with its label, made in the window's language when the dialog is
/// drawn (the label is data, not looked up inside `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice<T> {
    value: T,
    label: String,
}

impl<T> std::fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn choices<T: Copy>(values: &[T], label: impl Fn(T) -> String) -> Vec<Choice<T>> {
    values
        .iter()
        .map(|&value| Choice {
            value,
            label: label(value),
        })
        .collect()
}

fn language(language: Option<Language>) -> String {
    match language {
        None => t!("preferences-as-system"),
        // Each language in its own words, so anyone can find theirs.
        Some(language) => language.native_name().to_string(),
    }
}

fn appearance(appearance: Appearance) -> String {
    match appearance {
        Appearance::System => t!("preferences-as-system"),
        Appearance::Light => t!("preferences-light"),
        Appearance::Dark => t!("preferences-dark"),
    }
}

fn pane(pane: Pane) -> String {
    match pane {
        Pane::Below => t!("preferences-pane-below"),
        Pane::Beside => t!("preferences-pane-beside"),
    }
}

fn mark_read(mark_read: MarkRead) -> String {
    match mark_read {
        MarkRead::AtOnce => t!("preferences-read-at-once"),
        MarkRead::After(n) => t!("preferences-read-after", seconds = n),
        MarkRead::Never => t!("preferences-read-never"),
    }
}

/// A pick list of `values` showing `current`; a choice changes one preference of `p`.
fn pick<T: Copy + PartialEq + 'static>(
    values: &[T],
    current: T,
    label: impl Fn(T) -> String,
    change: impl Fn(T) -> Preferences + 'static,
) -> Element<'static, Message> {
    let selected = Choice {
        value: current,
        label: label(current),
    };
    pick_list(
        choices(values, label),
        Some(selected),
        move |c: Choice<T>| Message::Set(change(c.value)),
    )
    .into()
}

pub fn view(p: Preferences) -> Element<'static, Message> {
    let line = |label: String, control: Element<'static, Message>| {
        row![text(label).width(220), control]
            .spacing(10)
            .align_y(iced::Center)
    };
    let languages = [None, Some(Language::English), Some(Language::Japanese)];
    let themes = [Appearance::System, Appearance::Light, Appearance::Dark];
    let panes = [Pane::Below, Pane::Beside];
    let delays = [
        MarkRead::AtOnce,
        MarkRead::After(2),
        MarkRead::After(5),
        MarkRead::Never,
    ];
    super::dialog_box(
        column![
            text(t!("toolbar-preferences")).size(22),
            line(
                t!("preferences-language"),
                pick(&languages, p.language, language, move |language| {
                    Preferences { language, ..p }
                })
            ),
            line(
                t!("preferences-theme"),
                pick(&themes, p.appearance, appearance, move |appearance| {
                    Preferences { appearance, ..p }
                })
            ),
            line(
                t!("preferences-pane"),
                pick(&panes, p.pane, pane, move |pane| Preferences { pane, ..p })
            ),
            line(
                t!("preferences-mark-read"),
                pick(&delays, p.mark_read, mark_read, move |mark_read| {
                    Preferences { mark_read, ..p }
                })
            ),
            checkbox(p.notify)
                .label(t!("preferences-notify"))
                .on_toggle(move |notify| Message::Set(Preferences { notify, ..p })),
            row![
                iced::widget::space().width(Fill),
                button(text(t!("button-close"))).on_press(Message::Close)
            ],
        ]
        .spacing(14),
        560.0,
    )
}
