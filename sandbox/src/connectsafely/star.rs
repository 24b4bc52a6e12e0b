//! ConnectSafely's star (CS-mirror, `shared/provider-contracts.md` §6): `PATCH
//! /linkedin/conversations/{conversationUrn}/star` and `/unstar`. The mirror gives the method
//! and path only; the sandbox opens them as `mark-unread` (`?accountId`, no body, the action
//! faults) and answers `{"success": true, "conversationUrn", "starred", "message"}`. Whether
//! a conversation is starred is not on any documented list or thread answer, so the sandbox
//! shows it in `/__sandbox/stats` (`starred`, per account). Other plausible answer forms, the
//! star done all the same: `/__sandbox/settings {"starAnswer": "empty"|"is-starred"|"text"}`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::actions::{conversation_not_found, open_patch};
use crate::call;
use crate::respond::{labelled, ok_json, raw};
use crate::route::Route;
use crate::state::{AppState, Mutable};
use crate::wire::CsStarAnswer;

/// The form of a done star's answer (the real one is not documented).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StarAnswer {
    /// `{"success": true, "conversationUrn", "starred", "message"}` (mark-unread's form).
    #[default]
    Json,
    /// 204 with no body.
    Empty,
    /// 200 `{"isStarred": ...}` and nothing else.
    IsStarred,
    /// 200 `OK` as plain text.
    Text,
}

/// `PATCH /linkedin/conversations/{conversationUrn}/star?accountId`.
pub async fn star(
    State(state): State<Arc<AppState>>,
    Path(conversation_urn): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    set(&state, Route::CsStar, conversation_urn, &headers, query).await
}

/// `PATCH /linkedin/conversations/{conversationUrn}/unstar?accountId`.
pub async fn unstar(
    State(state): State<Arc<AppState>>,
    Path(conversation_urn): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    set(&state, Route::CsUnstar, conversation_urn, &headers, query).await
}

async fn set(
    state: &AppState,
    route: Route,
    conversation_urn: String,
    headers: &HeaderMap,
    query: Option<String>,
) -> Response {
    call::provider_latency(state).await;
    let opened = open_patch(state, route, headers, query.as_deref(), &conversation_urn).await;
    let (account, truncate) = match opened {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let label = account.account_id.as_str();
    let starred = route == Route::CsStar;
    let mut m = state.lock();
    let (done, form) = (
        star_conversation(&mut m, label, &conversation_urn, starred),
        m.star_answer,
    );
    drop(m);
    let response = match (done, form) {
        (false, _) => conversation_not_found(),
        (true, StarAnswer::Empty) => raw(204, "text/plain", String::new()),
        (true, StarAnswer::Text) => raw(200, "text/plain", "OK".into()),
        (true, StarAnswer::IsStarred) => {
            ok_json(&serde_json::json!({ "isStarred": starred }), truncate)
        }
        (true, StarAnswer::Json) => ok_json(
            &CsStarAnswer {
                success: true,
                conversation_urn,
                starred,
                message: match starred {
                    true => "Conversation starred",
                    false => "Conversation unstarred",
                },
            },
            truncate,
        ),
    };
    labelled(response, label)
}

/// Stars or unstars the conversation `id` (any thread id form) of the account; `false` if
/// unknown.
fn star_conversation(m: &mut Mutable, account_id: &str, id: &str, starred: bool) -> bool {
    let thread = m
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .and_then(|a| a.find_thread_index(id).map(|i| &a.conversations[i]))
        .map(|c| c.thread_id.clone());
    let Some(thread) = thread else {
        return false;
    };
    let key = (account_id.to_owned(), thread);
    match starred {
        true => m.starred.insert(key),
        false => m.starred.remove(&key),
    };
    true
}
