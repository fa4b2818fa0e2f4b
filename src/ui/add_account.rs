//! The account dialog (add and edit): owns its form, checks each field as it is typed,
//! saves the account and its password off the UI thread, and tells its parent when it is
//! done. Nothing is saved until every field is right; Cancel changes nothing.

use std::collections::BTreeMap;

use iced::widget::{
    Column, button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Fill, Length, Task};

use crate::accounts::{Account, AuthMethod, Keep, Security, Settings};
use crate::paths::Paths;
use crate::secrets;
use crate::store::Store;
use crate::t;
use crate::ui::describe::Said;

/// The three ways to treat the server's copy, as the dialog offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepChoice {
    Delete,
    Forever,
    Days,
}

impl KeepChoice {
    const ALL: [KeepChoice; 3] = [KeepChoice::Days, KeepChoice::Forever, KeepChoice::Delete];
}

impl std::fmt::Display for KeepChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            KeepChoice::Delete => t!("keep-delete"),
            KeepChoice::Forever => t!("keep-forever"),
            KeepChoice::Days => t!("keep-days"),
        })
    }
}

/// A security choice in the interface's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityChoice(pub Security);

impl std::fmt::Display for SecurityChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.0 {
            Security::Tls => "SSL/TLS".to_string(),
            Security::StartTls => "STARTTLS".to_string(),
            Security::Plain => t!("security-none"),
        })
    }
}

/// A login method in the interface's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginChoice(pub AuthMethod);

impl std::fmt::Display for LoginChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            AuthMethod::Automatic => f.write_str(&t!("login-automatic")),
            other => write!(f, "{other}"),
        }
    }
}

/// The fields that can be wrong, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Email,
    Name,
    Host,
    Port,
    Security,
    User,
    Password,
    Days,
    SizeLimit,
    Minutes,
}

#[derive(Debug, Clone)]
pub struct AddAccount {
    name: String,
    email: String,
    host: String,
    port: String,
    security: Security,
    /// "No encryption" needs a second, explicit yes.
    plain_confirmed: bool,
    auth: AuthMethod,
    user: String,
    password: String,
    keep: KeepChoice,
    days: String,
    delete_on_server: bool,
    limit_size: bool,
    /// In KB.
    size_limit: String,
    check_on_startup: bool,
    check_every: bool,
    minutes: String,
    include_in_get_all: bool,
    /// Field problems are shown once the user has tried to save or test.
    show_problems: bool,
    /// A failure that belongs to no field (the database, a taken name).
    error: Option<String>,
    saving: bool,
    /// The account being changed; None while adding one.
    editing: Option<Account>,
    testing: bool,
    /// What "Test connection" found, or why it failed.
    tested: Option<Result<String, String>>,
    detecting: bool,
    /// What "Find settings" found or a hint from the provider table.
    detected: Option<String>,
    /// A certificate the last test could not verify (its fingerprint), offered to trust.
    offered_certificate: Option<String>,
    /// The certificate the user chose to trust for this account.
    pinned: Option<String>,
    /// How long "Test connection" waits for each answer.
    timeout: std::time::Duration,
}

impl Default for AddAccount {
    fn default() -> Self {
        AddAccount::from_settings(&Settings::default(), None)
    }
}

impl AddAccount {
    fn from_settings(s: &Settings, editing: Option<Account>) -> AddAccount {
        let (keep, days) = match s.keep {
            Keep::Delete => (KeepChoice::Delete, "14".to_string()),
            Keep::Forever => (KeepChoice::Forever, "14".to_string()),
            Keep::Days(n) => (KeepChoice::Days, n.to_string()),
        };
        AddAccount {
            name: s.name.clone(),
            email: s.email.clone(),
            host: s.host.clone(),
            port: s.port.to_string(),
            security: s.security,
            // An account already set up without encryption was confirmed when it was made.
            plain_confirmed: editing.is_some() && s.security == Security::Plain,
            auth: s.auth,
            user: s.user.clone(),
            password: String::new(),
            keep,
            days,
            delete_on_server: s.delete_on_server_when_deleted,
            limit_size: s.size_limit.is_some(),
            size_limit: s
                .size_limit
                .map(|b| b.div_ceil(1024).to_string())
                .unwrap_or_else(|| "1024".into()),
            check_on_startup: s.check_on_startup,
            check_every: s.check_every_minutes.is_some(),
            minutes: s.check_every_minutes.unwrap_or(10).to_string(),
            include_in_get_all: s.include_in_get_all,
            show_problems: false,
            error: None,
            saving: false,
            testing: false,
            tested: None,
            detecting: false,
            detected: None,
            offered_certificate: None,
            pinned: s.pinned_cert.clone(),
            editing,
            timeout: crate::sync::FetchOptions::default().timeout,
        }
    }

    /// The same dialog with another wait for each answer of "Test connection" (tests).
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> AddAccount {
        self.timeout = timeout;
        self
    }

    /// The dialog filled in with an account's settings, to change them. The password field
    /// starts empty: left empty, the stored password stays.
    pub fn edit(account: &Account) -> AddAccount {
        AddAccount::from_settings(&account.settings, Some(account.clone()))
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A field was edited.
    Name(String),
    Email(String),
    Host(String),
    Port(String),
    Security(Security),
    /// "I understand: use no encryption".
    ConfirmPlain(bool),
    Login(AuthMethod),
    User(String),
    Password(String),
    Keep(KeepChoice),
    Days(String),
    DeleteOnServer(bool),
    LimitSize(bool),
    SizeLimit(String),
    CheckOnStartup(bool),
    CheckEvery(bool),
    Minutes(String),
    IncludeInGetAll(bool),
    /// "Add" (or "Save") was pressed.
    Save,
    /// "Test connection": log in with what is in the form, change nothing.
    Test,
    Tested(Result<String, (String, Option<String>)>),
    /// "Trust this certificate for this account".
    TrustCertificate,
    /// "Find settings": from the provider table, or by probing the address's domain.
    Detect,
    Detected(Option<crate::detect::Found>),
    /// "Cancel" was pressed.
    Cancel,
    /// The account was written (and whether the keyring took the password).
    Saved(Result<Saved, String>),
}

#[derive(Debug, Clone)]
pub struct Saved {
    pub account: Account,
    /// Set when the keyring could not store the password: keep it in memory instead.
    pub unsaved_password: Option<(String, secrets::Error)>,
    /// A new password went into the keyring: one the worker remembers is stale.
    pub password_stored: bool,
}

/// What the parent must do.
#[derive(Debug, Clone)]
pub enum Event {
    Cancelled,
    Added(Box<Saved>),
    /// An existing account was changed.
    Changed(Box<Saved>),
}

fn digits(v: String) -> String {
    v.chars().filter(char::is_ascii_digit).take(9).collect()
}

impl AddAccount {
    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Name(v) => self.name = v,
            Message::Email(v) => {
                // Until the user types their own, the user name follows the address.
                if self.user.is_empty() || self.user == self.email {
                    self.user = v.clone();
                }
                self.email = v;
            }
            Message::Host(v) => self.host = v,
            Message::Port(v) => self.port = digits(v),
            Message::Security(s) => {
                if self.port == self.security.default_port().to_string() {
                    self.port = s.default_port().to_string();
                }
                if s != Security::Plain {
                    self.plain_confirmed = false;
                }
                self.security = s;
            }
            Message::ConfirmPlain(yes) => self.plain_confirmed = yes,
            Message::Login(method) => self.auth = method,
            Message::User(v) => self.user = v,
            Message::Password(v) => self.password = v,
            Message::Keep(k) => self.keep = k,
            Message::Days(v) => self.days = digits(v),
            Message::DeleteOnServer(v) => self.delete_on_server = v,
            Message::LimitSize(v) => self.limit_size = v,
            Message::SizeLimit(v) => self.size_limit = digits(v),
            Message::CheckOnStartup(v) => self.check_on_startup = v,
            Message::CheckEvery(v) => self.check_every = v,
            Message::Minutes(v) => self.minutes = digits(v),
            Message::IncludeInGetAll(v) => self.include_in_get_all = v,
            Message::Cancel => return (Task::none(), Some(Event::Cancelled)),
            Message::Save => {
                self.show_problems = true;
                let Some(settings) = self.settings() else {
                    return (Task::none(), None);
                };
                self.error = None;
                self.saving = true;
                let id = self.editing.as_ref().map(|a| a.id);
                return (
                    Task::perform(
                        save(paths.clone(), id, settings, self.password.clone()),
                        Message::Saved,
                    ),
                    None,
                );
            }
            Message::Test => {
                self.show_problems = true;
                let Some(settings) = self.settings() else {
                    return (Task::none(), None);
                };
                self.error = None;
                self.testing = true;
                self.tested = None;
                let typed = self.password.clone();
                let stored_under = self.editing.clone().map(|a| (paths.clone(), a));
                let options = crate::sync::FetchOptions {
                    timeout: self.timeout,
                    ..crate::sync::FetchOptions::default()
                };
                return (
                    Task::perform(
                        test(settings, typed, stored_under, options),
                        Message::Tested,
                    ),
                    None,
                );
            }
            Message::Tested(result) => {
                self.testing = false;
                self.offered_certificate = None;
                self.tested = Some(result.map_err(|(message, certificate)| {
                    self.offered_certificate = certificate;
                    message
                }));
            }
            Message::TrustCertificate => {
                self.pinned = self.offered_certificate.take();
                self.tested = Some(Ok(t!("test-certificate-trusted")));
            }
            Message::Detect => {
                if crate::detect::domain_of(&self.email).is_none() {
                    self.show_problems = true;
                    return (Task::none(), None);
                }
                self.detecting = true;
                self.detected = None;
                let email = self.email.clone();
                return (
                    Task::perform(
                        async move {
                            crate::detect::detect(&email, &crate::detect::Probe::default()).await
                        },
                        Message::Detected,
                    ),
                    None,
                );
            }
            Message::Detected(found) => {
                self.detecting = false;
                self.detected = Some(match found {
                    Some(found) => {
                        self.host = found.host.clone();
                        self.port = found.port.to_string();
                        self.security = found.security;
                        let mut note = t!(
                            "detect-found",
                            host = found.host.clone(),
                            port = found.port,
                            security = SecurityChoice(found.security).to_string()
                        );
                        if let Some(hint) = found.note() {
                            note.push(' ');
                            note.push_str(hint);
                        }
                        note
                    }
                    None => t!("detect-none"),
                });
            }
            Message::Saved(Ok(saved)) => {
                let event = if self.editing.is_some() {
                    Event::Changed(Box::new(saved))
                } else {
                    Event::Added(Box::new(saved))
                };
                return (Task::none(), Some(event));
            }
            Message::Saved(Err(e)) => {
                self.saving = false;
                self.error = Some(e);
            }
        }
        (Task::none(), None)
    }

    /// What the last "Test connection" found (Ok) or why it failed (Err); None before one
    /// finished.
    pub fn tested(&self) -> Option<Result<String, String>> {
        self.tested.clone()
    }

    /// What is wrong with the form, field by field, in the interface's language.
    pub fn problems(&self) -> BTreeMap<Field, String> {
        let mut problems = BTreeMap::new();
        let email = self.email.trim();
        // Accounts set up from the command line may have no address; new ones need one.
        if email.is_empty() && self.editing.is_none() {
            problems.insert(Field::Email, t!("invalid-email-missing"));
        } else if !email.is_empty() && !looks_like_address(email) {
            problems.insert(Field::Email, t!("invalid-email"));
        }
        // An empty name stands for the address; with no address either, there is none.
        if self.name.trim().is_empty() && email.is_empty() {
            problems.insert(Field::Name, t!("invalid-name-missing"));
        }
        let host = self.host.trim();
        if host.is_empty() {
            problems.insert(Field::Host, t!("invalid-host-missing"));
        } else if host
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '@')
        {
            problems.insert(Field::Host, t!("invalid-host"));
        }
        if !matches!(self.port.parse::<u16>(), Ok(p) if p > 0) {
            problems.insert(Field::Port, t!("invalid-port"));
        }
        if self.security == Security::Plain && !self.plain_confirmed {
            problems.insert(Field::Security, t!("invalid-plain-unconfirmed"));
        }
        if self.user.trim().is_empty() && email.is_empty() {
            problems.insert(Field::User, t!("invalid-user"));
        }
        if self.password.is_empty() && self.editing.is_none() {
            problems.insert(Field::Password, t!("invalid-password"));
        }
        if self.keep == KeepChoice::Days
            && !self
                .days
                .parse::<u32>()
                .is_ok_and(|d| crate::accounts::KEEP_DAYS.contains(&d))
        {
            problems.insert(Field::Days, t!("invalid-days"));
        }
        if self.limit_size
            && !self
                .size_limit
                .parse::<u64>()
                .is_ok_and(|k| crate::accounts::SIZE_LIMIT_KIB.contains(&k))
        {
            problems.insert(Field::SizeLimit, t!("invalid-size-limit"));
        }
        if self.check_every
            && !self
                .minutes
                .parse::<u32>()
                .is_ok_and(|m| crate::accounts::CHECK_MINUTES.contains(&m))
        {
            problems.insert(Field::Minutes, t!("invalid-minutes"));
        }
        problems
    }

    /// The form as settings, when every field is right.
    fn settings(&self) -> Option<Settings> {
        if !self.problems().is_empty() {
            return None;
        }
        let keep = match self.keep {
            KeepChoice::Delete => Keep::Delete,
            KeepChoice::Forever => Keep::Forever,
            KeepChoice::Days => Keep::Days(self.days.parse().ok()?),
        };
        let email = self.email.trim().to_string();
        let name = match self.name.trim() {
            "" => email.clone(),
            name => name.to_string(),
        };
        let user = match self.user.trim() {
            "" => email.clone(),
            user => user.to_string(),
        };
        // Editing keeps what the dialog does not show (a CA file set from the command line).
        let base = self
            .editing
            .as_ref()
            .map(|a| a.settings.clone())
            .unwrap_or_default();
        let settings = Settings {
            name,
            email,
            host: self.host.trim().to_string(),
            port: self.port.parse().ok()?,
            security: self.security,
            user,
            keep,
            auth: self.auth,
            size_limit: if self.limit_size {
                Some(self.size_limit.parse::<u64>().ok()? * 1024)
            } else {
                None
            },
            check_on_startup: self.check_on_startup,
            check_every_minutes: if self.check_every {
                self.minutes.parse().ok()
            } else {
                None
            },
            delete_on_server_when_deleted: self.delete_on_server,
            include_in_get_all: self.include_in_get_all,
            pinned_cert: self.pinned.clone(),
            ..base
        };
        settings.validate().ok()?;
        Some(settings)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let problems = if self.show_problems {
            self.problems()
        } else {
            BTreeMap::new()
        };
        let problem = |field: Field| -> Option<Element<'_, Message>> {
            problems
                .get(&field)
                .map(|p| text(p.clone()).size(12).style(text::danger).into())
        };
        // A label, its control, and below them what is wrong with it or what it does.
        let field = |label: String,
                     control: Element<'static, Message>,
                     below: Option<Element<'static, Message>>|
         -> Element<'static, Message> {
            let line = row![text(label).width(150), control]
                .spacing(10)
                .align_y(iced::Center);
            match below {
                Some(below) => column![line, row![iced::widget::space().width(160), below]]
                    .spacing(2)
                    .into(),
                None => line.into(),
            }
        };
        let input =
            |placeholder: String, value: &str, on: fn(String) -> Message, id: &'static str| {
                text_input(&placeholder, value)
                    .on_input(on)
                    .on_submit(Message::Save)
                    .id(id)
                    .padding(6)
            };
        let explain = |s: String| -> Element<'static, Message> { text(s).size(12).into() };

        let title = text(if self.editing.is_some() {
            t!("account-dialog-edit")
        } else {
            t!("account-dialog-add")
        })
        .size(22);

        let securities: Vec<SecurityChoice> = Security::ALL.map(SecurityChoice).to_vec();
        let logins: Vec<LoginChoice> = AuthMethod::ALL.map(LoginChoice).to_vec();
        let mut server = Column::new().spacing(10).push(field(
            t!("field-email"),
            row![
                input(
                    "you@example.com".into(),
                    &self.email,
                    Message::Email,
                    "email"
                ),
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
            problem(Field::Email),
        ));
        if let Some(note) = &self.detected {
            server = server.push(text(note.clone()).size(12).style(text::success));
        }
        server = server
            .push(field(
                t!("field-name"),
                input(
                    t!("placeholder-as-email"),
                    &self.name,
                    Message::Name,
                    "name",
                )
                .into(),
                problem(Field::Name),
            ))
            .push(field(
                t!("field-server"),
                input("pop.example.com".into(), &self.host, Message::Host, "host").into(),
                problem(Field::Host),
            ))
            .push(field(
                t!("field-security"),
                pick_list(
                    securities,
                    Some(SecurityChoice(self.security)),
                    |c: SecurityChoice| Message::Security(c.0),
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
                .push(problem(Field::Security))
                .spacing(4),
            );
        }
        server = server
            .push(field(
                t!("field-port"),
                input("995".into(), &self.port, Message::Port, "port")
                    .width(100)
                    .into(),
                problem(Field::Port),
            ))
            .push(field(
                t!("field-login"),
                pick_list(logins, Some(LoginChoice(self.auth)), |c: LoginChoice| {
                    Message::Login(c.0)
                })
                .into(),
                Some(explain(match self.auth {
                    AuthMethod::Automatic => t!("login-automatic-explained"),
                    _ => t!("login-fixed-explained"),
                })),
            ))
            .push(field(
                t!("field-user"),
                input(
                    t!("placeholder-as-email"),
                    &self.user,
                    Message::User,
                    "user",
                )
                .into(),
                problem(Field::User),
            ))
            .push(field(
                t!("field-password"),
                input(
                    if self.editing.is_some() {
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
                problem(Field::Password),
            ));

        let mut copies = Column::new().spacing(10).push(field(
            t!("field-server-copies"),
            pick_list(&KeepChoice::ALL[..], Some(self.keep), Message::Keep).into(),
            Some(explain(self.keep_explanation())),
        ));
        if self.keep == KeepChoice::Days {
            copies = copies.push(field(
                t!("field-days"),
                input("14".into(), &self.days, Message::Days, "days")
                    .width(100)
                    .into(),
                problem(Field::Days),
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
                    input(
                        "1024".into(),
                        &self.size_limit,
                        Message::SizeLimit,
                        "size-limit"
                    )
                    .width(100),
                    text(t!("unit-kb"))
                ]
                .spacing(6)
                .align_y(iced::Center)
                .into(),
                problem(Field::SizeLimit),
            ));
        }
        copies = copies
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
                input("10".into(), &self.minutes, Message::Minutes, "minutes")
                    .width(100)
                    .into(),
                problem(Field::Minutes),
            ));
        }
        copies = copies.push(toggle(
            self.include_in_get_all,
            t!("include-in-get-all"),
            Message::IncludeInGetAll,
            t!("include-in-get-all-explained"),
        ));

        // Room on the right for the scroll bar, so it never covers the explanations.
        let body = row![
            server.width(Length::FillPortion(1)),
            copies.width(Length::FillPortion(1))
        ]
        .spacing(24)
        .padding(iced::Padding {
            right: 18.0,
            ..iced::Padding::ZERO
        });

        let mut footer = Column::new().spacing(8);
        if self.show_problems && !problems.is_empty() {
            footer = footer.push(text(t!("form-has-problems")).size(13).style(text::danger));
        }
        if let Some(error) = &self.error {
            footer = footer.push(text(error.clone()).style(text::danger));
        }
        match &self.tested {
            Some(Ok(found)) => {
                footer = footer.push(text(found.clone()).size(13).style(text::success))
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
        footer = footer.push(
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
        );

        container(column![title, scrollable(body).height(Length::Fill), footer].spacing(14))
            .padding(20)
            .width(980)
            .height(660)
            .style(container::rounded_box)
            .into()
    }

    fn keep_explanation(&self) -> String {
        match self.keep {
            KeepChoice::Delete => t!("keep-delete-explained"),
            KeepChoice::Forever => t!("keep-forever-explained"),
            KeepChoice::Days => t!(
                "keep-days-explained",
                days = if self.days.is_empty() {
                    "N".to_string()
                } else {
                    self.days.clone()
                }
            ),
        }
    }
}

/// A checkbox with, below it, one line saying what it does.
fn toggle(
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

/// Something@domain, with no spaces; the domain may be a bare host name (an office server).
fn looks_like_address(email: &str) -> bool {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !email.chars().any(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Adds the account (`id` None) or changes it, and stores a typed password.
async fn save(
    paths: Paths,
    id: Option<i64>,
    settings: Settings,
    password: String,
) -> Result<Saved, String> {
    let taken_message = t!("account-name-taken", name = settings.name.clone());
    crate::ui::blocking(move || {
        paths.ensure().map_err(|e| e.said())?;
        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
        let taken = store
            .account(&settings.name)
            .ok()
            .filter(|a| Some(a.id) != id);
        if taken.is_some() {
            return Err(taken_message);
        }
        // Opened before a new account exists, so that it is never taken for one whose
        // password sits under an old name-keyed entry.
        let keyring = secrets::Keyring::open(&store).map_err(|e| e.said())?;
        let account = match id {
            Some(id) => {
                store.update_account(id, &settings).map_err(|e| e.said())?;
                Account { id, settings }
            }
            None => store.add_account(&settings).map_err(|e| e.said())?,
        };
        // The entry is keyed by the account's id, not its name: a rename leaves it alone.
        let typed = !password.is_empty();
        let unsaved_password = if password.is_empty() {
            if id.is_none() {
                // An id can be used again after an account was removed with its mail; a
                // password left behind then (the keyring was away) must not pass on.
                let _ = keyring.delete(&account);
            }
            None
        } else {
            keyring
                .set(&account, &password)
                .err()
                .map(|e| (password, e))
        };
        Ok(Saved {
            account,
            password_stored: typed && unsaved_password.is_none(),
            unsaved_password,
        })
    })
    .await
}

/// Connects and logs in with the form's settings: what the server offers, in a few lines,
/// or what went wrong (and the fingerprint of a certificate that could be trusted).
async fn test(
    settings: Settings,
    typed: String,
    stored_under: Option<(Paths, Account)>,
    options: crate::sync::FetchOptions,
) -> Result<String, (String, Option<String>)> {
    let plain = |e: String| (e, None);
    let password = if typed.is_empty() {
        let (paths, account) = stored_under.ok_or_else(|| plain(t!("invalid-password")))?;
        crate::ui::blocking(move || {
            let store = Store::open(&paths.database()).map_err(|e| e.said())?;
            secrets::Keyring::open(&store)
                .and_then(|keyring| keyring.get(&account))
                .map_err(|e| super::describe::sentence(super::describe::password(&e)))
        })
        .await
        .map_err(plain)?
    } else {
        typed
    };
    let info = crate::sync::test_account(&settings, &password, &options)
        .await
        .map_err(|e| {
            let certificate = match &e {
                crate::sync::Error::Pop3(crate::pop3::Error::Untrusted {
                    certificate: Some(c),
                    ..
                }) => Some(c.sha256.clone()),
                _ => None,
            };
            (
                super::describe::sentence(super::describe::sync(&e)),
                certificate,
            )
        })?;
    Ok(describe_server(&info))
}

/// What Test connection found, a few lines long.
pub fn describe_server(info: &crate::sync::ServerInfo) -> String {
    let mut lines = vec![t!(
        "test-logged-in",
        encryption = if info.encrypted {
            t!("test-encrypted")
        } else {
            t!("test-not-encrypted")
        },
        count = info.messages
    )];
    if let Some(c) = &info.capabilities {
        let yes = |b: bool| if b { t!("yes") } else { t!("no") };
        lines.push(t!(
            "test-capabilities",
            methods = if c.sasl.is_empty() {
                "USER/PASS".to_string()
            } else {
                c.sasl.join(", ")
            },
            uidl = yes(info.uidl),
            top = yes(c.top),
            pipelining = yes(c.pipelining)
        ));
        match c.expire.as_deref() {
            Some("NEVER") => lines.push(t!("test-expire-never")),
            Some(days) => lines.push(t!("test-expire-days", days = days.to_string())),
            None => {}
        }
    } else {
        lines.push(t!("test-no-capa"));
    }
    lines.join("\n")
}
