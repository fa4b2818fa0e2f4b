//! Shown instead of the mailbox while the database is brought up to date at start-up,
//! once that has taken longer than a moment: the window says what it is doing instead of
//! looking frozen.

use iced::Element;
use iced::widget::{center, column, text};

use crate::t;

/// The screen, for any message type (it has no buttons).
pub fn view<'a, M: 'a>() -> Element<'a, M> {
    center(
        column![
            text(t!("upgrading-database")).size(24),
            text(t!("upgrading-database-explained")),
        ]
        .spacing(12)
        .max_width(640),
    )
    .padding(40)
    .into()
}
