//! Response shapes of the successor endpoints (ConnectSafely `/conversations` and thread
//! messages, LinkupAPI v1 inbox and v2 actions), field order as the providers send them.

use serde::Serialize;
use serde_json::Value;

use super::sender;
use crate::data::{Account, Conversation, Message, Person};
use crate::iso_time::iso_ms;

/// A time as a newer endpoint sends it: ISO-8601 string or epoch ms.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Time {
    Iso(String),
    EpochMs(i64),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsConversationList {
    pub success: bool,
    pub conversations: Vec<CsListedConversation>,
    pub accounts: Vec<CsAccount>,
    pub next_cursor: Option<String>,
    pub has_more: bool,
    pub from_cache: bool,
}

#[derive(Serialize)]
pub struct CsAccount {
    pub id: String,
    pub name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsListedConversation {
    conversation_urn: String,
    conversation_id: String,
    last_activity_at: Time,
    unread_count: u32,
    participants: Vec<CsPerson>,
    latest_message: Option<CsPreview>,
    source: &'static str,
    sales_nav_thread_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsPerson {
    profile_id: String,
    name: String,
    headline: Option<String>,
    profile_url: String,
    profile_picture: Option<String>,
    distance: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CsPreview {
    text: String,
    sent_at: i64,
    sender_name: String,
    has_attachment: bool,
}

impl CsPerson {
    pub fn new(p: &Person) -> Self {
        Self {
            profile_id: p.profile_id.clone(),
            name: p.name(),
            headline: p.headline.clone(),
            profile_url: p.id_url(),
            profile_picture: p.picture.clone(),
            distance: p.distance.clone(),
        }
    }
}

/// A participant as the thread answer documents it (no URL, no distance).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsThreadPerson {
    profile_id: String,
    name: String,
    headline: Option<String>,
    profile_picture: Option<String>,
}

impl CsThreadPerson {
    pub fn new(p: &Person) -> Self {
        Self {
            profile_id: p.profile_id.clone(),
            name: p.name(),
            headline: p.headline.clone(),
            profile_picture: p.picture.clone(),
        }
    }
}

impl CsListedConversation {
    /// `position` in the account's list decides the time form: ISO at even, epoch ms at odd.
    pub fn new(account: &Account, c: &Conversation, position: usize) -> Self {
        let at = c.last_activity_at();
        Self {
            conversation_urn: c.urn(),
            conversation_id: c.thread_id.clone(),
            last_activity_at: if position % 2 == 1 {
                Time::EpochMs(at)
            } else {
                Time::Iso(iso_ms(at))
            },
            unread_count: c.unread_count,
            participants: c.participants.iter().map(CsPerson::new).collect(),
            latest_message: c.messages.first().map(|m| CsPreview {
                text: m.text.clone(),
                sent_at: m.timestamp,
                sender_name: sender(account, c, m).name(),
                has_attachment: m.has_attachment,
            }),
            source: "LINKEDIN",
            sales_nav_thread_id: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsThreadMessages {
    pub success: bool,
    pub messages: Vec<CsThreadMessage>,
    pub participants: Vec<CsThreadPerson>,
    pub has_more: bool,
    pub cursor: Option<String>,
    pub note: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsThreadMessage {
    message_urn: String,
    text: String,
    sent_at: i64,
    sender_profile_id: String,
    sender_name: String,
    sender_photo: Option<String>,
    is_sent_by_owner: bool,
    has_attachment: bool,
    attachments: Vec<Value>,
}

impl CsThreadMessage {
    pub fn new(account: &Account, c: &Conversation, m: &Message) -> Self {
        let from = sender(account, c, m);
        Self {
            message_urn: m.urn.clone(),
            text: m.text.clone(),
            sent_at: m.timestamp,
            sender_profile_id: from.profile_id.clone(),
            sender_name: from.name(),
            sender_photo: from.picture.clone(),
            is_sent_by_owner: m.sender.is_none(),
            has_attachment: m.has_attachment,
            attachments: crate::media::items(&m.files),
        }
    }
}

#[derive(Serialize)]
pub struct LinkupInbox {
    pub status: &'static str,
    pub data: LinkupInboxData,
}

#[derive(Serialize)]
pub struct LinkupInboxData {
    pub conversations: Vec<LinkupInboxConversation>,
    pub total_results: usize,
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
pub struct LinkupInboxConversation {
    conversation_id: String,
    participant: LinkupParticipant,
    last_message: LinkupLastMessage,
    /// `0` or `1`, as every documented example shows.
    unread: u32,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
pub struct LinkupParticipant {
    name: String,
    headline: Option<String>,
    profile_url: String,
    profile_picture: Option<String>,
}

#[derive(Serialize)]
struct LinkupLastMessage {
    text: String,
    time: i64,
    sender: LinkupParticipant,
}

impl LinkupParticipant {
    fn new(p: &Person) -> Self {
        Self {
            name: p.name(),
            headline: p.headline.clone(),
            profile_url: p.vanity_url.clone(),
            profile_picture: p.picture.clone(),
        }
    }
}

/// The other member of a conversation (the first, in a group), and its newest message.
fn other_and_latest(c: &Conversation) -> (&Person, &Message) {
    (&c.participants[0], &c.messages[0])
}

const MEMBER_TO_MEMBER: &str = "MEMBER_TO_MEMBER";

impl LinkupInboxConversation {
    pub fn new(account: &Account, c: &Conversation) -> Self {
        let (other, last) = other_and_latest(c);
        Self {
            conversation_id: c.urn(),
            participant: LinkupParticipant::new(other),
            last_message: LinkupLastMessage {
                text: last.text.clone(),
                time: last.timestamp,
                sender: LinkupParticipant::new(sender(account, c, last)),
            },
            unread: u32::from(c.unread_count > 0),
            kind: MEMBER_TO_MEMBER,
        }
    }
}

/// LinkupAPI v2's success envelope.
#[derive(Serialize)]
pub struct V2Envelope<T> {
    pub success: bool,
    pub data: T,
    pub metadata: V2Metadata,
}

#[derive(Serialize)]
pub struct V2Metadata {
    pub action: &'static str,
    pub account_id: String,
    pub credits_consumed: u64,
    pub timestamp: String,
}

#[derive(Serialize)]
pub struct V2Inbox {
    pub conversations: Vec<V2InboxConversation>,
    pub total_results: usize,
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
pub struct V2InboxConversation {
    conversation_id: String,
    participant: LinkupParticipant,
    last_message: V2LastMessage,
    unread: u32,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct V2LastMessage {
    text: String,
    time: i64,
    sender: V2Sender,
}

#[derive(Serialize)]
struct V2Sender {
    name: String,
    headline: Option<String>,
    profile_url: String,
    profile_picture: Option<String>,
    is_me: bool,
}

impl V2InboxConversation {
    pub fn new(account: &Account, c: &Conversation) -> Self {
        let (other, last) = other_and_latest(c);
        let from = sender(account, c, last);
        Self {
            conversation_id: c.urn(),
            participant: LinkupParticipant::new(other),
            last_message: V2LastMessage {
                text: last.text.clone(),
                time: last.timestamp,
                sender: V2Sender {
                    name: from.name(),
                    headline: from.headline.clone(),
                    profile_url: from.vanity_url.clone(),
                    profile_picture: from.picture.clone(),
                    is_me: last.sender.is_none(),
                },
            },
            unread: u32::from(c.unread_count > 0),
            kind: MEMBER_TO_MEMBER,
        }
    }
}

/// `get_conversation`'s documented `data`: no `conversation_id`, no `has_next_page` (a
/// `next_cursor` means there is more), epoch-ms times.
#[derive(Serialize)]
pub struct V2Conversation {
    pub total_message_count: usize,
    pub unread_count: u32,
    pub last_seen_message: bool,
    pub last_seen_at: i64,
    pub messages: Vec<V2Message>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
pub struct V2Message {
    entity_urn: String,
    text: String,
    timestamp: i64,
    sender: String,
    sender_info: V2SenderInfo,
    message_type: &'static str,
}

#[derive(Serialize)]
struct V2SenderInfo {
    first_name: String,
    last_name: String,
    profile_url: String,
}

impl V2Message {
    pub fn new(account: &Account, c: &Conversation, m: &Message) -> Self {
        let from = sender(account, c, m);
        Self {
            entity_urn: m.urn.clone(),
            text: m.text.clone(),
            timestamp: m.timestamp,
            sender: from.name(),
            sender_info: V2SenderInfo {
                first_name: from.first_name.clone(),
                last_name: from.last_name.clone(),
                profile_url: from.vanity_url.clone(),
            },
            message_type: m.kind,
        }
    }
}
