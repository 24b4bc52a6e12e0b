//! ConnectSafely's write endpoints: `POST /linkedin/conversations/send`,
//! `POST /linkedin/messaging/mark-seen` and `PATCH /linkedin/conversations/{urn}/mark-unread`.
//! Errors are `{"success": false, "code", "message"}` (+ `issues` on 400); 401 as elsewhere.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value};

use super::{account_for, bearer_key, quota_exhausted, secrets, Query};
use crate::call::{self, Proceed};
use crate::data::Account;
use crate::respond::{cs_error, cs_unauthorized, labelled, ok_json};
use crate::route::Route;
use crate::sending::{self, is_profile_id, message_problem, Refusal, Target};
use crate::state::AppState;
use crate::wire::{CsMarkSeenAnswer, CsMarkUnreadAnswer, CsSendAnswer};

/// The documented requirement of a send without `conversationUrn`.
const RECIPIENT_REQUIRED: &str =
    "Either recipientProfileId or recipientProfileUrn must be provided";

fn invalid(message: &str) -> Response {
    cs_error(400, "VALIDATION_ERROR", message)
}

fn conversation_not_found() -> Response {
    cs_error(404, "CONVERSATION_NOT_FOUND", "Conversation not found")
}

fn account_not_found() -> Response {
    cs_error(
        404,
        "ACCOUNT_NOT_FOUND",
        "LinkedIn account not found for this API key",
    )
}

/// A string field of the body: `None` when absent, null or empty.
fn text<'a>(body: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Response> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.is_empty())),
        Some(_) => Err(invalid(&format!("{name} must be a string"))),
    }
}

/// A POST action whose key, JSON body and `accountId` passed.
struct Authorized<'a> {
    body: Map<String, Value>,
    account: Arc<Account>,
    secrets: [&'a str; 2],
}

/// Key, its rate limit, JSON body and `accountId`: what the POST actions check before a
/// call counts.
fn authorize<'a>(
    state: &'a AppState,
    route: Route,
    headers: &'a HeaderMap,
    body: &[u8],
) -> Result<Authorized<'a>, Response> {
    let key = bearer_key(state, headers).ok_or_else(cs_unauthorized)?;
    call::admit_key(state, route, &key.key)?;
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid("Request body must be a JSON object"));
    };
    let account =
        account_for(state, key, text(&body, "accountId")?).ok_or_else(account_not_found)?;
    Ok(Authorized {
        body,
        account,
        secrets: secrets(headers, key),
    })
}

/// `POST /linkedin/conversations/send {accountId?, recipientProfileId? | recipientProfileUrn?,
/// conversationUrn?, message, subject?, attachments?, messagingChannel?}` (connectsafely.ai
/// docs `post-conversations-send-conversations-send-message`): to `conversationUrn` when given
/// ("skips recipient lookup"), else to the 1:1 thread with the recipient (a new one, within the
/// daily quota of new conversations, if there is none). Without either recipient field nor a
/// conversation, 400 with the documented requirement; `recipientProfileUrl` is no field.
pub async fn send(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    call::provider_latency(&state).await;
    let route = Route::CsSend;
    let Authorized {
        body,
        account,
        secrets,
    } = match authorize(&state, route, &headers, &body) {
        Ok(authorized) => authorized,
        Err(response) => {
            state.lock().record_call(route, "-");
            return labelled(response, "-");
        }
    };
    let label = account.account_id.as_str();
    let (proceed, after) = call::begin_send(&state, route, label, &secrets).await;
    let truncate = match proceed {
        Proceed::Answer(response) => return labelled(response, label),
        Proceed::Serve { truncate } => truncate,
    };
    let response = commit_send(&state, label, &body, truncate).unwrap_or_else(|e| e);
    labelled(call::finish_send(after, response).await, label)
}

fn commit_send(
    state: &AppState,
    account_id: &str,
    body: &Map<String, Value>,
    truncate: bool,
) -> Result<Response, Response> {
    let target = match (
        text(body, "conversationUrn")?,
        text(body, "recipientProfileUrn")?,
        text(body, "recipientProfileId")?,
    ) {
        (Some(urn), _, _) => Target::Thread(urn),
        (None, Some(urn), _) => Target::Member(
            urn.strip_prefix("urn:li:fsd_profile:")
                .filter(|id| is_profile_id(id))
                .ok_or_else(|| {
                    invalid("recipientProfileUrn must be a urn:li:fsd_profile: profile URN")
                })?,
        ),
        (None, None, Some(slug)) => Target::Member(slug),
        (None, None, None) => return Err(invalid(RECIPIENT_REQUIRED)),
    };
    let message = match body.get("message") {
        Some(Value::String(message)) => message.as_str(),
        _ => return Err(invalid("message is required and must be a string")),
    };
    if let Some(problem) = message_problem(message) {
        return Err(invalid(&problem));
    }
    let committed = sending::commit(
        &mut state.lock(),
        Route::CsSend,
        account_id,
        target,
        message,
        true,
    );
    match committed {
        Ok(sent) => Ok(ok_json(&CsSendAnswer::new(&sent), truncate)),
        Err(Refusal::NoSuchConversation) => Err(conversation_not_found()),
        Err(Refusal::NotAProfileUrl) => Err(invalid(RECIPIENT_REQUIRED)),
        Err(Refusal::NewConversationLimit { limit, reset_ms }) => {
            let response = cs_error(
                429,
                "RATE_LIMIT_EXCEEDED",
                &format!("Daily limit of {limit} new conversations reached for this account"),
            );
            Err(quota_exhausted(response, limit, reset_ms))
        }
    }
}

/// `POST /linkedin/messaging/mark-seen {accountId?, conversationUrn}`: the conversation
/// becomes read.
pub async fn mark_seen(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::CsMarkSeen;
    let Authorized {
        body,
        account,
        secrets,
    } = match authorize(&state, route, &headers, &body) {
        Ok(authorized) => authorized,
        Err(response) => {
            state.lock().record_call(route, "-");
            return labelled(response, "-");
        }
    };
    let label = account.account_id.as_str();
    let truncate = match call::begin(&state, route, label, &secrets).await {
        Proceed::Answer(response) => return labelled(response, label),
        Proceed::Serve { truncate } => truncate,
    };
    let answer = || {
        let urn = text(&body, "conversationUrn")?
            .ok_or_else(|| invalid("conversationUrn is required"))?;
        if !sending::mark_seen(&mut state.lock(), label, urn) {
            return Err(conversation_not_found());
        }
        let answer = CsMarkSeenAnswer {
            success: true,
            account_id: label.to_owned(),
            conversation_urn: urn.to_owned(),
            message: "Conversation marked as seen",
        };
        Ok(ok_json(&answer, truncate))
    };
    labelled(answer().unwrap_or_else(|e| e), label)
}

/// `PATCH /linkedin/conversations/{conversationUrn}/mark-unread?accountId`: the
/// conversation becomes unread (at least one unread message). Any body is ignored.
pub async fn mark_unread(
    State(state): State<Arc<AppState>>,
    Path(conversation_urn): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::CsMarkUnread;
    let refuse = |response: Response| {
        state.lock().record_call(route, "-");
        labelled(response, "-")
    };
    let Some(key) = bearer_key(&state, &headers) else {
        return refuse(cs_unauthorized());
    };
    if let Err(response) = call::admit_key(&state, route, &key.key) {
        return refuse(response);
    }
    let Some(query) = Query::parse(query.as_deref()) else {
        return refuse(invalid("Malformed query string"));
    };
    let Some(account) = account_for(&state, key, query.get("accountId")) else {
        return refuse(account_not_found());
    };
    let label = account.account_id.as_str();
    let truncate = match call::begin(&state, route, label, &secrets(&headers, key)).await {
        Proceed::Answer(response) => return labelled(response, label),
        Proceed::Serve { truncate } => truncate,
    };
    let response = if sending::mark_unread(&mut state.lock(), label, &conversation_urn) {
        let answer = CsMarkUnreadAnswer {
            success: true,
            conversation_urn,
            message: "Conversation marked as unread",
        };
        ok_json(&answer, truncate)
    } else {
        conversation_not_found()
    };
    labelled(response, label)
}
