//! The Preferences dialog: language, theme, where the reading pane sits, when a message
//! counts as read, new-mail notifications, and the junk filter (what it has learnt, and
//! whether old junk is emptied). A change is saved here, off the UI thread,
//! and handed to the window, which applies it at once.

use iced::Task;
use iced::widget::{button, checkbox, column, pick_list, row, text};
use iced::{Element, Fill};

use crate::i18n::Language;
use crate::paths::Paths;
use crate::preferences::{Appearance, MarkRead, Pane, Preferences};
use crate::store::Store;
use crate::t;
use crate::ui::describe::{Failure, Said};

/// The dialog's state: the preferences as it shows them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dialog {
    preferences: Preferences,
    /// Junk and good messages the junk filter was taught (read when the dialog opens).
    trained: Option<(u32, u32)>,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A choice was made: saved, and applied by the window at once.
    Set(Preferences),
    /// The save finished.
    Saved(Result<(), Failure>),
    /// What the junk filter was taught: (junk, good).
    Trained(Result<(u32, u32), Failure>),
    /// "Close" (or Escape).
    Close,
}

/// What the window must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Apply these preferences now (theme, language, pane…).
    Changed(Preferences),
    /// They could not be saved: why, for the status bar.
    NotSaved(String),
    Closed,
}

impl Dialog {
    /// The dialog showing the preferences in use.
    pub fn new(preferences: Preferences) -> Dialog {
        Dialog {
            preferences,
            trained: None,
        }
    }

    /// The dialog, and the task that reads what the junk filter was taught.
    pub fn open(preferences: Preferences, paths: &Paths) -> (Dialog, Task<Message>) {
        let paths = paths.clone();
        let read = Task::perform(
            super::blocking(move || {
                Store::open(&paths.database())
                    .and_then(|s| s.junk_trained())
                    .map_err(Failure::from)
            }),
            Message::Trained,
        );
        (Dialog::new(preferences), read)
    }

    /// `Saved` needs nothing of the dialog's state, so a save answered after the dialog
    /// closed can be heard by a new one (the window does so).
    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Set(preferences) => {
                self.preferences = preferences;
                (
                    save(paths.clone(), preferences),
                    Some(Event::Changed(preferences)),
                )
            }
            Message::Saved(Ok(())) => (Task::none(), None),
            Message::Saved(Err(e)) => (Task::none(), Some(Event::NotSaved(e.said()))),
            Message::Trained(Ok(trained)) => {
                self.trained = Some(trained);
                (Task::none(), None)
            }
            Message::Trained(Err(e)) => (Task::none(), Some(Event::NotSaved(e.said()))),
            Message::Close => (Task::none(), Some(Event::Closed)),
        }
    }

    pub fn view(&self) -> Element<'static, Message> {
        view(self.preferences, self.trained)
    }
}

fn save(paths: Paths, preferences: Preferences) -> Task<Message> {
    Task::perform(
        super::blocking(move || {
            Store::open(&paths.database())
                .and_then(|s| preferences.save(&s))
                .map_err(Failure::from)
        }),
        Message::Saved,
    )
}

/// One choice of a list with its label, made in the window's language when the dialog is
/// drawn (the label is data, not looked up inside `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice<T> {
    value: T,
    label: String,
}

impl<T> std::fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn choices<T: Copy>(values: &[T], label: impl Fn(T) -> String) -> Vec<Choice<T>> {
    values
        .iter()
        .map(|&value| Choice {
            value,
            label: label(value),
        })
        .collect()
}

fn language(language: Option<Language>) -> String {
    match language {
        None => t!("preferences-as-system"),
        // Each language in its own words, so anyone can find theirs.
        Some(language) => language.native_name().to_string(),
    }
}

fn appearance(appearance: Appearance) -> String {
    match appearance {
        Appearance::System => t!("preferences-as-system"),
        Appearance::Light => t!("preferences-light"),
        Appearance::Dark => t!("preferences-dark"),
    }
}

fn pane(pane: Pane) -> String {
    match pane {
        Pane::Below => t!("preferences-pane-below"),
        Pane::Beside => t!("preferences-pane-beside"),
    }
}

fn mark_read(mark_read: MarkRead) -> String {
    match mark_read {
        MarkRead::AtOnce => t!("preferences-read-at-once"),
        MarkRead::After(n) => t!("preferences-read-after", seconds = n),
        MarkRead::Never => t!("preferences-read-never"),
    }
}

/// A pick list of `values` showing `current`; a choice changes one preference of `p`.
fn pick<T: Copy + PartialEq + 'static>(
    values: &[T],
    current: T,
    label: impl Fn(T) -> String,
    change: impl Fn(T) -> Preferences + 'static,
) -> Element<'static, Message> {
    let selected = Choice {
        value: current,
        label: label(current),
    };
    pick_list(
        choices(values, label),
        Some(selected),
        move |c: Choice<T>| Message::Set(change(c.value)),
    )
    .into()
}

/// What the junk filter has learnt, and whether old junk is emptied.
fn junk(p: Preferences, trained: Option<(u32, u32)>) -> Element<'static, Message> {
    let ready = crate::junk::READY_AT;
    let learnt = trained.map(|(junk, good)| {
        let state = if junk >= ready && good >= ready {
            t!("preferences-junk-active")
        } else {
            t!("preferences-junk-learning", ready = ready)
        };
        text(t!(
            "preferences-junk-status",
            trained = t!("preferences-junk-trained", junk = junk, good = good),
            state = state
        ))
        .size(13)
    });
    let days = p.empty_junk.unwrap_or(crate::preferences::JUNK_DAYS);
    column![text(t!("preferences-junk")).size(16)]
        .push(learnt)
        .push(
            checkbox(p.empty_junk.is_some())
                .label(t!("preferences-junk-empty", days = days))
                .on_toggle(move |on| {
                    Message::Set(Preferences {
                        empty_junk: on.then_some(days),
                        ..p
                    })
                }),
        )
        .spacing(8)
        .into()
}

fn view(p: Preferences, trained: Option<(u32, u32)>) -> Element<'static, Message> {
    let line = |label: String, control: Element<'static, Message>| {
        row![text(label).width(220), control]
            .spacing(10)
            .align_y(iced::Center)
    };
    let languages = [None, Some(Language::English), Some(Language::Japanese)];
    let themes = [Appearance::System, Appearance::Light, Appearance::Dark];
    let panes = [Pane::Below, Pane::Beside];
    let delays = [
        MarkRead::AtOnce,
        MarkRead::After(2),
        MarkRead::After(5),
        MarkRead::Never,
    ];
    super::dialog_box(
        column![
            text(t!("toolbar-preferences")).size(22),
            line(
                t!("preferences-language"),
                pick(&languages, p.language, language, move |language| {
                    Preferences { language, ..p }
                })
            ),
            line(
                t!("preferences-theme"),
                pick(&themes, p.appearance, appearance, move |appearance| {
                    Preferences { appearance, ..p }
                })
            ),
            line(
                t!("preferences-pane"),
                pick(&panes, p.pane, pane, move |pane| Preferences { pane, ..p })
            ),
            line(
                t!("preferences-mark-read"),
                pick(&delays, p.mark_read, mark_read, move |mark_read| {
                    Preferences { mark_read, ..p }
                })
            ),
            checkbox(p.notify)
                .label(t!("preferences-notify"))
                .on_toggle(move |notify| Message::Set(Preferences { notify, ..p })),
            junk(p, trained),
            row![
                iced::widget::space().width(Fill),
                button(text(t!("button-close"))).on_press(Message::Close)
            ],
        ]
        .spacing(14),
        560.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_shown_handed_to_the_window_and_a_failed_save_said() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let mut dialog = Dialog::new(Preferences::default());
        let dark = Preferences {
            appearance: Appearance::Dark,
            ..Preferences::default()
        };
        let (_, event) = dialog.update(Message::Set(dark), &paths);
        assert_eq!(event, Some(Event::Changed(dark)));
        assert_eq!(dialog.preferences, dark, "the dialog shows the choice");
        let failure = Failure::AccountGone;
        let (_, event) = dialog.update(Message::Saved(Err(failure.clone())), &paths);
        assert_eq!(event, Some(Event::NotSaved(failure.said())));
        assert_eq!(dialog.update(Message::Close, &paths).1, Some(Event::Closed));
    }
}
