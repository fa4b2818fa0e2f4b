use super::*;

#[test]
fn round_trip_and_no_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.json");
    let accounts = vec![
        Settings {
            name: "sales".into(),
            email: "sales@example.co.jp".into(),
            host: "pop.example.co.jp".into(),
            user: "sales".into(),
            keep: Keep::Days(30),
            size_limit: Some(5 << 20),
            ..Settings::default()
        },
        Settings {
            name: "info".into(),
            host: "mail.example.org".into(),
            port: 110,
            security: Security::StartTls,
            user: "info@example.org".into(),
            keep: Keep::Delete,
            auth: AuthMethod::CramMd5,
            check_every_minutes: None,
            ..Settings::default()
        },
    ];
    export(&path, &accounts).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"keep\": \"days:30\""), "{text}");
    assert!(
        !text.contains("smtp"),
        "no outgoing server, no section: {text}"
    );
    assert!(!text.to_lowercase().contains("password"));
    assert_eq!(import(&path).unwrap(), accounts);
}

#[test]
fn mistakes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, r#"{"poplar_accounts": 1, "accounts": [{"name": "x", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "sometimes"}]}"#).unwrap();
    let e = import(&path).unwrap_err().to_string();
    assert!(
        e.contains("account \"x\"") && e.contains("unknown keep mode"),
        "{e}"
    );
    std::fs::write(&path, "not json").unwrap();
    assert!(
        import(&path)
            .unwrap_err()
            .to_string()
            .contains("not a Poplar accounts file")
    );
}

fn one_account(dir: &Path, fields: &str) -> std::path::PathBuf {
    let path = dir.join("one.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"poplar_accounts": 1, "accounts": [{{"name": "x", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "forever"{fields}}}]}}"#
        ),
    )
    .unwrap();
    path
}

/// Numbers out of the dialog's range are refused with the reason, as the dialog and
/// `poplar account add` refuse them: nothing is changed behind the reader's back.
#[test]
fn numbers_out_of_range_are_refused_with_the_dialogs_reason() {
    crate::i18n::set_thread_language(crate::i18n::Language::English);
    let dir = tempfile::tempdir().unwrap();
    let keeping = |keep: &str| {
        let path = one_account(dir.path(), "");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(r#""keep": "forever""#, &format!(r#""keep": "{keep}""#));
        std::fs::write(&path, text).unwrap();
        import(&path).map(|s| s[0].keep)
    };
    for days in [0, 3651, 5000] {
        let e = keeping(&format!("days:{days}")).unwrap_err().to_string();
        assert!(
            e.contains("account \"x\"") && e.contains("Keep for 1 to 3650 days."),
            "{days}: {e}"
        );
    }
    assert_eq!(keeping("days:1").unwrap(), Keep::Days(1));
    assert_eq!(keeping("days:3650").unwrap(), Keep::Days(3650));

    let path = one_account(dir.path(), r#", "size_limit": 0"#);
    let e = import(&path).unwrap_err().to_string();
    assert!(e.contains("Enter a size in KB"), "{e}");
    let path = one_account(dir.path(), r#", "check_every_minutes": 4000000000"#);
    let e = import(&path).unwrap_err().to_string();
    assert!(e.contains("Check every 1 to 1440 minutes."), "{e}");
    let path = one_account(
        dir.path(),
        r#", "size_limit": 4294967296, "check_every_minutes": 0"#,
    );
    let s = &import(&path).unwrap()[0];
    assert_eq!(s.size_limit, Some(4 << 30));
    assert_eq!(s.check_every_minutes, None, "0: only when asked");
}

#[test]
fn a_file_cannot_name_a_ca_file_or_hide_a_line_break_or_a_twin() {
    let dir = tempfile::tempdir().unwrap();
    let path = one_account(dir.path(), r#", "ca_file": "/tmp/evil.pem""#);
    let e = import(&path).unwrap_err().to_string();
    assert!(e.contains("unknown field `ca_file`"), "{e}");

    let path = dir.path().join("tricks.json");
    std::fs::write(&path, r#"{"poplar_accounts": 1, "accounts": [{"name": "x\nother: added", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "forever"}]}"#).unwrap();
    let e = import(&path).unwrap_err().to_string();
    assert!(
        e.contains(r#"account "x\nother: added""#) && e.contains("control characters"),
        "{e}"
    );

    let twin = r#"{"name": "x", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "forever"}"#;
    std::fs::write(
        &path,
        format!(r#"{{"poplar_accounts": 1, "accounts": [{twin}, {twin}]}}"#),
    )
    .unwrap();
    let e = import(&path).unwrap_err().to_string();
    assert!(e.contains("appears twice"), "{e}");

    std::fs::write(&path, " ".repeat((MAX_FILE_BYTES + 1) as usize)).unwrap();
    let e = import(&path).unwrap_err().to_string();
    assert!(e.contains("larger than an accounts file can be"), "{e}");
}

#[test]
fn weakenings_are_named_and_fingerprints_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = one_account(
        dir.path(),
        &format!(r#", "trusted_certificate_sha256": "{}""#, "ab".repeat(32)),
    );
    let s = &import(&path).unwrap()[0];
    let fingerprint = ["AB"; 32].join(":");
    assert_eq!(s.pinned_cert.as_deref(), Some(fingerprint.as_str()));
    assert_eq!(
        weakenings(s),
        [Weakening::PinnedCertificate(fingerprint.clone())]
    );
    let path = one_account(dir.path(), r#", "trusted_certificate_sha256": "AB:CD""#);
    let e = import(&path).unwrap_err().to_string();
    assert!(e.contains("is not a SHA-256 fingerprint"), "{e}");

    let plain = |auth| Settings {
        security: Security::Plain,
        auth,
        ..Settings::default()
    };
    for auth in [
        AuthMethod::Automatic,
        AuthMethod::UserPass,
        AuthMethod::Login,
    ] {
        assert_eq!(
            weakenings(&plain(auth)),
            [Weakening::Unencrypted {
                password_readable: true
            }],
            "{auth}"
        );
    }
    assert_eq!(
        weakenings(&plain(AuthMethod::CramMd5)),
        [Weakening::Unencrypted {
            password_readable: false
        }]
    );
    let default = Settings {
        auth: AuthMethod::UserPass,
        ..Settings::default()
    };
    assert!(
        weakenings(&default).is_empty(),
        "USER/PASS inside TLS is fine"
    );
}

#[test]
fn nothing_is_added_when_one_kind_of_weakening_is_not_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::Store::open(&dir.path().join("p.db")).unwrap();
    let path = dir.path().join("mixed.json");
    std::fs::write(&path, format!(r#"{{"poplar_accounts": 1, "accounts": [
        {{"name": "a", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "forever"}},
        {{"name": "b", "host": "h", "port": 110, "security": "plain", "user": "u", "keep": "forever"}},
        {{"name": "c", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "forever", "trusted_certificate_sha256": "{}"}}]}}"#, "0".repeat(64))).unwrap();
    let allowed = Allowed {
        plain: true,
        pinned: false,
    };
    let e = import_into(&store, &path, allowed).unwrap_err();
    assert!(
        matches!(&e, Error::Weakened { refused, .. } if refused.len() == 1),
        "{e}"
    );
    assert!(store.accounts().unwrap().is_empty());
    let imported = import_into(
        &store,
        &path,
        Allowed {
            plain: true,
            pinned: true,
        },
    )
    .unwrap();
    assert_eq!(imported.added, ["a", "b", "c"]);
    assert_eq!(imported.weakened.len(), 2);
}

/// What is wrong with an account in a file is said in the window's language: before, the
/// Japanese window showed validation's English ("the server name cannot contain spaces").
#[test]
fn a_mistake_in_a_file_is_said_in_the_interface_language() {
    crate::i18n::set_thread_language(crate::i18n::Language::Japanese);
    let dir = tempfile::tempdir().unwrap();
    let path = one_account(dir.path(), "");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(r#""host": "h""#, r#""host": "pop example""#);
    std::fs::write(&path, text).unwrap();
    match import(&path).unwrap_err() {
        Error::Invalid { detail, .. } => {
            assert_eq!(detail, "サーバー名に空白、スラッシュ、@ は使えません。");
        }
        other => panic!("{other}"),
    }
    crate::i18n::set_thread_language(crate::i18n::Language::English);
}

/// The outgoing server goes with its account, never its CA file (a path of this
/// computer); one without encryption is a weakening to accept, like the incoming one.
#[test]
fn the_outgoing_server_travels_with_its_account() {
    use crate::accounts::smtp::{SmtpLogin, SmtpServer};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.json");
    let server = SmtpServer {
        port: 465,
        security: Security::Tls,
        login: SmtpLogin::PopBeforeSmtp,
        charset: crate::compose::Charset::Iso2022Jp,
        signature: "山田太郎\n営業部".into(),
        own_password: true,
        ..SmtpServer::new("smtp.example.co.jp")
    };
    let sales = Settings {
        name: "sales".into(),
        email: "sales@example.co.jp".into(),
        host: "pop.example.co.jp".into(),
        user: "sales".into(),
        smtp: Some(SmtpServer {
            ca_file: Some("/etc/office-ca.pem".into()),
            ..server.clone()
        }),
        ..Settings::default()
    };
    export(&path, std::slice::from_ref(&sales)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("office-ca"), "{text}");
    let read = import(&path).unwrap();
    assert_eq!(read[0].smtp.as_ref(), Some(&server));
    assert!(weakenings(&read[0]).is_empty());

    let plain = Settings {
        smtp: Some(SmtpServer {
            security: Security::Plain,
            ..server
        }),
        ..sales
    };
    assert_eq!(
        weakenings(&plain),
        [Weakening::UnencryptedSending {
            password_readable: false
        }]
    );
    std::fs::write(
        &path,
        r#"{"poplar_accounts": 1, "accounts": [{"name": "x", "email": "x@example.jp", "host": "h", "port": 995, "security": "tls", "user": "u", "keep": "forever", "smtp": {"host": "s", "port": 587, "security": "tls", "charset": "shift_jis"}}]}"#,
    )
    .unwrap();
    let error = import(&path).unwrap_err().to_string();
    assert!(error.contains("shift_jis"), "{error}");
}

/// A sign-in travels (provider, issuer, client id; never a token); an issuer in a file
/// must be https.
#[test]
fn a_sign_in_travels_and_its_issuer_must_be_https() {
    use crate::accounts::oauth::{OAuth, Provider};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.json");
    let accounts = vec![Settings {
        name: "work".into(),
        host: "pop.example.co.jp".into(),
        user: "w".into(),
        auth: AuthMethod::OAuth2,
        oauth: Some(OAuth {
            provider: Provider::Custom,
            issuer: Some("https://sso.example.co.jp/realms/office".into()),
            client_id: Some("poplar".into()),
        }),
        ..Settings::default()
    }];
    export(&path, &accounts).unwrap();
    assert_eq!(import(&path).unwrap(), accounts);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("https://sso.example.co.jp", "http://127.0.0.1:8080");
    std::fs::write(&path, text).unwrap();
    let error = import(&path).unwrap_err().to_string();
    assert!(error.contains("not https://"), "{error}");
}
