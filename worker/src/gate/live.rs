//! The object's side of the live inbox: provider events into the store (de-duplicated), the
//! change feed out of it, and the sockets it pushes changes to (WebSocket hibernation: the
//! object is evicted from memory while its sockets stay open, and woken by the next request).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use worker::{Env, Response, State, WebSocketPair};

use crate::respond;
use crate::rules::account_health::Health;
use crate::rules::change_tokens::token_tag;
use crate::rules::registry::{Account, Client};
use crate::rules::settings::Config;
use crate::rules::webhook_events::{self, ConnectSafelyPush, LinkupEventKind};
use crate::store::ledger::Mark;
use crate::store::sql_storage::ObjectStore;
use crate::store::ProviderEvent;
use linkedin_inbox::{ErrorCode, Provider};

/// Provider events are remembered this long for de-duplication (providers retry for minutes).
const EVENT_MEMORY_MS: u64 = 7 * 86_400_000;
/// A ConnectSafely message older than this is not taken from a webhook (its signature has no
/// timestamp: a replay after the event memory is forgotten must not bring a message back).
const OLDEST_PUSHED_MESSAGE_MS: u64 = 6 * 86_400_000;
/// A pushed message dated later than now by more than this is dated now.
const CLOCK_ALLOWANCE_MS: u64 = 5 * 60_000;
/// Changes one frame of the push channel carries at most, and frames one change sends (the
/// feed has the rest): frames stay well under the 1 MiB WebSocket message limit.
const CHANGES_PER_FRAME: u32 = 20;
const FRAMES_PER_BROADCAST: usize = 5;

/// Sockets one client may hold open on one account.
const SOCKETS_PER_CLIENT: usize = 10;

/// A provider event the Worker verified: stored (ConnectSafely) or a head sync scheduled
/// (LinkupAPI), once per event id. `provider`: the provider's name (`Provider::as_str`).
pub async fn pushed(
    state: &State,
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
    let unread = inbox
        .unread_total()?
        .map_or("null".to_owned(), |n| n.to_string());
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
    let health = health.shown();
    let mut response = Response::ok(format!(
        "{{\"epoch\":{epoch},\"seq\":{seq},\"reset\":{reset},\"unreadTotal\":{unread},\"health\":{health},\"more\":{more},\"conversations\":[{items}]}}"
    ))?;
    response
        .headers_mut()
        .set("Content-Type", "application/json")?;
    Ok(response)
}

/// What a socket keeps across hibernation: when it must be closed.
#[derive(Serialize, Deserialize)]
struct SocketLife {
    expires: u64,
}

/// Accepts a push channel socket for `client` (hibernatable; tagged with the client; a text
/// `ping` is answered by the runtime without waking the object).
/// A socket lives `LIVE_SOCKET_LIFETIME_SECS` (an hour); then it is closed (code 4000) and the
/// client opens a new one with a fresh ticket, so a removed client or account stops hearing
/// within that time even when nothing changes (and at the next change at once).
pub fn accept(
    state: &State,
    config: &Config,
    client: &Client,
    account: &Account,
    now: u64,
) -> worker::Result<Response> {
    let token = format!("token:{}", token_tag(&client.token_sha256));
    let client = client.name.as_str();
    if state.get_websockets_with_tag(client).len() >= SOCKETS_PER_CLIENT {
        return respond::refuse(
            ErrorCode::RateLimited,
            "too many open push sockets for this client and account",
        );
    }
    let pair = WebSocketPair::new()?;
    let first = state.get_websockets().is_empty();
    // Tagged with the client and the id its client knows the account by (the single-account
    // form's digest id and a chosen id may name the same account).
    // And with its token's tag: a socket of a rotated token is closed like a removed client's.
    state.accept_websocket_with_tags(
        &pair.server,
        &[client, &format!("id:{}", account.id), &token],
    );
    pair.server.serialize_attachment(SocketLife {
        expires: now.saturating_add(config.socket_lifetime_secs.saturating_mul(1000)),
    })?;
    if let Ok(pair) = worker::worker_sys::WebSocketRequestResponsePair::new("ping", PONG) {
        state.set_websocket_auto_response(&pair);
    }
    let inbox = super::store_of(&state.storage())?;
    if first {
        // Changes before the first socket are in the feed, not pushed.
        inbox.set_mark(Mark::PushedSeq, inbox.latest_seq()?.max(0) as u64)?;
    }
    let unread = inbox
        .unread_total()?
        .map_or("null".to_owned(), |n| n.to_string());
    let health = inbox.account_health()?.0.shown();
    pair.server.send_with_str(format!(
        "{{\"type\":\"ready\",\"account\":\"{}\",\"unreadTotal\":{unread},\"health\":{health}}}",
        account.id
    ))?;
    Response::from_websocket(pair.client)
}

/// What a socket answers to a text `ping`.
pub const PONG: &str = "{\"type\":\"pong\"}";

/// The open sockets that may still hear `account`, each with the id its client knows the
/// account by: each socket whose client is gone from the registry, no longer lists the
/// account, or outlived its lifetime is closed here.
pub async fn live_sockets(
    state: &State,
    env: &Env,
    config: &Config,
    account: &Account,
    now: u64,
) -> worker::Result<Vec<(worker::WebSocket, String)>> {
    let digest = crate::rules::client_auth::account_digest(account);
    let mut open = Vec::new();
    for socket in state.get_websockets() {
        let tags = state.get_tags(&socket);
        let client = tags.first().cloned().unwrap_or_default();
        let id = tags
            .iter()
            .find_map(|t| t.strip_prefix("id:"))
            .unwrap_or_default()
            .to_owned();
        // The registry's answer is kept in the isolate (`directory`): sockets of one client
        // cost one lookup.
        let token = tags
            .iter()
            .find_map(|t| t.strip_prefix("token:"))
            .unwrap_or_default();
        let listed = crate::directory::client_named(env, config, &client)
            .await?
            .is_some_and(|c| {
                token_tag(&c.token_sha256) == token
                    && c.accounts.iter().any(|a| {
                        a.id == id && crate::rules::client_auth::account_digest(a) == digest
                    })
            });
        let expired = socket
            .deserialize_attachment::<SocketLife>()
            .ok()
            .flatten()
            .is_none_or(|life| life.expires <= now);
        match (listed, expired) {
            (true, false) => open.push((socket, id)),
            (false, _) => {
                let _ = socket.close(Some(1008), Some("no longer authorized"));
            }
            (true, true) => {
                let _ = socket.close(Some(4000), Some("expired: open a new socket"));
            }
        }
    }
    Ok(open)
}

/// Closes every socket of the object with `code` (`reason` says why).
pub fn close_all(state: &State, code: u16, reason: &str) {
    for socket in state.get_websockets() {
        let _ = socket.close(Some(code), Some(reason));
    }
}

/// After a registry change: every socket no longer allowed to hear this object's account is
/// closed (1008) now, not at the next change; all of them when the registry no longer gives
/// this object an account (deleted, disabled, or its credentials moved it to another object).
pub async fn recheck(
    state: &State,
    env: &Env,
    config: &Config,
    own: Option<&Account>,
    now: u64,
) -> worker::Result<()> {
    match own {
        Some(account) => live_sockets(state, env, config, account, now)
            .await
            .map(drop),
        None => {
            for socket in state.get_websockets() {
                let _ = socket.close(Some(1008), Some("no longer authorized"));
            }
            Ok(())
        }
    }
}

/// Sends what changed since the last push to every open socket still allowed to hear it, in
/// the words of each socket's client (the account id it knows).
pub async fn broadcast(
    state: &State,
    env: &Env,
    config: &Config,
    account: &Account,
    now: u64,
) -> worker::Result<()> {
    if state.get_websockets().is_empty() {
        return Ok(());
    }
    let sockets = live_sockets(state, env, config, account, now).await?;
    let inbox = super::store_of(&state.storage())?;
    let latest = inbox.latest_seq()?;
    let from = inbox.mark(Mark::PushedSeq)? as i64;
    let mut ids: Vec<&str> = sockets.iter().map(|(_, id)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let unread = inbox
        .unread_total()?
        .map_or("null".to_owned(), |n| n.to_string());
    let (health, health_seq) = inbox.account_health()?;
    let health_changed = health_seq > from;
    let health = health.shown();
    for id in ids
        .into_iter()
        .filter(|id| crate::rules::registry::is_safe_name(id))
    {
        let mut pushed = from;
        let mut sent = false;
        for frame_number in 1..=FRAMES_PER_BROADCAST {
            if latest <= pushed {
                break;
            }
            let (items, last, has_more) = inbox.changes_since(pushed, CHANGES_PER_FRAME, id)?;
            if items.is_empty() {
                break;
            }
            // `more`: this change holds more than the frames carry; the feed has the rest.
            let more = frame_number == FRAMES_PER_BROADCAST && has_more;
            let frame = format!(
                "{{\"type\":\"change\",\"account\":\"{id}\",\"unreadTotal\":{unread},\"health\":{health},\"more\":{more},\"conversations\":[{items}]}}"
            );
            send_frame(&sockets, id, &frame);
            sent = true;
            if !has_more || last <= pushed {
                break;
            }
            pushed = last;
        }
        // A health change is a change: one frame says so when no conversation frame did.
        if health_changed && !sent {
            send_frame(
                &sockets,
                id,
                &format!(
                    "{{\"type\":\"change\",\"account\":\"{id}\",\"unreadTotal\":{unread},\"health\":{health},\"more\":false,\"conversations\":[]}}"
                ),
            );
        }
    }
    // Beyond the frames sent, clients catch up through the change feed; with nobody
    // listening, the next socket starts from the feed's present.
    Ok(inbox.set_mark(Mark::PushedSeq, latest.max(0) as u64)?)
}

/// Sends `frame` to the sockets that know the account as `id`.
fn send_frame(sockets: &[(worker::WebSocket, String)], id: &str, frame: &str) {
    for (socket, _) in sockets.iter().filter(|(_, own)| own == id) {
        // A socket closing meanwhile is not an error of the others.
        let _ = socket.send_with_str(frame);
    }
}
