//! CAPA (RFC 2449): what the server says it can do.

/// The capabilities a server listed. Names are compared case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub top: bool,
    pub user: bool,
    pub uidl: bool,
    pub pipelining: bool,
    pub stls: bool,
    pub resp_codes: bool,
    pub auth_resp_code: bool,
    /// SASL mechanisms, upper case.
    pub sasl: Vec<String>,
    /// Seconds the server asks between logins, if it said.
    pub login_delay: Option<u64>,
    /// The server's retention policy: days, or "NEVER".
    pub expire: Option<String>,
    pub implementation: Option<String>,
}

impl Capabilities {
    /// Parses the lines of a CAPA answer (without the status line and the final ".").
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Capabilities {
        let mut capa = Capabilities::default();
        for line in lines {
            let mut words = line.split_whitespace();
            let Some(name) = words.next() else { continue };
            let args: Vec<&str> = words.collect();
            match name.to_ascii_uppercase().as_str() {
                "TOP" => capa.top = true,
                "USER" => capa.user = true,
                "UIDL" => capa.uidl = true,
                "PIPELINING" => capa.pipelining = true,
                "STLS" => capa.stls = true,
                "RESP-CODES" => capa.resp_codes = true,
                "AUTH-RESP-CODE" => capa.auth_resp_code = true,
                "SASL" => {
                    capa.sasl = args.iter().map(|a| a.to_ascii_uppercase()).collect();
                }
                "LOGIN-DELAY" => capa.login_delay = args.first().and_then(|a| a.parse().ok()),
                "EXPIRE" => capa.expire = args.first().map(ToString::to_string),
                "IMPLEMENTATION" => capa.implementation = Some(args.join(" ")),
                _ => {}
            }
        }
        capa
    }

    pub fn has_sasl(&self, mechanism: &str) -> bool {
        self.sasl.iter().any(|m| m.eq_ignore_ascii_case(mechanism))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dovecot_style_and_odd_case() {
        let c = Capabilities::parse([
            "CAPA",
            "top",
            "Uidl",
            "RESP-CODES",
            "PIPELINING",
            "AUTH-RESP-CODE",
            "sasl plain login cram-md5",
            "STLS",
            "USER",
            "EXPIRE 30",
            "LOGIN-DELAY 900",
            "IMPLEMENTATION Example POP3",
        ]);
        assert!(c.top && c.uidl && c.pipelining && c.stls && c.user);
        assert!(c.resp_codes && c.auth_resp_code);
        assert_eq!(c.sasl, ["PLAIN", "LOGIN", "CRAM-MD5"]);
        assert!(c.has_sasl("cram-md5"));
        assert_eq!(c.login_delay, Some(900));
        assert_eq!(c.expire.as_deref(), Some("30"));
        assert_eq!(c.implementation.as_deref(), Some("Example POP3"));
    }

    #[test]
    fn empty_means_nothing() {
        let c = Capabilities::parse(["", "X-UNKNOWN thing"]);
        assert_eq!(c, Capabilities::default());
    }
}
