//! `GET /linkedin/messaging/recent-messages`, as ConnectSafely serves it (or redirects it to
//! its successor), and what every ConnectSafely endpoint shares: key, account, query, limit.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::call::{self, Proceed};
use crate::config::{ConnectSafelyKey, SeedMode};
use crate::cursor;
use crate::data::{Account, Conversation};
use crate::respond::{cs_error, cs_unauthorized, labelled, ok_json, redirect, with_header};
use crate::route::Route;
use crate::state::{now_ms, AppState, DAY_MS};
use crate::wire::{CsConversation, RecentMessages};

const DEFAULT_COUNT: usize = 20;

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

pub async fn recent_messages(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    call::provider_latency(&state).await;
    let Some(key_entry) = bearer_key(&state, &headers) else {
        state.lock().record_call(Route::CsRecentMessages, "-");
        return labelled(cs_unauthorized(), "-");
    };
    if let Err(response) = call::admit_key(&state, Route::CsRecentMessages, &key_entry.key) {
        state.lock().record_call(Route::CsRecentMessages, "-");
        return labelled(response, "-");
    }
    if state.lock().connectsafely_seed == SeedMode::Redirect {
        return redirect_to_successor(&state, key_entry, &headers, query.as_deref()).await;
    }
    let Some(params) = Query::parse(query.as_deref()) else {
        let response = cs_error(400, "VALIDATION_ERROR", "Malformed query string");
        return labelled(response, "-");
    };
    let Some(account) = account_for(&state, key_entry, params.get("accountId")) else {
        state.lock().record_call(Route::CsRecentMessages, "-");
        return labelled(
            cs_error(
                404,
                "ACCOUNT_NOT_FOUND",
                "LinkedIn account not found for this API key",
            ),
            "-",
        );
    };
    let account_id = account.account_id.as_str();
    let secrets = secrets(&headers, key_entry);
    let truncate = match call::begin(&state, Route::CsRecentMessages, account_id, &secrets).await {
        Proceed::Answer(response) => return labelled(response, account_id),
        Proceed::Serve { truncate } => truncate,
    };
    let response = match answer(&state, &account, &params, truncate) {
        Ok(response) | Err(response) => response,
    };
    labelled(response, account_id)
}

/// Redirect mode: 307 to `/linkedin/conversations` with the same query string, as the
/// deprecated path answers in production. Counted, and subject to faults, like any call.
async fn redirect_to_successor(
    state: &AppState,
    key_entry: &ConnectSafelyKey,
    headers: &HeaderMap,
    raw_query: Option<&str>,
) -> Response {
    let requested = Query::parse(raw_query);
    let account_id = account_for(
        state,
        key_entry,
        requested.as_ref().and_then(|q| q.get("accountId")),
    )
    .map_or_else(|| "-".to_owned(), |a| a.account_id.clone());
    let account_id = account_id.as_str();
    let secrets = secrets(headers, key_entry);
    let route = Route::CsRecentMessagesRedirect;
    if let Proceed::Answer(response) = call::begin(state, route, account_id, &secrets).await {
        return labelled(response, account_id);
    }
    let location = match raw_query.filter(|q| !q.is_empty()) {
        Some(query) => format!("/linkedin/conversations?{query}"),
        None => "/linkedin/conversations".to_owned(),
    };
    labelled(redirect(&location), account_id)
}

fn answer(
    state: &AppState,
    account: &Account,
    params: &Query,
    truncate: bool,
) -> Result<Response, Response> {
    let count = parse_count(params.get("count"), DEFAULT_COUNT).ok_or_else(|| {
        cs_error(
            400,
            "VALIDATION_ERROR",
            "count must be an integer between 1 and 100",
        )
    })?;
    let read = match params.get("read") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(cs_error(
                400,
                "VALIDATION_ERROR",
                "read must be \"true\" or \"false\"",
            ))
        }
    };
    let after =
        match params.get("nextCursor") {
            None => None,
            Some(text) => Some(cursor::decode(text).ok_or_else(|| {
                cs_error(400, "INVALID_CURSOR", "nextCursor is invalid or expired")
            })?),
        };
    let keywords = params
        .get("keywords")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_lowercase);

    let matching: Vec<&Conversation> = account
        .conversations
        .iter()
        .filter(|c| read.is_none_or(|r| c.is_read() == r))
        .filter(|c| keywords.as_deref().is_none_or(|k| matches_keywords(c, k)))
        .collect();
    let page = cursor::page(&matching, after.as_ref(), count);

    spend_daily_call(state, &account.account_id, |message| {
        cs_error(429, "RATE_LIMIT_EXCEEDED", message)
    })?;
    let body = RecentMessages {
        success: true,
        account_id: account.account_id.clone(),
        profile_urn: account.owner.fsd_urn(),
        conversations: page
            .items
            .iter()
            .map(|c| CsConversation::new(account, c))
            .collect(),
        total: matching.len(),
        next_cursor: page.next_cursor,
    };
    Ok(ok_json(&body, truncate))
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

/// Case-insensitive match on participant names and any message text.
fn matches_keywords(c: &Conversation, keywords: &str) -> bool {
    c.participants
        .iter()
        .any(|p| p.name().to_lowercase().contains(keywords))
        || c.messages
            .iter()
            .any(|m| m.text.to_lowercase().contains(keywords))
}
