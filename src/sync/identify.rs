//! Telling messages apart by their headers (TOP n 0) where the UIDL alone cannot: a UIDL
//! the server gives to several messages, and a UIDL that went away and came back.

use std::collections::HashSet;

use super::plan::{self, Listed, Record};
use super::{Error, PIPELINE_WINDOW, blocking};
use crate::accounts::AccountId;
use crate::pop3::{Request, Session, Uidl, UidlMap, UidlSet};
use crate::store::{self, Fingerprint, HeaderCapture, Store};

/// Tells apart messages whose server gives one UIDL to several of them (popa3d derives
/// UIDLs from headers): each is remembered by its UIDL, size and a digest of its headers
/// (TOP n 0). A message stored earlier under the UIDL alone is recognised by its stored
/// headers and its record renamed. A message that cannot be told apart (no TOP) is
/// fetched as one without UIDL: downloaded and compared with what is stored.
///
/// The last of the answer says whether the listing's UIDLs were all distinct and none
/// needed telling apart: then each listed UIDL names one message.
pub(super) async fn identify(
    session: &mut Session,
    mut listed: Vec<Listed>,
    mut records: UidlMap<Record>,
    composite_bases: &UidlSet,
    mut store: Store,
    account_id: AccountId,
) -> Result<(Vec<Listed>, UidlMap<Record>, Store, bool), Error> {
    let ambiguous = plan::ambiguous(&listed, composite_bases);
    if ambiguous.is_empty() {
        return Ok((listed, records, store, true));
    }
    let numbers: Vec<u32> = ambiguous.iter().map(|&i| listed[i].number).collect();
    let digests = header_digests(session, &numbers).await?;
    let mut claimed = HashSet::new();
    for (i, digest) in ambiguous.into_iter().zip(digests) {
        let m = &mut listed[i];
        let Some(uidl) = m.uidl.take() else { continue };
        let Some(digest) = digest else { continue };
        let id = plan::composite(&uidl, m.size, &digest);
        if !records.contains_key(&id)
            && !claimed.contains(&uidl)
            && let Some(&record) = records.get(&uidl)
        {
            let stored;
            (store, stored) = stored_digests(store, account_id, vec![uidl.clone()]).await?;
            if stored.first() == Some(&Some(digest)) {
                claimed.insert(uidl.clone());
                let (from, to) = (uidl.clone(), id.clone());
                store = blocking(move || store.rename_uidl(account_id, &from, &to).map(|()| store))
                    .await??;
                records.remove(&uidl);
                records.insert(id.clone(), record);
            }
        }
        m.uidl = Some(id);
    }
    Ok((listed, records, store, false))
}

/// What one pass over the listing finds in the records: how many listed messages are
/// known there, and those (number, UIDL) marked as having come back after going missing
/// (for [`verify_returning`]).
pub(super) struct Known {
    pub listed: usize,
    pub returning: Vec<(u32, Uidl)>,
}

pub(super) fn known(listed: &[Listed], records: &UidlMap<Record>) -> Known {
    let mut known = Known {
        listed: 0,
        returning: Vec::new(),
    };
    for m in listed {
        if let Some(uidl) = &m.uidl
            && let Some(r) = records.get(uidl)
        {
            known.listed += 1;
            if r.reappeared && !r.deleted_on_server {
                known.returning.push((m.number, uidl.clone()));
            }
        }
    }
    known
}

/// Checks each UIDL that went missing from an earlier listing and is back: the server may
/// have given it to a new message. Headers (TOP n 0) equal to the stored message's make
/// it that message again, known as before, and nothing is downloaded; other headers leave
/// it marked, so it is downloaded whole as a new message. Without TOP, or without the
/// stored message, it stays marked too, and is downloaded and compared whole.
///
/// `returning` is [`Known::returning`] of the listing.
pub(super) async fn verify_returning(
    session: &mut Session,
    returning: Vec<(u32, Uidl)>,
    mut records: UidlMap<Record>,
    mut store: Store,
    account_id: AccountId,
) -> Result<(UidlMap<Record>, Store), Error> {
    if returning.is_empty() {
        return Ok((records, store));
    }
    // A composite id holds the digest of the headers just read: the same id is the same
    // headers, already compared.
    let (mut same, to_check): (Vec<_>, Vec<_>) = returning
        .into_iter()
        .partition(|(_, uidl)| plan::composite_base(uidl).is_some());
    if !to_check.is_empty() {
        let numbers: Vec<u32> = to_check.iter().map(|(n, _)| *n).collect();
        let read = header_digests(session, &numbers).await?;
        let uidls: Vec<Uidl> = to_check.iter().map(|(_, u)| u.clone()).collect();
        let stored;
        (store, stored) = stored_digests(store, account_id, uidls).await?;
        same.extend(
            to_check
                .into_iter()
                .zip(read.into_iter().zip(stored))
                .filter(|(_, (read, stored))| read.is_some() && read == stored)
                .map(|(m, _)| m),
        );
    }
    if same.is_empty() {
        return Ok((records, store));
    }
    let uidls: Vec<Uidl> = same.into_iter().map(|(_, u)| u).collect();
    for uidl in &uidls {
        if let Some(r) = records.get_mut(uidl) {
            r.reappeared = false;
        }
    }
    let store =
        blocking(move || store.confirm_returned(account_id, &uidls).map(|()| store)).await??;
    Ok((records, store))
}

/// The digest of each message's header block (TOP n 0), in order; None where the server
/// would not send it (then it has no TOP, and none is asked for again).
pub(super) async fn header_digests(
    session: &mut Session,
    numbers: &[u32],
) -> Result<Vec<Option<Fingerprint>>, Error> {
    header_blocks(session, numbers, |_, headers| store::fingerprint(headers)).await
}

/// What `read` makes of each message's header block (TOP n 0; `read` gets its place in
/// `numbers` too), in order; None where the server would not send it (then it has no TOP,
/// and none is asked for again). The commands are pipelined when the server allows.
pub(super) async fn header_blocks<T>(
    session: &mut Session,
    numbers: &[u32],
    mut read: impl FnMut(usize, &[u8]) -> T,
) -> Result<Vec<Option<T>>, Error> {
    let window = if session.pipelining() {
        PIPELINE_WINDOW
    } else {
        1
    };
    let mut found = Vec::with_capacity(numbers.len());
    for chunk in numbers.chunks(window) {
        if session.top_failed() {
            break;
        }
        let requests: Vec<Request> = chunk.iter().map(|&n| Request::Top(n, 0)).collect();
        session.send_commands(&requests).await?;
        for &request in &requests {
            let status = session
                .read_status(crate::pop3::Step::ReceivingHeaders)
                .await?;
            if !status.ok {
                if status.try_later() {
                    return Err(session.refusal(request, status).into());
                }
                session.set_top_failed();
                found.push(None);
                continue;
            }
            let mut headers = HeaderCapture::default();
            session.read_message(|piece| headers.push(piece)).await?;
            found.push(Some(read(found.len(), headers.bytes())));
        }
    }
    found.resize_with(numbers.len(), || None);
    Ok(found)
}

/// The digest of the header block of the message stored under each UIDL, in order; None
/// where that message is no longer here.
async fn stored_digests(
    store: Store,
    account_id: AccountId,
    uidls: Vec<Uidl>,
) -> Result<(Store, Vec<Option<Fingerprint>>), Error> {
    let (store, digests) = blocking(move || {
        let digests: store::Result<Vec<_>> = uidls
            .iter()
            .map(|u| {
                Ok(store
                    .stored_headers(account_id, u)?
                    .map(|h| store::fingerprint(&h)))
            })
            .collect();
        (store, digests)
    })
    .await?;
    Ok((store, digests?))
}
