//! Removing an account: the question of what becomes of its mail, then the removal, off
//! the UI thread. The question stays up, its buttons off, until the store has answered,
//! so the window reads its list again only once the account is gone.

use iced::Task;
use iced::widget::{button, column, row, text};
use iced::{Element, Fill};

use crate::accounts::{Account, AccountId};
use crate::paths::Paths;
use crate::store::Store;
use crate::t;
use crate::ui::describe::{Failure, Said};

/// The question, for one account.
#[derive(Debug, Clone)]
pub struct RemoveAccount {
    account: AccountId,
    /// As the question shows it.
    name: String,
    /// The answer was given: the store is removing it.
    removing: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// "Cancel" (or Escape): nothing is removed.
    Cancel,
    /// Remove it, keeping its mail here or not.
    Remove { keep_mail: bool },
    /// The store has answered.
    Removed(Result<(), Failure>),
}

/// What the window must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Closed,
    /// The account is about to go: stop fetching it, stop showing its mail.
    Removing(AccountId),
    /// It is gone, or why not (in words for the status bar); the question is over.
    Removed(Result<(), String>),
}

impl RemoveAccount {
    pub fn new(account: &Account) -> RemoveAccount {
        RemoveAccount {
            account: account.id,
            name: account.settings.name.clone(),
            removing: false,
        }
    }

    /// The account asked about.
    pub fn account(&self) -> AccountId {
        self.account
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            // Once the store is at work, the answer is given: only its end closes this.
            Message::Cancel | Message::Remove { .. } if self.removing => (Task::none(), None),
            Message::Cancel => (Task::none(), Some(Event::Closed)),
            Message::Remove { keep_mail } => {
                self.removing = true;
                let task = Task::perform(
                    remove(paths.clone(), self.account, keep_mail),
                    Message::Removed,
                );
                (task, Some(Event::Removing(self.account)))
            }
            Message::Removed(result) => {
                let name = self.name.clone();
                let result = result.map_err(|e| {
                    t!(
                        "status-account-not-removed",
                        account = name,
                        error = e.said()
                    )
                });
                (Task::none(), Some(Event::Removed(result)))
            }
        }
    }

    /// Asks what becomes of the account's mail.
    pub fn view(&self) -> Element<'_, Message> {
        let answer = |message: Message| (!self.removing).then_some(message);
        super::dialog_box(
            column![
                text(t!("remove-title", name = self.name.clone())).size(20),
                text(t!("remove-text")),
                row![
                    button(text(t!("button-cancel")))
                        .on_press_maybe(answer(Message::Cancel))
                        .style(button::secondary),
                    iced::widget::space().width(Fill),
                    button(text(t!("remove-delete-mail")))
                        .on_press_maybe(answer(Message::Remove { keep_mail: false }))
                        .style(button::danger),
                    button(text(t!("remove-keep-mail")))
                        .on_press_maybe(answer(Message::Remove { keep_mail: true }))
                        .style(button::primary),
                ]
                .spacing(8),
            ]
            .spacing(14),
            560.0,
        )
    }
}

/// Removes the account, found by id: its name may have changed since it was asked about.
/// Its password leaves the keyring too (a failure there only goes to the log: the account
/// is gone either way).
async fn remove(paths: Paths, account: AccountId, keep_mail: bool) -> Result<(), Failure> {
    super::blocking(move || {
        let store = Store::open(&paths.database())?;
        let account = super::account_by_id(&store, account)?;
        let keyring = crate::secrets::Keyring::open(&store);
        store.remove_account(&account.settings.name, !keep_mail)?;
        if let Err(e) = keyring.and_then(|keyring| keyring.delete(&account)) {
            tracing::warn!("the password of a removed account stays: {e}");
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(paths: &Paths) -> (RemoveAccount, AccountId) {
        paths.ensure().unwrap();
        let store = Store::open(&paths.database()).unwrap();
        let account = store
            .add_account(&crate::accounts::Settings {
                name: "home".into(),
                host: "pop.example.org".into(),
                user: "u".into(),
                ..Default::default()
            })
            .unwrap();
        (RemoveAccount::new(&account), account.id)
    }

    #[test]
    fn cancel_closes_and_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let (mut question, _) = question(&paths);
        assert_eq!(
            question.update(Message::Cancel, &paths).1,
            Some(Event::Closed)
        );
    }

    /// Once removing, the question waits for the store: a second answer or a Cancel (an
    /// Escape) does nothing, and the end says why it failed, naming the account.
    #[test]
    fn the_answer_is_given_once_and_the_end_closes_it() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let (mut question, id) = question(&paths);
        let (_, event) = question.update(Message::Remove { keep_mail: true }, &paths);
        assert_eq!(event, Some(Event::Removing(id)));
        assert_eq!(question.update(Message::Cancel, &paths).1, None);
        let again = question.update(Message::Remove { keep_mail: false }, &paths);
        assert_eq!(again.1, None);
        let gone = Message::Removed(Err(Failure::AccountGone));
        let (_, event) = question.update(gone, &paths);
        match event {
            Some(Event::Removed(Err(said))) => {
                assert!(
                    said.contains("home") && said.contains(&Failure::AccountGone.said()),
                    "{said}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
