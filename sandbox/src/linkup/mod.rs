//! LinkupAPI (`https://api.linkupapi.com`, `x-api-key`): what v1 and v2 share (the key and
//! its one credit balance), and one module per endpoint family: v1's shared opening and
//! billing, v1 conversation, inbox and send, and v2's `POST /v2/messages` envelope.

use axum::http::HeaderMap;

use crate::route::Route;
use crate::sending::{self, Refusal, Sent, Target};
use crate::state::AppState;

pub mod v1;
pub mod v1_conversation;
pub mod v1_inbox;
pub mod v1_send;
pub mod v2;

/// The request's `x-api-key`, if it is a configured key.
pub fn api_key<'a>(state: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok())?;
    state
        .config
        .linkup_keys
        .iter()
        .any(|k| k == key)
        .then_some(key)
}

/// 1 credit per 10 results "or fraction thereof" (requested or returned: each caller says).
pub fn credit_cost(results: u64) -> u64 {
    results.div_ceil(10)
}

/// Charges `cost` credits to `api_key`; `false` (nothing charged) when the balance is short.
/// A truncated answer (an injected fault) is checked but not charged.
pub fn charge(state: &AppState, api_key: &str, cost: u64, truncate: bool) -> bool {
    let mut m = state.lock();
    let spent = m.credits_spent.get(api_key).copied().unwrap_or(0);
    if m.linkup_credits.saturating_sub(spent) < cost {
        return false;
    }
    if !truncate {
        *m.credits_spent.entry(api_key.to_owned()).or_default() += cost;
    }
    true
}

/// What a send costs, in credits (v1 and v2, without media).
pub const SEND_COST: u64 = 1;

/// What a send costs with `files` (v1 and v2): 1, or 2 with media.
pub fn send_cost(files: &[crate::media::MediaFile]) -> u64 {
    SEND_COST + u64::from(!files.is_empty())
}

/// Commits the send and charges its credit under one lock; `None` (nothing sent) when the
/// key's balance is short. LinkupAPI has no daily quota of new conversations.
pub fn charged_commit(
    state: &AppState,
    api_key: &str,
    route: Route,
    account_id: &str,
    target: Target<'_>,
    text: &str,
    files: Vec<crate::media::MediaFile>,
) -> Option<Result<Sent, Refusal>> {
    let mut m = state.lock();
    let spent = m.credits_spent.get(api_key).copied().unwrap_or(0);
    let cost = send_cost(&files);
    if m.linkup_credits.saturating_sub(spent) < cost {
        return None;
    }
    let committed = sending::commit(&mut m, route, account_id, target, text, files, false);
    if committed.is_ok() {
        m.try_charge(api_key, cost);
    }
    Some(committed)
}
