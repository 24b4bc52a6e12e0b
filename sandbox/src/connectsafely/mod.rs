//! ConnectSafely (`https://api.connectsafely.ai/linkedin`, `Authorization: Bearer <key>`):
//! what every endpoint shares (key, account, query, the daily call limit), and one module per
//! endpoint family: the seed path, its successors, and the write actions.

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;

use crate::config::ConnectSafelyKey;
use crate::data::Account;
use crate::respond::with_header;
use crate::state::{now_ms, AppState, DAY_MS};

pub mod actions;
pub mod conversations;
pub mod media;
pub mod recent_messages;
pub mod star;

/// A parsed query string; the last value of a repeated parameter wins.
pub struct Query(Vec<(String, String)>);

impl Query {
    /// `None` when the query string is malformed.
    pub fn parse(raw_query: Option<&str>) -> Option<Self> {
        serde_urlencoded::from_str(raw_query.unwrap_or(""))
            .ok()
            .map(Self)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The configured key the request's `Authorization: Bearer <key>` names, if any.
pub fn bearer_key<'a>(state: &'a AppState, headers: &HeaderMap) -> Option<&'a ConnectSafelyKey> {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))?;
    state
        .config
        .connectsafely_keys
        .iter()
        .find(|e| e.key == key)
}

/// The raw `Authorization` header and the key: what the `echo` fault quotes.
pub fn secrets<'a>(headers: &'a HeaderMap, key: &'a ConnectSafelyKey) -> [&'a str; 2] {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    [authorization, key.key.as_str()]
}

/// `accountId`, or the key's default account, if the key may use it.
pub fn account_for(
    state: &AppState,
    key: &ConnectSafelyKey,
    account_id: Option<&str>,
) -> Option<Arc<Account>> {
    let account_id = account_id.unwrap_or(&key.accounts[0]);
    state
        .account(account_id)
        .filter(|_| key.accounts.iter().any(|a| a == account_id))
}

/// `count` within 1..=100, `default` when absent; `None` when invalid.
pub fn parse_count(text: Option<&str>, default: usize) -> Option<usize> {
    match text {
        None => Some(default),
        Some(text) => text.parse().ok().filter(|n| (1..=100).contains(n)),
    }
}

/// Counts a call against the account's daily limit, or answers 429 (`refusal` words the
/// body) with `Retry-After` and `X-RateLimit-*` until the UTC reset.
pub fn spend_daily_call(
    state: &AppState,
    account_id: &str,
    refusal: impl FnOnce(&str) -> Response,
) -> Result<(), Response> {
    let now = now_ms();
    let day = now / DAY_MS;
    let mut m = state.lock();
    let limit = m.daily_limit;
    let used = m
        .daily_usage
        .entry((account_id.to_owned(), day))
        .or_default();
    if *used >= limit {
        let response = refusal(&format!(
            "Daily limit of {limit} messages reached for this account"
        ));
        return Err(quota_exhausted(response, limit, (day + 1) * DAY_MS));
    }
    *used += 1;
    Ok(())
}

/// A 429 `response` with `Retry-After` and `X-RateLimit-*` for a spent daily quota of
/// `limit` that resets at `reset_ms` (the next UTC midnight).
pub fn quota_exhausted(response: Response, limit: u32, reset_ms: i64) -> Response {
    let reset_in_s = (reset_ms - now_ms()).div_euclid(1000).max(1);
    let response = with_header(response, "retry-after", reset_in_s.to_string());
    let response = with_header(response, "x-ratelimit-limit", limit.to_string());
    let response = with_header(response, "x-ratelimit-remaining", "0".into());
    with_header(response, "x-ratelimit-reset", (reset_ms / 1000).to_string())
}
