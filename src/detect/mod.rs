//! Finding the incoming server from an email address: a small table of common providers
//! (assets/providers.json), then probing pop.DOMAIN, mail.DOMAIN and DOMAIN on 995 (TLS)
//! and 110 (STARTTLS), all at once, each with a short timeout. Nothing is sent but the
//! commands that show a POP3 server is there: no user name, no password.
//!
//! The table also says how each provider lets a mail program sign in (password, OAuth2,
//! app password), which pages its row was checked against, and which providers offer no
//! POP3 at all (iCloud): [`provider`] and [`provider_auth`] give that to the account
//! dialog and the CLI.

use std::time::Duration;

use serde::Deserialize;

use crate::accounts::smtp::SmtpServer;
use crate::pop3::{ConnectOptions, Security, Session};

/// Where the probes go and how long each may take (tests point them at loopback).
#[derive(Debug, Clone)]
pub struct Probe {
    pub ports: Vec<(u16, Security)>,
    pub timeout: Duration,
    /// Trust this CA file too (tests; an office's own CA).
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            ports: vec![(995, Security::Tls), (110, Security::StartTls)],
            timeout: Duration::from_secs(5),
            ca_file: None,
        }
    }
}

/// How a provider lets a mail program sign in (the table's `auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum AuthKind {
    /// The account's own password.
    #[serde(rename = "password")]
    Password,
    /// Signing in at the provider (OAuth2: XOAUTH2 or OAUTHBEARER).
    #[serde(rename = "oauth2")]
    OAuth2,
    /// A password made for one program in the provider's settings, given where the
    /// password goes.
    #[serde(rename = "app-password")]
    AppPassword,
}

impl AuthKind {
    /// The table's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Password => "password",
            AuthKind::OAuth2 => "oauth2",
            AuthKind::AppPassword => "app-password",
        }
    }
}

/// True unless the provider is known to refuse passwords of every kind (an empty list,
/// as from a probe, says nothing).
fn accepts_password(auth: &[AuthKind]) -> bool {
    auth.is_empty()
        || auth
            .iter()
            .any(|a| matches!(a, AuthKind::Password | AuthKind::AppPassword))
}

/// True when the provider takes OAuth2 and nothing else.
fn oauth2_only(auth: &[AuthKind]) -> bool {
    !auth.is_empty() && auth.iter().all(|a| *a == AuthKind::OAuth2)
}

fn localized<'a>(note: Option<&'a str>, note_ja: Option<&'a str>) -> Option<&'a str> {
    match crate::i18n::language() {
        crate::i18n::Language::Japanese => note_ja.or(note),
        crate::i18n::Language::English => note,
    }
}

/// What the provider table says about signing in at a provider, and where it says it
/// from: for the account dialog and the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAuth {
    /// How a mail program signs in, in the table's order; empty for a provider without
    /// POP3.
    pub auth: Vec<AuthKind>,
    /// A page for the user (Google's app password page, Microsoft's POP settings page).
    pub help: Option<String>,
    /// The pages the table's row was checked against (at least one).
    pub sources: Vec<String>,
    /// False for a provider that offers no POP3 (iCloud): then `note` says so.
    pub offers_pop: bool,
    pub note: Option<String>,
    pub note_ja: Option<String>,
}

impl ProviderAuth {
    /// The hint in the interface's language.
    pub fn note(&self) -> Option<&str> {
        localized(self.note.as_deref(), self.note_ja.as_deref())
    }

    /// False when the provider takes no password of any kind (Microsoft: OAuth2 only).
    pub fn accepts_password(&self) -> bool {
        accepts_password(&self.auth)
    }

    /// True when the provider takes OAuth2 and nothing else.
    pub fn oauth2_only(&self) -> bool {
        oauth2_only(&self.auth)
    }

    /// True when the provider lists this way of signing in.
    pub fn allows(&self, kind: AuthKind) -> bool {
        self.auth.contains(&kind)
    }
}

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// How it was found: the provider table, or a probe.
    pub from_table: bool,
    /// A hint from the table (e.g. "Turn on POP in Gmail's settings first.").
    pub note: Option<String>,
    /// The same hint in Japanese.
    pub note_ja: Option<String>,
    /// The provider's outgoing (SMTP submission) server, from the table.
    pub smtp: Option<SmtpServer>,
    /// How the provider lets a mail program sign in, with the table's help page and
    /// sources; None when probed. (Boxed: `Found` travels in the dialog's messages.)
    pub sign_in: Option<Box<ProviderAuth>>,
}

impl Found {
    /// The table's hint in the interface's language.
    pub fn note(&self) -> Option<&str> {
        localized(self.note.as_deref(), self.note_ja.as_deref())
    }

    /// How the provider lets a mail program sign in; empty when probed (unknown).
    pub fn auth(&self) -> &[AuthKind] {
        self.sign_in.as_ref().map_or(&[], |s| &s.auth)
    }

    /// The table's page for the user (e.g. Google's app password page).
    pub fn help(&self) -> Option<&str> {
        self.sign_in.as_ref()?.help.as_deref()
    }

    /// False when the provider takes no password of any kind (Microsoft: OAuth2 only);
    /// true when probed.
    pub fn accepts_password(&self) -> bool {
        accepts_password(self.auth())
    }

    /// True when the provider takes OAuth2 and nothing else.
    pub fn oauth2_only(&self) -> bool {
        oauth2_only(self.auth())
    }
}

/// A provider's incoming POP3 server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// The provider table's row for a domain, with `{domain}` filled in. Unlike [`Found`],
/// it is there for providers that offer no POP3 too, so that the dialog and the CLI can
/// say why nothing can be set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The row's domains (the address's own domain may be a subdomain of one of them).
    pub domains: Vec<String>,
    /// The POP3 server; None when the provider offers no POP3 (see `sign_in.note`).
    pub pop: Option<PopServer>,
    /// The outgoing (SMTP submission) server.
    pub smtp: Option<SmtpServer>,
    /// Signing in, the help page, the sources and the hints.
    pub sign_in: ProviderAuth,
}

impl ProviderInfo {
    /// False for providers without POP3 (iCloud).
    pub fn offers_pop(&self) -> bool {
        self.pop.is_some()
    }
}

#[derive(Deserialize)]
struct Table {
    providers: Vec<Row>,
}

/// One row of assets/providers.json. Every field but `domains` may be left out, so
/// rows written before `auth`, `source`, `help` and `pop` existed still read.
#[derive(Deserialize)]
struct Row {
    domains: Vec<String>,
    /// Addresses at subdomains of `domains` match too.
    #[serde(default)]
    subdomains: bool,
    /// False: the provider offers no POP3.
    #[serde(default = "yes")]
    pop: bool,
    host: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    note: Option<String>,
    note_ja: Option<String>,
    smtp: Option<Submission>,
    #[serde(default)]
    auth: Vec<AuthKind>,
    #[serde(default)]
    source: Sources,
    help: Option<String>,
}

fn yes() -> bool {
    true
}

/// `source`: one address or a list of them.
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Sources {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Sources {
    fn to_vec(&self) -> Vec<String> {
        match self {
            Sources::None => Vec::new(),
            Sources::One(one) => vec![one.clone()],
            Sources::Many(many) => many.clone(),
        }
    }
}

#[derive(Deserialize)]
struct Submission {
    host: String,
    port: u16,
    security: String,
}

/// The table, read once.
fn table() -> Option<&'static [Row]> {
    static TABLE: std::sync::OnceLock<Option<Vec<Row>>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            match serde_json::from_str::<Table>(include_str!("../../assets/providers.json")) {
                Ok(table) => Some(table.providers),
                Err(e) => {
                    // The tests read the table; a broken one costs only the lookup, not
                    // the dialog.
                    tracing::error!("assets/providers.json is not a valid provider table: {e}");
                    None
                }
            }
        })
        .as_deref()
}

impl Row {
    fn matches_exactly(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| d == domain)
    }

    fn matches_below(&self, domain: &str) -> bool {
        self.subdomains
            && self.domains.iter().any(|d| {
                domain
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
            })
    }

    fn info(&self, domain: &str) -> ProviderInfo {
        let fill = |host: &str| host.replace("{domain}", domain);
        let pop = match (self.pop, &self.host, self.port) {
            (true, Some(host), Some(port)) => Some(PopServer {
                host: fill(host),
                port,
                security: self
                    .security
                    .as_deref()
                    .map_or(Ok(Security::Tls), str::parse)
                    .unwrap_or(Security::Tls),
            }),
            _ => None,
        };
        ProviderInfo {
            domains: self.domains.clone(),
            sign_in: ProviderAuth {
                auth: self.auth.clone(),
                help: self.help.clone(),
                sources: self.source.to_vec(),
                offers_pop: pop.is_some(),
                note: self.note.clone(),
                note_ja: self.note_ja.clone(),
            },
            pop,
            smtp: self.smtp.as_ref().and_then(|s| {
                Some(SmtpServer {
                    port: s.port,
                    security: s.security.parse().ok()?,
                    ..SmtpServer::new(fill(&s.host))
                })
            }),
        }
    }
}

/// The domain of an address, lower-case, or None when it is not an address.
pub fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    (!local.is_empty() && domain.contains('.') && !domain.contains(char::is_whitespace))
        .then_some(domain)
}

/// The provider table's row for a domain (lower-case, as [`domain_of`] gives it),
/// whether or not the provider offers POP3: a row naming the domain itself first, then
/// one whose `subdomains` covers it.
pub fn provider(domain: &str) -> Option<ProviderInfo> {
    let rows = table()?;
    rows.iter()
        .find(|row| row.matches_exactly(domain))
        .or_else(|| rows.iter().find(|row| row.matches_below(domain)))
        .map(|row| row.info(domain))
}

/// What the table says about signing in at the provider of a domain (lower-case), with
/// its help page, sources and hints; also for a provider that offers no POP3.
pub fn provider_auth(domain: &str) -> Option<ProviderAuth> {
    provider(domain).map(|info| info.sign_in)
}

/// The provider table's entry for a domain; None for a provider that offers no POP3
/// ([`provider`] tells those apart).
pub fn from_table(domain: &str) -> Option<Found> {
    provider(domain).and_then(Found::from_info)
}

impl Found {
    fn from_info(info: ProviderInfo) -> Option<Found> {
        let pop = info.pop?;
        Some(Found {
            host: pop.host,
            port: pop.port,
            security: pop.security,
            from_table: true,
            note: info.sign_in.note.clone(),
            note_ja: info.sign_in.note_ja.clone(),
            smtp: info.smtp,
            sign_in: Some(Box::new(info.sign_in)),
        })
    }
}

/// The table first, then the probes, best first: TLS before STARTTLS, and pop. before
/// mail. before the bare domain. None without probing for a provider the table knows to
/// offer no POP3.
pub async fn detect(email: &str, probe: &Probe) -> Option<Found> {
    let domain = domain_of(email)?;
    if let Some(info) = provider(&domain) {
        // The table knows the provider. One without POP3 (iCloud) has nothing to probe
        // for: `provider` says why.
        return Found::from_info(info);
    }
    let hosts = [
        format!("pop.{domain}"),
        format!("mail.{domain}"),
        domain.clone(),
    ];
    let mut candidates = Vec::new();
    for (port, security) in &probe.ports {
        for host in &hosts {
            candidates.push((host.clone(), *port, *security));
        }
    }
    let mut attempts = tokio::task::JoinSet::new();
    for (index, (host, port, security)) in candidates.iter().enumerate() {
        let mut options = ConnectOptions::new(host.clone(), *port, *security);
        options.timeout = probe.timeout;
        options.ca_file = probe.ca_file.clone();
        let limit = probe.timeout;
        attempts.spawn(async move {
            // Connecting reads the greeting and CAPA, and for STARTTLS completes STLS.
            let session = tokio::time::timeout(limit, Session::connect(&options)).await;
            (index, matches!(session, Ok(Ok(_))))
        });
    }
    let mut answered = vec![false; candidates.len()];
    while let Some(Ok((index, ok))) = attempts.join_next().await {
        answered[index] = ok;
    }
    candidates
        .into_iter()
        .zip(answered)
        .find(|(_, ok)| *ok)
        .map(|((host, port, security), _)| Found {
            host,
            port,
            security,
            from_table: false,
            smtp: None,
            note: None,
            note_ja: None,
            sign_in: None,
        })
}

#[cfg(test)]
mod tests;
