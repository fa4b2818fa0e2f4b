//! Fetching for an account that signs in with OAuth2: it logs in with its access token
//! (renewed first when about to expire), and a token the server refuses is renewed once
//! and tried once more, for a token the issuer ended early (a password change, a revoked
//! session). A second refusal is said as it is, without a loop.

use crate::accounts::Account;
use crate::oauth::account::access_token;
use crate::paths::Paths;
use crate::secrets::Keyring;

use super::{Error, FetchOptions, Progress, Report, fetch_account_with};

pub async fn fetch_signed_in(
    paths: &Paths,
    account: &Account,
    keyring: &Keyring,
    fetch: &FetchOptions,
    mut on_progress: impl FnMut(Progress),
) -> Result<Report, Error> {
    let token = access_token(paths, account, keyring, crate::store::now(), None).await?;
    match fetch_account_with(paths, account, &token, fetch, &mut on_progress).await {
        Err(Error::Pop3(crate::pop3::Error::LoginFailed { .. })) => {
            tracing::info!(account = %account.settings.name, "the server refused the token; renewing it once");
            let refused = Some(token.as_str());
            let token = access_token(paths, account, keyring, crate::store::now(), refused).await?;
            fetch_account_with(paths, account, &token, fetch, &mut on_progress).await
        }
        other => other,
    }
}
