//! The POP3 transcript at debug level, with secrets masked. A test binary of its own:
//! tracing caches which call sites are enabled per process, so a scoped subscriber is only
//! reliable when no other test runs beside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::fake::{self, FakeServer, Options, Reply};
use poplar::accounts::{AuthMethod, Security};
use poplar::pop3::{self, ConnectOptions};

fn sasl_server() -> Options {
    Options {
        greeting: "+OK hi <1@a.b> (see <http://x>)".into(),
        capa: Some(vec!["USER".into(), "SASL PLAIN LOGIN CRAM-MD5".into()]),
        ..Options::default()
    }
}

fn options(port: u16, security: Security) -> ConnectOptions {
    let mut o = ConnectOptions::new("127.0.0.1", port, security);
    o.timeout = Duration::from_millis(500);
    o
}

#[test]
fn the_transcript_masks_the_password_and_sasl_responses() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            for method in [AuthMethod::UserPass, AuthMethod::Plain, AuthMethod::Login] {
                let server = FakeServer::start(vec![], sasl_server(), |_, line| match line {
                    "AUTH PLAIN" | "AUTH LOGIN" => Some(Reply::Send(b"+ \r\n".to_vec())),
                    "YWxpY2U=" => Some(Reply::Send(b"+ \r\n".to_vec())),
                    _ => None,
                })
                .await;
                let o = options(server.port, Security::Plain);
                let _ = pop3::connect_and_login(&o, fake::USER, fake::PASSWORD, method).await;
            }
        });
    });
    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("C: USER alice"), "{log}");
    assert!(log.contains("C: PASS <masked>"), "{log}");
    assert!(log.contains("C: AUTH PLAIN"), "{log}");
    assert!(!log.contains(fake::PASSWORD), "{log}");
    assert!(
        !log.contains("AGFsaWNlAHMzY3JldA=="),
        "the SASL PLAIN response leaked"
    );
    assert!(!log.contains("czNjcmV0"), "the SASL LOGIN password leaked");
}
