//! Views: free functions that read the app's state and build widgets. No I/O here.

pub mod add_account;
pub mod backups;
pub mod body;
pub mod describe;
pub mod message_list;
pub mod preferences;
pub mod reader;
pub mod transfer;
mod upgrading;

use iced::font::{self, Font};
use iced::widget::{
    Column, button, center, column, container, mouse_area, opaque, row, rule, scrollable, stack,
    text,
};
use iced::{Color, Element, Fill, FillPortion, Length};

use crate::app::{App, Folder, Message};
use crate::mail;
use crate::t;

const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..Font::DEFAULT
};

/// The width of the reading pane's header labels (wide enough for 添付ファイル).
const HEADER_WIDTH: f32 = 90.0;

/// The search box's id (Ctrl+F focuses it).
pub const SEARCH_ID: &str = "search";
/// The folder-name field's id (focused when it appears).
pub const FOLDER_NAME_ID: &str = "folder-name";
/// The password prompt's field.
pub const PASSWORD_PROMPT_ID: &str = "password-prompt";

pub fn main_window(app: &App) -> Element<'_, Message> {
    if app.startup == (crate::app::Startup::Upgrading { slow: true }) {
        return upgrading::view();
    }
    let mail: Element<'_, Message> = match app.snapshot.preferences.pane {
        crate::preferences::Pane::Below => column![
            container(message_list(app)).height(FillPortion(2)),
            rule::horizontal(1),
            container(reader(app)).height(FillPortion(3)),
        ]
        .width(Fill)
        .into(),
        crate::preferences::Pane::Beside => row![
            container(message_list(app)).width(FillPortion(1)),
            rule::vertical(1),
            container(reader(app)).width(FillPortion(1)),
        ]
        .height(Fill)
        .into(),
    };
    let body = row![sidebar(app), rule::vertical(1), mail].height(Fill);

    let window = column![
        toolbar(app),
        rule::horizontal(1),
        body,
        rule::horizontal(1),
        status_bar(app)
    ];

    if let Some(damaged) = &app.damaged {
        return damaged_screen(damaged);
    }
    use crate::app::Modal;
    let dialog = match &app.modal {
        None => return window.into(),
        Some(Modal::Account(dialog)) => dialog.view().map(Message::AddAccount),
        Some(Modal::Backups(backups)) => backups.view().map(Message::Backups),
        Some(Modal::Transfer(transfer)) => transfer.view().map(Message::Transfer),
        Some(Modal::Preferences) => preferences::view(app.snapshot.preferences),
        Some(Modal::RemoveAccount(name)) => remove_account(name),
        Some(Modal::Password(prompt)) => password_prompt(prompt),
    };
    modal(window, dialog)
}

/// Shown instead of the mailbox when the database is damaged: what happened, that nothing
/// was changed, and the way back.
fn damaged_screen(damaged: &crate::app::Damaged) -> Element<'_, Message> {
    let mut content = column![
        text(t!("damaged-title")).size(24),
        text(t!("damaged-detail", detail = damaged.detail.clone())),
        text(t!("damaged-nothing-changed")),
    ]
    .spacing(12)
    .max_width(640);
    content = match &damaged.latest {
        Some(latest) => content.push(
            column![
                text(t!(
                    "damaged-newest-backup",
                    date = mail::format_date(latest.made_at)
                )),
                button(text(t!("damaged-restore-latest")))
                    .on_press(Message::RestoreLatest)
                    .style(button::primary),
                text(t!("damaged-kept-beside")).size(13),
            ]
            .spacing(8),
        ),
        None => content.push(text(t!("damaged-no-backup"))),
    };
    center(content).padding(40).into()
}

fn toolbar(app: &App) -> Element<'_, Message> {
    let fetching = !app.fetching.is_empty();
    let get_mail = tip(
        button(text(if fetching {
            t!("toolbar-getting-mail")
        } else {
            t!("toolbar-get-mail")
        }))
        .on_press_maybe((!fetching).then_some(Message::GetMail))
        .style(button::primary),
        t!("tip-get-mail"),
    );
    let mut bar = row![get_mail].spacing(8).padding(8).align_y(iced::Center);
    if fetching {
        bar = bar.push(
            button(text(t!("toolbar-stop")))
                .on_press(Message::StopFetching)
                .style(button::secondary),
        );
    }
    bar.push(
        button(text(t!("toolbar-add-account")))
            .on_press(Message::OpenAddAccount)
            .style(button::secondary),
    )
    .push(
        button(text(t!("toolbar-import-export")))
            .on_press(Message::OpenTransfer)
            .style(button::secondary),
    )
    .push(
        button(text(t!("toolbar-backups")))
            .on_press(Message::OpenBackups)
            .style(button::secondary),
    )
    .push(
        button(text(t!("toolbar-preferences")))
            .on_press(Message::ShowPreferences(true))
            .style(button::secondary),
    )
    .push(iced::widget::space().width(Fill))
    .push(
        iced::widget::text_input(&t!("toolbar-search"), &app.search)
            .id(SEARCH_ID)
            .on_input(Message::Search)
            .padding(6)
            .width(280),
    )
    .push(tip(
        iced::widget::checkbox(app.search_all)
            .label(t!("toolbar-search-all"))
            .on_toggle(Message::SearchAll)
            .size(16)
            .text_size(13),
        t!("tip-search-all"),
    ))
    .into()
}

fn sidebar(app: &App) -> Element<'_, Message> {
    let total_unread: usize = app.snapshot.unread.values().sum();
    // One line each: a long name is shortened so that its unread count stays in view.
    let entry = |label: String, unread: usize, folder: Folder| {
        let label = if unread > 0 {
            let count = format!(" ({unread})");
            text(format!("{}{count}", shorten(&label, 21 - count.len())))
                .font(BOLD)
                .wrapping(text::Wrapping::None)
        } else {
            text(shorten(&label, 21)).wrapping(text::Wrapping::None)
        };
        button(label)
            .width(Fill)
            .on_press(Message::SelectFolder(folder))
            .style(if app.folder == folder {
                button::secondary
            } else {
                button::text
            })
    };
    let mut list = Column::new().spacing(2).padding(8).width(220);
    list = list.push(entry(
        t!("folder-all-inboxes"),
        total_unread,
        Folder::AllInboxes,
    ));
    for account in &app.snapshot.accounts {
        let unread = app.snapshot.unread.get(&account.id).copied().unwrap_or(0);
        list = list.push(entry(
            account.settings.name.clone(),
            unread,
            Folder::Account(account.id),
        ));
    }
    for (id, name) in &app.snapshot.folders {
        let unread = app.snapshot.folder_unread.get(id).copied().unwrap_or(0);
        list = list.push(entry(name.clone(), unread, Folder::Local(*id)));
    }
    let trash = if app.snapshot.trash > 0 {
        format!("{} [{}]", t!("folder-trash"), app.snapshot.trash)
    } else {
        t!("folder-trash")
    };
    list = list.push(entry(trash, 0, Folder::Trash));
    list = list.push(match &app.folder_edit {
        Some(edit) => Element::from(
            column![
                iced::widget::text_input(&t!("folder-name"), &edit.name)
                    .id(FOLDER_NAME_ID)
                    .on_input(Message::FolderName)
                    .on_submit(Message::SaveFolder)
                    .padding(4),
                row![
                    button(text(t!("button-save")).size(13)).on_press(Message::SaveFolder),
                    button(text(t!("button-cancel")).size(13))
                        .on_press(Message::CancelFolder)
                        .style(button::secondary),
                ]
                .spacing(6),
            ]
            .spacing(6)
            .padding([8, 0]),
        ),
        None => {
            let mut tools = row![
                button(text(t!("folder-new")).size(13))
                    .on_press(Message::EditFolder(None))
                    .style(button::text)
            ]
            .spacing(4);
            if let Folder::Account(id) = app.folder {
                tools = tools
                    .push(
                        button(text(t!("account-edit")).size(13))
                            .on_press(Message::EditAccount(id))
                            .style(button::text),
                    )
                    .push(
                        button(text(t!("account-remove")).size(13))
                            .on_press(Message::RemoveAccount(id))
                            .style(button::text),
                    );
            }
            if let Folder::Local(id) = app.folder {
                tools = tools
                    .push(
                        button(text(t!("folder-rename")).size(13))
                            .on_press(Message::EditFolder(Some(id)))
                            .style(button::text),
                    )
                    .push(
                        button(text(t!("folder-delete")).size(13))
                            .on_press(Message::DeleteFolder(id))
                            .style(button::text),
                    );
            }
            Element::from(tools.padding([8, 0]))
        }
    });
    scrollable(list).height(Fill).into()
}

fn message_list(app: &App) -> Element<'_, Message> {
    if let Some(error) = &app.load_error {
        return center(text(t!("list-load-error", error = error.clone())).style(text::danger))
            .padding(20)
            .into();
    }
    if app.snapshot.accounts.is_empty() && app.list.is_empty() && app.snapshot.folders.is_empty() {
        return center(
            column![
                text(t!("welcome-title")).size(22),
                text(t!("welcome-text")),
                button(text(t!("toolbar-add-account")))
                    .on_press(Message::OpenAddAccount)
                    .style(button::primary),
            ]
            .spacing(12)
            .align_x(iced::Center),
        )
        .into();
    }
    if app.list.is_empty() {
        let note = if app.search.trim().is_empty() {
            t!("list-empty")
        } else {
            t!("list-nothing-found")
        };
        return center(text(note)).padding(20).into();
    }
    app.list.view().map(Message::List)
}

fn reader(app: &App) -> Element<'_, Message> {
    let context = match app.reader.shown() {
        Some(id) => reader_context(app, id),
        None => reader::Context::default(),
    };
    app.reader.view(&context).map(Message::Reader)
}

/// What the window knows about message `id` that the reading pane shows.
fn reader_context(app: &App, id: i64) -> reader::Context {
    use crate::app::MoveTarget;
    let row = app.list.row(id);
    let from_account = row.is_some_and(|r| !r.account.is_empty());
    let mut targets = Vec::new();
    if from_account && !matches!(app.folder, Folder::AllInboxes | Folder::Account(_)) {
        targets.push(MoveTarget::Inbox);
    }
    for (folder, name) in &app.snapshot.folders {
        if app.folder != Folder::Local(*folder) {
            targets.push(MoveTarget::Folder(*folder, name.clone()));
        }
    }
    reader::Context {
        in_trash: app.folder == Folder::Trash,
        flagged: row.is_some_and(|r| r.flagged),
        partial: row.filter(|r| r.partial).map(|r| r.size),
        targets,
    }
}

fn status_bar(app: &App) -> Element<'_, Message> {
    let count = t!("status-count", count = app.list.len());
    // One line, always: long texts are cut at the edge instead of growing the bar.
    let line = |t: iced::widget::Text<'static>| t.size(13).wrapping(text::Wrapping::None);
    let mut status = column![line(text(app.status.clone()))];
    if let Some(notice) = &app.notice {
        status = status.push(line(text(notice.clone())).style(text::warning));
    }
    row![
        container(status).width(Fill).clip(true),
        backup_note(&app.snapshot.backup),
        line(text(count)),
    ]
    .spacing(12)
    .padding([4, 8])
    .align_y(iced::Center)
    .height(Length::Shrink)
    .into()
}

/// A line across the reading pane that asks something: the question and its buttons.
fn banner<'a, M: Clone + 'a, const N: usize>(
    note: String,
    buttons: [iced::widget::Button<'a, M>; N],
) -> Element<'a, M> {
    container(
        row![text(note).width(Fill)]
            .extend(buttons.into_iter().map(Element::from))
            .spacing(8)
            .align_y(iced::Center),
    )
    .padding([6, 12])
    .width(Fill)
    .style(container::warning)
    .into()
}

/// `content` with a short explanation (and its keyboard shortcut) shown on hover.
fn tip<'a, M: 'a>(content: impl Into<Element<'a, M>>, explained: String) -> Element<'a, M> {
    iced::widget::tooltip(
        content,
        container(text(explained).size(12))
            .padding(6)
            .style(container::rounded_box),
        iced::widget::tooltip::Position::Bottom,
    )
    .into()
}

/// The frame every dialog sits in.
pub fn dialog_box<'a, M: 'a>(content: impl Into<Element<'a, M>>, width: f32) -> Element<'a, M> {
    container(content)
        .padding(20)
        .width(width)
        .style(container::rounded_box)
        .into()
}

/// The password for an account, when none is stored.
fn password_prompt(prompt: &crate::app::PasswordPrompt) -> Element<'_, Message> {
    dialog_box(
        column![
            text(t!("password-title", account = prompt.account.clone())).size(20),
            text(t!("password-why", reason = prompt.reason.clone())).size(13),
            iced::widget::text_input(&t!("password-placeholder"), &prompt.password)
                .id(PASSWORD_PROMPT_ID)
                .secure(true)
                .on_input(Message::PromptPassword)
                .on_submit(Message::AnswerPassword(Some(())))
                .padding(6),
            text(t!("password-where")).size(13),
            row![
                iced::widget::space().width(Fill),
                button(text(t!("password-not-now")))
                    .on_press(Message::AnswerPassword(None))
                    .style(button::secondary),
                button(text(t!("toolbar-get-mail")))
                    .on_press(Message::AnswerPassword(Some(())))
                    .style(button::primary),
            ]
            .spacing(8),
        ]
        .spacing(12),
        520.0,
    )
}

/// Removing an account asks what becomes of its mail.
fn remove_account(name: &str) -> Element<'_, Message> {
    dialog_box(
        column![
            text(t!("remove-title", name = name.to_string())).size(20),
            text(t!("remove-text")),
            row![
                button(text(t!("button-cancel")))
                    .on_press(Message::ConfirmRemoveAccount(None))
                    .style(button::secondary),
                iced::widget::space().width(Fill),
                button(text(t!("remove-delete-mail")))
                    .on_press(Message::ConfirmRemoveAccount(Some(false)))
                    .style(button::danger),
                button(text(t!("remove-keep-mail")))
                    .on_press(Message::ConfirmRemoveAccount(Some(true)))
                    .style(button::primary),
            ]
            .spacing(8),
        ]
        .spacing(14),
        560.0,
    )
}

/// The last backup, or a warning when there is none for a week (or no folder at all).
fn backup_note(settings: &crate::backup::Settings) -> Element<'_, Message> {
    let now = crate::store::now();
    let note = match (&settings.dir, settings.last_success) {
        (None, _) => {
            return button(
                text(t!("backup-off"))
                    .size(13)
                    .wrapping(text::Wrapping::None)
                    .style(text::warning),
            )
            .on_press(Message::OpenBackups)
            .style(button::text)
            .padding(0)
            .into();
        }
        (Some(_), None) => t!("backup-none-yet"),
        (Some(_), Some(last)) => {
            let age = (now - last).max(0);
            match (age / 86_400, age / 3600, age / 60) {
                (0, 0, 0) => t!("backup-just-now"),
                (0, 0, m) => t!("backup-minutes-ago", minutes = m),
                (0, h, _) => t!("backup-hours-ago", hours = h),
                (d, _, _) => t!("backup-days-ago", days = d),
            }
        }
    };
    let label = text(note).size(13).wrapping(text::Wrapping::None);
    let label = if settings.overdue(now) {
        label.style(text::danger)
    } else {
        label
    };
    button(label)
        .on_press(Message::OpenBackups)
        .style(button::text)
        .padding(0)
        .into()
}

fn modal<'a>(
    base: impl Into<Element<'a, Message>>,
    content: Element<'a, Message>,
) -> Element<'a, Message> {
    stack![
        base.into(),
        opaque(mouse_area(center(opaque(content)).style(|_theme| {
            container::Style {
                background: Some(
                    Color {
                        a: 0.6,
                        ..Color::BLACK
                    }
                    .into(),
                ),
                ..container::Style::default()
            }
        })))
    ]
    .into()
}

/// `label` cut to about `width` columns (CJK characters count two), with "…" when cut.
fn shorten(label: &str, width: usize) -> String {
    let columns = |c: char| if (c as u32) < 0x1100 { 1 } else { 2 };
    if label.chars().map(columns).sum::<usize>() <= width {
        return label.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in label.chars() {
        if used + columns(c) + 1 > width {
            break;
        }
        used += columns(c);
        out.push(c);
    }
    out.push('…');
    out
}

fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Runs blocking work (the database, files) on tokio's blocking pool, off the UI thread;
/// a failure becomes text the window can show.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
}
