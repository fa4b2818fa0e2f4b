//! Who signs an account in when it logs in with a token (OAuth2) instead of a password:
//! Microsoft, Google, or a company's own issuer. Settings only: the tokens themselves live
//! in the keyring ([`crate::secrets`]), never here.

use std::fmt;
use std::str::FromStr;

use super::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Microsoft,
    Google,
    /// An issuer of the account's own (with OpenID discovery), and its client id.
    Custom,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Microsoft, Provider::Google, Provider::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Microsoft => "microsoft",
            Provider::Google => "google",
            Provider::Custom => "custom",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Microsoft => "Microsoft",
            Provider::Google => "Google",
            Provider::Custom => "Custom",
        })
    }
}

impl FromStr for Provider {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "microsoft" | "outlook" => Ok(Provider::Microsoft),
            "google" | "gmail" => Ok(Provider::Google),
            "custom" => Ok(Provider::Custom),
            other => Err(format!(
                "unknown sign-in provider '{other}': use microsoft, google or custom"
            )),
        }
    }
}

/// How an account signs in with OAuth2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth {
    pub provider: Provider,
    /// The issuer's address (custom only): its `/.well-known/openid-configuration` tells
    /// where to sign in. `https://`, or `http://` on this computer.
    pub issuer: Option<String>,
    /// The app's id at the issuer (custom only; Microsoft's and Google's are the build's).
    pub client_id: Option<String>,
}

impl OAuth {
    pub fn new(provider: Provider) -> OAuth {
        OAuth {
            provider,
            issuer: None,
            client_id: None,
        }
    }

    /// What is wrong with these settings.
    pub fn problem(&self) -> Option<Problem> {
        if self.provider != Provider::Custom {
            return None;
        }
        let Some(issuer) = self.issuer.as_deref().filter(|i| !i.trim().is_empty()) else {
            return Some(Problem::SignInIssuerMissing);
        };
        if crate::oauth::http::Url::parse(issuer.trim()).is_err() {
            return Some(Problem::SignInIssuerInvalid);
        }
        if self
            .client_id
            .as_deref()
            .is_none_or(|c| c.trim().is_empty())
        {
            return Some(Problem::SignInClientIdMissing);
        }
        None
    }
}
