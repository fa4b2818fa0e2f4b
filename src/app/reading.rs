//! The open message and changes to messages: the reading pane's events, marking read,
//! flags, moving, trashing and deleting.

use super::*;

impl App {
    pub(super) fn select_message(&mut self, id: i64) -> Task<Message> {
        self.selected = Some(id);
        self.reader.open(id, &self.paths).map(Message::Reader)
    }

    /// What the reading pane asks of the window.
    pub(super) fn reader_event(&mut self, event: reader::Event) -> Task<Message> {
        match event {
            reader::Event::Opened(id) => match self.snapshot.preferences.mark_read {
                MarkRead::AtOnce => self.mark_read(id),
                MarkRead::After(seconds) => Task::perform(
                    async move {
                        tokio::time::sleep(std::time::Duration::from_secs(seconds.into())).await;
                    },
                    move |()| Message::MarkReadDue(id),
                ),
                MarkRead::Never => Task::none(),
            },
            reader::Event::Status(status) => {
                self.status.say(status);
                Task::none()
            }
            reader::Event::Act(id, act) => self.act(id, act),
        }
    }

    /// A button of the reading pane that acts on message `id`.
    pub(super) fn act(&mut self, id: i64, act: Act) -> Task<Message> {
        match act {
            Act::Trash => self.change(id, Change::Trash),
            Act::Restore => self.change(id, Change::Restore),
            Act::DeleteForGood => self.change(id, Change::DeleteForGood),
            Act::DownloadRest => self.download_rest(id),
            Act::SendAgain => self.send_again(id),
            Act::EditDraft => self.edit_draft(id),
            Act::Write(start) => self.write(start),
            Act::NewRule => self.new_rule_from(id),
            Act::Junk(junk) => self.mark_junk(vec![id], junk),
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
                self.status
                    .say(t!("status-moved-to", folder = target.label.clone()));
                self.change(id, Change::Move(target.folder))
            }
        }
    }

    /// Marks a message read, here and in the store.
    pub(super) fn mark_read(&mut self, id: i64) -> Task<Message> {
        let Some(row) = self.list.row_mut(id).filter(|r| !r.read) else {
            return Task::none();
        };
        row.read = true;
        if let Some(n) = row
            .account_id
            .and_then(|a| self.snapshot.unread.get_mut(&a))
        {
            *n = n.saturating_sub(1);
        }
        Task::perform(mark_read(self.paths.clone(), id), |_| Message::Done)
    }

    /// Junk (J) or not junk (Shift+J): trains the filter on the messages and moves them
    /// (into the Junk folder, or out of it to their inbox). Where they stay (junk in the
    /// Junk folder, good mail elsewhere) they are only trained.
    pub(super) fn mark_junk(&mut self, ids: Vec<i64>, junk: bool) -> Task<Message> {
        if ids.is_empty() {
            return Task::none();
        }
        let in_junk = self
            .snapshot
            .junk
            .is_some_and(|j| self.mailbox.folder() == Folder::Local(j));
        let n = ids.len();
        self.status.say(if junk {
            t!("status-junk", count = n)
        } else {
            t!("status-not-junk", count = n)
        });
        if junk != in_junk {
            self.change_many(ids, Change::Junk(junk))
        } else {
            Task::perform(
                apply_change(self.paths.clone(), ids, Change::Junk(junk)),
                Message::Changed,
            )
        }
    }

    pub(super) fn change(&mut self, id: i64, change: Change) -> Task<Message> {
        self.change_many(vec![id], change)
    }

    pub(super) fn change_many(&mut self, ids: Vec<i64>, change: Change) -> Task<Message> {
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

    pub(super) fn reader_message(&mut self, message: reader::Message) -> Task<Message> {
        let (task, event) = self.reader.update(message, &self.paths, &self.opener);
        let task = task.map(Message::Reader);
        match event {
            None => task,
            Some(event) => Task::batch([task, self.reader_event(event)]),
        }
    }

    pub(super) fn mark_read_due(&mut self, id: i64) -> Task<Message> {
        if self.selected == Some(id) {
            self.mark_read(id)
        } else {
            Task::none()
        }
    }

    pub(super) fn changed(&mut self, result: Result<(), Failure>) -> Task<Message> {
        if let Err(e) = result {
            self.status.say(e.said());
        }
        self.reload()
    }
}

/// A change the reading pane asks for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Change {
    Trash,
    Restore,
    DeleteForGood,
    Flag,
    Unflag,
    MarkUnread,
    Move(Option<i64>),
    /// Junk (true) or not: trains the filter, and moves.
    Junk(bool),
}

pub(super) async fn apply_change(
    paths: Paths,
    ids: Vec<i64>,
    change: Change,
) -> Result<(), Failure> {
    crate::ui::blocking(move || {
        let mut store = Store::open(&paths.database())?;
        Ok(match change {
            Change::Trash => store.trash(&ids),
            Change::Restore => store.restore(&ids),
            Change::DeleteForGood => store
                .delete_for_good(&ids)
                .map(|()| downloads::remove_opened(&paths, &ids)),
            Change::Flag => store.set_flagged(&ids, true),
            Change::Unflag => store.set_flagged(&ids, false),
            Change::MarkUnread => store.set_read_many(&ids, false),
            Change::Move(folder) => store.move_to_folder(&ids, folder),
            Change::Junk(junk) => store
                .train_junk(
                    &ids,
                    if junk {
                        crate::junk::Kind::Junk
                    } else {
                        crate::junk::Kind::Good
                    },
                )
                .map(|_| ()),
        }?)
    })
    .await
}

pub(super) async fn mark_read(paths: Paths, id: i64) -> Result<(), Failure> {
    crate::ui::blocking(move || {
        let store = Store::open(&paths.database())?;
        Ok(store.set_read(id, true)?)
    })
    .await
}
