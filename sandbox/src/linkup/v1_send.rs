//! LinkupAPI v1 `POST /v1/messages/send-message`, to a profile only (the v2 action `send` is
//! in `v2::send`). One credit, as every v1 answer but a 500 costs, errors included
//! (docs.linkupapi.com api-reference/introduction).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::v1::{country_ok, insufficient_credits, open_v1, V1Request, COUNTRY_ERROR};
use super::{charged_commit, SEND_COST};
use crate::call::{self, Proceed};
use crate::data::profile_slug;
use crate::respond::{labelled, linkup_error, ok_json};
use crate::route::Route;
use crate::sending::{is_profile_id, message_problem, Refusal, Target};
use crate::state::AppState;
use crate::wire::LinkupSendAnswer;

/// `Some` for a field that is in the body, `null` included.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct RequestBody {
    login_token: Option<String>,
    country: Option<String>,
    linkedin_url: Option<String>,
    /// Not a parameter of send-message: present (even null) is refused.
    #[serde(default, deserialize_with = "present")]
    conversation_id: Option<Value>,
    message_text: Option<Value>,
    media_link: Option<Value>,
    media_file: Option<Value>,
}

/// `POST /v1/messages/send-message {login_token, country?, linkedin_url, message_text,
/// media_link?, media_file?}` (docs.linkupapi.com api-reference/linkup/Messages/send):
/// `linkedin_url` is a profile URL or a profile id (`ACoAA…`); the 1:1 thread with the member,
/// or a new one. The documented body has no `conversation_id`: one is refused with 400
/// `INVALID_PARAMS`, as v2 refuses it. `media_link` or `media_file` makes it 2 credits and
/// the thread's message carries the file. A refused send
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
        let media = [&self.media_link, &self.media_file];
        SEND_COST
            + u64::from(
                media
                    .iter()
                    .any(|m| m.as_ref().is_some_and(|v| !v.is_null())),
            )
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
    let files = crate::media::linkup_file(request.media_link.as_ref(), request.media_file.as_ref())
        .map_err(|problem| invalid(&problem))?;
    let files = files.into_iter().collect();
    match charged_commit(
        state,
        api_key,
        Route::LkSend,
        account_id,
        target,
        text,
        files,
    ) {
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
