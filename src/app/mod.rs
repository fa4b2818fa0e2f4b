//! The window: state, messages and the update dispatch. Views live in `ui/`.

use iced::futures::SinkExt;
use iced::{Subscription, Task, Theme};

use crate::accounts::AccountId;
use crate::backup;
use crate::downloads;
use crate::paths::Paths;
use crate::preferences::{Appearance, MarkRead, Preferences};
use crate::store::{Store, View};
use crate::t;
use crate::ui::describe::{Failure, Said};
use crate::ui::mailbox::{self, Mailbox};
use crate::ui::reader::{self, Act, Reader};
use crate::ui::status::{self, Status};
use crate::ui::{
    self, add_account, backups, message_list, password_prompt, preferences, remove_account,
    transfer,
};
use crate::worker::{self, Command, Event};
use iced::keyboard;

mod browse;
mod dialogs;
mod drafts;
mod fetching;
mod keys;
mod reading;
mod startup;
mod view;
pub mod writing;

use fetching::worker_stream;
use reading::Change;
use startup::check_health;
pub use startup::{Startup, load_snapshot, read_snapshot};

pub const APP_ID: &str = "org.poplar.Poplar";

/// Opens the window and runs until it is closed.
pub fn run(paths: Paths) -> iced::Result {
    let report = std::env::var_os("POPLAR_STARTUP_REPORT").map(|file| StartupReport {
        file: file.into(),
        asked: false,
        first_frame: None,
    });
    // The language is settled before the first frame, so the window never flickers from
    // one language to the other: read before the upgrade (which the first screen shows),
    // from a database of any schema.
    crate::i18n::apply(Preferences::language_before_upgrade(&paths.database()));
    iced::application(
        move || {
            let (mut app, task) = App::new(paths.clone());
            app.startup_report = report.clone();
            (app, task)
        },
        App::update,
        App::view,
    )
    .title(App::title)
    .subscription(App::subscription)
    .theme(App::theme)
    .settings(iced::Settings {
        id: Some(APP_ID.into()),
        ..iced::Settings::default()
    })
    .window_size((1100.0, 720.0))
    // The close button asks first: a message being written is saved as a draft.
    .exit_on_close_request(false)
    .run()
}

pub use crate::ui::mailbox::{Folder, Snapshot};
pub use crate::ui::reader::{MoveTarget, Opener, system_opener};

/// The database failed to open or its integrity check: what the window offers instead.
#[derive(Debug, Clone)]
pub struct Damaged {
    pub detail: backup::Damage,
    /// The newest snapshot in the remembered backup folder, if any.
    pub latest: Option<backup::Snapshot>,
}

pub struct App {
    pub paths: Paths,
    pub snapshot: Snapshot,
    pub selected: Option<i64>,
    pub reader: Reader,
    pub mailbox: Mailbox,
    pub status: Status,
    pub worker: Option<worker::Handle>,
    /// The dialog over the window, if one is open: while it is, the window's keyboard
    /// shortcuts do nothing.
    pub modal: Option<Modal>,
    /// The passwords asked for, one account after another: the first is on show while
    /// `modal` is [`Modal::Password`], the rest wait (behind another dialog, too).
    pub passwords: password_prompt::Prompts,
    pub damaged: Option<Damaged>,
    pub load_error: Option<Failure>,
    pub list: message_list::MessageList,
    modifiers: keyboard::Modifiers,
    /// Set by the window benchmark: where to report the first populated frame and the
    /// memory once idle (then the window closes).
    pub startup_report: Option<StartupReport>,
    /// Hands a file to the system's program for it (tests put a recorder here).
    pub opener: Opener,
    /// Nothing reads the database before it is up to date.
    pub startup: Startup,
    /// The window's close button was pressed while a message was being written: it
    /// closes once the draft is saved.
    pub quitting: Option<iced::window::Id>,
}

/// The one dialog that can be open over the window.
#[derive(Debug)]
pub enum Modal {
    Account(Box<add_account::AddAccount>),
    Backups(backups::Backups),
    Transfer(transfer::Transfer),
    Preferences(preferences::Dialog),
    /// The question before an account is removed.
    RemoveAccount(remove_account::RemoveAccount),
    /// The first of [`App::passwords`] is being asked for, because none is stored.
    Password,
    /// A message being written.
    Compose(Box<ui::compose::Compose>),
    /// The sorting rules.
    Rules(ui::rules::Dialog),
    /// What is on an account's server.
    Remote(Box<ui::remote::RemoteView>),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The database upgrade at start-up has taken long enough to say so.
    UpgradeSlow,
    /// The database upgrade at start-up is over.
    Upgraded(Result<(), Failure>),
    /// The list and sidebar were read from the store.
    Loaded(Result<Snapshot, Failure>),
    /// The sidebar's and the search box's own messages.
    Mailbox(mailbox::Message),
    /// A button of the toolbar.
    Toolbar(ui::Action),
    /// The status bar's own messages.
    Status(status::Message),
    /// A row of the list was clicked.
    SelectMessage(i64),
    /// The reading pane's own messages.
    Reader(reader::Message),
    /// "Get mail" was pressed (the toolbar, F5).
    GetMail,
    /// A change to the store finished; the list is read again.
    Changed(Result<(), Failure>),
    /// Work that only needed saying in the status bar failed.
    Failed(Failure),
    /// A message was made due again in the Outbox.
    InOutbox,
    /// The message list's own messages.
    List(message_list::Message),
    /// The ids of the list (a folder, or a search in it) were read; the number says
    /// which search they answer.
    Ids(u64, Result<Vec<i64>, Failure>),
    /// A key nobody else used (shortcuts).
    Key(keyboard::Event),
    /// "Preferences" was pressed.
    OpenPreferences,
    /// The Preferences dialog's own messages.
    Preferences(preferences::Message),
    /// The rules dialog's own messages.
    Rules(ui::rules::Message),
    /// The remote view of an account's server: opened, and its own messages.
    OpenRemote(AccountId),
    Remote(ui::remote::Message),
    /// "New rule…" on a message: (its sender's address, its subject).
    NewRule(String, String),
    /// The mark-as-read delay for this message has passed.
    MarkReadDue(i64),
    /// The background worker said something.
    Worker(WorkerMessage),
    /// "Add account" was pressed.
    OpenAddAccount,
    /// "Edit" on the selected account.
    EditAccount(AccountId),
    /// "Remove" on the selected account: asks first.
    OpenRemoveAccount(AccountId),
    /// The remove-account question's own messages.
    RemoveAccount(remove_account::Message),
    /// The password prompt's own messages.
    Password(password_prompt::Message),
    /// The add-account dialog's own messages.
    AddAccount(add_account::Message),
    /// "Write", R, Shift+R or Ctrl+L: the compose screen, empty or answering.
    Write(writing::Start),
    /// The message to answer or forward was read.
    Answer(Box<writing::Parent>),
    /// The compose screen's own messages.
    Compose(ui::compose::Message),
    /// Compose screen `screen`'s draft was saved (its id; None: it was no draft any
    /// more), or why not; `first`: it is new in the Drafts folder.
    DraftSaved {
        screen: u64,
        first: bool,
        result: Result<Option<i64>, Failure>,
    },
    /// The window's close button.
    CloseRequested(iced::window::Id),
    /// What was typed in draft `id` and its files, read to open it again (None: it is no
    /// draft now).
    DraftOpened(
        i64,
        Result<Option<(String, Vec<crate::compose::Attachment>)>, Failure>,
    ),
    /// A written message is in the Outbox of this account (its id), or why not.
    Queued(AccountId, Result<i64, Failure>),
    /// Nothing to do (e.g. a finished write whose result needs no reaction).
    Done,
    /// The start-up integrity check finished.
    Health(Option<Damaged>),
    /// "Backups" was pressed.
    OpenBackups,
    /// The Backups dialog's own messages.
    Backups(backups::Message),
    /// "Import/Export" was pressed.
    OpenTransfer,
    /// The Import and export dialog's own messages.
    Transfer(transfer::Message),
    /// "Restore the latest backup" on the damaged-database screen.
    RestoreLatest,
    Restored(Result<Option<std::path::PathBuf>, Failure>),
    /// The first frame showing the list's rows is on screen (window benchmark).
    FirstFrame,
    /// The window has been idle for a while since (window benchmark).
    SettledAfterStart,
}

/// The window benchmark's report (`POPLAR_STARTUP_REPORT=FILE`): the wall-clock time of
/// the first frame that shows the populated list, and resident memory once idle.
#[derive(Debug, Clone)]
pub struct StartupReport {
    pub file: std::path::PathBuf,
    /// True once the first populated frame was asked for.
    pub asked: bool,
    /// When that frame was drawn (microseconds since the Unix epoch).
    pub first_frame: Option<u128>,
}

#[derive(Debug, Clone)]
pub enum WorkerMessage {
    Ready(worker::Handle),
    Event(Event),
}

impl App {
    pub fn new(paths: Paths) -> (Self, Task<Message>) {
        let app = App {
            paths,
            snapshot: Snapshot::default(),
            selected: None,
            reader: Reader::Empty,
            mailbox: Mailbox::default(),
            status: Status::default(),
            worker: None,
            modal: None,
            passwords: password_prompt::Prompts::default(),
            damaged: None,
            load_error: None,
            list: message_list::MessageList::default(),
            modifiers: keyboard::Modifiers::default(),
            startup_report: None,
            opener: system_opener(),
            startup: Startup::Upgrading { slow: false },
            quitting: None,
        };
        let task = app.start_upgrade();
        (app, task)
    }

    pub fn title(&self) -> String {
        let unread: usize = self.snapshot.unread.values().sum();
        if unread > 0 {
            t!("app-title-unread", count = unread)
        } else {
            t!("app-name")
        }
    }

    /// None follows the system's light or dark setting.
    pub fn theme(&self) -> Option<Theme> {
        match self.snapshot.preferences.appearance {
            Appearance::System => None,
            Appearance::Light => Some(Theme::Light),
            Appearance::Dark => Some(Theme::Dark),
        }
    }

    /// A flat dispatch: each screen's messages go to it, the rest to the window's
    /// handlers (in `mailbox.rs`, `fetching.rs`, `reading.rs`, `dialogs.rs`, `keys.rs`).
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::UpgradeSlow => self.upgrade_slow(),
            Message::Upgraded(result) => self.upgraded(result),
            Message::Loaded(result) => self.loaded(result),
            Message::Mailbox(message) => self.mailbox_message(message),
            Message::Toolbar(action) => self.toolbar(action),
            Message::Status(message) => self.status_message(message),
            Message::SelectMessage(id) => self.select_message(id),
            Message::Reader(message) => self.reader_message(message),
            Message::GetMail => self.get_mail(),
            Message::Failed(e) => {
                self.status.say(e.said());
                Task::none()
            }
            Message::InOutbox => {
                self.status.say(t!("status-in-outbox"));
                Task::none()
            }
            Message::List(message) => self.list_message(message),
            Message::FirstFrame => self.first_frame(),
            Message::SettledAfterStart => self.settled_after_start(),
            Message::Ids(generation, result) => self.ids_loaded(generation, result),
            Message::Key(event) => self.key(event),
            Message::OpenPreferences => self.open_preferences(),
            Message::Preferences(message) => self.preferences_dialog(message),
            Message::Rules(message) => self.rules_dialog(message),
            Message::OpenRemote(id) => self.open_remote(id),
            Message::Remote(message) => self.remote_view(message),
            Message::NewRule(sender, subject) => self.open_new_rule(&sender, &subject),
            Message::MarkReadDue(id) => self.mark_read_due(id),
            Message::Changed(result) => self.changed(result),
            Message::Worker(WorkerMessage::Ready(handle)) => {
                self.worker = Some(handle);
                Task::none()
            }
            Message::Worker(WorkerMessage::Event(event)) => self.worker_event(event),
            Message::OpenAddAccount => self.open_add_account(),
            Message::AddAccount(message) => self.add_account(message),
            Message::Write(start) => self.write(start),
            Message::Answer(parent) => self.answer(*parent),
            Message::Compose(message) => self.compose_message(message),
            Message::DraftSaved {
                screen,
                first,
                result,
            } => self.draft_saved(screen, first, result),
            Message::DraftOpened(id, result) => self.draft_opened(id, result),
            Message::CloseRequested(window) => self.close_requested(window),
            Message::Queued(account, result) => self.queued(account, result),
            Message::EditAccount(id) => self.edit_account(id),
            Message::OpenRemoveAccount(id) => self.open_remove_account(id),
            Message::RemoveAccount(message) => self.remove_account_dialog(message),
            Message::Password(message) => self.password_prompt(message),
            Message::Done => Task::none(),
            Message::Health(damaged) => {
                self.damaged = damaged;
                Task::none()
            }
            Message::OpenBackups => self.open_backups(),
            Message::Backups(message) => self.backups_dialog(message),
            Message::OpenTransfer => self.open_transfer(),
            Message::Transfer(message) => self.transfer_dialog(message),
            Message::RestoreLatest => self.restore_latest(),
            Message::Restored(result) => self.restored(result),
        }
    }

    /// A toolbar button.
    fn toolbar(&mut self, action: ui::Action) -> Task<Message> {
        match action {
            ui::Action::GetMail => self.get_mail(),
            ui::Action::Stop => self.stop_fetching(),
            ui::Action::AddAccount => self.open_add_account(),
            ui::Action::ImportExport => self.open_transfer(),
            ui::Action::Backups => self.open_backups(),
            ui::Action::Preferences => self.open_preferences(),
            ui::Action::Rules => self.open_rules(),
            ui::Action::Write => self.write(writing::Start::New),
        }
    }

    /// The status bar's messages; what it asks for (open Backups) is done here.
    fn status_message(&mut self, message: status::Message) -> Task<Message> {
        let (task, event) = self.status.update(message);
        let task = task.map(Message::Status);
        match event {
            Some(status::Event::OpenBackups) => Task::batch([task, self.open_backups()]),
            None => task,
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        // The worker opens the database: only once it is up to date.
        let worker = match self.startup {
            Startup::Ready => {
                Subscription::run_with(self.paths.clone(), worker_stream).map(Message::Worker)
            }
            Startup::Upgrading { .. } | Startup::Failed => Subscription::none(),
        };
        // What is being written is saved every few seconds while it changes.
        let autosave = match self.modal {
            Some(Modal::Compose(_)) => iced::time::every(ui::compose::AUTOSAVE)
                .map(|_| Message::Compose(ui::compose::Message::Autosave)),
            _ => Subscription::none(),
        };
        Subscription::batch([
            worker,
            keyboard::listen().map(Message::Key),
            autosave,
            iced::window::close_requests().map(Message::CloseRequested),
        ])
    }

    /// Reads the sidebar and the list of the current folder off the UI thread.
    pub fn reload(&self) -> Task<Message> {
        Task::batch([
            Task::perform(load_snapshot(self.paths.clone()), Message::Loaded),
            self.load_ids(),
        ])
    }
}
