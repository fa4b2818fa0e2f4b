//! The message list: fixed-height rows, only the visible ones built, and their data read
//! from SQLite a page at a time as they scroll into view. The whole ordered list of ids is
//! held (8 bytes a message), so any part of a 100,000-message folder shows at once.

use crate::t;

use std::collections::{HashMap, HashSet};

use iced::font::{self, Font};
use iced::keyboard::Modifiers;
use iced::widget::scrollable::{AbsoluteOffset, Viewport};
use iced::widget::{Column, Row, button, column, container, row, scrollable, space, text, tooltip};
use iced::{Element, Fill, FillPortion, Length, Task};

use crate::mail;
use crate::paths::Paths;
use crate::store::{MessageRow, Sort, SortKey, Store};

/// The height of one row; fixed so that the visible rows follow from the scroll offset.
pub const ROW_HEIGHT: f32 = 30.0;
/// Rows read from the database at once.
const PAGE: usize = 100;
/// The scrollable's id, for keeping the cursor in view.
pub const ID: &str = "message-list";

const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..Font::DEFAULT
};

#[derive(Debug, Default)]
pub struct MessageList {
    ids: Vec<i64>,
    rows: HashMap<i64, MessageRow>,
    requested: HashSet<usize>,
    pub sort: Sort,
    offset: f32,
    height: f32,
    selected: HashSet<i64>,
    /// The row the keyboard moves from and Shift-click extends from.
    cursor: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Scrolled(Viewport),
    /// A row was clicked, with the modifier keys held at the time.
    Clicked(usize),
    /// A column heading was clicked.
    Sort(SortKey),
    PageLoaded(usize, Result<Vec<MessageRow>, crate::ui::describe::Failure>),
}

/// What the parent must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Show this message in the reading pane.
    Open(i64),
    /// The order changed: read the ids again.
    Resort,
}

impl MessageList {
    /// Shows a new list of ids (a folder, a search); keeps the selection where it still
    /// applies.
    pub fn set_ids(&mut self, ids: Vec<i64>, paths: &Paths) -> Task<Message> {
        self.ids = ids;
        // Rows already read stay on screen until their fresh copies arrive (no flicker);
        // the cache is dropped when it grows large.
        if self.rows.len() > 5_000 {
            self.rows.clear();
        }
        self.requested.clear();
        let present: HashSet<i64> = self.ids.iter().copied().collect();
        self.selected.retain(|id| present.contains(id));
        self.cursor = self
            .cursor
            .and_then(|_| self.ids.iter().position(|id| self.selected.contains(id)));
        self.load_visible(paths)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The row data, if it has been read already.
    pub fn row(&self, id: i64) -> Option<&MessageRow> {
        self.rows.get(&id)
    }

    pub fn row_mut(&mut self, id: i64) -> Option<&mut MessageRow> {
        self.rows.get_mut(&id)
    }

    /// The selected messages, in list order.
    pub fn selection(&self) -> Vec<i64> {
        self.ids
            .iter()
            .copied()
            .filter(|id| self.selected.contains(id))
            .collect()
    }

    pub fn is_selected(&self, id: i64) -> bool {
        self.selected.contains(&id)
    }

    /// Takes messages out of the list (moved or deleted) without reading it again.
    pub fn remove(&mut self, ids: &[i64], paths: &Paths) -> Task<Message> {
        let gone: HashSet<i64> = ids.iter().copied().collect();
        let first = self.ids.iter().position(|id| gone.contains(id));
        self.ids.retain(|id| !gone.contains(id));
        self.selected.retain(|id| !gone.contains(id));
        // Pages are indexed by position, which just shifted.
        self.requested.clear();
        self.cursor = first.map(|i| i.min(self.ids.len().saturating_sub(1)));
        self.load_visible(paths)
    }

    pub fn update(
        &mut self,
        message: Message,
        modifiers: Modifiers,
        paths: &Paths,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Scrolled(viewport) => {
                self.offset = viewport.absolute_offset().y;
                self.height = viewport.bounds().height;
                (self.load_visible(paths), None)
            }
            Message::Clicked(index) => {
                let Some(&id) = self.ids.get(index) else {
                    return (Task::none(), None);
                };
                if modifiers.shift() {
                    let from = self.cursor.unwrap_or(index);
                    let (a, b) = (from.min(index), from.max(index));
                    if !modifiers.command() {
                        self.selected.clear();
                    }
                    self.selected.extend(&self.ids[a..=b]);
                    (Task::none(), None)
                } else if modifiers.command() {
                    if !self.selected.remove(&id) {
                        self.selected.insert(id);
                    }
                    self.cursor = Some(index);
                    (Task::none(), None)
                } else {
                    self.select_only(index);
                    (Task::none(), Some(Event::Open(id)))
                }
            }
            Message::Sort(key) => {
                self.sort = if self.sort.key == key {
                    Sort {
                        key,
                        ascending: !self.sort.ascending,
                    }
                } else {
                    Sort {
                        key,
                        // Dates and sizes read best largest first; names from A.
                        ascending: matches!(key, SortKey::From | SortKey::Subject),
                    }
                };
                (Task::none(), Some(Event::Resort))
            }
            Message::PageLoaded(page, Ok(rows)) => {
                let _ = page;
                for row in rows {
                    self.rows.insert(row.id, row);
                }
                (Task::none(), None)
            }
            Message::PageLoaded(page, Err(_)) => {
                self.requested.remove(&page);
                (Task::none(), None)
            }
        }
    }

    fn select_only(&mut self, index: usize) {
        self.selected.clear();
        if let Some(&id) = self.ids.get(index) {
            self.selected.insert(id);
            self.cursor = Some(index);
        }
    }

    /// Moves the cursor (arrow keys, n/p) and opens the message there; with Shift the
    /// selection grows instead.
    pub fn step(&mut self, delta: isize, extend: bool) -> (Task<Message>, Option<Event>) {
        if self.ids.is_empty() {
            return (Task::none(), None);
        }
        let next = match self.cursor {
            None => 0,
            Some(i) => (i as isize + delta).clamp(0, self.ids.len() as isize - 1) as usize,
        };
        let id = self.ids[next];
        if extend {
            self.selected.insert(id);
            self.cursor = Some(next);
        } else {
            self.select_only(next);
        }
        (self.reveal(next), (!extend).then_some(Event::Open(id)))
    }

    /// Scrolls so that row `index` is visible.
    fn reveal(&self, index: usize) -> Task<Message> {
        let top = index as f32 * ROW_HEIGHT;
        let y = if top < self.offset {
            top
        } else if top + ROW_HEIGHT > self.offset + self.height {
            top + ROW_HEIGHT - self.height
        } else {
            return Task::none();
        };
        iced::widget::operation::scroll_to(ID, AbsoluteOffset { x: 0.0, y })
    }

    /// The rows that are (or are about to be) on screen.
    fn visible(&self) -> std::ops::Range<usize> {
        let height = if self.height > 0.0 {
            self.height
        } else {
            1200.0
        };
        let first = (self.offset / ROW_HEIGHT).floor().max(0.0) as usize;
        let count = (height / ROW_HEIGHT).ceil() as usize + 2;
        first.min(self.ids.len())..(first + count).min(self.ids.len())
    }

    /// True when the first visible row has been read (the list shows mail, not blanks).
    pub fn shows_rows(&self) -> bool {
        let range = self.visible();
        !range.is_empty() && self.rows.contains_key(&self.ids[range.start])
    }

    /// Reads the pages under the visible rows that are not read yet.
    fn load_visible(&mut self, paths: &Paths) -> Task<Message> {
        let range = self.visible();
        if range.is_empty() {
            return Task::none();
        }
        let pages = (range.start / PAGE)..=((range.end - 1) / PAGE);
        let mut tasks = Vec::new();
        for page in pages {
            if !self.requested.insert(page) {
                continue;
            }
            let ids: Vec<i64> =
                self.ids[page * PAGE..((page + 1) * PAGE).min(self.ids.len())].to_vec();
            let paths = paths.clone();
            tasks.push(Task::perform(
                super::blocking(move || {
                    Store::open(&paths.database())
                        .and_then(|store| store.rows(&ids))
                        .map_err(crate::ui::describe::Failure::from)
                }),
                move |rows| Message::PageLoaded(page, rows),
            ));
        }
        Task::batch(tasks)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let range = self.visible();
        let heading = |label: &str, key: SortKey, width: Length| {
            let arrow = match (self.sort.key == key, self.sort.ascending) {
                (false, _) => "",
                (true, true) => " ▲",
                (true, false) => " ▼",
            };
            button(text(format!("{label}{arrow}")).size(13))
                .on_press(Message::Sort(key))
                .style(button::text)
                .width(width)
                .padding([2, 0])
        };
        let headings = row![
            space().width(Length::Fixed(34.0)),
            heading(&t!("column-from"), SortKey::From, FillPortion(2)),
            heading(&t!("column-subject"), SortKey::Subject, FillPortion(5)),
            heading(&t!("column-date"), SortKey::Date, Length::Fixed(168.0)),
            heading(&t!("column-size"), SortKey::Size, Length::Fixed(70.0)),
        ]
        .spacing(8)
        .padding([0, 8]);

        let mut rows = Column::new().width(Fill);
        rows = rows.push(space().height(range.start as f32 * ROW_HEIGHT));
        for index in range.clone() {
            let id = self.ids[index];
            rows = rows.push(self.row_view(index, id));
        }
        rows = rows.push(space().height((self.ids.len() - range.end) as f32 * ROW_HEIGHT));

        column![
            headings,
            scrollable(rows)
                .id(ID)
                .on_scroll(Message::Scrolled)
                .height(Fill)
                .width(Fill),
        ]
        .into()
    }

    fn row_view(&self, index: usize, id: i64) -> Element<'_, Message> {
        let selected = self.selected.contains(&id);
        let Some(r) = self.rows.get(&id) else {
            // Not read yet: an empty row of the same height keeps everything in place.
            return container(space()).height(ROW_HEIGHT).width(Fill).into();
        };
        // Each cell clips its own text, so a long subject never runs into the date.
        let cell = |value: String, width: Length| {
            let t = text(value).wrapping(text::Wrapping::None);
            container(if r.read { t } else { t.font(BOLD) })
                .width(width)
                .clip(true)
        };
        // Markers: flagged, attachments, stored as headers only; each says what it means
        // when the pointer rests on it.
        let mark = |icon: &Icon, meaning: String| {
            tooltip(
                icon.view(13.0),
                container(text(meaning).size(12))
                    .padding(4)
                    .style(container::rounded_box),
                tooltip::Position::Top,
            )
        };
        let mut marks = Row::new().spacing(2).align_y(iced::Center);
        if r.flagged {
            marks = marks.push(mark(&FLAG, t!("list-flagged")));
        }
        if r.attachments > 0 {
            marks = marks.push(mark(&PAPERCLIP, t!("list-attachment")));
        }
        if r.partial {
            marks = marks.push(mark(&PARTIAL, t!("list-partial")));
        }
        let subject = if r.subject.trim().is_empty() {
            t!("list-no-subject")
        } else {
            r.subject.clone()
        };
        let line = row![
            container(marks).width(Length::Fixed(34.0)).clip(true),
            cell(mail::display_name(&r.from).to_string(), FillPortion(2)),
            cell(subject, FillPortion(5)),
            cell(mail::format_date(r.date), Length::Fixed(168.0)),
            cell(human_size(r.size), Length::Fixed(70.0)),
        ]
        .spacing(8)
        .align_y(iced::Center);
        button(line)
            .width(Fill)
            .height(ROW_HEIGHT)
            .padding([4, 8])
            .on_press(Message::Clicked(index))
            .style(if selected {
                button::primary
            } else {
                button::text
            })
            .into()
    }
}

pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A small one-colour picture (the list's markers), tinted for the theme.
pub struct Icon {
    handle: std::sync::LazyLock<iced::widget::svg::Handle>,
    /// Drawn in the theme's danger colour (a flag) rather than the text colour.
    alert: bool,
}

impl Icon {
    pub fn view<'a, M: 'a>(&self, size: f32) -> Element<'a, M> {
        let alert = self.alert;
        iced::widget::svg(self.handle.clone())
            .width(size)
            .height(size)
            .style(move |theme: &iced::Theme, _| iced::widget::svg::Style {
                color: Some(if alert {
                    theme.extended_palette().danger.base.color
                } else {
                    theme.extended_palette().background.base.text
                }),
            })
            .into()
    }
}

macro_rules! icon {
    ($file:literal, $alert:expr) => {
        Icon {
            handle: std::sync::LazyLock::new(|| {
                iced::widget::svg::Handle::from_memory(
                    include_bytes!(concat!("../../assets/icons/ui/", $file)).as_slice(),
                )
            }),
            alert: $alert,
        }
    };
}

pub static FLAG: Icon = icon!("flag.svg", true);
pub static PAPERCLIP: Icon = icon!("paperclip.svg", false);
pub static PARTIAL: Icon = icon!("partial.svg", false);
