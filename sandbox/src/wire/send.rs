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
    /// "Sales Navigator thread ID (only for Sales Nav accounts)": the sandbox has no Sales
    /// Navigator conversation, so never.
    #[serde(skip_serializing_if = "Option::is_none")]
    thread_id: Option<String>,
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
            thread_id: None,
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

/// ConnectSafely `PATCH /linkedin/conversations/{conversationUrn}/star` and `/unstar` (the
/// answer is not documented: this shape is the sandbox's assumption).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsStarAnswer {
    pub success: bool,
    pub conversation_urn: String,
    pub starred: bool,
    pub message: &'static str,
}

/// LinkupAPI v1 `POST /v1/messages/send-message`, as documented: the message's `msg_message`
/// URN, the full `msg_conversation` URN and epoch ms.
#[derive(Serialize)]
pub struct LinkupSendAnswer {
    status: &'static str,
    message: &'static str,
    data: LinkupSent,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkupSent {
    entity_urn: String,
    #[serde(rename = "conversation_id")]
    conversation_id: String,
    delivered_at: i64,
}

impl LinkupSendAnswer {
    pub fn new(sent: &Sent) -> Self {
        Self {
            status: "success",
            message: "Message sent successfully",
            data: LinkupSent {
                entity_urn: sent.message.urn.clone(),
                conversation_id: sent.conversation_urn.clone(),
                delivered_at: sent.message.timestamp,
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
