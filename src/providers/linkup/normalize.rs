//! LinkupAPI wire types to the inbox model.

use serde_json::Value;

use super::wire::{ConversationData, WireMessage};
use crate::cursor::{Cursor, Provider};
use crate::ids::{conversation_key, thread_of_message};
use crate::merge::dedupe_newest_first;
use crate::model::{Message, MessageKind, MessagePage, Sender, ThreadInfo};
use crate::query::MessageTarget;

pub(super) fn page(
    data: ConversationData,
    target: &MessageTarget,
    fingerprint: &str,
    credit_cost: u32,
) -> MessagePage {
    let wire_messages = data.messages.unwrap_or_default();
    let conversation_id = conversation_of(data.conversation_id, target, &wire_messages);
    let oldest_timestamp = wire_messages.iter().map(|m| m.timestamp).min();
    let key = conversation_key(&conversation_id);
    let items = dedupe_newest_first(
        wire_messages
            .into_iter()
            .map(|m| message(m, &key))
            .collect(),
    );
    let pagination = data.pagination;
    let has_next_page = pagination
        .as_ref()
        .and_then(|p| p.has_next_page)
        .or(data.has_next_page);
    let sent_cursor = pagination
        .and_then(|p| p.next_cursor)
        .or(data.next_cursor)
        .and_then(|c| match c {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    // v1 says `has_next_page` (its cursor may be missing: the oldest timestamp stands in); the
    // documented v2 answer has no `has_next_page`, and a non-empty `next_cursor` means "more".
    let upstream_cursor = match has_next_page {
        Some(true) => sent_cursor.or_else(|| oldest_timestamp.map(|t| t.to_string())),
        Some(false) => None,
        None => sent_cursor,
    };
    let next_cursor = upstream_cursor
        .filter(|_| !items.is_empty())
        .map(|upstream| Cursor::upstream(Provider::Linkup, fingerprint, upstream).encode());
    MessagePage {
        items,
        next_cursor,
        total: data.total_results.or(data.total_message_count),
        thread: ThreadInfo {
            urn: Some(conversation_id).filter(|id| id.starts_with("urn:li:msg_conversation:")),
            conversation_id: key,
            profile_url: data.profile_url,
            unread_count: data.unread_count.unwrap_or(0),
            last_seen_at: data.last_seen_at,
            last_message_seen: data.last_seen_message.unwrap_or(false),
            other_member_message_count: data.total_other_member_message_count,
        },
        credit_cost,
    }
}

/// The conversation a page belongs to: the answer's `conversation_id` (v1), else the one the
/// request named, else the thread the messages' `entity_urn`s name (`2-<base64 "…&thread">`),
/// else the profile URL the request named. v2 `get_conversation` has no `conversation_id`, so a
/// thread read by profile URL is keyed by its messages, or by that URL: never by `""`.
fn conversation_of(
    answered: Option<String>,
    target: &MessageTarget,
    messages: &[WireMessage],
) -> String {
    answered
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| match target {
            MessageTarget::ConversationId(id) => id.clone(),
            MessageTarget::ProfileUrl(url) => messages
                .iter()
                .find_map(|m| thread_of_message(&m.entity_urn))
                .unwrap_or_else(|| url.clone()),
        })
}

fn message(wire: WireMessage, conversation_id: &str) -> Message {
    let raw_kind = wire.message_type.unwrap_or_default();
    let info = wire.sender_info;
    let (first_name, last_name, profile_url, urn) = match info {
        Some(i) => (i.first_name, i.last_name, i.profile_url, i.urn),
        None => (None, None, None, None),
    };
    let name = wire.sender.filter(|n| !n.is_empty()).unwrap_or_else(|| {
        [first_name.as_deref(), last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    });
    Message {
        id: wire.entity_urn,
        conversation_id: conversation_id.to_owned(),
        text: wire.text.unwrap_or_default(),
        sent_at: wire.timestamp,
        kind: MessageKind::from_upstream(&raw_kind),
        raw_kind,
        sender: Sender {
            name,
            first_name,
            last_name,
            profile_url,
            urn,
        },
        // LinkupAPI documents no attachments on read messages.
        attachments: Vec::new(),
    }
}
