//! Failures from the domain modules, told in the interface's language. The domain errors
//! carry their facts (host, port, the server's words); the words around them come from
//! the catalog.

use crate::pop3::{self, CertificateInfo};
use crate::t;
use crate::{accounts_file, backup, secrets, store, sync, transfer, worker};

/// An error as the window says it, in the interface's language.
pub trait Said {
    fn said(&self) -> String;
}

impl Said for store::Error {
    fn said(&self) -> String {
        use store::Error as E;
        match self {
            E::Open { path, source } => {
                t!(
                    "error-store-open",
                    path = path.clone(),
                    detail = source.to_string()
                )
            }
            E::Damaged { path, source } => {
                t!(
                    "error-store-damaged",
                    path = path.clone(),
                    detail = source.to_string()
                )
            }
            E::TooNew { found, known } => {
                t!("error-store-too-new", found = *found, known = *known)
            }
            E::AccountExists(name) => t!("account-name-taken", name = name.clone()),
            E::NoSuchAccount(name) => t!("error-no-such-account", name = name.clone()),
            E::NoSuchMessage(id) => t!("error-no-such-message", id = *id),
            E::FolderExists(name) => t!("error-folder-exists", name = name.clone()),
            E::Sqlite(e) => t!("error-store", detail = e.to_string()),
            E::Outdated { found, known } => {
                t!("error-store-outdated", found = *found, known = *known)
            }
            E::BrokenReferences { schema, count } => {
                t!(
                    "error-store-broken-references",
                    schema = *schema,
                    count = *count
                )
            }
            E::NoAccountFor(id) => t!("error-message-of-no-account", id = *id),
            E::BadValue { column, value } => {
                t!(
                    "error-store-corrupt",
                    detail = format!("{column} = {value}")
                )
            }
            E::TooLarge(bytes) => t!("error-too-large", bytes = *bytes),
            E::Io { action, source } => {
                let detail = source.to_string();
                match action {
                    store::IoAction::WriteMessage => t!("error-disk", detail = detail),
                    store::IoAction::ReadMessage => t!("error-disk-read", detail = detail),
                    store::IoAction::CopyMessage => t!("error-disk-copy", detail = detail),
                }
            }
        }
    }
}

impl Said for backup::Error {
    fn said(&self) -> String {
        use backup::Error as E;
        match self {
            E::NoFolder => t!("backups-choose-first"),
            E::Folder { path, detail } => {
                t!(
                    "error-backup-folder",
                    path = path.clone(),
                    detail = detail.clone()
                )
            }
            E::Backup(detail) => t!("error-backup", detail = detail.clone()),
            E::BadSnapshot { path, detail } => {
                t!(
                    "error-bad-snapshot",
                    path = path.clone(),
                    detail = detail.clone()
                )
            }
            E::Store(detail) => t!("error-store", detail = detail.clone()),
            E::FetchRunning => t!("error-restore-while-fetching"),
            E::RestoreFailed { detail, kept } => t!(
                "error-restore-failed",
                detail = detail.clone(),
                kept = kept.clone()
            ),
        }
    }
}

impl Said for transfer::Error {
    fn said(&self) -> String {
        use transfer::Error as E;
        match self {
            E::Exists(path) => t!("error-file-exists", path = path.clone()),
            E::Write { path, source } => {
                t!(
                    "error-write",
                    path = path.clone(),
                    detail = source.to_string()
                )
            }
            E::Read { path, source } => {
                t!(
                    "error-read",
                    path = path.clone(),
                    detail = source.to_string()
                )
            }
            E::Store(e) => e.said(),
        }
    }
}

impl Said for accounts_file::Error {
    fn said(&self) -> String {
        use accounts_file::Error as E;
        match self {
            E::Write { path, detail } => {
                t!("error-write", path = path.clone(), detail = detail.clone())
            }
            E::Read { path, detail } => {
                t!("error-read", path = path.clone(), detail = detail.clone())
            }
            E::Format { path, detail } => {
                t!(
                    "error-accounts-file",
                    path = path.clone(),
                    detail = detail.clone()
                )
            }
            E::Store(detail) => t!("error-store", detail = detail.clone()),
            E::Invalid { path, name, detail } => t!(
                "error-accounts-file-entry",
                path = path.clone(),
                name = name.clone(),
                detail = detail.clone()
            ),
            E::Weakened { path, .. } => t!("error-accounts-file-weakened", path = path.clone()),
        }
    }
}

impl Said for secrets::Error {
    fn said(&self) -> String {
        password(self)
    }
}

impl Said for sync::Error {
    fn said(&self) -> String {
        sync(self)
    }
}

impl Said for crate::paths::Error {
    fn said(&self) -> String {
        match self {
            crate::paths::Error::NoHome => t!("error-no-home"),
            crate::paths::Error::Create { path, source } => {
                t!(
                    "error-create-folder",
                    path = path.clone(),
                    detail = source.to_string()
                )
            }
        }
    }
}

/// What the operating system said (a file that cannot be written, say): its own words.
impl Said for std::io::Error {
    fn said(&self) -> String {
        self.to_string()
    }
}

/// A description shown on its own (not after "account: "), as a sentence.
pub fn sentence(description: String) -> String {
    let mut chars = description.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => description,
    }
}

pub fn fetch(error: &worker::FetchError) -> String {
    match error {
        worker::FetchError::Sync(e) => self::sync(e),
        worker::FetchError::Password(e) => password(e),
        worker::FetchError::Store(e) => e.said(),
        worker::FetchError::Crashed => t!("error-crashed"),
        worker::FetchError::AccountGone => t!("error-account-gone"),
        worker::FetchError::Busy => t!("error-account-busy"),
    }
}

/// What Poplar was waiting for when a server went quiet, in the window's language.
pub fn step(step: pop3::Step) -> String {
    use pop3::Step as S;
    match step {
        S::Connecting => t!("step-connecting"),
        S::Greeting => t!("step-greeting"),
        S::Capabilities => t!("step-capabilities"),
        S::StartingTls => t!("step-starting-tls"),
        S::LoggingIn => t!("step-logging-in"),
        S::Counting => t!("step-counting"),
        S::ListingIds => t!("step-listing-ids"),
        S::Listing => t!("step-listing"),
        S::ReceivingMessage => t!("step-receiving-message"),
        S::ReceivingHeaders => t!("step-receiving-headers"),
        S::Deleting => t!("step-deleting"),
        S::Checking => t!("step-checking"),
        S::Closing => t!("step-closing"),
        S::SendingCommand => t!("step-sending-command"),
    }
}

pub fn sync(error: &sync::Error) -> String {
    match error {
        sync::Error::Pop3(e) => pop3(e),
        sync::Error::Store(detail) => t!("error-store", detail = detail.clone()),
        sync::Error::NoUidlForKeep { host } => t!("error-no-uidl-for-keep", host = host.clone()),
        sync::Error::Busy(account) => t!("error-busy", account = account.clone()),
        sync::Error::GoneFromServer => t!("error-gone-from-server"),
        sync::Error::Restoring => t!("error-restoring"),
    }
}

pub fn password(error: &secrets::Error) -> String {
    match error {
        secrets::Error::NotFound(account) => t!("error-no-password", account = account.clone()),
        secrets::Error::Unavailable(detail) => {
            // What the platform said helps a log reader, not the person at the keyboard.
            tracing::info!("keyring unavailable: {detail}");
            t!("error-no-keyring")
        }
        secrets::Error::Store(detail) => t!("error-store", detail = detail.clone()),
    }
}

pub fn certificate(c: &CertificateInfo) -> String {
    t!(
        "certificate-described",
        subject = c.subject.clone(),
        issuer = c.issuer.clone(),
        from = c.not_before.clone(),
        until = c.not_after.clone(),
        fingerprint = c.sha256.clone()
    )
}

pub fn pop3(error: &pop3::Error) -> String {
    use pop3::Error as E;
    let s = |v: &String| v.clone();
    match error {
        E::Resolve { host, detail } => t!("error-resolve", host = s(host), detail = s(detail)),
        E::Refused { host, port } => t!("error-refused", host = s(host), port = *port),
        E::Connect { host, port, detail } => {
            t!(
                "error-connect",
                host = s(host),
                port = *port,
                detail = s(detail)
            )
        }
        E::Timeout { host, secs, doing } => {
            t!(
                "error-timeout",
                host = s(host),
                secs = *secs,
                doing = step(*doing)
            )
        }
        E::Tls { host, detail } => t!("error-tls", host = s(host), detail = s(detail)),
        E::Untrusted {
            host,
            detail,
            certificate,
        } => t!(
            "error-untrusted",
            host = s(host),
            detail = certificate
                .as_ref()
                .map(|c| self::certificate(c))
                .unwrap_or_else(|| s(detail))
        ),
        E::CertificateChanged {
            host,
            expected,
            found,
        } => t!(
            "error-certificate-changed",
            host = s(host),
            expected = s(expected),
            found = found
                .as_ref()
                .map(|c| c.sha256.clone())
                .unwrap_or_else(|| "?".into())
        ),
        E::StartTlsUnavailable { host } => t!("error-no-starttls", host = s(host)),
        E::LoginFailed { user, host, server } => t!(
            "error-login-failed",
            user = s(user),
            host = s(host),
            server = s(server)
        ),
        E::TryLater { host, server } => t!("error-try-later", host = s(host), server = s(server)),
        E::ServerRefused { host, server } => {
            t!("error-server-refused", host = s(host), server = s(server))
        }
        E::Command {
            host,
            command,
            server,
            ..
        } => t!(
            "error-command",
            host = s(host),
            command = s(command),
            server = s(server)
        ),
        E::NoUidl { host } => t!("error-no-uidl", host = s(host)),
        E::Protocol { host, detail } => t!("error-protocol", host = s(host), detail = s(detail)),
        E::LineTooLong { host, max } => t!("error-line-too-long", host = s(host), max = *max),
        E::TooSlow { host, bytes, secs } => {
            t!(
                "error-too-slow",
                host = s(host),
                bytes = *bytes,
                secs = *secs
            )
        }
        E::Closed { host } => t!("error-closed", host = s(host)),
        E::Io { host, detail } => t!("error-io", host = s(host), detail = s(detail)),
        E::CaFile { path, detail } => t!("error-ca-file", path = s(path), detail = s(detail)),
    }
}

/// The warning for an attachment that could run: its name, what it really is, and how
/// that was found out.
pub fn danger(name: &str, danger: &crate::mail::Danger) -> String {
    use crate::mail::files::{Evidence, Kind};
    let kind = match danger.kind {
        Kind::WindowsProgram => t!("danger-kind-windows-program"),
        Kind::Script => t!("danger-kind-script"),
        Kind::Shortcut => t!("danger-kind-shortcut"),
        Kind::Installer => t!("danger-kind-installer"),
        Kind::JavaProgram => t!("danger-kind-java-program"),
        Kind::MacProgram => t!("danger-kind-mac-program"),
        Kind::LinuxProgram => t!("danger-kind-linux-program"),
        Kind::DiskImage => t!("danger-kind-disk-image"),
    };
    let evidence = match &danger.evidence {
        Evidence::Extension {
            extension,
            posing_as: None,
        } => t!("danger-by-extension", extension = extension.clone()),
        Evidence::Extension {
            extension,
            posing_as: Some(shown),
        } => t!(
            "danger-by-extension-posing",
            extension = extension.clone(),
            shown = shown.clone()
        ),
        Evidence::Contents => t!("danger-by-contents"),
        Evidence::Declared(mime) => t!("danger-declared", mime = mime.clone()),
    };
    t!(
        "attachment-warning",
        name = name.to_string(),
        kind = kind,
        evidence = evidence
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, set_thread_language};

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
}
