//! The window's words, in English and Japanese, from Fluent catalogs
//! (`assets/i18n/*.ftl`, embedded in the binary).
//!
//! Views ask for text with [`t!`](crate::t): `t!("toolbar-get-mail")` or
//! `t!("status-saved-as", path = shown)`. The language is the process's (the window's
//! tasks format text on executor threads too); a test thread may override it for itself,
//! so tests in two languages can run side by side.

use std::cell::Cell;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentArgs;

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Language {
    #[default]
    English,
    Japanese,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Japanese];

    /// The language of a locale name such as `ja_JP.UTF-8`, `ja-JP` or `en-US`.
    pub fn from_locale(locale: &str) -> Language {
        if locale.to_ascii_lowercase().starts_with("ja") {
            Language::Japanese
        } else {
            Language::English
        }
    }

    /// What the operating system's user interface speaks (English when it says nothing
    /// we have a catalog for).
    pub fn of_system() -> Language {
        sys_locale::get_locale()
            .map(|l| Language::from_locale(&l))
            .unwrap_or_default()
    }

    /// The language's own name for itself, as shown in the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Japanese => "日本語",
        }
    }

    fn index(self) -> usize {
        match self {
            Language::English => 0,
            Language::Japanese => 1,
        }
    }
}

pub const ENGLISH_CATALOG: &str = include_str!("../assets/i18n/en.ftl");
pub const JAPANESE_CATALOG: &str = include_str!("../assets/i18n/ja.ftl");

fn bundle(tag: &str, source: &str) -> FluentBundle<FluentResource> {
    // Our own constants, "en" and "ja", always parse; the fallback only keeps this total.
    let id: LanguageIdentifier = tag.parse().unwrap_or_else(|e| {
        tracing::error!("language tag {tag}: {e}");
        LanguageIdentifier::default()
    });
    let resource =
        FluentResource::try_new(source.to_string()).unwrap_or_else(|(resource, errors)| {
            tracing::error!("catalog {tag} has errors: {errors:?}");
            resource
        });
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around arguments show as boxes in some fonts and get in
    // the way of tests; our arguments never mix writing directions.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!("catalog {tag} has duplicate messages: {errors:?}");
    }
    bundle
}

static BUNDLES: LazyLock<[FluentBundle<FluentResource>; 2]> = LazyLock::new(|| {
    [
        bundle("en", ENGLISH_CATALOG),
        bundle("ja", JAPANESE_CATALOG),
    ]
});

static PROCESS: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD: Cell<Option<Language>> = const { Cell::new(None) };
}

/// Makes the program speak `language` from now on.
pub fn set_language(language: Language) {
    PROCESS.store(language.index() as u8, Ordering::Relaxed);
}

/// Applies the user's choice (None: as the system). On a thread that picked its own
/// language (a test), that language stands in for the system's.
pub fn apply(choice: Option<Language>) {
    if THREAD.with(Cell::get).is_some() {
        if let Some(language) = choice {
            set_thread_language(language);
        }
    } else {
        set_language(choice.unwrap_or_else(Language::of_system));
    }
}

/// Makes this thread speak `language` whatever the program speaks (for tests).
pub fn set_thread_language(language: Language) {
    THREAD.with(|c| c.set(Some(language)));
}

/// The language this thread speaks.
pub fn language() -> Language {
    THREAD
        .with(Cell::get)
        .unwrap_or(match PROCESS.load(Ordering::Relaxed) {
            1 => Language::Japanese,
            _ => Language::English,
        })
}

/// The text of `key` in this thread's language; English when the Japanese catalog lacks
/// it, and the key itself when neither has it (a test makes sure that never ships).
pub fn text(key: &str, args: Option<&FluentArgs>) -> String {
    let lang = language();
    format_in(lang, key, args)
        .or_else(|| format_in(Language::English, key, args))
        .unwrap_or_else(|| key.to_string())
}

fn format_in(lang: Language, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = &BUNDLES[lang.index()];
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!("{key}: {errors:?}");
    }
    Some(text.into_owned())
}

/// The text of a catalog message, with optional named arguments:
/// `t!("status-added", name = account)`.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::text($key, None)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::FluentArgs::new();
        $( args.set(stringify!($name), $value); )+
        $crate::i18n::text($key, Some(&args))
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_map_to_languages() {
        assert_eq!(Language::from_locale("ja_JP.UTF-8"), Language::Japanese);
        assert_eq!(Language::from_locale("ja-JP"), Language::Japanese);
        assert_eq!(Language::from_locale("en-US"), Language::English);
        assert_eq!(Language::from_locale("C"), Language::English);
        assert_eq!(Language::from_locale("de-DE"), Language::English);
    }

    #[test]
    fn the_thread_language_picks_the_catalog() {
        set_thread_language(Language::Japanese);
        assert_eq!(crate::t!("app-name"), "Poplar");
        assert_eq!(crate::t!("folder-trash"), "ごみ箱");
        set_thread_language(Language::English);
        assert_eq!(crate::t!("folder-trash"), "Trash");
        assert_eq!(text("no-such-key", None), "no-such-key");
    }

    #[test]
    fn numbers_choose_plural_forms() {
        set_thread_language(Language::English);
        assert_eq!(
            crate::t!("notify-new-mail", account = "home", count = 1),
            "home: 1 new message"
        );
        assert_eq!(
            crate::t!("notify-new-mail", account = "home", count = 3),
            "home: 3 new messages"
        );
        set_thread_language(Language::Japanese);
        assert_eq!(
            crate::t!("notify-new-mail", account = "home", count = 3),
            "home: 新着メール 3 通"
        );
    }
}
