//! The POP3 side of a fetch: the listing (UIDL, LIST), then the pipelined RETR, TOP and
//! DELE that carry out a plan, gathering downloads into batches for the writer.

use std::collections::{HashMap, VecDeque};

use crate::accounts::{AccountId, Keep};
use crate::mail;
use crate::paths::Paths;
use crate::pop3::{self, Request, Session, Uidl};
use crate::store::{HeaderCapture, NewMessage, Spool, Store};

use super::plan::{self, Download, Get, Listed};
use super::sorter::Sorter;
use super::writer::{BATCH_MEMORY, BATCH_MESSAGES, Writer};
use super::{
    AHEAD_BYTES, Error, FetchOptions, MAX_IN_FLIGHT, PIPELINE_WINDOW, Progress, Report, SkipReason,
};

/// The server's listing: every message with its UIDL (when the server has UIDL) and size.
pub(super) async fn list(session: &mut Session, keep: Keep) -> Result<Vec<Listed>, Error> {
    let (uidls, sizes) = session.uidl_and_list(!keep.keeps_on_server()).await?;
    let uidls = match uidls {
        Ok(list) => Some(list),
        Err(pop3::Error::NoUidl { host }) => {
            if keep.keeps_on_server() {
                return Err(Error::NoUidlForKeep { host });
            }
            None
        }
        Err(e) => return Err(e.into()),
    };
    // Servers list both answers by number, in the same order: then they pair up in one
    // pass, without a map of 10,000 numbers (BENCHMARKS.md, issue 20, sixth day).
    let paired = uidls.as_ref().is_some_and(|list| {
        list.len() == sizes.len() && list.iter().zip(&sizes).all(|(u, s)| u.number == s.number)
    });
    if paired {
        return Ok(uidls
            .unwrap_or_default()
            .into_iter()
            .zip(sizes)
            .map(|(e, s)| Listed {
                number: e.number,
                size: s.size,
                uidl: Some(e.uidl),
            })
            .collect());
    }
    let sizes: HashMap<u32, Option<u64>> = sizes.into_iter().map(|e| (e.number, e.size)).collect();
    let size = |n: u32| sizes.get(&n).copied().flatten();
    Ok(match uidls {
        Some(list) => list
            .into_iter()
            .map(|e| Listed {
                number: e.number,
                size: size(e.number),
                uidl: Some(e.uidl),
            })
            .collect(),
        None => {
            let mut numbers: Vec<u32> = sizes.keys().copied().collect();
            numbers.sort_unstable();
            numbers
                .into_iter()
                .map(|n| Listed {
                    number: n,
                    uidl: None,
                    size: size(n),
                })
                .collect()
        }
    })
}

/// Every message's size by number (LIST); None where the server's figure is unknown.
pub(super) async fn sizes(session: &mut Session) -> Result<HashMap<u32, Option<u64>>, Error> {
    let list = session.list_all().await?;
    Ok(list.into_iter().map(|e| (e.number, e.size)).collect())
}

/// One command of the pipeline: a download (RETR or TOP) or a deletion.
pub(super) enum Command {
    Get(Download),
    Dele { number: u32, uidl: Option<Uidl> },
}

impl Command {
    fn request(&self) -> Request {
        match self {
            Command::Get(d) => download_request(d),
            Command::Dele { number, .. } => Request::Dele(*number),
        }
    }

    /// How many bytes its answer is expected to take: the listed size of a whole
    /// message, all of AHEAD_BYTES for one whose size the server did not give (so that
    /// those do not widen the window), nothing for headers and deletions. Capped at
    /// AHEAD_BYTES, so that a sum over the window cannot overflow.
    fn expected(&self) -> u64 {
        match self {
            Command::Get(d) if d.get == Get::Whole => {
                d.size.unwrap_or(AHEAD_BYTES).min(AHEAD_BYTES)
            }
            _ => 0,
        }
    }
}

/// TOP n 0 for the headers only, RETR n for the whole.
fn download_request(d: &Download) -> Request {
    match d.get {
        Get::Headers => Request::Top(d.number, 0),
        Get::Whole => Request::Retr(d.number),
    }
}

/// One fetch under way.
pub(super) struct Run<'a, P: FnMut(Progress)> {
    pub(super) session: Session,
    pub(super) writer: Writer,
    /// The rules and the junk filter, when there is something to decide.
    pub(super) sorter: Option<Sorter>,
    pub(super) account_id: AccountId,
    pub(super) keep: Keep,
    pub(super) spool_dir: std::path::PathBuf,
    pub(super) fetch: &'a FetchOptions,
    pub(super) on_progress: P,
    pub(super) progress: Progress,
    pub(super) report: Report,
    pub(super) to_send: VecDeque<Command>,
    pub(super) in_flight: VecDeque<Command>,
    /// The bytes the answers in flight are expected to take ([`Command::expected`]).
    pub(super) ahead: u64,
    pub(super) batch: Vec<(u32, Get, NewMessage)>,
    pub(super) batch_memory: usize,
    pub(super) deleted_uidls: Vec<Uidl>,
    /// The account's lock, held by every commit until it ends (see `Prepared`).
    pub(super) lock: Option<std::sync::Arc<super::lock::AccountLock>>,
}

impl<'a, P: FnMut(Progress)> Run<'a, P> {
    pub(super) fn new(
        session: Session,
        store: Store,
        account_id: AccountId,
        keep: Keep,
        paths: &Paths,
        fetch: &'a FetchOptions,
        on_progress: P,
    ) -> Self {
        Run {
            session,
            writer: Writer::Idle(store),
            sorter: None,
            account_id,
            keep,
            spool_dir: paths.data_dir().to_path_buf(),
            fetch,
            on_progress,
            progress: Progress::default(),
            report: Report::default(),
            to_send: VecDeque::new(),
            in_flight: VecDeque::new(),
            ahead: 0,
            batch: Vec::new(),
            batch_memory: 0,
            deleted_uidls: Vec::new(),
            lock: None,
        }
    }

    /// Carries out the plan. On an error the session is left without QUIT (the server
    /// deletes nothing), and what was downloaded is still committed.
    pub(super) async fn go(&mut self, plan: plan::Plan) -> Result<(), Error> {
        self.progress.total = plan.download.len();
        self.progress.total_bytes = plan
            .download
            .iter()
            .filter(|d| d.get == Get::Whole)
            .map(|d| d.size.unwrap_or(0))
            .fold(0u64, u64::saturating_add);
        (self.on_progress)(self.progress);
        self.to_send = plan
            .delete
            .into_iter()
            .map(|(number, uidl)| Command::Dele {
                number,
                uidl: Some(uidl),
            })
            .collect();
        let mut wanted = plan.download.into_iter();
        let result = self.pump(&mut wanted).await;
        // A commit under way is waited for even when nothing else waits to be stored: left
        // running, it would store its messages after the fetch ended and gave the account
        // back, and a fetch started at once would not know them and store them again.
        let committing = matches!(self.writer, Writer::Committing(_));
        if result.is_err() && (committing || !self.batch.is_empty()) {
            self.save_after_error().await;
        }
        result
    }

    async fn pump(&mut self, wanted: &mut impl Iterator<Item = Download>) -> Result<(), Error> {
        loop {
            if self.wants_refill() {
                self.refill(wanted).await?;
            }
            self.report.max_in_flight = self.report.max_in_flight.max(self.in_flight.len());
            let committing = matches!(self.writer, Writer::Committing(_));
            let finished = matches!(&self.writer, Writer::Committing(c) if c.is_finished());
            // A full batch waiting for a running commit is not added to: the answers in
            // flight (up to MAX_IN_FLIGHT, more than a server's listed sizes promised)
            // stay in the socket until the commit is done, instead of in memory.
            let over = committing && self.batch_memory >= BATCH_MEMORY;
            if finished || over || (self.in_flight.is_empty() && committing) {
                self.finish_commit().await?;
                continue;
            }
            let Some(command) = self.in_flight.pop_front() else {
                if self.batch.is_empty() {
                    return Ok(());
                }
                self.start_commit();
                continue;
            };
            self.ahead -= command.expected();
            match command {
                Command::Get(d) => self.receive(d).await?,
                Command::Dele { number, uidl } => {
                    let status = self
                        .session
                        .read_status(crate::pop3::Step::Deleting)
                        .await?;
                    if status.ok {
                        self.report.deleted += 1;
                        self.deleted_uidls.extend(uidl);
                    } else if status.try_later() {
                        return Err(self.session.refusal(Request::Dele(number), status).into());
                    } else {
                        tracing::warn!(number, text = %status.text, "server refused to delete a message");
                    }
                }
            }
            let full = self.batch.len() >= BATCH_MESSAGES || self.batch_memory >= BATCH_MEMORY;
            // Once every download is asked for, what has arrived is committed whenever the
            // writer is free: it stores while the last window arrives, and the commit the
            // fetch ends waiting for is a small one.
            let asked_all = wanted.size_hint().1 == Some(0) && !self.batch.is_empty();
            if (full || asked_all) && matches!(self.writer, Writer::Idle(_)) {
                self.start_commit();
            }
        }
    }

    /// Whether the window is to be refilled. It is refilled once it is half empty, all at
    /// once: a few large writes (and TLS records) instead of one per command, which costs
    /// the server's TLS proxy less. Without PIPELINING, one command at a time.
    fn wants_refill(&self) -> bool {
        let n = self.in_flight.len();
        if !self.session.pipelining() {
            return n == 0;
        }
        n < PIPELINE_WINDOW / 2
            || (n + PIPELINE_WINDOW / 2 <= MAX_IN_FLIGHT && self.ahead < AHEAD_BYTES / 2)
    }

    /// Whether the window has room for one more command: PIPELINE_WINDOW commands, and
    /// more while their answers are expected to be small (AHEAD_BYTES, MAX_IN_FLIGHT).
    fn has_room(&self) -> bool {
        let n = self.in_flight.len();
        if !self.session.pipelining() {
            return n == 0;
        }
        n < PIPELINE_WINDOW || (n < MAX_IN_FLIGHT && self.ahead < AHEAD_BYTES)
    }

    /// Fills the window: deletions first, then downloads while the batch has room.
    async fn refill(&mut self, wanted: &mut impl Iterator<Item = Download>) -> Result<(), Error> {
        let mut requests = Vec::new();
        // While a commit runs, what arrives waits in memory: a quarter of a batch's room at
        // most, so that a writer short of CPU time holds the downloads back instead of
        // letting memory grow (peak memory, BENCHMARKS.md).
        let room = if matches!(self.writer, Writer::Committing(_)) {
            BATCH_MEMORY / 4
        } else {
            BATCH_MEMORY
        };
        while self.has_room() {
            let next = match self.to_send.pop_front() {
                Some(command) => Some(command),
                None if self.batch_memory < room => wanted.next().map(Command::Get),
                None => None,
            };
            let Some(mut command) = next else { break };
            // TOP is optional (RFC 1939): without it, messages are fetched whole.
            if let Command::Get(d) = &mut command
                && self.session.top_failed()
            {
                d.get = Get::Whole;
            }
            requests.push(command.request());
            self.ahead += command.expected();
            self.in_flight.push_back(command);
        }
        self.session.send_commands(&requests).await?;
        Ok(())
    }

    /// Reads the answer to one RETR or TOP and adds the message to the batch, or
    /// records why it was skipped.
    async fn receive(&mut self, mut d: Download) -> Result<(), Error> {
        let doing = if d.get == Get::Headers {
            crate::pop3::Step::ReceivingHeaders
        } else {
            crate::pop3::Step::ReceivingMessage
        };
        let status = self.session.read_status(doing).await?;
        if !status.ok {
            if status.try_later() {
                return Err(self.session.refusal(download_request(&d), status).into());
            }
            if d.get == Get::Headers {
                self.session.set_top_failed();
                d.get = Get::Whole;
                self.to_send.push_back(Command::Get(d));
                return Ok(());
            }
            // One message the server will not send must not block the rest.
            tracing::warn!(number = d.number, text = %status.text, "server refused to send a message");
            self.report
                .skipped
                .push((d.number, SkipReason::Refused(status.text)));
            return Ok(());
        }
        let server_size = (d.get == Get::Headers).then(|| d.size.unwrap_or(0));
        let mut spool = Spool::with_limit(&self.spool_dir, self.fetch.max_message);
        if d.get == Get::Whole {
            spool.reserve(d.size);
        }
        let mut headers = HeaderCapture::default();
        self.session
            .read_message(|piece| {
                headers.push(piece);
                spool.write(piece);
            })
            .await?;
        if let Some(size) = spool.too_large() {
            tracing::warn!(number = d.number, size, "message too large to store");
            self.report
                .skipped
                .push((d.number, SkipReason::TooLarge(size)));
            return Ok(());
        }
        let (mut body, digest) = spool.finish().map_err(Error::spool)?;
        let (summary, sorted) = match &self.sorter {
            Some(sorter) => {
                let size = server_size.unwrap_or_else(|| body.len());
                let (summary, decision) = sorter.read(d.get, size, &mut body, headers.bytes());
                (summary, Some(decision))
            }
            None => (mail::summarize(headers.bytes()), None),
        };
        let message = NewMessage {
            uidl: d.uidl,
            body,
            summary,
            server_size,
            digest,
            dedupe: d.dedupe,
            duplicate: false,
            sorted,
        };
        if self.report.first_subject.is_none() {
            self.report.first_subject = Some(message.summary.subject.clone());
        }
        self.progress.done += 1;
        self.progress.bytes += server_size.unwrap_or(message.body.len());
        (self.on_progress)(self.progress);
        self.report.new += 1;
        if d.get == Get::Headers {
            self.report.partial += 1;
        }
        self.batch_memory += message.body.memory();
        self.batch.push((d.number, d.get, message));
        Ok(())
    }
}
