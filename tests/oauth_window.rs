//! Signing in from the account dialog, as a person would: the login "Sign in (OAuth2)",
//! the organisation's issuer (a mock on loopback), "Sign in…" with the browser stand-in
//! as $BROWSER, the account saved with its sign-in, mail fetched from a Dovecot that
//! checks the token; and the states a person sees, in English and Japanese (snapshots):
//! waiting for the browser, signed in, and "sign in again" after the issuer revoked the
//! sign-in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::dovecot::{self, Dovecot};
use common::oauth::MockIssuer;
use common::window::{Window, matches_snapshot};
use poplar::accounts::oauth::Provider;
use poplar::accounts::{AuthMethod, Security};
use poplar::app::Message;
use poplar::i18n::Language;
use poplar::paths::Paths;
use poplar::secrets::Keyring;
use poplar::store::Store;
use poplar::ui::add_account::Message as Form;
use poplar::worker::Event;

fn form(messages: Vec<Form>) -> Vec<Message> {
    messages.into_iter().map(Message::AddAccount).collect()
}

/// The dialog filled in for an account that signs in at `issuer`.
fn fill(w: &mut Window, server: &Dovecot, issuer: &MockIssuer) {
    w.send([Message::OpenAddAccount]);
    w.send(form(vec![
        Form::Email("work@example.com".into()),
        Form::Name("仕事".into()),
        Form::Host("127.0.0.1".into()),
        Form::Security(Security::Tls),
        Form::Port(server.tls_port.to_string()),
        Form::User(dovecot::USER.into()),
        Form::Login(AuthMethod::OAuth2),
        Form::OAuthProvider(Provider::Custom),
        Form::OAuthIssuer(issuer.url()),
        Form::OAuthClientId("poplar-test-client".into()),
    ]));
}

#[test]
fn signing_in_from_the_dialog_then_fetching_then_signing_in_again() {
    let issuer = MockIssuer::start();
    let Some(mut server) = Dovecot::start_oauth_or_skip(&issuer, &["xoauth2", "oauthbearer"])
    else {
        return;
    };
    if std::env::var_os("POPLAR_SECRET_SERVICE").is_none() {
        common::skip("no private Secret Service: run through packaging/with-keyring.sh");
        return;
    }
    // The only test in this binary: nothing else reads the environment meanwhile.
    unsafe {
        std::env::set_var(
            "BROWSER",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/browser.py"),
        );
    }
    server.deliver(&common::message("a@example.com", "Signed-in mail", "x"));
    for (language, tag) in [(Language::English, "en"), (Language::Japanese, "ja")] {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let mut w = Window::start(paths.clone(), language);
        fill(&mut w, &server, &issuer);
        // Saving before signing in says to sign in first.
        w.send(form(vec![Form::Save]));
        w.expect(&poplar::accounts::Problem::NotSignedIn.sentence());

        // "Sign in…" without running its task: the dialog as it waits for the browser.
        let pending = {
            let _enter = w.runtime.enter();
            w.app.update(Message::AddAccount(Form::SignIn))
        };
        w.expect(&poplar::t!("sign-in-waiting"));
        matches_snapshot(&w, &iced::Theme::Light, &format!("sign-in-waiting-{tag}"));
        // Cancel, then sign in for real: the stand-in fetches the page, the issuer
        // approves, and the browser comes back to Poplar.
        drop(pending);
        w.send(form(vec![Form::CancelSignIn]));
        w.send(form(vec![Form::SignIn]));
        w.expect(&poplar::t!("sign-in-done"));
        matches_snapshot(&w, &iced::Theme::Light, &format!("sign-in-done-{tag}"));
        w.send(form(vec![Form::Save]));
        let store = Store::open(&paths.database()).unwrap();
        let mut account = store.accounts().unwrap().remove(0);
        assert_eq!(account.settings.auth, AuthMethod::OAuth2);
        // The test server's certificate, as `--ca-file` gives it (the dialog has none).
        account.settings.ca_file = Some(server.cert.clone());
        store.update_account(account.id, &account.settings).unwrap();
        let keyring = Keyring::open(&store).unwrap();
        assert!(
            keyring.get_tokens(&account).unwrap().is_some(),
            "saved with it"
        );

        // The worker fetches with the token.
        let mut events = w.start_worker(&paths);
        w.send([Message::GetMail]);
        let event = w.until_fetch_done(&mut events);
        assert!(
            matches!(&event, Event::Finished { report, .. } if report.new == 1),
            "{event:?}"
        );

        // The issuer ends the sign-in: the window says to sign in again.
        issuer.expire_access_tokens();
        issuer.revoke_refresh_tokens();
        w.send([Message::GetMail]);
        let event = w.until_fetch_done(&mut events);
        assert!(matches!(&event, Event::Failed { .. }), "{event:?}");
        let again = format!("仕事: {}", poplar::t!("error-sign-in-again"));
        w.expect(&again);
        matches_snapshot(&w, &iced::Theme::Light, &format!("sign-in-again-{tag}"));
        keyring.delete(&account).unwrap();
    }
}
