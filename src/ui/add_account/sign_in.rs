//! Signing in from the account dialog (OAuth2): who signs the account in (Microsoft,
//! Google, or an issuer of its own), and the sign-in itself: the browser opens, the
//! dialog says it is waiting (Cancel stops it), and the tokens stay in memory until the
//! account is saved, then go to the keyring with it.

use iced::widget::{Column, button, column, pick_list, row, text};
use iced::{Element, Task};

use super::view::{Problems, field, input, problem};
use super::{AddAccount, Choice, Message};
use crate::accounts::Field;
use crate::accounts::oauth::{OAuth, Provider};
use crate::oauth::{Tokens, flow, redirect::Pages};
use crate::t;

/// Where the dialog's sign-in is.
#[derive(Debug, Default)]
pub enum State {
    #[default]
    Idle,
    /// The browser was opened; the handle stops the wait.
    Waiting(iced::task::Handle),
    /// Signed in: the tokens are saved with the account.
    SignedIn(Tokens),
    Failed(String),
}

#[derive(Debug, Default)]
pub struct SignIn {
    pub provider: Option<Provider>,
    pub issuer: String,
    pub client_id: String,
    pub state: State,
}

impl SignIn {
    pub fn from_settings(oauth: Option<&OAuth>) -> SignIn {
        SignIn {
            provider: oauth.map(|o| o.provider),
            issuer: oauth.and_then(|o| o.issuer.clone()).unwrap_or_default(),
            client_id: oauth.and_then(|o| o.client_id.clone()).unwrap_or_default(),
            state: State::Idle,
        }
    }

    /// The settings as typed (Microsoft when none was chosen yet).
    pub fn settings(&self) -> OAuth {
        let provider = self.provider.unwrap_or(Provider::Microsoft);
        let custom = provider == Provider::Custom;
        let typed = |s: &str| (custom && !s.trim().is_empty()).then(|| s.trim().to_string());
        OAuth {
            provider,
            issuer: typed(&self.issuer),
            client_id: typed(&self.client_id),
        }
    }

    pub fn tokens(&self) -> Option<&Tokens> {
        match &self.state {
            State::SignedIn(tokens) => Some(tokens),
            _ => None,
        }
    }
}

fn provider_label(provider: Provider) -> String {
    match provider {
        Provider::Microsoft => t!("sign-in-microsoft"),
        Provider::Google => t!("sign-in-google"),
        Provider::Custom => t!("sign-in-custom"),
    }
}

impl AddAccount {
    /// "Sign in": opens the browser at the issuer's page and waits for it to come back.
    pub(super) fn start_sign_in(&mut self) -> Task<Message> {
        self.show_problems = true;
        let oauth = self.sign_in.settings();
        if oauth.problem().is_some() {
            return Task::none();
        }
        if !flow::configured(oauth.provider) {
            self.sign_in.state = State::Failed(not_configured(oauth.provider));
            return Task::none();
        }
        let hint = Some(self.email.trim().to_string()).filter(|e| !e.is_empty());
        let pages = Pages {
            done: t!("sign-in-page-done"),
            failed: t!("sign-in-page-failed"),
        };
        let (task, handle) = Task::perform(
            async move {
                let client = flow::client(&oauth).await?;
                flow::sign_in(&client, hint.as_deref(), &pages, crate::store::now, |url| {
                    if let Err(e) = flow::open_browser(url) {
                        tracing::warn!("the browser could not be opened: {e}; the address: {url}");
                    }
                })
                .await
            },
            |result| Message::SignedIn(Box::new(result.map_err(|e| e.to_string()))),
        )
        .abortable();
        self.sign_in.state = State::Waiting(handle);
        task
    }

    pub(super) fn on_signed_in(&mut self, result: Result<Tokens, String>) {
        self.sign_in.state = match result {
            Ok(tokens) => State::SignedIn(tokens),
            Err(e) => State::Failed(t!("sign-in-failed", detail = e)),
        };
    }

    pub(super) fn cancel_sign_in(&mut self) {
        if let State::Waiting(handle) = &self.sign_in.state {
            handle.abort();
        }
        self.sign_in.state = State::Idle;
    }

    /// In place of the password: who signs in, a custom issuer's fields, and the sign-in.
    pub(super) fn sign_in_fields(
        &self,
        mut fields: Column<'static, Message>,
        problems: &Problems,
    ) -> Column<'static, Message> {
        let providers: Vec<Choice<Provider>> = Provider::ALL
            .map(|p| Choice::new(p, provider_label))
            .to_vec();
        let chosen = self.sign_in.provider.unwrap_or(Provider::Microsoft);
        fields = fields.push(field(
            t!("field-sign-in"),
            pick_list(
                providers,
                Some(Choice::new(chosen, provider_label)),
                |c: Choice<Provider>| Message::OAuthProvider(c.value),
            )
            .into(),
            None,
        ));
        if chosen == Provider::Custom {
            fields = fields
                .push(field(
                    t!("field-issuer"),
                    input(
                        "https://login.example.com/realms/office",
                        &self.sign_in.issuer,
                        Message::OAuthIssuer,
                        "issuer",
                    )
                    .into(),
                    None,
                ))
                .push(field(
                    t!("field-client-id"),
                    input(
                        "",
                        &self.sign_in.client_id,
                        Message::OAuthClientId,
                        "client-id",
                    )
                    .into(),
                    None,
                ));
        }
        // Waiting or signed in, "sign in first" is being done or done.
        let below = match self.sign_in.state {
            State::Idle | State::Failed(_) => problem(problems, Field::SignIn),
            State::Waiting(_) | State::SignedIn(_) => None,
        };
        fields.push(field(String::new(), self.sign_in_state(), below))
    }

    fn sign_in_state(&self) -> Element<'static, Message> {
        let again = self.editing.is_some();
        let sign_in = button(text(if again {
            t!("sign-in-again-button")
        } else {
            t!("sign-in-button")
        }))
        .on_press(Message::SignIn);
        match &self.sign_in.state {
            State::Idle if again => column![text(t!("sign-in-kept")).size(12), sign_in]
                .spacing(4)
                .into(),
            State::Idle => sign_in.into(),
            // The words wrap beside Cancel: both fit the dialog's column.
            State::Waiting(_) => row![
                text(t!("sign-in-waiting")).size(13).width(iced::Fill),
                button(text(t!("button-cancel")))
                    .on_press(Message::CancelSignIn)
                    .style(button::secondary),
            ]
            .spacing(10)
            .align_y(iced::Center)
            .into(),
            State::SignedIn(_) => text(t!("sign-in-done"))
                .size(13)
                .style(text::success)
                .into(),
            State::Failed(why) => column![text(why.clone()).size(12).style(text::danger), sign_in]
                .spacing(4)
                .into(),
        }
    }
}

/// What a build without the provider's app id says, with the way around it.
pub fn not_configured(provider: Provider) -> String {
    match provider {
        Provider::Google => t!("sign-in-not-configured-google"),
        _ => t!("sign-in-not-configured", provider = provider.to_string()),
    }
}
