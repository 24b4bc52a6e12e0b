//! Response shapes of the send and read-state endpoints, field order as the providers send
//! them.

use serde::Serialize;

use crate::iso_time::iso_ms;
use crate::sending::Sent;

/// ConnectSafely `POST /linkedin/conversations/send`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsSendAnswer {
    success: bool,
    message: &'static str,
    recipient_profile_urn: String,
    sent_message: CsSentMessage,
    thread_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CsSentMessage {
    message_urn: String,
    text: String,
    sent_at: i64,
    sender_profile_id: String,
    sender_name: String,
    sender_photo: Option<String>,
    is_sent_by_owner: bool,
}

impl CsSendAnswer {
    pub fn new(sent: &Sent) -> Self {
        Self {
            success: true,
            message: "Message sent",
            recipient_profile_urn: sent.recipient.fsd_urn(),
            sent_message: CsSentMessage {
                message_urn: sent.message.urn.clone(),
                text: sent.message.text.clone(),
                sent_at: sent.message.timestamp,
                sender_profile_id: sent.owner.profile_id.clone(),
                sender_name: sent.owner.name(),
                sender_photo: sent.owner.picture.clone(),
                is_sent_by_owner: true,
            },
            thread_id: sent.thread_id.clone(),
        }
    }
}

/// ConnectSafely `POST /linkedin/messaging/mark-seen`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsMarkSeenAnswer {
    pub success: bool,
    pub account_id: String,
    pub conversation_urn: String,
    pub message: &'static str,
}

/// ConnectSafely `PATCH /linkedin/conversations/{conversationUrn}/mark-unread`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsMarkUnreadAnswer {
    pub success: bool,
    pub conversation_urn: String,
    pub message: &'static str,
}

/// LinkupAPI v1 `POST /v1/messages/send`.
#[derive(Serialize)]
pub struct LinkupSendAnswer {
    status: &'static str,
    data: LinkupSent,
}

#[derive(Serialize)]
struct LinkupSent {
    conversation_id: String,
    entity_urn: String,
    timestamp: i64,
    text: String,
}

impl LinkupSendAnswer {
    pub fn new(sent: &Sent) -> Self {
        Self {
            status: "success",
            data: LinkupSent {
                conversation_id: sent.conversation_urn.clone(),
                entity_urn: sent.message.urn.clone(),
                timestamp: sent.message.timestamp,
                text: sent.message.text.clone(),
            },
        }
    }
}

/// LinkupAPI v2 `send`'s `data`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Sent {
    entity_urn: String,
    #[serde(rename = "conversation_id")]
    conversation_id: String,
    delivered_at: String,
    text: String,
}

impl V2Sent {
    pub fn new(sent: &Sent) -> Self {
        Self {
            entity_urn: sent.message.urn.clone(),
            conversation_id: sent.thread_id.clone(),
            delivered_at: iso_ms(sent.message.timestamp),
            text: sent.message.text.clone(),
        }
    }
}
