//! LinkupAPI's inbox list: `POST /v1/messages/inbox` (v1, the session in the body) and v2's
//! `list_inbox`. Neither filters by `unread` or `keywords`: pages of a filtered query say
//! `filtersApplied: false` and the caller filters. 1 credit per 10 requested results.

use serde::Serialize;
use serde_json::Value;

use super::wire::{InboxConversation, InboxData, InboxResponse, V2Envelope};
use super::{credit_cost, Linkup, Session};
use crate::country::Country;
use crate::cursor::{Cursor, Provider};
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use crate::ids::conversation_key;
use crate::model::{Conversation, ConversationPage, LatestMessage, Participant};
use crate::providers::connectsafely::normalize_picture_expiry;
use crate::providers::response::{decode_json, error_from_response};
use crate::query::{ConversationQuery, DEFAULT_MESSAGE_COUNT};
use crate::validate;

const PATH: &str = "/v1/messages/inbox";

#[derive(Serialize)]
struct InboxBody<'a> {
    login_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'static str>,
    total_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<&'a str>,
}

/// What an inbox query sends: its page size, its upstream cursor, its cursor fingerprint,
/// and whether it filters.
pub(super) struct InboxPlan {
    pub total_results: u32,
    pub cursor: Option<String>,
    pub fingerprint: String,
    pub filters: bool,
}

pub(super) fn plan(query: &ConversationQuery) -> Result<InboxPlan> {
    let checked = query.check()?;
    let total_results = validate::count("count", query.count)?.unwrap_or(DEFAULT_MESSAGE_COUNT);
    let cursor = query.upstream_cursor(&checked, Provider::Linkup)?;
    Ok(InboxPlan {
        total_results,
        cursor,
        filters: checked.keywords.is_some() || checked.read.is_some(),
        fingerprint: checked.fingerprint,
    })
}

impl Linkup {
    /// Builds the inbox list for `query` (v1 `POST /v1/messages/inbox`, or v2 `list_inbox`).
    pub fn build_inbox(&self, query: &ConversationQuery) -> Result<HttpRequest> {
        let plan = plan(query)?;
        if let Session::V2 { account_id } = &self.session {
            return Ok(super::v2::build_list_inbox(self, account_id, &plan));
        }
        let body = InboxBody {
            login_token: self.login_token()?,
            country: self.country.map(Country::as_str),
            total_results: plan.total_results,
            next_cursor: plan.cursor.as_deref(),
        };
        Ok(self.post(
            PATH,
            serde_json::to_string(&body)
                .unwrap_or_else(|_| unreachable!("strings and integers serialize")),
        ))
    }

    /// Parses the response to [`Self::build_inbox`] for the same `query`.
    pub fn parse_inbox(
        &self,
        query: &ConversationQuery,
        response: &HttpResponse,
    ) -> Result<ConversationPage> {
        let parse = || {
            let plan = plan(query)?;
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let (data, credits) = match &self.session {
                Session::V2 { .. } => {
                    let body: V2Envelope<InboxData> = decode_json(response)?;
                    let credits = body.metadata.and_then(|m| m.credits_consumed);
                    match body.data.filter(|_| body.success != Some(false)) {
                        Some(data) => (data, credits),
                        None => return Err(error_from_response(response)),
                    }
                }
                Session::V1(_) => {
                    let body: InboxResponse = decode_json(response)?;
                    match body
                        .data
                        .filter(|_| body.status.as_deref().is_none_or(|s| s == "success"))
                    {
                        Some(data) => (data, None),
                        None => return Err(error_from_response(response)),
                    }
                }
            };
            Ok(page(
                data,
                &plan,
                credits.unwrap_or_else(|| credit_cost(plan.total_results)),
            ))
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}

fn page(data: InboxData, plan: &InboxPlan, credit_cost: u32) -> ConversationPage {
    let items: Vec<Conversation> = data
        .conversations
        .unwrap_or_default()
        .into_iter()
        .map(conversation)
        .collect();
    let next_cursor = match data.next_cursor {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
    .filter(|_| !items.is_empty())
    .map(|c| Cursor::upstream(Provider::Linkup, &plan.fingerprint, c).encode());
    ConversationPage {
        items,
        next_cursor,
        total: data.total_results.filter(|_| !plan.filters),
        account_id: None,
        owner_profile_urn: None,
        filters_applied: !plan.filters,
        credit_cost,
    }
}

fn conversation(wire: InboxConversation) -> Conversation {
    let id = conversation_key(&wire.conversation_id);
    let unread_count = wire.unread.map_or(0, |u| u.count());
    let participant = wire.participant.map(|p| {
        let profile_id = p
            .profile_url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .unwrap_or_default()
            .to_owned();
        Participant {
            profile_id,
            name: p.name.unwrap_or_default(),
            headline: p.headline.filter(|h| !h.is_empty()),
            profile_url: p.profile_url,
            picture_expires_at: p
                .profile_picture
                .as_deref()
                .and_then(normalize_picture_expiry),
            picture_url: p.profile_picture,
            distance: None,
            raw_distance: None,
            member_badge_type: None,
            participant_urn: None,
            backend_urn: None,
            host_identity_urn: None,
        }
    });
    let last_activity_at = wire.last_message.as_ref().and_then(|m| m.time);
    let latest_message = wire.last_message.map(|m| {
        let (sender_name, sender_profile_url, from_self) = match m.sender {
            Some(Value::String(name)) => (Some(name), None, false),
            Some(Value::Object(sender)) => (
                sender
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                sender
                    .get("profile_url")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                sender.get("is_me").is_some_and(is_true),
            ),
            _ => (None, None, false),
        };
        LatestMessage {
            id: String::new(),
            backend_urn: None,
            text: m.text.unwrap_or_default(),
            sent_at: m.time,
            sender_name,
            sender_profile_url,
            sender_urn: None,
            from_self,
            has_attachment: false,
        }
    });
    Conversation {
        urn: Some(wire.conversation_id).filter(|c| c.starts_with("urn:li:msg_conversation:")),
        thread_id: id.clone(),
        id,
        provider: Provider::Linkup,
        backend_urn: None,
        url: None,
        participants: participant.into_iter().collect(),
        unread_count,
        is_read: unread_count == 0,
        last_activity_at,
        created_at: None,
        last_read_at: None,
        state: None,
        latest_message,
        account: None,
        triage: None,
    }
}

/// A flag as `true` or a non-zero number (LinkupAPI writes flags either way).
fn is_true(value: &Value) -> bool {
    value
        .as_bool()
        .unwrap_or_else(|| value.as_u64().is_some_and(|n| n > 0))
}
