//! What the dialog does off the UI thread: save the account, test the connection, find
//! the settings of an address; and what it does with the answers.

use iced::Task;

use super::{AddAccount, Event, Message, Saved, security_label};
use crate::accounts::save::{self, IfKeyringFails, Request};

use crate::paths::Paths;

use crate::store::Store;
use crate::t;
use crate::ui::describe::{Failure, Said};

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
            tokens: self.sign_in.tokens().cloned(),
            outgoing_password: self.sending.typed_password(),
            if_keyring_fails: IfKeyringFails::KeepAccount,
        };
        Task::perform(write_account(paths.clone(), request), |r| {
            Message::Saved(Box::new(r))
        })
    }

    pub(super) fn on_saved(&mut self, result: Result<Saved, Failure>) -> Option<Event> {
        match result {
            Ok(saved) if self.editing.is_some() => Some(Event::Changed(Box::new(saved))),
            Ok(saved) => Some(Event::Added(Box::new(saved))),
            Err(e) => {
                self.saving = false;
                self.error = Some(e.said());
                None
            }
        }
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
                if let Some(smtp) = &found.smtp {
                    self.sending.found(smtp);
                }
                let mut note = t!(
                    "detect-found",
                    host = found.host.clone(),
                    port = found.port,
                    security = security_label(found.security)
                );
                if found.oauth2_only() {
                    self.auth = crate::accounts::AuthMethod::OAuth2;
                    self.sign_in.provider = Some(crate::accounts::oauth::Provider::Microsoft);
                }
                if let Some(hint) = found.note() {
                    note.push(' ');
                    note.push_str(hint);
                }
                note
            }
            // A provider known to offer no POP (iCloud) says so instead.
            None => crate::detect::domain_of(&self.email)
                .and_then(|domain| crate::detect::provider_auth(&domain))
                .filter(|p| !p.offers_pop)
                .and_then(|p| p.note().map(str::to_string))
                .unwrap_or_else(|| t!("detect-none")),
        });
    }
}

/// Adds the account or changes it, and stores a typed password, through the one place
/// that writes accounts.
async fn write_account(paths: Paths, request: Request) -> Result<Saved, Failure> {
    crate::ui::blocking(move || -> Result<_, Failure> {
        paths.ensure()?;
        let store = Store::open(&paths.database())?;
        Ok(save::save(&store, request)?)
    })
    .await
}
