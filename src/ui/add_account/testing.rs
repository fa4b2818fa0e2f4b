//! "Test connection": logs in to the incoming server with the form's settings and, when
//! the account sends, to the outgoing one too; changes nothing and sends nothing. The
//! answers stay typed until the dialog says them.

use iced::Task;

use super::{AddAccount, Message, security_label};
use crate::accounts::smtp::SmtpServer;
use crate::accounts::{Account, AccountId};
use crate::paths::Paths;
use crate::secrets::{self, Keyring};
use crate::store::Store;
use crate::sync::{self, FetchOptions, ServerInfo};
use crate::t;
use crate::ui::describe::{self, Failure, Said};
use crate::{pop3, send, smtp};

/// What a test found, server by server.
#[derive(Debug, Clone)]
pub struct Tested {
    pub incoming: Result<ServerInfo, Failed>,
    /// None when the account does not send.
    pub outgoing: Option<Result<smtp::Extensions, Failed>>,
}

/// Why one server's test failed.
#[derive(Debug, Clone)]
pub enum Failed {
    /// No password was typed and none is stored for this account.
    NoPassword,
    /// The stored password could not be read, or the database failed.
    Password(Failure),
    Receiving(sync::Error),
    Sending(send::Error),
}

/// What the test needs of the form.
struct Form {
    account: Account,
    typed: String,
    typed_outgoing: String,
    /// Where the stored passwords are, when an account is edited.
    stored: Option<Paths>,
    options: FetchOptions,
}

impl AddAccount {
    /// "Test connection": logs in with the form's settings, changes nothing.
    pub(super) fn test(&mut self, paths: &Paths) -> Task<Message> {
        self.show_problems = true;
        let Some(settings) = self.settings() else {
            return Task::none();
        };
        self.error = None;
        self.testing = true;
        self.tested = None;
        let form = Form {
            account: Account {
                id: self.editing.as_ref().map_or(AccountId(0), |a| a.id),
                settings,
            },
            typed: self.password.clone(),
            typed_outgoing: self.sending.password.clone(),
            stored: self.editing.is_some().then(|| paths.clone()),
            options: FetchOptions {
                timeout: self.timeout,
                ..FetchOptions::default()
            },
        };
        Task::perform(test(form), |tested| Message::Tested(Box::new(tested)))
    }

    pub(super) fn on_tested(&mut self, tested: &Tested) {
        self.testing = false;
        self.offered_certificate = match &tested.incoming {
            Err(Failed::Receiving(sync::Error::Pop3(pop3::Error::Untrusted {
                certificate: Some(c),
                ..
            }))) => Some(c.sha256.clone()),
            _ => None,
        };
        let mut lines = vec![match &tested.incoming {
            Ok(info) => describe_server(info),
            Err(e) => failed(e),
        }];
        let server = self.sending.read(&mut Default::default());
        if let (Some(outgoing), Some(server)) = (&tested.outgoing, server) {
            lines.push(match outgoing {
                Ok(extensions) => sending_ok(&server, extensions),
                Err(e) => t!("test-sending-failed", error = failed(e)),
            });
        }
        let all_ok = tested.incoming.is_ok() && !matches!(tested.outgoing, Some(Err(_)));
        let said = lines.join("\n");
        self.tested = Some(if all_ok { Ok(said) } else { Err(said) });
    }
}

fn failed(failed: &Failed) -> String {
    match failed {
        Failed::NoPassword => t!("invalid-password"),
        Failed::Password(e) => e.said(),
        Failed::Receiving(e) => describe::sentence(describe::sync(e)),
        Failed::Sending(e) => describe::sentence(crate::ui::sending::error(e)),
    }
}

fn sending_ok(server: &SmtpServer, extensions: &smtp::Extensions) -> String {
    let mut said = t!(
        "test-sending-ok",
        host = server.host.clone(),
        security = security_label(server.security)
    );
    if let Some(size) = extensions.size.filter(|s| *s > 0) {
        said.push(' ');
        said.push_str(&t!(
            "test-sending-size",
            megabytes = size.div_ceil(1024 * 1024)
        ));
    }
    said
}

/// Both servers, one after the other (POP before SMTP needs the first).
async fn test(form: Form) -> Tested {
    let incoming_password = password(&form, false).await;
    let incoming = match &incoming_password {
        Ok(password) => sync::test_account(&form.account.settings, password, &form.options)
            .await
            .map_err(Failed::Receiving),
        Err(e) => Err(e.clone()),
    };
    let Some(server) = form.account.settings.smtp.clone() else {
        return Tested {
            incoming,
            outgoing: None,
        };
    };
    let outgoing = match (server.uses_own_password(), server.login.needs_password()) {
        (true, true) => password(&form, true).await,
        (_, false) => Ok(String::new()),
        (false, true) => incoming_password,
    };
    let options = send::Options {
        timeout: form.options.timeout,
    };
    let outgoing = match outgoing {
        Ok(p) => send::test(&form.account, &server, Some(&p), options)
            .await
            .map_err(Failed::Sending),
        Err(e) => Err(e),
    };
    Tested {
        incoming,
        outgoing: Some(outgoing),
    }
}

/// The password typed in the form or, when editing, the one stored for the account.
async fn password(form: &Form, outgoing: bool) -> Result<String, Failed> {
    let typed = if outgoing {
        &form.typed_outgoing
    } else {
        &form.typed
    };
    if !typed.is_empty() {
        return Ok(typed.clone());
    }
    let Some(paths) = form.stored.clone() else {
        return Err(Failed::NoPassword);
    };
    let account = form.account.clone();
    crate::ui::blocking(move || -> Result<String, Failure> {
        let keyring = Keyring::open(&Store::open(&paths.database())?)?;
        Ok(match outgoing {
            true => keyring.get_outgoing(&account)?,
            false => keyring.get(&account)?,
        })
    })
    .await
    .map_err(|e| match e {
        Failure::Secrets(secrets::Error::NotFound(_)) => Failed::NoPassword,
        e => Failed::Password(e),
    })
}

/// What the incoming server's test found, a few lines long.
pub fn describe_server(info: &ServerInfo) -> String {
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
