//! The v2 read actions `list_inbox` and `get_conversation` (docs.linkupapi.com
//! api-reference/v2/messages/list-inbox, .../get-conversation).

use axum::response::Response;
use serde_json::{Map, Value};

use super::{invalid_params, text, Call};
use crate::cursor;
use crate::data::{find_by_profile, Conversation};
use crate::linkup::credit_cost;
use crate::wire::{V2Conversation, V2Inbox, V2InboxConversation, V2Message};

const DEFAULT_COUNT: u64 = 10;
const MAX_COUNT: u64 = 100;

/// `params.count`: 1..=100, 10 when absent.
fn count(params: &Map<String, Value>) -> Result<u64, Response> {
    match params.get("count") {
        None | Some(Value::Null) => Ok(DEFAULT_COUNT),
        Some(value) => value
            .as_u64()
            .filter(|n| (1..=MAX_COUNT).contains(n))
            .ok_or_else(|| invalid_params("count must be an integer between 1 and 100")),
    }
}

/// `list_inbox {count?, category?, cursor?}`: conversations newest first; `cursor` is the
/// previous page's `next_cursor`; `category` is any string, ignored. Billed per 10 returned.
pub fn list_inbox(call: &Call<'_>, params: &Map<String, Value>) -> Result<Response, Response> {
    let count = count(params)?;
    text(params, "category")?;
    let after = match text(params, "cursor")? {
        None => None,
        Some(cursor) => Some(
            cursor::decode(cursor).ok_or_else(|| invalid_params("cursor is invalid or expired"))?,
        ),
    };
    let account = call.account;
    let all: Vec<&Conversation> = account.conversations.iter().collect();
    let page = cursor::page(&all, after.as_ref(), count as usize);
    // "1 credit per 10 results returned" (docs.linkupapi.com api-reference/v2/messages/list-inbox).
    let cost = credit_cost(page.items.len() as u64);
    let data = V2Inbox {
        conversations: page
            .items
            .iter()
            .map(|c| V2InboxConversation::new(account, c))
            .collect(),
        total_results: all.len(),
        next_cursor: page.next_cursor,
    };
    call.succeed("list_inbox", cost, data)
}

/// `get_conversation {conversation_id | profile_url, count?, cursor?}`: one thread newest
/// first; `cursor` (epoch ms, string or number) returns strictly older messages.
pub fn get_conversation(
    call: &Call<'_>,
    params: &Map<String, Value>,
) -> Result<Response, Response> {
    let count = count(params)?;
    let before = match params.get("cursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.parse::<i64>().ok()),
        Some(Value::Number(n)) => Some(n.as_i64()),
        Some(_) => Some(None),
    }
    .map(|parsed| {
        parsed.ok_or_else(|| invalid_params("cursor must be a timestamp in milliseconds"))
    })
    .transpose()?;
    let account = call.account;
    let conversation = match (
        text(params, "conversation_id")?,
        text(params, "profile_url")?,
    ) {
        (Some(_), Some(_)) => {
            return Err(invalid_params(
                "Provide either conversation_id or profile_url, not both",
            ))
        }
        (None, None) => return Err(invalid_params("conversation_id or profile_url is required")),
        (Some(id), None) => account.find_thread(id),
        (None, Some(url)) => find_by_profile(account, url),
    }
    .ok_or_else(|| {
        invalid_params("No conversation found for this conversation_id or profile_url")
    })?;
    let (page, has_next_page) = conversation.messages_between(before, None, count as usize);
    let data = V2Conversation {
        total_message_count: conversation.messages.len(),
        messages: page
            .iter()
            .map(|m| V2Message::new(account, conversation, m))
            .collect(),
        last_seen_message: conversation
            .last_seen_message
            .unwrap_or(conversation.is_read()),
        last_seen_at: conversation
            .last_seen_at
            .unwrap_or(conversation.last_read_at),
        unread_count: conversation.unread_count,
        next_cursor: page
            .last()
            .filter(|_| has_next_page)
            .map(|m| m.timestamp.to_string()),
    };
    call.succeed("get_conversation", credit_cost(count), data)
}
