//! The window: state, messages and the update dispatch. Views live in `ui/`.

use std::collections::HashMap;

use iced::futures::SinkExt;
use iced::{Element, Subscription, Task, Theme};

use crate::accounts::Account;
use crate::backup;
use crate::downloads;
use crate::paths::Paths;
use crate::preferences::{Appearance, MarkRead, Preferences};
use crate::store::{Store, View};
use crate::sync::Progress;
use crate::t;
use crate::ui::describe::Said;
use crate::ui::reader::{self, Act, Reader};
use crate::ui::{self, add_account, backups, message_list, transfer};
use crate::worker::{self, Command, Event};
use iced::keyboard;

pub const APP_ID: &str = "org.poplar.Poplar";

/// Opens the window and runs until it is closed.
pub fn run(paths: Paths) -> iced::Result {
    let report = std::env::var_os("POPLAR_STARTUP_REPORT").map(|file| StartupReport {
        file: file.into(),
        asked: false,
        first_frame: None,
    });
    // The language is settled before the first frame, so the window never flickers from
    // one language to the other.
    let language = Store::open(&paths.database())
        .ok()
        .and_then(|store| Preferences::load(&store).language);
    crate::i18n::apply(language);
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
    .run()
}

/// Where "Move to" can file a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveTarget {
    Inbox,
    Folder(i64, String),
}

impl std::fmt::Display for MoveTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MoveTarget::Inbox => f.write_str(&t!("folder-inbox")),
            MoveTarget::Folder(_, name) => f.write_str(name),
        }
    }
}

/// A folder name being typed: a new folder, or a new name for one.
#[derive(Debug, Clone, Default)]
pub struct FolderEdit {
    pub id: Option<i64>,
    pub name: String,
}

/// Which messages the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Folder {
    /// Every account's inbox together.
    #[default]
    AllInboxes,
    Account(i64),
    /// A local folder (imported or filed mail).
    Local(i64),
    Trash,
}

impl Folder {
    pub fn view(self) -> View {
        match self {
            Folder::AllInboxes => View::Inbox(None),
            Folder::Account(id) => View::Inbox(Some(id)),
            Folder::Local(id) => View::Folder(id),
            Folder::Trash => View::Trash,
        }
    }
}

/// Everything the list and sidebar show, read in one go off the UI thread.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub accounts: Vec<Account>,
    pub unread: HashMap<i64, usize>,
    pub trash: usize,
    pub backup: backup::Settings,
    /// Local folders: (id, name).
    pub folders: Vec<(i64, String)>,
    /// Unread messages per local folder id.
    pub folder_unread: HashMap<i64, usize>,
    pub preferences: Preferences,
}

/// The database failed to open or its integrity check: what the window offers instead.
#[derive(Debug, Clone)]
pub struct Damaged {
    pub detail: String,
    /// The newest snapshot in the remembered backup folder, if any.
    pub latest: Option<backup::Snapshot>,
}

pub struct App {
    pub paths: Paths,
    pub folder: Folder,
    pub snapshot: Snapshot,
    pub selected: Option<i64>,
    pub reader: Reader,
    pub worker: Option<worker::Handle>,
    /// Accounts being fetched, with their progress.
    pub fetching: HashMap<String, Progress>,
    pub status: String,
    /// A lasting warning (e.g. passwords cannot be remembered), shown beside the status.
    pub notice: Option<String>,
    /// The dialog over the window, if one is open: while it is, the window's keyboard
    /// shortcuts do nothing.
    pub modal: Option<Modal>,
    /// A password asked for while another dialog was open: asked once that one closes.
    waiting_password: Option<PasswordPrompt>,
    pub damaged: Option<Damaged>,
    pub load_error: Option<String>,
    pub list: message_list::MessageList,
    /// What is typed in the search box; empty shows the whole folder.
    pub search: String,
    /// Search every folder (but the Trash) instead of the one shown.
    pub search_all: bool,
    /// Counts searches, so that only the answer to the newest one is shown.
    search_generation: u64,
    modifiers: keyboard::Modifiers,
    pub folder_edit: Option<FolderEdit>,
    /// Set by the window benchmark: where to report the first populated frame and the
    /// memory once idle (then the window closes).
    pub startup_report: Option<StartupReport>,
    /// Hands a file to the system's program for it (tests put a recorder here).
    pub opener: Opener,
}

/// What opens a file with the system's program for it.
pub type Opener = std::sync::Arc<dyn Fn(&std::path::Path) -> std::io::Result<()> + Send + Sync>;

/// The system's opener.
pub fn system_opener() -> Opener {
    std::sync::Arc::new(|path| open::that_detached(path))
}

/// The one dialog that can be open over the window.
#[derive(Debug)]
pub enum Modal {
    Account(Box<add_account::AddAccount>),
    Backups(backups::Backups),
    Transfer(transfer::Transfer),
    Preferences,
    /// The account whose removal is being confirmed.
    RemoveAccount(String),
    /// A password being asked for, because none is stored.
    Password(PasswordPrompt),
}

/// Asking for an account's password when the keyring has none (or there is no keyring).
#[derive(Debug, Clone)]
pub struct PasswordPrompt {
    pub account: String,
    pub reason: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The list and sidebar were read from the store.
    Loaded(Result<Snapshot, String>),
    /// A folder in the sidebar was chosen.
    SelectFolder(Folder),
    /// A row of the list was clicked.
    SelectMessage(i64),
    /// The reading pane's own messages.
    Reader(reader::Message),
    /// "Get mail" was pressed.
    GetMail,
    /// "Stop" was pressed while mail was being fetched.
    StopFetching,
    /// A change to the store finished; the list is read again.
    Changed(Result<(), String>),
    /// Something finished that only needs saying in the status bar.
    Status(String),
    /// A lasting warning for the status bar.
    Notice(String),
    /// The message list's own messages.
    List(message_list::Message),
    /// The ids of the list (a folder, or a search in it) were read; the number says
    /// which search they answer.
    Ids(u64, Result<Vec<i64>, String>),
    /// The search box changed.
    Search(String),
    /// "All mail" beside the search box: search every folder, not only this one.
    SearchAll(bool),
    /// The search box has been still for a moment: search now, if it is still this one.
    SearchDue(u64),
    /// A key nobody else used (shortcuts).
    Key(keyboard::Event),
    /// "Preferences" was pressed, or its dialog closed.
    ShowPreferences(bool),
    /// A preference changed (applied at once, and saved).
    SetPreferences(Preferences),
    /// The mark-as-read delay for this message has passed.
    MarkReadDue(i64),
    /// "New folder" / "Rename" in the sidebar.
    EditFolder(Option<i64>),
    FolderName(String),
    SaveFolder,
    CancelFolder,
    /// Delete a local folder (its messages go to the Trash).
    DeleteFolder(i64),
    /// The background worker said something.
    Worker(WorkerMessage),
    /// "Add account" was pressed.
    OpenAddAccount,
    /// "Edit" on the selected account.
    EditAccount(i64),
    /// "Remove" on the selected account: asks first.
    RemoveAccount(i64),
    /// The answer: remove it, keeping its mail here or not; None cancels.
    ConfirmRemoveAccount(Option<bool>),
    /// Typing in the password prompt.
    PromptPassword(String),
    /// The password prompt's answer: use it (Some) or not now (None).
    AnswerPassword(Option<()>),
    /// The add-account dialog's own messages.
    AddAccount(add_account::Message),
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
    Restored(Result<Option<std::path::PathBuf>, String>),
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
            folder: Folder::AllInboxes,
            snapshot: Snapshot::default(),
            selected: None,
            reader: Reader::Empty,
            worker: None,
            fetching: HashMap::new(),
            status: String::new(),
            notice: None,
            modal: None,
            waiting_password: None,
            damaged: None,
            load_error: None,
            list: message_list::MessageList::default(),
            search: String::new(),
            search_all: false,
            search_generation: 0,
            modifiers: keyboard::Modifiers::default(),
            folder_edit: None,
            startup_report: None,
            opener: system_opener(),
        };
        // The list is read at once; the integrity check runs beside it and only speaks up
        // when something is wrong.
        let task = Task::batch([
            app.reload(),
            Task::perform(check_health(app.paths.clone()), Message::Health),
            Task::perform(sweep_opened(app.paths.clone()), |_| Message::Done),
        ]);
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

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Loaded(result) => self.loaded(result),
            Message::SelectFolder(folder) => self.select_folder(folder),
            Message::SelectMessage(id) => self.select_message(id),
            Message::Reader(message) => {
                let (task, event) = self.reader.update(message, &self.paths, &self.opener);
                let task = task.map(Message::Reader);
                match event {
                    None => task,
                    Some(event) => Task::batch([task, self.reader_event(event)]),
                }
            }
            Message::GetMail => self.get_mail(),
            Message::StopFetching => {
                if let Some(worker) = &self.worker {
                    worker.send(Command::Cancel(None));
                }
                self.status = t!("status-stopping");
                Task::none()
            }
            Message::Status(status) => {
                self.status = status;
                Task::none()
            }
            Message::List(message) => {
                let (task, event) = self.list.update(message, self.modifiers, &self.paths);
                let task = task.map(Message::List);
                let task = match event {
                    Some(message_list::Event::Open(id)) => {
                        Task::batch([task, self.select_message(id)])
                    }
                    Some(message_list::Event::Resort) => Task::batch([task, self.load_ids()]),
                    None => task,
                };
                Task::batch([task, self.startup_frame()])
            }
            Message::FirstFrame => {
                if let Some(report) = &mut self.startup_report {
                    report.first_frame = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .ok()
                        .map(|d| d.as_micros());
                }
                Task::perform(
                    tokio::time::sleep(std::time::Duration::from_secs(3)),
                    |()| Message::SettledAfterStart,
                )
            }
            Message::SettledAfterStart => {
                if let Some(report) = &self.startup_report {
                    let rss = std::fs::read_to_string("/proc/self/status")
                        .ok()
                        .and_then(|s| {
                            s.lines()
                                .find(|l| l.starts_with("VmRSS:"))
                                .map(|l| l.trim_start_matches("VmRSS:").trim().to_string())
                        })
                        .unwrap_or_default();
                    let _ = std::fs::write(
                        &report.file,
                        format!(
                            "first_frame_unix_us={}\nidle_rss={rss}\n",
                            report.first_frame.unwrap_or_default()
                        ),
                    );
                }
                iced::exit()
            }
            Message::Ids(generation, result) => {
                if generation != self.search_generation {
                    return Task::none();
                }
                match result {
                    Ok(ids) => self.list.set_ids(ids, &self.paths).map(Message::List),
                    Err(e) => {
                        self.load_error = Some(e);
                        Task::none()
                    }
                }
            }
            Message::Search(text) => {
                self.search = text;
                self.search_generation += 1;
                let generation = self.search_generation;
                // Results follow typing, but only once it pauses for a moment.
                Task::perform(
                    async { tokio::time::sleep(std::time::Duration::from_millis(200)).await },
                    move |()| Message::SearchDue(generation),
                )
            }
            Message::SearchAll(all) => {
                self.search_all = all;
                self.search_generation += 1;
                self.load_ids()
            }
            Message::SearchDue(generation) => {
                if generation == self.search_generation {
                    self.load_ids()
                } else {
                    Task::none()
                }
            }
            Message::Key(event) => self.key(event),
            Message::EditFolder(id) => {
                let name = id
                    .and_then(|id| self.snapshot.folders.iter().find(|(f, _)| *f == id))
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default();
                self.folder_edit = Some(FolderEdit { id, name });
                iced::widget::operation::focus(ui::FOLDER_NAME_ID)
            }
            Message::FolderName(name) => {
                if let Some(edit) = &mut self.folder_edit {
                    edit.name = name;
                }
                Task::none()
            }
            Message::CancelFolder => {
                self.folder_edit = None;
                Task::none()
            }
            Message::SaveFolder => {
                let Some(edit) = self.folder_edit.take() else {
                    return Task::none();
                };
                let name = edit.name.trim().to_string();
                if name.is_empty() {
                    self.status = t!("status-folder-needs-name");
                    self.folder_edit = Some(edit);
                    return Task::none();
                }
                let paths = self.paths.clone();
                Task::perform(
                    ui::blocking(move || {
                        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                        match edit.id {
                            Some(id) => store.rename_folder(id, &name),
                            None => store.ensure_folder(&name).map(drop),
                        }
                        .map_err(|e| e.said())
                    }),
                    Message::Changed,
                )
            }
            Message::DeleteFolder(id) => {
                if self.folder == Folder::Local(id) {
                    self.folder = Folder::AllInboxes;
                }
                let paths = self.paths.clone();
                Task::perform(
                    ui::blocking(move || {
                        Store::open(&paths.database())
                            .and_then(|mut s| s.delete_folder(id))
                            .map_err(|e| e.said())
                    }),
                    Message::Changed,
                )
            }
            Message::ShowPreferences(show) => {
                if show {
                    self.modal = Some(Modal::Preferences);
                } else if matches!(self.modal, Some(Modal::Preferences)) {
                    self.close_modal();
                }
                Task::none()
            }
            Message::MarkReadDue(id) => {
                if self.selected == Some(id) {
                    self.mark_read(id)
                } else {
                    Task::none()
                }
            }
            Message::SetPreferences(preferences) => {
                self.snapshot.preferences = preferences;
                crate::i18n::apply(preferences.language);
                let paths = self.paths.clone();
                Task::perform(
                    ui::blocking(move || {
                        Store::open(&paths.database())
                            .and_then(|s| preferences.save(&s))
                            .map_err(|e| e.said())
                    }),
                    |result| match result {
                        Ok(()) => Message::Done,
                        Err(e) => Message::Status(e),
                    },
                )
            }
            Message::Changed(result) => {
                if let Err(e) = result {
                    self.status = e;
                }
                self.reload()
            }
            Message::Worker(WorkerMessage::Ready(handle)) => {
                self.worker = Some(handle);
                Task::none()
            }
            Message::Worker(WorkerMessage::Event(event)) => self.worker_event(event),
            Message::OpenAddAccount => {
                self.modal = Some(Modal::Account(Box::default()));
                iced::widget::operation::focus("email")
            }
            Message::AddAccount(message) => self.add_account(message),
            Message::EditAccount(id) => {
                if let Some(account) = self.snapshot.accounts.iter().find(|a| a.id == id) {
                    self.modal = Some(Modal::Account(Box::new(add_account::AddAccount::edit(
                        account,
                    ))));
                }
                Task::none()
            }
            Message::RemoveAccount(id) => {
                if let Some(account) = self.snapshot.accounts.iter().find(|a| a.id == id) {
                    self.modal = Some(Modal::RemoveAccount(account.settings.name.clone()));
                }
                Task::none()
            }
            Message::PromptPassword(password) => {
                if let Some(Modal::Password(prompt)) = &mut self.modal {
                    prompt.password = password;
                }
                Task::none()
            }
            Message::AnswerPassword(None) => {
                if matches!(self.modal, Some(Modal::Password(_))) {
                    self.close_modal();
                }
                Task::none()
            }
            Message::AnswerPassword(Some(())) => {
                let prompt = match &self.modal {
                    Some(Modal::Password(prompt)) if !prompt.password.is_empty() => prompt.clone(),
                    _ => return Task::none(),
                };
                self.close_modal();
                let account = prompt.account.clone();
                let password = prompt.password.clone();
                let store_it = {
                    let (name, password) = (account.clone(), password.clone());
                    let paths = self.paths.clone();
                    ui::blocking(move || {
                        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                        let account = store.account(&name).map_err(|e| e.said())?;
                        crate::secrets::Keyring::open(&store)
                            .and_then(|keyring| keyring.set(&account, &password))
                            .map_err(|e| e.said())
                    })
                };
                let worker = self.worker.clone();
                Task::perform(store_it, move |stored| {
                    if let Some(worker) = &worker {
                        worker.send(Command::RememberPassword {
                            account: account.clone(),
                            password,
                        });
                        worker.send(Command::Fetch(vec![account.clone()]));
                    }
                    match stored {
                        Ok(()) => Message::Done,
                        Err(e) => Message::Notice({
                            tracing::warn!("no keyring: {e}");
                            t!("notice-no-keyring", account = account.clone())
                        }),
                    }
                })
            }
            Message::Notice(notice) => {
                self.notice = Some(notice);
                Task::none()
            }
            Message::ConfirmRemoveAccount(None) => {
                if matches!(self.modal, Some(Modal::RemoveAccount(_))) {
                    self.close_modal();
                }
                Task::none()
            }
            Message::ConfirmRemoveAccount(Some(keep_mail)) => {
                let Some(Modal::RemoveAccount(name)) = &self.modal else {
                    return Task::none();
                };
                let name = name.clone();
                self.close_modal();
                if let Some(worker) = &self.worker {
                    worker.send(Command::Cancel(Some(name.clone())));
                }
                self.folder = Folder::AllInboxes;
                self.selected = None;
                self.reader.clear();
                let paths = self.paths.clone();
                let shown = name.clone();
                Task::perform(
                    ui::blocking(move || {
                        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                        let account = store.account(&name).map_err(|e| e.said())?;
                        let keyring = crate::secrets::Keyring::open(&store);
                        store
                            .remove_account(&name, !keep_mail)
                            .map_err(|e| e.said())?;
                        if let Err(e) = keyring.and_then(|keyring| keyring.delete(&account)) {
                            tracing::warn!("the password of a removed account stays: {e}");
                        }
                        Ok(())
                    }),
                    move |result| {
                        Message::Changed(result.map_err(|e| {
                            t!("status-account-not-removed", account = shown, error = e)
                        }))
                    },
                )
            }
            Message::Done => Task::none(),
            Message::Health(damaged) => {
                self.damaged = damaged;
                Task::none()
            }
            Message::OpenBackups => {
                let (dialog, task) = backups::Backups::open(&self.paths);
                self.modal = Some(Modal::Backups(dialog));
                task.map(Message::Backups)
            }
            Message::Backups(message) => self.backups_dialog(message),
            Message::OpenTransfer => {
                let name = self.folder_name();
                self.modal = Some(Modal::Transfer(transfer::Transfer::new(
                    self.folder.view(),
                    name,
                )));
                Task::none()
            }
            Message::Transfer(message) => {
                let Some(Modal::Transfer(dialog)) = &mut self.modal else {
                    return Task::none();
                };
                let (task, event) = dialog.update(message, &self.paths);
                let task = task.map(Message::Transfer);
                match event {
                    None => task,
                    Some(transfer::Event::Closed) => {
                        self.close_modal();
                        task
                    }
                    Some(transfer::Event::Imported) => {
                        // Searchable without waiting for the next fetch to start indexing.
                        if let Some(worker) = &self.worker {
                            worker.send(Command::IndexNow);
                        }
                        Task::batch([task, self.reload()])
                    }
                    Some(transfer::Event::AccountsImported) => {
                        if let Some(worker) = &self.worker {
                            worker.send(Command::AccountsChanged);
                        }
                        Task::batch([task, self.reload()])
                    }
                }
            }
            Message::RestoreLatest => {
                let Some(latest) = self.damaged.as_ref().and_then(|d| d.latest.clone()) else {
                    return Task::none();
                };
                self.status = t!("status-restoring");
                let paths = self.paths.clone();
                Task::perform(
                    async move {
                        crate::ui::blocking(move || {
                            backup::restore(&paths, &latest.path).map_err(|e| e.said())
                        })
                        .await
                    },
                    Message::Restored,
                )
            }
            Message::Restored(result) => self.restored(result),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        ui::main_window(self)
    }

    pub fn subscription(&self) -> Subscription<Message> {
        Subscription::batch([
            Subscription::run_with(self.paths.clone(), worker_stream).map(Message::Worker),
            keyboard::listen().map(Message::Key),
        ])
    }

    /// Reads the sidebar and the list of the current folder off the UI thread.
    pub fn reload(&self) -> Task<Message> {
        Task::batch([
            Task::perform(load_snapshot(self.paths.clone()), Message::Loaded),
            self.load_ids(),
        ])
    }

    /// Reads the ids the list shows: the folder, or what the search finds in it.
    fn load_ids(&self) -> Task<Message> {
        let paths = self.paths.clone();
        let search = self.search.trim().to_string();
        let view = if self.search_all && !search.is_empty() {
            View::All
        } else {
            self.folder.view()
        };
        let sort = self.list.sort;
        let generation = self.search_generation;
        Task::perform(
            ui::blocking(move || {
                let store = Store::open(&paths.database()).map_err(|e| e.said())?;
                if search.is_empty() {
                    store.ids(view, sort)
                } else {
                    store.search(view, &search, sort)
                }
                .map_err(|e| e.said())
            }),
            move |ids| Message::Ids(generation, ids),
        )
    }

    /// Keyboard shortcuts (keys a focused text field did not take).
    fn key(&mut self, event: keyboard::Event) -> Task<Message> {
        use keyboard::key::{Key, Named};
        let keyboard::Event::KeyPressed { key, modifiers, .. } = event else {
            if let keyboard::Event::ModifiersChanged(modifiers) = event {
                self.modifiers = modifiers;
            }
            return Task::none();
        };
        if let Some(modal) = &self.modal {
            // Escape answers "no" to the small questions; the larger dialogs keep what was
            // typed in them until their own Cancel.
            let question = matches!(
                modal,
                Modal::Preferences | Modal::RemoveAccount(_) | Modal::Password(_)
            );
            if question && key == keyboard::Key::Named(keyboard::key::Named::Escape) {
                self.close_modal();
            }
            return Task::none();
        }
        let step = |app: &mut App, delta: isize| {
            let (task, event) = app.list.step(delta, modifiers.shift());
            let task = task.map(Message::List);
            match event {
                Some(message_list::Event::Open(id)) => Task::batch([task, app.select_message(id)]),
                _ => task,
            }
        };
        match key.as_ref() {
            Key::Named(Named::ArrowDown) => step(self, 1),
            Key::Named(Named::ArrowUp) => step(self, -1),
            Key::Character("j") if !modifiers.command() => step(self, 1),
            Key::Character("k") if !modifiers.command() => step(self, -1),
            Key::Named(Named::PageDown) => step(self, 20),
            Key::Named(Named::PageUp) => step(self, -20),
            Key::Named(Named::Delete) if self.folder != Folder::Trash => {
                let ids = self.list.selection();
                self.change_many(ids, Change::Trash)
            }
            Key::Named(Named::Space) => {
                self.reader.scroll(if modifiers.shift() { -15 } else { 15 });
                Task::none()
            }
            Key::Named(Named::F5) => self.get_mail(),
            Key::Named(Named::Enter) => match self.list.selection().as_slice() {
                [id] if !self.reader.is_loaded(*id) => self.select_message(*id),
                _ => Task::none(),
            },
            Key::Character("f") if modifiers.command() => {
                iced::widget::operation::focus(ui::SEARCH_ID)
            }
            Key::Named(Named::Escape) if !self.search.is_empty() => {
                self.search.clear();
                self.search_generation += 1;
                self.load_ids()
            }
            _ => Task::none(),
        }
    }

    fn loaded(&mut self, result: Result<Snapshot, String>) -> Task<Message> {
        match result {
            Ok(snapshot) => {
                crate::i18n::apply(snapshot.preferences.language);
                self.snapshot = snapshot;
                self.load_error = None;
                Task::none()
            }
            Err(e) => {
                self.load_error = Some(e);
                Task::perform(check_health(self.paths.clone()), Message::Health)
            }
        }
    }

    /// The name of the folder the list shows.
    pub fn folder_name(&self) -> String {
        match self.folder {
            Folder::AllInboxes => t!("folder-all-inboxes"),
            Folder::Account(id) => self
                .snapshot
                .accounts
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.settings.name.clone())
                .unwrap_or_default(),
            Folder::Local(id) => self
                .snapshot
                .folders
                .iter()
                .find(|(f, _)| *f == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            Folder::Trash => t!("folder-trash"),
        }
    }

    /// Closes the open dialog; a password asked for meanwhile is asked now.
    fn close_modal(&mut self) {
        self.modal = self.waiting_password.take().map(Modal::Password);
    }

    /// The account dialog, when it is the one open.
    pub fn account_dialog(&self) -> Option<&add_account::AddAccount> {
        match &self.modal {
            Some(Modal::Account(dialog)) => Some(dialog),
            _ => None,
        }
    }

    /// The account dialog, when it is the one open, to change (tests shorten its timeout).
    pub fn account_dialog_mut(&mut self) -> Option<&mut add_account::AddAccount> {
        match &mut self.modal {
            Some(Modal::Account(dialog)) => Some(dialog),
            _ => None,
        }
    }

    fn backups_dialog(&mut self, message: backups::Message) -> Task<Message> {
        let Some(Modal::Backups(dialog)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::Backups);
        let send = |app: &App, command: Command| {
            if let Some(worker) = &app.worker {
                worker.send(command);
            }
        };
        match event {
            None => task,
            Some(backups::Event::Closed) => {
                self.close_modal();
                task
            }
            Some(backups::Event::SettingsChanged) => {
                send(self, Command::BackupSettingsChanged);
                Task::batch([task, self.reload()])
            }
            Some(backups::Event::BackUpNow) => {
                send(self, Command::BackUpNow);
                task
            }
            Some(backups::Event::Restoring) => {
                send(self, Command::Cancel(None));
                task
            }
            Some(backups::Event::Restored(kept)) => Task::batch([task, self.restored(Ok(kept))]),
        }
    }

    fn restored(&mut self, result: Result<Option<std::path::PathBuf>, String>) -> Task<Message> {
        match result {
            Ok(kept) => {
                self.damaged = None;
                self.selected = None;
                self.reader.clear();
                self.status = match kept {
                    Some(path) => t!("status-restored-kept", path = path.display().to_string()),
                    None => t!("status-restored"),
                };
                if let Some(worker) = &self.worker {
                    worker.send(Command::AccountsChanged);
                    worker.send(Command::BackupSettingsChanged);
                }
                self.reload()
            }
            Err(e) => {
                self.status = t!("status-restore-failed", error = e);
                Task::none()
            }
        }
    }

    fn select_folder(&mut self, folder: Folder) -> Task<Message> {
        self.folder = folder;
        self.reload()
    }

    fn select_message(&mut self, id: i64) -> Task<Message> {
        self.selected = Some(id);
        self.reader.open(id, &self.paths).map(Message::Reader)
    }

    /// What the reading pane asks of the window.
    fn reader_event(&mut self, event: reader::Event) -> Task<Message> {
        match event {
            reader::Event::Opened(id) => match self.snapshot.preferences.mark_read {
                MarkRead::AtOnce => self.mark_read(id),
                MarkRead::After(seconds) => Task::perform(
                    async move {
                        tokio::time::sleep(std::time::Duration::from_secs(seconds.into())).await
                    },
                    move |()| Message::MarkReadDue(id),
                ),
                MarkRead::Never => Task::none(),
            },
            reader::Event::Status(status) => {
                self.status = status;
                Task::none()
            }
            reader::Event::Act(id, act) => self.act(id, act),
        }
    }

    /// A button of the reading pane that acts on message `id`.
    fn act(&mut self, id: i64, act: Act) -> Task<Message> {
        match act {
            Act::Trash => self.change(id, Change::Trash),
            Act::Restore => self.change(id, Change::Restore),
            Act::DeleteForGood => self.change(id, Change::DeleteForGood),
            Act::DownloadRest => self.download_rest(id),
            Act::SetFlagged(flagged) => {
                if let Some(row) = self.list.row_mut(id) {
                    row.flagged = flagged;
                }
                let change = if flagged {
                    Change::Flag
                } else {
                    Change::Unflag
                };
                Task::perform(
                    apply_change(self.paths.clone(), vec![id], change),
                    Message::Changed,
                )
            }
            Act::MarkUnread => {
                if let Some(row) = self.list.row_mut(id) {
                    row.read = false;
                }
                Task::perform(
                    apply_change(self.paths.clone(), vec![id], Change::MarkUnread),
                    Message::Changed,
                )
            }
            Act::MoveTo(target) => {
                let folder = match &target {
                    MoveTarget::Inbox => None,
                    MoveTarget::Folder(f, _) => Some(*f),
                };
                self.status = t!("status-moved-to", folder = target.to_string());
                self.change(id, Change::Move(folder))
            }
        }
    }

    /// Marks a message read, here and in the store.
    fn mark_read(&mut self, id: i64) -> Task<Message> {
        let Some(row) = self.list.row_mut(id).filter(|r| !r.read) else {
            return Task::none();
        };
        row.read = true;
        let account = self
            .snapshot
            .accounts
            .iter()
            .find(|a| a.settings.name == row.account)
            .map(|a| a.id);
        if let Some(n) = account.and_then(|a| self.snapshot.unread.get_mut(&a)) {
            *n = n.saturating_sub(1);
        }
        Task::perform(mark_read(self.paths.clone(), id), |_| Message::Done)
    }

    fn change(&mut self, id: i64, change: Change) -> Task<Message> {
        self.change_many(vec![id], change)
    }

    fn change_many(&mut self, ids: Vec<i64>, change: Change) -> Task<Message> {
        if ids.is_empty() {
            return Task::none();
        }
        if self.selected.is_some_and(|s| ids.contains(&s)) {
            self.selected = None;
            self.reader.clear();
        }
        let list = self.list.remove(&ids, &self.paths).map(Message::List);
        Task::batch([
            list,
            Task::perform(
                apply_change(self.paths.clone(), ids, change),
                Message::Changed,
            ),
        ])
    }

    /// For the window benchmark: once the list's visible rows are read, ask for the next
    /// frame; its screenshot arrives when that frame has been drawn.
    fn startup_frame(&mut self) -> Task<Message> {
        match &mut self.startup_report {
            Some(report) if !report.asked && self.list.shows_rows() => {
                report.asked = true;
                iced::window::latest()
                    .and_then(iced::window::screenshot)
                    .map(|_| Message::FirstFrame)
            }
            _ => Task::none(),
        }
    }

    fn download_rest(&mut self, id: i64) -> Task<Message> {
        let account = self.list.row(id).map(|r| r.account.clone());
        match (account, &self.worker) {
            (Some(account), Some(worker)) => {
                worker.send(Command::DownloadRest {
                    account: account.clone(),
                    message: id,
                });
                self.status = t!("status-downloading-rest", account = account);
            }
            _ => self.status = t!("status-no-worker"),
        }
        Task::none()
    }

    fn get_mail(&mut self) -> Task<Message> {
        if self.snapshot.accounts.is_empty() {
            self.status = t!("status-add-account-first");
            return Task::none();
        }
        let names = match self.folder {
            Folder::Account(id) => self
                .snapshot
                .accounts
                .iter()
                .filter(|a| a.id == id)
                .map(|a| a.settings.name.clone())
                .collect(),
            Folder::AllInboxes | Folder::Local(_) | Folder::Trash => Vec::new(),
        };
        match &self.worker {
            Some(worker) if worker.send(Command::Fetch(names)) => {
                self.status = t!("status-checking");
            }
            _ => self.status = t!("status-no-worker"),
        }
        Task::none()
    }

    fn worker_event(&mut self, event: Event) -> Task<Message> {
        match event {
            Event::Started { account } => {
                self.fetching.insert(account.clone(), Progress::default());
                self.status = t!("status-connecting", account = account.clone());
                Task::none()
            }
            Event::Progress { account, progress } => {
                self.status = if progress.total == 0 {
                    t!("status-no-new", account = account.clone())
                } else {
                    t!(
                        "status-progress",
                        account = account.clone(),
                        done = progress.done,
                        total = progress.total,
                        kb = progress.bytes / 1024
                    )
                };
                self.fetching.insert(account, progress);
                // Show new mail as it arrives, a page at a time.
                if progress.done > 0 && progress.done % 50 == 0 {
                    self.reload()
                } else {
                    Task::none()
                }
            }
            Event::Finished { account, report } => {
                self.fetching.remove(&account);
                let mut status = t!(
                    "status-finished",
                    account = account.clone(),
                    new = report.new,
                    deleted = report.deleted,
                    kept = report.kept
                );
                if !report.skipped.is_empty() {
                    status.push_str(&t!("status-skipped", count = report.skipped.len()));
                }
                self.status = status;
                let notify = if self.snapshot.preferences.notify && report.new > 0 {
                    notify_new_mail(&account, report.new, report.first_subject.clone())
                } else {
                    Task::none()
                };
                Task::batch([notify, self.reload()])
            }
            Event::Failed {
                account,
                error: worker::FetchError::Password(reason),
            } if !matches!(self.modal, Some(Modal::Password(_))) => {
                // No stored password (or no keyring at all): ask for it now, or once the
                // dialog that is open closes.
                self.fetching.remove(&account);
                self.status = format!("{account}: {}", ui::describe::password(&reason));
                let prompt = PasswordPrompt {
                    account,
                    reason: ui::describe::password(&reason),
                    password: String::new(),
                };
                if self.modal.is_some() {
                    self.waiting_password = Some(prompt);
                    return Task::none();
                }
                self.modal = Some(Modal::Password(prompt));
                iced::widget::operation::focus(ui::PASSWORD_PROMPT_ID)
            }
            Event::Failed { account, error } => {
                self.fetching.remove(&account);
                let said = ui::describe::fetch(&error);
                self.status = if error.is_temporary() {
                    t!("status-failed-will-retry", account = account, error = said)
                } else {
                    format!("{account}: {said}")
                };
                self.reload()
            }
            Event::Cancelled { account } => {
                self.fetching.remove(&account);
                self.status = t!("status-stopped", account = account);
                self.reload()
            }
            Event::Completed { account, message } => {
                self.status = t!("status-completed", account = account);
                let reopen = if self.selected == Some(message) {
                    self.select_message(message)
                } else {
                    Task::none()
                };
                Task::batch([reopen, self.reload()])
            }
            // A search typed while indexing ran finds what it has indexed since.
            Event::Indexed(_) if !self.search.trim().is_empty() => self.load_ids(),
            Event::Idle | Event::Indexed(_) => Task::none(),
            Event::BackedUp(result) => {
                self.status = match &result {
                    Ok(s) => t!("status-backed-up", path = s.path.display().to_string()),
                    Err(e) => t!("status-backup-failed", error = e.said()),
                };
                let dialog = match &mut self.modal {
                    Some(Modal::Backups(dialog)) => {
                        dialog.backed_up(&self.paths, &result).map(Message::Backups)
                    }
                    _ => Task::none(),
                };
                Task::batch([dialog, self.reload()])
            }
        }
    }

    fn add_account(&mut self, message: add_account::Message) -> Task<Message> {
        let Some(Modal::Account(dialog)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = dialog.update(message, &self.paths);
        let task = task.map(Message::AddAccount);
        match event {
            None => task,
            Some(add_account::Event::Cancelled) => {
                self.close_modal();
                task
            }
            Some(add_account::Event::Changed(saved)) => {
                let name = self.account_saved(*saved, false);
                self.status = t!("status-account-saved", name = name);
                Task::batch([task, self.reload()])
            }
            Some(add_account::Event::Added(saved)) => {
                let id = saved.account.id;
                let name = self.account_saved(*saved, true);
                self.status = t!("status-account-added", name = name);
                self.folder = Folder::Account(id);
                Task::batch([task, self.reload()])
            }
        }
    }

    /// After the account dialog saved: tell the worker, and keep a password the keyring
    /// could not take in memory (saying so once). A new account is fetched at once.
    fn account_saved(&mut self, saved: add_account::Saved, fetch: bool) -> String {
        self.close_modal();
        let name = saved.account.settings.name.clone();
        if let Some((password, error)) = saved.unsaved_password {
            tracing::warn!("no keyring: {error}");
            self.notice = Some(t!("notice-no-keyring", account = name.clone()));
            if let Some(worker) = &self.worker {
                worker.send(Command::RememberPassword {
                    account: name.clone(),
                    password,
                });
            }
        }
        if let Some(worker) = &self.worker {
            if saved.password_stored {
                worker.send(Command::ForgetPassword {
                    account: name.clone(),
                });
            }
            worker.send(Command::AccountsChanged);
            if fetch {
                worker.send(Command::Fetch(vec![name.clone()]));
            }
        }
        name
    }
}

fn worker_stream(paths: &Paths) -> impl iced::futures::Stream<Item = WorkerMessage> + use<> {
    let paths = paths.clone();
    iced::stream::channel(100, async move |mut output| {
        let (handle, mut events) = worker::spawn(paths, worker::Schedule::Automatic);
        let _ = output.send(WorkerMessage::Ready(handle)).await;
        while let Some(event) = events.recv().await {
            if output.send(WorkerMessage::Event(event)).await.is_err() {
                break;
            }
        }
    })
}

/// Reads what the sidebar and the list show; blocking work runs on tokio's blocking pool.
pub async fn load_snapshot(paths: Paths) -> Result<Snapshot, String> {
    crate::ui::blocking(move || read_snapshot(&paths)).await
}

/// The blocking half of [`load_snapshot`].
pub fn read_snapshot(paths: &Paths) -> Result<Snapshot, String> {
    paths.ensure().map_err(|e| e.said())?;
    let store = Store::open(&paths.database()).map_err(|e| e.said())?;
    let run = || -> Result<Snapshot, crate::store::Error> {
        Ok(Snapshot {
            accounts: store.accounts()?,
            unread: store.unread_counts()?.into_iter().collect(),
            trash: store.count(View::Trash)?,
            backup: backup::Settings::load(&store).unwrap_or_default(),
            folders: store.folders()?,
            folder_unread: store.folder_unread_counts()?.into_iter().collect(),
            preferences: Preferences::load(&store),
        })
    };
    run().map_err(|e| e.said())
}

/// The integrity check, and what to offer when it fails.
async fn check_health(paths: Paths) -> Option<Damaged> {
    tokio::task::spawn_blocking(move || match backup::check_health(&paths) {
        backup::Health::Good | backup::Health::New => None,
        backup::Health::Damaged(detail) => Some(Damaged {
            detail,
            latest: backup::remembered_folder(&paths)
                .and_then(|dir| backup::snapshots(&dir).into_iter().next()),
        }),
    })
    .await
    .ok()
    .flatten()
}

/// A desktop notification for new mail: how many, and the first subject.
fn notify_new_mail(account: &str, count: usize, subject: Option<String>) -> Task<Message> {
    let summary = t!(
        "notify-new-mail",
        account = account.to_string(),
        count = count
    );
    Task::perform(
        ui::blocking(move || {
            notify_rust::Notification::new()
                .appname("Poplar")
                .summary(&summary)
                .body(&subject.unwrap_or_default())
                .show()
                .map(drop)
                .map_err(|e| e.to_string())
        }),
        // A desktop without a notification service is no reason to say anything.
        |_| Message::Done,
    )
}

/// At start-up, off the UI thread: the private copies made for "Open" that are a week old,
/// or whose message is gone (deleted elsewhere, or with its account), are removed.
async fn sweep_opened(paths: Paths) -> Result<usize, String> {
    ui::blocking(move || {
        if !paths.opened().exists() {
            return Ok(0);
        }
        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
        // Only a message known to be gone takes its copies with it; a busy database does not.
        let exists = |id| {
            !matches!(
                store.message_origin(id),
                Err(crate::store::Error::NoSuchMessage(_))
            )
        };
        Ok(downloads::sweep_opened(
            &paths,
            std::time::SystemTime::now(),
            downloads::KEEP_OPENED,
            exists,
        ))
    })
    .await
}

/// A change the reading pane asks for.
#[derive(Debug, Clone, Copy)]
enum Change {
    Trash,
    Restore,
    DeleteForGood,
    Flag,
    Unflag,
    MarkUnread,
    Move(Option<i64>),
}

async fn apply_change(paths: Paths, ids: Vec<i64>, change: Change) -> Result<(), String> {
    crate::ui::blocking(move || {
        let mut store = Store::open(&paths.database()).map_err(|e| e.said())?;
        match change {
            Change::Trash => store.trash(&ids),
            Change::Restore => store.restore(&ids),
            Change::DeleteForGood => store
                .delete_for_good(&ids)
                .map(|()| downloads::remove_opened(&paths, &ids)),
            Change::Flag => store.set_flagged(&ids, true),
            Change::Unflag => store.set_flagged(&ids, false),
            Change::MarkUnread => store.set_read_many(&ids, false),
            Change::Move(folder) => store.move_to_folder(&ids, folder),
        }
        .map_err(|e| e.said())
    })
    .await
}

async fn mark_read(paths: Paths, id: i64) -> Result<(), String> {
    crate::ui::blocking(move || {
        let store = Store::open(&paths.database()).map_err(|e| e.said())?;
        store.set_read(id, true).map_err(|e| e.said())
    })
    .await
}
