//! `poplar account login NAME`: signs an OAuth2 account in with the browser and keeps its
//! tokens in the system keyring.

use anyhow::{Context, Result, bail};

use crate::accounts::oauth::Provider;
use crate::oauth::flow;
use crate::oauth::redirect::Pages;
use crate::paths::Paths;
use crate::secrets::Keyring;
use crate::store::{self, Store};
use crate::t;

pub fn login(paths: &Paths, name: &str) -> Result<()> {
    let store = Store::open(&paths.database())?;
    let account = store.account(name)?;
    let Some(oauth) = account.settings.oauth.clone() else {
        bail!(
            "the account \"{name}\" logs in with a password, not by signing in: store it with `poplar account password {name}`"
        );
    };
    if !flow::configured(oauth.provider) {
        bail!("{}", not_configured(oauth.provider));
    }
    let keyring = Keyring::open(&store)?;
    let email = account.settings.email.trim().to_string();
    let pages = Pages {
        done: t!("sign-in-page-done"),
        failed: t!("sign-in-page-failed"),
    };
    let runtime = super::runtime()?;
    let tokens = runtime.block_on(async {
        let client = flow::client(&oauth).await?;
        let hint = (!email.is_empty()).then_some(email.as_str());
        flow::sign_in(&client, hint, &pages, store::now, |url| {
            eprintln!("Sign in to \"{name}\" in your browser; if it does not open, open this address:\n{url}");
            if let Err(e) = flow::open_browser(url) {
                eprintln!("poplar: the browser could not be opened ({e}); open the address above");
            }
        })
        .await
    });
    let tokens = tokens.with_context(|| format!("signing in \"{name}\""))?;
    keyring.set_tokens(&account, &tokens)?;
    println!("Signed in: \"{name}\" can fetch now.");
    Ok(())
}

/// What a build without the provider's app id says, and the way around it.
pub fn not_configured(provider: Provider) -> String {
    match provider {
        Provider::Google => format!(
            "sign-in with {provider} is not configured in this build of Poplar; use an app password (needs 2-Step Verification) instead: https://support.google.com/accounts/answer/185833, then `poplar account add NAME --host pop.gmail.com --auth auto --password-stdin`"
        ),
        _ => format!(
            "sign-in with {provider} is not configured in this build of Poplar; use a build whose packager registered it (packaging/README.md)"
        ),
    }
}
