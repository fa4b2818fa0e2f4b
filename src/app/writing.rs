//! Writing mail from the window: a new message, a reply (to the sender or to all) or a
//! forward of the selected message opens the compose screen; Send puts the message in the
//! Outbox (on disk) and has the worker send it.

use super::*;
use crate::compose::{Draft, Mailbox, reply};
use crate::ui::compose::{self, Compose, Sender};

/// A message to answer or forward, read off the window's thread; the draft is made on
/// it, so that the "wrote:" line speaks the window's language.
#[derive(Debug, Clone)]
pub struct Parent {
    start: Start,
    facts: crate::mail::thread::Facts,
    raw: Vec<u8>,
    from: Mailbox,
    me: Vec<String>,
    /// The parent's files, read for a forward inline (which attaches them again).
    files: Vec<crate::compose::Attachment>,
}

impl Parent {
    fn draft(self) -> Draft {
        match self.start {
            Start::Forward => reply::forward_inline(&self.facts, &self.from, self.files),
            Start::ForwardAttached => reply::forward_attached(&self.facts, &self.raw, &self.from),
            Start::ReplyAll => reply::reply(&self.facts, &self.from, &self.me, true),
            Start::Reply | Start::New => reply::reply(&self.facts, &self.from, &self.me, false),
        }
    }
}

pub use crate::ui::compose::Start;

impl App {
    /// The accounts that can send: an outgoing server and an address.
    pub(super) fn senders(&self) -> Vec<Sender> {
        self.snapshot
            .accounts
            .iter()
            .filter(|a| a.settings.smtp.is_some() && !a.settings.email.is_empty())
            .map(|a| Sender {
                account: a.id,
                mailbox: Mailbox::new("", &a.settings.email),
                signature: (a.settings.smtp.as_ref())
                    .map_or_else(String::new, |s| s.signature.clone()),
            })
            .collect()
    }

    pub(super) fn write(&mut self, start: Start) -> Task<Message> {
        let senders = self.senders();
        let Some(first) = senders.first() else {
            self.status.say(t!("compose-no-sending-account"));
            return Task::none();
        };
        let parent = match (start, self.selected) {
            (Start::New, _) => None,
            (_, Some(id)) => Some(id),
            (_, None) => return Task::none(),
        };
        let Some(parent) = parent else {
            return self.compose_opened(Draft {
                from: first.mailbox.clone(),
                ..Draft::default()
            });
        };
        // Answer from the account the message came to, when it can send.
        let account = self.list.row(parent).and_then(|r| r.account_id);
        let from = senders
            .iter()
            .find(|s| Some(s.account) == account)
            .unwrap_or(first)
            .mailbox
            .clone();
        let me: Vec<String> = senders.iter().map(|s| s.mailbox.address.clone()).collect();
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<Parent, Failure> {
                let raw = Store::open(&paths.database())?.raw_message(parent)?;
                let facts = crate::mail::thread::facts(&raw);
                let files = match start {
                    Start::Forward => parent_files(&raw),
                    _ => Vec::new(),
                };
                Ok(Parent {
                    start,
                    facts,
                    raw,
                    from,
                    me,
                    files,
                })
            }),
            |parent| match parent {
                Ok(parent) => Message::Answer(Box::new(parent)),
                Err(e) => Message::Failed(e),
            },
        )
    }

    pub(super) fn answer(&mut self, parent: Parent) -> Task<Message> {
        self.compose_opened(parent.draft())
    }

    pub(super) fn compose_opened(&mut self, draft: Draft) -> Task<Message> {
        let screen = Compose::new(self.senders(), draft);
        let focus = screen.focus().map(Message::Compose);
        self.modal = Some(Modal::Compose(Box::new(screen)));
        Task::batch([focus, self.known_addresses()])
    }

    /// Every address in the stored mail, read off the UI thread for the compose screen
    /// to complete what is typed (it works without them until they come).
    pub(super) fn known_addresses(&self) -> Task<Message> {
        let paths = self.paths.clone();
        Task::perform(
            ui::blocking(move || -> Result<_, Failure> {
                let fields = Store::open(&paths.database())?.address_fields()?;
                Ok(crate::compose::known::Known::from_fields(
                    fields.iter().map(String::as_str),
                ))
            }),
            |known| match known {
                Ok(known) => Message::Compose(compose::Message::Known(std::sync::Arc::new(known))),
                // Completion is a help: without it, writing goes on as before.
                Err(_) => Message::Done,
            },
        )
    }

    pub(super) fn compose_message(&mut self, message: compose::Message) -> Task<Message> {
        let Some(Modal::Compose(screen)) = &mut self.modal else {
            return Task::none();
        };
        let (task, event) = screen.update(message);
        let task = task.map(Message::Compose);
        match event {
            None => task,
            Some(compose::Event::Discard(draft)) => Task::batch([
                task,
                self.discard_draft(draft),
                self.close_modal(),
                self.reload(),
            ]),
            Some(compose::Event::Closed) => {
                let closed = Task::batch([task, self.close_modal(), self.reload()]);
                match self.quitting {
                    // The window's close button waited for the draft.
                    Some(window) => Task::batch([closed, iced::window::close(window)]),
                    None => closed,
                }
            }
            Some(compose::Event::SaveDraft {
                screen,
                replacing,
                typed,
                files,
            }) => Task::batch([task, self.save_draft(screen, replacing, typed, files)]),
            Some(compose::Event::Send(account, draft, saved_as)) => {
                let paths = self.paths.clone();
                let queue = Task::perform(
                    ui::blocking(move || -> Result<i64, Failure> {
                        let mut store = Store::open(&paths.database())?;
                        let account = ui::account_by_id(&store, account)?;
                        let server =
                            (account.settings.smtp.clone()).ok_or(Failure::NoSendingAccount)?;
                        let id = crate::send::queue(&mut store, &account, &server, &draft)?;
                        // In the Outbox now: the draft has done its work. Failing to
                        // delete it is no reason to say the message was not queued
                        // (sent again, it would go twice).
                        if let Some(saved_as) = saved_as
                            && let Err(e) = store.delete_draft(saved_as)
                        {
                            tracing::warn!("a sent message's draft stays: {e}");
                        }
                        Ok(id)
                    }),
                    move |result| Message::Queued(account, result),
                );
                Task::batch([task, queue])
            }
        }
    }

    /// The message is in the Outbox (the screen closes and the worker sends it), or why
    /// not (the screen stays, with what was typed).
    pub(super) fn queued(
        &mut self,
        account: AccountId,
        result: Result<i64, Failure>,
    ) -> Task<Message> {
        match result {
            Ok(_) => {
                if let Some(worker) = &self.worker {
                    worker.send(Command::SendOutbox(account));
                }
                self.status.say(t!("status-in-outbox"));
                // A first save that landed after Send made a draft of what was sent.
                let late = match &self.modal {
                    Some(Modal::Compose(screen)) => screen.draft_id(),
                    _ => None,
                };
                let late = late.map_or_else(Task::none, |id| self.delete_draft(id));
                Task::batch([late, self.close_modal(), self.reload()])
            }
            Err(why) => {
                if let Some(Modal::Compose(screen)) = &mut self.modal {
                    screen.refused(why.said());
                }
                Task::none()
            }
        }
    }
}

impl App {
    /// "Send again" on a message in the Outbox: due again (a refused one too), and the
    /// worker sends its account's Outbox now.
    pub(super) fn send_again(&mut self, id: i64) -> Task<Message> {
        let Some(account) = self
            .snapshot
            .queued
            .iter()
            .find(|q| q.id == id)
            .and_then(|q| q.account_id)
        else {
            return Task::none();
        };
        let paths = self.paths.clone();
        let worker = self.worker.clone();
        Task::perform(
            ui::blocking(move || -> Result<(), Failure> {
                Store::open(&paths.database())?.retry(id)?;
                Ok(())
            }),
            move |result| {
                if let Some(worker) = &worker {
                    worker.send(Command::SendOutbox(account));
                }
                match result {
                    Ok(()) => Message::InOutbox,
                    Err(e) => Message::Failed(e),
                }
            },
        )
    }
}

/// The files of a message, to attach again to its forward.
fn parent_files(raw: &[u8]) -> Vec<crate::compose::Attachment> {
    let count = crate::mail::render(raw).attachments.len();
    (0..count)
        .filter_map(|i| crate::mail::attachment(raw, i))
        .map(|file| crate::compose::Attachment {
            content_type: crate::compose::content_type(std::path::Path::new(&file.name)),
            name: file.name,
            bytes: file.bytes,
        })
        .collect()
}
