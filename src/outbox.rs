//! Writes to a LinkedIn account: a message to send ([`Draft`]) and read state. Sans-IO like
//! the rest: each provider builds the request and parses its answer (`providers/*/send.rs`);
//! retrying safely (at most one send per intent) is the transport's job, with an idempotency
//! key (the Worker's account object keeps them).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Message;
use crate::providers::MessageTarget;
use crate::validate;

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
            (Some(id), _) => MessageTarget::ConversationId(validate::conversation_id(id)?.to_owned()),
            (None, Some(url)) => MessageTarget::ProfileUrl(url.to_owned()),
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
