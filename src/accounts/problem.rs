//! What can be wrong with an account's settings, as data: which field, and what. The
//! words come from the catalogs when someone is told ([`Problem::sentence`]), so the
//! window says it in its language and the command line in English.

use crate::t;

/// The fields of an account that can be wrong, in the order the dialog shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Email,
    Name,
    Host,
    Port,
    Security,
    User,
    Password,
    Days,
    SizeLimit,
    Minutes,
    SmtpHost,
    SmtpSecurity,
    SmtpPort,
    SmtpUser,
    SmtpPassword,
    /// Signing in with a token (OAuth2): who signs in, the issuer, the client id.
    SignIn,
}

impl Field {
    /// The field's name as the dialog labels it.
    pub fn label(self) -> String {
        match self {
            Field::Email => t!("field-email"),
            Field::Name => t!("field-name"),
            Field::Host => t!("field-server"),
            Field::Port => t!("field-port"),
            Field::Security => t!("field-security"),
            Field::User => t!("field-user"),
            Field::Password => t!("field-password"),
            Field::Days => t!("field-days"),
            Field::SizeLimit => t!("field-size-limit"),
            Field::Minutes => t!("field-minutes"),
            Field::SmtpHost => t!("field-smtp-server"),
            Field::SmtpSecurity => t!("field-smtp-security"),
            Field::SmtpPort => t!("field-smtp-port"),
            Field::SmtpUser => t!("field-smtp-user"),
            Field::SmtpPassword => t!("field-smtp-password"),
            Field::SignIn => t!("field-sign-in"),
        }
    }
}

/// One thing wrong with an account's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A new account in the dialog needs an address.
    EmailMissing,
    /// Not something@domain.
    EmailInvalid,
    /// No name, and no address to stand for one.
    NameMissing,
    /// Another account already has this name.
    NameTaken(String),
    HostMissing,
    /// Spaces, slashes or @ in the server name.
    HostInvalid,
    /// Not a port from 1 to 65535.
    PortInvalid,
    /// "No encryption" was chosen without the second, explicit yes (the dialog).
    PlainUnconfirmed,
    /// No user name, and no address to stand for one.
    UserMissing,
    /// A new account in the dialog needs a password; `account password` one to store.
    PasswordMissing,
    /// Days to keep on the server outside [`super::KEEP_DAYS`].
    DaysOutOfRange,
    /// A size limit outside [`super::SIZE_LIMIT_KIB`].
    SizeLimitOutOfRange,
    /// Minutes between checks outside [`super::CHECK_MINUTES`].
    MinutesOutOfRange,
    /// A line break (or another control character) could pass for another line of the
    /// messages that show this field.
    ControlCharacters(Field),
    /// Sending needs the address mail goes out from.
    EmailNeededToSend,
    SmtpHostMissing,
    /// Spaces, slashes or @ in the outgoing server's name.
    SmtpHostInvalid,
    SmtpPortInvalid,
    /// "No encryption" for the outgoing server without the second, explicit yes.
    SmtpPlainUnconfirmed,
    /// A separate password for sending was chosen for a new account without typing it
    /// (the dialog).
    SmtpPasswordMissing,
    /// The login method is OAuth2 without a provider, or a provider is set for a
    /// password login.
    SignInMismatch,
    /// A custom sign-in without the issuer's address.
    SignInIssuerMissing,
    /// An issuer that is not https:// (or http:// on this computer).
    SignInIssuerInvalid,
    /// A custom sign-in without the app's client id.
    SignInClientIdMissing,
    /// Sending with OAuth2 without the account's sign-in, or an account that signs in
    /// sending with a password it does not have.
    SmtpSignIn,
    /// A new account that signs in was not signed in yet (the dialog).
    NotSignedIn,
    /// A sign-in token over a connection without encryption (this field's server).
    SignInUnencrypted(Field),
}

impl Problem {
    /// The field to show the problem beside.
    pub fn field(&self) -> Field {
        match self {
            Problem::EmailMissing | Problem::EmailInvalid => Field::Email,
            Problem::NameMissing | Problem::NameTaken(_) => Field::Name,
            Problem::HostMissing | Problem::HostInvalid => Field::Host,
            Problem::PortInvalid => Field::Port,
            Problem::PlainUnconfirmed => Field::Security,
            Problem::UserMissing => Field::User,
            Problem::PasswordMissing => Field::Password,
            Problem::DaysOutOfRange => Field::Days,
            Problem::SizeLimitOutOfRange => Field::SizeLimit,
            Problem::MinutesOutOfRange => Field::Minutes,
            Problem::ControlCharacters(field) => *field,
            Problem::EmailNeededToSend => Field::Email,
            Problem::SmtpHostMissing | Problem::SmtpHostInvalid => Field::SmtpHost,
            Problem::SmtpPortInvalid => Field::SmtpPort,
            Problem::SmtpPlainUnconfirmed => Field::SmtpSecurity,
            Problem::SmtpPasswordMissing => Field::SmtpPassword,
            Problem::SignInMismatch
            | Problem::SignInIssuerMissing
            | Problem::SignInIssuerInvalid
            | Problem::SignInClientIdMissing => Field::SignIn,
            Problem::SmtpSignIn => Field::SmtpPassword,
            Problem::NotSignedIn => Field::SignIn,
            Problem::SignInUnencrypted(field) => *field,
        }
    }

    /// What to change, in the interface's language (English on the command line).
    pub fn sentence(&self) -> String {
        match self {
            Problem::EmailMissing => t!("invalid-email-missing"),
            Problem::EmailInvalid => t!("invalid-email"),
            Problem::NameMissing => t!("invalid-name-missing"),
            Problem::NameTaken(name) => t!("account-name-taken", name = name.clone()),
            Problem::HostMissing => t!("invalid-host-missing"),
            Problem::HostInvalid => t!("invalid-host"),
            Problem::PortInvalid => t!("invalid-port"),
            Problem::PlainUnconfirmed => t!("invalid-plain-unconfirmed"),
            Problem::UserMissing => t!("invalid-user"),
            Problem::PasswordMissing => t!("invalid-password"),
            Problem::DaysOutOfRange => t!("invalid-days"),
            Problem::SizeLimitOutOfRange => t!("invalid-size-limit"),
            Problem::MinutesOutOfRange => t!("invalid-minutes"),
            Problem::ControlCharacters(field) => {
                t!("invalid-control-characters", field = field.label())
            }
            Problem::EmailNeededToSend => t!("invalid-email-to-send"),
            Problem::SmtpHostMissing => t!("invalid-smtp-host-missing"),
            Problem::SmtpHostInvalid => t!("invalid-host"),
            Problem::SmtpPortInvalid => t!("invalid-port"),
            Problem::SmtpPlainUnconfirmed => t!("invalid-plain-unconfirmed"),
            Problem::SmtpPasswordMissing => t!("invalid-smtp-password"),
            Problem::SignInMismatch => t!("invalid-sign-in-mismatch"),
            Problem::SignInIssuerMissing => t!("invalid-sign-in-issuer-missing"),
            Problem::SignInIssuerInvalid => t!("invalid-sign-in-issuer"),
            Problem::SignInClientIdMissing => t!("invalid-sign-in-client-id"),
            Problem::SmtpSignIn => t!("invalid-smtp-sign-in"),
            Problem::NotSignedIn => t!("invalid-not-signed-in"),
            Problem::SignInUnencrypted(_) => t!("invalid-sign-in-unencrypted"),
        }
    }
}

/// Something@domain, with no spaces; the domain may be a bare host name (an office server).
pub fn looks_like_address(email: &str) -> bool {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !email.chars().any(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}
