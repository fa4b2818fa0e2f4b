//! Writing a message: From (one of the accounts), To, Cc, Bcc, Subject, the text and the
//! files to send. It owns what is typed; Send gives the window a [`Draft`] checked as far
//! as can be without a server (someone to send to, every address an address).

use std::sync::Arc;

use iced::widget::{
    button, column, container, pick_list, row, scrollable, text, text_editor, text_input,
};
use iced::{Element, Fill, Task};

use crate::accounts::AccountId;
use crate::compose::typed::{format_list, parse_list};
use crate::compose::{Attachment, Draft, Mailbox};
use crate::t;
use crate::ui::describe::{Failure, Said};
use crate::ui::message_list::human_size;

/// Files larger than this together get a warning: many servers refuse such mail.
pub const LARGE: usize = 10 * 1024 * 1024;

/// How often what is being written is saved as a draft while it changes.
pub const AUTOSAVE: std::time::Duration = std::time::Duration::from_secs(5);

/// What the compose screen starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    New,
    Reply,
    ReplyAll,
    /// The message's text quoted under a header block, its files attached again.
    Forward,
    /// The message attached whole, as an .eml.
    ForwardAttached,
}

/// An account mail can be sent from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub account: AccountId,
    pub mailbox: Mailbox,
    /// The account's signature (empty: none).
    pub signature: String,
}

impl std::fmt::Display for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_list(std::slice::from_ref(&self.mailbox)))
    }
}

#[derive(Debug)]
pub struct Compose {
    senders: Vec<Sender>,
    from: Option<Sender>,
    to: String,
    cc: String,
    bcc: String,
    subject: String,
    body: text_editor::Content,
    attachments: Vec<Attachment>,
    in_reply_to: Option<String>,
    references: Vec<String>,
    /// Why the last Send did not go, in the window's language.
    problem: Option<String>,
    /// Saving as a draft: see [`drafts`].
    saved: drafts::Saving,
    /// The addresses that complete what is typed, and the field being typed in.
    known: std::sync::Arc<crate::compose::known::Known>,
    completing: Option<AddressField>,
}

#[derive(Debug, Clone)]
pub enum Message {
    From(Sender),
    To(String),
    Cc(String),
    Bcc(String),
    Subject(String),
    Edit(text_editor::Action),
    /// "Attach…": choose files.
    Attach,
    /// The files chosen, read (or why not).
    Attached(Result<Vec<Attachment>, Failure>),
    Remove(usize),
    Send,
    Discard,
    /// Every few seconds while the screen is open: save what changed as a draft.
    Autosave,
    /// "Save draft" (or Escape): save it, and close.
    Close,
    /// The window saved the draft (its id; None when it was no draft any more), or why
    /// not.
    DraftSaved(Result<Option<i64>, Failure>),
    /// The addresses of the stored mail, read when the screen opened.
    Known(std::sync::Arc<crate::compose::known::Known>),
    /// A suggestion was chosen for the field.
    Complete(AddressField, Mailbox),
    /// Enter in an address field: its first suggestion, if it shows one.
    AcceptFirst(AddressField),
}

/// What the screen asks of the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Send this, from this account; the draft it was saved as, if any, goes.
    Send(AccountId, Box<Draft>, Option<i64>),
    /// Thrown away, with the draft it was saved as, if any.
    Discard(Option<i64>),
    /// Save this as a draft (as draft `replacing`, in place, when there is one), with
    /// the files when they changed; the answer goes to screen number `screen`.
    SaveDraft {
        screen: u64,
        replacing: Option<i64>,
        typed: Box<crate::compose::saved::Typed>,
        files: Option<Vec<Attachment>>,
    },
    /// Closed with nothing to save.
    Closed,
}

/// The field ids, for focus.
pub const TO_ID: &str = "compose-to";
pub const BODY_ID: &str = "compose-body";

impl Compose {
    /// A screen for `draft` (empty, or a reply or forward); From is the account whose
    /// address the draft has, else the first.
    pub fn new(senders: Vec<Sender>, draft: Draft) -> Compose {
        let from = senders
            .iter()
            .find(|s| s.mailbox.address.eq_ignore_ascii_case(&draft.from.address))
            .or(senders.first())
            .cloned();
        let body = signed(&draft.body, from.as_ref().map_or("", |s| &s.signature));
        Compose {
            senders,
            from,
            to: format_list(&draft.to),
            cc: format_list(&draft.cc),
            bcc: format_list(&draft.bcc),
            subject: draft.subject,
            body: text_editor::Content::with_text(&body),
            attachments: draft.attachments,
            in_reply_to: draft.in_reply_to,
            references: draft.references,
            problem: None,
            saved: drafts::Saving::default(),
            known: Default::default(),
            completing: None,
        }
    }

    /// Another account to send from: its signature takes the place of the last one's,
    /// when that is still there as it was put in.
    fn change_sender(&mut self, sender: Sender) {
        let old = self.from.as_ref().map(|s| block(&s.signature));
        let text = self.body.text();
        let text = match old.flatten() {
            Some(old) if text.contains(&old) => {
                let new = block(&sender.signature).unwrap_or_default();
                Some(text.replacen(&old, &new, 1))
            }
            None if !sender.signature.trim().is_empty() => Some(signed(&text, &sender.signature)),
            _ => None,
        };
        if let Some(text) = text {
            self.body = text_editor::Content::with_text(&text);
        }
        self.from = Some(sender);
    }

    /// The screen's title: the subject as typed (a reply's "Re: …"), or "New message".
    fn title(&self) -> String {
        match self.subject.trim() {
            "" => t!("compose-title"),
            subject => subject.to_string(),
        }
    }

    /// Where the cursor starts: the text for a reply (To is filled), else To.
    pub fn focus(&self) -> Task<Message> {
        if self.to.is_empty() {
            iced::widget::operation::focus(TO_ID)
        } else {
            iced::widget::operation::focus(BODY_ID)
        }
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::From(sender) => self.change_sender(sender),
            Message::To(to) => self.typed_address(AddressField::To, to),
            Message::Cc(cc) => self.typed_address(AddressField::Cc, cc),
            Message::Bcc(bcc) => self.typed_address(AddressField::Bcc, bcc),
            Message::Known(known) => {
                self.known = known;
                return (Task::none(), None);
            }
            Message::Complete(which, mailbox) => return (self.complete(which, &mailbox), None),
            Message::AcceptFirst(which) => {
                // An address typed in full stays as typed (Enter is not "make it longer").
                let piece = crate::compose::known::last_piece(self.address(which)).trim();
                if crate::compose::typed::parse_list(piece).is_ok_and(|m| m.len() == 1) {
                    return (Task::none(), None);
                }
                let Some(first) = self.suggested(which).into_iter().next() else {
                    return (Task::none(), None);
                };
                return (self.complete(which, &first), None);
            }
            Message::Subject(subject) => {
                self.subject = subject;
                // Typing elsewhere: the suggestions of an address field go.
                self.completing = None;
            }
            Message::Edit(action) => {
                self.completing = None;
                if !action.is_edit() {
                    self.body.perform(action);
                    return (Task::none(), None);
                }
                self.body.perform(action);
            }
            Message::Attach => return (Task::perform(choose_files(), Message::Attached), None),
            Message::Attached(Ok(files)) => {
                self.attachments.extend(files);
                self.saved.files_changed = true;
            }
            Message::Attached(Err(e)) => self.problem = Some(e.said()),
            Message::Remove(index) => {
                if index < self.attachments.len() {
                    self.attachments.remove(index);
                    self.saved.files_changed = true;
                }
            }
            Message::Send => match self.draft() {
                Ok((account, draft)) => {
                    self.problem = None;
                    self.saved.sent = true;
                    let sent = Event::Send(account, Box::new(draft), self.saved.id);
                    return (Task::none(), Some(sent));
                }
                Err(problem) => self.problem = Some(problem),
            },
            Message::Discard => return (Task::none(), Some(Event::Discard(self.saved.id))),
            Message::Autosave => return (Task::none(), self.autosave()),
            Message::Close => return (Task::none(), self.close()),
            Message::DraftSaved(result) => return (Task::none(), self.draft_saved(result)),
        }
        // Everything else that reaches here changed what would be saved.
        self.saved.changed = true;
        (Task::none(), None)
    }

    /// Why the message could not be put in the Outbox (it stays here, as typed).
    pub fn refused(&mut self, why: String) {
        self.problem = Some(why);
        // Still being written: saved again as it changes.
        self.saved.sent = false;
        self.saved.changed = true;
    }

    /// The draft as typed, or what is wrong with it.
    pub fn draft(&self) -> Result<(AccountId, Draft), String> {
        let from = self.from.clone().ok_or_else(|| t!("compose-no-account"))?;
        let mut bad = Vec::new();
        let mut list = |typed: &str| {
            parse_list(typed).unwrap_or_else(|mut pieces| {
                bad.append(&mut pieces);
                Vec::new()
            })
        };
        let (to, cc, bcc) = (list(&self.to), list(&self.cc), list(&self.bcc));
        if !bad.is_empty() {
            return Err(t!("compose-bad-address", addresses = bad.join(", ")));
        }
        if to.is_empty() && cc.is_empty() && bcc.is_empty() {
            return Err(t!("compose-no-recipient"));
        }
        let draft = Draft {
            from: from.mailbox.clone(),
            to,
            cc,
            bcc,
            subject: self.subject.clone(),
            body: self.body.text(),
            attachments: self.attachments.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
        };
        Ok((from.account, draft))
    }

    pub fn view(&self) -> Element<'_, Message> {
        let line = |label: String, field: Element<'static, Message>| -> Element<'static, Message> {
            row![text(label).width(90), field]
                .spacing(8)
                .align_y(iced::Center)
                .into()
        };
        let field = |value: &str, on: fn(String) -> Message| -> Element<'static, Message> {
            text_input("", value).on_input(on).padding(5).into()
        };
        let address = |which: AddressField| -> Element<'static, Message> {
            text_input("", self.address(which))
                .id(which.id())
                .on_input(move |typed| which.typed(typed))
                .on_submit(Message::AcceptFirst(which))
                .padding(5)
                .into()
        };
        let from = pick_list(self.senders.clone(), self.from.clone(), Message::From).width(Fill);
        let mut form = column![
            text(self.title()).size(20),
            line(t!("compose-from"), from.into()),
        ]
        .spacing(8);
        for (label, which) in [
            (t!("header-to"), AddressField::To),
            (t!("header-cc"), AddressField::Cc),
            (t!("compose-bcc"), AddressField::Bcc),
        ] {
            form = form
                .push(line(label, address(which)))
                .push(self.suggestions(which));
        }
        form = form.push(line(
            t!("header-subject"),
            field(&self.subject, Message::Subject),
        ));
        form = form.push(self.attachments_view());
        form = form.push(
            text_editor(&self.body)
                .id(BODY_ID)
                .on_action(Message::Edit)
                .height(Fill),
        );
        if let Some(problem) = &self.problem {
            form = form.push(text(problem.clone()).style(text::danger));
        }
        form = form.push(
            row![
                button(text(t!("compose-attach")))
                    .on_press(Message::Attach)
                    .style(button::secondary),
                iced::widget::space().width(Fill),
                button(text(t!("compose-discard")))
                    .on_press(Message::Discard)
                    .style(button::secondary),
                button(text(t!("compose-save-draft")))
                    .on_press(Message::Close)
                    .style(button::secondary),
                button(text(t!("compose-send")))
                    .on_press(Message::Send)
                    .style(button::primary),
            ]
            .spacing(8),
        );
        container(form)
            .padding(20)
            .width(860)
            .height(640)
            .style(container::rounded_box)
            .into()
    }

    /// The files to send, each with its size and a button to take it off, and a warning
    /// when together they are large.
    fn attachments_view(&self) -> Element<'_, Message> {
        if self.attachments.is_empty() {
            return column![].into();
        }
        let total: usize = self.attachments.iter().map(|a| a.bytes.len()).sum();
        let mut files = row![].spacing(6);
        for (i, a) in self.attachments.iter().enumerate() {
            files = files.push(
                row![
                    text(format!("{} ({})", a.name, human_size(a.bytes.len() as u64))).size(13),
                    button(text("×").size(13))
                        .on_press(Message::Remove(i))
                        .style(button::text)
                        .padding([0, 4]),
                ]
                .align_y(iced::Center),
            );
        }
        let mut part = column![scrollable(files.wrap()).height(iced::Length::Shrink)].spacing(4);
        if total > LARGE {
            part = part.push(
                text(t!("compose-large", size = human_size(total as u64)))
                    .size(13)
                    .style(text::warning),
            );
        }
        part.into()
    }
}

/// The signature as it goes into the text: after the "-- " line that mail programs know
/// as the start of one; None when there is none.
fn block(signature: &str) -> Option<String> {
    let signature = signature.replace("\r\n", "\n");
    // A signature typed with its own "-- " line does not get a second one.
    let signature = match signature.split_once('\n') {
        Some((first, rest)) if first.trim_end() == "--" => rest,
        _ => &signature,
    };
    let signature = signature.trim_end();
    (!signature.trim().is_empty()).then(|| format!("-- \n{signature}\n"))
}

/// The text with the signature where the writing goes: under the empty lines a reply or
/// a forward starts with (above what it quotes), or at the end.
fn signed(body: &str, signature: &str) -> String {
    let Some(block) = block(signature) else {
        return body.to_string();
    };
    match body.strip_prefix("\n\n") {
        Some(quoted) => format!("\n\n{block}\n{quoted}"),
        None if body.is_empty() => format!("\n\n{block}"),
        None => format!("{body}\n\n{block}"),
    }
}

/// Asks for files to attach and reads them, off the UI thread.
async fn choose_files() -> Result<Vec<Attachment>, Failure> {
    let Some(handles) = rfd::AsyncFileDialog::new()
        .set_title(t!("compose-attach"))
        .pick_files()
        .await
    else {
        return Ok(Vec::new());
    };
    let paths: Vec<std::path::PathBuf> = handles.iter().map(|h| h.path().to_path_buf()).collect();
    crate::ui::blocking(move || {
        paths
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path)
                    .map_err(|e| Failure::Unreadable(path.clone(), Arc::new(e)))?;
                Ok(Attachment {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "attachment".into()),
                    content_type: crate::compose::content_type(path),
                    bytes,
                })
            })
            .collect()
    })
    .await
}

mod complete;
mod drafts;

pub use complete::AddressField;
#[cfg(test)]
mod tests;
