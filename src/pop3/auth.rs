//! Login mechanisms: USER/PASS and APOP (RFC 1939), SASL PLAIN, LOGIN and CRAM-MD5
//! (RFC 5034), and the choice among them.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};

use super::capa::Capabilities;

/// How an account logs in: automatically, or always with one method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AuthMethod {
    #[default]
    Automatic,
    UserPass,
    Apop,
    Plain,
    Login,
    CramMd5,
    /// A bearer token from signing in (OAuth2): XOAUTH2 or OAUTHBEARER, whichever the
    /// server offers.
    OAuth2,
    /// The token with XOAUTH2 only (Google's and Microsoft's mechanism).
    XOAuth2,
    /// The token with OAUTHBEARER only (RFC 7628).
    OAuthBearer,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 6] = [
        AuthMethod::Automatic,
        AuthMethod::CramMd5,
        AuthMethod::Apop,
        AuthMethod::Plain,
        AuthMethod::Login,
        AuthMethod::UserPass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Automatic => "auto",
            AuthMethod::UserPass => "user",
            AuthMethod::Apop => "apop",
            AuthMethod::Plain => "plain",
            AuthMethod::Login => "login",
            AuthMethod::CramMd5 => "cram-md5",
            AuthMethod::OAuth2 => "oauth2",
            AuthMethod::XOAuth2 => "xoauth2",
            AuthMethod::OAuthBearer => "oauthbearer",
        }
    }

    /// True for the methods that log in with a token from signing in, not a password.
    pub fn is_oauth(self) -> bool {
        matches!(
            self,
            AuthMethod::OAuth2 | AuthMethod::XOAuth2 | AuthMethod::OAuthBearer
        )
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMethod::Automatic => "Automatic",
            AuthMethod::UserPass => "USER/PASS",
            AuthMethod::Apop => "APOP",
            AuthMethod::Plain => "PLAIN",
            AuthMethod::Login => "LOGIN",
            AuthMethod::CramMd5 => "CRAM-MD5",
            AuthMethod::OAuth2 => "OAuth2",
            AuthMethod::XOAuth2 => "XOAUTH2",
            AuthMethod::OAuthBearer => "OAUTHBEARER",
        })
    }
}

impl FromStr for AuthMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" | "automatic" => Ok(AuthMethod::Automatic),
            "user" | "userpass" | "user/pass" => Ok(AuthMethod::UserPass),
            "apop" => Ok(AuthMethod::Apop),
            "plain" => Ok(AuthMethod::Plain),
            "login" => Ok(AuthMethod::Login),
            "cram-md5" | "crammd5" => Ok(AuthMethod::CramMd5),
            "oauth2" | "oauth" => Ok(AuthMethod::OAuth2),
            "xoauth2" => Ok(AuthMethod::XOAuth2),
            "oauthbearer" => Ok(AuthMethod::OAuthBearer),
            other => Err(format!(
                "unknown login method '{other}': use auto, cram-md5, apop, plain, login, user or oauth2"
            )),
        }
    }
}

/// The mechanisms to try, in order. Automatic, on a plaintext connection (one the account
/// explicitly chose), puts the ones that never reveal the password first (CRAM-MD5, APOP),
/// then those that send it. Inside TLS the password is hidden from the network either
/// way, so the one that takes a single round trip comes first: PLAIN with its initial
/// response (RFC 5034 §6), as SMTP here does and as mpop does inside TLS; a challenge
/// costs a round trip more and the server's work for it on every fetch.
pub fn candidates(
    method: AuthMethod,
    capa: Option<&Capabilities>,
    apop_timestamp: bool,
    encrypted: bool,
) -> Vec<AuthMethod> {
    let offers_sasl = |m: &str| capa.is_some_and(|c| c.has_sasl(m));
    match method {
        AuthMethod::Automatic => {
            let mut list = Vec::new();
            if encrypted && offers_sasl("PLAIN") {
                list.push(AuthMethod::Plain);
            }
            if offers_sasl("CRAM-MD5") {
                list.push(AuthMethod::CramMd5);
            }
            if apop_timestamp {
                list.push(AuthMethod::Apop);
            }
            if !encrypted && offers_sasl("PLAIN") {
                list.push(AuthMethod::Plain);
            }
            if offers_sasl("LOGIN") {
                list.push(AuthMethod::Login);
            }
            // Servers often support USER without listing it; it is the last resort.
            list.push(AuthMethod::UserPass);
            list
        }
        // Whichever token mechanism the server lists; both (XOAUTH2 first, as Microsoft
        // and Google use it) when it lists neither or says nothing.
        AuthMethod::OAuth2 => {
            let offered: Vec<AuthMethod> = [
                ("XOAUTH2", AuthMethod::XOAuth2),
                ("OAUTHBEARER", AuthMethod::OAuthBearer),
            ]
            .into_iter()
            .filter(|(name, _)| offers_sasl(name))
            .map(|(_, m)| m)
            .collect();
            if offered.is_empty() {
                vec![AuthMethod::XOAuth2, AuthMethod::OAuthBearer]
            } else {
                offered
            }
        }
        fixed => vec![fixed],
    }
}

/// The APOP timestamp from a greeting: the first `<...>` that looks like a msg-id, taken
/// without greed and with a length bound (RFC 1939 section 7).
pub fn apop_timestamp(greeting: &str) -> Option<&str> {
    // Scanning is bounded per '<' by MAX, so a huge greeting costs linear time.
    const MAX: usize = 256;
    let bytes = greeting.as_bytes();
    let mut from = 0;
    while let Some(pos) = bytes[from..].iter().position(|&b| b == b'<') {
        let start = from + pos;
        let window = &bytes[start + 1..bytes.len().min(start + MAX)];
        if let Some(len) = window.iter().position(|&b| b == b'>') {
            let inner = &window[..len];
            if !inner.is_empty()
                && inner.contains(&b'@')
                && !inner.iter().any(|b| b.is_ascii_whitespace() || *b == b'<')
            {
                // '<' and '>' are ASCII, so these are character boundaries.
                return Some(&greeting[start..start + len + 2]);
            }
        }
        from = start + 1;
    }
    None
}

/// `APOP` digest: MD5 of the timestamp and the password, in lower-case hex.
pub fn apop_digest(timestamp: &str, password: &str) -> String {
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(password.as_bytes());
    hex(&md5.finalize())
}

/// The CRAM-MD5 answer (before base64): "user hex(HMAC-MD5(password, challenge))".
pub fn cram_md5(user: &str, password: &str, challenge: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length (a long one is hashed, a short one padded), so
    // `new_from_slice` cannot fail; its Result exists for fixed-length-key MACs.
    #[allow(clippy::expect_used)]
    let mut mac =
        Hmac::<Md5>::new_from_slice(password.as_bytes()).expect("HMAC accepts any key length");
    mac.update(challenge);
    format!("{user} {}", hex(&mac.finalize().into_bytes())).into_bytes()
}

/// The SASL PLAIN message (before base64).
pub fn plain(user: &str, password: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(user.len() + password.len() + 2);
    v.push(0);
    v.extend_from_slice(user.as_bytes());
    v.push(0);
    v.extend_from_slice(password.as_bytes());
    v
}

pub fn encode(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    BASE64.decode(text.trim_ascii()).ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apop_digest_matches_rfc_1939() {
        assert_eq!(
            apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb"
        );
    }

    #[test]
    fn cram_md5_matches_rfc_2195() {
        let challenge =
            decode(b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+").unwrap();
        let answer = cram_md5("tim", "tanstaaftanstaaf", &challenge);
        assert_eq!(
            encode(&answer),
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
        );
    }

    #[test]
    fn plain_message() {
        assert_eq!(plain("u", "p"), b"\0u\0p");
    }

    #[test]
    fn timestamp_is_not_greedy() {
        assert_eq!(
            apop_timestamp("+OK hi <1@a.b> (see <http://x>)"),
            Some("<1@a.b>")
        );
        assert_eq!(apop_timestamp("Dovecot ready."), None);
        assert_eq!(
            apop_timestamp("ready <no-at-sign> <2.3@host>"),
            Some("<2.3@host>")
        );
        assert_eq!(apop_timestamp("a <b c@d> <e@f>"), Some("<e@f>"));
        assert_eq!(apop_timestamp("unclosed <1@a.b"), None);
    }

    #[test]
    fn long_greetings_and_long_stamps() {
        let mut g = "<".repeat(100_000);
        g.push_str(&"x".repeat(100_000));
        assert_eq!(apop_timestamp(&g), None);
        g.push_str("<9@z>");
        assert_eq!(apop_timestamp(&g), Some("<9@z>"));
        assert_eq!(apop_timestamp("日本語 <あ@例>"), Some("<あ@例>"));
        let long_stamp = format!("<{}@x>", "a".repeat(1000));
        assert_eq!(apop_timestamp(&long_stamp), None);
    }

    #[test]
    fn automatic_order_prefers_secret_keeping_methods_in_the_clear() {
        let capa = Capabilities::parse(["SASL PLAIN LOGIN CRAM-MD5", "USER"]);
        assert_eq!(
            candidates(AuthMethod::Automatic, Some(&capa), true, false),
            [
                AuthMethod::CramMd5,
                AuthMethod::Apop,
                AuthMethod::Plain,
                AuthMethod::Login,
                AuthMethod::UserPass
            ]
        );
        assert_eq!(
            candidates(AuthMethod::Automatic, None, false, false),
            [AuthMethod::UserPass]
        );
        assert_eq!(
            candidates(AuthMethod::Login, Some(&capa), true, false),
            [AuthMethod::Login]
        );
    }

    #[test]
    fn automatic_order_inside_tls_starts_with_one_round_trip() {
        let capa = Capabilities::parse(["SASL PLAIN LOGIN CRAM-MD5", "USER"]);
        assert_eq!(
            candidates(AuthMethod::Automatic, Some(&capa), true, true),
            [
                AuthMethod::Plain,
                AuthMethod::CramMd5,
                AuthMethod::Apop,
                AuthMethod::Login,
                AuthMethod::UserPass
            ]
        );
        // Without SASL PLAIN listed, the order is the plaintext one.
        let capa = Capabilities::parse(["SASL LOGIN CRAM-MD5", "USER"]);
        assert_eq!(
            candidates(AuthMethod::Automatic, Some(&capa), false, true),
            [AuthMethod::CramMd5, AuthMethod::Login, AuthMethod::UserPass]
        );
        assert_eq!(
            candidates(AuthMethod::CramMd5, Some(&capa), false, true),
            [AuthMethod::CramMd5]
        );
    }

    #[test]
    fn names_round_trip() {
        for m in AuthMethod::ALL {
            assert_eq!(m.as_str().parse::<AuthMethod>(), Ok(m));
        }
    }
}
