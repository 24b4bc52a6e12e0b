//! Response shapes of the seed endpoints (ConnectSafely `GET /linkedin/messaging/recent-messages`,
//! LinkupAPI `POST /v1/messages/conversation`), field order as in the provider docs.

use serde::Serialize;

use crate::data::{Account, Conversation, Message, Person};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentMessages {
    pub success: bool,
    pub account_id: String,
    pub profile_urn: String,
    pub conversations: Vec<CsConversation>,
    pub total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsConversation {
    conversation_id: String,
    conversation_urn: String,
    backend_conversation_urn: String,
    conversation_url: String,
    participants: Vec<CsParticipant>,
    unread_count: u32,
    last_activity_at: i64,
    created_at: i64,
    last_read_at: i64,
    is_read: bool,
    state: Option<String>,
    latest_message: Option<CsLatestMessage>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CsParticipant {
    profile_id: String,
    name: String,
    headline: Option<String>,
    profile_url: String,
    profile_picture: Option<String>,
    distance: Option<String>,
    member_badge_type: Option<String>,
    participant_urn: String,
    backend_urn: String,
    host_identity_urn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CsLatestMessage {
    message_urn: String,
    backend_message_urn: String,
    text: String,
    sent_at: i64,
    sender_name: String,
    sender_profile_url: String,
    sender_urn: String,
    has_attachment: bool,
}

/// Who sent `message`: the owner or one of the participants.
pub fn sender<'a>(
    account: &'a Account,
    conversation: &'a Conversation,
    message: &Message,
) -> &'a Person {
    message
        .sender
        .and_then(|i| conversation.participants.get(i))
        .unwrap_or(&account.owner)
}

impl CsConversation {
    pub fn new(account: &Account, c: &Conversation) -> Self {
        let latest_message = c.messages.first().map(|m| {
            let from = sender(account, c, m);
            CsLatestMessage {
                message_urn: m.urn.clone(),
                backend_message_urn: m.backend_urn.clone(),
                text: m.text.clone(),
                sent_at: m.timestamp,
                sender_name: from.name(),
                sender_profile_url: from.id_url(),
                sender_urn: from.participant_urn(),
                has_attachment: m.has_attachment,
            }
        });
        Self {
            conversation_id: c.thread_id.clone(),
            conversation_urn: c.urn(),
            backend_conversation_urn: format!("urn:li:messagingThread:{}", c.thread_id),
            conversation_url: format!("https://www.linkedin.com/messaging/thread/{}/", c.thread_id),
            participants: c
                .participants
                .iter()
                .map(|p| CsParticipant {
                    profile_id: p.profile_id.clone(),
                    name: p.name(),
                    headline: p.headline.clone(),
                    profile_url: p.id_url(),
                    profile_picture: p.picture.clone(),
                    distance: p.distance.clone(),
                    member_badge_type: None,
                    participant_urn: p.participant_urn(),
                    backend_urn: format!("urn:li:member:{}", p.member_id),
                    host_identity_urn: p.fsd_urn(),
                })
                .collect(),
            unread_count: c.unread_count,
            last_activity_at: c.last_activity_at(),
            created_at: c.created_at,
            last_read_at: c.last_read_at,
            is_read: c.is_read(),
            state: c.state.clone(),
            latest_message,
        }
    }
}

#[derive(Serialize)]
pub struct LinkupResponse {
    pub status: &'static str,
    pub data: LinkupData,
}

#[derive(Serialize)]
pub struct LinkupData {
    pub conversation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    pub total_results: usize,
    pub total_other_member_message_count: usize,
    pub unread_count: u32,
    pub last_seen_message: bool,
    pub last_seen_at: i64,
    pub messages: Vec<LinkupMessage>,
    pub pagination: LinkupPagination,
}

#[derive(Serialize)]
pub struct LinkupMessage {
    text: String,
    timestamp: i64,
    sender: String,
    sender_info: SenderInfo,
    message_type: &'static str,
    entity_urn: String,
}

#[derive(Serialize)]
struct SenderInfo {
    first_name: String,
    last_name: String,
}

impl LinkupMessage {
    pub fn new(account: &Account, c: &Conversation, m: &Message) -> Self {
        let from = sender(account, c, m);
        Self {
            text: m.text.clone(),
            timestamp: m.timestamp,
            sender: from.name(),
            sender_info: SenderInfo {
                first_name: from.first_name.clone(),
                last_name: from.last_name.clone(),
            },
            message_type: m.kind,
            entity_urn: m.urn.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct LinkupPagination {
    pub count: usize,
    pub has_next_page: bool,
    pub next_cursor: Option<String>,
}
