//! Finding the incoming server from an email address: a small table of common providers
//! (assets/providers.json), then probing pop.DOMAIN, mail.DOMAIN and DOMAIN on 995 (TLS)
//! and 110 (STARTTLS), all at once, each with a short timeout. Nothing is sent but the
//! commands that show a POP3 server is there: no user name, no password.

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
}

impl Found {
    /// The table's hint in the interface's language.
    pub fn note(&self) -> Option<&str> {
        match crate::i18n::language() {
            crate::i18n::Language::Japanese => self.note_ja.as_deref().or(self.note.as_deref()),
            crate::i18n::Language::English => self.note.as_deref(),
        }
    }
}

#[derive(Deserialize)]
struct Table {
    providers: Vec<Provider>,
}

#[derive(Deserialize)]
struct Provider {
    domains: Vec<String>,
    host: String,
    port: u16,
    security: String,
    note: Option<String>,
    note_ja: Option<String>,
    smtp: Option<Submission>,
}

#[derive(Deserialize)]
struct Submission {
    host: String,
    port: u16,
    security: String,
}

/// The domain of an address, lower-case, or None when it is not an address.
pub fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    (!local.is_empty() && domain.contains('.') && !domain.contains(char::is_whitespace))
        .then_some(domain)
}

/// The provider table's entry for a domain.
pub fn from_table(domain: &str) -> Option<Found> {
    let table: Table = match serde_json::from_str(include_str!("../assets/providers.json")) {
        Ok(table) => table,
        Err(e) => {
            // The tests read the table; a broken one costs only the lookup, not the dialog.
            tracing::error!("assets/providers.json is not a valid provider table: {e}");
            return None;
        }
    };
    table
        .providers
        .into_iter()
        .find(|p| p.domains.iter().any(|d| d == domain))
        .map(|p| Found {
            host: p.host,
            port: p.port,
            security: p.security.parse().unwrap_or(Security::Tls),
            from_table: true,
            note: p.note,
            note_ja: p.note_ja,
            smtp: p.smtp.and_then(|s| {
                Some(SmtpServer {
                    port: s.port,
                    security: s.security.parse().ok()?,
                    ..SmtpServer::new(s.host)
                })
            }),
        })
}

/// The table first, then the probes, best first: TLS before STARTTLS, and pop. before
/// mail. before the bare domain.
pub async fn detect(email: &str, probe: &Probe) -> Option<Found> {
    let domain = domain_of(email)?;
    if let Some(found) = from_table(&domain) {
        return Some(found);
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
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_the_table() {
        assert_eq!(
            domain_of("Taro@Example.CO.JP").as_deref(),
            Some("example.co.jp")
        );
        assert_eq!(domain_of("nobody"), None);
        assert_eq!(domain_of("@x.y"), None);
        let gmail = from_table("gmail.com").unwrap();
        assert_eq!(
            (gmail.host.as_str(), gmail.port, gmail.security),
            ("pop.gmail.com", 995, Security::Tls)
        );
        assert!(gmail.note.is_some());
        assert_eq!(from_table("ocn.ne.jp").unwrap().host, "pop.ocn.ne.jp");
        assert_eq!(from_table("example.invalid"), None);
        let ocn = from_table("ocn.ne.jp").unwrap().smtp.unwrap();
        assert_eq!(
            (&*ocn.host, ocn.port, ocn.security),
            ("smtp.ocn.ne.jp", 465, Security::Tls)
        );
    }

    /// A table entry whose outgoing server does not read would silently leave sending
    /// unset for that provider.
    #[test]
    fn every_provider_in_the_table_has_an_outgoing_server() {
        let table: Table = serde_json::from_str(include_str!("../assets/providers.json")).unwrap();
        for p in &table.providers {
            let found = from_table(&p.domains[0]).unwrap();
            let smtp = found
                .smtp
                .unwrap_or_else(|| panic!("{:?}: no smtp", p.domains));
            assert!(smtp.host.contains('.'), "{:?}", p.domains);
            assert!([465, 587].contains(&smtp.port), "{:?}", p.domains);
        }
    }
}
