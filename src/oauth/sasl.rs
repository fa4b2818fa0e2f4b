//! The login strings for a bearer token: XOAUTH2 (Google's and Microsoft's) and
//! OAUTHBEARER (RFC 7628), base64 as POP3's and SMTP's AUTH send them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

/// `user=USER^Aauth=Bearer TOKEN^A^A`, base64.
pub fn xoauth2(user: &str, token: &str) -> String {
    BASE64.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"))
}

/// `n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A`, base64; host and port
/// are optional (RFC 7628 §3.1). In the GS2 header `,` and `=` in the user name are
/// written `=2C` and `=3D` (RFC 5801).
pub fn oauthbearer(user: &str, server: Option<(&str, u16)>, token: &str) -> String {
    let user = user.replace('=', "=3D").replace(',', "=2C");
    let server = server
        .map(|(host, port)| format!("host={host}\x01port={port}\x01"))
        .unwrap_or_default();
    BASE64.encode(format!(
        "n,a={user},\x01{server}auth=Bearer {token}\x01\x01"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(s: &str) -> String {
        String::from_utf8(BASE64.decode(s).unwrap()).unwrap()
    }

    #[test]
    fn the_documented_forms() {
        // Google's XOAUTH2 documentation example.
        assert_eq!(
            decoded(&xoauth2(
                "someuser@example.com",
                "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
            )),
            "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        // RFC 7628 §4.1.
        assert_eq!(
            decoded(&oauthbearer(
                "user@example.com",
                Some(("server.example.com", 143)),
                "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
            )),
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert!(decoded(&oauthbearer("a,b=c", Some(("h", 1)), "t")).starts_with("n,a=a=2Cb=3Dc,"));
        assert_eq!(
            decoded(&oauthbearer("u", None, "t")),
            "n,a=u,\x01auth=Bearer t\x01\x01"
        );
    }
}
