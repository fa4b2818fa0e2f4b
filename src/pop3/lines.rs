//! Bounded line reading and streamed multi-line answers with dot-unstuffing.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Why a line could not be read.
#[derive(Debug)]
pub enum LineError {
    /// The peer closed the connection before a complete line arrived.
    Eof,
    /// The line exceeded the limit; the rest of the connection is unusable.
    TooLong,
    /// No byte arrived within the idle limit.
    Idle,
    Io(std::io::Error),
}

/// Reads one line (up to and including `\n`) into `out`, which is cleared first.
/// Accepts bare LF as a line ending. Never buffers more than `max` bytes. Fails with
/// `Idle` when no byte arrives for `idle`, however long the line has been coming.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    out: &mut Vec<u8>,
    max: usize,
    idle: std::time::Duration,
) -> Result<(), LineError> {
    out.clear();
    loop {
        let available = tokio::time::timeout(idle, reader.fill_buf())
            .await
            .map_err(|_| LineError::Idle)?
            .map_err(LineError::Io)?;
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
        if done {
            return Ok(());
        }
    }
}

fn memchr_nl(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
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
            match read_line(
                &mut reader,
                &mut out,
                max,
                std::time::Duration::from_secs(5),
            )
            .await
            {
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
                Err(LineError::Idle) => panic!("idle"),
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
        let r = read_line(
            &mut reader,
            &mut out,
            100,
            std::time::Duration::from_millis(10),
        )
        .await;
        assert!(matches!(r, Err(LineError::Idle)));
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
