//! The push channel's sockets (WebSocket hibernation): accepted with their client, account and
//! token tags, checked against the registry before each push, closed when no longer allowed
//! or past their lifetime, and sent each change in their client's words.

use serde::{Deserialize, Serialize};
use worker::{Env, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair};

use crate::respond;
use crate::rules::change_tokens::token_tag;
use crate::rules::registry::{Account, Client};
use crate::rules::settings::Config;
use crate::store::ledger::Mark;
use linkedin_inbox::ErrorCode;

/// Changes one frame of the push channel carries at most, and frames one change sends (the
/// feed has the rest): frames stay well under the 1 MiB WebSocket message limit.
pub(crate) const CHANGES_PER_FRAME: u32 = 20;
pub(crate) const FRAMES_PER_BROADCAST: usize = 5;

/// Sockets one client may hold open on one account (or on its merged stream).
pub(crate) const SOCKETS_PER_CLIENT: usize = 10;

/// What a socket keeps across hibernation: when it must be closed.
#[derive(Serialize, Deserialize)]
struct SocketLife {
    expires: u64,
}

/// Gives a socket its lifetime (`LIVE_SOCKET_LIFETIME_SECS` from `now`).
pub(crate) fn set_lifetime(socket: &WebSocket, config: &Config, now: u64) -> worker::Result<()> {
    socket.serialize_attachment(SocketLife {
        expires: now.saturating_add(config.socket_lifetime_secs.saturating_mul(1000)),
    })
}

/// Whether a socket has outlived its lifetime (or never had one).
pub(crate) fn outlived(socket: &WebSocket, now: u64) -> bool {
    socket
        .deserialize_attachment::<SocketLife>()
        .ok()
        .flatten()
        .is_none_or(|life| life.expires <= now)
}

/// Lets the runtime answer a text `ping` without waking the object.
pub(crate) fn answer_pings(state: &State) {
    if let Ok(pair) = worker::worker_sys::WebSocketRequestResponsePair::new("ping", PONG) {
        state.set_websocket_auto_response(&pair);
    }
}

/// A message from a client: the channel is one-way; a ping is answered so clients can check
/// it (by the runtime's auto-response once the object set it; here otherwise). Anything else
/// closes it.
pub fn on_message(ws: &WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
    match message {
        WebSocketIncomingMessage::String(text) if text == "ping" => ws.send_with_str(PONG),
        _ => {
            let _ = ws.close(Some(1003), Some("this channel only answers ping"));
            Ok(())
        }
    }
}

/// A client closed its socket: the close is returned with its code when it may be sent.
pub fn on_close(ws: &WebSocket, code: usize) {
    let code = u16::try_from(code)
        .ok()
        .filter(|c| *c == 1000 || (3000..5000).contains(c));
    let _ = ws.close(code.or(Some(1000)), Some("closed"));
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
    ticket_tag: &str,
    account: &Account,
    now: u64,
) -> worker::Result<Response> {
    if !ticket_current(client, ticket_tag) {
        return respond::refuse(ErrorCode::Unauthorized, "not a valid ticket");
    }
    let token = format!("token:{ticket_tag}");
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
    set_lifetime(&pair.server, config, now)?;
    answer_pings(state);
    let inbox = crate::gate::store_of(&state.storage())?;
    if first {
        // Changes before the first socket are in the feed, not pushed.
        inbox.set_mark(Mark::PushedSeq, inbox.latest_seq()?.max(0) as u64)?;
    }
    let ready = serde_json::json!({
        "type": "ready",
        "account": account.id,
        "unreadTotal": inbox.unread_total()?,
        "health": inbox.account_health()?.0.shown(),
    });
    pair.server.send_with_str(ready.to_string())?;
    Response::from_websocket(pair.client)
}

/// Whether a ticket's token tag is the client's current token's, as this object's copy of the
/// registry has it (the edge checked its own copy, which may be older).
pub(crate) fn ticket_current(client: &Client, ticket_tag: &str) -> bool {
    !ticket_tag.is_empty() && token_tag(&client.token_sha256) == ticket_tag
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
    for (socket, tags) in tagged_sockets(state) {
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
        let expired = outlived(&socket, now);
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

/// Every socket the object holds, with its tags, all read before the caller awaits anything: a
/// walk that awaits (a registry lookup per client) may outlive a socket its client closes
/// meanwhile, and the runtime throws when asked for a closed socket's tags (which worker's
/// `State::get_tags` unwraps into a panic, resetting the wasm under every request in flight).
/// A socket whose tags cannot be read is closed already: it is left out.
pub(crate) fn tagged_sockets(state: &State) -> Vec<(WebSocket, Vec<String>)> {
    state
        .get_websockets()
        .into_iter()
        .filter_map(|socket| {
            let tags = state.as_raw().get_tags(socket.as_ref()).ok()?;
            Some((socket, tags))
        })
        .collect()
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
    let inbox = crate::gate::store_of(&state.storage())?;
    let latest = inbox.latest_seq()?;
    let from = inbox.mark(Mark::PushedSeq)? as i64;
    let mut ids: Vec<&str> = sockets.iter().map(|(_, id)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let unread = inbox.unread_total()?;
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
            let frame = change_frame(id, unread, &health, more, &items);
            send_frame(&sockets, id, &frame);
            sent = true;
            if !has_more || last <= pushed {
                break;
            }
            pushed = last;
        }
        // A health change is a change: one frame says so when no conversation frame did.
        if health_changed && !sent {
            send_frame(&sockets, id, &change_frame(id, unread, &health, false, ""));
        }
    }
    // Beyond the frames sent, clients catch up through the change feed; with nobody
    // listening, the next socket starts from the feed's present.
    Ok(inbox.set_mark(Mark::PushedSeq, latest.max(0) as u64)?)
}

/// A `change` frame of the push channel (an account's socket, or a client's stream): the
/// account's id, its unread total (`None`: not known yet), its health, whether the change
/// held more than the frames carry, and the conversations (JSON, joined by commas).
pub(crate) fn change_frame(
    id: &str,
    unread: Option<u64>,
    health: &serde_json::Value,
    more: bool,
    conversations: &str,
) -> String {
    let head = serde_json::json!({
        "type": "change",
        "account": id,
        "unreadTotal": unread,
        "health": health,
        "more": more,
    });
    crate::rules::page_body::with_raw_array(&head, "conversations", conversations)
}

/// Sends `frame` to the sockets that know the account as `id`.
fn send_frame(sockets: &[(worker::WebSocket, String)], id: &str, frame: &str) {
    for (socket, _) in sockets.iter().filter(|(_, own)| own == id) {
        // A socket closing meanwhile is not an error of the others.
        let _ = socket.send_with_str(frame);
    }
}
