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

pub(super) fn invalid(message: &str) -> Response {
    cs_error(400, "VALIDATION_ERROR", message)
}

pub(super) fn conversation_not_found() -> Response {
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
pub(super) struct Authorized<'a> {
    pub body: Map<String, Value>,
    pub account: Arc<Account>,
    pub secrets: [&'a str; 2],
}

/// Key, its rate limit, JSON body and `accountId`: what the POST actions check before a
/// call counts.
pub(super) fn authorize<'a>(
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

/// [`authorize`], then the call's start (its faults): the checked request and whether to cut
/// the answer short, or the answer already given (labelled with the account, or `-`).
pub(super) async fn open_action<'a>(
    state: &'a AppState,
    route: Route,
    headers: &'a HeaderMap,
    body: &[u8],
) -> Result<(Authorized<'a>, bool), Response> {
    let authorized = match authorize(state, route, headers, body) {
        Ok(authorized) => authorized,
        Err(response) => {
            state.lock().record_call(route, "-");
            return Err(labelled(response, "-"));
        }
    };
    let label = authorized.account.account_id.as_str();
    match call::begin(state, route, label, &authorized.secrets).await {
        Proceed::Answer(response) => Err(labelled(response, label)),
        Proceed::Serve { truncate } => Ok((authorized, truncate)),
    }
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
    let mut m = state.lock();
    let files = super::media::sent_files(&m, account_id, body.get("attachments"))?;
    let committed = sending::commit(
        &mut m,
        Route::CsSend,
        account_id,
        target,
        message,
        files,
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
    let (Authorized { body, account, .. }, truncate) =
        match open_action(&state, route, &headers, &body).await {
            Ok(opened) => opened,
            Err(response) => return response,
        };
    let label = account.account_id.as_str();
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

/// A `PATCH /linkedin/conversations/{conversationUrn}/...?accountId` action's opening: key,
/// its rate limit, query and account (`accountId`, or else the key's account that holds the
/// conversation: the documented mark-unread resolves it from the conversation), then the
/// call's faults. The account (to label the answer with) and whether to cut the answer short,
/// or the answer already given.
pub(super) async fn open_patch(
    state: &AppState,
    route: Route,
    headers: &HeaderMap,
    query: Option<&str>,
    conversation_urn: &str,
) -> Result<(Arc<Account>, bool), Response> {
    let refuse = |response: Response| {
        state.lock().record_call(route, "-");
        labelled(response, "-")
    };
    let key = bearer_key(state, headers).ok_or_else(|| refuse(cs_unauthorized()))?;
    call::admit_key(state, route, &key.key).map_err(refuse)?;
    let query = Query::parse(query).ok_or_else(|| refuse(invalid("Malformed query string")))?;
    let holder = || {
        state.find_account(|a| {
            key.accounts.contains(&a.account_id) && a.find_thread_index(conversation_urn).is_some()
        })
    };
    let account = match query.get("accountId") {
        None => holder().or_else(|| account_for(state, key, None)),
        given => account_for(state, key, given),
    }
    .ok_or_else(|| refuse(account_not_found()))?;
    let label = account.account_id.as_str();
    match call::begin(state, route, label, &secrets(headers, key)).await {
        Proceed::Answer(response) => Err(labelled(response, label)),
        Proceed::Serve { truncate } => Ok((account, truncate)),
    }
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
    let (account, truncate) = match open_patch(
        &state,
        Route::CsMarkUnread,
        &headers,
        query.as_deref(),
        &conversation_urn,
    )
    .await
    {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let label = account.account_id.as_str();
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
