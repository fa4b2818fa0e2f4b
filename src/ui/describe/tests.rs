use super::*;
use crate::i18n::{Language, set_thread_language};
use crate::interrupted::Interrupted;
use crate::pop3;

/// A timeout says what Poplar was waiting for in the window's language: no English
/// words inside the Japanese sentence (they came from the protocol code before).
#[test]
fn a_timeout_names_its_step_in_the_interface_language() {
    let e = pop3::Error::Timeout {
        host: "pop.example.jp".into(),
        secs: 30,
        doing: pop3::Step::Greeting,
    };
    set_thread_language(Language::English);
    assert_eq!(pop3(&e), e.to_string());
    set_thread_language(Language::Japanese);
    let said = pop3(&e);
    assert!(said.contains("最初の応答を待っている間"), "{said}");
    let latin: String = said
        .replace("pop.example.jp", "")
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    assert!(latin.is_empty(), "English left in {said:?}: {latin}");
}

#[test]
fn errors_speak_the_interface_language() {
    let e = pop3::Error::LoginFailed {
        user: "alice".into(),
        host: "pop.example.jp".into(),
        server: "[AUTH] Authentication failed.".into(),
    };
    set_thread_language(Language::English);
    assert_eq!(pop3(&e), e.to_string());
    set_thread_language(Language::Japanese);
    let said = pop3(&e);
    assert!(
        said.contains("alice") && said.contains("pop.example.jp"),
        "{said}"
    );
    assert!(said.contains("ログイン"), "{said}");
    let refused = pop3(&pop3::Error::Refused {
        host: "localhost".into(),
        port: 995,
    });
    assert!(
        refused.contains("995") && refused.contains("接続"),
        "{refused}"
    );
}

/// A store failure during a fetch keeps its facts to the window, which says it from
/// the catalog in the interface's language (not the error's English text).
#[test]
fn a_store_failure_in_a_fetch_is_said_from_the_catalog() {
    let e = worker::FetchError::Store(store::Error::NoAccountFor(42));
    set_thread_language(Language::English);
    assert_eq!(
        fetch(&e),
        "message 42 belongs to no account (it was imported, or its account was removed)"
    );
    set_thread_language(Language::Japanese);
    let said = fetch(&e);
    assert!(said.contains("42") && said.contains("アカウント"), "{said}");
    let outdated = store::Error::Outdated {
        found: 14,
        known: 15,
    };
    assert!(outdated.said().contains("スキーマ 14"));
}

/// What is left of `said` once the facts inside it (names, the server's or a library's
/// words, product names) are taken out: Latin letters there are English Poplar wrote.
fn english_in(said: &str, facts: &[&str]) -> String {
    let mut rest = said.to_string();
    for fact in facts.iter().chain(&["Poplar", "SQLite"]) {
        rest = rest.replace(fact, "");
    }
    rest.chars().filter(char::is_ascii_alphabetic).collect()
}

fn in_japanese(said: impl FnOnce() -> String) -> String {
    set_thread_language(Language::Japanese);
    let said = said();
    set_thread_language(Language::English);
    said
}

/// A store failure during a fetch reached the window as English text inside a Japanese
/// sentence ("メールのデータベースでエラーが起きました: a message of …"): it is typed
/// now, and said from the catalog.
#[test]
fn a_store_failure_of_a_sync_is_said_in_japanese() {
    let e = worker::FetchError::Sync(sync::Error::Store(store::Error::TooLarge(5000)));
    let said = in_japanese(|| fetch(&e));
    assert!(said.contains("5000") && said.contains("バイト"), "{said}");
    assert_eq!(english_in(&said, &[]), "", "{said}");
    // The same in English, as the command line says it.
    assert_eq!(fetch(&e), e.to_string());

    let gone = sync::Error::Interrupted(Interrupted::Panicked);
    let said = in_japanese(|| gone.said());
    assert!(said.contains("不具合"), "{said}");
    assert_eq!(english_in(&said, &[]), "", "{said}");
}

/// The keyring's and the accounts file's store failures are the store's, said the same.
#[test]
fn store_failures_behind_the_keyring_and_the_accounts_file_are_said_in_japanese() {
    let too_new = || store::Error::TooNew {
        found: 99,
        known: 15,
    };
    for said in [
        in_japanese(|| secrets::Error::Store(too_new()).said()),
        in_japanese(|| accounts_file::Error::Store(too_new()).said()),
        in_japanese(|| Failure::Store(too_new()).said()),
    ] {
        assert!(said.contains("スキーマ 99"), "{said}");
        assert_eq!(english_in(&said, &[]), "", "{said}");
    }
}

/// TLS advice was English sentences in the error's detail; now it is a typed hint, and
/// the library's words stay as a quoted detail.
#[test]
fn tls_advice_is_said_in_japanese() {
    let raw =
        "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed";
    let not_trusted = pop3::Error::Tls {
        host: "pop.example.jp".into(),
        hint: pop3::TlsHint::of(raw),
        detail: raw.into(),
    };
    assert!(matches!(
        not_trusted,
        pop3::Error::Tls {
            hint: pop3::TlsHint::NotTrusted,
            ..
        }
    ));
    let said = in_japanese(|| pop3(&not_trusted));
    assert!(said.contains("証明書ファイル"), "{said}");
    assert_eq!(english_in(&said, &["pop.example.jp", raw]), "", "{said}");
    assert_eq!(pop3(&not_trusted), not_trusted.to_string());

    let raw = "error:0A00010B:SSL routines:ssl3_get_record:wrong version number";
    let not_tls = pop3::Error::Tls {
        host: "smtp.example.jp".into(),
        hint: pop3::TlsHint::of(raw),
        detail: raw.into(),
    };
    let said = in_japanese(|| pop3(&not_tls));
    assert!(
        said.contains("ポート") && said.contains("STARTTLS"),
        "{said}"
    );
    assert_eq!(
        english_in(
            &said,
            &["smtp.example.jp", raw, "SSL/TLS", "STARTTLS", "TLS"]
        ),
        "",
        "{said}"
    );
    let english = pop3(&not_tls);
    assert!(
        english.contains("the port matches the security setting"),
        "{english}"
    );
    assert!(
        !english.contains("995 is SSL/TLS"),
        "advice for POP3 alone: {english}"
    );
}

/// What was wrong with a server's answer is typed; the server's own line is quoted.
#[test]
fn protocol_faults_and_unknown_names_are_said_in_japanese() {
    let stat = pop3::Error::Protocol {
        host: "pop.example.jp".into(),
        what: pop3::Malformed::Stat("+OK many".into()),
    };
    let said = in_japanese(|| pop3(&stat));
    assert!(said.contains("「+OK many」"), "{said}");
    assert_eq!(
        english_in(&said, &["pop.example.jp", "+OK many", "STAT"]),
        "",
        "{said}"
    );
    assert_eq!(pop3(&stat), stat.to_string());

    let injected = pop3::Error::Protocol {
        host: "pop.example.jp".into(),
        what: pop3::Malformed::DataBeforeTls,
    };
    let said = in_japanese(|| pop3(&injected));
    assert_eq!(english_in(&said, &["pop.example.jp", "STLS"]), "", "{said}");

    let nowhere = pop3::Error::Resolve {
        host: "pop.example.jp".into(),
        why: pop3::NotFound::NoAddresses,
    };
    let said = in_japanese(|| pop3(&nowhere));
    assert!(said.contains("アドレス"), "{said}");
    assert_eq!(english_in(&said, &["pop.example.jp"]), "", "{said}");
    assert_eq!(pop3(&nowhere), nowhere.to_string());
}

/// "the integrity check failed" was English on the damaged-database screen and in the
/// backup errors; SQLite's report stays as it came.
#[test]
fn a_failed_integrity_check_is_said_in_japanese() {
    let report = "*** in database main ***\nPage 7: btreeInitPage() returns error code 11";
    let damage = backup::Damage::Integrity(report.into());
    let said = in_japanese(|| damage.said());
    assert!(said.contains("整合性"), "{said}");
    assert_eq!(english_in(&said, &[report]), "", "{said}");

    let bad = backup::Error::BadSnapshot {
        path: "/backups/poplar-backup-20250101-000000.sqlite3".into(),
        cause: damage.into(),
    };
    let said = in_japanese(|| bad.said());
    assert!(said.contains("バックアップではありません"), "{said}");
    assert_eq!(
        english_in(
            &said,
            &[report, "/backups/poplar-backup-20250101-000000.sqlite3"]
        ),
        "",
        "{said}"
    );

    // A restore whose upgrade failed said the store's English inside the sentence.
    let failed = backup::Error::RestoreFailed {
        cause: backup::Cause::Store(store::Error::TooNew {
            found: 99,
            known: 15,
        }),
        kept: "/data/mail.sqlite3.before-restore".into(),
    };
    let said = in_japanese(|| failed.said());
    assert!(said.contains("スキーマ 99"), "{said}");
    assert_eq!(
        english_in(&said, &["/data/mail.sqlite3.before-restore"]),
        "",
        "{said}"
    );
}
