//! SMTP replies (RFC 5321 §4.2): a three-digit code, one or more lines joined by `-`,
//! and the enhanced status code (RFC 3463) when the server gives one. A hostile server
//! cannot make a reply unbounded: lines and line counts are capped.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The longest reply line read (RFC 5321 allows 512; some servers send more).
pub const MAX_LINE: usize = 2048;
/// The most lines one reply may have (EHLO answers have a dozen or so).
pub const MAX_LINES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    pub code: u16,
    /// The text of every line, without the code and separator.
    pub lines: Vec<String>,
}

impl Reply {
    /// 2xx and 3xx: the server goes on.
    pub fn is_positive(&self) -> bool {
        (200..400).contains(&self.code)
    }

    /// 4xx: try again later.
    pub fn is_temporary(&self) -> bool {
        (400..500).contains(&self.code)
    }

    /// The server's words, on one line, as they are shown beside a message.
    pub fn text(&self) -> String {
        let text = self.lines.join(" ");
        format!("{} {}", self.code, text.trim())
    }
}

/// What went wrong reading a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Closed,
    Io(String),
    TooLong,
    Malformed(String),
}

/// Reads one whole reply.
pub async fn read_reply<R: AsyncBufRead + Unpin>(reader: &mut R) -> Result<Reply, ReadError> {
    let mut lines = Vec::new();
    let mut line = Vec::with_capacity(128);
    loop {
        line.clear();
        let n = (&mut *reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await
            .map_err(|e| ReadError::Io(e.to_string()))?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        if !line.ends_with(b"\n") {
            return Err(if line.len() > MAX_LINE {
                ReadError::TooLong
            } else {
                ReadError::Closed
            });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (code, more, rest) = parse_line(text)
            .ok_or_else(|| ReadError::Malformed(text.chars().take(80).collect()))?;
        if lines.len() >= MAX_LINES {
            return Err(ReadError::TooLong);
        }
        lines.push((code, rest.to_string()));
        if !more {
            let first = lines[0].0;
            if lines.iter().any(|(c, _)| *c != first) {
                return Err(ReadError::Malformed("a reply whose lines disagree".into()));
            }
            return Ok(Reply {
                code: first,
                lines: lines.into_iter().map(|(_, t)| t).collect(),
            });
        }
    }
}

/// "250-text" → (250, true, "text"); "250 text" or "250" → (250, false, "text").
fn parse_line(line: &str) -> Option<(u16, bool, &str)> {
    let code = line.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) || !(b'2'..=b'5').contains(&code.as_bytes()[0]) {
        return None;
    }
    let code: u16 = code.parse().ok()?;
    match line.as_bytes().get(3) {
        None => Some((code, false, "")),
        Some(b'-') => Some((code, true, &line[4..])),
        Some(b' ') => Some((code, false, &line[4..])),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read(bytes: &[u8]) -> Result<Reply, ReadError> {
        read_reply(&mut tokio::io::BufReader::new(bytes)).await
    }

    #[tokio::test]
    async fn replies() {
        let r = read(b"250-smtp.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n")
            .await
            .unwrap();
        assert_eq!(r.code, 250);
        assert_eq!(r.lines, ["smtp.test", "AUTH PLAIN LOGIN", "STARTTLS"]);
        assert_eq!(read(b"354\r\n").await.unwrap().code, 354);
        let r = read(b"451 4.3.0 Try again later\r\n").await.unwrap();
        assert!(r.is_temporary() && !r.is_positive());
        assert_eq!(r.text(), "451 4.3.0 Try again later");
    }

    #[tokio::test]
    async fn hostile_replies_end_the_session() {
        assert_eq!(read(b"").await, Err(ReadError::Closed));
        assert_eq!(read(b"250 cut").await, Err(ReadError::Closed));
        assert!(matches!(
            read(b"hello\r\n").await,
            Err(ReadError::Malformed(_))
        ));
        assert!(matches!(
            read(b"999 x\r\n").await,
            Err(ReadError::Malformed(_))
        ));
        assert!(matches!(
            read(b"250-a\r\n550 b\r\n").await,
            Err(ReadError::Malformed(_))
        ));
        let long = [b"250 ".as_slice(), &vec![b'x'; 10 * MAX_LINE], b"\r\n"].concat();
        assert_eq!(read(&long).await, Err(ReadError::TooLong));
        let endless = b"250-x\r\n".repeat(MAX_LINES + 1);
        assert_eq!(read(&endless).await, Err(ReadError::TooLong));
    }
}
