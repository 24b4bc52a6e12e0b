//! The conversation 200 body as LinkupAPI sends it. Tolerant: unknown fields are ignored,
//! optional fields may be missing or null.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A flag LinkupAPI documents as an integer (`"unread": 0` / `1` in every inbox example, v1 and
/// v2) and older copies sent as a boolean: both are read. An integer above 1 is kept as a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(super) enum FlagOrCount {
    Flag(bool),
    Count(u64),
}

impl FlagOrCount {
    /// As a count: `true` is 1, `false` is 0.
    pub fn count(self) -> u32 {
        match self {
            Self::Flag(flag) => u32::from(flag),
            Self::Count(count) => u32::try_from(count).unwrap_or(u32::MAX),
        }
    }
}

/// `Option<bool>` from a boolean or an integer (non-zero is `true`).
fn opt_flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    Ok(Option::<FlagOrCount>::deserialize(deserializer)?.map(|f| f.count() > 0))
}

#[derive(Debug, Deserialize)]
pub(super) struct ConversationResponse {
    pub status: Option<String>,
    pub data: Option<ConversationData>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ConversationData {
    pub conversation_id: Option<String>,
    pub profile_url: Option<String>,
    #[serde(default, deserialize_with = "crate::js_int::opt_uint")]
    pub total_results: Option<u64>,
    /// v2 `get_conversation`'s name for the thread's message count (v1: `total_results`).
    #[serde(default, deserialize_with = "crate::js_int::opt_uint")]
    pub total_message_count: Option<u64>,
    #[serde(default, deserialize_with = "crate::js_int::opt_uint")]
    pub total_other_member_message_count: Option<u64>,
    pub unread_count: Option<u32>,
    #[serde(default, deserialize_with = "opt_flag")]
    pub last_seen_message: Option<bool>,
    #[serde(default, deserialize_with = "crate::time::opt_time")]
    pub last_seen_at: Option<i64>,
    pub messages: Option<Vec<WireMessage>>,
    pub pagination: Option<Pagination>,
    /// v2 `get_conversation`: the pagination fields sit in `data` itself. The documented v2
    /// answer has `next_cursor` only; `has_next_page` is read when present.
    pub next_cursor: Option<Value>,
    pub has_next_page: Option<bool>,
}

/// `POST /v1/messages/inbox` and v2 `list_inbox` data.
#[derive(Debug, Deserialize)]
pub(super) struct InboxData {
    pub conversations: Option<Vec<InboxConversation>>,
    #[serde(default, deserialize_with = "crate::js_int::opt_uint")]
    pub total_results: Option<u64>,
    pub next_cursor: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(super) struct InboxConversation {
    pub conversation_id: String,
    pub participant: Option<InboxParticipant>,
    pub last_message: Option<InboxMessage>,
    /// `0`/`1` as documented, or a boolean.
    pub unread: Option<FlagOrCount>,
}

#[derive(Debug, Deserialize)]
pub(super) struct InboxParticipant {
    pub name: Option<String>,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    pub profile_picture: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct InboxMessage {
    pub text: Option<String>,
    #[serde(default, deserialize_with = "crate::time::opt_time")]
    pub time: Option<i64>,
    /// v1: the sender's name; v2: `{name, headline, profile_url, profile_picture, is_me}`.
    pub sender: Option<Value>,
}

/// The v2 envelope `{success, data, metadata, error}`.
#[derive(Debug, Deserialize)]
pub(super) struct V2Envelope<T> {
    pub success: Option<bool>,
    pub data: Option<T>,
    pub metadata: Option<V2Metadata>,
}

#[derive(Debug, Deserialize)]
pub(super) struct V2Metadata {
    pub credits_consumed: Option<u32>,
}

/// `POST /v1/messages/inbox` 200 body.
#[derive(Debug, Deserialize)]
pub(super) struct InboxResponse {
    pub status: Option<String>,
    pub data: Option<InboxData>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireMessage {
    pub text: Option<String>,
    #[serde(deserialize_with = "crate::time::time")]
    pub timestamp: i64,
    pub sender: Option<String>,
    pub sender_info: Option<SenderInfo>,
    pub message_type: Option<String>,
    pub entity_urn: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct SenderInfo {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub profile_url: Option<String>,
    pub urn: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Pagination {
    // `count` (the page's item count) is documented too; the items themselves are counted.
    pub has_next_page: Option<bool>,
    /// A timestamp, documented as a string; a number is accepted too.
    pub next_cursor: Option<Value>,
}
