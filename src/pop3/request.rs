//! The commands a session sends, as values: each knows its command line and its verb, so
//! no code outside `pop3` writes a POP3 command. (The login's lines, which carry the user
//! name and secrets, are written by the login itself.)

use std::fmt;

/// One POP3 command (RFC 1939, RFC 2449, RFC 2595) outside the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Capa,
    Stls,
    Stat,
    Uidl,
    List,
    /// The whole of message `n`.
    Retr(u32),
    /// The header block of message `n` and the first `lines` lines of its body.
    Top(u32, u32),
    /// Marks message `n` deleted (made final by QUIT).
    Dele(u32),
    Noop,
    Quit,
}

impl Request {
    /// The command's name, as an error names the command the server refused.
    pub fn verb(self) -> &'static str {
        match self {
            Request::Capa => "CAPA",
            Request::Stls => "STLS",
            Request::Stat => "STAT",
            Request::Uidl => "UIDL",
            Request::List => "LIST",
            Request::Retr(_) => "RETR",
            Request::Top(..) => "TOP",
            Request::Dele(_) => "DELE",
            Request::Noop => "NOOP",
            Request::Quit => "QUIT",
        }
    }
}

/// The command line, without its CRLF.
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Request::Retr(n) | Request::Dele(n) => write!(f, "{} {n}", self.verb()),
            Request::Top(n, lines) => write!(f, "TOP {n} {lines}"),
            other => f.write_str(other.verb()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Request;

    #[test]
    fn command_lines_and_verbs() {
        let cases = [
            (Request::Capa, "CAPA", "CAPA"),
            (Request::Stls, "STLS", "STLS"),
            (Request::Stat, "STAT", "STAT"),
            (Request::Uidl, "UIDL", "UIDL"),
            (Request::List, "LIST", "LIST"),
            (Request::Retr(1), "RETR 1", "RETR"),
            (Request::Top(12, 0), "TOP 12 0", "TOP"),
            (Request::Top(3, 10), "TOP 3 10", "TOP"),
            (Request::Dele(4_000_000_000), "DELE 4000000000", "DELE"),
            (Request::Noop, "NOOP", "NOOP"),
            (Request::Quit, "QUIT", "QUIT"),
        ];
        for (request, line, verb) in cases {
            assert_eq!(request.to_string(), line);
            assert_eq!(request.verb(), verb);
        }
    }
}
