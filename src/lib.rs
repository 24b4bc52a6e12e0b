//! linkedin-inbox core: a sans-IO client for LinkedIn messaging providers.
//!
//! Every operation is a pure request builder plus a pure response parser:
//! - [`ConnectSafely`] implements `GET /linkedin/messaging/recent-messages` (list conversations);
//! - [`Linkup`] implements `POST /v1/messages/conversation` (messages of one conversation).
//!
//! Builders return an [`HttpRequest`]; parsers take an [`HttpResponse`] and return the model
//! ([`ConversationPage`], [`MessagePage`]) or an [`Error`] with a stable [`Error::code`].
//! The core never performs I/O and never reads a clock: transports and `now` come from outside.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod connectsafely;
mod country;
mod cursor;
mod error;
mod http;
mod js_int;
mod linkup;
mod merge;
mod model;
mod proxy;
mod redact;
mod secret;
mod upstream_error;
mod validate;

pub use connectsafely::{ConnectSafely, ConversationQuery, CONNECTSAFELY_BASE_URL};
pub use country::Country;
pub use cursor::{Cursor, Provider};
pub use error::{Error, ErrorCode, Result};
pub use http::{HttpRequest, HttpResponse, Method};
pub use linkup::{credit_cost, Linkup, MessageQuery, MessageTarget, LINKUP_BASE_URL};
pub use merge::merge_messages;
pub use model::{
    Conversation, ConversationPage, LatestMessage, Message, MessageKind, MessagePage,
    NetworkDistance, Participant, Sender, ThreadInfo,
};
pub use proxy::Proxy;
pub use secret::{ApiKey, ClientToken, LoginToken};
pub use validate::{MAX_COUNT, MAX_ID_LEN, MAX_KEYWORDS_LEN, MIN_COUNT};

#[cfg(feature = "wasm")]
mod wasm;
