//! How the rules dialog looks: the list of rules, the form, and "Run rules now".

use iced::widget::{Column, button, checkbox, column, pick_list, row, scrollable, text};
use iced::{Element, Fill};

use crate::t;

use super::form::{Does, Looks};
use super::labels::{Compare, ForAccount, Matching, summary};
use super::{Dialog, Message};

type Small<'a> = iced::widget::Button<'a, Message>;

fn small<'a>(label: &str, message: Option<Message>) -> Small<'a> {
    button(text(label.to_string()).size(12))
        .on_press_maybe(message)
        .padding([2, 6])
        .style(button::secondary)
}

fn field<'a>(hint: &str, value: &str, width: f32) -> iced::widget::TextInput<'a, Message> {
    iced::widget::text_input(hint, value)
        .padding(5)
        .width(width)
}

impl Dialog {
    pub fn view(&self) -> Element<'_, Message> {
        let mut content = column![
            text(t!("rules-title")).size(20),
            text(t!("rules-explained")).size(12),
            scrollable(self.list()).height(200),
            text(if self.form.editing.is_some() {
                t!("rules-editing")
            } else {
                t!("rules-new")
            })
            .size(15),
            self.form_view(),
        ]
        .spacing(10);
        if let Some(problem) = &self.problem {
            content = content.push(text(problem.clone()).size(13).style(text::danger));
        }
        if let Some(note) = &self.note {
            content = content.push(text(note.clone()).size(13).style(text::success));
        }
        let mut run = row![
            button(text(t!(
                "rules-run-folder",
                folder = self.scope.folder.clone()
            )))
            .on_press(Message::RunNow(false))
            .style(button::secondary)
        ]
        .spacing(8);
        if !self.scope.selected.is_empty() {
            run = run.push(
                button(text(t!(
                    "rules-run-selected",
                    count = self.scope.selected.len()
                )))
                .on_press(Message::RunNow(true))
                .style(button::secondary),
            );
        }
        content = content.push(row![
            run.wrap(),
            iced::widget::space().width(Fill),
            button(text(t!("button-close"))).on_press(Message::Close),
        ]);
        crate::ui::dialog_box(content, 860.0)
    }

    /// The rules in order, each with its switch, summary and tools.
    fn list(&self) -> Element<'_, Message> {
        let mut list = Column::new().spacing(6);
        if self.rules.is_empty() {
            list = list.push(text(t!("rules-none")).size(13));
        }
        let last = self.rules.len().saturating_sub(1);
        for (i, rule) in self.rules.iter().enumerate() {
            let name = rule.name.clone();
            let account = rule.account.and_then(|id| {
                self.accounts
                    .iter()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| format!(" ({n})"))
            });
            list = list.push(
                row![
                    checkbox(rule.enabled)
                        .on_toggle({
                            let name = name.clone();
                            move |on| Message::Enable(name.clone(), on)
                        })
                        .size(16),
                    column![
                        text(format!("{}{}", rule.name, account.unwrap_or_default())).size(14),
                        text(summary(rule)).size(12),
                    ]
                    .width(Fill),
                    small("↑", (i > 0).then(|| Message::Move(name.clone(), true))),
                    small("↓", (i < last).then(|| Message::Move(name.clone(), false))),
                    small(&t!("rules-edit"), Some(Message::Edit(name.clone()))),
                    small(&t!("rules-remove"), Some(Message::Remove(name))),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        list.into()
    }

    /// The rule being written: name and account, its conditions, its actions.
    fn form_view(&self) -> Element<'_, Message> {
        let f = &self.form;
        let mut accounts = vec![ForAccount::every()];
        accounts.extend(self.accounts.iter().map(|(id, name)| ForAccount {
            id: Some(*id),
            name: name.clone(),
        }));
        let chosen = accounts.iter().find(|a| a.id == f.account).cloned();
        let mut form = column![
            row![
                field(&t!("rules-name"), &f.name, 200.0).on_input(Message::Name),
                text(t!("rules-for")).size(13),
                pick_list(accounts, chosen, |a: ForAccount| Message::Account(a.id)),
                text(t!("rules-when")).size(13),
                pick_list(
                    [Matching(false), Matching(true)],
                    Some(Matching(f.any)),
                    |m| { Message::Any(m.0) }
                ),
            ]
            .spacing(8)
            .align_y(iced::Center)
        ]
        .spacing(6);
        for (n, c) in f.conditions.iter().enumerate() {
            let mut line = row![pick_list(Looks::ALL, Some(c.looks), move |l| {
                Message::Looks(n, l)
            })]
            .spacing(8)
            .align_y(iced::Center);
            if c.looks == Looks::Header {
                line = line.push(
                    field(&t!("rules-header-name"), &c.header, 120.0)
                        .on_input(move |v| Message::Header(n, v)),
                );
            }
            if c.looks.has_text() {
                line = line
                    .push(pick_list(Compare::ALL, Some(Compare(c.test)), move |t| {
                        Message::Test(n, t.0)
                    }))
                    .push(field("", &c.text, 200.0).on_input(move |v| Message::Text(n, v)));
            } else if c.looks == Looks::SizeOver {
                line = line.push(
                    field(&t!("rules-size-hint"), &c.text, 100.0)
                        .on_input(move |v| Message::Text(n, v)),
                );
            }
            line = line.push(small("×", Some(Message::RemoveCondition(n))));
            form = form.push(line);
        }
        form = form.push(small(
            &t!("rules-add-condition"),
            Some(Message::AddCondition),
        ));
        form = form.push(text(t!("rules-then")).size(13));
        for (n, a) in f.actions.iter().enumerate() {
            let mut line = row![pick_list(Does::ALL, Some(a.does), move |d| {
                Message::Does(n, d)
            })]
            .spacing(8)
            .align_y(iced::Center);
            if a.does == Does::MoveTo {
                line = line.push(
                    field(&t!("rules-folder"), &a.folder, 160.0)
                        .on_input(move |v| Message::Folder(n, v)),
                );
            }
            line = line.push(small("×", Some(Message::RemoveAction(n))));
            form = form.push(line);
        }
        form = form.push(small(&t!("rules-add-action"), Some(Message::AddAction)));
        let mut buttons = row![
            checkbox(f.stop)
                .label(t!("rules-stop"))
                .on_toggle(Message::Stop)
                .size(16)
                .text_size(13),
            iced::widget::space().width(Fill),
        ]
        .spacing(8)
        .align_y(iced::Center);
        if f.editing.is_some() {
            buttons = buttons.push(
                button(text(t!("button-cancel")))
                    .on_press(Message::CancelEdit)
                    .style(button::secondary),
            );
        }
        buttons = buttons.push(
            button(text(if f.editing.is_some() {
                t!("rules-save")
            } else {
                t!("rules-add")
            }))
            .on_press(Message::Add)
            .style(button::primary),
        );
        form.push(buttons).into()
    }
}
