use super::*;

fn good() -> Settings {
    Settings {
        name: "home".into(),
        email: "a@b.c".into(),
        host: "pop.b.c".into(),
        port: 995,
        security: Security::Tls,
        user: "a".into(),
        ..Settings::default()
    }
}

#[test]
fn keep_round_trips() {
    crate::i18n::set_thread_language(crate::i18n::Language::English);
    for k in [Keep::Delete, Keep::Forever, Keep::Days(14)] {
        assert_eq!(k.to_string().parse::<Keep>(), Ok(k));
    }
    assert_eq!("DAYS:3".parse::<Keep>(), Ok(Keep::Days(3)));
    assert!("days:x".parse::<Keep>().is_err());
    let e = "sometimes".parse::<Keep>().unwrap_err();
    assert!(e.contains("unknown keep mode"), "{e}");
}

/// One range for `--keep days:N`, the dialog and the accounts file: 1 to 3650 days.
#[test]
fn days_to_keep_are_one_to_3650() {
    crate::i18n::set_thread_language(crate::i18n::Language::English);
    assert_eq!(Keep::days(0), Err(Problem::DaysOutOfRange));
    assert_eq!(Keep::days(1), Ok(Keep::Days(1)));
    assert_eq!(Keep::days(3650), Ok(Keep::Days(3650)));
    assert_eq!(Keep::days(3651), Err(Problem::DaysOutOfRange));
    for (typed, parsed) in [
        ("days:0", Err("Keep for 1 to 3650 days.".to_string())),
        ("days:1", Ok(Keep::Days(1))),
        ("days:3650", Ok(Keep::Days(3650))),
        ("days:3651", Err("Keep for 1 to 3650 days.".to_string())),
    ] {
        assert_eq!(typed.parse::<Keep>(), parsed, "{typed}");
    }
    let long = Settings {
        keep: Keep::Days(3651),
        ..good()
    };
    assert_eq!(long.validate(), Err(Problem::DaysOutOfRange));
}

#[test]
fn validation_names_the_field_and_what_is_wrong() {
    assert_eq!(good().validate(), Ok(()));
    let bad = Settings {
        host: "pop b".into(),
        ..good()
    };
    assert_eq!(bad.validate(), Err(Problem::HostInvalid));
    assert_eq!(Problem::HostInvalid.field(), Field::Host);
    let bad = Settings {
        user: " ".into(),
        ..good()
    };
    assert_eq!(bad.validate(), Err(Problem::UserMissing));
    let bad = Settings {
        name: "x\nother".into(),
        email: "not an address".into(),
        port: 0,
        size_limit: Some(10),
        check_every_minutes: Some(1441),
        ..good()
    };
    assert_eq!(
        bad.problems(),
        [
            Problem::EmailInvalid,
            Problem::ControlCharacters(Field::Name),
            Problem::PortInvalid,
            Problem::SizeLimitOutOfRange,
            Problem::MinutesOutOfRange,
        ]
    );
}

/// The window in Japanese says what is wrong in Japanese: no English from validation.
/// Every problem there is: a new one does not compile here until it is listed below.
fn every_problem() -> Vec<Problem> {
    let all = vec![
        Problem::EmailMissing,
        Problem::EmailInvalid,
        Problem::NameMissing,
        Problem::NameTaken("home".into()),
        Problem::HostMissing,
        Problem::HostInvalid,
        Problem::PortInvalid,
        Problem::PlainUnconfirmed,
        Problem::UserMissing,
        Problem::PasswordMissing,
        Problem::DaysOutOfRange,
        Problem::SizeLimitOutOfRange,
        Problem::MinutesOutOfRange,
        Problem::ControlCharacters(Field::Name),
        Problem::ControlCharacters(Field::SmtpUser),
        Problem::EmailNeededToSend,
        Problem::SmtpHostMissing,
        Problem::SmtpHostInvalid,
        Problem::SmtpPortInvalid,
        Problem::SmtpPlainUnconfirmed,
        Problem::SmtpPasswordMissing,
        Problem::SignInMismatch,
        Problem::SignInIssuerMissing,
        Problem::SignInIssuerInvalid,
        Problem::SignInClientIdMissing,
        Problem::SmtpSignIn,
        Problem::NotSignedIn,
        Problem::SignInUnencrypted(Field::Security),
    ];
    for problem in &all {
        match problem {
            Problem::EmailMissing
            | Problem::EmailInvalid
            | Problem::NameMissing
            | Problem::NameTaken(_)
            | Problem::HostMissing
            | Problem::HostInvalid
            | Problem::PortInvalid
            | Problem::PlainUnconfirmed
            | Problem::UserMissing
            | Problem::PasswordMissing
            | Problem::DaysOutOfRange
            | Problem::SizeLimitOutOfRange
            | Problem::MinutesOutOfRange
            | Problem::ControlCharacters(_)
            | Problem::EmailNeededToSend
            | Problem::SmtpHostMissing
            | Problem::SmtpHostInvalid
            | Problem::SmtpPortInvalid
            | Problem::SmtpPlainUnconfirmed
            | Problem::SmtpPasswordMissing
            | Problem::SignInMismatch
            | Problem::SignInIssuerMissing
            | Problem::SignInIssuerInvalid
            | Problem::SignInClientIdMissing
            | Problem::SmtpSignIn
            | Problem::NotSignedIn
            | Problem::SignInUnencrypted(_) => {}
        }
    }
    all
}

#[test]
fn problems_are_said_in_the_interface_language() {
    crate::i18n::set_thread_language(crate::i18n::Language::Japanese);
    let all = every_problem();
    for problem in &all {
        let said = problem.sentence();
        let english_word = said
            .split(|c: char| !c.is_ascii_alphabetic())
            // Names are names in Japanese too.
            .find(|w| {
                w.len() > 3
                    && ![
                        "home",
                        "name",
                        "example",
                        "Microsoft",
                        "Google",
                        "OAuth",
                        "https",
                        "http",
                        "STARTTLS",
                    ]
                    .contains(w)
            });
        assert!(english_word.is_none(), "{problem:?}: {said}");
    }
    let e = "days:0".parse::<Keep>().unwrap_err();
    assert!(e.contains("3650") && !e.contains("Keep"), "{e}");
    let e = "sometimes".parse::<Keep>().unwrap_err();
    assert!(!e.contains("unknown"), "{e}");
    crate::i18n::set_thread_language(crate::i18n::Language::English);
}

#[test]
fn an_outgoing_server_is_checked_like_the_incoming_one() {
    use crate::accounts::smtp::SmtpServer;
    let mut settings = good();
    settings.smtp = Some(SmtpServer {
        port: 0,
        ..SmtpServer::new("smtp example.jp")
    });
    let problems = settings.problems();
    assert!(problems.contains(&Problem::SmtpHostInvalid), "{problems:?}");
    assert!(problems.contains(&Problem::SmtpPortInvalid), "{problems:?}");
    settings.smtp = Some(SmtpServer::new(" "));
    assert!(settings.problems().contains(&Problem::SmtpHostMissing));
    settings.smtp = Some(SmtpServer {
        user: "a\nb".into(),
        ..SmtpServer::new("smtp.example.jp")
    });
    assert_eq!(
        settings.problems(),
        [Problem::ControlCharacters(Field::SmtpUser)]
    );
    settings.smtp = Some(SmtpServer::new("smtp.example.jp"));
    settings.email.clear();
    assert_eq!(settings.problems(), [Problem::EmailNeededToSend]);
}

#[test]
fn a_sign_in_goes_with_the_oauth2_login_only() {
    use super::oauth::{OAuth, Provider};
    let base = Settings {
        name: "a".into(),
        host: "pop.example.com".into(),
        user: "u".into(),
        ..Settings::default()
    };
    let with = |auth, oauth| Settings {
        auth,
        oauth,
        ..base.clone()
    };
    let custom = |issuer: Option<&str>, id: Option<&str>| OAuth {
        provider: Provider::Custom,
        issuer: issuer.map(str::to_string),
        client_id: id.map(str::to_string),
    };
    assert_eq!(with(AuthMethod::Automatic, None).validate(), Ok(()));
    let google = Some(OAuth::new(Provider::Google));
    assert_eq!(with(AuthMethod::OAuth2, google.clone()).validate(), Ok(()));
    for (auth, oauth, problem) in [
        (AuthMethod::OAuth2, None, Problem::SignInMismatch),
        (AuthMethod::Plain, google, Problem::SignInMismatch),
        (
            AuthMethod::OAuth2,
            Some(custom(None, Some("id"))),
            Problem::SignInIssuerMissing,
        ),
        (
            AuthMethod::XOAuth2,
            Some(custom(Some("http://issuer.example.com"), Some("id"))),
            Problem::SignInIssuerInvalid,
        ),
        (
            AuthMethod::OAuth2,
            Some(custom(Some("https://issuer.example.com"), Some(" "))),
            Problem::SignInClientIdMissing,
        ),
    ] {
        assert_eq!(with(auth, oauth).validate(), Err(problem));
    }
    let local = custom(Some("http://127.0.0.1:8080/realm"), Some("id"));
    assert_eq!(with(AuthMethod::OAuth2, Some(local)).validate(), Ok(()));
    // Sending: the token only with a sign-in; a sign-in without a password of its own
    // for the outgoing server sends with the token.
    let sending = |auth, oauth, login, own_password| Settings {
        email: "a@example.com".into(),
        smtp: Some(smtp::SmtpServer {
            login,
            own_password,
            ..smtp::SmtpServer::new("smtp.example.com")
        }),
        ..with(auth, oauth)
    };
    let google = || Some(OAuth::new(Provider::Google));
    use smtp::SmtpLogin as L;
    for (auth, oauth, login, own, ok) in [
        (AuthMethod::OAuth2, google(), L::OAuth2, false, true),
        (AuthMethod::OAuth2, google(), L::Plain, true, true),
        (AuthMethod::OAuth2, google(), L::Plain, false, false),
        (AuthMethod::OAuth2, google(), L::None, false, true),
        (AuthMethod::Automatic, None, L::OAuth2, false, false),
        (AuthMethod::Automatic, None, L::Plain, false, true),
    ] {
        let result = sending(auth, oauth, login, own).validate();
        assert_eq!(result.is_ok(), ok, "{login:?} {own} {result:?}");
        if !ok {
            assert_eq!(result, Err(Problem::SmtpSignIn));
        }
    }
}
