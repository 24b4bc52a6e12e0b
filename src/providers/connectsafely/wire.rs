//! ConnectSafely 200 bodies: the seed recent-messages page, its successor `/conversations`
//! (same conversation shape with fewer fields, `hasMore`, `accounts`, no `total`), and a
//! thread's messages. Tolerant: unknown fields are ignored, optional fields may be missing
//! or null, times may be epoch ms or ISO-8601.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecentMessages {
    pub success: Option<bool>,
    pub account_id: Option<String>,
    pub profile_urn: Option<String>,
    pub conversations: Option<Vec<WireConversation>>,
    #[serde(default, deserialize_with = "crate::js_int::opt_uint")]
    pub total: Option<u64>,
    pub next_cursor: Option<String>,
    /// Successor only.
    pub has_more: Option<bool>,
    /// Successor only: the accounts of the key.
    pub accounts: Option<Vec<WireAccount>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireAccount {
    pub id: Option<String>,
}

/// `GET /conversations/{urn}/messages`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ThreadMessages {
    pub messages: Option<Vec<WireThreadMessage>>,
    pub has_more: Option<bool>,
    /// The `sentAt` of the oldest message, for the next (older) page; a string or a number.
    pub cursor: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireThreadMessage {
    pub message_urn: String,
    pub text: Option<String>,
    #[serde(deserialize_with = "crate::time::time")]
    pub sent_at: i64,
    pub sender_profile_id: Option<String>,
    pub sender_name: Option<String>,
    pub has_attachment: Option<bool>,
    /// Item fields undocumented: read tolerantly by [`crate::attachment::parse_attachments`].
    pub attachments: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireConversation {
    pub conversation_id: Option<String>,
    pub conversation_urn: String,
    pub backend_conversation_urn: Option<String>,
    pub conversation_url: Option<String>,
    pub participants: Option<Vec<WireParticipant>>,
    pub unread_count: Option<u32>,
    #[serde(default, deserialize_with = "crate::time::opt_time")]
    pub last_activity_at: Option<i64>,
    #[serde(default, deserialize_with = "crate::time::opt_time")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "crate::time::opt_time")]
    pub last_read_at: Option<i64>,
    pub is_read: Option<bool>,
    pub state: Option<Value>,
    pub latest_message: Option<WireLatestMessage>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireParticipant {
    pub profile_id: Option<String>,
    pub name: Option<String>,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    pub profile_picture: Option<String>,
    pub distance: Option<String>,
    pub member_badge_type: Option<Value>,
    pub participant_urn: Option<String>,
    pub backend_urn: Option<String>,
    pub host_identity_urn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireLatestMessage {
    pub message_urn: Option<String>,
    pub backend_message_urn: Option<String>,
    pub text: Option<String>,
    #[serde(default, deserialize_with = "crate::time::opt_time")]
    pub sent_at: Option<i64>,
    pub sender_name: Option<String>,
    pub sender_profile_url: Option<String>,
    pub sender_urn: Option<String>,
    pub has_attachment: Option<bool>,
}
