//! ConnectSafely wire types to the inbox model.

use serde_json::Value;

use super::wire::{RecentMessages, WireConversation, WireLatestMessage, WireParticipant};
use crate::cursor::{Cursor, Provider};
use crate::ids::conversation_key;
use crate::model::{Conversation, ConversationPage, LatestMessage, NetworkDistance, Participant};

/// A page of either list endpoint; `filters_applied` says whether the endpoint that answered
/// applied the query's filters (the seed path does; its successor only `unread: true`).
pub(super) fn page(
    body: RecentMessages,
    fingerprint: &str,
    filters_applied: bool,
) -> ConversationPage {
    let owner = body.profile_urn.as_deref();
    let items = body
        .conversations
        .unwrap_or_default()
        .into_iter()
        .map(|c| conversation(c, owner))
        .collect();
    let next_cursor = body
        .next_cursor
        .filter(|c| !c.is_empty() && body.has_more != Some(false))
        .map(|upstream| Cursor::upstream(Provider::ConnectSafely, fingerprint, upstream).encode());
    ConversationPage {
        items,
        next_cursor,
        total: body.total.filter(|_| filters_applied),
        account_id: body.account_id.or_else(|| {
            // The successor lists the key's accounts instead; one account is unambiguous.
            match body.accounts.as_deref() {
                Some([only]) => only.id.clone(),
                _ => None,
            }
        }),
        owner_profile_urn: body.profile_urn,
        filters_applied,
        credit_cost: 0,
    }
}

fn conversation(wire: WireConversation, owner: Option<&str>) -> Conversation {
    let thread_id = wire
        .conversation_id
        .filter(|id| !id.is_empty())
        .map(|id| conversation_key(&id))
        .unwrap_or_else(|| conversation_key(&wire.conversation_urn));
    let unread_count = wire.unread_count.unwrap_or(0);
    Conversation {
        id: thread_id.clone(),
        urn: Some(wire.conversation_urn).filter(|urn| urn.starts_with("urn:")),
        provider: Provider::ConnectSafely,
        thread_id,
        backend_urn: wire.backend_conversation_urn,
        url: wire.conversation_url,
        participants: wire
            .participants
            .unwrap_or_default()
            .into_iter()
            .map(participant)
            .collect(),
        unread_count,
        is_read: wire.is_read.unwrap_or(unread_count == 0),
        last_activity_at: wire.last_activity_at,
        created_at: wire.created_at,
        last_read_at: wire.last_read_at,
        state: wire.state.and_then(value_text),
        latest_message: wire.latest_message.map(|m| latest_message(m, owner)),
        account: None,
        triage: None,
    }
}

fn value_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

pub(crate) fn participant(wire: WireParticipant) -> Participant {
    Participant {
        profile_id: wire.profile_id.unwrap_or_default(),
        name: wire.name.unwrap_or_default(),
        headline: wire.headline.filter(|h| !h.is_empty()),
        profile_url: wire.profile_url,
        picture_expires_at: wire.profile_picture.as_deref().and_then(picture_expiry_ms),
        picture_url: wire.profile_picture,
        distance: wire.distance.as_deref().map(NetworkDistance::from_upstream),
        raw_distance: wire.distance,
        member_badge_type: wire.member_badge_type.and_then(value_text),
        participant_urn: wire.participant_urn,
        backend_urn: wire.backend_urn,
        host_identity_urn: wire.host_identity_urn,
    }
}

/// The `e=` query parameter of a LinkedIn media URL (epoch seconds), in epoch ms.
pub(crate) fn picture_expiry_ms(url: &str) -> Option<i64> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("e="))
        .and_then(|secs| secs.parse::<i64>().ok())
        .and_then(|secs| secs.checked_mul(1000))
        .filter(|ms| crate::js_int::is_safe(*ms))
}

fn latest_message(wire: WireLatestMessage, owner: Option<&str>) -> LatestMessage {
    let from_self = match (owner, wire.sender_urn.as_deref()) {
        (Some(owner), Some(sender)) => !owner.is_empty() && sender.ends_with(owner),
        _ => false,
    };
    LatestMessage {
        id: wire.message_urn.unwrap_or_default(),
        backend_urn: wire.backend_message_urn,
        text: wire.text.unwrap_or_default(),
        sent_at: wire.sent_at,
        sender_name: wire.sender_name,
        sender_profile_url: wire.sender_profile_url,
        sender_urn: wire.sender_urn,
        from_self,
        has_attachment: wire.has_attachment.unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picture_expiry_is_read_from_e() {
        assert_eq!(
            picture_expiry_ms("https://media.licdn.com/x?e=1700000000&v=beta&t=abc"),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            picture_expiry_ms("https://media.licdn.com/x?v=1&e=12"),
            Some(12_000)
        );
        assert_eq!(
            picture_expiry_ms("https://media.licdn.com/dms/image/..."),
            None
        );
        assert_eq!(picture_expiry_ms("https://x/?e=abc"), None);
        assert_eq!(picture_expiry_ms("https://x/?e=99999999999999999"), None);
        assert_eq!(
            picture_expiry_ms("https://x/?e=9007199254741"),
            None,
            "beyond a JS number once in ms"
        );
    }

    #[test]
    fn thread_id_comes_from_the_urn_when_missing() {
        assert_eq!(
            conversation_key("urn:li:msg_conversation:(urn:li:fsd_profile:A,2-XYZ==)"),
            "2-XYZ=="
        );
    }
}
