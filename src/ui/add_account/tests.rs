use super::*;
use crate::accounts::Problem;
use crate::i18n::{Language, set_thread_language};

fn form(messages: Vec<Message>) -> AddAccount {
    let paths = Paths::at(std::env::temp_dir().join("poplar-form-test-unused"));
    let mut dialog = AddAccount::default();
    for message in messages {
        let _ = dialog.update(message, &paths);
    }
    dialog
}

/// The checks every account gets (the command line's too) show under their fields, in the
/// window's language: before, a problem only `Settings::validate` found was an English
/// sentence the dialog dropped, and Save did nothing.
#[test]
fn the_shared_checks_show_under_their_fields_in_japanese() {
    set_thread_language(Language::Japanese);
    let dialog = form(vec![
        Message::Email("taro@example.jp".into()),
        Message::Name("taro\nother".into()),
        Message::Host("pop/example.jp".into()),
        Message::Password("secret".into()),
        Message::Days("3651".into()),
    ]);
    let problems = dialog.problems();
    assert_eq!(
        problems.keys().copied().collect::<Vec<_>>(),
        [Field::Name, Field::Host, Field::Days]
    );
    assert_eq!(
        problems[&Field::Name],
        Problem::ControlCharacters(Field::Name)
    );
    let said: Vec<String> = problems.values().map(Problem::sentence).collect();
    assert_eq!(
        said,
        [
            "アカウント名に改行などの制御文字は使えません。",
            "サーバー名に空白、スラッシュ、@ は使えません。",
            "保管日数は 1〜3650 日です。",
        ]
    );
    assert!(dialog.settings().is_none());
    set_thread_language(Language::English);
}

/// 0 and 3651 days are refused, 1 and 3650 taken, as `Keep::days` says.
#[test]
fn the_dialog_keeps_one_to_3650_days() {
    for (days, keep) in [
        ("0", None),
        ("1", Some(Keep::Days(1))),
        ("3650", Some(Keep::Days(3650))),
        ("3651", None),
    ] {
        let dialog = form(vec![
            Message::Email("taro@example.jp".into()),
            Message::Host("pop.example.jp".into()),
            Message::Password("secret".into()),
            Message::Keep(KeepChoice::Days),
            Message::Days(days.into()),
        ]);
        assert_eq!(dialog.settings().map(|s| s.keep), keep, "{days}");
    }
}

/// The outgoing server: off by default; on, it is read into the settings, checked like
/// the incoming one (no encryption needs the explicit yes), and a security change moves
/// a default port along.
#[test]
fn the_outgoing_server_is_read_and_checked() {
    let base = || {
        vec![
            Message::Email("taro@example.jp".into()),
            Message::Host("pop.example.jp".into()),
            Message::Password("secret".into()),
        ]
    };
    assert_eq!(form(base()).settings().unwrap().smtp, None);

    let mut messages = base();
    messages.extend([
        Message::Sending(true),
        Message::SmtpHost("smtp.example.jp".into()),
        Message::SmtpSecurity(Security::Tls),
        Message::SmtpLogin(crate::accounts::smtp::SmtpLogin::PopBeforeSmtp),
        Message::SmtpJis(true),
    ]);
    let smtp = form(messages.clone()).settings().unwrap().smtp.unwrap();
    assert_eq!(
        (&*smtp.host, smtp.port, smtp.security),
        ("smtp.example.jp", 465, Security::Tls)
    );
    assert_eq!(smtp.charset, crate::compose::Charset::Iso2022Jp);
    assert_eq!(smtp.login, crate::accounts::smtp::SmtpLogin::PopBeforeSmtp);

    messages.push(Message::SmtpSecurity(Security::Plain));
    let dialog = form(messages.clone());
    assert_eq!(
        dialog.problems().keys().copied().collect::<Vec<_>>(),
        [Field::SmtpSecurity]
    );
    assert!(dialog.settings().is_none());
    messages.push(Message::ConfirmSmtpPlain(true));
    messages.push(Message::SmtpPort("".into()));
    let dialog = form(messages);
    assert_eq!(
        dialog.problems().keys().copied().collect::<Vec<_>>(),
        [Field::SmtpPort]
    );
}

/// "Find settings" fills in the provider's outgoing server too.
#[test]
fn found_settings_fill_in_the_outgoing_server() {
    let mut dialog = form(vec![Message::Email("taro@ocn.ne.jp".into())]);
    let found = crate::detect::from_table("ocn.ne.jp");
    let paths = Paths::at(std::env::temp_dir().join("poplar-form-test-unused"));
    let _ = dialog.update(Message::Detected(found), &paths);
    let _ = dialog.update(Message::Password("secret".into()), &paths);
    let smtp = dialog.settings().unwrap().smtp.unwrap();
    assert_eq!((&*smtp.host, smtp.port), ("smtp.ocn.ne.jp", 465));
}
