//! The dialog as drawn: the server and login on the left, what happens to the server's
//! copies and when to check on the right, the outcome and the buttons below.

use std::collections::BTreeMap;

use iced::widget::{
    Column, button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Fill, Length};

use super::{AddAccount, Choice, KeepChoice, Message, Page, login_label, security_label};
use crate::accounts::{AuthMethod, Field, Problem, Security};
use crate::t;

/// What is wrong, by field (empty until the user tries to save or test).
pub(super) type Problems = BTreeMap<Field, Problem>;

impl AddAccount {
    pub fn view(&self) -> Element<'_, Message> {
        let problems = if self.show_problems {
            self.problems()
        } else {
            BTreeMap::new()
        };
        let title = text(if self.editing.is_some() {
            t!("account-dialog-edit")
        } else {
            t!("account-dialog-add")
        })
        .size(22);
        let (left, right) = match self.page {
            Page::Receiving => (
                self.login_fields(self.identity_fields(&problems), &problems),
                self.schedule_fields(self.copies_fields(&problems), &problems),
            ),
            Page::Sending => (
                self.sending_fields(Column::new().spacing(10), &problems),
                Column::new(),
            ),
        };
        // Room on the right for the scroll bar, so it never covers the explanations.
        let body = row![
            left.width(Length::FillPortion(1)),
            right.width(Length::FillPortion(1))
        ]
        .spacing(24)
        .padding(iced::Padding {
            right: 18.0,
            ..iced::Padding::ZERO
        });
        let footer = self.footer(&problems);
        let pages = row![
            page_button(Page::Receiving, self.page, &problems),
            page_button(Page::Sending, self.page, &problems),
        ]
        .spacing(6);
        let head = row![title, iced::widget::space().width(Fill), pages].align_y(iced::Center);
        container(column![head, scrollable(body).height(Length::Fill), footer].spacing(14))
            .padding(20)
            .width(980)
            .height(660)
            .style(container::rounded_box)
            .into()
    }

    /// The address (with "Find settings"), the account's name, the server and its
    /// security.
    fn identity_fields(&self, problems: &Problems) -> Column<'static, Message> {
        let mut server = Column::new().spacing(10).push(field(
            t!("field-email"),
            row![
                input("you@example.com", &self.email, Message::Email, "email"),
                button(text(if self.detecting {
                    t!("detect-searching")
                } else {
                    t!("detect-find")
                }))
                .on_press_maybe((!self.detecting).then_some(Message::Detect))
                .style(button::secondary),
            ]
            .spacing(8)
            .into(),
            problem(problems, Field::Email),
        ));
        if let Some(note) = &self.detected {
            server = server.push(text(note.clone()).size(12).style(text::success));
        }
        let securities: Vec<Choice<Security>> = Security::ALL
            .map(|s| Choice::new(s, security_label))
            .to_vec();
        server = server
            .push(field(
                t!("field-name"),
                input(
                    &t!("placeholder-as-email"),
                    &self.name,
                    Message::Name,
                    "name",
                )
                .into(),
                problem(problems, Field::Name),
            ))
            .push(field(
                t!("field-server"),
                input("pop.example.com", &self.host, Message::Host, "host").into(),
                problem(problems, Field::Host),
            ))
            .push(field(
                t!("field-security"),
                pick_list(
                    securities,
                    Some(Choice::new(self.security, security_label)),
                    |c: Choice<Security>| Message::Security(c.value),
                )
                .into(),
                None,
            ));
        if self.security == Security::Plain {
            server = server.push(
                column![
                    text(t!("plain-warning")).size(12).style(text::danger),
                    checkbox(self.plain_confirmed)
                        .label(t!("plain-confirm"))
                        .on_toggle(Message::ConfirmPlain)
                        .size(16)
                        .text_size(13),
                ]
                .push(problem(problems, Field::Security))
                .spacing(4),
            );
        }
        server
    }

    /// The port, the login method, the user name and the password.
    fn login_fields(
        &self,
        server: Column<'static, Message>,
        problems: &Problems,
    ) -> Column<'static, Message> {
        let mut logins: Vec<Choice<AuthMethod>> = AuthMethod::ALL
            .map(|m| Choice::new(m, login_label))
            .to_vec();
        logins.push(Choice::new(AuthMethod::OAuth2, login_label));
        let server = server
            .push(field(
                t!("field-port"),
                input("995", &self.port, Message::Port, "port")
                    .width(100)
                    .into(),
                problem(problems, Field::Port),
            ))
            .push(field(
                t!("field-login"),
                pick_list(
                    logins,
                    Some(Choice::new(self.auth, login_label)),
                    |c: Choice<AuthMethod>| Message::Login(c.value),
                )
                .into(),
                Some(explain(match self.auth {
                    AuthMethod::Automatic => t!("login-automatic-explained"),
                    method if method.is_oauth() => t!("login-oauth2-explained"),
                    _ => t!("login-fixed-explained"),
                })),
            ))
            .push(field(
                t!("field-user"),
                input(
                    &t!("placeholder-as-email"),
                    &self.user,
                    Message::User,
                    "user",
                )
                .into(),
                problem(problems, Field::User),
            ));
        if self.auth.is_oauth() {
            return self.sign_in_fields(server, problems);
        }
        server.push(field(
            t!("field-password"),
            input(
                &if self.editing.is_some() {
                    t!("placeholder-password-kept")
                } else {
                    String::new()
                },
                &self.password,
                Message::Password,
                "password",
            )
            .secure(true)
            .into(),
            problem(problems, Field::Password),
        ))
    }

    /// What happens to the server's copies: the keep mode, its days, deleting there what
    /// is deleted here, and the size limit.
    fn copies_fields(&self, problems: &Problems) -> Column<'static, Message> {
        let keeps: Vec<Choice<KeepChoice>> = KeepChoice::ALL
            .map(|k| Choice::new(k, KeepChoice::label))
            .to_vec();
        let mut copies = Column::new().spacing(10).push(field(
            t!("field-server-copies"),
            pick_list(
                keeps,
                Some(Choice::new(self.keep, KeepChoice::label)),
                |c: Choice<KeepChoice>| Message::Keep(c.value),
            )
            .into(),
            Some(explain(self.keep_explanation())),
        ));
        if self.keep == KeepChoice::Days {
            copies = copies.push(field(
                t!("field-days"),
                input("14", &self.days, Message::Days, "days")
                    .width(100)
                    .into(),
                problem(problems, Field::Days),
            ));
        }
        if self.keep != KeepChoice::Delete {
            copies = copies.push(toggle(
                self.delete_on_server,
                t!("delete-on-server"),
                Message::DeleteOnServer,
                if self.delete_on_server {
                    t!("delete-on-server-on")
                } else {
                    t!("delete-on-server-off")
                },
            ));
        }
        copies = copies.push(toggle(
            self.limit_size,
            t!("size-limit"),
            Message::LimitSize,
            if self.limit_size {
                t!("size-limit-on")
            } else {
                t!("size-limit-off")
            },
        ));
        if self.limit_size {
            copies = copies.push(field(
                t!("field-size-limit"),
                row![
                    input("1024", &self.size_limit, Message::SizeLimit, "size-limit").width(100),
                    text(t!("unit-kb"))
                ]
                .spacing(6)
                .align_y(iced::Center)
                .into(),
                problem(problems, Field::SizeLimit),
            ));
        }
        copies
    }

    /// When to check for new mail.
    fn schedule_fields(
        &self,
        copies: Column<'static, Message>,
        problems: &Problems,
    ) -> Column<'static, Message> {
        let mut copies = copies
            .push(toggle(
                self.check_on_startup,
                t!("check-on-startup"),
                Message::CheckOnStartup,
                String::new(),
            ))
            .push(toggle(
                self.check_every,
                t!("check-every"),
                Message::CheckEvery,
                String::new(),
            ));
        if self.check_every {
            copies = copies.push(field(
                t!("field-minutes"),
                input("10", &self.minutes, Message::Minutes, "minutes")
                    .width(100)
                    .into(),
                problem(problems, Field::Minutes),
            ));
        }
        copies.push(toggle(
            self.include_in_get_all,
            t!("include-in-get-all"),
            Message::IncludeInGetAll,
            t!("include-in-get-all-explained"),
        ))
    }

    /// What went wrong or what the test found, and the buttons.
    fn footer(&self, problems: &Problems) -> Column<'static, Message> {
        let mut footer = Column::new().spacing(8);
        if self.show_problems && !problems.is_empty() {
            footer = footer.push(text(t!("form-has-problems")).size(13).style(text::danger));
        }
        if let Some(error) = &self.error {
            footer = footer.push(text(error.clone()).style(text::danger));
        }
        match &self.tested {
            Some(Ok(found)) => {
                footer = footer.push(text(found.clone()).size(13).style(text::success));
            }
            Some(Err(e)) => {
                footer = footer.push(text(e.clone()).size(13).style(text::danger));
                if self.offered_certificate.is_some() {
                    footer = footer.push(
                        button(text(t!("trust-certificate")))
                            .on_press(Message::TrustCertificate)
                            .style(button::danger),
                    );
                }
            }
            None if self.testing => footer = footer.push(text(t!("test-connecting")).size(13)),
            None => {}
        }
        let label = match (self.saving, self.editing.is_some()) {
            (true, _) => t!("account-saving"),
            (false, true) => t!("button-save"),
            (false, false) => t!("account-add"),
        };
        let save = button(text(label))
            .on_press_maybe((!self.saving).then_some(Message::Save))
            .style(button::primary);
        footer.push(
            row![
                button(text(t!("test-connection")))
                    .on_press_maybe((!self.testing).then_some(Message::Test))
                    .style(button::secondary),
                iced::widget::space().width(Fill),
                button(text(t!("button-cancel")))
                    .on_press(Message::Cancel)
                    .style(button::secondary),
                save
            ]
            .spacing(10),
        )
    }
}

/// A button for one half of the dialog, marked when a field there needs attention.
fn page_button(page: Page, shown: Page, problems: &Problems) -> Element<'static, Message> {
    let sending = |f: &Field| {
        matches!(
            f,
            Field::SmtpHost
                | Field::SmtpSecurity
                | Field::SmtpPort
                | Field::SmtpUser
                | Field::SmtpPassword
        )
    };
    let wrong = match page {
        Page::Receiving => problems.keys().any(|f| !sending(f)),
        Page::Sending => problems.keys().any(sending),
    };
    let mut label = match page {
        Page::Receiving => t!("account-page-receiving"),
        Page::Sending => t!("account-page-sending"),
    };
    if wrong {
        label.push_str(" (!)");
    }
    button(text(label))
        .on_press(Message::Page(page))
        .style(if page == shown {
            button::primary
        } else {
            button::secondary
        })
        .into()
}

/// What is wrong with a field, in red below it.
pub(super) fn problem(problems: &Problems, field: Field) -> Option<Element<'static, Message>> {
    problems
        .get(&field)
        .map(|p| text(p.sentence()).size(12).style(text::danger).into())
}

/// A label, its control, and below them what is wrong with it or what it does.
pub(super) fn field<'a>(
    label: String,
    control: Element<'a, Message>,
    below: Option<Element<'a, Message>>,
) -> Element<'a, Message> {
    let line = row![text(label).width(150), control]
        .spacing(10)
        .align_y(iced::Center);
    match below {
        Some(below) => column![line, row![iced::widget::space().width(160), below]]
            .spacing(2)
            .into(),
        None => line.into(),
    }
}

pub(super) fn input(
    placeholder: &str,
    value: &str,
    on: fn(String) -> Message,
    id: &'static str,
) -> iced::widget::TextInput<'static, Message> {
    text_input(placeholder, value)
        .on_input(on)
        .on_submit(Message::Save)
        .id(id)
        .padding(6)
}

fn explain(s: String) -> Element<'static, Message> {
    text(s).size(12).into()
}

/// A checkbox with, below it, one line saying what it does.
pub(super) fn toggle(
    on: bool,
    label: String,
    message: fn(bool) -> Message,
    explained: String,
) -> Element<'static, Message> {
    let mut col = column![
        checkbox(on)
            .label(label)
            .on_toggle(message)
            .size(16)
            .text_size(14)
    ]
    .spacing(2);
    if !explained.is_empty() {
        col = col.push(row![
            iced::widget::space().width(26),
            text(explained).size(12)
        ]);
    }
    col.into()
}
