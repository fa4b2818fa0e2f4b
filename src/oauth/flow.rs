//! Signing in and renewing: who the issuer is (built in, or found by OpenID discovery),
//! the browser sign-in with PKCE and the loopback redirect, the code exchanged for tokens,
//! and tokens renewed with the refresh token. Every request to an issuer goes over TLS
//! (plain HTTP only on this computer) with a time limit.

use std::time::Duration;

use serde::Deserialize;
use tokio::net::TcpStream;

use super::http::{self, Response, Url};
use super::redirect::{Listener, Pages};
use super::{Client, Endpoints, Error, Tokens, pkce, read_tokens};
use crate::accounts::oauth::{OAuth, Provider};

/// The longest one request to an issuer may take.
const REQUEST_TIME: Duration = Duration::from_secs(30);
/// The longest a person has to sign in in the browser.
pub const SIGN_IN_TIME: Duration = Duration::from_secs(10 * 60);

/// Microsoft's app id, Google's, and Google's client "secret" (a desktop app's is not one:
/// Google asks for it anyway). Build-time settings: each packager registers their own app
/// (packaging/README.md).
const MICROSOFT_CLIENT_ID: Option<&str> = option_env!("POPLAR_OAUTH_MICROSOFT_CLIENT_ID");
const GOOGLE_CLIENT_ID: Option<&str> = option_env!("POPLAR_OAUTH_GOOGLE_CLIENT_ID");
const GOOGLE_CLIENT_SECRET: Option<&str> = option_env!("POPLAR_OAUTH_GOOGLE_CLIENT_SECRET");

/// True when this build can sign in with `provider` (a custom issuer brings its own id).
pub fn configured(provider: Provider) -> bool {
    match provider {
        Provider::Microsoft => MICROSOFT_CLIENT_ID.is_some_and(|id| !id.is_empty()),
        Provider::Google => GOOGLE_CLIENT_ID.is_some_and(|id| !id.is_empty()),
        Provider::Custom => true,
    }
}

/// Who signs the account in: a built-in provider's endpoints and scopes, or a custom
/// issuer's, found at its `/.well-known/openid-configuration`.
pub async fn client(oauth: &OAuth) -> Result<Client, Error> {
    match oauth.provider {
        Provider::Microsoft => Ok(Client {
            endpoints: Endpoints {
                authorization: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
                    .into(),
                token: "https://login.microsoftonline.com/common/oauth2/v2.0/token".into(),
            },
            client_id: built_in(MICROSOFT_CLIENT_ID, Provider::Microsoft)?,
            client_secret: None,
            scopes: vec![
                "https://outlook.office.com/POP.AccessAsUser.All".into(),
                "https://outlook.office.com/SMTP.Send".into(),
                "offline_access".into(),
            ],
        }),
        Provider::Google => Ok(Client {
            endpoints: Endpoints {
                authorization: "https://accounts.google.com/o/oauth2/v2/auth".into(),
                token: "https://oauth2.googleapis.com/token".into(),
            },
            client_id: built_in(GOOGLE_CLIENT_ID, Provider::Google)?,
            client_secret: GOOGLE_CLIENT_SECRET.map(str::to_string),
            scopes: vec!["https://mail.google.com/".into()],
        }),
        Provider::Custom => {
            let issuer = oauth.issuer.as_deref().unwrap_or_default().trim();
            let client_id = oauth.client_id.clone().unwrap_or_default();
            Ok(Client {
                endpoints: discover(issuer).await?,
                client_id,
                client_secret: None,
                scopes: vec!["openid".into(), "offline_access".into()],
            })
        }
    }
}

fn built_in(id: Option<&str>, provider: Provider) -> Result<String, Error> {
    id.filter(|id| !id.is_empty())
        .map(str::to_string)
        .ok_or(Error::NotConfigured(provider))
}

#[derive(Deserialize)]
struct Discovery {
    issuer: Option<String>,
    authorization_endpoint: String,
    token_endpoint: String,
}

/// The endpoints an issuer publishes (OpenID Connect Discovery 1.0).
pub async fn discover(issuer: &str) -> Result<Endpoints, Error> {
    let base = issuer.trim_end_matches('/');
    let url = Url::parse(&format!("{base}/.well-known/openid-configuration"))?;
    let answer = call(&url, None).await?;
    if answer.status != 200 {
        return Err(Error::Protocol(format!(
            "the issuer's discovery document answered HTTP {}",
            answer.status
        )));
    }
    let found: Discovery = serde_json::from_slice(&answer.body)
        .map_err(|e| Error::Protocol(format!("the issuer's discovery document: {e}")))?;
    // The document speaks for the issuer asked (OpenID Connect Discovery §4.3).
    if let Some(said) = &found.issuer
        && said.trim_end_matches('/') != base
    {
        return Err(Error::Protocol(format!(
            "the discovery document is for another issuer ({said})"
        )));
    }
    // Both must be addresses Poplar would use (https, or http on this computer).
    Url::parse(&found.authorization_endpoint)?;
    Url::parse(&found.token_endpoint)?;
    Ok(Endpoints {
        authorization: found.authorization_endpoint,
        token: found.token_endpoint,
    })
}

/// One request to an issuer, over TLS unless it is on this computer.
pub async fn call(url: &Url, form: Option<&str>) -> Result<Response, Error> {
    let io = |e: std::io::Error| Error::Io(format!("{}: {e}", url.host));
    let request = async {
        let tcp = TcpStream::connect((url.host.as_str(), url.port))
            .await
            .map_err(io)?;
        if url.tls {
            let tls = async_native_tls::TlsConnector::new()
                .min_protocol_version(Some(async_native_tls::Protocol::Tlsv12))
                .connect(&url.host, tcp)
                .await
                .map_err(|e| Error::Io(format!("{}: {e}", url.host)))?;
            http::request(tls, url, form).await
        } else {
            http::request(tcp, url, form).await
        }
    };
    tokio::time::timeout(REQUEST_TIME, request)
        .await
        .map_err(|_| Error::Io(format!("{} did not answer in time", url.host)))?
}

/// Signs in in the browser: `open` is given the address to show (it opens the browser or
/// prints it); then waits for the browser to come back, and trades the code for tokens.
/// Dropping the future cancels the sign-in (the listener goes with it).
pub async fn sign_in(
    client: &Client,
    login_hint: Option<&str>,
    pages: &Pages,
    now: impl Fn() -> i64,
    open: impl FnOnce(&str),
) -> Result<Tokens, Error> {
    let listener = Listener::bind().await?;
    let redirect_uri = listener.redirect_uri();
    let verifier = pkce::random_token();
    let state = pkce::random_token();
    let url = super::authorization_url(
        client,
        &redirect_uri,
        &state,
        &pkce::challenge(&verifier),
        login_hint,
    );
    open(&url);
    let code = tokio::time::timeout(SIGN_IN_TIME, listener.wait(&state, pages))
        .await
        .map_err(|_| Error::TimedOut)??;
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", client.client_id.as_str()),
        ("code_verifier", verifier.as_str()),
    ];
    if let Some(secret) = &client.client_secret {
        fields.push(("client_secret", secret.as_str()));
    }
    token_request(client, &fields, now(), None).await
}

/// New tokens for `tokens` with its refresh token; [`Error::SignInAgain`] when there is
/// none or the issuer no longer takes it.
pub async fn refresh(client: &Client, tokens: &Tokens, now: i64) -> Result<Tokens, Error> {
    let Some(refresh) = tokens.refresh.as_deref() else {
        return Err(Error::SignInAgain);
    };
    let mut fields = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh),
        ("client_id", client.client_id.as_str()),
    ];
    if let Some(secret) = &client.client_secret {
        fields.push(("client_secret", secret.as_str()));
    }
    token_request(client, &fields, now, Some(refresh)).await
}

async fn token_request(
    client: &Client,
    fields: &[(&str, &str)],
    now: i64,
    previous_refresh: Option<&str>,
) -> Result<Tokens, Error> {
    let url = Url::parse(&client.endpoints.token)?;
    let answer = call(&url, Some(&super::form(fields))).await?;
    read_tokens(answer.status, &answer.body, now, previous_refresh)
}

/// Opens `url` with $BROWSER (the address its only argument) or the system's opener.
pub fn open_browser(url: &str) -> std::io::Result<()> {
    match std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        Some(browser) => std::process::Command::new(browser)
            .arg(url)
            .spawn()
            .map(|mut child| {
                // Reaped when it ends, without holding up the wait for the sign-in.
                std::thread::spawn(move || child.wait());
            }),
        None => open::that_detached(url),
    }
}
