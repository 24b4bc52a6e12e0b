//! LinkupAPI's sends: v1 `POST /v1/messages/send-message` and the v2 action `send`, both to a
//! profile only. One credit each: v2 charges only a committed message (its errors cost
//! nothing); v1 bills every answer but a 500, errors included (docs.linkupapi.com
//! api-reference/introduction).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::call::{self, Proceed};
use crate::linkup::profile_slug;
use crate::linkup::{country_ok, insufficient_credits, open_v1, V1Request, COUNTRY_ERROR};
use crate::linkup_v2::{insufficient_v2_credits, invalid_params, text, Call};
use crate::respond::{labelled, linkup_error, ok_json};
use crate::route::Route;
use crate::sending::{self, is_profile_id, message_problem, Refusal, Sent, Target};
use crate::state::AppState;
use crate::wire_send::{LinkupSendAnswer, V2Sent};

/// `Some` for a field that is in the body, `null` included.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// What a send costs, in credits.
const SEND_COST: u64 = 1;

#[derive(Deserialize)]
struct RequestBody {
    login_token: Option<String>,
    country: Option<String>,
    linkedin_url: Option<String>,
    /// Not a parameter of send-message: present (even null) is refused.
    #[serde(default, deserialize_with = "present")]
    conversation_id: Option<Value>,
    message_text: Option<Value>,
}

/// `POST /v1/messages/send-message {login_token, country?, linkedin_url, message_text,
/// media_link?, media_file?}` (docs.linkupapi.com api-reference/linkup/Messages/send):
/// `linkedin_url` is a profile URL or a profile id (`ACoAA…`); the 1:1 thread with the member,
/// or a new one. The documented body has no `conversation_id`: one is refused with 400
/// `INVALID_PARAMS`, as v2 refuses it. `media_*` are accepted and ignored. A refused send
/// (any status but 500) costs its credit, as every v1 answer does.
pub async fn send(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    call::provider_latency(&state).await;
    let route = Route::LkSend;
    let opened = match open_v1::<RequestBody>(&state, route, &headers, &body) {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let label = opened.account.account_id.as_str();
    let (proceed, after) = call::begin_send(&state, route, label, &opened.secrets()).await;
    let truncate = match proceed {
        Proceed::Answer(response) => return labelled(opened.bill(&state, response), label),
        Proceed::Serve { truncate } => truncate,
    };
    let response = v1_send(&state, opened.api_key, label, &opened.request, truncate)
        .unwrap_or_else(|response| opened.bill(&state, response));
    labelled(call::finish_send(after, response).await, label)
}

impl V1Request for RequestBody {
    const DEFAULT_COST: u64 = SEND_COST;

    fn login_token(&self) -> Option<&str> {
        self.login_token.as_deref()
    }

    fn cost(&self) -> u64 {
        SEND_COST
    }
}

fn v1_send(
    state: &AppState,
    api_key: &str,
    account_id: &str,
    request: &RequestBody,
    truncate: bool,
) -> Result<Response, Response> {
    let invalid = |message: &str| linkup_error(400, "INVALID_PARAMS", message);
    if !country_ok(request.country.as_deref()) {
        return Err(invalid(COUNTRY_ERROR));
    }
    if request.conversation_id.is_some() {
        return Err(invalid(
            "conversation_id is not a parameter of send-message: use linkedin_url",
        ));
    }
    let target = match request.linkedin_url.as_deref().map(str::trim) {
        Some(url) if profile_slug(url).is_some() => Target::Profile(url),
        Some(id) if is_profile_id(id) => Target::Member(id),
        Some(url) if !url.is_empty() => {
            return Err(invalid(
                "linkedin_url must be a LinkedIn profile URL or profile id",
            ))
        }
        _ => return Err(invalid("linkedin_url is required")),
    };
    let text = match &request.message_text {
        Some(Value::String(text)) => text.as_str(),
        _ => return Err(invalid("message_text is required and must be a string")),
    };
    if let Some(problem) = message_problem(text) {
        return Err(invalid(&problem.replacen("message", "message_text", 1)));
    }
    match charged_commit(state, api_key, Route::LkSend, account_id, target, text) {
        Some(Ok(sent)) => Ok(ok_json(&LinkupSendAnswer::new(&sent), truncate)),
        None => Err(insufficient_credits()),
        Some(Err(Refusal::NotAProfileUrl)) => Err(invalid(
            "linkedin_url must be a LinkedIn profile URL or profile id",
        )),
        Some(Err(_)) => Err(linkup_error(
            404,
            "CONVERSATION_NOT_FOUND",
            "No conversation found for this profile or id",
        )),
    }
}

/// v2 `send {profile_url, message_text, media?}`: `media` is accepted and ignored;
/// `conversation_id` is refused (v2 sends to a profile only).
pub fn v2_send(call: &Call<'_>, params: &Map<String, Value>) -> Result<Response, Response> {
    if params.get("conversation_id").is_some_and(|v| !v.is_null()) {
        return Err(invalid_params(
            "conversation_id is not accepted by send: use profile_url",
        ));
    }
    let url =
        text(params, "profile_url")?.ok_or_else(|| invalid_params("profile_url is required"))?;
    let message = match params.get("message_text") {
        Some(Value::String(text)) => text.as_str(),
        _ => {
            return Err(invalid_params(
                "message_text is required and must be a string",
            ))
        }
    };
    if let Some(problem) = message_problem(message) {
        return Err(invalid_params(&problem.replacen(
            "message",
            "message_text",
            1,
        )));
    }
    let account_id = call.account.account_id.as_str();
    let target = Target::Profile(url);
    match charged_commit(
        call.state,
        call.api_key,
        Route::LkV2Send,
        account_id,
        target,
        message,
    ) {
        Some(Ok(sent)) => Ok(call.envelope("send", SEND_COST, V2Sent::new(&sent))),
        None => Err(insufficient_v2_credits()),
        Some(Err(_)) => Err(invalid_params("profile_url must be a LinkedIn profile URL")),
    }
}

/// Commits the send and charges its credit under one lock; `None` (nothing sent) when the
/// key's balance is short. LinkupAPI has no daily quota of new conversations.
fn charged_commit(
    state: &AppState,
    api_key: &str,
    route: Route,
    account_id: &str,
    target: Target<'_>,
    text: &str,
) -> Option<Result<Sent, Refusal>> {
    let mut m = state.lock();
    let spent = m.credits_spent.get(api_key).copied().unwrap_or(0);
    if m.linkup_credits.saturating_sub(spent) < SEND_COST {
        return None;
    }
    let committed = sending::commit(&mut m, route, account_id, target, text, false);
    if committed.is_ok() {
        m.try_charge(api_key, SEND_COST);
    }
    Some(committed)
}
