//! `POST /v2/messages {account_id, action, params}`, LinkupAPI's v2 envelope: actions
//! `list_inbox`, `get_conversation` (in `reads`) and `send` (in `send`) over the same demo
//! data as v1. Accounts are named by their v2 id (`lk_acc_<account id>`), the key is the
//! LinkupAPI key, no login token.
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
use crate::data::{Account, INACTIVE_V2_ACCOUNT};
use crate::iso_time::iso_ms;
use crate::linkup::{api_key, charge};
use crate::respond::{labelled, linkup_v2_error, ok_json};
use crate::route::Route;
use crate::state::{now_ms, AppState};
use crate::wire::{V2Envelope, V2Metadata};

mod reads;
mod send;

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
        Route::LkV2ListInbox => reads::list_inbox(&call, &params),
        Route::LkV2Send => send::v2_send(&call, &params),
        _ => reads::get_conversation(&call, &params),
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
    pub fn succeed(
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

/// A string param, `None` when absent, null or empty.
pub fn text<'a>(params: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Response> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.is_empty())),
        Some(_) => Err(invalid_params(&format!("{name} must be a string"))),
    }
}
