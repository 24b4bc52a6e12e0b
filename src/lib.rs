//! linkedin-inbox core: a sans-IO client for LinkedIn messaging providers.
//!
//! Every operation is a pure request builder plus a pure response parser:
//! - [`ConnectSafely`] implements `GET /linkedin/messaging/recent-messages` (list conversations);
//! - [`Linkup`] implements `POST /v1/messages/conversation` (messages of one conversation);
//! - [`Proxy`] is the client side of this project's Worker proxy API.
//!
//! Builders return an [`HttpRequest`]; parsers take an [`HttpResponse`] and return the model
//! ([`ConversationPage`], [`MessagePage`]) or an [`Error`] with a stable [`Error::code`].
//! [`inbox`] holds what every surface shares above them: the [`Backend`] that serves an
//! [`Operation`], the [`PageWalker`] and [`explain`]. The core never performs I/O and never
//! reads a clock: transports and `now` come from outside.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod attachment;
pub mod contract;
mod country;
mod cursor;
mod error;
mod http;
mod ids;
pub mod inbox;
mod js_int;
pub mod json;
mod lowercase;
mod merge;
mod model;
mod outbox;
mod outgoing_file;
mod providers;
mod proxy;
mod query;
mod redact;
mod secret;
mod time;
mod triage;
mod validate;

pub use attachment::{is_media_url, parse_attachments};
pub use country::Country;
pub use cursor::{Cursor, Provider};
pub use error::{Error, ErrorCode, Result, ServedError};
pub use http::{
    encode_component, retry_after_delta, retry_after_secs_for, secs_until, HttpRequest,
    HttpResponse, Method,
};
pub use ids::{is_thread_id, message_id, thread_id};
pub use inbox::{
    drive, explain, Backend, Exchange, Explanation, ExplanationKind, Operation, Page, PageWalker,
    Routes, Step, Transport,
};
pub use lowercase::set_lowercase;
pub use merge::merge_messages;
pub use model::{
    Attachment, AttachmentKind, Conversation, ConversationPage, LatestMessage, Message,
    MessageKind, MessagePage, NetworkDistance, Participant, Sender, ThreadInfo,
};
pub use outbox::{Draft, Sent};
pub use outgoing_file::{
    allowed_media_type, check_file, safe_file_name, DraftFile, ALLOWED_MEDIA_TYPES,
    MAX_ATTACHMENT_BYTES, MAX_DRAFT_FILES, MAX_FILE_NAME_BYTES, MAX_SEND_FILES_BYTES,
};
pub use providers::{
    credit_cost, send_credit_cost, ConnectSafely, Linkup, CONNECTSAFELY_BASE_URL, LINKUP_BASE_URL,
};
pub use proxy::{proxy_error, ListView, Proxy, ALL_ACCOUNTS};
pub use query::{ConversationQuery, MessageQuery, MessageTarget};
pub use secret::{ApiKey, ClientToken, LoginToken, WebhookSecret};
pub use time::{parse_iso8601, parse_time};
pub use triage::{StarMirror, StarMirrorError, Triage};
pub use validate::{MAX_COUNT, MAX_ID_LEN, MAX_KEYWORDS_LEN, MAX_MESSAGE_LEN, MIN_COUNT};
