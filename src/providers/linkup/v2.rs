//! LinkupAPI v2: one endpoint, `POST /v2/messages {account_id, action, params}`, answering
//! `{success, data, metadata {credits_consumed}}` or `{success: false, error {code, message}}`
//! (INVALID_API_KEY 403, INVALID_ACCOUNT 404, ACCOUNT_INACTIVE 403, INVALID_PARAMS 400,
//! RATE_LIMITED 429, INSUFFICIENT_CREDITS 402, INTERNAL_ERROR 500: mapped by status and code in
//! `providers/response.rs`). Ids come bare (`2-...`, v2 `send`) or as full URNs (`list_inbox`,
//! `get_conversation`), times as epoch ms or ISO-8601: every form is read.

use serde::Serialize;

use super::inbox::InboxPlan;
use super::normalize;
use super::wire::{ConversationData, V2Envelope};
use super::{credit_cost, Checked, Linkup};
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use crate::model::MessagePage;
use crate::providers::response::{decode_json, error_from_response};
use crate::query::{MessageQuery, MessageTarget};

const PATH: &str = "/v2/messages";

#[derive(Serialize)]
struct Envelope<'a, P: Serialize> {
    account_id: &'a str,
    action: &'static str,
    params: P,
}

#[derive(Serialize)]
struct ListInbox<'a> {
    count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
}

#[derive(Serialize)]
struct GetConversation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_url: Option<&'a str>,
    count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
}

fn envelope<P: Serialize>(account_id: &str, action: &'static str, params: P) -> String {
    serde_json::to_string(&Envelope {
        account_id,
        action,
        params,
    })
    .unwrap_or_else(|_| unreachable!("strings and integers serialize"))
}

pub(super) fn build_list_inbox(linkup: &Linkup, account_id: &str, plan: &InboxPlan) -> HttpRequest {
    let params = ListInbox {
        count: plan.total_results,
        cursor: plan.cursor.as_deref(),
    };
    linkup.post(PATH, envelope(account_id, "list_inbox", params))
}

pub(super) fn build_get_conversation(
    linkup: &Linkup,
    account_id: &str,
    query: &MessageQuery,
) -> Result<HttpRequest> {
    let checked = query.check()?;
    let cursor = query.upstream_cursor(&checked)?;
    let (conversation_id, profile_url) = match &checked.target {
        MessageTarget::ConversationId(id) => (Some(id.as_str()), None),
        MessageTarget::ProfileUrl(url) => (None, Some(url.as_str())),
    };
    let params = GetConversation {
        conversation_id,
        profile_url,
        count: checked.total_results,
        cursor: cursor.as_deref(),
    };
    Ok(linkup.post(PATH, envelope(account_id, "get_conversation", params)))
}

pub(super) fn parse_get_conversation(
    checked: &Checked,
    response: &HttpResponse,
) -> Result<MessagePage> {
    if !(200..300).contains(&response.status) {
        return Err(error_from_response(response));
    }
    let body: V2Envelope<ConversationData> = decode_json(response)?;
    let Some(data) = body.data.filter(|_| body.success != Some(false)) else {
        return Err(error_from_response(response));
    };
    let credits = body
        .metadata
        .and_then(|m| m.credits_consumed)
        .unwrap_or_else(|| credit_cost(checked.total_results));
    Ok(normalize::page(
        data,
        &checked.target,
        &checked.fingerprint,
        credits,
    ))
}
