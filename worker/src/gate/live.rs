//! The object's side of the live inbox: provider events into the store (de-duplicated), the
//! change feed out of it, and the sockets it pushes changes to (WebSocket hibernation: the
//! object is evicted from memory while its sockets stay open, and woken by the next request).

use crate::rules::page_body::with_raw_array;
use std::time::Duration;

use serde::Deserialize;
use worker::{Response, State};

use crate::respond;
use crate::rules::account_health::Health;
use crate::rules::registry::Account;
use crate::rules::webhook_events::{self, ConnectSafelyPush, LinkupEventKind};
use crate::store::ledger::Mark;
use crate::store::sql_storage::ObjectStore;
use crate::store::ProviderEvent;
use linkedin_inbox::{ErrorCode, Provider};

mod sockets;
pub use sockets::{accept, broadcast, close_all, on_close, on_message, recheck};
pub(crate) use sockets::{
    answer_pings, change_frame, outlived, set_lifetime, tagged_sockets, ticket_current,
    CHANGES_PER_FRAME, FRAMES_PER_BROADCAST, SOCKETS_PER_CLIENT,
};

/// Provider events are remembered this long for de-duplication (providers retry for minutes).
const EVENT_MEMORY_MS: u64 = 7 * 86_400_000;
/// A ConnectSafely message older than this is not taken from a webhook (its signature has no
/// timestamp: a replay after the event memory is forgotten must not bring a message back).
const OLDEST_PUSHED_MESSAGE_MS: u64 = 6 * 86_400_000;
/// A pushed message dated later than now by more than this is dated now.
const CLOCK_ALLOWANCE_MS: u64 = 5 * 60_000;

/// A provider event the Worker verified: stored (ConnectSafely) or a head sync scheduled
/// (LinkupAPI), once per event id. `provider`: the provider's name (`Provider::as_str`).
pub async fn pushed(
    state: &State,
    config: &crate::rules::settings::Config,
    account: &Account,
    provider: &str,
    body: &[u8],
    now: u64,
) -> worker::Result<Response> {
    let inbox = super::store_of(&state.storage())?;
    inbox.remember_account(&account.id)?;
    use crate::edge::live_feed::{bad_event as bad, received};
    match Provider::from_name(provider) {
        Some(Provider::ConnectSafely) => match webhook_events::connectsafely_event(body) {
            Ok(ConnectSafelyPush::Message(mut pushed)) => {
                let sent_at = u64::try_from(pushed.message.sent_at).unwrap_or(0);
                if sent_at.saturating_add(OLDEST_PUSHED_MESSAGE_MS) < now {
                    return received();
                }
                if sent_at > now.saturating_add(CLOCK_ALLOWANCE_MS) {
                    pushed.message.sent_at = i64::try_from(now).unwrap_or(i64::MAX);
                }
                // Its files are stored and shown with sealed refs only, never the provider's URL.
                let digest = crate::rules::client_auth::account_digest(account);
                let message = std::slice::from_mut(&mut pushed.message);
                config.media_key.seal_messages(message, &digest, now);
                // Nothing awaited from here: no other request interleaves with the write. The
                // event is forgotten again if storing it fails, so the provider's retry stores it.
                // One LinkedIn message whatever URN form names it (a thread shows
                // `msg_message:(owner,2-X)`, the event `messagingMessage:2-X`).
                let event = ProviderEvent::ConnectSafelyMessage(&pushed.message.id);
                if inbox.first_event(event, now)? {
                    if let Err(e) = store_pushed(&inbox, &pushed) {
                        inbox.forget_event(event)?;
                        return Err(e);
                    }
                }
                received()
            }
            Ok(ConnectSafelyPush::Ignored) => received(),
            Err(why) => bad(why),
        },
        Some(Provider::Linkup) => match webhook_events::linkup_event(body) {
            Ok(push) => {
                let event = ProviderEvent::Linkup(&push.id);
                if inbox.first_event(event, now)? {
                    // A lost session: recorded (in the ledger, which a wipe keeps) and shown in
                    // `/v1/usage`; a head sync could only fail.
                    if push.kind == LinkupEventKind::Disconnection {
                        inbox.set_mark(Mark::LinkupDisconnectedAt, now)?;
                        super::health::note_disconnection(&inbox, account, now)?;
                        return received();
                    }
                    if let Err(e) = request_sync(state, now).await {
                        inbox.forget_event(event)?;
                        return Err(e);
                    }
                }
                received()
            }
            Err(why) => bad(why),
        },
        None => respond::refuse(ErrorCode::NotFound, "no such provider"),
    }
}

/// Stores a pushed message in the list, the search index and an open thread.
fn store_pushed(inbox: &ObjectStore, pushed: &webhook_events::PushedMessage) -> worker::Result<()> {
    if inbox.record_pushed(pushed)? {
        // An open thread shows it without an upstream call.
        if let Some(pattern) =
            crate::rules::page_plan::thread_head_pattern(&pushed.message.conversation_id)
        {
            inbox.splice_message(&pattern, &pushed.message)?;
        }
    }
    Ok(())
}

/// Asks the alarm for one head sync, at the earliest `REFRESH_MIN_INTERVAL_SECS` after the
/// last pushed one (events arriving before it runs share it).
async fn request_sync(state: &State, now: u64) -> worker::Result<()> {
    let ledger = super::store_of(&state.storage())?;
    ledger.set_mark(Mark::SyncRequested, 1)?;
    let at = ledger.mark(Mark::PushedSyncNotBefore)?.max(now);
    let storage = state.storage();
    let scheduled = storage.get_alarm().await?;
    if scheduled.is_none_or(|when| when.max(0) as u64 > at) {
        storage
            .set_alarm(Duration::from_millis(at.saturating_sub(now)))
            .await?;
    }
    Ok(())
}

/// What the alarm does about a requested head sync now.
pub enum PushedSync {
    /// None was asked for.
    None,
    /// Sync now (the request is taken).
    Now,
    /// Asked, but not before this time (the request stays).
    Later(u64),
}

/// Whether a head sync was asked for and may run now; running it is recorded.
pub fn take_sync_request(state: &State, now: u64, interval_ms: u64) -> worker::Result<PushedSync> {
    let ledger = super::store_of(&state.storage())?;
    if ledger.mark(Mark::SyncRequested)? == 0 {
        return Ok(PushedSync::None);
    }
    let not_before = ledger.mark(Mark::PushedSyncNotBefore)?;
    if now < not_before {
        return Ok(PushedSync::Later(not_before));
    }
    ledger.set_mark(Mark::SyncRequested, 0)?;
    ledger.set_mark(Mark::PushedSyncNotBefore, now.saturating_add(interval_ms))?;
    Ok(PushedSync::Now)
}

/// Forgets provider events older than the de-duplication window.
pub fn prune_events(store: &ObjectStore, now: u64) -> worker::Result<()> {
    Ok(store.prune_events(now.saturating_sub(EVENT_MEMORY_MS))?)
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
    health: &Health,
) -> worker::Result<Response> {
    let inbox = super::store_of(&state.storage())?;
    let health_seq = inbox.account_health()?.1;
    let epoch = inbox.wipe_epoch()?;
    let latest = inbox.latest_seq()?;
    let unread = inbox.unread_total()?;
    // A wiped store (or a mark from the future) cannot say what changed: start again.
    let reset =
        request.epoch.is_some_and(|e| e != epoch) || request.since.is_some_and(|s| s > latest);
    let (items, seq, more) = match (request.since, reset) {
        (Some(since), false) => {
            let (items, last, more) =
                inbox.changes_since(since, request.limit.clamp(1, 500), &account.id)?;
            // A health change is a change: the mark moves past it once nothing older waits.
            let last = if more { last } else { last.max(health_seq) };
            (items, last, more)
        }
        _ => (String::new(), latest, false),
    };
    let head = serde_json::json!({
        "epoch": epoch,
        "seq": seq,
        "reset": reset,
        "unreadTotal": unread,
        "health": health.shown(),
        "more": more,
    });
    let mut response = Response::ok(with_raw_array(&head, "conversations", &items))?;
    response
        .headers_mut()
        .set("Content-Type", "application/json")?;
    Ok(response)
}
