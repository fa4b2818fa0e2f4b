//! The commands of the TRANSACTION state other than RETR and TOP: STAT, UIDL, LIST,
//! NOOP and QUIT.

use std::future::Future;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use super::Session;
use crate::pop3::error::Step;
use crate::pop3::response;
use crate::pop3::{Error, ListEntry, Malformed, Request, Uidl, UidlEntry};

impl Session {
    /// STAT: the number of messages and their total size (None when not believable).
    pub async fn stat(&mut self) -> Result<(u32, Option<u64>), Error> {
        let status = self.command(Request::Stat, Step::Counting).await?;
        let mut parts = status.text.split_whitespace();
        let count = parts.next().and_then(|s| s.parse().ok());
        let size = parts
            .next()
            .map(|s| crate::pop3::plausible_size(s.as_bytes()));
        match (count, size) {
            (Some(c), Some(s)) => Ok((c, s)),
            _ => Err(self.protocol(Malformed::Stat(status.text))),
        }
    }

    /// UIDL for every message. `Err(Error::NoUidl)` only when the server does not support
    /// it: it refused without a response code and did not list UIDL among its
    /// capabilities. Any other refusal is an error (a temporary one says "try later"),
    /// never a reason to fetch without ids.
    pub async fn uidl_all(&mut self) -> Result<Vec<UidlEntry>, Error> {
        self.send_command(Request::Uidl).await?;
        self.read_uidl_answer().await
    }

    /// UIDL and LIST for every message, sent together when the server allows pipelining
    /// (LIST's answer is then ready as soon as UIDL's is read). The answer to UIDL is as
    /// [`Session::uidl_all`]'s; when it is an error (or, unless `list_without_uidl`, the
    /// server has no UIDL), the sizes are not read: LIST's answer may be left unread, and
    /// the session should not be used for more than QUIT.
    pub async fn uidl_and_list(
        &mut self,
        list_without_uidl: bool,
    ) -> Result<(Result<Vec<UidlEntry>, Error>, Vec<ListEntry>), Error> {
        let pipelined = self.pipelining();
        if pipelined {
            self.send_commands(&[Request::Uidl, Request::List]).await?;
        } else {
            self.send_command(Request::Uidl).await?;
        }
        let uidls = self.read_uidl_answer().await;
        let go_on = match &uidls {
            Ok(_) => true,
            Err(Error::NoUidl { .. }) => list_without_uidl,
            Err(_) => false,
        };
        if !go_on {
            return Ok((uidls, Vec::new()));
        }
        if !pipelined {
            self.send_command(Request::List).await?;
        }
        Ok((uidls, self.read_list_answer().await?))
    }

    async fn read_uidl_answer(&mut self) -> Result<Vec<UidlEntry>, Error> {
        let status = self.read_status(Step::ListingIds).await?;
        if !status.ok {
            let offered = self.capabilities.as_ref().is_some_and(|c| c.uidl);
            if status.code.is_none() && !offered {
                return Err(Error::NoUidl {
                    host: self.host.clone(),
                });
            }
            return self.require_ok(Request::Uidl, status).map(|_| Vec::new());
        }
        let mut entries = Vec::new();
        let mut bad = None;
        let mut odd = 0usize;
        self.read_listing(|line| match listing_entry(line) {
            (Some(number), Some(uidl)) => {
                let uidl = Uidl::from_wire(uidl);
                if !uidl.is_standard() {
                    odd += 1;
                }
                entries.push(UidlEntry { number, uidl });
            }
            _ => bad = Some(response::printable(line)),
        })
        .await?;
        if odd > 0 {
            tracing::warn!(host = %self.host, count = odd, "unique ids outside RFC 1939 (1-70 printable characters); used as they are");
        }
        match bad {
            Some(line) => Err(self.protocol(Malformed::UidlLine(line))),
            None => Ok(entries),
        }
    }

    /// LIST for every message. A size that is not believable is None.
    pub async fn list_all(&mut self) -> Result<Vec<ListEntry>, Error> {
        self.send_command(Request::List).await?;
        self.read_list_answer().await
    }

    async fn read_list_answer(&mut self) -> Result<Vec<ListEntry>, Error> {
        let status = self.read_status(Step::Listing).await?;
        self.require_ok(Request::List, status)?;
        let mut entries = Vec::new();
        let mut bad = None;
        self.read_listing(|line| match listing_entry(line) {
            (Some(number), Some(size)) => entries.push(ListEntry {
                number,
                size: crate::pop3::plausible_size(size),
            }),
            _ => bad = Some(response::printable(line)),
        })
        .await?;
        match bad {
            Some(line) => Err(self.protocol(Malformed::ListLine(line))),
            None => Ok(entries),
        }
    }

    /// True once TOP has failed in this session; callers then use RETR instead.
    pub fn top_failed(&self) -> bool {
        self.top_failed
    }

    /// Remembers that TOP does not work here, for the rest of the session.
    pub fn set_top_failed(&mut self) {
        self.top_failed = true;
    }

    pub async fn noop(&mut self) -> Result<(), Error> {
        self.command(Request::Noop, Step::Checking).await.map(drop)
    }

    /// Waits for local work, sending NOOP every `interval` so the server does not end an
    /// idle session. Only call with no command awaiting its answer.
    pub async fn keep_alive_during<T>(
        &mut self,
        interval: Duration,
        work: impl Future<Output = T>,
    ) -> Result<T, Error> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return Ok(out),
                () = tokio::time::sleep(interval) => self.noop().await?,
            }
        }
    }

    /// QUIT: the server commits deletions (the UPDATE state) and closes.
    pub async fn quit(mut self) -> Result<(), Error> {
        self.command(Request::Quit, Step::Closing).await?;
        // The deletions are committed; a server that does not finish closing is left.
        let _ = tokio::time::timeout(self.timeout, self.io.get_mut().shutdown()).await;
        Ok(())
    }
}

/// The message number and the next word of a listing line ("1 whqtswO00WBw418f9t5JxYwZ",
/// "1 1200").
fn listing_entry(line: &[u8]) -> (Option<u32>, Option<&[u8]>) {
    let mut words = line
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty());
    let number = words
        .next()
        .and_then(|n| std::str::from_utf8(n).ok())
        .and_then(|n| n.parse().ok());
    (number, words.next())
}
