//! After a check, the account's Outbox goes out: mail written offline, or that the server
//! asked to try later, leaves at the next check without anyone pressing Send again.

use super::Event;
use crate::accounts::Account;
use crate::paths::Paths;
use crate::secrets;
use crate::send;
use crate::store::Store;

/// Sends what is due in `account`'s Outbox, if it has an outgoing server and anything
/// due; None when there was nothing to do. `incoming`: the POP3 password the check used,
/// which is the outgoing server's too unless it has its own.
pub(super) async fn deliver_after_check(
    paths: &Paths,
    account: &Account,
    incoming: &str,
) -> Option<Event> {
    let database = paths.database();
    let who = account.clone();
    let password =
        tokio::task::spawn_blocking(move || -> Option<Result<Option<String>, send::Error>> {
            let store = match Store::open(&database) {
                Ok(store) => store,
                Err(e) => return Some(Err(e.into())),
            };
            let server = store.smtp_server(who.id).ok()??;
            let due = store.queued(Some(who.id)).ok()?;
            if !due.iter().any(|q| !q.refused) {
                return None;
            }
            if !server.login.needs_password() {
                return Some(Ok(None));
            }
            if !server.uses_own_password() {
                return Some(Ok(Some(String::new())));
            }
            Some(
                secrets::Keyring::open(&store)
                    .and_then(|k| k.get_outgoing(&who))
                    .map(Some)
                    .map_err(|e| send::Error::Password(who.settings.name.clone(), e)),
            )
        })
        .await
        .ok()??;
    let result = match password {
        // The incoming password, which the blocking task above did not see; a sign-in's
        // token as it is now (it may have been renewed during the check, or be about to
        // expire).
        Ok(Some(p)) if p.is_empty() => {
            let current = match account.settings.auth.is_oauth() {
                true => super::job::stored_password(paths, account.clone())
                    .await
                    .ok(),
                false => None,
            };
            send::deliver(
                paths,
                account,
                Some(current.as_deref().unwrap_or(incoming)),
                &[],
                send::Options::default(),
            )
            .await
        }
        Ok(p) => send::deliver(paths, account, p.as_deref(), &[], send::Options::default()).await,
        Err(e) => Err(e),
    };
    Some(Event::Delivered {
        account: account.id,
        name: account.settings.name.clone(),
        result,
    })
}
