//! LinkupAPI sends: v1 `POST /v1/messages/send` (to a profile or a conversation; answers epoch
//! ms and full URNs) and v2 `POST /v2/messages` action `send` (to a profile URL only; answers a
//! bare conversation id and ISO `deliveredAt`). LinkupAPI has no read-state call.

use serde::{Deserialize, Serialize};

use super::wire::V2Envelope;
use super::{Linkup, Session};
use crate::country::Country;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::ids::conversation_key;
use crate::model::{Message, MessageKind, Sender};
use crate::outbox::{Draft, Sent};
use crate::providers::response::{decode_json, error_from_response};
use crate::providers::MessageTarget;

#[derive(Serialize)]
struct V1Send<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    linkedin_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_id: Option<&'a str>,
    message_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'static str>,
    login_token: &'a str,
}

#[derive(Serialize)]
struct V2Send<'a> {
    account_id: &'a str,
    action: &'static str,
    params: V2SendParams<'a>,
}

#[derive(Serialize)]
struct V2SendParams<'a> {
    profile_url: &'a str,
    message_text: &'a str,
}

/// v1 `data` and v2 `data` of a send, whichever names it uses.
#[derive(Deserialize)]
struct SentData {
    conversation_id: Option<String>,
    #[serde(alias = "entityUrn")]
    entity_urn: Option<String>,
    #[serde(
        default,
        alias = "deliveredAt",
        deserialize_with = "crate::time::opt_time"
    )]
    timestamp: Option<i64>,
    text: Option<String>,
}

#[derive(Deserialize)]
struct V1Answer {
    status: Option<String>,
    data: Option<SentData>,
}

fn malformed(response: &HttpResponse, path: &str, reason: &str) -> Error {
    Error::MalformedResponse {
        status: response.status,
        path: path.into(),
        reason: reason.into(),
        body_excerpt: String::new(),
    }
}

impl Linkup {
    /// Builds the send of `draft`: v1 to its conversation or profile; v2 to the profile only
    /// (a reply in a conversation must carry the other member's `profileUrl`).
    pub fn build_send(&self, draft: &Draft) -> Result<HttpRequest> {
        let checked = draft.check()?;
        let body = match &self.session {
            Session::V1(token) => {
                let (linkedin_url, conversation_id) = match &checked.target {
                    MessageTarget::ConversationId(id) => (None, Some(id.as_str())),
                    MessageTarget::ProfileUrl(url) => (Some(url.as_str()), None),
                };
                serde_json::to_string(&V1Send {
                    linkedin_url,
                    conversation_id,
                    message_text: checked.text,
                    country: self.country.map(Country::as_str),
                    login_token: token.expose(),
                })
            }
            Session::V2 { account_id } => {
                let profile_url = match (&checked.target, checked.profile_url) {
                    (MessageTarget::ProfileUrl(url), _) => url.as_str(),
                    (MessageTarget::ConversationId(_), Some(url)) => url,
                    (MessageTarget::ConversationId(_), None) => {
                        return Err(Error::invalid(
                            "profileUrl",
                            "LinkupAPI v2 sends to a profile URL only: give the conversation's other member",
                        ))
                    }
                };
                serde_json::to_string(&V2Send {
                    account_id,
                    action: "send",
                    params: V2SendParams {
                        profile_url,
                        message_text: checked.text,
                    },
                })
            }
        }
        .map_err(|e| Error::invalid("text", e.to_string()))?;
        let path = match self.session {
            Session::V1(_) => "/v1/messages/send",
            Session::V2 { .. } => "/v2/messages",
        };
        Ok(self.post(path, body))
    }

    /// Parses the answer to [`Self::build_send`] of `draft`.
    pub fn parse_send(&self, draft: &Draft, response: &HttpResponse) -> Result<Sent> {
        let parse = || {
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let (data, credits) = match self.session {
                Session::V1(_) => {
                    let answer: V1Answer = decode_json(response)?;
                    let ok = answer.status.as_deref().is_none_or(|s| s == "success");
                    (answer.data.filter(|_| ok), 1)
                }
                Session::V2 { .. } => {
                    let answer: V2Envelope<SentData> = decode_json(response)?;
                    let credits = answer
                        .metadata
                        .as_ref()
                        .and_then(|m| m.credits_consumed)
                        .unwrap_or(1);
                    (
                        answer.data.filter(|_| answer.success != Some(false)),
                        credits,
                    )
                }
            };
            let Some(data) = data else {
                return Err(error_from_response(response));
            };
            let id = data.entity_urn.ok_or_else(|| {
                malformed(response, ".data.entity_urn", "the sent message has no id")
            })?;
            let named = draft
                .conversation_id
                .as_deref()
                .filter(|id| !id.trim().is_empty());
            let conversation = data
                .conversation_id
                .as_deref()
                .or(named)
                .map(conversation_key)
                .ok_or_else(|| {
                    malformed(
                        response,
                        ".data.conversation_id",
                        "the send answer names no conversation",
                    )
                })?;
            let text = data.text.unwrap_or_else(|| draft.text.trim().to_owned());
            Ok(Sent {
                message: Message {
                    id,
                    conversation_id: conversation,
                    text,
                    sent_at: data.timestamp.unwrap_or(0),
                    kind: MessageKind::Text,
                    raw_kind: "TEXT".into(),
                    sender: Sender {
                        name: String::new(),
                        first_name: None,
                        last_name: None,
                        profile_url: None,
                        urn: None,
                    },
                },
                credit_cost: credits,
            })
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}
