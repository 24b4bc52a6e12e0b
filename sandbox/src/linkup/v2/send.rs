//! The v2 action `send {profile_url, message_text, media?}` (docs.linkupapi.com
//! api-reference/v2/messages/send): to a profile only, one credit charged only when the
//! message is committed.

use axum::response::Response;
use serde_json::{Map, Value};

use super::{insufficient_v2_credits, invalid_params, text, Call};
use crate::linkup::{charged_commit, send_cost};
use crate::route::Route;
use crate::sending::{message_problem, Target};
use crate::wire::V2Sent;

/// v2 `send {profile_url, message_text, media_link? | media_file{data, filename}?}`: with
/// media 2 credits, and the thread's message carries the file (`media_path` names a file on
/// LinkupAPI's side: accepted and ignored); `conversation_id` is refused (v2 sends to a
/// profile only).
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
    let files: Vec<_> =
        crate::media::linkup_file(params.get("media_link"), params.get("media_file"))
            .map_err(|problem| invalid_params(&problem))?
            .into_iter()
            .collect();
    let cost = send_cost(&files);
    match charged_commit(
        call.state,
        call.api_key,
        Route::LkV2Send,
        account_id,
        target,
        message,
        files,
    ) {
        Some(Ok(sent)) => Ok(call.envelope("send", cost, V2Sent::new(&sent))),
        None => Err(insufficient_v2_credits()),
        Some(Err(_)) => Err(invalid_params("profile_url must be a LinkedIn profile URL")),
    }
}
