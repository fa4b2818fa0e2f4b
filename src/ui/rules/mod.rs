//! The rules dialog (振り分け): the rules in order, each turned on or off, moved up or
//! down, edited or removed; a form for a new rule or the one being edited (its account,
//! any number of conditions, all or any of them, any number of actions, "stop here");
//! and "Run rules now" on the folder on show or on the messages selected in it. Every
//! change goes to the store at once, off the UI thread; the list is read again after it.

mod form;
mod labels;
mod view;

use iced::Task;

use crate::accounts::AccountId;
use crate::paths::Paths;
use crate::rules::{Rule, Test};
use crate::store::{Store, View};
use crate::t;
use crate::ui::describe::{Failure, Said};

pub use form::{Does, Doing, Form, Looking, Looks};
pub use labels::summary;

/// What "Run rules now" can act on: the folder on show, and the messages selected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The folder's name as the sidebar shows it.
    pub folder: String,
    pub view: View,
    pub selected: Vec<i64>,
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            folder: t!("folder-all-inboxes"),
            view: View::Inbox(None),
            selected: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct Dialog {
    rules: Vec<Rule>,
    form: Form,
    /// The accounts a rule can be for: (id, name).
    accounts: Vec<(AccountId, String)>,
    scope: Scope,
    /// What went wrong last, in the window's language.
    problem: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Vec<Rule>, Failure>),
    Name(String),
    /// The account the rule is for; None: every account.
    Account(Option<AccountId>),
    /// Any condition suffices (else all are needed).
    Any(bool),
    /// Condition `n`: what it looks at, how it compares, its text, its header's name.
    Looks(usize, Looks),
    Test(usize, Test),
    Text(usize, String),
    Header(usize, String),
    AddCondition,
    RemoveCondition(usize),
    /// Action `n`: what it does, and its folder.
    Does(usize, Does),
    Folder(usize, String),
    AddAction,
    RemoveAction(usize),
    Stop(bool),
    /// Add the rule in the form, or save the one being edited.
    Add,
    /// Show this rule in the form, to change it.
    Edit(String),
    /// Leave the rule being edited as it is; the form is emptied.
    CancelEdit,
    Enable(String, bool),
    Move(String, bool),
    Remove(String),
    /// A change was written (or why not); the list is read again.
    Changed(Result<(), Failure>),
    /// Run the rules now: on the messages selected (true) or on the whole folder.
    RunNow(bool),
    /// How many of how many messages the rules matched.
    Ran(Result<(usize, usize), Failure>),
    Close,
}

/// What the window must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Closed,
    /// Messages were sorted: the lists change.
    Sorted,
}

impl Dialog {
    /// The dialog over the rules; `accounts` a rule can be for, and what "Run rules now"
    /// acts on.
    pub fn open(
        paths: &Paths,
        accounts: Vec<(AccountId, String)>,
        scope: Scope,
    ) -> (Dialog, Task<Message>) {
        let dialog = Dialog {
            rules: Vec::new(),
            form: Form::default(),
            accounts,
            scope,
            problem: None,
            note: None,
        };
        (dialog, load(paths))
    }

    /// "New rule from this message": the form filled in with its sender (and named after
    /// its subject), to move it somewhere.
    pub fn from_message(
        paths: &Paths,
        accounts: Vec<(AccountId, String)>,
        sender: &str,
        subject: &str,
    ) -> (Dialog, Task<Message>) {
        let (mut dialog, task) = Dialog::open(paths, accounts, Scope::default());
        dialog.form.name = subject.trim().chars().take(60).collect();
        dialog.form.conditions[0].looks = Looks::From;
        dialog.form.conditions[0].text = sender.to_string();
        (dialog, task)
    }

    /// The form as it stands.
    pub fn form(&self) -> &Form {
        &self.form
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Loaded(Ok(rules)) => {
                self.rules = rules;
                Task::none()
            }
            Message::Loaded(Err(e)) | Message::Changed(Err(e)) | Message::Ran(Err(e)) => {
                self.problem = Some(e.said());
                Task::none()
            }
            Message::Changed(Ok(())) => load(paths),
            Message::Add => self.add(paths),
            Message::Edit(name) => {
                if let Some(rule) = self.rules.iter().find(|r| r.name == name) {
                    self.form = Form::editing(rule);
                    self.problem = None;
                }
                Task::none()
            }
            Message::CancelEdit => self.set(|f| *f = Form::default()),
            Message::Enable(name, on) => change(paths, move |s| s.set_rule_enabled(&name, on)),
            Message::Move(name, up) => change(paths, move |s| s.move_rule(&name, up)),
            Message::Remove(name) => {
                if self.form.editing.as_ref() == Some(&name) {
                    self.form = Form::default();
                }
                change(paths, move |s| s.remove_rule(&name))
            }
            Message::RunNow(selected) => self.run_now(paths, selected),
            Message::Ran(Ok((matched, of))) => {
                self.note = Some(t!("rules-ran", matched = matched, count = of));
                return (Task::none(), Some(Event::Sorted));
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
            edit => self.edit(edit),
        };
        (task, None)
    }

    /// A change to the form.
    fn edit(&mut self, message: Message) -> Task<Message> {
        self.set(|f| match message {
            Message::Name(v) => f.name = v,
            Message::Account(v) => f.account = v,
            Message::Any(v) => f.any = v,
            Message::Looks(n, v) => at(&mut f.conditions, n, |c| c.looks = v),
            Message::Test(n, v) => at(&mut f.conditions, n, |c| c.test = v),
            Message::Text(n, v) => at(&mut f.conditions, n, |c| c.text = v),
            Message::Header(n, v) => at(&mut f.conditions, n, |c| c.header = v),
            Message::AddCondition => f.conditions.push(Looking::default()),
            Message::RemoveCondition(n) if n < f.conditions.len() => {
                f.conditions.remove(n);
            }
            Message::Does(n, v) => at(&mut f.actions, n, |a| a.does = v),
            Message::Folder(n, v) => at(&mut f.actions, n, |a| a.folder = v),
            Message::AddAction => f.actions.push(Doing {
                does: Does::MarkRead,
                folder: String::new(),
            }),
            Message::RemoveAction(n) if n < f.actions.len() => {
                f.actions.remove(n);
            }
            Message::Stop(v) => f.stop = v,
            _ => {}
        })
    }

    fn set(&mut self, change: impl FnOnce(&mut Form)) -> Task<Message> {
        change(&mut self.form);
        self.problem = None;
        self.note = None;
        Task::none()
    }

    /// Adds the rule in the form, or saves the one being edited in its place.
    fn add(&mut self, paths: &Paths) -> Task<Message> {
        let editing = self.form.editing.clone();
        let enabled = editing
            .as_ref()
            .and_then(|name| self.rules.iter().find(|r| &r.name == name))
            .is_none_or(|r| r.enabled);
        match self.form.rule(enabled) {
            Ok(rule) => {
                self.form = Form::default();
                self.problem = None;
                change(paths, move |s| match &editing {
                    Some(name) => s.replace_rule(name, &rule),
                    None => s.add_rule(&rule),
                })
            }
            Err(problem) => {
                self.problem = Some(problem);
                Task::none()
            }
        }
    }

    /// "Run rules now" on the selection or the folder on show.
    fn run_now(&mut self, paths: &Paths, selected: bool) -> Task<Message> {
        let paths = paths.clone();
        let view = self.scope.view;
        let ids = selected.then(|| self.scope.selected.clone());
        Task::perform(
            crate::ui::blocking(move || -> Result<_, Failure> {
                let mut store = Store::open(&paths.database())?;
                Ok(match ids {
                    Some(ids) => store.run_rules_on(&ids, None)?,
                    None => store.run_rules(view, None)?,
                })
            }),
            Message::Ran,
        )
    }
}

/// Changes item `n` of a list, when there is one.
fn at<T>(list: &mut [T], n: usize, change: impl FnOnce(&mut T)) {
    if let Some(item) = list.get_mut(n) {
        change(item);
    }
}

fn load(paths: &Paths) -> Task<Message> {
    let paths = paths.clone();
    Task::perform(
        crate::ui::blocking(move || -> Result<_, Failure> {
            Ok(Store::open(&paths.database())?.rules()?)
        }),
        Message::Loaded,
    )
}

fn change(
    paths: &Paths,
    change: impl FnOnce(&mut Store) -> crate::store::Result<()> + Send + 'static,
) -> Task<Message> {
    let paths = paths.clone();
    Task::perform(
        crate::ui::blocking(move || -> Result<(), Failure> {
            let mut store = Store::open(&paths.database())?;
            Ok(change(&mut store)?)
        }),
        Message::Changed,
    )
}
