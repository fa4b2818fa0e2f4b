//! Asking for an account's password when the keyring has none (or there is no keyring).
//!
//! Several accounts can need one at once (a fetch of all, a prompt already open, another
//! dialog open while the fetches fail): they wait in a queue, one per account, in the
//! order they were asked for, and are asked one at a time. The queue outlives the dialog,
//! which only shows its first prompt; an answer is stored in the keyring off the UI thread.

use std::collections::VecDeque;

use iced::Task;
use iced::widget::{button, column, row, text};
use iced::{Element, Fill};

use crate::accounts::AccountId;
use crate::paths::Paths;
use crate::store::Store;
use crate::t;
use crate::ui::describe::Failure;

/// The prompt's field.
pub const FIELD_ID: &str = "password-prompt";

/// One account's password, asked for.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub account: AccountId,
    pub name: String,
    /// Why it is asked (no keyring, nothing stored…), in the user's words.
    pub reason: String,
    /// What has been typed so far.
    pub password: String,
}

/// The prompts waiting to be answered, the one on show first.
#[derive(Debug, Clone, Default)]
pub struct Prompts {
    queue: VecDeque<Prompt>,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Typing in the field.
    Typed(String),
    /// "Get mail" (or Enter): use the password typed.
    Submit,
    /// "Not now" (or Escape).
    NotNow,
    /// The keyring took the password of the account so named, or could not.
    Stored {
        name: String,
        result: Result<(), Failure>,
    },
}

/// What the window must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A password was given: the worker uses it, from memory, and fetches the account. The
    /// prompt is answered; the next, if any, is first now.
    Answered {
        account: AccountId,
        password: String,
    },
    /// "Not now": the prompt is gone; the next, if any, is first now.
    Dismissed,
    /// The keyring could not keep the password of this account (it is used all the same,
    /// until the program ends).
    NotStored(String),
}

impl Prompts {
    /// Queues a prompt, unless that account's password is already being asked for.
    /// Returns whether it was queued.
    pub fn ask(&mut self, prompt: Prompt) -> bool {
        if self.queue.iter().any(|p| p.account == prompt.account) {
            return false;
        }
        self.queue.push_back(prompt);
        true
    }

    /// Drops the prompt of an account that is going away.
    pub fn forget(&mut self, account: AccountId) {
        self.queue.retain(|p| p.account != account);
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The prompts waiting, the one on show first.
    pub fn waiting(&self) -> impl Iterator<Item = &Prompt> {
        self.queue.iter()
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Typed(password) => {
                if let Some(prompt) = self.queue.front_mut() {
                    prompt.password = password;
                }
                (Task::none(), None)
            }
            Message::Submit => match self.queue.front() {
                Some(prompt) if !prompt.password.is_empty() => {
                    let Some(prompt) = self.queue.pop_front() else {
                        return (Task::none(), None);
                    };
                    let task = store(paths.clone(), &prompt);
                    let event = Event::Answered {
                        account: prompt.account,
                        password: prompt.password,
                    };
                    (task, Some(event))
                }
                _ => (Task::none(), None),
            },
            Message::NotNow => {
                let dismissed = self.queue.pop_front().is_some();
                (Task::none(), dismissed.then_some(Event::Dismissed))
            }
            Message::Stored { result: Ok(()), .. } => (Task::none(), None),
            Message::Stored {
                name,
                result: Err(e),
            } => {
                tracing::warn!("no keyring: {e}");
                (Task::none(), Some(Event::NotStored(name)))
            }
        }
    }

    /// The first prompt: the password for its account.
    pub fn view(&self) -> Element<'_, Message> {
        let Some(prompt) = self.queue.front() else {
            return iced::widget::space().into();
        };
        super::dialog_box(
            column![
                text(t!("password-title", account = prompt.name.clone())).size(20),
                text(t!("password-why", reason = prompt.reason.clone())).size(13),
                iced::widget::text_input(&t!("password-placeholder"), &prompt.password)
                    .id(FIELD_ID)
                    .secure(true)
                    .on_input(Message::Typed)
                    .on_submit(Message::Submit)
                    .padding(6),
                text(t!("password-where")).size(13),
                row![
                    iced::widget::space().width(Fill),
                    button(text(t!("password-not-now")))
                        .on_press(Message::NotNow)
                        .style(button::secondary),
                    button(text(t!("toolbar-get-mail")))
                        .on_press(Message::Submit)
                        .style(button::primary),
                ]
                .spacing(8),
            ]
            .spacing(12),
            520.0,
        )
    }
}

/// Keeps the answer in the keyring, for the account as the store has it now.
fn store(paths: Paths, prompt: &Prompt) -> Task<Message> {
    let (account, name) = (prompt.account, prompt.name.clone());
    let password = prompt.password.clone();
    Task::perform(
        super::blocking(move || {
            let store = Store::open(&paths.database())?;
            let account = super::account_by_id(&store, account)?;
            crate::secrets::Keyring::open(&store)
                .and_then(|keyring| keyring.set(&account, &password))
                .map_err(Failure::from)
        }),
        move |result| Message::Stored {
            name: name.clone(),
            result,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(id: i64, name: &str) -> Prompt {
        Prompt {
            account: AccountId(id),
            name: name.into(),
            reason: "nothing stored".into(),
            password: String::new(),
        }
    }

    fn names(prompts: &Prompts) -> Vec<&str> {
        prompts.waiting().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn one_prompt_per_account_in_the_order_asked() {
        let mut prompts = Prompts::default();
        assert!(prompts.ask(prompt(1, "home")));
        assert!(prompts.ask(prompt(2, "work")));
        assert!(!prompts.ask(prompt(1, "home")), "home is already waiting");
        assert!(prompts.ask(prompt(3, "club")));
        assert_eq!(names(&prompts), ["home", "work", "club"]);
        prompts.forget(AccountId(2));
        assert_eq!(names(&prompts), ["home", "club"]);
    }

    #[test]
    fn an_answer_is_for_the_first_and_the_next_comes_forward() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let mut prompts = Prompts::default();
        prompts.ask(prompt(1, "home"));
        prompts.ask(prompt(2, "work"));
        let (_, event) = prompts.update(Message::Submit, &paths);
        assert_eq!(event, None, "nothing typed, nothing answered");
        assert_eq!(names(&prompts), ["home", "work"]);

        let _ = prompts.update(Message::Typed("secret".into()), &paths);
        let (_, event) = prompts.update(Message::Submit, &paths);
        assert_eq!(
            event,
            Some(Event::Answered {
                account: AccountId(1),
                password: "secret".into()
            })
        );
        assert_eq!(names(&prompts), ["work"]);
        assert_eq!(
            prompts.waiting().next().unwrap().password,
            "",
            "typed for home only"
        );

        let (_, event) = prompts.update(Message::NotNow, &paths);
        assert_eq!(event, Some(Event::Dismissed));
        assert!(prompts.is_empty());
        let (_, event) = prompts.update(Message::NotNow, &paths);
        assert_eq!(event, None, "nothing left to dismiss");
    }

    #[test]
    fn a_keyring_that_refuses_is_said_for_its_account() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let mut prompts = Prompts::default();
        let refused = Message::Stored {
            name: "home".into(),
            result: Err(Failure::AccountGone),
        };
        let (_, event) = prompts.update(refused, &paths);
        assert_eq!(event, Some(Event::NotStored("home".into())));
        let stored = Message::Stored {
            name: "home".into(),
            result: Ok(()),
        };
        assert_eq!(prompts.update(stored, &paths).1, None);
    }
}
