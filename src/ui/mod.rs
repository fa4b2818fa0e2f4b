//! Views: free functions that read the app's state and build widgets. No I/O here.

pub mod add_account;
pub mod backups;
pub mod body;
pub mod compose;
pub mod describe;
pub mod mailbox;
pub mod message_list;
pub mod password_prompt;
pub mod preferences;
pub mod reader;
pub mod remote;
pub mod remove_account;
pub mod rules;
pub mod sending;
pub mod status;
pub mod transfer;
pub mod upgrading;

use iced::font::{self, Font};
use iced::widget::{button, center, column, container, mouse_area, opaque, row, rule, stack, text};
use iced::{Color, Element, Fill, FillPortion};

use crate::mail;
use crate::t;
use describe::Said;

pub use mailbox::{FOLDER_NAME_ID, SEARCH_ID};

pub(crate) const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..Font::DEFAULT
};

/// The width of the reading pane's header labels (wide enough for 添付ファイル).
const HEADER_WIDTH: f32 = 90.0;

/// The window's parts, each already a widget, in their places: the toolbar over the
/// sidebar, the list and the reading pane (below the list or beside it), the status bar at
/// the bottom.
pub struct Parts<'a, M> {
    pub toolbar: Element<'a, M>,
    pub sidebar: Element<'a, M>,
    pub list: Element<'a, M>,
    pub reader: Element<'a, M>,
    pub status: Element<'a, M>,
}

pub fn window<'a, M: 'a>(parts: Parts<'a, M>, pane: crate::preferences::Pane) -> Element<'a, M> {
    let mail: Element<'a, M> = match pane {
        crate::preferences::Pane::Below => column![
            container(parts.list).height(FillPortion(2)),
            rule::horizontal(1),
            container(parts.reader).height(FillPortion(3)),
        ]
        .width(Fill)
        .into(),
        crate::preferences::Pane::Beside => row![
            container(parts.list).width(FillPortion(1)),
            rule::vertical(1),
            container(parts.reader).width(FillPortion(1)),
        ]
        .height(Fill)
        .into(),
    };
    column![
        parts.toolbar,
        rule::horizontal(1),
        row![parts.sidebar, rule::vertical(1), mail].height(Fill),
        rule::horizontal(1),
        parts.status,
    ]
    .into()
}

/// Shown instead of the mailbox when the database is damaged: what happened, that nothing
/// was changed, and the way back (`restore` when a backup is there to restore).
pub fn damaged_screen<'a, M: Clone + 'a>(
    damage: &crate::backup::Damage,
    latest: Option<&crate::backup::Snapshot>,
    restore: M,
) -> Element<'a, M> {
    let mut content = column![
        text(t!("damaged-title")).size(24),
        text(t!("damaged-detail", detail = damage.said())),
        text(t!("damaged-nothing-changed")),
    ]
    .spacing(12)
    .max_width(640);
    content = match latest {
        Some(latest) => content.push(
            column![
                text(t!(
                    "damaged-newest-backup",
                    date = mail::format_date(latest.made_at)
                )),
                button(text(t!("damaged-restore-latest")))
                    .on_press(restore)
                    .style(button::primary),
                text(t!("damaged-kept-beside")).size(13),
            ]
            .spacing(8),
        ),
        None => content.push(text(t!("damaged-no-backup"))),
    };
    center(content).padding(40).into()
}

/// The toolbar's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    GetMail,
    Stop,
    AddAccount,
    ImportExport,
    Backups,
    Preferences,
    /// The sorting rules.
    Rules,
    /// A new message.
    Write,
}

/// The toolbar: "Get mail" (or "Stop" while fetching), the dialogs, then `search` at the
/// right; `on` turns a button's action into the window's message.
pub fn toolbar<'a, M: Clone + 'a>(
    fetching: bool,
    search: Element<'a, M>,
    on: impl Fn(Action) -> M,
) -> Element<'a, M> {
    let get_mail = tip(
        button(text(if fetching {
            t!("toolbar-getting-mail")
        } else {
            t!("toolbar-get-mail")
        }))
        .on_press_maybe((!fetching).then(|| on(Action::GetMail)))
        .style(button::primary),
        t!("tip-get-mail"),
    );
    let secondary = |label: String, action: Action| {
        button(text(label))
            .on_press(on(action))
            .style(button::secondary)
    };
    let mut bar = row![get_mail].spacing(8).padding(8).align_y(iced::Center);
    if fetching {
        bar = bar.push(secondary(t!("toolbar-stop"), Action::Stop));
    }
    bar.push(secondary(t!("toolbar-write"), Action::Write))
        .push(secondary(t!("toolbar-add-account"), Action::AddAccount))
        .push(secondary(t!("toolbar-import-export"), Action::ImportExport))
        .push(secondary(t!("toolbar-backups"), Action::Backups))
        .push(secondary(t!("toolbar-rules"), Action::Rules))
        .push(secondary(t!("toolbar-preferences"), Action::Preferences))
        .push(search)
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
pub(crate) fn tip<'a, M: 'a>(
    content: impl Into<Element<'a, M>>,
    explained: String,
) -> Element<'a, M> {
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

/// `content` over `base`, which is dimmed and takes no clicks while it is there.
pub fn modal<'a, M: Clone + 'a>(
    base: impl Into<Element<'a, M>>,
    content: Element<'a, M>,
) -> Element<'a, M> {
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
pub(crate) fn shorten(label: &str, width: usize) -> String {
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

/// Runs blocking work (the database, files) on tokio's blocking pool, off the UI thread.
/// Its error stays what the work made it (a typed [`describe::Failure`], or text); work
/// that ends without an answer becomes that error too.
pub async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<crate::interrupted::Interrupted> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(crate::interrupted::Interrupted::from)?
}

/// The account with this id, as the store has it now.
pub(crate) fn account_by_id(
    store: &crate::store::Store,
    id: crate::accounts::AccountId,
) -> Result<crate::accounts::Account, describe::Failure> {
    store
        .accounts()?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(describe::Failure::AccountGone)
}
