//! What the dialog does off the UI thread: save the account, test the connection, find
//! the settings of an address; and what it does with the answers.

use iced::Task;

use super::{AddAccount, Event, Message, Saved, security_label};
use crate::accounts::save::{self, IfKeyringFails, Request};
use crate::accounts::{Account, Settings};
use crate::paths::Paths;
use crate::secrets;
use crate::store::Store;
use crate::t;
use crate::ui::describe::Said;

impl AddAccount {
    /// "Add" or "Save": when the form is right, writes the account and its password.
    pub(super) fn save(&mut self, paths: &Paths) -> Task<Message> {
        self.show_problems = true;
        let Some(settings) = self.settings() else {
            return Task::none();
        };
        self.error = None;
        self.saving = true;
        let request = Request {
            id: self.editing.as_ref().map(|a| a.id),
            settings,
            // Left empty while editing, the stored password stays.
            password: (!self.password.is_empty()).then(|| self.password.clone()),
            // The window keeps a password the keyring refuses until it closes, and says so.
            if_keyring_fails: IfKeyringFails::KeepAccount,
        };
        Task::perform(write_account(paths.clone(), request), Message::Saved)
    }

    pub(super) fn on_saved(&mut self, result: Result<Saved, String>) -> Option<Event> {
        match result {
            Ok(saved) if self.editing.is_some() => Some(Event::Changed(Box::new(saved))),
            Ok(saved) => Some(Event::Added(Box::new(saved))),
            Err(e) => {
                self.saving = false;
                self.error = Some(e);
                None
            }
        }
    }

    /// "Test connection": logs in with the form's settings, changes nothing.
    pub(super) fn test(&mut self, paths: &Paths) -> Task<Message> {
        self.show_problems = true;
        let Some(settings) = self.settings() else {
            return Task::none();
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
        Task::perform(
            test(settings, typed, stored_under, options),
            Message::Tested,
        )
    }

    pub(super) fn on_tested(&mut self, result: Result<String, (String, Option<String>)>) {
        self.testing = false;
        self.offered_certificate = None;
        self.tested = Some(result.map_err(|(message, certificate)| {
            self.offered_certificate = certificate;
            message
        }));
    }

    /// "Find settings": from the provider table, or by probing the address's domain.
    pub(super) fn detect(&mut self) -> Task<Message> {
        if crate::detect::domain_of(&self.email).is_none() {
            self.show_problems = true;
            return Task::none();
        }
        self.detecting = true;
        self.detected = None;
        let email = self.email.clone();
        Task::perform(
            async move { crate::detect::detect(&email, &crate::detect::Probe::default()).await },
            Message::Detected,
        )
    }

    pub(super) fn on_detected(&mut self, found: Option<crate::detect::Found>) {
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
                    security = security_label(found.security)
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
}

/// Adds the account or changes it, and stores a typed password, through the one place
/// that writes accounts. The failure is said here, on the caller's thread, in its language.
async fn write_account(paths: Paths, request: Request) -> Result<Saved, String> {
    let outcome = crate::ui::blocking(move || -> Result<_, String> {
        paths.ensure().map_err(|e| e.said())?;
        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
        Ok(save::save(&store, request))
    })
    .await?;
    outcome.map_err(|e| match e {
        save::Error::Invalid(problem) => problem.sentence(),
        save::Error::Store(e) => e.said(),
        save::Error::Keyring(e) | save::Error::PasswordRefused(e) => e.said(),
    })
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
                .map_err(|e| crate::ui::describe::sentence(crate::ui::describe::password(&e)))
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
                crate::ui::describe::sentence(crate::ui::describe::sync(&e)),
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
