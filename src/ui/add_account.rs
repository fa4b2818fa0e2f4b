//! The "Add account" dialog: owns its form, validates it, saves the account and its
//! password off the UI thread, and tells its parent when it is done.

use iced::widget::{button, column, pick_list, row, text, text_input};
use iced::{Element, Fill, Task};

use crate::accounts::{Account, Keep, Security, Settings};
use crate::paths::Paths;
use crate::secrets;
use crate::store::Store;

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
        f.write_str(match self {
            KeepChoice::Delete => "Delete from server after download",
            KeepChoice::Forever => "Keep on server",
            KeepChoice::Days => "Keep on server for some days",
        })
    }
}

#[derive(Debug, Clone)]
pub struct AddAccount {
    name: String,
    email: String,
    host: String,
    port: String,
    security: Security,
    user: String,
    password: String,
    keep: KeepChoice,
    days: String,
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
}

impl Default for AddAccount {
    fn default() -> Self {
        Self {
            name: String::new(),
            email: String::new(),
            host: String::new(),
            port: Security::Tls.default_port().to_string(),
            security: Security::Tls,
            user: String::new(),
            password: String::new(),
            keep: KeepChoice::Days,
            days: "14".into(),
            error: None,
            saving: false,
            editing: None,
            testing: false,
            tested: None,
            detecting: false,
            detected: None,
            offered_certificate: None,
            pinned: None,
        }
    }
}

impl AddAccount {
    /// The dialog filled in with an account's settings, to change them. The password field
    /// starts empty: left empty, the stored password stays.
    pub fn edit(account: &Account) -> AddAccount {
        let s = &account.settings;
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
            user: s.user.clone(),
            keep,
            days,
            editing: Some(account.clone()),
            pinned: s.pinned_cert.clone(),
            ..AddAccount::default()
        }
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
    User(String),
    Password(String),
    Keep(KeepChoice),
    Days(String),
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
}

/// What the parent must do.
#[derive(Debug, Clone)]
pub enum Event {
    Cancelled,
    Added(Box<Saved>),
    /// An existing account was changed.
    Changed(Box<Saved>),
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
            Message::Port(v) => self.port = v.chars().filter(char::is_ascii_digit).collect(),
            Message::Security(s) => {
                if self.port == self.security.default_port().to_string() {
                    self.port = s.default_port().to_string();
                }
                self.security = s;
            }
            Message::User(v) => self.user = v,
            Message::Password(v) => self.password = v,
            Message::Keep(k) => self.keep = k,
            Message::Days(v) => self.days = v.chars().filter(char::is_ascii_digit).collect(),
            Message::Cancel => return (Task::none(), Some(Event::Cancelled)),
            Message::Save => match self.settings() {
                Ok(settings) => {
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
                Err(e) => self.error = Some(e),
            },
            Message::Test => match self.settings() {
                Ok(settings) => {
                    self.error = None;
                    self.testing = true;
                    self.tested = None;
                    let typed = self.password.clone();
                    let stored_under = self.editing.as_ref().map(|a| a.settings.name.clone());
                    return (
                        Task::perform(test(settings, typed, stored_under), Message::Tested),
                        None,
                    );
                }
                Err(e) => self.error = Some(e),
            },
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
                self.tested = Some(Ok(
                    "This certificate is trusted for this account. Test again to log in.".into(),
                ));
            }
            Message::Detect => {
                if crate::detect::domain_of(&self.email).is_none() {
                    self.error = Some("enter your email address first".into());
                    return (Task::none(), None);
                }
                self.error = None;
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
                        let mut note = format!(
                            "Found {}:{} ({}).",
                            found.host, found.port, found.security
                        );
                        if let Some(hint) = found.note {
                            note.push(' ');
                            note.push_str(&hint);
                        }
                        note
                    }
                    None => "No POP3 server was found for this address; enter the one from your provider's letter.".into(),
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

    /// The form as settings, or the first thing to fix.
    fn settings(&self) -> Result<Settings, String> {
        let port = self
            .port
            .parse::<u16>()
            .map_err(|_| "the port must be a number between 1 and 65535".to_string())?;
        let keep = match self.keep {
            KeepChoice::Delete => Keep::Delete,
            KeepChoice::Forever => Keep::Forever,
            KeepChoice::Days => match self.days.parse::<u32>() {
                Ok(n) if n > 0 => Keep::Days(n),
                _ => return Err("the number of days must be at least 1".into()),
            },
        };
        let name = if self.name.trim().is_empty() {
            self.email.trim().to_string()
        } else {
            self.name.trim().to_string()
        };
        // Editing keeps what the dialog does not show (login method, schedule, ...).
        let base = self
            .editing
            .as_ref()
            .map(|a| a.settings.clone())
            .unwrap_or_default();
        let settings = Settings {
            name,
            email: self.email.trim().to_string(),
            host: self.host.trim().to_string(),
            port,
            security: self.security,
            user: self.user.trim().to_string(),
            keep,
            pinned_cert: self.pinned.clone(),
            ..base
        };
        settings.validate()?;
        if self.password.is_empty() && self.editing.is_none() {
            return Err("enter the password for this account".into());
        }
        Ok(settings)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let field =
            |label: &'static str, input: Element<'static, Message>| -> Element<'static, Message> {
                row![text(label).width(150), input]
                    .spacing(10)
                    .align_y(iced::Center)
                    .into()
            };
        let input =
            |placeholder: &str, value: &str, on: fn(String) -> Message, id: &'static str| {
                text_input(placeholder, value)
                    .on_input(on)
                    .on_submit(Message::Save)
                    .id(id)
                    .padding(6)
            };

        let mut form = column![
            text(if self.editing.is_some() {
                "Edit account"
            } else {
                "Add account"
            })
            .size(22),
            field(
                "Email address",
                row![
                    input("you@example.com", &self.email, Message::Email, "email"),
                    button(if self.detecting {
                        "Searching…"
                    } else {
                        "Find settings"
                    })
                    .on_press_maybe((!self.detecting).then_some(Message::Detect))
                    .style(button::secondary),
                ]
                .spacing(8)
                .into()
            ),
            field(
                "Account name",
                input("(the email address)", &self.name, Message::Name, "name").into()
            ),
            field(
                "Server",
                input("pop.example.com", &self.host, Message::Host, "host").into()
            ),
            field(
                "Security",
                pick_list(&Security::ALL[..], Some(self.security), Message::Security).into()
            ),
            field(
                "Port",
                input("995", &self.port, Message::Port, "port")
                    .width(100)
                    .into()
            ),
            field(
                "User name",
                input("(the email address)", &self.user, Message::User, "user").into()
            ),
            field(
                "Password",
                input("", &self.password, Message::Password, "password")
                    .secure(true)
                    .into()
            ),
            field(
                "Server copies",
                pick_list(&KeepChoice::ALL[..], Some(self.keep), Message::Keep).into()
            ),
        ]
        .spacing(10);

        if self.keep == KeepChoice::Days {
            form = form.push(field(
                "Days to keep",
                input("14", &self.days, Message::Days, "days")
                    .width(100)
                    .into(),
            ));
        }
        form = form.push(text(self.keep_explanation()).size(13));
        if let Some(note) = &self.detected {
            form = form.push(text(note.clone()).size(13).style(text::success));
        }
        if self.security == Security::Plain {
            form = form.push(
                text("Warning: without encryption, your password and your mail cross the network readable by anyone on the way.")
                    .size(13)
                    .style(text::danger),
            );
        }
        if let Some(error) = &self.error {
            form = form.push(text(error.clone()).style(text::danger));
        }
        match &self.tested {
            Some(Ok(found)) => form = form.push(text(found.clone()).size(13).style(text::success)),
            Some(Err(e)) => {
                form = form.push(text(e.clone()).size(13).style(text::danger));
                if self.offered_certificate.is_some() {
                    form = form.push(
                        button("Trust this certificate for this account")
                            .on_press(Message::TrustCertificate)
                            .style(button::danger),
                    );
                }
            }
            None if self.testing => form = form.push(text("Connecting…").size(13)),
            None => {}
        }
        let label = match (self.saving, self.editing.is_some()) {
            (true, _) => "Saving…",
            (false, true) => "Save",
            (false, false) => "Add",
        };
        let save = button(label)
            .on_press_maybe((!self.saving).then_some(Message::Save))
            .style(button::primary);
        form = form.push(
            row![
                button("Test connection")
                    .on_press_maybe((!self.testing).then_some(Message::Test))
                    .style(button::secondary),
                iced::widget::space().width(Fill),
                button("Cancel")
                    .on_press(Message::Cancel)
                    .style(button::secondary),
                save
            ]
            .spacing(10),
        );

        super::dialog_box(form, 560.0)
    }

    fn keep_explanation(&self) -> String {
        match self.keep {
            KeepChoice::Delete => {
                "Each message is removed from the server once it is safely stored on this computer."
                    .into()
            }
            KeepChoice::Forever => {
                "The server keeps a copy of every message; Poplar downloads each one once.".into()
            }
            KeepChoice::Days => format!(
                "The server keeps each message for {} days after Poplar downloads it, then Poplar deletes it there.",
                if self.days.is_empty() {
                    "N"
                } else {
                    &self.days
                }
            ),
        }
    }
}

/// Adds the account (`id` None) or changes it, and stores a typed password.
async fn save(
    paths: Paths,
    id: Option<i64>,
    settings: Settings,
    password: String,
) -> Result<Saved, String> {
    crate::ui::blocking(move || {
        paths.ensure().map_err(|e| e.to_string())?;
        let store = Store::open(&paths.database()).map_err(|e| e.to_string())?;
        let taken = store
            .account(&settings.name)
            .ok()
            .filter(|a| Some(a.id) != id);
        if taken.is_some() {
            return Err(format!(
                "an account named \"{}\" already exists",
                settings.name
            ));
        }
        let old_name = match id {
            Some(id) => store
                .accounts()
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|a| a.id == id)
                .map(|a| a.settings.name),
            None => None,
        };
        // The keyring entry is named after the account: follow a rename.
        let password = match (&old_name, password.is_empty()) {
            (Some(old), true) if *old != settings.name => secrets::get_password(old).ok(),
            (_, true) => None,
            (_, false) => Some(password),
        };
        let unsaved_password = match password {
            Some(p) => match secrets::set_password(&settings.name, &p) {
                Ok(()) => None,
                Err(e) => Some((p, e)),
            },
            None => None,
        };
        let account = match id {
            Some(id) => {
                store
                    .update_account(id, &settings)
                    .map_err(|e| e.to_string())?;
                if let Some(old) = old_name.filter(|old| *old != settings.name) {
                    let _ = secrets::delete_password(&old);
                }
                Account { id, settings }
            }
            None => store.add_account(&settings).map_err(|e| e.to_string())?,
        };
        Ok(Saved {
            account,
            unsaved_password,
        })
    })
    .await
}

/// Connects and logs in with the form's settings: what the server offers, in a few lines,
/// or what went wrong.
async fn test(
    settings: Settings,
    typed: String,
    stored_under: Option<String>,
) -> Result<String, (String, Option<String>)> {
    test_inner(settings, typed, stored_under).await
}

async fn test_inner(
    settings: Settings,
    typed: String,
    stored_under: Option<String>,
) -> Result<String, (String, Option<String>)> {
    let plain = |e: String| (e, None);
    let password = if typed.is_empty() {
        let name = stored_under
            .ok_or_else(|| plain("enter the password to test the connection".into()))?;
        crate::ui::blocking(move || secrets::get_password(&name).map_err(|e| e.to_string()))
            .await
            .map_err(plain)?
    } else {
        typed
    };
    let info =
        crate::sync::test_account(&settings, &password, &crate::sync::FetchOptions::default())
            .await
            .map_err(|e| {
                let certificate = match &e {
                    crate::sync::Error::Pop3(crate::pop3::Error::Untrusted {
                        certificate: Some(c),
                        ..
                    }) => Some(c.sha256.clone()),
                    _ => None,
                };
                (e.to_string(), certificate)
            })?;
    let mut lines = vec![format!(
        "Connected and logged in ({}). {} messages on the server.",
        if info.encrypted {
            "encrypted"
        } else {
            "not encrypted"
        },
        info.messages
    )];
    if let Some(c) = &info.capabilities {
        let yes = |b: bool| if b { "yes" } else { "no" };
        lines.push(format!(
            "Login methods: {}. UIDL: {}. TOP: {}. PIPELINING: {}.",
            if c.sasl.is_empty() {
                "USER/PASS".to_string()
            } else {
                c.sasl.join(", ")
            },
            yes(info.uidl),
            yes(c.top),
            yes(c.pipelining)
        ));
        if let Some(expire) = &c.expire {
            lines.push(format!("The server deletes mail after {expire} days."));
        }
    }
    Ok(lines.join("\n"))
}
