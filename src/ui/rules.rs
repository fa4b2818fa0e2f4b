//! The rules dialog (振り分け): the rules in order, each turned on or off, moved up or
//! down, or removed; a form for a new one (one condition, one action, "stop here"); and
//! "Run rules now" on the inboxes. Every change goes to the store at once, off the UI
//! thread; the list is read again after it.

use iced::widget::{Column, button, checkbox, column, pick_list, row, scrollable, text};
use iced::{Element, Fill, Task};

use crate::paths::Paths;
use crate::rules::{Action, Compiled, Condition, Field, Rule, Test};
use crate::store::Store;
use crate::t;
use crate::ui::describe::{Failure, Said};

/// What a new rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    From,
    ToCc,
    Subject,
    Body,
}

impl Looks {
    const ALL: [Looks; 4] = [Looks::From, Looks::ToCc, Looks::Subject, Looks::Body];

    fn field(self) -> Field {
        match self {
            Looks::From => Field::From,
            Looks::ToCc => Field::ToCc,
            Looks::Subject => Field::Subject,
            Looks::Body => Field::Body,
        }
    }
}

impl std::fmt::Display for Looks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&field_label(&self.field()))
    }
}

/// What a new rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    MoveTo,
    MarkRead,
    Flag,
    Junk,
    Delete,
    SkipDownload,
    DeleteOnServer,
}

impl Does {
    const ALL: [Does; 7] = [
        Does::MoveTo,
        Does::MarkRead,
        Does::Flag,
        Does::Junk,
        Does::Delete,
        Does::SkipDownload,
        Does::DeleteOnServer,
    ];

    fn action(self, folder: &str) -> Action {
        match self {
            Does::MoveTo => Action::MoveTo(folder.trim().to_string()),
            Does::MarkRead => Action::MarkRead,
            Does::Flag => Action::Flag,
            Does::Junk => Action::Junk,
            Does::Delete => Action::Delete,
            Does::SkipDownload => Action::SkipDownload,
            Does::DeleteOnServer => Action::DeleteOnServer,
        }
    }
}

impl std::fmt::Display for Does {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&action_label(&self.action("…")))
    }
}

#[derive(Debug)]
pub struct Dialog {
    rules: Vec<Rule>,
    name: String,
    looks: Looks,
    text: String,
    does: Does,
    folder: String,
    stop: bool,
    /// What went wrong last, in the window's language.
    problem: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Vec<Rule>, Failure>),
    Name(String),
    Looks(Looks),
    Text(String),
    Does(Does),
    Folder(String),
    Stop(bool),
    Add,
    Enable(String, bool),
    Move(String, bool),
    Remove(String),
    /// A change was written (or why not); the list is read again.
    Changed(Result<(), Failure>),
    RunNow,
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
    pub fn open(paths: &Paths) -> (Dialog, Task<Message>) {
        let dialog = Dialog {
            rules: Vec::new(),
            name: String::new(),
            looks: Looks::Subject,
            text: String::new(),
            does: Does::MoveTo,
            folder: String::new(),
            stop: false,
            problem: None,
            note: None,
        };
        (dialog, load(paths))
    }

    /// "New rule from this message": the form filled in with its sender (and named after
    /// its subject), to move it somewhere.
    pub fn from_message(paths: &Paths, sender: &str, subject: &str) -> (Dialog, Task<Message>) {
        let (mut dialog, task) = Dialog::open(paths);
        dialog.name = subject.trim().chars().take(60).collect();
        dialog.looks = Looks::From;
        dialog.text = sender.to_string();
        (dialog, task)
    }

    pub fn update(&mut self, message: Message, paths: &Paths) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Loaded(Ok(rules)) => {
                self.rules = rules;
                Task::none()
            }
            Message::Loaded(Err(e)) | Message::Changed(Err(e)) => {
                self.problem = Some(e.said());
                Task::none()
            }
            Message::Changed(Ok(())) => load(paths),
            Message::Name(v) => self.set(|d| d.name = v),
            Message::Looks(v) => self.set(|d| d.looks = v),
            Message::Text(v) => self.set(|d| d.text = v),
            Message::Does(v) => self.set(|d| d.does = v),
            Message::Folder(v) => self.set(|d| d.folder = v),
            Message::Stop(v) => self.set(|d| d.stop = v),
            Message::Add => self.add(paths),
            Message::Enable(name, on) => change(paths, move |s| s.set_rule_enabled(&name, on)),
            Message::Move(name, up) => change(paths, move |s| s.move_rule(&name, up)),
            Message::Remove(name) => change(paths, move |s| s.remove_rule(&name)),
            Message::RunNow => run_now(paths),
            Message::Ran(Ok((matched, of))) => {
                self.note = Some(t!("rules-ran", matched = matched, count = of));
                return (Task::none(), Some(Event::Sorted));
            }
            Message::Ran(Err(e)) => {
                self.problem = Some(e.said());
                Task::none()
            }
            Message::Close => return (Task::none(), Some(Event::Closed)),
        };
        (task, None)
    }

    fn set(&mut self, change: impl FnOnce(&mut Dialog)) -> Task<Message> {
        change(self);
        self.problem = None;
        Task::none()
    }

    /// The form as a rule, or what is wrong with it.
    fn rule(&self) -> Result<Rule, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(t!("rules-name-needed"));
        }
        if self.does == Does::MoveTo && self.folder.trim().is_empty() {
            return Err(t!("rules-folder-needed"));
        }
        let mut actions = vec![self.does.action(&self.folder)];
        if self.stop {
            actions.push(Action::Stop);
        }
        let rule = Rule {
            name: name.to_string(),
            account: None,
            any: false,
            conditions: vec![Condition::Text {
                field: self.looks.field(),
                test: Test::Contains,
                text: self.text.clone(),
            }],
            actions,
            enabled: true,
        };
        Compiled::new(rule.clone()).map_err(|e| match e {
            crate::rules::Error::EmptyText(_) => t!("rules-text-needed"),
            crate::rules::Error::ServerActionNeedsDownload(_) => t!("rules-server-needs-headers"),
            other => other.to_string(),
        })?;
        Ok(rule)
    }

    fn add(&mut self, paths: &Paths) -> Task<Message> {
        match self.rule() {
            Ok(rule) => {
                self.name.clear();
                self.text.clear();
                self.problem = None;
                change(paths, move |s| s.add_rule(&rule))
            }
            Err(problem) => {
                self.problem = Some(problem);
                Task::none()
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut list = Column::new().spacing(6);
        if self.rules.is_empty() {
            list = list.push(text(t!("rules-none")).size(13));
        }
        let last = self.rules.len().saturating_sub(1);
        for (i, rule) in self.rules.iter().enumerate() {
            let name = rule.name.clone();
            let small = |label: &str, message: Option<Message>| {
                button(text(label.to_string()).size(12))
                    .on_press_maybe(message)
                    .padding([2, 6])
                    .style(button::secondary)
            };
            list = list.push(
                row![
                    checkbox(rule.enabled)
                        .on_toggle({
                            let name = name.clone();
                            move |on| Message::Enable(name.clone(), on)
                        })
                        .size(16),
                    column![
                        text(rule.name.clone()).size(14),
                        text(summary(rule)).size(12),
                    ]
                    .width(Fill),
                    small("↑", (i > 0).then(|| Message::Move(name.clone(), true))),
                    small("↓", (i < last).then(|| Message::Move(name.clone(), false))),
                    small(&t!("rules-remove"), Some(Message::Remove(name))),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        let mut form = row![
            iced::widget::text_input(&t!("rules-name"), &self.name)
                .on_input(Message::Name)
                .padding(5)
                .width(140),
            pick_list(Looks::ALL, Some(self.looks), Message::Looks),
            text(t!("rules-contains")).size(13),
            iced::widget::text_input("", &self.text)
                .on_input(Message::Text)
                .padding(5)
                .width(140),
            pick_list(Does::ALL, Some(self.does), Message::Does),
        ]
        .spacing(8)
        .align_y(iced::Center);
        if self.does == Does::MoveTo {
            form = form.push(
                iced::widget::text_input(&t!("rules-folder"), &self.folder)
                    .on_input(Message::Folder)
                    .padding(5)
                    .width(110),
            );
        }
        let mut content = column![
            text(t!("rules-title")).size(20),
            text(t!("rules-explained")).size(12),
            scrollable(list).height(260),
            text(t!("rules-new")).size(15),
            form.wrap(),
            row![
                checkbox(self.stop)
                    .label(t!("rules-stop"))
                    .on_toggle(Message::Stop)
                    .size(16)
                    .text_size(13),
                iced::widget::space().width(Fill),
                button(text(t!("rules-add")))
                    .on_press(Message::Add)
                    .style(button::primary),
            ]
            .align_y(iced::Center),
        ]
        .spacing(10);
        if let Some(problem) = &self.problem {
            content = content.push(text(problem.clone()).size(13).style(text::danger));
        }
        if let Some(note) = &self.note {
            content = content.push(text(note.clone()).size(13).style(text::success));
        }
        content = content.push(row![
            button(text(t!("rules-run-now")))
                .on_press(Message::RunNow)
                .style(button::secondary),
            iced::widget::space().width(Fill),
            button(text(t!("button-close"))).on_press(Message::Close),
        ]);
        crate::ui::dialog_box(content, 820.0)
    }
}

/// A rule in one line: what it looks at, then what it does.
pub fn summary(rule: &Rule) -> String {
    let when: Vec<String> = rule.conditions.iter().map(condition_label).collect();
    let does: Vec<String> = rule.actions.iter().map(action_label).collect();
    let joiner = if rule.any {
        t!("rules-or")
    } else {
        t!("rules-and")
    };
    t!(
        "rules-summary",
        when = when.join(&format!(" {joiner} ")),
        does = does.join(", ")
    )
}

fn field_label(field: &Field) -> String {
    match field {
        Field::From => t!("header-from"),
        Field::ToCc => t!("rules-to-cc"),
        Field::Subject => t!("header-subject"),
        Field::Header(name) => name.clone(),
        Field::Body => t!("rules-body"),
    }
}

fn condition_label(condition: &Condition) -> String {
    match condition {
        Condition::Text { field, test, text } => {
            let field = field_label(field);
            let text = text.clone();
            match test {
                Test::Contains => t!("rules-if-contains", field = field, text = text),
                Test::Is => t!("rules-if-is", field = field, text = text),
                Test::BeginsWith => t!("rules-if-begins", field = field, text = text),
                Test::EndsWith => t!("rules-if-ends", field = field, text = text),
                Test::Regex => t!("rules-if-regex", field = field, text = text),
            }
        }
        Condition::SizeOver(n) => t!("rules-if-size", kb = n / 1024),
        Condition::HasAttachment => t!("rules-if-attachment"),
    }
}

fn action_label(action: &Action) -> String {
    match action {
        Action::MoveTo(folder) => t!("rules-move-to", folder = folder.clone()),
        Action::MarkRead => t!("rules-mark-read"),
        Action::Flag => t!("rules-flag"),
        Action::Junk => t!("rules-junk"),
        Action::Delete => t!("rules-delete"),
        Action::SkipDownload => t!("rules-skip-download"),
        Action::DeleteOnServer => t!("rules-delete-on-server"),
        Action::Stop => t!("rules-stop-here"),
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

/// "Run rules now": the rules, done to every message of the inboxes.
fn run_now(paths: &Paths) -> Task<Message> {
    let paths = paths.clone();
    Task::perform(
        crate::ui::blocking(move || -> Result<_, Failure> {
            let mut store = Store::open(&paths.database())?;
            Ok(store.run_rules(crate::store::View::Inbox(None), None)?)
        }),
        Message::Ran,
    )
}
