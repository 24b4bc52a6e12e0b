//! Writes to a LinkedIn account: a message to send ([`Draft`]) and read state. Sans-IO like
//! the rest: each provider builds the request and parses its answer (`providers/*/send.rs`);
//! retrying safely (at most one send per intent) is the transport's job, with an idempotency
//! key (the Worker's account object keeps them).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::inbox::Backend;
use crate::model::Message;
use crate::outgoing_file::{check_files, DraftFile};
use crate::query::MessageTarget;
use crate::validate;
use crate::Provider;

/// A message to send: to a conversation (`conversationId`, its id or URN) or to a person
/// (`profileUrl`; a new conversation unless one exists), and its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Draft {
    /// The conversation to reply in (its `id`, or URN).
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// The person to write to, `https://www.linkedin.com/in/<slug>/`. With `conversationId`
    /// too, the conversation's other member (providers that send to profiles need it).
    #[serde(default)]
    pub profile_url: Option<String>,
    /// The text: trimmed, 1..=[`crate::MAX_MESSAGE_LEN`] characters, no control characters but
    /// newlines and tabs.
    pub text: String,
    /// Files sent with the text ([`crate::MAX_DRAFT_FILES`] at most), as the provider takes
    /// them (uploaded for ConnectSafely, a link or the bytes for LinkupAPI).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub attachments: Vec<DraftFile>,
}

/// A checked draft.
pub(crate) struct CheckedDraft<'a> {
    /// Where it goes: the conversation when one is named, else the profile.
    pub target: MessageTarget,
    /// The conversation's other member, when known.
    pub profile_url: Option<&'a str>,
    pub text: &'a str,
}

impl Draft {
    pub(crate) fn check(&self) -> Result<CheckedDraft<'_>> {
        let text = validate::message_text(&self.text)?;
        check_files(&self.attachments)?;
        let id = self
            .conversation_id
            .as_deref()
            .filter(|v| !v.trim().is_empty());
        let profile_url = self
            .profile_url
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(validate::profile_url)
            .transpose()?;
        let target = match (id, profile_url) {
            (Some(id), _) => {
                MessageTarget::ConversationId(validate::conversation_id(id)?.to_owned())
            }
            (None, Some(url)) => MessageTarget::ProfileUrl(url.to_owned()),
            // A profile URL given empty is that field's mistake, not a missing conversation.
            (None, None) if self.profile_url.is_some() => {
                return Err(Error::invalid(
                    "profileUrl",
                    "must be a LinkedIn profile URL like https://www.linkedin.com/in/<name>/",
                ))
            }
            (None, None) => {
                return Err(Error::invalid(
                    "conversationId",
                    "give conversationId or profileUrl",
                ))
            }
        };
        Ok(CheckedDraft {
            target,
            profile_url,
            text,
        })
    }

    /// Checks the draft without building anything (the Worker refuses bad input before it
    /// records an idempotency key).
    pub fn validate(&self) -> Result<()> {
        self.check().map(|_| ())
    }
}

/// A message the provider accepted: as the thread will show it, and what it cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    /// The message, as its thread shows it.
    pub message: Message,
    /// LinkupAPI credits the send cost (0 for ConnectSafely).
    pub credit_cost: u32,
}

/// Who writes for a backend: the proxy, or ConnectSafely when the account has it (free, and
/// it has read state), else LinkupAPI.
impl Backend {
    /// The provider that sends for this backend: ConnectSafely when it is configured, else
    /// LinkupAPI; `None` through the proxy (it chooses) or with no provider at all.
    pub fn writer(&self) -> Option<Provider> {
        match self {
            Self::Direct {
                connectsafely: Some(_),
                ..
            } => Some(Provider::ConnectSafely),
            Self::Direct {
                linkup: Some(_), ..
            } => Some(Provider::Linkup),
            Self::Direct { .. } | Self::Proxy(_) => None,
        }
    }

    /// Builds the send of `draft`. Through the proxy `idempotency_key` makes retries safe;
    /// straight to a provider there is no such key: never retry a send whose outcome is unknown.
    #[inline(never)]
    pub fn build_send(&self, draft: &Draft, idempotency_key: &str) -> Result<HttpRequest> {
        match self {
            Self::Proxy(proxy) => proxy.build_send(draft, idempotency_key),
            Self::Direct {
                connectsafely: Some(cs),
                account_id,
                ..
            } => cs.build_send(draft, account_id.as_deref()),
            Self::Direct {
                linkup: Some(lk), ..
            } => lk.build_send(draft),
            Self::Direct { .. } => Err(Error::invalid("config", "no provider to send with")),
        }
    }

    /// Whether a reply must name the conversation's other member too (`Draft::profile_url`):
    /// true when LinkupAPI writes, which sends to profiles only (v1 and v2). Whoever holds the
    /// stored conversation fills it in (the Worker does).
    pub fn replies_need_profile_url(&self) -> bool {
        self.writer() == Some(Provider::Linkup)
    }

    /// Parses the answer to [`Self::build_send`] of `draft`.
    #[inline(never)]
    pub fn parse_send(&self, draft: &Draft, response: &HttpResponse) -> Result<Sent> {
        match self {
            Self::Proxy(proxy) => proxy.parse_send(response),
            Self::Direct {
                connectsafely: Some(cs),
                ..
            } => cs.parse_send(draft, response),
            Self::Direct {
                linkup: Some(lk), ..
            } => lk.parse_send(draft, response),
            Self::Direct { .. } => Err(Error::invalid("config", "no provider to send with")),
        }
    }

    /// Builds the call that marks a conversation read or unread (`NOT_SUPPORTED` with
    /// LinkupAPI alone: it has no such call).
    #[inline(never)]
    pub fn build_mark(&self, conversation_id: &str, read: bool) -> Result<HttpRequest> {
        match self {
            Self::Proxy(proxy) => proxy.build_mark(conversation_id, read),
            Self::Direct {
                connectsafely: Some(cs),
                account_id,
                ..
            } => cs.build_mark(conversation_id, read, account_id.as_deref()),
            Self::Direct { .. } => Err(Error::NotSupported {
                message: "LinkupAPI has no read-state call: read state needs ConnectSafely".into(),
            }),
        }
    }

    /// Parses the answer to [`Self::build_mark`].
    #[inline(never)]
    pub fn parse_mark(&self, response: &HttpResponse) -> Result<()> {
        match self {
            Self::Proxy(proxy) => proxy.parse_mark(response),
            Self::Direct {
                connectsafely: Some(cs),
                ..
            } => cs.parse_mark(response),
            Self::Direct { .. } => Err(Error::NotSupported {
                message: "LinkupAPI has no read-state call".into(),
            }),
        }
    }
}
