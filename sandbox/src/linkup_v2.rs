//! `POST /v2/messages {account_id, action, params}`, LinkupAPI's v2 envelope: actions
//! `list_inbox`, `get_conversation` and `send` (in `linkup_send`) over the same demo data as v1. Accounts are named by
//! their v2 id (`lk_acc_<account id>`), the key is the LinkupAPI key, no login token.
//! Errors are `{"success": false, "error": {"code", "message"}}`; a failed call costs nothing
//! ("Error responses never consume credits", docs.linkupapi.com api-reference/v2/error-codes).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::call::{self, AfterCommit, Proceed};
use crate::cursor;
use crate::data::{Account, Conversation, INACTIVE_V2_ACCOUNT};
use crate::iso_time::iso_ms;
use crate::linkup::{api_key, charge, credit_cost, find_by_profile};
use crate::respond::{labelled, linkup_v2_error, ok_json};
use crate::route::Route;
use crate::state::{now_ms, AppState};
use crate::wire_successors::{
    V2Conversation, V2Envelope, V2Inbox, V2InboxConversation, V2Message, V2Metadata,
};

const DEFAULT_COUNT: u64 = 10;
const MAX_COUNT: u64 = 100;

pub fn invalid_params(message: &str) -> Response {
    linkup_v2_error(400, "INVALID_PARAMS", message)
}

pub fn insufficient_v2_credits() -> Response {
    linkup_v2_error(
        402,
        "INSUFFICIENT_CREDITS",
        "Insufficient credits: top up your LinkupAPI balance",
    )
}

pub async fn messages(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let request = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(request)) => Some(request),
        _ => None,
    };
    let action = request
        .as_ref()
        .and_then(|r| r.get("action"))
        .and_then(Value::as_str);
    let route = match action {
        Some("list_inbox") => Route::LkV2ListInbox,
        Some("get_conversation") => Route::LkV2GetConversation,
        Some("send") => Route::LkV2Send,
        _ => Route::LkV2,
    };
    let refuse = |account: &str, response: Response| {
        state.lock().record_call(route, account);
        labelled(response, account)
    };
    let Some(api_key) = api_key(&state, &headers) else {
        let response = linkup_v2_error(403, "INVALID_API_KEY", "Invalid or missing API key");
        return refuse("-", response);
    };
    if let Err(response) = call::admit_key(&state, route, api_key) {
        return refuse("-", response);
    }
    let Some(request) = request.as_ref() else {
        return refuse("-", invalid_params("Request body must be a JSON object"));
    };
    let Some(account_id) = request.get("account_id").and_then(Value::as_str) else {
        return refuse("-", invalid_params("account_id is required"));
    };
    if account_id == INACTIVE_V2_ACCOUNT {
        let response = linkup_v2_error(403, "ACCOUNT_INACTIVE", "This account is not active");
        return refuse("-", response);
    }
    let Some(account) = state.find_account(|a| a.v2_id() == account_id) else {
        let response = linkup_v2_error(404, "INVALID_ACCOUNT", "Unknown account_id");
        return refuse("-", response);
    };
    let label = account.account_id.as_str();
    if route == Route::LkV2 {
        let message = match action {
            None => "action is required: list_inbox, get_conversation or send".to_owned(),
            Some(other) => {
                format!("action {other} is not available: use list_inbox, get_conversation or send")
            }
        };
        return refuse(label, invalid_params(&message));
    }
    let (proceed, after) = if route.sends() {
        call::begin_send(&state, route, label, &[api_key]).await
    } else {
        let proceed = call::begin(&state, route, label, &[api_key]).await;
        (proceed, AfterCommit::Answer)
    };
    let truncate = match proceed {
        Proceed::Answer(response) => return labelled(response, label),
        Proceed::Serve { truncate } => truncate,
    };
    let call = Call {
        state: &state,
        api_key,
        account: &account,
        v2_id: account_id,
        truncate,
    };
    let response = match request.get("params") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(params)) => Ok(params.clone()),
        Some(_) => Err(invalid_params("params must be an object")),
    }
    .and_then(|params| match route {
        Route::LkV2ListInbox => list_inbox(&call, &params),
        Route::LkV2Send => crate::linkup_send::v2_send(&call, &params),
        _ => get_conversation(&call, &params),
    });
    labelled(
        call::finish_send(after, response.unwrap_or_else(|e| e)).await,
        label,
    )
}

/// An authorized v2 call on an active account.
pub struct Call<'a> {
    pub state: &'a AppState,
    pub api_key: &'a str,
    pub account: &'a Account,
    pub v2_id: &'a str,
    pub truncate: bool,
}

impl Call<'_> {
    /// `data` in the success envelope, `cost` credits (already charged) in its metadata.
    pub fn envelope(&self, action: &'static str, cost: u64, data: impl Serialize) -> Response {
        let body = V2Envelope {
            success: true,
            data,
            metadata: V2Metadata {
                action,
                account_id: self.v2_id.to_owned(),
                credits_consumed: cost,
                timestamp: iso_ms(now_ms()),
            },
        };
        ok_json(&body, self.truncate)
    }

    /// Charges `cost` and answers `data` in the success envelope, or 402 (nothing charged).
    fn succeed(
        &self,
        action: &'static str,
        cost: u64,
        data: impl Serialize,
    ) -> Result<Response, Response> {
        if !charge(self.state, self.api_key, cost, self.truncate) {
            return Err(insufficient_v2_credits());
        }
        Ok(self.envelope(action, cost, data))
    }
}

/// `params.count`: 1..=100, 10 when absent.
fn count(params: &Map<String, Value>) -> Result<u64, Response> {
    match params.get("count") {
        None | Some(Value::Null) => Ok(DEFAULT_COUNT),
        Some(value) => value
            .as_u64()
            .filter(|n| (1..=MAX_COUNT).contains(n))
            .ok_or_else(|| invalid_params("count must be an integer between 1 and 100")),
    }
}

/// A string param, `None` when absent, null or empty.
pub fn text<'a>(params: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Response> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.is_empty())),
        Some(_) => Err(invalid_params(&format!("{name} must be a string"))),
    }
}

/// `list_inbox {count?, category?, cursor?}`: conversations newest first; `cursor` is the
/// previous page's `next_cursor`; `category` is any string, ignored. Billed per 10 returned.
fn list_inbox(call: &Call<'_>, params: &Map<String, Value>) -> Result<Response, Response> {
    let count = count(params)?;
    text(params, "category")?;
    let after = match text(params, "cursor")? {
        None => None,
        Some(cursor) => Some(
            cursor::decode(cursor).ok_or_else(|| invalid_params("cursor is invalid or expired"))?,
        ),
    };
    let account = call.account;
    let all: Vec<&Conversation> = account.conversations.iter().collect();
    let page = cursor::page(&all, after.as_ref(), count as usize);
    // "1 credit per 10 results returned" (docs.linkupapi.com api-reference/v2/messages/list-inbox).
    let cost = credit_cost(page.items.len() as u64);
    let data = V2Inbox {
        conversations: page
            .items
            .iter()
            .map(|c| V2InboxConversation::new(account, c))
            .collect(),
        total_results: all.len(),
        next_cursor: page.next_cursor,
    };
    call.succeed("list_inbox", cost, data)
}

/// `get_conversation {conversation_id | profile_url, count?, cursor?}`: one thread newest
/// first; `cursor` (epoch ms, string or number) returns strictly older messages.
fn get_conversation(call: &Call<'_>, params: &Map<String, Value>) -> Result<Response, Response> {
    let count = count(params)?;
    let before = match params.get("cursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.parse::<i64>().ok()),
        Some(Value::Number(n)) => Some(n.as_i64()),
        Some(_) => Some(None),
    }
    .map(|parsed| {
        parsed.ok_or_else(|| invalid_params("cursor must be a timestamp in milliseconds"))
    })
    .transpose()?;
    let account = call.account;
    let conversation = match (
        text(params, "conversation_id")?,
        text(params, "profile_url")?,
    ) {
        (Some(_), Some(_)) => {
            return Err(invalid_params(
                "Provide either conversation_id or profile_url, not both",
            ))
        }
        (None, None) => return Err(invalid_params("conversation_id or profile_url is required")),
        (Some(id), None) => account.find_thread(id),
        (None, Some(url)) => find_by_profile(account, url),
    }
    .ok_or_else(|| {
        invalid_params("No conversation found for this conversation_id or profile_url")
    })?;
    let (page, has_next_page) = conversation.messages_between(before, None, count as usize);
    let data = V2Conversation {
        total_message_count: conversation.messages.len(),
        messages: page
            .iter()
            .map(|m| V2Message::new(account, conversation, m))
            .collect(),
        last_seen_message: conversation
            .last_seen_message
            .unwrap_or(conversation.is_read()),
        last_seen_at: conversation
            .last_seen_at
            .unwrap_or(conversation.last_read_at),
        unread_count: conversation.unread_count,
        next_cursor: page
            .last()
            .filter(|_| has_next_page)
            .map(|m| m.timestamp.to_string()),
    };
    call.succeed("get_conversation", credit_cost(count), data)
}
