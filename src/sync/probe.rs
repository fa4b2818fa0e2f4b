//! "Test connection": logs in and asks what the server can do, changing nothing on it.

use crate::accounts::Settings;
use crate::pop3;

use super::{Error, FetchOptions};

/// What "Test connection" found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub greeting: String,
    pub encrypted: bool,
    pub capabilities: Option<pop3::Capabilities>,
    pub uidl: bool,
    pub messages: u32,
    pub bytes: u64,
}

/// Connects and logs in as the settings say, and checks that the server can do what the
/// account needs (UIDL for keeping mail on the server). Changes nothing on the server.
pub async fn test_account(
    settings: &Settings,
    password: &str,
    fetch: &FetchOptions,
) -> Result<ServerInfo, Error> {
    let mut options = settings.connect_options();
    options.timeout = fetch.timeout;
    let mut session =
        pop3::connect_and_login(&options, &settings.user, password, settings.auth).await?;
    let (messages, bytes) = session.stat().await?;
    let bytes = bytes.unwrap_or(0);
    let uidl = match session.uidl_all().await {
        Ok(_) => true,
        Err(pop3::Error::NoUidl { .. }) => false,
        Err(e) => return Err(e.into()),
    };
    let info = ServerInfo {
        greeting: session.greeting().to_string(),
        encrypted: session.is_encrypted(),
        capabilities: session.capabilities().cloned(),
        uidl,
        messages,
        bytes,
    };
    session.quit().await?;
    if !uidl && settings.keep.keeps_on_server() {
        return Err(Error::NoUidlForKeep {
            host: settings.host.clone(),
        });
    }
    Ok(info)
}
