//! LinkupAPI wire types to the inbox model.

use serde_json::Value;

use super::wire::{ConversationData, WireMessage};
use super::MessageTarget;
use crate::cursor::{Cursor, Provider};
use crate::ids::conversation_key;
use crate::merge::dedupe_newest_first;
use crate::model::{Message, MessageKind, MessagePage, Sender, ThreadInfo};

pub(super) fn page(
    data: ConversationData,
    target: &MessageTarget,
    fingerprint: &str,
    credit_cost: u32,
) -> MessagePage {
    let conversation_id = data
        .conversation_id
        .clone()
        .unwrap_or_else(|| match target {
            MessageTarget::ConversationId(id) => id.clone(),
            MessageTarget::ProfileUrl(_) => String::new(),
        });
    let wire_messages = data.messages.unwrap_or_default();
    let oldest_timestamp = wire_messages.iter().map(|m| m.timestamp).min();
    let items = dedupe_newest_first(
        wire_messages
            .into_iter()
            .map(|m| message(m, &conversation_key(&conversation_id)))
            .collect(),
    );
    let pagination = data.pagination;
    let has_next_page = pagination
        .as_ref()
        .and_then(|p| p.has_next_page)
        .or(data.has_next_page)
        .unwrap_or(false);
    let upstream_cursor = pagination
        .and_then(|p| p.next_cursor)
        .or(data.next_cursor)
        .and_then(|c| match c {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .or_else(|| oldest_timestamp.map(|t| t.to_string()));
    let next_cursor = upstream_cursor
        .filter(|_| has_next_page && !items.is_empty())
        .map(|upstream| Cursor::upstream(Provider::Linkup, fingerprint, upstream).encode());
    MessagePage {
        items,
        next_cursor,
        total: data.total_results,
        thread: ThreadInfo {
            urn: Some(conversation_id.clone())
                .filter(|id| id.starts_with("urn:li:msg_conversation:")),
            conversation_id: conversation_key(&conversation_id),
            profile_url: data.profile_url,
            unread_count: data.unread_count.unwrap_or(0),
            last_seen_at: data.last_seen_at,
            last_message_seen: data.last_seen_message.unwrap_or(false),
            other_member_message_count: data.total_other_member_message_count,
        },
        credit_cost,
    }
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
    }
}
