//! `GET /linkedin/messaging/recent-messages`, as ConnectSafely serves it.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::call::{self, Proceed};
use crate::data::{Account, Conversation};
use crate::faults::Endpoint;
use crate::respond::{cs_error, cs_unauthorized, json_response, labelled, raw, with_header};
use crate::state::{now_ms, AppState, DAY_MS};
use crate::wire::{CsConversation, RecentMessages};

const DEFAULT_COUNT: usize = 20;

struct Params {
    account_id: Option<String>,
    next_cursor: Option<String>,
    count: Option<String>,
    keywords: Option<String>,
    read: Option<String>,
}

fn params(raw_query: Option<&str>) -> Result<Params, Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw_query.unwrap_or(""))
        .map_err(|_| cs_error(400, "VALIDATION_ERROR", "Malformed query string"))?;
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Ok(Params {
        account_id: get("accountId"),
        next_cursor: get("nextCursor"),
        count: get("count"),
        keywords: get("keywords"),
        read: get("read"),
    })
}

pub async fn recent_messages(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    call::provider_latency(&state).await;
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(key_entry) =
        key.and_then(|k| state.config.connectsafely_keys.iter().find(|e| e.key == k))
    else {
        state.lock().record_call(Endpoint::ConnectSafely, "-");
        return labelled(cs_unauthorized(), "-");
    };
    let params = match params(query.as_deref()) {
        Ok(p) => p,
        Err(response) => return labelled(response, "-"),
    };
    let account_id = params
        .account_id
        .clone()
        .unwrap_or_else(|| key_entry.accounts[0].clone());
    let account = state
        .account(&account_id)
        .filter(|_| key_entry.accounts.contains(&account_id));
    let Some(account) = account else {
        state.lock().record_call(Endpoint::ConnectSafely, "-");
        return labelled(
            cs_error(
                404,
                "ACCOUNT_NOT_FOUND",
                "LinkedIn account not found for this API key",
            ),
            "-",
        );
    };
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let secrets = [authorization, key_entry.key.as_str()];
    let truncate = match call::begin(&state, Endpoint::ConnectSafely, &account_id, &secrets).await {
        Proceed::Answer(response) => return labelled(response, &account_id),
        Proceed::Serve { truncate } => truncate,
    };
    let response = match answer(&state, account, &params, truncate) {
        Ok(response) | Err(response) => response,
    };
    labelled(response, &account_id)
}

fn answer(
    state: &AppState,
    account: &Account,
    params: &Params,
    truncate: bool,
) -> Result<Response, Response> {
    let count = match params.count.as_deref() {
        None => DEFAULT_COUNT,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                cs_error(
                    400,
                    "VALIDATION_ERROR",
                    "count must be an integer between 1 and 100",
                )
            })?,
    };
    let read = match params.read.as_deref() {
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
    let after = params
        .next_cursor
        .as_deref()
        .map(decode_cursor)
        .transpose()?;
    let keywords = params
        .keywords
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_lowercase);

    let matching: Vec<&Conversation> = account
        .conversations
        .iter()
        .filter(|c| read.is_none_or(|r| c.is_read() == r))
        .filter(|c| keywords.as_deref().is_none_or(|k| matches_keywords(c, k)))
        .collect();
    let start = after.map_or(0, |(at, id)| {
        matching
            .iter()
            .position(|c| is_after(c, at, &id))
            .unwrap_or(matching.len())
    });
    let page: Vec<&Conversation> = matching.iter().skip(start).take(count).copied().collect();
    let has_more = start + page.len() < matching.len();

    spend_daily_call(state, &account.account_id)?;
    let body = RecentMessages {
        success: true,
        account_id: account.account_id.clone(),
        profile_urn: account.owner.fsd_urn(),
        conversations: page
            .iter()
            .map(|c| CsConversation::new(account, c))
            .collect(),
        total: matching.len(),
        next_cursor: page.last().filter(|_| has_more).map(|c| encode_cursor(c)),
    };
    if truncate {
        let text = serde_json::to_string(&body).unwrap_or_default();
        return Ok(raw(
            200,
            "application/json; charset=utf-8",
            call::truncated(text),
        ));
    }
    Ok(json_response(200, &body))
}

/// Counts a call against the account's daily limit, or answers 429 until the UTC reset.
fn spend_daily_call(state: &AppState, account_id: &str) -> Result<(), Response> {
    let now = now_ms();
    let day = now / DAY_MS;
    let mut m = state.lock();
    let limit = m.daily_limit;
    let used = m
        .daily_usage
        .entry((account_id.to_owned(), day))
        .or_default();
    if *used >= limit {
        let reset_in_s = ((day + 1) * DAY_MS - now).div_euclid(1000).max(1);
        let response = cs_error(
            429,
            "RATE_LIMIT_EXCEEDED",
            &format!("Daily limit of {limit} messages reached for this account"),
        );
        let response = with_header(response, "retry-after", reset_in_s.to_string());
        let response = with_header(response, "x-ratelimit-limit", limit.to_string());
        let response = with_header(response, "x-ratelimit-remaining", "0".into());
        return Err(with_header(
            response,
            "x-ratelimit-reset",
            ((day + 1) * DAY_MS / 1000).to_string(),
        ));
    }
    *used += 1;
    Ok(())
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

/// Conversations are ordered by last activity (newest first), then thread id.
fn is_after(c: &Conversation, at: i64, thread_id: &str) -> bool {
    let activity = c.last_activity_at();
    activity < at || (activity == at && c.thread_id.as_str() > thread_id)
}

fn encode_cursor(c: &Conversation) -> String {
    STANDARD.encode(format!("{}:{}", c.last_activity_at(), c.thread_id))
}

fn decode_cursor(cursor: &str) -> Result<(i64, String), Response> {
    let invalid = || cs_error(400, "INVALID_CURSOR", "nextCursor is invalid or expired");
    let text = STANDARD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid)?;
    let (at, id) = text.split_once(':').ok_or_else(invalid)?;
    Ok((at.parse().map_err(|_| invalid())?, id.to_owned()))
}
