//! The Preferences dialog: theme, where the reading pane sits, when a message counts as
//! read, and new-mail notifications. Changes apply at once and are saved.

use iced::widget::{button, checkbox, column, pick_list, row, text};
use iced::{Element, Fill};

use crate::app::Message;
use crate::preferences::{Appearance, MarkRead, Pane, Preferences};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice<T>(T);

impl std::fmt::Display for Choice<Appearance> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Appearance::System => "As the system",
            Appearance::Light => "Light",
            Appearance::Dark => "Dark",
        })
    }
}

impl std::fmt::Display for Choice<Pane> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Pane::Below => "Below the list",
            Pane::Beside => "Beside the list",
        })
    }
}

impl std::fmt::Display for Choice<MarkRead> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            MarkRead::AtOnce => f.write_str("At once"),
            MarkRead::After(n) => write!(f, "After {n} seconds"),
            MarkRead::Never => f.write_str("Only when I say so"),
        }
    }
}

pub fn view(p: Preferences) -> Element<'static, Message> {
    let line = |label: &'static str, control: Element<'static, Message>| {
        row![text(label).width(220), control]
            .spacing(10)
            .align_y(iced::Center)
    };
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
            text("Preferences").size(22),
            line(
                "Theme",
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
                "Reading pane",
                pick_list(panes, Some(Choice(p.pane)), move |c: Choice<Pane>| {
                    Message::SetPreferences(Preferences { pane: c.0, ..p })
                })
                .into()
            ),
            line(
                "Mark messages read",
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
                .label("Show a notification when new mail arrives")
                .on_toggle(move |notify| Message::SetPreferences(Preferences { notify, ..p })),
            row![
                iced::widget::space().width(Fill),
                button("Close").on_press(Message::ShowPreferences(false))
            ],
        ]
        .spacing(14),
        520.0,
    )
}
