//! Downloading the rest of a message that a fetch stored as headers only, found again on
//! the server by its UIDL.

use crate::accounts::Account;
use crate::mail;
use crate::paths::Paths;
use crate::pop3::{self, Request, Session, Uidl};
use crate::store::{self, HeaderCapture, Spool, Store};

use super::lock::AccountLock;
use super::requests::sizes;
use super::{Error, FetchOptions, blocking, identify, plan};

/// Downloads the whole of a message that was stored as headers only, and replaces it in
/// place. From then on the account's retention applies to it, counted from now.
pub async fn download_rest(
    paths: &Paths,
    account: &Account,
    password: &str,
    message_id: i64,
) -> Result<(), Error> {
    let database = paths.database();
    let (_, uidl, partial) =
        blocking(move || Store::open(&database)?.message_origin(message_id)).await??;
    if !partial {
        return Ok(());
    }
    let uidl = uidl.ok_or(Error::GoneFromServer)?;
    let _lock = AccountLock::acquire(paths, account)?;
    let s = &account.settings;
    let fetch = FetchOptions::default();
    let mut session =
        pop3::connect_and_login(&fetch.connect_options(s), &s.user, password, s.auth).await?;
    let number = find_on_server(&mut session, &uidl).await?;
    session.send_command(Request::Retr(number)).await?;
    let status = session
        .read_status(crate::pop3::Step::ReceivingMessage)
        .await?;
    session.require_ok(Request::Retr(number), status)?;
    let mut spool = Spool::with_limit(paths.data_dir(), fetch.max_message);
    let mut headers = HeaderCapture::default();
    session
        .read_message(|piece| {
            headers.push(piece);
            spool.write(piece);
        })
        .await?;
    session.quit().await?;
    if let Some(size) = spool.too_large() {
        return Err(store::Error::TooLarge(size).into());
    }
    let (mut body, digest) = spool.finish().map_err(Error::spool)?;
    let summary = mail::summarize(headers.bytes());
    let database = paths.database();
    blocking(move || {
        Store::open(&database)?.complete_message(message_id, &mut body, &summary, &digest)
    })
    .await??;
    Ok(())
}

/// The number of the message remembered by `uidl` in this session, whether it is a
/// plain UIDL or one made to tell apart messages that share it.
async fn find_on_server(session: &mut Session, uidl: &Uidl) -> Result<u32, Error> {
    let listed = session.uidl_all().await?;
    let Some(base) = plan::composite_base(uidl) else {
        return listed
            .into_iter()
            .find(|e| &e.uidl == uidl)
            .map(|e| e.number)
            .ok_or(Error::GoneFromServer);
    };
    let sizes = sizes(session).await?;
    let numbers: Vec<u32> = listed
        .into_iter()
        .filter(|e| e.uidl == base)
        .map(|e| e.number)
        .collect();
    let digests = identify::header_digests(session, &numbers).await?;
    numbers
        .into_iter()
        .zip(digests)
        .find(|&(number, digest)| {
            let size = sizes.get(&number).copied().flatten();
            digest.is_some_and(|d| &plan::composite(&base, size, &d) == uidl)
        })
        .map(|(number, _)| number)
        .ok_or(Error::GoneFromServer)
}
