//! The remote view drawn: the account's server, the actions on the chosen messages, the
//! question before deleting, and the list with its sortable columns.

use iced::widget::{Column as Col, button, checkbox, column, container, row, scrollable, text};
use iced::{Element, Fill, Length};

use super::{Column, Message, RemoteView, State};
use crate::sync::remote::{Action, Deletion, RemoteMessage, Stored};
use crate::t;
use crate::ui::message_list::human_size;
use crate::ui::{BOLD, shorten};

/// Messages at least this large are shown in bold: the ones that fill a mailbox.
const LARGE: u64 = 1 << 20;

impl RemoteView {
    pub fn view(&self) -> Element<'_, Message> {
        let title = text(t!(
            "remote-title",
            account = self.account.settings.name.clone()
        ))
        .size(20);
        let busy = !matches!(self.state, State::Ready | State::Failed(_));
        let chosen = !self.chosen.is_empty() && !busy;
        let act = |label: String,
                   action: Action,
                   style: fn(&iced::Theme, button::Status) -> button::Style| {
            button(text(label))
                .on_press_maybe(chosen.then_some(Message::Act(action)))
                .style(style)
        };
        let actions = row![
            act(t!("remote-download"), Action::Fetch, button::primary),
            act(
                t!("remote-download-delete"),
                Action::FetchThenDelete,
                button::secondary
            ),
            act(t!("remote-delete"), Action::Delete, button::danger),
            iced::widget::space().width(Fill),
            button(text(t!("remote-refresh")))
                .on_press_maybe((!busy).then_some(Message::Refresh))
                .style(button::secondary),
            button(text(t!("button-close")))
                .on_press(Message::Close)
                .style(button::secondary),
        ]
        .spacing(8);
        let mut content = Col::new().spacing(10).push(title).push(actions);
        content = content.push(self.state_line());
        if let Some(action) = self.confirming {
            content = content.push(self.question(action));
        }
        content = content.push(self.table());
        crate::ui::dialog_box(content.height(Length::Fixed(640.0)), 1000.0)
    }

    /// What is going on, and what the last action did.
    fn state_line(&self) -> Element<'_, Message> {
        let total: u64 = self.rows.iter().filter_map(|r| r.size).sum();
        let line = match &self.state {
            State::Listing => t!("remote-listing"),
            State::Applying(_) => t!("remote-applying"),
            State::Failed(why) => return text(why.clone()).style(text::danger).into(),
            State::Ready => t!(
                "remote-summary",
                count = self.rows.len(),
                size = human_size(total),
                chosen = self.chosen.len()
            ),
        };
        let mut line = line;
        if let Some(said) = &self.said {
            line = format!("{said} {line}");
        }
        text(line).size(13).into()
    }

    /// The question before deleting on the server: how many, and how many are not here.
    fn question(&self, action: Action) -> Element<'_, Message> {
        let not_here = self.chosen_not_here();
        let mut words = column![text(t!("remote-confirm", count = self.chosen.len())).font(BOLD)];
        // Downloaded first, the ones not here are not lost then.
        if not_here > 0 && action == Action::Delete {
            words = words
                .push(text(t!("remote-confirm-not-here", count = not_here)).style(text::danger));
            // Which they are: the first few, by sender and subject.
            for r in self.not_here().take(5) {
                let line = format!("・{} — {}", shorten(&r.from, 30), shorten(&r.subject, 60));
                words = words.push(text(line).size(12).style(text::danger));
            }
            if not_here > 5 {
                words = words.push(text(t!("remote-confirm-more", count = not_here - 5)).size(12));
            }
        }
        container(
            row![
                words.spacing(4).width(Fill),
                button(text(t!("button-cancel")))
                    .on_press(Message::CancelConfirm)
                    .style(button::secondary),
                button(text(t!("remote-confirm-button")))
                    .on_press(Message::Confirm)
                    .style(button::danger),
            ]
            .spacing(8)
            .align_y(iced::Center),
        )
        .padding(10)
        .style(container::bordered_box)
        .into()
    }

    fn table(&self) -> Element<'_, Message> {
        let all = !self.rows.is_empty()
            && self.chosen.len() == self.rows.iter().filter(|r| r.uidl.is_some()).count();
        let heading = |label: String, column: Column, width: Length| {
            let arrow = match self.sort {
                (c, false) if c == column => " ▲",
                (c, true) if c == column => " ▼",
                _ => "",
            };
            // No padding: the headings line up with the cells below them.
            button(text(format!("{label}{arrow}")).size(13))
                .on_press(Message::Sort(column))
                .style(button::text)
                .padding(0)
                .width(width)
        };
        let header = row![
            checkbox(all).on_toggle(Message::ChooseAll).size(14),
            heading("#".into(), Column::Number, Length::Fixed(60.0)),
            heading(t!("column-from"), Column::From, Length::FillPortion(3)),
            heading(
                t!("column-subject"),
                Column::Subject,
                Length::FillPortion(5)
            ),
            heading(t!("column-date"), Column::Date, Length::Fixed(140.0)),
            heading(t!("column-size"), Column::Size, Length::Fixed(80.0)),
            heading(
                t!("remote-column-here"),
                Column::Stored,
                Length::Fixed(150.0)
            ),
        ]
        .spacing(6)
        .padding([0, 4])
        .align_y(iced::Center);
        let rows = self.rows.iter().map(|r| self.line(r));
        column![
            header,
            scrollable(Col::with_children(rows).spacing(2)).height(Fill)
        ]
        .spacing(4)
        .into()
    }

    fn line<'a>(&'a self, r: &'a RemoteMessage) -> Element<'a, Message> {
        let chosen = r.uidl.as_ref().is_some_and(|u| self.chosen.contains(u));
        let large = r.size.is_some_and(|s| s >= LARGE);
        // A cell is cut at its column's edge: a long (or bold) name never runs into the
        // next one.
        let cell = |s: String, width: Length| {
            let t = text(s).size(13).wrapping(text::Wrapping::None);
            let t = if large { t.font(BOLD) } else { t };
            container(t).width(width).clip(true)
        };
        let here = match (r.stored, r.deletion) {
            (Stored::Whole, Deletion::After(at)) => {
                t!("remote-here-until", date = crate::mail::format_date(at))
            }
            (Stored::Whole, Deletion::NextFetch) => t!("remote-here-next-fetch"),
            (Stored::Whole, Deletion::Never) => t!("remote-here"),
            (Stored::Partial, _) => t!("remote-here-partial"),
            (Stored::No, _) => t!("remote-not-here"),
        };
        let content = row![
            checkbox(chosen).size(14),
            cell(r.number.to_string(), Length::Fixed(60.0)),
            cell(shorten(&r.from, 40), Length::FillPortion(3)),
            cell(shorten(&r.subject, 70), Length::FillPortion(5)),
            cell(
                r.date.map(crate::mail::format_date).unwrap_or_default(),
                Length::Fixed(140.0)
            ),
            cell(
                r.size.map(human_size).unwrap_or_else(|| "?".into()),
                Length::Fixed(80.0)
            ),
            cell(here, Length::Fixed(150.0)),
        ]
        .spacing(6)
        .align_y(iced::Center);
        let line = button(content)
            .width(Fill)
            .padding([2, 4])
            .style(if chosen {
                button::primary
            } else {
                button::text
            });
        match &r.uidl {
            Some(uidl) => line.on_press(Message::Toggle(uidl.clone())).into(),
            None => line.into(),
        }
    }
}
