//! The window's preferences, kept in the database's settings table. Loading never fails:
//! a missing or unreadable value falls back to its default.

use std::path::Path;

use crate::i18n::Language;
use crate::store::{self, Store};

/// Light or dark, or as the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Appearance {
    #[default]
    System,
    Light,
    Dark,
}

/// Where the reading pane sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Below,
    Beside,
}

/// When an opened message counts as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarkRead {
    #[default]
    AtOnce,
    After(u32),
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub appearance: Appearance,
    pub pane: Pane,
    pub mark_read: MarkRead,
    /// A desktop notification when new mail arrives.
    pub notify: bool,
    /// The interface's language; None follows the system.
    pub language: Option<Language>,
    /// Junk this many days in the Junk folder is emptied into the Trash; None keeps it.
    pub empty_junk: Option<u32>,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            appearance: Appearance::System,
            pane: Pane::Below,
            mark_read: MarkRead::AtOnce,
            notify: true,
            language: None,
            empty_junk: Some(JUNK_DAYS),
        }
    }
}

const THEME: &str = "ui.theme";
const PANE: &str = "ui.pane";
const MARK_READ: &str = "ui.mark_read";
const NOTIFY: &str = "ui.notify";
const LANGUAGE: &str = "ui.language";
const EMPTY_JUNK: &str = "junk.empty_days";

/// Days after which junk goes to the Trash, from the setting's text: None for "never",
/// the default for anything unreadable.
fn empty_junk(setting: &str) -> Option<u32> {
    match setting {
        "never" => None,
        s => Some(s.parse::<u32>().map_or(JUNK_DAYS, |n| n.clamp(1, 3650))),
    }
}
/// Junk older than this many days is emptied into the Trash, unless turned off.
pub const JUNK_DAYS: u32 = 30;

fn language(saved: &str) -> Option<Language> {
    match saved {
        "en" => Some(Language::English),
        "ja" => Some(Language::Japanese),
        _ => None,
    }
}

impl Preferences {
    pub fn load(store: &Store) -> Preferences {
        let get = |key| store.setting(key).ok().flatten().unwrap_or_default();
        Preferences {
            appearance: match get(THEME).as_str() {
                "light" => Appearance::Light,
                "dark" => Appearance::Dark,
                _ => Appearance::System,
            },
            pane: match get(PANE).as_str() {
                "beside" => Pane::Beside,
                _ => Pane::Below,
            },
            mark_read: match get(MARK_READ).as_str() {
                "never" => MarkRead::Never,
                s => match s.parse::<u32>() {
                    Ok(n) if n > 0 => MarkRead::After(n.min(60)),
                    _ => MarkRead::AtOnce,
                },
            },
            notify: get(NOTIFY) != "off",
            language: language(&get(LANGUAGE)),
            empty_junk: empty_junk(&get(EMPTY_JUNK)),
        }
    }

    /// [`Preferences::empty_junk`] alone, as a fetch needs it: one setting read instead
    /// of every preference.
    pub fn empty_junk_of(store: &Store) -> Option<u32> {
        empty_junk(&store.setting(EMPTY_JUNK).ok().flatten().unwrap_or_default())
    }

    /// The interface language saved in the database at `database`, read before start-up
    /// brings it up to date, so that the upgrade screen already speaks it (an outdated
    /// database cannot be opened as a store until then). None follows the system.
    pub fn language_before_upgrade(database: &Path) -> Option<Language> {
        language(&store::setting_before_upgrade(database, LANGUAGE)?)
    }

    pub fn save(&self, store: &Store) -> store::Result<()> {
        store.set_setting(
            THEME,
            match self.appearance {
                Appearance::System => "system",
                Appearance::Light => "light",
                Appearance::Dark => "dark",
            },
        )?;
        store.set_setting(
            PANE,
            match self.pane {
                Pane::Below => "below",
                Pane::Beside => "beside",
            },
        )?;
        store.set_setting(
            MARK_READ,
            &match self.mark_read {
                MarkRead::AtOnce => "0".to_string(),
                MarkRead::After(n) => n.to_string(),
                MarkRead::Never => "never".to_string(),
            },
        )?;
        store.set_setting(NOTIFY, if self.notify { "on" } else { "off" })?;
        store.set_setting(
            LANGUAGE,
            match self.language {
                None => "system",
                Some(Language::English) => "en",
                Some(Language::Japanese) => "ja",
            },
        )?;
        store.set_setting(
            EMPTY_JUNK,
            &self
                .empty_junk
                .map_or_else(|| "never".to_string(), |n| n.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bad_values_fall_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        assert_eq!(Preferences::load(&store), Preferences::default());
        let p = Preferences {
            appearance: Appearance::Dark,
            pane: Pane::Beside,
            mark_read: MarkRead::After(5),
            notify: false,
            language: Some(Language::Japanese),
            empty_junk: None,
        };
        p.save(&store).unwrap();
        assert_eq!(Preferences::load(&store), p);
        assert_eq!(Preferences::empty_junk_of(&store), None);
        store.set_setting(MARK_READ, "banana").unwrap();
        store.set_setting(THEME, "purple").unwrap();
        store.set_setting(LANGUAGE, "klingon").unwrap();
        store.set_setting(EMPTY_JUNK, "-3").unwrap();
        let loaded = Preferences::load(&store);
        assert_eq!(loaded.mark_read, MarkRead::AtOnce);
        assert_eq!(loaded.appearance, Appearance::System);
        assert_eq!(loaded.language, None);
        assert_eq!(loaded.empty_junk, Some(JUNK_DAYS));
        assert_eq!(Preferences::empty_junk_of(&store), Some(JUNK_DAYS));
        store.set_setting(EMPTY_JUNK, "7").unwrap();
        assert_eq!(Preferences::empty_junk_of(&store), Some(7));
        store.set_setting(MARK_READ, "99999").unwrap();
        assert_eq!(Preferences::load(&store).mark_read, MarkRead::After(60));
    }

    /// A database an earlier release left (here schema 14, which has settings) cannot be
    /// opened as a store before the upgrade; its language is read all the same. Before,
    /// start-up opened the store for it, failed quietly and showed the system's language.
    #[test]
    fn the_language_of_an_outdated_database_is_read_before_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO settings (key, value) VALUES ('ui.language', 'ja');
             PRAGMA user_version = 14;",
        )
        .unwrap();
        drop(conn);
        assert!(matches!(
            Store::open(&path),
            Err(store::Error::Outdated { found: 14, .. })
        ));
        assert_eq!(
            Preferences::language_before_upgrade(&path),
            Some(Language::Japanese)
        );
        let current = dir.path().join("new.db");
        let store = Store::open(&current).unwrap();
        assert_eq!(Preferences::language_before_upgrade(&current), None);
        Preferences {
            language: Some(Language::English),
            ..Preferences::default()
        }
        .save(&store)
        .unwrap();
        assert_eq!(
            Preferences::language_before_upgrade(&current),
            Some(Language::English)
        );
        assert_eq!(
            Preferences::language_before_upgrade(&dir.path().join("none.db")),
            None
        );
    }
}
