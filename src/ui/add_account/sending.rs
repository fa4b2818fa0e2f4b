//! The dialog's outgoing server: whether the account sends, and how. Filled in by "Find
//! settings" from the provider table; read into [`SmtpServer`] with the rest of the form.

use std::collections::BTreeMap;

use iced::widget::{Column, checkbox, column, pick_list, text, text_editor};

use super::view::{field, input, problem, toggle};
use super::{AddAccount, Choice, Message, security_label};
use crate::accounts::smtp::{SmtpLogin, SmtpServer};
use crate::accounts::{Field, Problem, Security};
use crate::compose::Charset;
use crate::t;

/// What the dialog holds of the outgoing server, as typed.
#[derive(Debug)]
pub(super) struct Sending {
    pub(super) on: bool,
    pub(super) host: String,
    pub(super) port: String,
    pub(super) security: Security,
    /// "No encryption" needs a second, explicit yes, as for the incoming server.
    pub(super) plain_confirmed: bool,
    pub(super) login: SmtpLogin,
    /// Empty: the incoming server's user name.
    pub(super) user: String,
    pub(super) jis: bool,
    /// Log in to the outgoing server with a password of its own, kept in the keyring
    /// beside the incoming one.
    pub(super) own_password: bool,
    /// That password as typed (left empty while editing, the stored one stays).
    pub(super) password: String,
    /// Put under every message written from the account, after "-- ".
    pub(super) signature: text_editor::Content,
    /// What the dialog does not show, kept as it was (a CA file, a signature, an own
    /// password set elsewhere).
    pub(super) kept: Option<SmtpServer>,
}

impl Sending {
    pub(super) fn from_settings(smtp: Option<&SmtpServer>, editing: bool) -> Sending {
        let base = smtp.cloned().unwrap_or_else(|| SmtpServer::new(""));
        Sending {
            on: smtp.is_some(),
            host: base.host.clone(),
            port: base.port.to_string(),
            security: base.security,
            plain_confirmed: editing && base.security == Security::Plain,
            login: base.login,
            user: base.user.clone(),
            jis: base.charset == Charset::Iso2022Jp,
            own_password: base.own_password,
            password: String::new(),
            signature: text_editor::Content::with_text(&base.signature),
            kept: smtp.cloned(),
        }
    }

    /// The outgoing server as the form says, and what only the dialog finds wrong.
    pub(super) fn read(&self, problems: &mut BTreeMap<Field, Problem>) -> Option<SmtpServer> {
        if !self.on {
            return None;
        }
        if self.security == Security::Plain && !self.plain_confirmed {
            problems
                .entry(Field::SmtpSecurity)
                .or_insert(Problem::SmtpPlainUnconfirmed);
        }
        let base = self.kept.clone().unwrap_or_else(|| SmtpServer::new(""));
        let stored = base.own_password;
        if self.uses_own_password() && self.password.is_empty() && !stored {
            problems
                .entry(Field::SmtpPassword)
                .or_insert(Problem::SmtpPasswordMissing);
        }
        Some(SmtpServer {
            host: self.host.trim().to_string(),
            port: self.port.parse().unwrap_or(0),
            security: self.security,
            login: self.login,
            user: self.user.trim().to_string(),
            charset: if self.jis {
                Charset::Iso2022Jp
            } else {
                Charset::Utf8
            },
            own_password: self.uses_own_password(),
            signature: self.signature.text().trim_end().to_string(),
            ..base
        })
    }

    /// True when the outgoing server logs in with a password of its own (POP before
    /// SMTP logs in with the incoming one).
    pub(super) fn uses_own_password(&self) -> bool {
        self.own_password && !matches!(self.login, SmtpLogin::None | SmtpLogin::PopBeforeSmtp)
    }

    /// The password typed for the outgoing server, to store.
    pub(super) fn typed_password(&self) -> Option<String> {
        (self.on && self.uses_own_password() && !self.password.is_empty())
            .then(|| self.password.clone())
    }

    /// A field of the section was changed.
    pub(super) fn change(&mut self, message: Message) {
        match message {
            Message::Sending(on) => self.on = on,
            Message::SmtpHost(v) => self.host = v,
            Message::SmtpPort(v) => self.port = super::digits(&v),
            Message::SmtpSecurity(s) => {
                if self.port == SmtpServer::default_port(self.security).to_string() {
                    self.port = SmtpServer::default_port(s).to_string();
                }
                if s != Security::Plain {
                    self.plain_confirmed = false;
                }
                self.security = s;
            }
            Message::ConfirmSmtpPlain(yes) => self.plain_confirmed = yes,
            Message::SmtpLogin(l) => self.login = l,
            Message::SmtpUser(v) => self.user = v,
            Message::SmtpJis(on) => self.jis = on,
            Message::SmtpOwnPassword(on) => self.own_password = on,
            Message::SmtpPassword(v) => self.password = v,
            Message::Signature(action) => self.signature.perform(action),
            _ => {}
        }
    }

    /// What "Find settings" found for sending, unless the user set it up already.
    pub(super) fn found(&mut self, smtp: &SmtpServer) {
        if self.on && !self.host.trim().is_empty() {
            return;
        }
        self.on = true;
        self.host = smtp.host.clone();
        self.port = smtp.port.to_string();
        self.security = smtp.security;
    }
}

fn smtp_login_label(login: SmtpLogin) -> String {
    match login {
        SmtpLogin::Automatic => t!("login-automatic"),
        SmtpLogin::Plain => "PLAIN".into(),
        SmtpLogin::Login => "LOGIN".into(),
        SmtpLogin::CramMd5 => "CRAM-MD5".into(),
        SmtpLogin::OAuth2 => "OAuth2".into(),
        SmtpLogin::None => t!("smtp-login-none"),
        SmtpLogin::PopBeforeSmtp => t!("smtp-login-pop-before-smtp"),
    }
}

impl AddAccount {
    /// The outgoing server: a switch, and the server's fields when it is on.
    pub(super) fn sending_fields<'a>(
        &'a self,
        column: Column<'a, Message>,
        problems: &BTreeMap<Field, Problem>,
    ) -> Column<'a, Message> {
        let s = &self.sending;
        let mut column = column.push(toggle(
            s.on,
            t!("sending"),
            Message::Sending,
            t!("sending-explained"),
        ));
        if !s.on {
            return column;
        }
        let securities: Vec<Choice<Security>> = Security::ALL
            .map(|s| Choice::new(s, security_label))
            .to_vec();
        let logins: Vec<Choice<SmtpLogin>> = SmtpLogin::ALL
            .map(|l| Choice::new(l, smtp_login_label))
            .to_vec();
        column = column
            .push(field(
                t!("field-smtp-server"),
                input("smtp.example.com", &s.host, Message::SmtpHost, "smtp-host").into(),
                problem(problems, Field::SmtpHost),
            ))
            .push(field(
                t!("field-security"),
                pick_list(
                    securities,
                    Some(Choice::new(s.security, security_label)),
                    |c: Choice<Security>| Message::SmtpSecurity(c.value),
                )
                .into(),
                None,
            ));
        if s.security == Security::Plain {
            column = column.push(
                column![
                    text(t!("plain-warning")).size(12).style(text::danger),
                    checkbox(s.plain_confirmed)
                        .label(t!("plain-confirm"))
                        .on_toggle(Message::ConfirmSmtpPlain)
                        .size(16)
                        .text_size(13),
                ]
                .push(problem(problems, Field::SmtpSecurity))
                .spacing(4),
            );
        }
        column
            .push(field(
                t!("field-smtp-port"),
                input("587", &s.port, Message::SmtpPort, "smtp-port")
                    .width(100)
                    .into(),
                problem(problems, Field::SmtpPort),
            ))
            .push(field(
                t!("field-login"),
                pick_list(
                    logins,
                    Some(Choice::new(s.login, smtp_login_label)),
                    |c: Choice<SmtpLogin>| Message::SmtpLogin(c.value),
                )
                .into(),
                Some(
                    text(match s.login {
                        SmtpLogin::PopBeforeSmtp => t!("smtp-login-pop-before-smtp-explained"),
                        _ if s.uses_own_password() => t!("smtp-own-password-explained"),
                        _ => t!("smtp-password-explained"),
                    })
                    .size(12)
                    .into(),
                ),
            ))
            .push(field(
                t!("field-smtp-user"),
                input(
                    &t!("placeholder-as-incoming"),
                    &s.user,
                    Message::SmtpUser,
                    "smtp-user",
                )
                .into(),
                problem(problems, Field::SmtpUser),
            ))
            .push(self.own_password_fields(problems))
            .push(self.message_fields())
    }

    /// How the messages written from the account are made: their charset, their
    /// signature.
    fn message_fields(&self) -> Column<'_, Message> {
        let s = &self.sending;
        column![
            toggle(
                s.jis,
                t!("smtp-jis"),
                Message::SmtpJis,
                t!("smtp-jis-explained"),
            ),
            field(
                t!("field-signature"),
                text_editor(&s.signature)
                    .id("signature")
                    .on_action(Message::Signature)
                    .height(80)
                    .into(),
                Some(text(t!("signature-explained")).size(12).into()),
            )
        ]
        .spacing(10)
    }
}

impl AddAccount {
    /// "Use a separate password for sending", and the password when it is on.
    fn own_password_fields(
        &self,
        problems: &BTreeMap<Field, Problem>,
    ) -> Option<Column<'static, Message>> {
        let s = &self.sending;
        let mut fields = Column::new().spacing(10);
        if matches!(s.login, SmtpLogin::None | SmtpLogin::PopBeforeSmtp) {
            return None;
        }
        fields = fields.push(
            checkbox(s.own_password)
                .label(t!("smtp-own-password"))
                .on_toggle(Message::SmtpOwnPassword)
                .size(16)
                .text_size(13),
        );
        if !s.own_password {
            return Some(fields);
        }
        let stored = s.kept.as_ref().is_some_and(|k| k.own_password);
        let placeholder = if stored {
            t!("placeholder-password-kept")
        } else {
            String::new()
        };
        Some(
            fields.push(field(
                t!("field-smtp-password"),
                input(
                    &placeholder,
                    &s.password,
                    Message::SmtpPassword,
                    "smtp-password",
                )
                .secure(true)
                .into(),
                problem(problems, Field::SmtpPassword),
            )),
        )
    }
}
