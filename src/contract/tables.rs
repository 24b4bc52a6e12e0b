//! The contract of each endpoint, from its documented examples (`tests/fixtures/documented/`,
//! sources in its `SOURCES.md`). A key shown in every copy of the docs is `always` there; one
//! shown only in some copies (LinkupAPI's older inbox example, ConnectSafely's seed page beside
//! its placeholder successor example) or documented as conditional is optional. Where copies
//! disagree on a form, both are accepted.

use super::{Endpoint, Form, Rule};

use Form::{Array, Bool, Integer, Null, Object, Text, Time, Url, Urn};

const fn read(path: &'static str, forms: &'static [Form], what: &'static str) -> Rule {
    Rule {
        path,
        forms,
        always: true,
        read_for: Some(what),
        open: false,
    }
}

const fn read_if(path: &'static str, forms: &'static [Form], what: &'static str) -> Rule {
    Rule {
        path,
        forms,
        always: false,
        read_for: Some(what),
        open: false,
    }
}

const fn doc(path: &'static str, forms: &'static [Form]) -> Rule {
    Rule {
        path,
        forms,
        always: true,
        read_for: None,
        open: false,
    }
}

const fn opt(path: &'static str, forms: &'static [Form]) -> Rule {
    Rule {
        path,
        forms,
        always: false,
        read_for: None,
        open: false,
    }
}

const fn undescribed(path: &'static str, forms: &'static [Form]) -> Rule {
    Rule {
        path,
        forms,
        always: false,
        read_for: None,
        open: true,
    }
}

const LIST: &str = "the inbox list";
const IDS: &str = "conversation ids (threads, sends, read state)";
const UNREAD: &str = "unread counts, the Unread view and the badge";
const ORDER: &str = "the order by last activity";
const PAGING: &str = "paging past the first page";
const NAMES: &str = "names and pictures";
const PREVIEW: &str = "the preview of the latest message";
const MESSAGES: &str = "the messages of a thread";
const MESSAGE_IDS: &str = "message ids (each message once)";
const OWNER: &str = "which messages are the account's own";
const PROFILE: &str = "sending to the other member's profile";
const CREDITS: &str = "the LinkupAPI credits counted";

/// A conversation of ConnectSafely's seed page (`connectsafely_recent_messages_200.json`) and
/// of its successor list, whose example (`connectsafely_conversations_200.json`) is a
/// placeholder schema listing the seed's conversations: the seed's keys are accepted there.
const CS_CONVERSATION_ITEMS: &[Rule] = &[
    read("conversations", &[Array], LIST),
    read_if("conversations[].conversationId", &[Text], IDS),
    read("conversations[].conversationUrn", &[Urn], IDS),
    opt("conversations[].backendConversationUrn", &[Urn]),
    opt("conversations[].conversationUrl", &[Url]),
    read("conversations[].participants", &[Array], NAMES),
    opt("conversations[].participants[].profileId", &[Text]),
    read("conversations[].participants[].name", &[Text, Null], NAMES),
    opt("conversations[].participants[].headline", &[Text, Null]),
    read_if(
        "conversations[].participants[].profileUrl",
        &[Url, Null],
        PROFILE,
    ),
    opt(
        "conversations[].participants[].profilePicture",
        &[Url, Null],
    ),
    opt("conversations[].participants[].distance", &[Text, Null]),
    opt(
        "conversations[].participants[].memberBadgeType",
        &[Text, Null],
    ),
    opt("conversations[].participants[].participantUrn", &[Urn]),
    opt("conversations[].participants[].backendUrn", &[Urn]),
    opt("conversations[].participants[].hostIdentityUrn", &[Urn]),
    read("conversations[].unreadCount", &[Integer], UNREAD),
    read("conversations[].lastActivityAt", &[Time], ORDER),
    opt("conversations[].createdAt", &[Time]),
    opt("conversations[].lastReadAt", &[Time, Null]),
    opt("conversations[].isRead", &[Bool]),
    opt("conversations[].state", &[Text, Null]),
    read_if("conversations[].latestMessage", &[Object, Null], PREVIEW),
    opt("conversations[].latestMessage.messageUrn", &[Urn]),
    opt("conversations[].latestMessage.backendMessageUrn", &[Urn]),
    read_if("conversations[].latestMessage.text", &[Text, Null], PREVIEW),
    read_if("conversations[].latestMessage.sentAt", &[Time], PREVIEW),
    opt("conversations[].latestMessage.senderName", &[Text, Null]),
    opt(
        "conversations[].latestMessage.senderProfileUrl",
        &[Url, Null],
    ),
    opt("conversations[].latestMessage.senderUrn", &[Urn]),
    opt("conversations[].latestMessage.hasAttachment", &[Bool]),
];

/// The seed page's envelope (its field list also names `total` and `nextCursor`, which the
/// example leaves out).
const CS_RECENT_MESSAGES: &[Rule] = &[
    doc("success", &[Bool]),
    doc("accountId", &[Text]),
    read("profileUrn", &[Urn], OWNER),
    opt("total", &[Integer]),
    read_if("nextCursor", &[Text, Null], PAGING),
];

/// The successor list's envelope and its conversations' own keys.
const CS_CONVERSATIONS: &[Rule] = &[
    doc("success", &[Bool]),
    opt("conversations[].source", &[Text]),
    // "Sales Navigator thread ID (only for Sales Nav accounts)": absent or null otherwise.
    opt("conversations[].salesNavThreadId", &[Text, Null]),
    doc("accounts", &[Array]),
    doc("accounts[].id", &[Text]),
    doc("accounts[].name", &[Text]),
    // The docs show only pages with more after them: the last page may leave it out.
    read_if("nextCursor", &[Text, Null], PAGING),
    read("hasMore", &[Bool], PAGING),
    doc("fromCache", &[Bool]),
];

/// `connectsafely_conversation_messages_200.json` (placeholders: `messageUrn` a sentence,
/// `sentAt` 0, `cursor` "example_value").
const CS_THREAD_MESSAGES: &[Rule] = &[
    doc("success", &[Bool]),
    read("messages", &[Array], MESSAGES),
    read("messages[].messageUrn", &[Text], MESSAGE_IDS),
    read("messages[].text", &[Text, Null], MESSAGES),
    read("messages[].sentAt", &[Time], MESSAGES),
    read("messages[].senderProfileId", &[Text, Null], OWNER),
    read("messages[].senderName", &[Text, Null], MESSAGES),
    doc("messages[].senderPhoto", &[Text, Null]),
    doc("messages[].isSentByOwner", &[Bool]),
    doc("messages[].hasAttachment", &[Bool]),
    undescribed("messages[].attachments", &[Array]),
    doc("participants", &[Array]),
    doc("participants[].profileId", &[Text]),
    doc("participants[].name", &[Text, Null]),
    doc("participants[].headline", &[Text, Null]),
    doc("participants[].profilePicture", &[Text, Null]),
    read("hasMore", &[Bool], PAGING),
    read("cursor", &[Text, Integer, Null], PAGING),
    opt("note", &[Text]),
];

/// LinkupAPI v1 and v2 inbox items: the current v1 copy and v2 (`linkup_v1_inbox_200.json`,
/// `linkup_v2_list_inbox_200.json`) and the older v1 copy (`linkup_v1_inbox_200_older.json`:
/// no picture, no sender, no cursor).
const LK_INBOX_ITEMS: &[Rule] = &[
    read("data", &[Object], LIST),
    read("data.conversations", &[Array], LIST),
    read("data.conversations[].conversation_id", &[Urn], IDS),
    read("data.conversations[].participant", &[Object], NAMES),
    read("data.conversations[].participant.name", &[Text], NAMES),
    doc("data.conversations[].participant.headline", &[Text, Null]),
    read(
        "data.conversations[].participant.profile_url",
        &[Url],
        PROFILE,
    ),
    opt(
        "data.conversations[].participant.profile_picture",
        &[Url, Null],
    ),
    read(
        "data.conversations[].last_message",
        &[Object, Null],
        PREVIEW,
    ),
    read(
        "data.conversations[].last_message.text",
        &[Text, Null],
        PREVIEW,
    ),
    read("data.conversations[].last_message.time", &[Time], ORDER),
    opt("data.conversations[].last_message.sender", &[Object]),
    opt("data.conversations[].last_message.sender.name", &[Text]),
    opt(
        "data.conversations[].last_message.sender.headline",
        &[Text, Null],
    ),
    opt(
        "data.conversations[].last_message.sender.profile_url",
        &[Url],
    ),
    opt(
        "data.conversations[].last_message.sender.profile_picture",
        &[Url, Null],
    ),
    read("data.conversations[].unread", &[Integer], UNREAD),
    doc("data.conversations[].type", &[Text]),
    doc("data.total_results", &[Integer]),
    read_if("data.next_cursor", &[Text, Null], PAGING),
];

const LK_V1_INBOX: &[Rule] = &[doc("status", &[Text])];

const LK_V2_LIST_INBOX: &[Rule] = &[
    doc("success", &[Bool]),
    opt("data.conversations[].last_message.sender.is_me", &[Bool]),
    doc("metadata", &[Object]),
    doc("metadata.action", &[Text]),
    doc("metadata.account_id", &[Text]),
    read("metadata.credits_consumed", &[Integer], CREDITS),
    doc("metadata.timestamp", &[Time]),
];

/// A thread's messages and read state, the same in v1 and v2
/// (`linkup_v1_conversation_200.json`, `linkup_v2_get_conversation_200.json`).
const LK_THREAD_MESSAGES: &[Rule] = &[
    doc("data.unread_count", &[Integer]),
    doc("data.last_seen_message", &[Bool]),
    doc("data.last_seen_at", &[Time, Null]),
    read("data.messages", &[Array], MESSAGES),
    read("data.messages[].text", &[Text, Null], MESSAGES),
    read("data.messages[].timestamp", &[Time], MESSAGES),
    read("data.messages[].sender", &[Text], MESSAGES),
    doc("data.messages[].sender_info", &[Object]),
    doc("data.messages[].sender_info.first_name", &[Text]),
    doc("data.messages[].sender_info.last_name", &[Text]),
    doc("data.messages[].message_type", &[Text]),
    read("data.messages[].entity_urn", &[Urn], MESSAGE_IDS),
];

/// `linkup_v1_conversation_200.json`.
const LK_V1_CONVERSATION: &[Rule] = &[
    doc("status", &[Text]),
    read("data", &[Object], MESSAGES),
    read("data.conversation_id", &[Urn], IDS),
    doc("data.profile_url", &[Url]),
    read(
        "data.total_results",
        &[Integer],
        "the thread's message count",
    ),
    doc("data.total_other_member_message_count", &[Integer]),
    read("data.pagination", &[Object], PAGING),
    doc("data.pagination.count", &[Integer]),
    read("data.pagination.has_next_page", &[Bool], PAGING),
    read_if("data.pagination.next_cursor", &[Text, Null], PAGING),
];

/// `linkup_v2_get_conversation_200.json` (no `conversation_id`, no `has_next_page`).
const LK_V2_GET_CONVERSATION: &[Rule] = &[
    doc("success", &[Bool]),
    read("data", &[Object], MESSAGES),
    read(
        "data.total_message_count",
        &[Integer],
        "the thread's message count",
    ),
    doc("data.messages[].sender_info.profile_url", &[Url]),
    read_if("data.next_cursor", &[Text, Null], PAGING),
    doc("metadata", &[Object]),
    doc("metadata.action", &[Text]),
    doc("metadata.account_id", &[Text]),
    read("metadata.credits_consumed", &[Integer], CREDITS),
    doc("metadata.timestamp", &[Time]),
];

pub(super) fn rules(endpoint: Endpoint) -> Vec<Rule> {
    match endpoint {
        Endpoint::ConnectSafelyRecentMessages => {
            [CS_RECENT_MESSAGES, CS_CONVERSATION_ITEMS].concat()
        }
        Endpoint::ConnectSafelyConversations => [CS_CONVERSATIONS, CS_CONVERSATION_ITEMS].concat(),
        Endpoint::ConnectSafelyThreadMessages => CS_THREAD_MESSAGES.to_vec(),
        Endpoint::LinkupV1Inbox => [LK_V1_INBOX, LK_INBOX_ITEMS].concat(),
        Endpoint::LinkupV1Conversation => [LK_V1_CONVERSATION, LK_THREAD_MESSAGES].concat(),
        Endpoint::LinkupV2ListInbox => [LK_V2_LIST_INBOX, LK_INBOX_ITEMS].concat(),
        Endpoint::LinkupV2GetConversation => [LK_V2_GET_CONVERSATION, LK_THREAD_MESSAGES].concat(),
    }
}
