//! The one inbox model every provider normalizes into (camelCase JSON, ids as strings,
//! times as epoch milliseconds).

use serde::{Deserialize, Serialize};

pub use crate::attachment::{Attachment, AttachmentKind};
use crate::cursor::Provider;

/// How far a participant is from the account owner in the LinkedIn network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum NetworkDistance {
    /// `DISTANCE_1`: a 1st-degree connection.
    First,
    /// `DISTANCE_2`.
    Second,
    /// `DISTANCE_3`.
    Third,
    /// `OUT_OF_NETWORK`.
    OutOfNetwork,
    /// A value this version does not know; the raw value is in `Participant::raw_distance`.
    Other,
}

impl NetworkDistance {
    /// Normalizes the upstream value; unknown values become [`NetworkDistance::Other`].
    pub fn from_upstream(raw: &str) -> Self {
        match raw {
            "DISTANCE_1" => Self::First,
            "DISTANCE_2" => Self::Second,
            "DISTANCE_3" => Self::Third,
            "OUT_OF_NETWORK" => Self::OutOfNetwork,
            _ => Self::Other,
        }
    }
}

/// A person in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// LinkedIn profile id (`ACoAA...`).
    pub profile_id: String,
    /// Display name.
    pub name: String,
    /// Headline, when the profile has one.
    pub headline: Option<String>,
    /// Profile URL.
    pub profile_url: Option<String>,
    /// Picture URL; it stops working at `picture_expires_at`.
    pub picture_url: Option<String>,
    /// Expiry of `picture_url` in epoch ms, from its `e=` parameter (epoch seconds).
    pub picture_expires_at: Option<i64>,
    /// Network distance, normalized.
    pub distance: Option<NetworkDistance>,
    /// The upstream distance value as sent (kept for unknown values).
    pub raw_distance: Option<String>,
    /// Member badge type (e.g. premium), as sent.
    pub member_badge_type: Option<String>,
    /// Messaging participant URN.
    pub participant_urn: Option<String>,
    /// Backend member URN (`urn:li:member:<n>`).
    pub backend_urn: Option<String>,
    /// Host identity URN (`urn:li:fsd_profile:<id>`).
    pub host_identity_urn: Option<String>,
}

impl Participant {
    /// Whether the picture URL has expired (or will have at `now_ms`); `false` when unknown.
    pub fn picture_expired(&self, now_ms: i64) -> bool {
        self.picture_expires_at
            .is_some_and(|expiry| expiry <= now_ms)
    }
}

/// The newest message of a conversation, as the inbox list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LatestMessage {
    /// Message URN.
    pub id: String,
    /// Backend message URN.
    pub backend_urn: Option<String>,
    /// Text ("" for system messages).
    pub text: String,
    /// Sent at, epoch ms.
    pub sent_at: Option<i64>,
    /// Sender display name.
    pub sender_name: Option<String>,
    /// Sender profile URL.
    pub sender_profile_url: Option<String>,
    /// Sender messaging participant URN.
    pub sender_urn: Option<String>,
    /// Whether the account owner sent it (sender URN names the owner's profile).
    pub from_self: bool,
    /// Whether it carries an attachment.
    pub has_attachment: bool,
}

/// One conversation of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// The LinkedIn thread id (`2-...`): the same whichever provider listed it, and what opens
    /// the thread with either provider.
    pub id: String,
    /// Conversation URN (`urn:li:msg_conversation:(...)`), when the provider sent one.
    #[serde(default)]
    pub urn: Option<String>,
    /// Provider that listed it.
    pub provider: Provider,
    /// LinkedIn thread id (`2-...`), the same as `id`.
    pub thread_id: String,
    /// Backend thread URN (`urn:li:messagingThread:...`).
    pub backend_urn: Option<String>,
    /// Thread URL on linkedin.com.
    pub url: Option<String>,
    /// The other people in it.
    pub participants: Vec<Participant>,
    /// Unread messages.
    pub unread_count: u32,
    /// Whether the owner has read it.
    pub is_read: bool,
    /// Last activity, epoch ms.
    pub last_activity_at: Option<i64>,
    /// Creation, epoch ms.
    pub created_at: Option<i64>,
    /// Last read by the owner, epoch ms.
    pub last_read_at: Option<i64>,
    /// Provider state, as sent (often null).
    pub state: Option<String>,
    /// The newest message.
    pub latest_message: Option<LatestMessage>,
    /// The proxy's id of the account it belongs to (proxy answers only; absent from a
    /// provider's page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub account: Option<String>,
    /// Its triage in the proxy's store (proxy answers only, when something is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub triage: Option<crate::Triage>,
}

impl Conversation {
    /// Whether the conversation counts as unread: it has unread messages, or it is not marked
    /// read. The one definition of "unread" (the Worker's filter and counts, the providers'
    /// local filters; the popup's `isUnread` in `www/changes.js` follows it).
    pub fn is_unread(&self) -> bool {
        self.unread_count > 0 || !self.is_read
    }

    /// When it was last active, epoch ms: its last activity, else its latest message's time,
    /// else 0. Every list is ordered by it, newest first.
    pub fn activity_at(&self) -> i64 {
        self.last_activity_at
            .or(self.latest_message.as_ref().and_then(|m| m.sent_at))
            .unwrap_or(0)
    }

    /// `message` arrived in this conversation (pushed by a provider's webhook): it becomes the
    /// latest when it is the newest; one from the other side counts as unread; the newest one
    /// the owner wrote (on LinkedIn itself) reads the conversation, as writing does there.
    /// Returns whether it is the newest.
    pub fn apply_message(
        &mut self,
        message: &Message,
        from_owner: bool,
        has_attachment: bool,
    ) -> bool {
        let newest = self.activity_at() <= message.sent_at;
        if newest {
            self.latest_message = Some(LatestMessage::of(message, from_owner, has_attachment));
            self.last_activity_at = Some(message.sent_at);
        }
        match (from_owner, newest) {
            (false, _) => {
                self.unread_count = self.unread_count.saturating_add(1);
                self.is_read = false;
            }
            (true, true) => self.set_read(true),
            (true, false) => {}
        }
        newest
    }

    /// The owner sent `message` here: it is the latest, and replying reads the conversation.
    pub fn apply_sent(&mut self, message: &Message) {
        self.latest_message = Some(LatestMessage::of(message, true, false));
        self.last_activity_at = Some(message.sent_at);
        self.set_read(true);
    }

    /// The read state as LinkedIn has it: read clears the unread count; unread keeps at least
    /// one unread message (LinkedIn's "mark unread" on a conversation with none).
    pub fn set_read(&mut self, read: bool) {
        self.is_read = read;
        self.unread_count = if read { 0 } else { self.unread_count.max(1) };
    }
}

impl LatestMessage {
    /// The latest-message summary of `message` (a message stored in the conversation).
    pub fn of(message: &Message, from_self: bool, has_attachment: bool) -> Self {
        Self {
            id: message.id.clone(),
            backend_urn: None,
            text: message.text.clone(),
            sent_at: Some(message.sent_at),
            sender_name: Some(message.sender.name.clone()).filter(|n| !n.is_empty()),
            sender_profile_url: message.sender.profile_url.clone(),
            sender_urn: message.sender.urn.clone(),
            from_self,
            has_attachment,
        }
    }
}

/// One page of conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// Conversations, newest activity first, as the provider sent them.
    pub items: Vec<Conversation>,
    /// Opaque cursor of the next page; `None` at the end.
    pub next_cursor: Option<String>,
    /// Total conversations matching the query, when the provider says.
    pub total: Option<u64>,
    /// ConnectSafely account id that answered.
    pub account_id: Option<String>,
    /// Profile URN of the account owner.
    pub owner_profile_urn: Option<String>,
    /// Whether `items` honour the query's `unread` and `keywords` filters. `false` when the
    /// endpoint that answered cannot apply them (ConnectSafely after its 307, which filters
    /// unread-only and nothing else; LinkupAPI's inbox): the caller filters (the clients and
    /// the Worker walk with [`crate::inbox::Exchange`], which does).
    #[serde(default = "yes")]
    pub filters_applied: bool,
    /// LinkupAPI credits this page cost (0 for ConnectSafely).
    #[serde(default)]
    pub credit_cost: u32,
}

fn yes() -> bool {
    true
}

/// What kind of message this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum MessageKind {
    /// A message written by a person.
    Text,
    /// A LinkedIn system event (text usually empty).
    System,
    /// A kind this version does not know; the raw value is in `Message::raw_kind`.
    Other,
}

impl MessageKind {
    /// Normalizes the upstream `message_type`.
    pub fn from_upstream(raw: &str) -> Self {
        match raw {
            "TEXT" => Self::Text,
            "SYSTEM" => Self::System,
            _ => Self::Other,
        }
    }
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    /// Display name.
    pub name: String,
    /// First name, when given.
    pub first_name: Option<String>,
    /// Last name, when given.
    pub last_name: Option<String>,
    /// Profile URL, when given.
    pub profile_url: Option<String>,
    /// Participant URN, when given.
    pub urn: Option<String>,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Message id as the provider sent it (a `msg_message` or `messagingMessage` URN, or bare);
    /// [`crate::message_id`] gives the LinkedIn message id that compares across forms.
    pub id: String,
    /// The conversation's thread id (`2-...`), as [`Conversation::id`]. When no thread id is
    /// known (a thread read, or a first message sent, by profile URL whose answer names no
    /// thread), the profile URL the request named: the key the thread was addressed by.
    pub conversation_id: String,
    /// Text ("" for system messages).
    pub text: String,
    /// Sent at, epoch ms.
    pub sent_at: i64,
    /// Kind, normalized.
    pub kind: MessageKind,
    /// The upstream `message_type` as sent.
    pub raw_kind: String,
    /// Sender.
    pub sender: Sender,
    /// Files and pictures it carries (none when the provider lists none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub attachments: Vec<Attachment>,
}

/// Thread facts that come with a page of messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ThreadInfo {
    /// The conversation's thread id (`2-...`), as [`Conversation::id`]; as
    /// [`Message::conversation_id`] when none is known.
    pub conversation_id: String,
    /// Conversation URN, when the provider sent one.
    #[serde(default)]
    pub urn: Option<String>,
    /// Profile URL of the other member (only when the request used one).
    pub profile_url: Option<String>,
    /// Unread messages.
    pub unread_count: u32,
    /// When the owner last saw the thread, epoch ms.
    pub last_seen_at: Option<i64>,
    /// Whether the newest message has been seen.
    pub last_message_seen: bool,
    /// How many messages the other member sent in total.
    pub other_member_message_count: Option<u64>,
}

/// One page of messages, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// Messages, newest first, no duplicates.
    pub items: Vec<Message>,
    /// Opaque cursor of the next (older) page; `None` at the end.
    pub next_cursor: Option<String>,
    /// `total_results` as the provider reported it for this page.
    pub total: Option<u64>,
    /// Thread facts.
    pub thread: ThreadInfo,
    /// LinkupAPI credits this request cost.
    pub credit_cost: u32,
}
