//! The form read as settings, and what is wrong with it.

use std::collections::BTreeMap;

use super::{AddAccount, KeepChoice};
use crate::accounts::{Field, Keep, Problem, SIZE_LIMIT_KIB, Security, Settings};
use crate::t;

impl AddAccount {
    /// What is wrong with the form, field by field: the checks every account gets
    /// ([`Settings::problems`], the same as on the command line) and the dialog's own (an
    /// address and a password for a new account, the explicit yes to no encryption).
    pub fn problems(&self) -> BTreeMap<Field, Problem> {
        let (settings, mut problems) = self.read();
        for problem in settings.problems() {
            problems.entry(problem.field()).or_insert(problem);
        }
        problems
    }

    /// The form as settings, when every field is right.
    pub(super) fn settings(&self) -> Option<Settings> {
        let (settings, problems) = self.read();
        (problems.is_empty() && settings.validate().is_ok()).then_some(settings)
    }

    /// The form read as settings, with what only the dialog finds wrong. A number field
    /// that holds no number reads as a value the checks refuse.
    fn read(&self) -> (Settings, BTreeMap<Field, Problem>) {
        let mut problems = BTreeMap::new();
        let mut refuse = |problem: Problem| {
            problems.entry(problem.field()).or_insert(problem);
        };
        let email = self.email.trim().to_string();
        // Accounts set up from the command line may have no address; new ones need one.
        if email.is_empty() && self.editing.is_none() {
            refuse(Problem::EmailMissing);
        }
        if self.security == Security::Plain && !self.plain_confirmed {
            refuse(Problem::PlainUnconfirmed);
        }
        let signs_in = self.auth.is_oauth();
        if self.password.is_empty() && self.editing.is_none() && !signs_in {
            refuse(Problem::PasswordMissing);
        }
        // A new account that signs in is saved signed in.
        if signs_in && self.editing.is_none() && self.sign_in.tokens().is_none() {
            refuse(Problem::NotSignedIn);
        }
        let keep = match self.keep {
            KeepChoice::Delete => Keep::Delete,
            KeepChoice::Forever => Keep::Forever,
            KeepChoice::Days => match self.days.parse::<u32>() {
                Ok(days) => Keep::days(days).unwrap_or_else(|problem| {
                    refuse(problem);
                    Keep::default()
                }),
                Err(_) => {
                    refuse(Problem::DaysOutOfRange);
                    Keep::default()
                }
            },
        };
        let size_limit = match self.size_limit.parse::<u64>() {
            _ if !self.limit_size => None,
            Ok(kib) if SIZE_LIMIT_KIB.contains(&kib) => Some(kib * 1024),
            _ => {
                refuse(Problem::SizeLimitOutOfRange);
                None
            }
        };
        let check_every_minutes = match self.minutes.parse::<u32>() {
            _ if !self.check_every => None,
            Ok(minutes) => Some(minutes),
            Err(_) => {
                refuse(Problem::MinutesOutOfRange);
                None
            }
        };
        // An empty name or user name stands for the address.
        let or_email = |typed: &str| match typed.trim() {
            "" => email.clone(),
            typed => typed.to_string(),
        };
        // Editing keeps what the dialog does not show (a CA file set from the command line).
        let base = self
            .editing
            .as_ref()
            .map(|a| a.settings.clone())
            .unwrap_or_default();
        let settings = Settings {
            name: or_email(&self.name),
            user: or_email(&self.user),
            email: email.clone(),
            host: self.host.trim().to_string(),
            port: self.port.parse().unwrap_or(0),
            security: self.security,
            keep,
            auth: self.auth,
            size_limit,
            check_on_startup: self.check_on_startup,
            check_every_minutes,
            delete_on_server_when_deleted: self.delete_on_server,
            include_in_get_all: self.include_in_get_all,
            pinned_cert: self.pinned.clone(),
            smtp: self.sending.read(&mut problems),
            oauth: signs_in.then(|| self.sign_in.settings()),
            ..base
        };
        (settings, problems)
    }

    pub(super) fn keep_explanation(&self) -> String {
        match self.keep {
            KeepChoice::Delete => t!("keep-delete-explained"),
            KeepChoice::Forever => t!("keep-forever-explained"),
            KeepChoice::Days => t!(
                "keep-days-explained",
                days = if self.days.is_empty() {
                    "N".to_string()
                } else {
                    self.days.clone()
                }
            ),
        }
    }
}
