//! Reaching the outgoing server (TCP, then TLS from the first byte, STARTTLS or nothing)
//! and the lock that keeps two deliveries of one Outbox apart.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

use super::Error;
use crate::accounts::Account;
use crate::accounts::smtp::SmtpServer;
use crate::paths::Paths;
use crate::sync::FolderLock;
use crate::{pop3, smtp};

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A greeted SMTP session, encrypted as the server's settings say. STARTTLS, when
/// chosen, is mandatory: a server that does not offer it gets nothing.
pub async fn open(
    server: &SmtpServer,
    timeout: Duration,
) -> Result<smtp::Client<Box<dyn Stream>>, Error> {
    let mut options = pop3::ConnectOptions::new(&server.host, server.port, server.security);
    options.ca_file = server.ca_file.clone();
    options.timeout = timeout;
    let tcp = pop3::open_tcp(&options).await?;
    Ok(match server.security {
        pop3::Security::Tls => {
            let tls = pop3::secure(&options, tcp).await?;
            smtp::Client::greet(Box::new(tls) as Box<dyn Stream>, timeout, true).await?
        }
        pop3::Security::StartTls => {
            let plain =
                smtp::Client::greet(Box::new(tcp) as Box<dyn Stream>, timeout, false).await?;
            let stream = plain.start_tls().await?;
            let tls = pop3::secure(&options, stream).await?;
            smtp::Client::secured(Box::new(tls) as Box<dyn Stream>, timeout).await?
        }
        pop3::Security::Plain => {
            smtp::Client::greet(Box::new(tcp) as Box<dyn Stream>, timeout, false).await?
        }
    })
}

/// An exclusive lock on one account's sending, across windows and processes, so that a
/// window and a `poplar outbox send` never send one message at once; it shares the data
/// folder's lock, so that no restore replaces the database under a delivery.
pub(super) struct SendLock {
    _folder: FolderLock,
    file: std::fs::File,
}

impl SendLock {
    pub(super) fn acquire(paths: &Paths, account: &Account) -> Result<SendLock, Error> {
        let io = |e: std::io::Error| Error::Lock(e.to_string());
        let folder = match FolderLock::take(paths, false) {
            Ok(Some(lock)) => lock,
            Ok(None) => return Err(Error::Restoring),
            Err(e) => return Err(io(e)),
        };
        let path = paths.send_lock(account.id);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(SendLock {
                _folder: folder,
                file,
            }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(Error::Busy(account.settings.name.clone()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

impl Drop for SendLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}
