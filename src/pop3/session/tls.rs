//! The TLS handshake and what the certificate is trusted for.

use tokio::io::{AsyncRead, AsyncWrite};

use super::ConnectOptions;
use crate::pop3::certificate;
use crate::pop3::error::Step;
use crate::pop3::{Error, TlsHint};

/// Which certificates a TLS handshake accepts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Trust<'a> {
    /// The system's roots (and the account's CA file), with the host name checked.
    Verify,
    /// Exactly this certificate (SHA-256 fingerprint), which the user chose to trust.
    Pinned(&'a str),
    /// Anything: only to show the user a certificate that did not verify. No
    /// credentials are ever sent on such a connection.
    Inspect,
}

/// TLS over `stream` for another protocol on the same terms as POP3 (SMTP): the system's
/// roots and the options' CA file, the host name checked, TLS 1.2 at least.
pub(crate) async fn secure<S: AsyncRead + AsyncWrite + Unpin>(
    options: &ConnectOptions,
    stream: S,
) -> Result<async_native_tls::TlsStream<S>, Error> {
    let trust = match &options.pinned_cert {
        Some(pin) => Trust::Pinned(pin),
        None => Trust::Verify,
    };
    Ok(tls_wrap(options, stream, trust).await?.0)
}

/// Starts OpenSSL's set-up on a thread of its own: loading its configuration and
/// providers and building a first context takes a few ms the first time in a process
/// (about 2.8 ms here) and a fraction of that afterwards. A command that
/// connects as soon as it has read its settings calls this first, so that the set-up
/// runs while the store is opened instead of before the handshake. Errors are met again,
/// and reported, by the connection itself.
#[cfg(all(unix, not(target_vendor = "apple")))]
pub fn warm_up() {
    let _ = std::thread::Builder::new()
        .name("tls-warm-up".into())
        .spawn(|| {
            // A context without roots: its configuration and providers are what the
            // first connection would wait for; the roots are the connection's own.
            let context = openssl::ssl::SslContext::builder(openssl::ssl::SslMethod::tls());
            drop(context);
        });
}

/// Elsewhere the system's TLS (SChannel, Security.framework) needs no warming up.
#[cfg(not(all(unix, not(target_vendor = "apple"))))]
pub fn warm_up() {}

pub(super) async fn tls_wrap<S: AsyncRead + AsyncWrite + Unpin>(
    options: &ConnectOptions,
    stream: S,
    trust: Trust<'_>,
) -> Result<(async_native_tls::TlsStream<S>, Option<Vec<u8>>), Error> {
    let mut connector = async_native_tls::TlsConnector::new()
        .min_protocol_version(Some(async_native_tls::Protocol::Tlsv12));
    if let Some(path) = &options.ca_file {
        let ca_error = |detail: String| Error::CaFile {
            path: path.display().to_string(),
            detail,
        };
        let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
        let cert =
            async_native_tls::Certificate::from_pem(&pem).map_err(|e| ca_error(e.to_string()))?;
        connector = connector.add_root_certificate(cert);
    }
    if !matches!(trust, Trust::Verify) {
        connector = connector
            .danger_accept_invalid_certs(true)
            .danger_accept_invalid_hostnames(true);
    }
    let host = options.host.clone();
    let tls = match tokio::time::timeout(options.timeout, connector.connect(host.as_str(), stream))
        .await
    {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            let detail = e.to_string();
            return Err(match TlsHint::of(&detail) {
                TlsHint::NotTrusted => Error::Untrusted {
                    host,
                    detail,
                    certificate: None,
                },
                hint => Error::Tls { host, hint, detail },
            });
        }
        Err(_) => {
            return Err(Error::Timeout {
                host,
                secs: options.timeout.as_secs(),
                doing: Step::StartingTls,
            });
        }
    };
    let der = tls
        .peer_certificate()
        .ok()
        .flatten()
        .and_then(|c| c.to_der().ok());
    if let Trust::Pinned(pin) = trust {
        let found = der.as_deref().map(certificate::describe);
        if !found
            .as_ref()
            .is_some_and(|f| certificate::same_fingerprint(&f.sha256, pin))
        {
            return Err(Error::CertificateChanged {
                host,
                expected: pin.to_string(),
                found: found.map(Box::new),
            });
        }
    }
    Ok((tls, der))
}
