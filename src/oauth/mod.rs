//! Signing in with OAuth2 (Microsoft, Google, or a company's own issuer): the
//! authorization code flow with PKCE (RFC 7636) and a loopback redirect (RFC 8252), the
//! token endpoint's answers, and the SASL strings POP3 and SMTP log in with (XOAUTH2,
//! OAUTHBEARER from RFC 7628). Tokens are secrets: they live in the keyring or in memory,
//! never in the database, account files, backups or logs (`Debug` hides them).

pub mod account;
pub mod flow;
pub mod http;
pub mod pkce;
pub mod redirect;
pub mod sasl;

use serde::Deserialize;

/// Where an issuer signs people in and hands out tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authorization: String,
    pub token: String,
}

/// What the app asks for at an issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub endpoints: Endpoints,
    pub client_id: String,
    /// Google's desktop apps have one, which is not secret; sent when there is one.
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
}

/// The tokens of one account.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Tokens {
    pub access: String,
    /// None when the issuer gave none (then signing in again is the only renewal).
    pub refresh: Option<String>,
    /// Seconds since the epoch when the access token stops working.
    pub expires_at: i64,
    /// When to renew it: [`REFRESH_EARLY_SECS`] before it expires, or halfway through
    /// a shorter life (an issuer's five-minute tokens are not renewed at every use).
    pub refresh_at: i64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access", &"…")
            .field("refresh", &self.refresh.as_ref().map(|_| "…"))
            .field("expires_at", &self.expires_at)
            .field("refresh_at", &self.refresh_at)
            .finish()
    }
}

/// Refresh this long before the access token expires, so that none runs out mid-session.
pub const REFRESH_EARLY_SECS: i64 = 300;

impl Tokens {
    /// True when the access token should be renewed before use at `now`.
    pub fn needs_refresh(&self, now: i64) -> bool {
        now >= self.refresh_at
    }

    /// When tokens that expire at `expires_at` after a life of `lifetime` seconds are
    /// renewed.
    pub fn refresh_time(expires_at: i64, lifetime: i64) -> i64 {
        expires_at.saturating_sub(REFRESH_EARLY_SECS.min(lifetime / 2))
    }
}

/// Why signing in or renewing did not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The refresh token was revoked or has expired: the person must sign in again.
    #[error("sign in again")]
    SignInAgain,
    #[error("the sign-in was refused: {0}")]
    Denied(String),
    #[error("the sign-in did not finish in time")]
    TimedOut,
    #[error("the sign-in answer did not belong to this sign-in")]
    WrongState,
    #[error("the issuer's answer cannot be understood: {0}")]
    Protocol(String),
    #[error("network error talking to the issuer: {0}")]
    Io(String),
    /// This build has no app id for the provider (the packager sets it at build time).
    #[error("sign-in with {0} is not configured in this build of Poplar")]
    NotConfigured(crate::accounts::oauth::Provider),
}

/// The token endpoint's JSON answer (RFC 6749 §5.1 and §5.2).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    /// A number, or (some issuers) a number in a string.
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<i64>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `expires_in` as a number or as a string holding one; anything else is no lifetime.
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Reads a token endpoint's answer (`status`, `body`) at `now`. A refresh that gets no
/// new refresh token keeps `previous_refresh`.
pub fn read_tokens(
    status: u16,
    body: &[u8],
    now: i64,
    previous_refresh: Option<&str>,
) -> Result<Tokens, Error> {
    let answer: TokenAnswer =
        serde_json::from_slice(body).map_err(|e| Error::Protocol(format!("HTTP {status}: {e}")))?;
    if let Some(error) = answer.error {
        // invalid_grant: the refresh token (or code) is no longer good.
        return Err(if error == "invalid_grant" {
            Error::SignInAgain
        } else {
            Error::Denied(answer.error_description.unwrap_or(error))
        });
    }
    let access = answer
        .access_token
        .filter(|t| !t.is_empty() && status == 200)
        .ok_or_else(|| Error::Protocol(format!("HTTP {status} without an access token")))?;
    // An answer without a lifetime is treated as an hour (the common one).
    let lifetime = answer.expires_in.unwrap_or(3600).clamp(0, 365 * 86_400);
    let expires_at = now.saturating_add(lifetime);
    Ok(Tokens {
        access,
        refresh: answer
            .refresh_token
            .or_else(|| previous_refresh.map(str::to_string)),
        expires_at,
        refresh_at: Tokens::refresh_time(expires_at, lifetime),
    })
}

/// `value` percent-encoded for a URL query or a form body (RFC 3986 unreserved kept).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `name=value&…`, each percent-encoded.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The address the browser opens: the issuer's sign-in page for this client, asking to
/// come back to `redirect_uri` with `state`, bound to the PKCE `challenge`.
pub fn authorization_url(
    client: &Client,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    login_hint: Option<&str>,
) -> String {
    let scope = client.scopes.join(" ");
    let mut fields = vec![
        ("response_type", "code"),
        ("client_id", client.client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("scope", scope.as_str()),
        ("state", state),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    if let Some(hint) = login_hint {
        fields.push(("login_hint", hint));
    }
    let separator = if client.endpoints.authorization.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{}{separator}{}",
        client.endpoints.authorization,
        form(&fields)
    )
}

#[cfg(test)]
mod tests;
