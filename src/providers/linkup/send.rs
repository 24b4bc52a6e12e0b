//! LinkupAPI sends, both to a profile only (neither takes a conversation id: a reply names the
//! conversation's other member): v1 `POST /v1/messages/send-message` (`linkedin_url`; answers
//! epoch ms and full URNs) and v2 `POST /v2/messages` action `send` (`profile_url`; answers a
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
use crate::outgoing_file::DraftFile;
use crate::providers::response::{decode_json, error_from_response};
use crate::query::MessageTarget;

/// The documented v1 send path (docs.linkupapi.com api-reference/linkup/Messages/send).
const V1_SEND_PATH: &str = "/v1/messages/send-message";

#[derive(Serialize)]
struct V1Send<'a> {
    /// A profile URL (or profile id `ACoAA…`): "the API automatically determines if there's an
    /// existing conversation".
    linkedin_url: &'a str,
    message_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_link: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_file: Option<MediaFile<'a>>,
    login_token: &'a str,
}

/// A send's file (v1 and v2 alike; "priority link > file"): `media_link`, else `media_file`
/// `{data (base64), filename}` (documented for v2; v1's `media_file` form is not shown, the
/// same object is sent).
#[derive(Default)]
struct Media<'a> {
    media_link: Option<&'a str>,
    media_file: Option<MediaFile<'a>>,
}

#[derive(Serialize)]
struct MediaFile<'a> {
    data: &'a str,
    filename: &'a str,
}

/// The draft's one file as LinkupAPI takes it (it sends one per message).
fn media(draft: &Draft) -> Result<Media<'_>> {
    let file = match draft.attachments.as_slice() {
        [] => return Ok(Media::default()),
        [file] => file,
        _ => {
            return Err(Error::invalid(
                "attachments",
                "LinkupAPI sends one file per message",
            ))
        }
    };
    let link = file.link.as_deref().filter(|l| !l.is_empty());
    let data = file.data.as_deref().filter(|d| !d.is_empty());
    match (link, data) {
        (None, None) => Err(Error::invalid(
            "attachments",
            "LinkupAPI needs the file's link or bytes",
        )),
        (Some(link), _) => Ok(Media {
            media_link: Some(link),
            media_file: None,
        }),
        (None, Some(data)) => Ok(Media {
            media_link: None,
            media_file: Some(MediaFile {
                data,
                filename: &file.name,
            }),
        }),
    }
}

/// What a send of `draft` costs in LinkupAPI credits: 1, or 2 with a file (both versions).
pub fn send_credit_cost(draft: &Draft) -> u32 {
    match draft.attachments.is_empty() {
        true => 1,
        false => 2,
    }
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
    #[serde(skip_serializing_if = "Option::is_none")]
    media_link: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_file: Option<MediaFile<'a>>,
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
    /// Builds the send of `draft`, to a profile whichever the version: the draft's profile, or
    /// for a reply the conversation's other member (`profileUrl`; refused without it).
    pub fn build_send(&self, draft: &Draft) -> Result<HttpRequest> {
        let checked = draft.check()?;
        let profile_url = match (&checked.target, checked.profile_url) {
            (MessageTarget::ProfileUrl(url), _) => url.as_str(),
            (MessageTarget::ConversationId(_), Some(url)) => url,
            (MessageTarget::ConversationId(_), None) => {
                return Err(Error::invalid(
                    "profileUrl",
                    "LinkupAPI sends to a profile only: give the conversation's other member",
                ))
            }
        };
        let Media {
            media_link,
            media_file,
        } = media(draft)?;
        let (path, body) = match &self.session {
            Session::V1(token) => (
                V1_SEND_PATH,
                serde_json::to_string(&V1Send {
                    linkedin_url: profile_url,
                    message_text: checked.text,
                    country: self.country.map(Country::as_str),
                    media_link,
                    media_file,
                    login_token: token.expose(),
                }),
            ),
            Session::V2 { account_id } => (
                "/v2/messages",
                serde_json::to_string(&V2Send {
                    account_id,
                    action: "send",
                    params: V2SendParams {
                        profile_url,
                        message_text: checked.text,
                        media_link,
                        media_file,
                    },
                }),
            ),
        };
        let body = body.map_err(|e| Error::invalid("text", e.to_string()))?;
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
                    (answer.data.filter(|_| ok), send_credit_cost(draft))
                }
                Session::V2 { .. } => {
                    let answer: V2Envelope<SentData> = decode_json(response)?;
                    let credits = answer
                        .metadata
                        .as_ref()
                        .and_then(|m| m.credits_consumed)
                        .unwrap_or_else(|| send_credit_cost(draft));
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
                    attachments: draft
                        .attachments
                        .iter()
                        .map(DraftFile::as_attachment)
                        .collect(),
                },
                credit_cost: credits,
            })
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}
