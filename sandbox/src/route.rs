//! The sandbox's provider endpoints by name: what `callsByEndpoint` counts and what decides
//! the error style of an injected fault.

use serde::{Deserialize, Serialize};

/// A provider: what `calls` and a fault's `endpoint` group routes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    ConnectSafely,
    Linkup,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConnectSafely => "connectsafely",
            Self::Linkup => "linkup",
        }
    }
}

/// One provider endpoint (a v2 action counts as its own endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Route {
    /// `GET /linkedin/messaging/recent-messages`, answered.
    CsRecentMessages,
    /// `GET /linkedin/messaging/recent-messages`, answered with a 307 (redirect mode).
    CsRecentMessagesRedirect,
    /// `GET /linkedin/conversations`.
    CsConversations,
    /// `GET /linkedin/conversations/{conversationUrn}/messages`.
    CsThreadMessages,
    /// `POST /linkedin/conversations/send`.
    CsSend,
    /// `POST /linkedin/messaging/mark-seen`.
    CsMarkSeen,
    /// `PATCH /linkedin/conversations/{conversationUrn}/mark-unread`.
    CsMarkUnread,
    /// `PATCH /linkedin/conversations/{conversationUrn}/star`.
    CsStar,
    /// `PATCH /linkedin/conversations/{conversationUrn}/unstar`.
    CsUnstar,
    /// `POST /linkedin/conversations/download-media`.
    CsDownloadMedia,
    /// `POST /linkedin/conversations/upload-attachment`.
    CsUploadAttachment,
    /// `POST /v1/messages/conversation`.
    LkConversation,
    /// `POST /v1/messages/inbox`.
    LkInbox,
    /// `POST /v1/messages/send-message`.
    LkSend,
    /// `POST /v2/messages` with a missing or unknown action.
    LkV2,
    /// `POST /v2/messages`, action `list_inbox`.
    LkV2ListInbox,
    /// `POST /v2/messages`, action `get_conversation`.
    LkV2GetConversation,
    /// `POST /v2/messages`, action `send`.
    LkV2Send,
}

/// How a route words its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// The seed page: `{"error", "success": false}` or `{"success": false, "code", "message"}`.
    CsSeed,
    /// ConnectSafely's successors: `{"error": "..."}`.
    CsPlain,
    /// ConnectSafely's send and read-state actions: `{"success": false, "code", "message"}`.
    CsAction,
    /// LinkupAPI v1: `{"status": "error", "code", "message"}`.
    LinkupV1,
    /// LinkupAPI v2: `{"success": false, "error": {"code", "message"}}`.
    LinkupV2,
}

impl Route {
    pub const ALL: [Route; 18] = [
        Self::CsRecentMessages,
        Self::CsRecentMessagesRedirect,
        Self::CsConversations,
        Self::CsThreadMessages,
        Self::CsSend,
        Self::CsMarkSeen,
        Self::CsMarkUnread,
        Self::CsStar,
        Self::CsUnstar,
        Self::CsDownloadMedia,
        Self::CsUploadAttachment,
        Self::LkConversation,
        Self::LkInbox,
        Self::LkSend,
        Self::LkV2,
        Self::LkV2ListInbox,
        Self::LkV2GetConversation,
        Self::LkV2Send,
    ];

    /// The key in `callsByEndpoint`.
    pub fn name(self) -> &'static str {
        match self {
            Self::CsRecentMessages => "cs.recent-messages",
            Self::CsRecentMessagesRedirect => "cs.recent-messages.redirect",
            Self::CsConversations => "cs.conversations",
            Self::CsThreadMessages => "cs.thread-messages",
            Self::CsSend => "cs.send",
            Self::CsMarkSeen => "cs.mark-seen",
            Self::CsMarkUnread => "cs.mark-unread",
            Self::CsStar => "cs.star",
            Self::CsUnstar => "cs.unstar",
            Self::CsDownloadMedia => "cs.download-media",
            Self::CsUploadAttachment => "cs.upload-attachment",
            Self::LkConversation => "lk.conversation",
            Self::LkInbox => "lk.inbox",
            Self::LkSend => "lk.send",
            Self::LkV2 => "lk.v2",
            Self::LkV2ListInbox => "lk.v2.list_inbox",
            Self::LkV2GetConversation => "lk.v2.get_conversation",
            Self::LkV2Send => "lk.v2.send",
        }
    }

    /// The provider: what `calls` and a fault's `endpoint` group by.
    pub fn provider(self) -> Endpoint {
        match self {
            Self::CsRecentMessages
            | Self::CsRecentMessagesRedirect
            | Self::CsConversations
            | Self::CsThreadMessages
            | Self::CsSend
            | Self::CsMarkSeen
            | Self::CsMarkUnread
            | Self::CsStar
            | Self::CsUnstar
            | Self::CsDownloadMedia
            | Self::CsUploadAttachment => Endpoint::ConnectSafely,
            _ => Endpoint::Linkup,
        }
    }

    pub fn error_style(self) -> ErrorStyle {
        match self {
            Self::CsRecentMessages | Self::CsRecentMessagesRedirect => ErrorStyle::CsSeed,
            Self::CsConversations | Self::CsThreadMessages => ErrorStyle::CsPlain,
            Self::CsSend
            | Self::CsMarkSeen
            | Self::CsMarkUnread
            | Self::CsStar
            | Self::CsUnstar
            | Self::CsDownloadMedia
            | Self::CsUploadAttachment => ErrorStyle::CsAction,
            Self::LkConversation | Self::LkInbox | Self::LkSend => ErrorStyle::LinkupV1,
            Self::LkV2 | Self::LkV2ListInbox | Self::LkV2GetConversation | Self::LkV2Send => {
                ErrorStyle::LinkupV2
            }
        }
    }

    /// Whether the route sends a message: the only routes the `commit-*` faults apply to.
    pub fn sends(self) -> bool {
        matches!(self, Self::CsSend | Self::LkSend | Self::LkV2Send)
    }

    /// The v2 action a `/v2/messages` route serves (`None`: not v2, or no known action).
    pub fn v2_action(self) -> Option<&'static str> {
        match self {
            Self::LkV2ListInbox => Some("list_inbox"),
            Self::LkV2GetConversation => Some("get_conversation"),
            Self::LkV2Send => Some("send"),
            _ => None,
        }
    }

    /// The route a `callsByEndpoint` key names.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}
