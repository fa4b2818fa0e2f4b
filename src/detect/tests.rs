use super::*;

const MICROSOFT: [&str; 7] = [
    "outlook.com",
    "hotmail.com",
    "hotmail.co.jp",
    "live.com",
    "live.jp",
    "msn.com",
    "outlook.jp",
];

/// The table as written, strictly: a typo in `auth` or a misplaced field fails here
/// rather than leaving the lookup empty.
fn rows() -> Vec<Row> {
    serde_json::from_str::<Table>(include_str!("../../assets/providers.json"))
        .expect("assets/providers.json reads")
        .providers
}

/// Every row read through the public lookup, by its first domain.
fn infos() -> Vec<ProviderInfo> {
    rows()
        .iter()
        .map(|row| provider(&row.domains[0]).expect("every row is found by its domain"))
        .collect()
}

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
    assert_eq!(provider("example.invalid"), None);
    let ocn = from_table("ocn.ne.jp").unwrap().smtp.unwrap();
    assert_eq!(
        (&*ocn.host, ocn.port, ocn.security),
        ("smtp.ocn.ne.jp", 465, Security::Tls)
    );
}

#[test]
fn every_row_parses() {
    let rows = rows();
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(!row.domains.is_empty());
        for domain in &row.domains {
            assert_eq!(domain, &domain.to_ascii_lowercase(), "{domain}");
            assert!(domain.contains('.') && !domain.starts_with('.'), "{domain}");
        }
        if let Some(security) = &row.security {
            security
                .parse::<Security>()
                .unwrap_or_else(|e| panic!("{:?}: {e}", row.domains));
        }
        if let Some(smtp) = &row.smtp {
            smtp.security
                .parse::<Security>()
                .unwrap_or_else(|e| panic!("{:?}: {e}", row.domains));
        }
        if !row.pop {
            assert!(
                row.host.is_none() && row.port.is_none() && row.security.is_none(),
                "{:?}: no POP3, yet a POP3 server",
                row.domains
            );
            assert!(
                row.note.is_some() && row.note_ja.is_some(),
                "{:?}: a row without POP3 must say so in both languages",
                row.domains
            );
        }
        if row.note.is_some() {
            assert!(
                row.note_ja.is_some(),
                "{:?}: note without note_ja",
                row.domains
            );
        }
    }
}

#[test]
fn no_domain_is_in_two_rows() {
    let mut seen = std::collections::HashSet::new();
    for row in rows() {
        for domain in row.domains {
            assert!(seen.insert(domain.clone()), "{domain} is in two rows");
        }
    }
}

#[test]
fn every_row_has_a_source() {
    for info in infos() {
        let sign_in = &info.sign_in;
        assert!(!sign_in.sources.is_empty(), "{:?}: no source", info.domains);
        for url in sign_in.sources.iter().chain(&sign_in.help) {
            assert!(
                (url.starts_with("https://") || url.starts_with("http://"))
                    && url.contains('.')
                    && !url.contains(char::is_whitespace),
                "{:?}: {url}",
                info.domains
            );
        }
    }
}

/// Microsoft turned off passwords over POP3 for personal accounts in September 2024.
#[test]
fn microsoft_domains_are_oauth2_only() {
    for domain in MICROSOFT {
        let found = from_table(domain).unwrap_or_else(|| panic!("{domain}"));
        assert_eq!(found.auth(), [AuthKind::OAuth2], "{domain}");
        assert!(found.oauth2_only() && !found.accepts_password(), "{domain}");
        assert_eq!(
            (found.host.as_str(), found.port, found.security),
            ("outlook.office365.com", 995, Security::Tls),
            "{domain}"
        );
        let smtp = found.smtp.unwrap();
        assert_eq!(
            (&*smtp.host, smtp.port, smtp.security),
            ("smtp-mail.outlook.com", 587, Security::StartTls),
            "{domain}"
        );
        let sign_in = provider_auth(domain).unwrap();
        assert!(sign_in.oauth2_only() && !sign_in.allows(AuthKind::Password));
        assert!(sign_in.offers_pop && sign_in.help.is_some(), "{domain}");
    }
}

#[test]
fn gmail_takes_oauth2_or_an_app_password_and_links_the_help_page() {
    for domain in ["gmail.com", "googlemail.com"] {
        let found = from_table(domain).unwrap();
        assert!(found.auth().contains(&AuthKind::OAuth2), "{domain}");
        assert!(found.auth().contains(&AuthKind::AppPassword), "{domain}");
        assert!(!found.auth().contains(&AuthKind::Password), "{domain}");
        assert!(found.accepts_password() && !found.oauth2_only());
        assert_eq!(
            found.help(),
            Some("https://support.google.com/accounts/answer/185833")
        );
        let note = found.note.as_deref().unwrap();
        assert!(note.contains("app password") && note.contains("2-Step Verification"));
        assert!(note.contains("sign in with Google"));
        let note_ja = found.note_ja.as_deref().unwrap();
        assert!(note_ja.contains("アプリ パスワード") && note_ja.contains("2 段階認証"));
    }
}

/// A row that offers POP3 needs a server and a way to sign in; one that does not
/// (iCloud) is found by `provider` but gives nothing to `from_table`.
#[test]
fn rows_with_pop_have_a_server() {
    for info in infos() {
        let domain = &info.domains[0];
        match &info.pop {
            Some(pop) => {
                assert!(
                    pop.host.contains('.') && !pop.host.contains(['{', '}']),
                    "{domain}"
                );
                assert!(!info.sign_in.auth.is_empty(), "{domain}: no auth");
                assert!(info.sign_in.offers_pop, "{domain}");
                assert!(from_table(domain).is_some(), "{domain}");
            }
            None => {
                let sign_in = &info.sign_in;
                assert!(
                    sign_in.note.is_some() && sign_in.note_ja.is_some(),
                    "{domain}"
                );
                assert!(!sign_in.offers_pop, "{domain}");
                assert_eq!(from_table(domain), None, "{domain}");
            }
        }
    }
    assert!(!provider("icloud.com").unwrap().offers_pop());
    let icloud = provider_auth("icloud.com").unwrap();
    assert!(!icloud.offers_pop);
    assert!(
        icloud
            .note
            .as_deref()
            .unwrap()
            .contains("does not offer POP")
    );
    assert!(
        icloud
            .note_ja
            .as_deref()
            .unwrap()
            .contains("POP に対応しておらず")
    );
    for domain in ["icloud.com", "me.com", "mac.com"] {
        assert_eq!(from_table(domain), None, "{domain}");
    }
}

#[test]
fn ports_are_sane() {
    for info in infos() {
        let domain = &info.domains[0];
        if let Some(pop) = &info.pop {
            match pop.security {
                Security::Tls => assert_eq!(pop.port, 995, "{domain}"),
                Security::StartTls => assert_eq!(pop.port, 110, "{domain}"),
                Security::Plain => panic!("{domain}: POP3 without TLS"),
            }
        }
        // A row that offers POP3 gives the outgoing server too, or sending would be
        // left unset for that provider.
        let Some(smtp) = info.smtp else {
            assert!(!info.offers_pop(), "{domain}: no smtp");
            continue;
        };
        assert!(smtp.host.contains('.'), "{domain}");
        match smtp.security {
            Security::Tls => assert_eq!(smtp.port, 465, "{domain}"),
            Security::StartTls => assert_eq!(smtp.port, 587, "{domain}"),
            Security::Plain => panic!("{domain}: SMTP without TLS"),
        }
    }
}

/// BIGLOBE and au one net give each member a subdomain; a row with `subdomains`
/// covers them (and au's servers carry the address's own domain).
#[test]
fn subdomains_and_host_templates() {
    let biglobe = from_table("abc.biglobe.ne.jp").unwrap();
    assert_eq!(biglobe.host, "mail.biglobe.ne.jp");
    let au = from_table("ab.auone-net.jp").unwrap();
    assert_eq!((au.host.as_str(), au.port), ("pop.ab.auone-net.jp", 995));
    let smtp = au.smtp.unwrap();
    assert_eq!(
        (&*smtp.host, smtp.port, smtp.security),
        ("msa.ab.auone-net.jp", 465, Security::Tls)
    );
    // Only real subdomains, and only for rows that ask for them.
    assert_eq!(provider("notbiglobe.ne.jp"), None);
    assert_eq!(provider("gmail.com.example"), None);
    assert_eq!(provider("mail.gmail.com"), None);
    assert_eq!(provider("eco.ocn.ne.jp"), None);
}

/// Rows written before `auth`, `source`, `help` and `pop` still read.
#[test]
fn old_rows_still_read() {
    let table: Table = serde_json::from_str(
        r#"{ "providers": [ { "domains": ["example.jp"], "host": "pop.example.jp",
             "port": 995, "security": "tls",
             "smtp": { "host": "smtp.example.jp", "port": 587, "security": "starttls" } } ] }"#,
    )
    .unwrap();
    let info = table.providers[0].info("example.jp");
    assert_eq!(
        info.pop,
        Some(PopServer {
            host: "pop.example.jp".into(),
            port: 995,
            security: Security::Tls
        })
    );
    let sign_in = &info.sign_in;
    assert!(sign_in.auth.is_empty() && sign_in.sources.is_empty());
    assert!(sign_in.help.is_none() && sign_in.offers_pop);
    assert!(sign_in.accepts_password() && !sign_in.oauth2_only());
}

/// The table knows iCloud has no POP3: detecting answers at once, without probing.
#[tokio::test]
async fn a_provider_without_pop_is_not_probed() {
    let probe = Probe {
        ports: vec![(9, Security::Tls)],
        timeout: Duration::from_secs(30),
        ca_file: None,
    };
    let started = std::time::Instant::now();
    assert_eq!(detect("taro@icloud.com", &probe).await, None);
    assert!(started.elapsed() < Duration::from_secs(5));
    let gmail = detect("taro@gmail.com", &probe).await.unwrap();
    assert!(gmail.from_table && gmail.auth().contains(&AuthKind::AppPassword));
}
