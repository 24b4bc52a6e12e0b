//! The bodies of the webhook events a simulated message sends: ConnectSafely's
//! `message.received` and LinkupAPI's `message_received` (field order as the providers send).

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
    attachments: [(); 0],
}

#[derive(Serialize)]
struct CsEventSender<'a> {
    id: &'a str,
    name: String,
    profile_url: String,
    profile_picture: Option<&'a str>,
}

impl<'a> CsMessageReceived<'a> {
    /// The event of `message` in `conversation` of `account`; `data.id` is the message's
    /// `2-...` id, `sender.id` the sender's profile id (the owner's for own messages).
    pub fn new(account: &'a Account, conversation: &'a Conversation, message: &'a Message) -> Self {
        let from = sender(account, conversation, message);
        Self {
            event: "message.received",
            object: "event",
            data: CsEventData {
                id: message_id(message),
                message_urn: &message.urn,
                account_id: &account.account_id,
                provider: "LINKEDIN",
                sender: CsEventSender {
                    id: &from.profile_id,
                    name: from.name(),
                    profile_url: from.id_url(),
                    profile_picture: from.picture.as_deref(),
                },
                body: &message.text,
                timestamp: iso_ms(message.timestamp),
                conversation_id: format!("urn:li:messagingThread:{}", conversation.thread_id),
                attachments: [],
            },
        }
    }

    pub fn id(&self) -> &str {
        self.data.id
    }
}

/// The `2-...` id of a message (the tail of its `messagingMessage` URN).
fn message_id(message: &Message) -> &str {
    message
        .backend_urn
        .strip_prefix("urn:li:messagingMessage:")
        .unwrap_or(&message.backend_urn)
}

/// LinkupAPI `message_received`: no conversation or message id, a cue to re-sync the inbox.
#[derive(Serialize)]
pub struct LinkupMessageReceived {
    pub event_id: String,
    event: &'static str,
    account_id: String,
    created_at: String,
}

impl LinkupMessageReceived {
    /// The event of `message` for `account`; its id is derived from the message URN (unique
    /// per simulated message) and the simulate's sequence number.
    pub fn new(account: &Account, message: &Message, sequence: u64) -> Self {
        Self {
            event_id: format!(
                "evt_{:016x}{sequence:04x}",
                crate::sending::fnv1a(&[&message.urn])
            ),
            event: "message_received",
            account_id: account.v2_id(),
            created_at: iso_ms(message.timestamp),
        }
    }
}
