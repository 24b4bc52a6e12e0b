//! `POST /v1/messages/inbox`, as LinkupAPI serves it: the account's conversations, newest
//! first, in pages of `total_results`, with an opaque base64 `next_cursor`.

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
use crate::cursor;
use crate::data::{Account, Conversation};
use crate::respond::{labelled, linkup_error, ok_json};
use crate::route::Route;
use crate::state::AppState;
use crate::wire::{LinkupInbox, LinkupInboxConversation, LinkupInboxData};

const DEFAULT_TOTAL_RESULTS: u64 = 10;
const MAX_TOTAL_RESULTS: u64 = 100;

#[derive(Deserialize)]
struct RequestBody {
    login_token: Option<String>,
    country: Option<String>,
    total_results: Option<Value>,
    /// Any string, ignored: the demo inbox has one category.
    category: Option<Value>,
    next_cursor: Option<Value>,
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

pub async fn inbox(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::LkInbox;
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
            .ok_or_else(|| invalid("total_results must be an integer between 1 and 100"))?,
    };
    let after = match &request.next_cursor {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.is_empty() => None,
        Some(Value::String(text)) => {
            Some(cursor::decode(text).ok_or_else(|| invalid("next_cursor is invalid or expired"))?)
        }
        Some(_) => return Err(invalid("next_cursor must be a string")),
    };
    if !matches!(
        request.category,
        None | Some(Value::Null | Value::String(_))
    ) {
        return Err(invalid("category must be a string"));
    }
    if !country_ok(request.country.as_deref()) {
        return Err(invalid(COUNTRY_ERROR));
    }
    if !charge(state, api_key, credit_cost(total_results), truncate) {
        return Err(insufficient_credits());
    }
    let all: Vec<&Conversation> = account.conversations.iter().collect();
    let page = cursor::page(&all, after.as_ref(), total_results as usize);
    let body = LinkupInbox {
        status: "success",
        data: LinkupInboxData {
            conversations: page
                .items
                .iter()
                .map(|c| LinkupInboxConversation::new(account, c))
                .collect(),
            total_results: all.len(),
            next_cursor: page.next_cursor,
        },
    };
    Ok(ok_json(&body, truncate))
}
