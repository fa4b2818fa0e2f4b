//! The reading pane drawn: the message's headers, its attachments and links, what can be
//! done with it (the buttons and Move to), and the body or the source.

use iced::widget::{Column, button, center, column, pick_list, row, rule, text, text_editor};
use iced::{Color, Element, Fill};

use super::{Act, Context, Message, MoveTarget, Reader};
use crate::mail::{self, Rendered};
use crate::t;
use crate::ui::compose::Start;
use crate::ui::describe::Said;
use crate::ui::{BOLD, HEADER_WIDTH, banner, body, describe, human_size, tip};

impl Reader {
    pub fn view(&self, context: &Context) -> Element<'_, Message> {
        match self {
            Reader::Empty => {
                center(text(t!("reader-select")).color(Color::from_rgb(0.5, 0.5, 0.5))).into()
            }
            Reader::Loading(_) => center(text(t!("reader-opening"))).into(),
            Reader::Failed(e) => {
                center(text(t!("reader-failed", error = e.said())).style(text::danger))
                    .padding(20)
                    .into()
            }
            Reader::Loaded {
                id,
                message,
                body: content,
                showing_source,
                links,
                confirm_link,
                confirm_attachment,
                styles,
                ..
            } => {
                let id = *id;
                let mut pane = column![
                    column![
                        headers(id, message, links),
                        actions(id, context, *showing_source)
                    ]
                    .spacing(10)
                    .padding(12)
                ];
                if let Some(link) = confirm_link {
                    pane = pane.push(banner(
                        t!("link-confirm", link = link.clone()),
                        [
                            button(text(t!("button-cancel")))
                                .on_press(Message::CancelLink)
                                .style(button::secondary),
                            button(text(t!("link-open")))
                                .on_press(Message::ConfirmLink)
                                .style(button::primary),
                        ],
                    ));
                }
                if let Some(a) = confirm_attachment
                    .and_then(|index| message.attachments.iter().find(|a| a.index == index))
                    && let Some(danger) = &a.danger
                {
                    pane = pane.push(banner(
                        describe::danger(&a.name, danger),
                        [
                            button(text(t!("button-cancel")))
                                .on_press(Message::CancelAttachment)
                                .style(button::secondary),
                            button(text(t!("attachment-save")))
                                .on_press(Message::SaveAttachment(id, a.index))
                                .style(button::primary),
                            button(text(t!("attachment-open-anyway")))
                                .on_press(Message::ConfirmAttachment)
                                .style(button::danger),
                        ],
                    ));
                }
                pane = state_banners(pane, id, context);
                let styles = if *showing_source {
                    body::Styles::default()
                } else {
                    styles.clone()
                };
                pane.push(rule::horizontal(1))
                    .push(
                        text_editor(content)
                            .highlight_with::<body::Styled>(styles, body::format)
                            .on_action(Message::Body)
                            .height(Fill)
                            .padding(12)
                            .style(|theme, status| {
                                let mut style = text_editor::default(theme, status);
                                style.border.width = 0.0;
                                style
                            }),
                    )
                    .height(Fill)
                    .into()
            }
        }
    }
}

/// Subject, sender, recipients, date, attachments and links.
/// What the window knows of the message's state: waiting in the Outbox (and why), or
/// stored as headers only.
fn state_banners<'a>(
    mut pane: iced::widget::Column<'a, Message>,
    id: i64,
    context: &Context,
) -> iced::widget::Column<'a, Message> {
    if let Some(why) = &context.waiting {
        let note = match why {
            Some(why) => t!(
                "outbox-waiting-because",
                reason = crate::ui::sending::why(why)
            ),
            None => t!("outbox-waiting"),
        };
        pane = pane.push(banner(
            note,
            [button(text(t!("outbox-send-again")))
                .on_press(Message::Act(id, Act::SendAgain))
                .style(button::primary)],
        ));
    }
    if context.draft {
        pane = pane.push(banner(
            t!("draft-note"),
            [button(text(t!("reader-edit-draft")))
                .on_press(Message::Act(id, Act::EditDraft))
                .style(button::primary)],
        ));
    }
    if let Some(size) = context.partial {
        pane = pane.push(banner(
            t!("partial-note", size = human_size(size as usize)),
            [button(text(t!("partial-download-rest")))
                .on_press(Message::Act(id, Act::DownloadRest))
                .style(button::primary)],
        ));
    }
    pane
}

fn headers<'a>(id: i64, message: &'a Rendered, links: &'a [String]) -> Column<'a, Message> {
    let header = |label: String, value: String| -> Element<'a, Message> {
        row![text(label).width(HEADER_WIDTH).font(BOLD), text(value)]
            .spacing(8)
            .into()
    };
    let mut headers = column![
        text(if message.subject.trim().is_empty() {
            t!("list-no-subject")
        } else {
            message.subject.clone()
        })
        .size(20)
        .font(BOLD),
        header(t!("header-from"), message.from.clone()),
    ]
    .spacing(4);
    if !message.to.is_empty() {
        headers = headers.push(header(t!("header-to"), message.to.clone()));
    }
    if !message.cc.is_empty() {
        headers = headers.push(header(t!("header-cc"), message.cc.clone()));
    }
    if !message.bcc.is_empty() {
        headers = headers.push(header(t!("compose-bcc"), message.bcc.clone()));
    }
    if let Some(date) = message.date {
        headers = headers.push(header(t!("header-date"), mail::format_date(date)));
    }
    for a in &message.attachments {
        headers = headers.push(
            row![
                text(t!("header-attached")).width(HEADER_WIDTH).font(BOLD),
                text(format!("{} ({})", a.name, human_size(a.size))).style(if a.danger.is_some() {
                    text::danger
                } else {
                    text::default
                }),
                button(text(t!("attachment-save")).size(13))
                    .on_press(Message::SaveAttachment(id, a.index))
                    .style(button::secondary)
                    .padding([2, 8]),
                button(text(t!("attachment-open")).size(13))
                    .on_press(Message::OpenAttachment(id, a.index))
                    .style(button::secondary)
                    .padding([2, 8]),
            ]
            .spacing(8)
            .align_y(iced::Center),
        );
    }
    if !links.is_empty() {
        let mut row_of_links =
            row![text(t!("header-links")).width(HEADER_WIDTH).font(BOLD)].spacing(6);
        for link in links.iter().take(6) {
            let shown: String = link.chars().take(40).collect();
            let shown = if shown.len() < link.len() {
                format!("{shown}…")
            } else {
                shown
            };
            row_of_links = row_of_links.push(
                button(text(shown).size(13))
                    .on_press(Message::OpenLink(link.clone()))
                    .style(button::text)
                    .padding([2, 4]),
            );
        }
        headers = headers.push(row_of_links.wrap());
    }
    headers
}

/// The buttons under the headers: for mail in the Trash, restore or delete for good.
fn actions<'a>(id: i64, context: &Context, showing_source: bool) -> Element<'a, Message> {
    let act = |act: Act| Message::Act(id, act);
    if context.in_trash {
        return row![
            button(text(t!("action-restore")))
                .on_press(act(Act::Restore))
                .style(button::secondary),
            button(text(t!("action-delete-for-good")))
                .on_press(act(Act::DeleteForGood))
                .style(button::danger),
        ]
        .spacing(8)
        .wrap()
        .into();
    }
    let flag = if context.flagged {
        t!("action-unflag")
    } else {
        t!("action-flag")
    };
    let write = |label: String, start: Start| {
        button(text(label))
            .on_press(act(Act::Write(start)))
            .style(button::secondary)
    };
    row![
        write(t!("action-reply"), Start::Reply),
        write(t!("action-reply-all"), Start::ReplyAll),
        write(t!("action-forward"), Start::Forward),
        write(t!("action-forward-attached"), Start::ForwardAttached),
        button(text(t!("action-new-rule")))
            .on_press(act(Act::NewRule))
            .style(button::secondary),
        if context.in_junk {
            tip(
                button(text(t!("action-not-junk")))
                    .on_press(act(Act::Junk(false)))
                    .style(button::secondary),
                t!("tip-not-junk"),
            )
        } else {
            tip(
                button(text(t!("action-junk")))
                    .on_press(act(Act::Junk(true)))
                    .style(button::secondary),
                t!("tip-junk"),
            )
        },
        button(text(flag))
            .on_press(act(Act::SetFlagged(!context.flagged)))
            .style(button::secondary),
        button(text(t!("action-mark-unread")))
            .on_press(act(Act::MarkUnread))
            .style(button::secondary),
        pick_list(context.targets.clone(), None::<MoveTarget>, move |t| {
            Message::Act(id, Act::MoveTo(t))
        })
        .placeholder(t!("action-move-to")),
        button(text(if showing_source {
            t!("action-view-message")
        } else {
            t!("action-view-source")
        }))
        .on_press(Message::ToggleSource)
        .style(button::secondary),
        button(text(t!("action-save-eml")))
            .on_press(Message::SaveEml(id))
            .style(button::secondary),
        tip(
            button(text(t!("action-delete")))
                .on_press(act(Act::Trash))
                .style(button::secondary),
            t!("tip-delete")
        )
    ]
    .spacing(8)
    .wrap()
    .into()
}
