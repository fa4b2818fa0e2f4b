//! The server's mailbox in view (issue 19): what is on the server for one account, listed
//! with the headers of each message (TOP n 0, nothing downloaded whole), whether Poplar
//! has it, and when the retention deletes it; sortable like the inbox, so that a large
//! message stands out; and, on the chosen messages, Download, Delete on the server (after
//! a question that says which are not stored here) and Download then delete, each in one
//! session ordered as a fetch is.

use std::collections::BTreeSet;

use iced::Task;

use crate::accounts::Account;
use crate::paths::Paths;
use crate::pop3::Uidl;
use crate::sync::FetchOptions;
use crate::sync::remote::{self, Action, Applied, RemoteMessage, Stored};
use crate::t;

mod view;

/// A column the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    From,
    Subject,
    Date,
    Size,
    Stored,
}

#[derive(Debug)]
pub enum State {
    Listing,
    Ready,
    Failed(String),
    /// An action on the chosen messages is being carried out.
    Applying(Action),
}

#[derive(Debug)]
pub struct RemoteView {
    account: Account,
    rows: Vec<RemoteMessage>,
    state: State,
    /// The column sorted by, and whether descending.
    sort: (Column, bool),
    /// The chosen messages, by UIDL (a message without one cannot be acted on).
    chosen: BTreeSet<Uidl>,
    /// Deleting on the server waits for this yes.
    confirming: Option<Action>,
    /// What the last action did.
    said: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Rows as the server's answers come in.
    Rows(Vec<RemoteMessage>),
    /// The listing is over: how many there are, or why it failed.
    Listed(Result<usize, String>),
    Refresh,
    Sort(Column),
    /// A row was clicked: chosen, or not any more.
    Toggle(Uidl),
    /// "Choose all" / "Choose none".
    ChooseAll(bool),
    Act(Action),
    Confirm,
    CancelConfirm,
    Applied(Result<Applied, String>),
    Close,
}

/// What the window must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Closed,
    /// Mail was stored here: the window reads its list again.
    Stored,
}

impl RemoteView {
    /// The view of `account`'s server, listing it at once.
    pub fn open(account: &Account, paths: &Paths) -> (RemoteView, Task<Message>) {
        let view = RemoteView {
            account: account.clone(),
            rows: Vec::new(),
            state: State::Listing,
            sort: (Column::Number, false),
            chosen: BTreeSet::new(),
            confirming: None,
            said: None,
        };
        let task = view.list(paths);
        (view, task)
    }

    /// Lists the server; the rows come in as its answers do, so that the list can be
    /// looked at, sorted and chosen from while it grows.
    fn list(&self, paths: &Paths) -> Task<Message> {
        let (paths, account) = (paths.clone(), self.account.clone());
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let listing = Task::perform(
            async move {
                let password = secret(&paths, &account).await?;
                let options = FetchOptions::default();
                let give = |rows| {
                    let _ = sender.send(rows);
                };
                remote::list_remote_as_it_comes(&paths, &account, &password, &options, give)
                    .await
                    .map_err(|e| crate::ui::describe::sync(&e))
            },
            Message::Listed,
        );
        // Ends when the listing is over (its sender dropped).
        let rows = iced::futures::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|rows| (rows, receiver))
        });
        Task::batch([Task::run(rows, Message::Rows), listing])
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Rows(rows) => {
                self.rows.extend(rows);
                self.sort_rows();
            }
            // The last rows may come after this: they are added as they arrive.
            Message::Listed(Ok(_)) => {
                let here: BTreeSet<&Uidl> =
                    self.rows.iter().filter_map(|r| r.uidl.as_ref()).collect();
                self.chosen.retain(|u| here.contains(u));
                self.state = State::Ready;
            }
            Message::Listed(Err(why)) | Message::Applied(Err(why)) => {
                self.state = State::Failed(why);
            }
            Message::Refresh => {
                self.state = State::Listing;
                self.said = None;
                self.rows.clear();
                return (self.list(paths), None);
            }
            Message::Sort(column) => {
                let descending = self.sort.0 == column && !self.sort.1;
                self.sort = (column, descending);
                self.sort_rows();
            }
            Message::Toggle(uidl) => {
                if !self.chosen.remove(&uidl) {
                    self.chosen.insert(uidl);
                }
            }
            Message::ChooseAll(all) => {
                self.chosen = if all {
                    self.rows.iter().filter_map(|r| r.uidl.clone()).collect()
                } else {
                    BTreeSet::new()
                };
            }
            // Deleting asks first; downloading does not.
            Message::Act(Action::Fetch) => return (self.apply(Action::Fetch, paths), None),
            Message::Act(action) => self.confirming = Some(action),
            Message::Confirm => {
                if let Some(action) = self.confirming.take() {
                    return (self.apply(action, paths), None);
                }
            }
            Message::CancelConfirm => self.confirming = None,
            Message::Applied(Ok(applied)) => {
                self.said = Some(said(&applied));
                self.chosen.clear();
                self.rows.clear();
                self.state = State::Listing;
                let stored = (applied.fetched > 0).then_some(Event::Stored);
                return (self.list(paths), stored);
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
        }
        (Task::none(), None)
    }

    fn apply(&mut self, action: Action, paths: &Paths) -> Task<Message> {
        if self.chosen.is_empty() || !matches!(self.state, State::Ready) {
            return Task::none();
        }
        self.state = State::Applying(action);
        let (paths, account) = (paths.clone(), self.account.clone());
        let uidls: Vec<Uidl> = self.chosen.iter().cloned().collect();
        Task::perform(
            async move {
                let password = secret(&paths, &account).await?;
                let options = FetchOptions::default();
                remote::apply_remote(
                    &paths,
                    &account,
                    &password,
                    &options,
                    &uidls,
                    action,
                    |_| {},
                )
                .await
                .map_err(|e| crate::ui::describe::sync(&e))
            },
            Message::Applied,
        )
    }

    fn sort_rows(&mut self) {
        let (column, descending) = self.sort;
        self.rows.sort_by(|a, b| {
            let order = match column {
                Column::Number => a.number.cmp(&b.number),
                Column::From => caseless(&a.from, &b.from),
                Column::Subject => caseless(&a.subject, &b.subject),
                Column::Date => a.date.cmp(&b.date),
                Column::Size => a.size.cmp(&b.size),
                Column::Stored => stored_rank(a.stored).cmp(&stored_rank(b.stored)),
            }
            .then(a.number.cmp(&b.number));
            if descending { order.reverse() } else { order }
        });
    }

    /// The chosen messages that are not stored here: deleting them loses them for good.
    fn chosen_not_here(&self) -> usize {
        self.not_here().count()
    }

    fn not_here(&self) -> impl Iterator<Item = &RemoteMessage> {
        self.rows
            .iter()
            .filter(|r| r.stored != Stored::Whole)
            .filter(|r| r.uidl.as_ref().is_some_and(|u| self.chosen.contains(u)))
    }
}

/// `a` against `b` ignoring case, without making lower-case copies: the rows are sorted
/// again as each part of a long listing comes in.
fn caseless(a: &str, b: &str) -> std::cmp::Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

fn stored_rank(stored: Stored) -> u8 {
    match stored {
        Stored::No => 0,
        Stored::Partial => 1,
        Stored::Whole => 2,
    }
}

/// What an action did, in a sentence.
fn said(applied: &Applied) -> String {
    t!(
        "remote-applied",
        stored = applied.fetched,
        deleted = applied.deleted,
        gone = applied.deleted_unstored.len()
    )
}

/// The password, or the sign-in's token, to log in with.
async fn secret(paths: &Paths, account: &Account) -> Result<String, String> {
    crate::worker::login_secret(paths, account.clone())
        .await
        .map_err(|e| crate::ui::describe::fetch(&e))
}

#[cfg(test)]
mod tests;
