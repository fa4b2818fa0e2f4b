//! Bounded line reading, streamed multi-line answers with dot-unstuffing, and the pace a
//! server must keep.

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::time::Instant;

/// Why a line could not be read.
#[derive(Debug)]
pub enum LineError {
    /// The peer closed the connection before a complete line arrived.
    Eof,
    /// The line exceeded the limit; the rest of the connection is unusable.
    TooLong,
    /// No byte arrived within the idle limit.
    Idle,
    /// Bytes kept arriving, but too slowly: fewer than the pace asks for in one window.
    Slow,
    Io(std::io::Error),
}

/// The slowest a server may send one answer: at least `min_bytes` in every `window`.
/// A server that trickles a byte every few seconds never trips an idle timeout; this
/// ends it, so that no session (and no account lock) is held for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub window: Duration,
    pub min_bytes: u64,
}

impl Default for Pace {
    /// 1 KB/s averaged over 60 seconds.
    fn default() -> Self {
        Pace {
            window: Duration::from_secs(60),
            min_bytes: 60 * 1024,
        }
    }
}

/// Watches one answer's arrival against a [`Pace`].
#[derive(Debug)]
pub struct Watch {
    pace: Pace,
    idle: Duration,
    window_start: Instant,
    in_window: u64,
}

impl Watch {
    pub fn new(pace: Pace, idle: Duration) -> Watch {
        Watch {
            pace,
            idle,
            window_start: Instant::now(),
            in_window: 0,
        }
    }

    /// Waits for buffered bytes, within the idle limit and the pace.
    pub async fn fill<'a, R: AsyncBufRead + Unpin>(
        &mut self,
        reader: &'a mut R,
    ) -> Result<&'a [u8], LineError> {
        // Bytes already buffered, or readable at once, need no clock and no timer: a
        // listing of 10,000 lines arrives in a few large reads, and reading the clock
        // and arming a timer for every line took a tenth of a re-check's CPU time. Only
        // a wait is timed: a slow server always makes the reader wait.
        let ready = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut *reader).poll_fill_buf(cx) {
                std::task::Poll::Ready(read) => Some(read.map(<[u8]>::len)),
                std::task::Poll::Pending => None,
            })
        })
        .await;
        if let Some(read) = ready {
            read.map_err(LineError::Io)?;
            return reader.fill_buf().await.map_err(LineError::Io);
        }
        let idle_deadline = Instant::now() + self.idle;
        loop {
            let now = Instant::now();
            if now >= self.window_start + self.pace.window {
                if self.in_window < self.pace.min_bytes {
                    return Err(LineError::Slow);
                }
                self.window_start = now;
                self.in_window = 0;
            }
            let deadline = idle_deadline.min(self.window_start + self.pace.window);
            match tokio::time::timeout_at(deadline, reader.fill_buf()).await {
                Ok(Ok(_)) => break,
                Ok(Err(e)) => return Err(LineError::Io(e)),
                Err(_) if Instant::now() >= idle_deadline => return Err(LineError::Idle),
                // The pace's window ended first: judged at the top of the loop.
                Err(_) => {}
            }
        }
        // Already buffered, so this returns at once.
        reader.fill_buf().await.map_err(LineError::Io)
    }

    /// Counts `n` bytes taken from the reader towards the pace. Bytes count when they are
    /// taken, not each time they are seen in the buffer: counted at every fill, a burst
    /// of short lines counted again for each line that followed it (500 bytes of 2-byte
    /// lines made 62 KB, a minute's pace).
    pub fn consumed(&mut self, n: usize) {
        self.in_window += n as u64;
    }
}

/// Reads one line (up to and including `\n`) into `out`, which is cleared first.
/// Accepts bare LF as a line ending. Never buffers more than `max` bytes. Fails with
/// `Idle` when no byte arrives for the watch's idle limit, and with `Slow` when the
/// answer arrives slower than its pace.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    out: &mut Vec<u8>,
    max: usize,
    watch: &mut Watch,
) -> Result<(), LineError> {
    out.clear();
    loop {
        let available = watch.fill(reader).await?;
        if available.is_empty() {
            return Err(LineError::Eof);
        }
        let (take, done) = match memchr_nl(available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if out.len() + take > max {
            return Err(LineError::TooLong);
        }
        out.extend_from_slice(&available[..take]);
        reader.consume(take);
        watch.consumed(take);
        if done {
            return Ok(());
        }
    }
}

fn memchr_nl(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// Where the reader of a multi-line answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    LineStart,
    InLine,
    /// After a "." that began a line.
    Dot,
    /// After ".\r" at the start of a line: the end, if "\n" follows.
    DotCr,
}

/// Reads a multi-line answer to its terminating "." line, dot-unstuffed, handing the
/// data to `sink` in pieces of any size. A line of data may be of any length: only
/// the caller bounds the whole. Line endings are kept as sent.
pub async fn read_multiline<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    watch: &mut Watch,
    mut sink: impl FnMut(&[u8]),
) -> Result<(), LineError> {
    let mut at = At::LineStart;
    loop {
        let buf = watch.fill(reader).await?;
        if buf.is_empty() {
            return Err(LineError::Eof);
        }
        let mut i = 0;
        let mut start = 0;
        let mut ended = false;
        while i < buf.len() {
            match at {
                At::InLine => match memchr_nl(&buf[i..]) {
                    Some(j) => {
                        i += j + 1;
                        at = At::LineStart;
                    }
                    None => i = buf.len(),
                },
                At::LineStart => {
                    if buf[i] == b'.' {
                        sink(&buf[start..i]);
                        i += 1;
                        start = i;
                        at = At::Dot;
                    } else {
                        at = At::InLine;
                    }
                }
                At::Dot => match buf[i] {
                    b'\n' => {
                        i += 1;
                        ended = true;
                        break;
                    }
                    b'\r' => {
                        // Held back: it is data only if no "\n" follows.
                        i += 1;
                        start = i;
                        at = At::DotCr;
                    }
                    // The stuffed dot is dropped; the rest of the line is data.
                    _ => at = At::InLine,
                },
                At::DotCr => {
                    if buf[i] == b'\n' {
                        i += 1;
                        ended = true;
                        break;
                    }
                    sink(b"\r");
                    at = At::InLine;
                }
            }
        }
        if ended {
            reader.consume(i);
            watch.consumed(i);
            return Ok(());
        }
        sink(&buf[start..i]);
        reader.consume(i);
        watch.consumed(i);
    }
}

/// What one line of a multi-line answer is, after dot-unstuffing.
#[derive(Debug, PartialEq, Eq)]
pub enum Unstuffed<'a> {
    /// A data line, with its original line ending.
    Data(&'a [u8]),
    /// The terminating "." line.
    End,
}

/// Applies RFC 1939's byte-stuffing rule to one received line.
pub fn unstuff(line: &[u8]) -> Unstuffed<'_> {
    if super::response::trim_eol(line) == b"." {
        Unstuffed::End
    } else if line.first() == Some(&b'.') {
        Unstuffed::Data(&line[1..])
    } else {
        Unstuffed::Data(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], max: usize) -> Vec<Result<Vec<u8>, String>> {
        let mut reader = tokio::io::BufReader::with_capacity(4, input);
        let mut out = Vec::new();
        let mut got = Vec::new();
        loop {
            let mut watch = Watch::new(Pace::default(), Duration::from_secs(5));
            match read_line(&mut reader, &mut out, max, &mut watch).await {
                Ok(()) => got.push(Ok(out.clone())),
                Err(LineError::Eof) => {
                    got.push(Err(format!("eof after {} bytes", out.len())));
                    break;
                }
                Err(LineError::TooLong) => {
                    got.push(Err("too long".into()));
                    break;
                }
                Err(LineError::Io(e)) => panic!("{e}"),
                Err(LineError::Idle | LineError::Slow) => panic!("idle"),
            }
        }
        got
    }

    #[tokio::test]
    async fn reads_crlf_and_bare_lf_across_buffer_refills() {
        let got = lines(b"+OK hello there\r\nsecond\nthird", 100).await;
        assert_eq!(
            got,
            vec![
                Ok(b"+OK hello there\r\n".to_vec()),
                Ok(b"second\n".to_vec()),
                Err("eof after 5 bytes".into()),
            ]
        );
    }

    #[tokio::test]
    async fn bounds_line_length() {
        let got = lines(b"0123456789\r\n", 8).await;
        assert_eq!(got, vec![Err("too long".into())]);
        // Exactly at the limit is fine.
        let got = lines(b"012345\r\n", 8).await;
        assert_eq!(got[0], Ok(b"012345\r\n".to_vec()));
    }

    #[tokio::test]
    async fn a_silent_peer_is_an_idle_error() {
        let (client, _server) = tokio::io::duplex(64);
        let mut reader = tokio::io::BufReader::new(client);
        let mut out = Vec::new();
        let mut watch = Watch::new(Pace::default(), Duration::from_millis(10));
        let r = read_line(&mut reader, &mut out, 100, &mut watch).await;
        assert!(matches!(r, Err(LineError::Idle)));
    }

    /// A server's side of a multi-line answer (RFC 1939): a dot that begins a line is
    /// doubled, then the terminating line.
    fn stuff(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut start = true;
        for &b in body {
            if start && b == b'.' {
                out.push(b'.');
            }
            out.push(b);
            start = b == b'\n';
        }
        out.extend_from_slice(b".\r\n");
        out
    }

    async fn read_all(wire: &[u8], capacity: usize) -> Result<Vec<u8>, String> {
        let mut reader = tokio::io::BufReader::with_capacity(capacity, wire);
        let mut got = Vec::new();
        let mut watch = Watch::new(Pace::default(), Duration::from_secs(5));
        read_multiline(&mut reader, &mut watch, |piece| {
            got.extend_from_slice(piece);
        })
        .await
        .map_err(|e| format!("{e:?}"))?;
        Ok(got)
    }

    #[tokio::test]
    async fn multiline_answers_unstuff_as_lines_do() {
        let wire = b"a\r\n..b\r\n.\r\r\n. \r\n\r\n.\r\nNEXT";
        for capacity in [1, 2, 3, 5, 64] {
            let mut reader = tokio::io::BufReader::with_capacity(capacity, &wire[..]);
            let mut got = Vec::new();
            let mut watch = Watch::new(Pace::default(), Duration::from_secs(5));
            read_multiline(&mut reader, &mut watch, |p| got.extend_from_slice(p))
                .await
                .unwrap();
            assert_eq!(got, b"a\r\n.b\r\n\r\r\n \r\n\r\n", "capacity {capacity}");
            // The next answer is left unread.
            let mut rest = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut rest)
                .await
                .unwrap();
            assert_eq!(rest, b"NEXT");
        }
        // Bare LF endings, and the end right away.
        assert_eq!(read_all(b".\n", 8).await.unwrap(), b"");
        assert_eq!(read_all(b"x\n.\n", 1).await.unwrap(), b"x\n");
        // A connection that ends early is an error, never a short message.
        assert!(read_all(b"x\r\n", 4).await.is_err());
        assert!(read_all(b"x\r\n.\r", 4).await.is_err());
    }

    #[tokio::test]
    async fn a_line_of_any_length_is_data() {
        let mut body = vec![b'A'; 3 << 20];
        body.extend_from_slice(b"\r\n");
        let got = read_all(&stuff(&body), 64 * 1024).await.unwrap();
        assert_eq!(got.len(), body.len());
        assert!(got == body);
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickling_server_is_too_slow() {
        let (client, mut server) = tokio::io::duplex(64);
        tokio::spawn(async move {
            // One byte every two seconds: never idle for 5 s, but far under the pace.
            loop {
                if tokio::io::AsyncWriteExt::write_all(&mut server, b"x")
                    .await
                    .is_err()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
        let mut reader = tokio::io::BufReader::new(client);
        let started = tokio::time::Instant::now();
        let pace = Pace {
            window: Duration::from_secs(60),
            min_bytes: 1024,
        };
        let mut watch = Watch::new(pace, Duration::from_secs(5));
        let r = read_multiline(&mut reader, &mut watch, |_| {}).await;
        assert!(matches!(r, Err(LineError::Slow)), "{r:?}");
        assert!(started.elapsed() <= Duration::from_secs(61));
        // A line read the same way.
        let mut watch = Watch::new(pace, Duration::from_secs(5));
        let r = read_line(&mut reader, &mut Vec::new(), 1 << 20, &mut watch).await;
        assert!(matches!(r, Err(LineError::Slow)), "{r:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_short_lines_counts_each_byte_once_towards_the_pace() {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        tokio::spawn(async move {
            // 500 bytes of 2-byte lines every 30 s: 1,000 bytes a minute, under the pace
            // of 1,024, but 62 KB if the buffer were counted again for every line.
            loop {
                if tokio::io::AsyncWriteExt::write_all(&mut server, &b"x\n".repeat(250))
                    .await
                    .is_err()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
        });
        let mut reader = tokio::io::BufReader::new(client);
        let pace = Pace {
            window: Duration::from_secs(60),
            min_bytes: 1024,
        };
        let mut watch = Watch::new(pace, Duration::from_secs(40));
        let started = tokio::time::Instant::now();
        // Judged within two windows: at most 1,000 lines. Ten times that ends the test
        // (as a failure) if the pace is not judged.
        let mut result = None;
        for _ in 0..10_000 {
            if let Err(e) = read_line(&mut reader, &mut Vec::new(), 100, &mut watch).await {
                result = Some(e);
                break;
            }
        }
        assert!(matches!(result, Some(LineError::Slow)), "{result:?}");
        assert!(
            started.elapsed() <= Duration::from_secs(121),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_server_is_never_too_slow() {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        tokio::spawn(async move {
            // 2 KB every second for three minutes, then the end.
            for _ in 0..180 {
                let chunk = [b'y'; 2047];
                tokio::io::AsyncWriteExt::write_all(&mut server, &chunk)
                    .await
                    .unwrap();
                tokio::io::AsyncWriteExt::write_all(&mut server, b"\n")
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tokio::io::AsyncWriteExt::write_all(&mut server, b".\r\n")
                .await
                .unwrap();
        });
        let mut reader = tokio::io::BufReader::new(client);
        let mut watch = Watch::new(Pace::default(), Duration::from_secs(5));
        let mut n = 0;
        read_multiline(&mut reader, &mut watch, |p| n += p.len())
            .await
            .unwrap();
        assert_eq!(n, 180 * 2048);
    }

    proptest::proptest! {
        #[test]
        fn any_body_survives_stuffing(
            lines in proptest::collection::vec(
                proptest::collection::vec(proptest::prop_oneof![
                    proptest::strategy::Just(b'.'),
                    proptest::strategy::Just(b'\r'),
                    proptest::num::u8::ANY,
                ], 0..40),
                0..20,
            ),
            capacity in 1usize..16,
        ) {
            let mut body = Vec::new();
            for mut line in lines {
                line.retain(|&b| b != b'\n');
                body.extend_from_slice(&line);
                body.extend_from_slice(b"\r\n");
            }
            let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
            let got = runtime.block_on(read_all(&stuff(&body), capacity)).unwrap();
            proptest::prop_assert_eq!(got, body);
        }
    }

    #[test]
    fn unstuffing() {
        assert_eq!(unstuff(b".\r\n"), Unstuffed::End);
        assert_eq!(unstuff(b".\n"), Unstuffed::End);
        assert_eq!(unstuff(b"..\r\n"), Unstuffed::Data(b".\r\n"));
        assert_eq!(unstuff(b"..hidden\r\n"), Unstuffed::Data(b".hidden\r\n"));
        assert_eq!(unstuff(b"plain\r\n"), Unstuffed::Data(b"plain\r\n"));
        assert_eq!(unstuff(b". \r\n"), Unstuffed::Data(b" \r\n"));
        assert_eq!(unstuff(b"\r\n"), Unstuffed::Data(b"\r\n"));
    }
}
