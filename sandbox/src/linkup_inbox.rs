//! `POST /v1/messages/inbox`, as LinkupAPI serves it: the account's conversations, newest
//! first, in pages of `total_results`, with an opaque base64 `next_cursor`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use crate::call::{self, Proceed};
use crate::cursor;
use crate::data::{Account, Conversation};
use crate::linkup::{
    api_key, bill_v1_unpaid, charge, country_ok, credit_cost, insufficient_credits,
    invalid_api_key, login, not_an_object, requested_cost, COUNTRY_ERROR,
};
use crate::respond::{labelled, linkup_error, ok_json};
use crate::route::Route;
use crate::state::AppState;
use crate::wire_successors::{LinkupInbox, LinkupInboxConversation, LinkupInboxData};

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

pub async fn inbox(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::LkInbox;
    let refuse = |response: Response| {
        state.lock().record_call(route, "-");
        labelled(response, "-")
    };
    let Some(api_key) = api_key(&state, &headers) else {
        return refuse(invalid_api_key());
    };
    let request: RequestBody = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => {
            return refuse(bill_v1_unpaid(
                &state,
                api_key,
                credit_cost(DEFAULT_TOTAL_RESULTS),
                not_an_object(),
            ))
        }
    };
    let cost = requested_cost(
        request.total_results.as_ref(),
        DEFAULT_TOTAL_RESULTS,
        MAX_TOTAL_RESULTS,
    );
    let account = match login(&state, request.login_token.as_deref()) {
        Ok(account) => account,
        Err(response) => return refuse(bill_v1_unpaid(&state, api_key, cost, response)),
    };
    let secrets = [api_key, request.login_token.as_deref().unwrap_or_default()];
    let truncate = match call::begin(&state, route, &account.account_id, &secrets).await {
        Proceed::Answer(response) => {
            let response = bill_v1_unpaid(&state, api_key, cost, response);
            return labelled(response, &account.account_id);
        }
        Proceed::Serve { truncate } => truncate,
    };
    let response = match answer(&state, api_key, &account, &request, truncate) {
        Ok(response) => response,
        Err(response) => bill_v1_unpaid(&state, api_key, cost, response),
    };
    labelled(response, &account.account_id)
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
