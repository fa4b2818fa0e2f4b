//! The Preferences dialog: language, theme, where the reading pane sits, when a message
//! counts as read, and new-mail notifications. Changes apply at once and are saved.

use iced::widget::{button, checkbox, column, pick_list, row, text};
use iced::{Element, Fill};

use crate::app::Message;
use crate::i18n::Language;
use crate::preferences::{Appearance, MarkRead, Pane, Preferences};
use crate::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice<T>(T);

impl std::fmt::Display for Choice<Option<Language>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str(&t!("preferences-as-system")),
            // Each language in its own words, so anyone can find theirs.
            Some(language) => f.write_str(language.native_name()),
        }
    }
}

impl std::fmt::Display for Choice<Appearance> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.0 {
            Appearance::System => t!("preferences-as-system"),
            Appearance::Light => t!("preferences-light"),
            Appearance::Dark => t!("preferences-dark"),
        })
    }
}

impl std::fmt::Display for Choice<Pane> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.0 {
            Pane::Below => t!("preferences-pane-below"),
            Pane::Beside => t!("preferences-pane-beside"),
        })
    }
}

impl std::fmt::Display for Choice<MarkRead> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.0 {
            MarkRead::AtOnce => t!("preferences-read-at-once"),
            MarkRead::After(n) => t!("preferences-read-after", seconds = n),
            MarkRead::Never => t!("preferences-read-never"),
        })
    }
}

pub fn view(p: Preferences) -> Element<'static, Message> {
    let line = |label: String, control: Element<'static, Message>| {
        row![text(label).width(220), control]
            .spacing(10)
            .align_y(iced::Center)
    };
    let languages: Vec<Choice<Option<Language>>> =
        [None, Some(Language::English), Some(Language::Japanese)]
            .map(Choice)
            .to_vec();
    let themes: Vec<Choice<Appearance>> = [Appearance::System, Appearance::Light, Appearance::Dark]
        .map(Choice)
        .to_vec();
    let panes: Vec<Choice<Pane>> = [Pane::Below, Pane::Beside].map(Choice).to_vec();
    let delays: Vec<Choice<MarkRead>> = [
        MarkRead::AtOnce,
        MarkRead::After(2),
        MarkRead::After(5),
        MarkRead::Never,
    ]
    .map(Choice)
    .to_vec();
    super::dialog_box(
        column![
            text(t!("toolbar-preferences")).size(22),
            line(
                t!("preferences-language"),
                pick_list(
                    languages,
                    Some(Choice(p.language)),
                    move |c: Choice<Option<Language>>| {
                        Message::SetPreferences(Preferences { language: c.0, ..p })
                    }
                )
                .into()
            ),
            line(
                t!("preferences-theme"),
                pick_list(
                    themes,
                    Some(Choice(p.appearance)),
                    move |c: Choice<Appearance>| {
                        Message::SetPreferences(Preferences {
                            appearance: c.0,
                            ..p
                        })
                    }
                )
                .into()
            ),
            line(
                t!("preferences-pane"),
                pick_list(panes, Some(Choice(p.pane)), move |c: Choice<Pane>| {
                    Message::SetPreferences(Preferences { pane: c.0, ..p })
                })
                .into()
            ),
            line(
                t!("preferences-mark-read"),
                pick_list(
                    delays,
                    Some(Choice(p.mark_read)),
                    move |c: Choice<MarkRead>| {
                        Message::SetPreferences(Preferences {
                            mark_read: c.0,
                            ..p
                        })
                    }
                )
                .into()
            ),
            checkbox(p.notify)
                .label(t!("preferences-notify"))
                .on_toggle(move |notify| Message::SetPreferences(Preferences { notify, ..p })),
            row![
                iced::widget::space().width(Fill),
                button(text(t!("button-close"))).on_press(Message::ShowPreferences(false))
            ],
        ]
        .spacing(14),
        560.0,
    )
}
