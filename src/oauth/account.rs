//! The token an account that signs in with OAuth2 logs in with: the access token kept in
//! the keyring, renewed first when it is about to expire (or when the server refused it).
//!
//! Renewing is done under the account's sign-in lock (a file in the data folder), and the
//! keyring is read again once the lock is held: the window's worker and a `poplar fetch`
//! from cron may want to renew at the same moment, and an issuer that rotates refresh
//! tokens would refuse the second of two renewals with the same one. The renewal and the
//! storing of its result run to the end even when the fetch that asked is cancelled, so
//! a rotated refresh token is never lost. A refresh token the issuer no longer takes is
//! forgotten only while it is still the one stored (a new sign-in may have replaced it),
//! and the person is asked once to sign in again; nothing retries it in a loop.

use super::{Error, Tokens, flow};
use crate::accounts::Account;
use crate::paths::Paths;
use crate::secrets::{self, Keyring};

#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    /// Never signed in here, or the sign-in ran out: `poplar account login NAME`.
    #[error("sign in again: poplar account login {0}")]
    SignInAgain(String),
    #[error("{0}")]
    Keyring(#[from] secrets::Error),
    #[error("{name}: {error}")]
    Issuer { name: String, error: Error },
    /// The account has no sign-in settings.
    #[error("the account \"{0}\" does not sign in with OAuth2")]
    NotOAuth(String),
    #[error("the sign-in lock could not be taken: {0}")]
    Lock(String),
}

/// The access token to log in with at `now`: the stored one, or a renewed one when it
/// expires soon or is `refused` (the token the server just turned down).
pub async fn access_token(
    paths: &Paths,
    account: &Account,
    keyring: &Keyring,
    now: i64,
    refused: Option<&str>,
) -> Result<String, TokenError> {
    let name = account.settings.name.clone();
    let Some(oauth) = account.settings.oauth.clone() else {
        return Err(TokenError::NotOAuth(name));
    };
    let usable = |t: &Tokens| !t.needs_refresh(now) && refused.is_none_or(|r| r != t.access);
    let tokens = stored(keyring, account)
        .await?
        .ok_or(TokenError::SignInAgain(name.clone()))?;
    if usable(&tokens) {
        return Ok(tokens.access);
    }
    let lock = paths.sign_in_lock(account.id);
    let (keyring, account) = (keyring.clone(), account.clone());
    // Spawned: it runs to the end (the new tokens stored) even if this future is dropped.
    let refused = refused.map(str::to_string);
    let renewal = tokio::spawn(async move {
        let _held = hold(lock).await?;
        let Some(tokens) = stored(&keyring, &account).await? else {
            return Err(TokenError::SignInAgain(name));
        };
        // Renewed by someone else while this waited for the lock.
        if !tokens.needs_refresh(now) && refused.as_deref().is_none_or(|r| r != tokens.access) {
            return Ok(tokens.access);
        }
        let issuer = |error: Error| TokenError::Issuer {
            name: name.clone(),
            error,
        };
        let client = flow::client(&oauth).await.map_err(issuer)?;
        match flow::refresh(&client, &tokens, now).await {
            Ok(fresh) => {
                let access = fresh.access.clone();
                blocking(move || keyring.set_tokens(&account, &fresh)).await?;
                Ok(access)
            }
            Err(Error::SignInAgain) => forget(&keyring, &account, &tokens, name).await,
            Err(e) => Err(issuer(e)),
        }
    });
    renewal
        .await
        .unwrap_or_else(|e| Err(TokenError::Lock(format!("the renewal stopped: {e}"))))
}

/// The issuer refused the refresh token: forgotten, unless a new sign-in replaced it
/// meanwhile (then that one is used).
async fn forget(
    keyring: &Keyring,
    account: &Account,
    refused: &Tokens,
    name: String,
) -> Result<String, TokenError> {
    if let Some(now) = stored(keyring, account).await?
        && now.refresh != refused.refresh
    {
        return Ok(now.access);
    }
    let (keyring, account) = (keyring.clone(), account.clone());
    if let Err(e) = blocking(move || keyring.delete_tokens(&account)).await {
        tracing::warn!("the old sign-in could not be forgotten: {e}");
    }
    Err(TokenError::SignInAgain(name))
}

/// The stored tokens, read off the async runtime (a keyring may ask to be unlocked).
async fn stored(keyring: &Keyring, account: &Account) -> Result<Option<Tokens>, TokenError> {
    let (keyring, account) = (keyring.clone(), account.clone());
    blocking(move || keyring.get_tokens(&account)).await
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, secrets::Error> + Send + 'static,
) -> Result<T, TokenError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| TokenError::Lock(e.to_string()))?
        .map_err(TokenError::from)
}

/// Waits for the account's sign-in lock (held while the returned file is open).
async fn hold(path: std::path::PathBuf) -> Result<std::fs::File, TokenError> {
    let lock = |e: std::io::Error| TokenError::Lock(e.to_string());
    tokio::task::spawn_blocking(move || {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(|e| TokenError::Lock(e.to_string()))?
    .map_err(lock)
}
