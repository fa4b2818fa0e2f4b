//! Failures from the domain modules, told in the interface's language. The domain errors
//! carry their facts (host, port, the server's words); the words around them come from
//! the catalog.

mod failure;
mod server;

pub use failure::Failure;
pub use server::{certificate, pop3, step};

use crate::interrupted::Interrupted;
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
            E::RuleExists(name) => t!("error-rule-exists", name = name.clone()),
            E::NoSuchRule(name) => t!("error-no-such-rule", name = name.clone()),
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
            E::Backup(cause) => t!("error-backup", detail = cause.said()),
            E::BadSnapshot { path, cause } => {
                t!(
                    "error-bad-snapshot",
                    path = path.clone(),
                    detail = cause.said()
                )
            }
            E::Store(e) => e.said(),
            E::DataFolder(e) => e.said(),
            E::Lock(e) => t!("error-folder-lock", detail = e.to_string()),
            E::SetAside(e) => t!("error-set-aside", detail = e.to_string()),
            E::FetchRunning => t!("error-restore-while-fetching"),
            E::RestoreFailed { cause, kept } => t!(
                "error-restore-failed",
                detail = cause.said(),
                kept = kept.clone()
            ),
        }
    }
}

impl Said for backup::Cause {
    fn said(&self) -> String {
        use backup::Cause as C;
        match self {
            // SQLite's own words, for whoever looks closer.
            C::Sqlite(e) => e.to_string(),
            C::Damaged(damage) => damage.said(),
            C::NotPoplar => t!("backup-not-poplar"),
            C::Store(e) => e.said(),
            C::Interrupted(e) => e.said(),
        }
    }
}

/// What SQLite found wrong with a database (on the damaged-database screen, and about a
/// snapshot).
impl Said for backup::Damage {
    fn said(&self) -> String {
        match self {
            backup::Damage::Unreadable(e) => t!("damage-unreadable", detail = e.to_string()),
            backup::Damage::Integrity(report) => {
                t!("damage-integrity", report = report.clone())
            }
        }
    }
}

impl Said for Interrupted {
    fn said(&self) -> String {
        match self {
            Interrupted::Panicked => t!("error-interrupted-panicked"),
            Interrupted::Cancelled => t!("error-interrupted-cancelled"),
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
            E::Store(e) => e.said(),
            E::Keyring(e) => password(e),
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

pub fn sync(error: &sync::Error) -> String {
    match error {
        sync::Error::Pop3(e) => pop3(e),
        sync::Error::Store(e) => e.said(),
        sync::Error::Lock(e) => t!("error-fetch-lock", detail = e.to_string()),
        sync::Error::Spool(e) => t!("error-spool", detail = e.to_string()),
        sync::Error::Interrupted(e) => e.said(),
        sync::Error::NoUidlForKeep { host } => t!("error-no-uidl-for-keep", host = host.clone()),
        sync::Error::Busy(account) => t!("error-busy", account = account.clone()),
        sync::Error::GoneFromServer => t!("error-gone-from-server"),
        sync::Error::Restoring => t!("error-restoring"),
        sync::Error::SignIn(e) => sign_in(e),
    }
}

/// Why an account that signs in with OAuth2 has no token to log in with.
pub fn sign_in(error: &crate::oauth::account::TokenError) -> String {
    use crate::oauth::account::TokenError;
    match error {
        // The window names the account before what it says.
        TokenError::SignInAgain(_) => t!("error-sign-in-again"),
        TokenError::Keyring(e) => password(e),
        TokenError::Issuer { error, .. } => {
            t!("error-sign-in-issuer", detail = error.to_string())
        }
        TokenError::NotOAuth(account) => t!("error-no-password", account = account.clone()),
        TokenError::Lock(detail) => t!("error-fetch-lock", detail = detail.clone()),
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
        secrets::Error::Store(e) => e.said(),
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
mod tests;
