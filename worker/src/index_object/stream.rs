//! One push stream per client (`POST /v1/live?account=all` for a client of more accounts than
//! one socket each would serve): a WebSocket on the client's index, accepted with the
//! hibernation API, that hears every account the index holds. Its frames are the per-account
//! sockets' frames (`gate/live/sockets.rs`), each naming its account, so a client reads both
//! alike: a `ready` frame per account on opening, then a `change` frame per account whose
//! conversations (or health) moved in the index.

use worker::{Env, Response, State, WebSocket, WebSocketPair};

use crate::gate::live::{self, CHANGES_PER_FRAME, FRAMES_PER_BROADCAST, SOCKETS_PER_CLIENT};
use crate::respond;
use crate::rules::account_health::shown_as_of;
use crate::rules::change_tokens::token_tag;
use crate::rules::registry::Client;
use crate::rules::settings::Config;
use crate::store::inbox_index::{AccountChanges, InboxIndex as IndexStore};
use linkedin_inbox::ErrorCode;
use worker::SqlStorage;

/// Conversations one broadcast carries at most (beyond them `more` sends clients to
/// `GET /v1/changes`).
const CHANGES_PER_BROADCAST: u32 = CHANGES_PER_FRAME * FRAMES_PER_BROADCAST as u32;

/// Accepts the client's stream socket, tagged with the client and its token's tag; says where
/// each account stands (`ready`).
pub(super) fn accept(
    state: &State,
    config: &Config,
    index: &IndexStore<SqlStorage>,
    client: &Client,
    ticket_tag: &str,
    now: u64,
) -> worker::Result<Response> {
    if !live::ticket_current(client, ticket_tag) {
        return respond::refuse(ErrorCode::Unauthorized, "not a valid ticket");
    }
    if state.get_websockets().len() >= SOCKETS_PER_CLIENT {
        return respond::refuse(
            ErrorCode::RateLimited,
            "too many open push sockets for this client",
        );
    }
    let pair = WebSocketPair::new()?;
    if state.get_websockets().is_empty() {
        // Changes before the first socket are in the feed, not pushed.
        index.set_pushed_mark(index.standing_mark()?)?;
    }
    let token = format!("token:{ticket_tag}");
    state.accept_websocket_with_tags(&pair.server, &[client.name.as_str(), &token]);
    live::set_lifetime(&pair.server, config, now)?;
    live::answer_pings(state);
    // An account the index was never fed yet says so with its first change frame.
    let fed = index.changes_since(None, 0)?.accounts.into_iter();
    for (account, unread, health) in fed.filter(|(_, _, health)| !health.is_null()) {
        let ready = serde_json::json!({
            "type": "ready",
            "account": account,
            "unreadTotal": unread,
            "health": shown_as_of(&health, now),
        });
        pair.server.send_with_str(ready.to_string())?;
    }
    Response::from_websocket(pair.client)
}

/// The sockets that may still hear the client: a socket of a client gone from the registry, or
/// of a token since rotated, is closed (1008); one past its lifetime too (4000).
async fn open_sockets(
    state: &State,
    env: &Env,
    config: &Config,
    now: u64,
) -> worker::Result<Vec<WebSocket>> {
    let mut open = Vec::new();
    for (socket, tags) in live::tagged_sockets(state) {
        let name = tags.first().cloned().unwrap_or_default();
        let token = tags
            .iter()
            .find_map(|t| t.strip_prefix("token:"))
            .unwrap_or_default();
        let allowed = crate::directory::client_named(env, config, &name)
            .await?
            .is_some_and(|c| token_tag(&c.token_sha256) == token);
        match (allowed, live::outlived(&socket, now)) {
            (true, false) => open.push(socket),
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

/// After a request or alarm of the index: what changed since the last push goes to every open
/// socket, one `change` frame per account (at most `CHANGES_PER_FRAME` conversations a frame);
/// an index whose epoch moved (an account's rows replaced) closes its sockets with 4001, as a
/// wiped account's object does: clients reload from `GET /v1/changes`.
pub(super) async fn broadcast(
    state: &State,
    env: &Env,
    config: &Config,
    index: &IndexStore<SqlStorage>,
    now: u64,
) -> worker::Result<()> {
    if state.get_websockets().is_empty() {
        return Ok(());
    }
    let sockets = open_sockets(state, env, config, now).await?;
    let Some(pushed) = index.pushed_mark()? else {
        return Ok(index.set_pushed_mark(index.standing_mark()?)?);
    };
    let standing = index.standing_mark()?;
    if standing.epoch != pushed.epoch {
        for socket in &sockets {
            let _ = socket.close(Some(4001), Some("merged inbox reset: reload"));
        }
        return Ok(index.set_pushed_mark(standing)?);
    }
    if standing.seq <= pushed.seq || sockets.is_empty() {
        return Ok(index.set_pushed_mark(standing)?);
    }
    let changes = index.stream_since(pushed.seq, CHANGES_PER_BROADCAST)?;
    for account in &changes.accounts {
        for frame in frames(account, changes.more, now) {
            for socket in &sockets {
                // A socket closing meanwhile is not an error of the others.
                let _ = socket.send_with_str(&frame);
            }
        }
    }
    // Beyond what was sent, clients catch up through the change feed.
    Ok(index.set_pushed_mark(standing)?)
}

/// An account's `change` frames: its conversations by `CHANGES_PER_FRAME`, or one frame
/// without any when only its health moved. `more`: not every change was carried.
fn frames(account: &AccountChanges, more: bool, now: u64) -> Vec<String> {
    let health = shown_as_of(&account.health, now);
    let frame = |conversations: &[String]| {
        live::change_frame(
            &account.account,
            account.unread,
            &health,
            more,
            &conversations.join(","),
        )
    };
    match account.conversations.is_empty() {
        true => vec![frame(&[])],
        false => account
            .conversations
            .chunks(CHANGES_PER_FRAME as usize)
            .map(frame)
            .collect(),
    }
}
