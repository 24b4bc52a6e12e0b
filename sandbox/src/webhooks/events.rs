//! The bodies of the webhook events a simulated message sends, in the shapes the providers
//! document: ConnectSafely's `message.received` (connectsafely.ai/docs/webhooks/events: `data.id`
//! and `message_urn` the `urn:li:messagingMessage:2-…` URN, `sender.id` the sender's
//! `urn:li:fsd_profile:…` URN) and LinkupAPI's event item (docs.linkupapi.com
//! api-reference/v2/webhooks/events: `event` an object holding the account and the event's
//! type). Field order as documented.

use serde::Serialize;

use crate::data::{Account, Conversation, Message};
use crate::iso_time::iso_ms;
use crate::wire::sender;

/// ConnectSafely `message.received`.
#[derive(Serialize)]
pub struct CsMessageReceived<'a> {
    event: &'static str,
    object: &'static str,
    data: CsEventData<'a>,
}

#[derive(Serialize)]
struct CsEventData<'a> {
    id: &'a str,
    message_urn: &'a str,
    account_id: &'a str,
    provider: &'static str,
    sender: CsEventSender<'a>,
    body: &'a str,
    timestamp: String,
    conversation_id: String,
    attachments: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct CsEventSender<'a> {
    id: String,
    name: String,
    profile_url: String,
    profile_picture: Option<&'a str>,
}

impl<'a> CsMessageReceived<'a> {
    /// The event of `message` in `conversation` of `account`: `data.id` and `message_urn` are
    /// the message's `messagingMessage` URN (its thread shows the `msg_message` form of the
    /// same id), `sender.id` the sender's profile URN (the owner's for own messages).
    pub fn new(account: &'a Account, conversation: &'a Conversation, message: &'a Message) -> Self {
        let from = sender(account, conversation, message);
        Self {
            event: "message.received",
            object: "event",
            data: CsEventData {
                id: &message.backend_urn,
                message_urn: &message.backend_urn,
                account_id: &account.account_id,
                provider: "LINKEDIN",
                sender: CsEventSender {
                    id: format!("urn:li:fsd_profile:{}", from.profile_id),
                    name: from.name(),
                    profile_url: from.id_url(),
                    profile_picture: from.picture.as_deref(),
                },
                body: &message.text,
                timestamp: iso_ms(message.timestamp),
                conversation_id: format!("urn:li:messagingThread:{}", conversation.thread_id),
                attachments: crate::media::items(&message.files),
            },
        }
    }

    pub fn id(&self) -> &str {
        self.data.id
    }
}

/// A LinkupAPI event item: `{event_id, event: {account_id, account_name, event: {type,
/// sender_name, message_text, sender_profile}, timestamp}, created_at}`.
#[derive(Serialize)]
pub struct LinkupMessageReceived {
    pub event_id: String,
    event: LinkupEventBody,
    created_at: String,
}

#[derive(Serialize)]
struct LinkupEventBody {
    account_id: String,
    account_name: String,
    event: LinkupEventDetail,
    timestamp: String,
}

#[derive(Serialize)]
struct LinkupEventDetail {
    #[serde(rename = "type")]
    kind: &'static str,
    sender_name: String,
    message_text: String,
    sender_profile: String,
}

impl LinkupMessageReceived {
    /// The event of `message` in `conversation` for `account`; its id is derived from the
    /// message URN (unique per simulated message) and the simulate's sequence number.
    pub fn new(
        account: &Account,
        conversation: &Conversation,
        message: &Message,
        sequence: u64,
    ) -> Self {
        let from = sender(account, conversation, message);
        Self {
            event_id: format!(
                "evt_{:016x}{sequence:04x}",
                crate::sending::fnv1a(&[&message.urn])
            ),
            event: LinkupEventBody {
                account_id: account.v2_id(),
                account_name: account.owner.name(),
                event: LinkupEventDetail {
                    kind: "message",
                    sender_name: from.name(),
                    message_text: message.text.clone(),
                    sender_profile: from.id_url(),
                },
                timestamp: iso_ms(message.timestamp),
            },
            created_at: iso_ms(message.timestamp),
        }
    }
}
