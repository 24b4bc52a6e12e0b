//! `GET /linkedin/messaging/recent-messages`, as ConnectSafely serves it (or redirects it to
//! its successor).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{account_for, bearer_key, parse_count, secrets, spend_daily_call, Query};
use crate::call::{self, Proceed};
use crate::config::{ConnectSafelyKey, SeedMode};
use crate::cursor;
use crate::data::{Account, Conversation};
use crate::respond::{cs_error, cs_unauthorized, labelled, ok_json, redirect};
use crate::route::Route;
use crate::state::AppState;
use crate::wire::{CsConversation, RecentMessages};

const DEFAULT_COUNT: usize = 20;

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

/// Case-insensitive match on participant names and any message text.
fn matches_keywords(c: &Conversation, keywords: &str) -> bool {
    c.participants
        .iter()
        .any(|p| p.name().to_lowercase().contains(keywords))
        || c.messages
            .iter()
            .any(|m| m.text.to_lowercase().contains(keywords))
}
