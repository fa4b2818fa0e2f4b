//! Status lines (`+OK ...` / `-ERR ...`) and RFC 2449/3206 response codes.

/// A response code in brackets after the status indicator, e.g. `-ERR [AUTH] bad password`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RespCode {
    Auth,
    InUse,
    LoginDelay,
    SysTemp,
    SysPerm,
    Other(String),
}

impl RespCode {
    fn parse(code: &str) -> Self {
        match code.to_ascii_uppercase().as_str() {
            "AUTH" => Self::Auth,
            "IN-USE" => Self::InUse,
            "LOGIN-DELAY" => Self::LoginDelay,
            "SYS/TEMP" => Self::SysTemp,
            "SYS/PERM" => Self::SysPerm,
            _ => Self::Other(code.to_string()),
        }
    }
}

/// One parsed status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub ok: bool,
    pub code: Option<RespCode>,
    /// The human-readable text after the indicator (and code), lossily decoded.
    pub text: String,
}

impl Status {
    /// RFC 3206's "not now" codes ([IN-USE], [SYS/TEMP], [LOGIN-DELAY]): the session
    /// ends, nothing is deleted, and a later check tries again.
    pub fn try_later(&self) -> bool {
        matches!(
            self.code,
            Some(RespCode::InUse | RespCode::SysTemp | RespCode::LoginDelay)
        )
    }
}

/// Why a line is not a status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAStatus(pub String);

/// Parses a status line, with or without its line ending.
pub fn parse_status(line: &[u8]) -> Result<Status, NotAStatus> {
    let line = trim_eol(line);
    let (ok, rest) = if let Some(rest) = strip_prefix_ci(line, b"+OK") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ci(line, b"-ERR") {
        (false, rest)
    } else {
        return Err(NotAStatus(printable(line)));
    };
    // "+OKAY" is not a status line; the indicator must stand alone.
    if !rest.is_empty() && rest[0] != b' ' && rest[0] != b'\t' {
        return Err(NotAStatus(printable(line)));
    }
    let rest = String::from_utf8_lossy(rest);
    let rest = rest.trim();
    let (code, text) = match rest.strip_prefix('[') {
        Some(after) => match after.find(']') {
            Some(end) => (
                Some(RespCode::parse(&after[..end])),
                after[end + 1..].trim().to_string(),
            ),
            None => (None, rest.to_string()),
        },
        None => (None, rest.to_string()),
    };
    Ok(Status { ok, code, text })
}

/// Parses `+ base64` continuation lines used by SASL; returns the payload.
pub fn parse_continuation(line: &[u8]) -> Option<&[u8]> {
    let line = trim_eol(line);
    if line == b"+" {
        Some(b"")
    } else {
        line.strip_prefix(b"+ ")
    }
}

pub(crate) fn trim_eol(mut line: &[u8]) -> &[u8] {
    if let Some(l) = line.strip_suffix(b"\n") {
        line = l;
    }
    if let Some(l) = line.strip_suffix(b"\r") {
        line = l;
    }
    line
}

fn strip_prefix_ci<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    if line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&line[prefix.len()..])
    } else {
        None
    }
}

/// A short, printable rendering of server bytes for error messages.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(200)
        .collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_with_text() {
        let s = parse_status(b"+OK Dovecot ready.\r\n").unwrap();
        assert!(s.ok);
        assert_eq!(s.code, None);
        assert_eq!(s.text, "Dovecot ready.");
    }

    #[test]
    fn bare_ok_and_lowercase() {
        assert!(parse_status(b"+OK\r\n").unwrap().ok);
        assert!(parse_status(b"+ok fine\n").unwrap().ok);
        assert!(!parse_status(b"-err no\r\n").unwrap().ok);
    }

    #[test]
    fn err_with_code() {
        let s = parse_status(b"-ERR [AUTH] Authentication failed.\r\n").unwrap();
        assert!(!s.ok);
        assert_eq!(s.code, Some(RespCode::Auth));
        assert_eq!(s.text, "Authentication failed.");
        let s = parse_status(b"-ERR [IN-USE] locked").unwrap();
        assert_eq!(s.code, Some(RespCode::InUse));
        let s = parse_status(b"-ERR [sys/temp] later").unwrap();
        assert_eq!(s.code, Some(RespCode::SysTemp));
        let s = parse_status(b"-ERR [X-FOO] odd").unwrap();
        assert_eq!(s.code, Some(RespCode::Other("X-FOO".into())));
    }

    #[test]
    fn unclosed_bracket_is_text() {
        let s = parse_status(b"-ERR [AUTH failed").unwrap();
        assert_eq!(s.code, None);
        assert_eq!(s.text, "[AUTH failed");
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(parse_status(b"HTTP/1.1 400 Bad Request\r\n").is_err());
        assert!(parse_status(b"+OKAY\r\n").is_err());
        assert!(parse_status(b"").is_err());
    }

    #[test]
    fn continuation() {
        assert_eq!(
            parse_continuation(b"+ PDEyMz4=\r\n"),
            Some(&b"PDEyMz4="[..])
        );
        assert_eq!(parse_continuation(b"+\r\n"), Some(&b""[..]));
        assert_eq!(parse_continuation(b"+OK\r\n"), None);
    }
}
