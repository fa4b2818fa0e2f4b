//! The token an account that signs in with OAuth2 logs in with: the access token kept in
//! the keyring, renewed first when it is about to expire (or when the server refused it).
//! A refresh token the issuer no longer takes is forgotten, and the person is asked once
//! to sign in again; nothing retries it in a loop.

use super::{Error, flow};
use crate::accounts::Account;
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
}

/// The access token to log in with at `now`; renewed first when it expires within
/// [`super::REFRESH_EARLY_SECS`], or always when `renew` (the server refused it).
pub async fn access_token(
    account: &Account,
    keyring: &Keyring,
    now: i64,
    renew: bool,
) -> Result<String, TokenError> {
    let name = account.settings.name.clone();
    let Some(oauth) = &account.settings.oauth else {
        return Err(TokenError::NotOAuth(name));
    };
    let Some(tokens) = keyring.get_tokens(account)? else {
        return Err(TokenError::SignInAgain(name));
    };
    if !renew && !tokens.needs_refresh(now) {
        return Ok(tokens.access);
    }
    let issuer = |error: Error| TokenError::Issuer {
        name: name.clone(),
        error,
    };
    let client = flow::client(oauth).await.map_err(issuer)?;
    match flow::refresh(&client, &tokens, now).await {
        Ok(fresh) => {
            keyring.set_tokens(account, &fresh)?;
            Ok(fresh.access)
        }
        Err(Error::SignInAgain) => {
            // Forgotten, so that the next fetch says so at once instead of asking again.
            if let Err(e) = keyring.delete_tokens(account) {
                tracing::warn!("the old sign-in could not be forgotten: {e}");
            }
            Err(TokenError::SignInAgain(name))
        }
        Err(e) => Err(issuer(e)),
    }
}
