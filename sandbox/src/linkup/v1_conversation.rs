//! `POST /v1/messages/conversation`, as LinkupAPI serves it: one thread, newest first, by
//! `linkedin_url` or `conversation_id`, paged by a `cursor` timestamp.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::v1::{
    country_ok, insufficient_credits, open_v1, requested_cost, V1Request, COUNTRY_ERROR,
};
use super::{charge, credit_cost};
use crate::call::{self, Proceed};
use crate::data::{find_by_profile, Account};
use crate::respond::{labelled, linkup_error, ok_json};
use crate::route::Route;
use crate::state::AppState;
use crate::wire::{LinkupData, LinkupMessage, LinkupPagination, LinkupResponse};

const DEFAULT_TOTAL_RESULTS: u64 = 10;
const MAX_TOTAL_RESULTS: u64 = 1000;

#[derive(Deserialize)]
struct RequestBody {
    linkedin_url: Option<String>,
    conversation_id: Option<String>,
    total_results: Option<Value>,
    cursor: Option<Value>,
    country: Option<String>,
    login_token: Option<String>,
}

impl V1Request for RequestBody {
    const DEFAULT_COST: u64 = DEFAULT_TOTAL_RESULTS.div_ceil(10);

    fn login_token(&self) -> Option<&str> {
        self.login_token.as_deref()
    }

    fn cost(&self) -> u64 {
        requested_cost(
            self.total_results.as_ref(),
            DEFAULT_TOTAL_RESULTS,
            MAX_TOTAL_RESULTS,
        )
    }
}

pub async fn conversation(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::LkConversation;
    let opened = match open_v1::<RequestBody>(&state, route, &headers, &body) {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let label = opened.account.account_id.as_str();
    let truncate = match call::begin(&state, route, label, &opened.secrets()).await {
        Proceed::Answer(response) => return labelled(opened.bill(&state, response), label),
        Proceed::Serve { truncate } => truncate,
    };
    let response = answer(
        &state,
        opened.api_key,
        &opened.account,
        &opened.request,
        truncate,
    )
    .unwrap_or_else(|response| opened.bill(&state, response));
    labelled(response, label)
}

fn answer(
    state: &AppState,
    api_key: &str,
    account: &Account,
    request: &RequestBody,
    truncate: bool,
) -> Result<Response, Response> {
    let invalid = |message: &str| linkup_error(400, "INVALID_PARAMS", message);
    let total_results = match &request.total_results {
        None | Some(Value::Null) => DEFAULT_TOTAL_RESULTS,
        Some(value) => value
            .as_u64()
            .filter(|n| (1..=MAX_TOTAL_RESULTS).contains(n))
            .ok_or_else(|| invalid("total_results must be an integer between 1 and 1000"))?,
    };
    let cursor = match &request.cursor {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            s.parse::<i64>()
                .map_err(|_| invalid("cursor must be a timestamp in milliseconds"))?,
        ),
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .ok_or_else(|| invalid("cursor must be a timestamp in milliseconds"))?,
        ),
        Some(_) => return Err(invalid("cursor must be a timestamp in milliseconds")),
    };
    if !country_ok(request.country.as_deref()) {
        return Err(invalid(COUNTRY_ERROR));
    }
    let url = request.linkedin_url.as_deref().filter(|s| !s.is_empty());
    let id = request.conversation_id.as_deref().filter(|s| !s.is_empty());
    let conversation = match (url, id) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "Provide either linkedin_url or conversation_id, not both",
            ))
        }
        (None, None) => {
            return Err(invalid(
                "Either linkedin_url or conversation_id is required",
            ))
        }
        (Some(url), None) => find_by_profile(account, url),
        (None, Some(id)) => account
            .conversations
            .iter()
            .find(|c| c.urn() == id || c.thread_id == id),
    }
    .ok_or_else(|| {
        linkup_error(
            404,
            "CONVERSATION_NOT_FOUND",
            "No conversation found for this profile or id",
        )
    })?;

    if !charge(state, api_key, credit_cost(total_results), truncate) {
        return Err(insufficient_credits());
    }
    let (page, has_next_page) = conversation.messages_between(cursor, None, total_results as usize);
    let body = LinkupResponse {
        status: "success",
        data: LinkupData {
            conversation_id: conversation.urn(),
            // The other member's profile: the documented answer always names it.
            profile_url: Some(url.map_or_else(
                || conversation.participants[0].vanity_url.clone(),
                str::to_owned,
            )),
            total_results: page.len(),
            total_other_member_message_count: conversation
                .messages
                .iter()
                .filter(|m| m.sender.is_some())
                .count(),
            unread_count: conversation.unread_count,
            last_seen_message: conversation
                .last_seen_message
                .unwrap_or(conversation.is_read()),
            last_seen_at: conversation
                .last_seen_at
                .unwrap_or(conversation.last_read_at),
            messages: page
                .iter()
                .map(|m| LinkupMessage::new(account, conversation, m))
                .collect(),
            pagination: LinkupPagination {
                count: page.len(),
                has_next_page,
                next_cursor: page
                    .last()
                    .filter(|_| has_next_page)
                    .map(|m| m.timestamp.to_string()),
            },
        },
    };
    Ok(ok_json(&body, truncate))
}
