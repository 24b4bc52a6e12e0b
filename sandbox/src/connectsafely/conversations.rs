//! ConnectSafely's successors of the seed path: `GET /linkedin/conversations` and
//! `GET /linkedin/conversations/{conversationUrn}/messages`. Errors are `{"error": "..."}`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{account_for, bearer_key, parse_count, secrets, spend_daily_call, Query};
use crate::call::{self, Proceed};
use crate::config::ConnectSafelyKey;
use crate::cursor;
use crate::data::{Account, Conversation};
use crate::respond::{cs_plain_error, cs_unauthorized, labelled, ok_json};
use crate::route::Route;
use crate::state::AppState;
use crate::wire::{
    CsAccount, CsConversationList, CsListedConversation, CsThreadMessage, CsThreadMessages,
    CsThreadPerson,
};

const DEFAULT_CONVERSATIONS: usize = 20;
const DEFAULT_MESSAGES: usize = 50;
/// ConnectSafely's `nextCursor` may carry this prefix; the sandbox's always does.
const CURSOR_PREFIX: &str = "linkedin:";
const THREAD_NOTE: &str = "Messages are newest first. Pass cursor (the sentAt of the oldest \
message seen) for older messages, since for newer ones.";

/// What a ConnectSafely call resolved to before it is served.
pub(super) struct Resolved<'a> {
    key: &'a ConnectSafelyKey,
    pub account: Arc<Account>,
    pub query: Query,
    pub truncate: bool,
}

/// Key, rate limit, query, account, counting and faults: the steps every ConnectSafely successor shares.
pub(super) async fn resolve<'a>(
    state: &'a AppState,
    route: Route,
    headers: &HeaderMap,
    raw_query: Option<&str>,
) -> Result<Resolved<'a>, Response> {
    call::provider_latency(state).await;
    let refuse = |response: Response| {
        state.lock().record_call(route, "-");
        labelled(response, "-")
    };
    let Some(key) = bearer_key(state, headers) else {
        return Err(refuse(cs_unauthorized()));
    };
    call::admit_key(state, route, &key.key).map_err(refuse)?;
    let Some(query) = Query::parse(raw_query) else {
        return Err(refuse(cs_plain_error(400, "Malformed query string")));
    };
    let Some(account) = account_for(state, key, query.get("accountId")) else {
        return Err(refuse(cs_plain_error(
            404,
            "LinkedIn account not found for this API key",
        )));
    };
    let account_id = account.account_id.as_str();
    match call::begin(state, route, account_id, &secrets(headers, key)).await {
        Proceed::Answer(response) => Err(labelled(response, account_id)),
        Proceed::Serve { truncate } => Ok(Resolved {
            key,
            account,
            query,
            truncate,
        }),
    }
}

/// `GET /linkedin/conversations?accountId&count&nextCursor&unreadOnly`: the seed's
/// conversations in the seed's order, in the successor's shape; `unreadOnly=true` keeps the
/// unread ones (connectsafely.ai docs `get-conversations-list-conversations`). `labelId`,
/// `keywords`, `read` and other parameters are accepted and ignored (the demo data has no
/// labels).
pub async fn conversations(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let call = match resolve(&state, Route::CsConversations, &headers, query.as_deref()).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let response = match list(&state, &call) {
        Ok(response) | Err(response) => response,
    };
    labelled(response, &call.account.account_id)
}

fn list(state: &AppState, call: &Resolved<'_>) -> Result<Response, Response> {
    let count = parse_count(call.query.get("count"), DEFAULT_CONVERSATIONS)
        .ok_or_else(|| cs_plain_error(400, "count must be an integer between 1 and 100"))?;
    let after = match call.query.get("nextCursor") {
        None => None,
        Some(text) => Some(
            cursor::decode(text.strip_prefix(CURSOR_PREFIX).unwrap_or(text))
                .ok_or_else(|| cs_plain_error(400, "nextCursor is invalid or expired"))?,
        ),
    };
    let unread_only = match call.query.get("unreadOnly") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(cs_plain_error(400, "unreadOnly must be true or false")),
    };
    let account = &*call.account;
    let all: Vec<&Conversation> = account
        .conversations
        .iter()
        .filter(|c| !unread_only || !c.is_read())
        .collect();
    let page = cursor::page(&all, after.as_ref(), count);
    // The seed path's quota, so a redirected client meets the same limit.
    spend_daily_call(state, &account.account_id, |message| {
        cs_plain_error(429, message)
    })?;
    let body = CsConversationList {
        success: true,
        conversations: page
            .items
            .iter()
            .enumerate()
            .map(|(i, c)| CsListedConversation::new(account, c, page.start + i))
            .collect(),
        accounts: call
            .key
            .accounts
            .iter()
            .filter_map(|id| state.account(id))
            .map(|a| CsAccount {
                id: a.account_id.clone(),
                name: a.owner.name(),
            })
            .collect(),
        next_cursor: page.next_cursor.map(|c| format!("{CURSOR_PREFIX}{c}")),
        has_more: page.has_more,
        from_cache: false,
    };
    Ok(ok_json(&body, call.truncate))
}

/// `GET /linkedin/conversations/{conversationUrn}/messages?accountId&count&cursor&since&sync`:
/// one thread, newest first. The URN may be the `msg_conversation` URN, a `messagingThread`
/// URN or the bare thread id. `sync` is accepted and ignored.
pub async fn thread_messages(
    State(state): State<Arc<AppState>>,
    Path(conversation_urn): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let call = match resolve(&state, Route::CsThreadMessages, &headers, query.as_deref()).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let response = match messages(&call, &conversation_urn) {
        Ok(response) | Err(response) => response,
    };
    labelled(response, &call.account.account_id)
}

fn messages(call: &Resolved<'_>, conversation_urn: &str) -> Result<Response, Response> {
    let count = parse_count(call.query.get("count"), DEFAULT_MESSAGES)
        .ok_or_else(|| cs_plain_error(400, "count must be an integer between 1 and 100"))?;
    let timestamp = |name: &str| match call.query.get(name) {
        None => Ok(None),
        Some(text) => text.parse::<i64>().map(Some).map_err(|_| {
            cs_plain_error(400, &format!("{name} must be a timestamp in milliseconds"))
        }),
    };
    let (before, after) = (timestamp("cursor")?, timestamp("since")?);
    let account = &*call.account;
    let conversation = account
        .find_thread(conversation_urn)
        .ok_or_else(|| cs_plain_error(404, "Conversation not found"))?;
    let (page, has_more) = conversation.messages_between(before, after, count);
    let body = CsThreadMessages {
        success: true,
        messages: page
            .iter()
            .map(|m| CsThreadMessage::new(account, conversation, m))
            .collect(),
        participants: conversation
            .participants
            .iter()
            .map(CsThreadPerson::new)
            .collect(),
        has_more,
        cursor: page
            .last()
            .filter(|_| has_more)
            .map(|m| m.timestamp.to_string()),
        note: THREAD_NOTE,
    };
    Ok(ok_json(&body, call.truncate))
}
