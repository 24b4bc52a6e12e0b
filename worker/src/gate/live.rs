//! The object's side of the live inbox: provider events into the store (de-duplicated), the
//! change feed out of it, and the sockets it pushes changes to (WebSocket hibernation: the
//! object is evicted from memory while its sockets stay open, and woken by the next request).

use std::time::Duration;

use serde::Deserialize;
use worker::{Response, State, WebSocketPair};

use super::inbox::Inbox;
use super::ledger::Ledger;
use super::pages::Pages;
use crate::registry::Account;
use crate::respond;
use crate::webhook::{self, ConnectSafelyPush};
use linkedin_inbox::{Error, ErrorCode};

/// Provider events are remembered this long for de-duplication (providers retry for minutes).
const EVENT_MEMORY_MS: u64 = 7 * 86_400_000;
/// Changes one frame of the push channel carries at most (the feed has the rest).
const CHANGES_PER_FRAME: u32 = 100;

/// A provider event the Worker verified: stored (ConnectSafely) or a head sync scheduled
/// (LinkupAPI), once per event id.
pub async fn pushed(
    state: &State,
    account: &Account,
    provider: &str,
    body: &[u8],
    now: u64,
) -> worker::Result<Response> {
    let inbox = Inbox::of(state)?;
    inbox.remember_account(&account.id)?;
    let received = || respond::json(200, &serde_json::json!({ "received": true }));
    let bad = |why: &str| {
        respond::core_error(&Error::InvalidInput {
            field: "body",
            reason: why.into(),
        })
    };
    match provider {
        "connectsafely" => match webhook::connectsafely_event(body) {
            Ok(ConnectSafelyPush::Message(pushed)) => {
                // Nothing awaited from here: no other request interleaves with the write.
                if inbox.first_event(&format!("cs:{}", pushed.message.id), now)?
                    && inbox.record_pushed(&pushed)?
                {
                    // An open thread shows it without an upstream call.
                    if let Some(pattern) =
                        crate::plan::thread_head_pattern(&pushed.message.conversation_id)
                    {
                        Pages::of(state)?.splice_message(&pattern, &pushed.message)?;
                    }
                }
                received()
            }
            Ok(ConnectSafelyPush::Ignored) => received(),
            Err(why) => bad(why),
        },
        "linkup" => match webhook::linkup_event(body) {
            Ok(id) => {
                if inbox.first_event(&format!("lk:{id}"), now)? {
                    request_sync(state).await?;
                }
                received()
            }
            Err(why) => bad(why),
        },
        _ => respond::refuse(ErrorCode::NotFound, "no such provider"),
    }
}

/// Asks the alarm for one head sync (events arriving before it runs share it).
async fn request_sync(state: &State) -> worker::Result<()> {
    let ledger = Ledger::of(state);
    ledger.set_now("sync_requested", 1)?;
    state.storage().set_alarm(Duration::from_millis(0)).await
}

/// Whether a head sync was asked for (the request is taken).
pub fn take_sync_request(state: &State) -> worker::Result<bool> {
    let ledger = Ledger::of(state);
    let asked = ledger.get_now("sync_requested")? > 0;
    if asked {
        ledger.set_now("sync_requested", 0)?;
    }
    Ok(asked)
}

/// Forgets provider events older than the de-duplication window.
pub fn prune_events(state: &State, now: u64) -> worker::Result<()> {
    let oldest = i64::try_from(now.saturating_sub(EVENT_MEMORY_MS)).unwrap_or(0);
    state.storage().sql().exec(
        "DELETE FROM events WHERE received_at < ?",
        vec![worker::SqlStorageValue::Integer(oldest)],
    )?;
    Ok(())
}

/// What the Worker asks of one account's change feed.
#[derive(Deserialize)]
pub struct ChangesRequest {
    /// The last change the client saw (`None`: only where the feed stands now).
    since: Option<i64>,
    /// The store's wipe epoch when it saw it.
    epoch: Option<u64>,
    limit: u32,
}

/// One account's changes since the request's mark, as JSON text.
pub fn changes(
    state: &State,
    account: &Account,
    request: &ChangesRequest,
) -> worker::Result<Response> {
    let inbox = Inbox::of(state)?;
    let epoch = Ledger::of(state).wipe_epoch()?;
    let latest = inbox.latest_seq()?;
    let unread = inbox
        .unread_total()?
        .map_or("null".to_owned(), |n| n.to_string());
    // A wiped store (or a mark from the future) cannot say what changed: start again.
    let reset =
        request.epoch.is_some_and(|e| e != epoch) || request.since.is_some_and(|s| s > latest);
    let (items, seq, more) = match (request.since, reset) {
        (Some(since), false) => {
            inbox.changes_since(since, request.limit.clamp(1, 500), &account.id)?
        }
        _ => (String::new(), latest, false),
    };
    let mut response = Response::ok(format!(
        "{{\"epoch\":{epoch},\"seq\":{seq},\"reset\":{reset},\"unreadTotal\":{unread},\"more\":{more},\"conversations\":[{items}]}}"
    ))?;
    response
        .headers_mut()
        .set("Content-Type", "application/json")?;
    Ok(response)
}

/// Accepts a push channel socket for `client` (hibernatable; tagged with the client).
pub fn accept(state: &State, client: &str, account: &Account) -> worker::Result<Response> {
    let pair = WebSocketPair::new()?;
    let first = state.get_websockets().is_empty();
    state.accept_websocket_with_tags(&pair.server, &[client]);
    let inbox = Inbox::of(state)?;
    if first {
        // Changes before the first socket are in the feed, not pushed.
        Ledger::of(state).set_now("pushed_seq", inbox.latest_seq()?.max(0) as u64)?;
    }
    let unread = inbox
        .unread_total()?
        .map_or("null".to_owned(), |n| n.to_string());
    pair.server.send_with_str(format!(
        "{{\"type\":\"ready\",\"account\":\"{}\",\"unreadTotal\":{unread}}}",
        account.id
    ))?;
    Response::from_websocket(pair.client)
}

/// Sends what changed since the last push to every open socket of the object.
pub fn broadcast(state: &State, account_id: &str) -> worker::Result<()> {
    let sockets = state.get_websockets();
    if sockets.is_empty() || !crate::registry::is_safe_name(account_id) {
        return Ok(());
    }
    let inbox = Inbox::of(state)?;
    let ledger = Ledger::of(state);
    let pushed = ledger.get_now("pushed_seq")? as i64;
    let latest = inbox.latest_seq()?;
    if latest <= pushed {
        return Ok(());
    }
    let (items, last, _) = inbox.changes_since(pushed, CHANGES_PER_FRAME, account_id)?;
    let unread = inbox
        .unread_total()?
        .map_or("null".to_owned(), |n| n.to_string());
    let frame = format!(
        "{{\"type\":\"change\",\"account\":\"{account_id}\",\"unreadTotal\":{unread},\"conversations\":[{items}]}}"
    );
    for socket in sockets {
        // A socket closing meanwhile is not an error of the others.
        let _ = socket.send_with_str(&frame);
    }
    ledger.set_now("pushed_seq", last.max(0) as u64)
}
