//! The account dialog (add and edit): owns its form, checks each field as it is typed,
//! saves the account and its password off the UI thread (through
//! [`crate::accounts::save`], as the command line does), and tells its parent when it is
//! done. Nothing is saved until every field is right; Cancel changes nothing.
//!
//! `form.rs` reads and checks the form, `view.rs` draws it, `tasks.rs` holds the work done
//! off the UI thread (save, test, find settings).

use iced::Task;

use crate::accounts::{Account, AuthMethod, Keep, Security, Settings};
use crate::paths::Paths;
use crate::t;

mod form;
mod sending;
mod sign_in;
mod tasks;
mod testing;
mod view;

pub use crate::accounts::Field;
pub use crate::accounts::save::Saved;
pub use testing::{Failed, Tested, describe_server};

/// The three ways to treat the server's copy, as the dialog offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepChoice {
    Delete,
    Forever,
    Days,
}

impl KeepChoice {
    const ALL: [KeepChoice; 3] = [KeepChoice::Days, KeepChoice::Forever, KeepChoice::Delete];

    fn label(self) -> String {
        match self {
            KeepChoice::Delete => t!("keep-delete"),
            KeepChoice::Forever => t!("keep-forever"),
            KeepChoice::Days => t!("keep-days"),
        }
    }
}

/// A security choice in the interface's language.
pub fn security_label(security: Security) -> String {
    match security {
        Security::Tls => "SSL/TLS".to_string(),
        Security::StartTls => "STARTTLS".to_string(),
        Security::Plain => t!("security-none"),
    }
}

/// A login method in the interface's language.
fn login_label(method: AuthMethod) -> String {
    match method {
        AuthMethod::Automatic => t!("login-automatic"),
        AuthMethod::OAuth2 => t!("login-oauth2"),
        other => other.to_string(),
    }
}

/// An entry of a pick list: a value and its label, made in the view (which knows the
/// language), so that showing it reads no global.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice<T> {
    value: T,
    label: String,
}

impl<T: Copy> Choice<T> {
    fn new(value: T, label: impl Fn(T) -> String) -> Choice<T> {
        Choice {
            label: label(value),
            value,
        }
    }
}

impl<T> std::fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

#[derive(Debug)]
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
    /// The outgoing server.
    sending: sending::Sending,
    /// Signing in, for the OAuth2 login.
    sign_in: sign_in::SignIn,
    /// Which half of the dialog is shown.
    page: Page,
}

/// The dialog's two halves: reading mail (the incoming server) and sending it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    Receiving,
    Sending,
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
            sending: sending::Sending::from_settings(s.smtp.as_ref(), editing.is_some()),
            sign_in: sign_in::SignIn::from_settings(s.oauth.as_ref()),
            page: Page::Receiving,
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
    /// One half of the dialog or the other.
    Page(Page),
    /// The outgoing server: on or off, and its fields.
    Sending(bool),
    SmtpHost(String),
    SmtpPort(String),
    SmtpSecurity(Security),
    ConfirmSmtpPlain(bool),
    SmtpLogin(crate::accounts::smtp::SmtpLogin),
    SmtpUser(String),
    SmtpJis(bool),
    SmtpOwnPassword(bool),
    SmtpPassword(String),
    /// An edit of the signature.
    Signature(iced::widget::text_editor::Action),
    /// "Add" (or "Save") was pressed.
    Save,
    /// "Test connection": log in with what is in the form, change nothing.
    Test,
    Tested(Box<Tested>),
    /// "Trust this certificate for this account".
    TrustCertificate,
    /// "Find settings": from the provider table, or by probing the address's domain.
    Detect,
    Detected(Option<crate::detect::Found>),
    /// Who signs the account in (the OAuth2 login), a custom issuer's fields.
    OAuthProvider(crate::accounts::oauth::Provider),
    OAuthIssuer(String),
    OAuthClientId(String),
    /// "Sign in": the browser opens at the issuer's page.
    SignIn,
    /// Cancel while waiting for the browser.
    CancelSignIn,
    SignedIn(Box<Result<crate::oauth::Tokens, String>>),
    /// "Cancel" was pressed.
    Cancel,
    /// The account was written (and whether the keyring took the password).
    Saved(Box<Result<Saved, crate::ui::describe::Failure>>),
}

/// What the parent must do.
#[derive(Debug, Clone)]
pub enum Event {
    Cancelled,
    Added(Box<Saved>),
    /// An existing account was changed.
    Changed(Box<Saved>),
}

fn digits(v: &str) -> String {
    v.chars().filter(char::is_ascii_digit).take(9).collect()
}

impl AddAccount {
    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Cancel => {
                self.cancel_sign_in();
                return (Task::none(), Some(Event::Cancelled));
            }
            Message::Save => return (self.save(paths), None),
            Message::Test => return (self.test(paths), None),
            Message::Tested(tested) => self.on_tested(&tested),
            Message::TrustCertificate => {
                self.pinned = self.offered_certificate.take();
                self.tested = Some(Ok(t!("test-certificate-trusted")));
            }
            Message::Detect => return (self.detect(), None),
            Message::Detected(found) => self.on_detected(found),
            Message::SignIn => return (self.start_sign_in(), None),
            Message::CancelSignIn => self.cancel_sign_in(),
            Message::SignedIn(result) => self.on_signed_in(*result),
            Message::Saved(result) => return (Task::none(), self.on_saved(*result)),
            edit => self.change(edit),
        }
        (Task::none(), None)
    }

    /// A field was changed.
    fn change(&mut self, message: Message) {
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
            Message::Port(v) => self.port = digits(&v),
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
            Message::OAuthProvider(p) => {
                self.sign_in.provider = Some(p);
                self.cancel_sign_in();
            }
            // A sign-in made at another issuer (or for another app) is not this one's.
            Message::OAuthIssuer(v) => {
                self.sign_in.issuer = v;
                self.cancel_sign_in();
            }
            Message::OAuthClientId(v) => {
                self.sign_in.client_id = v;
                self.cancel_sign_in();
            }
            Message::User(v) => self.user = v,
            Message::Password(v) => self.password = v,
            Message::Keep(k) => self.keep = k,
            Message::Days(v) => self.days = digits(&v),
            Message::DeleteOnServer(v) => self.delete_on_server = v,
            Message::LimitSize(v) => self.limit_size = v,
            Message::SizeLimit(v) => self.size_limit = digits(&v),
            Message::CheckOnStartup(v) => self.check_on_startup = v,
            Message::CheckEvery(v) => self.check_every = v,
            Message::Minutes(v) => self.minutes = digits(&v),
            Message::IncludeInGetAll(v) => self.include_in_get_all = v,
            Message::Page(page) => self.page = page,
            sending @ (Message::Sending(_)
            | Message::SmtpHost(_)
            | Message::SmtpPort(_)
            | Message::SmtpSecurity(_)
            | Message::ConfirmSmtpPlain(_)
            | Message::SmtpLogin(_)
            | Message::SmtpUser(_)
            | Message::SmtpJis(_)
            | Message::SmtpOwnPassword(_)
            | Message::SmtpPassword(_)
            | Message::Signature(_)) => self.sending.change(sending),
            _ => {}
        }
    }

    /// What the last "Test connection" found (Ok) or why it failed (Err); None before one
    /// finished.
    pub fn tested(&self) -> Option<Result<String, String>> {
        self.tested.clone()
    }
}

#[cfg(test)]
mod tests;
