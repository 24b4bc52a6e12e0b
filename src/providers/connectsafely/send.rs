//! ConnectSafely writes: `POST /conversations/send` and read state (`POST
//! /messaging/mark-seen`, `PATCH /conversations/{urn}/mark-unread`).

use percent_encoding::{percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use super::thread::message;
use super::wire::WireThreadMessage;
use super::ConnectSafely;
use crate::error::{Error, Result};
use crate::http::{url_with_query, HttpRequest, HttpResponse, Method, QUERY_VALUE};
use crate::ids::{conversation_key, is_profile_id, thread_of_message};
use crate::outbox::{Draft, Sent};
use crate::providers::response::{decode_json, error_from_response};
use crate::query::MessageTarget;
use crate::validate;

/// The documented body (connectsafely.ai docs `post-conversations-send-conversations-send-message`):
/// `recipientProfileId` (the vanity slug) or `recipientProfileUrn` (preferred), and
/// `conversationUrn` for an existing conversation ("skips recipient lookup").
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient_profile_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient_profile_urn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_urn: Option<String>,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<FileItem<'a>>,
}

/// One sent file, as documented: `{file: {assetUrn, byteSize, mediaType, name}}`.
#[derive(Serialize)]
struct FileItem<'a> {
    file: FileFields<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileFields<'a> {
    asset_urn: &'a str,
    byte_size: u64,
    media_type: &'a str,
    name: &'a str,
}

/// The draft's files as ConnectSafely takes them: each must have been uploaded.
fn file_items(draft: &Draft) -> Result<Vec<FileItem<'_>>> {
    draft
        .attachments
        .iter()
        .map(|f| {
            let asset_urn = f.asset_urn.as_deref().filter(|u| !u.is_empty());
            let asset_urn = asset_urn.ok_or_else(|| {
                Error::invalid(
                    "attachments",
                    "ConnectSafely sends uploaded files (assetUrn)",
                )
            })?;
            Ok(FileItem {
                file: FileFields {
                    asset_urn,
                    byte_size: f.byte_size,
                    media_type: &f.media_type,
                    name: &f.name,
                },
            })
        })
        .collect()
}

/// A profile URL's member as ConnectSafely names a recipient: `(recipientProfileId,
/// recipientProfileUrn)`. A profile id slug (`/in/ACoAA…`) is the member's
/// `urn:li:fsd_profile:` URN; any other slug, percent-decoded, is the vanity `recipientProfileId`.
fn recipient(profile_url: &str) -> (Option<String>, Option<String>) {
    let after = profile_url
        .split_once("/in/")
        .map_or(profile_url, |(_, slug)| slug);
    let slug = after.trim().trim_end_matches('/');
    if is_profile_id(slug) {
        return (None, Some(format!("urn:li:fsd_profile:{slug}")));
    }
    let decoded = percent_decode_str(slug)
        .decode_utf8()
        .map_or_else(|_| slug.to_owned(), |s| s.into_owned());
    (Some(decoded), None)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SeenBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    conversation_urn: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendAnswer {
    success: Option<bool>,
    sent_message: Option<WireThreadMessage>,
    /// "Sales Navigator thread ID (only for Sales Nav accounts)", e.g. `"12345"`: absent on a
    /// normal account's send, and not a LinkedIn thread id when present.
    thread_id: Option<String>,
}

/// The conversation a sent message belongs to: the one the draft named; else `threadId` when it
/// is a LinkedIn thread id (`2-...` or a thread URN; a Sales Navigator id like `"12345"` is
/// not); else the thread the message URN names (`2-<base64 "…&thread">`); else the profile URL
/// the draft named (a first message whose thread the next list sync will show).
fn sent_thread(draft: &Draft, thread_id: Option<&str>, message_urn: &str) -> String {
    let named = draft
        .conversation_id
        .as_deref()
        .filter(|id| !id.trim().is_empty());
    if let Some(id) = named.or_else(|| thread_id.and_then(crate::ids::thread_id)) {
        return conversation_key(id);
    }
    thread_of_message(message_urn)
        .or_else(|| draft.profile_url.as_deref().map(|u| u.trim().to_owned()))
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct Acknowledged {
    success: Option<bool>,
}

impl ConnectSafely {
    pub(super) fn write(&self, method: Method, url: String, body: Option<String>) -> HttpRequest {
        let mut request = self.get(url);
        request.method = method;
        if body.is_some() {
            request
                .headers
                .push(("content-type".into(), "application/json".into()));
        }
        request.body = body;
        request
    }

    /// Builds `POST /conversations/send` (`account_id`: the account it is sent from, the
    /// key's default when `None`): to a profile, its member as `recipientProfileId` or
    /// `recipientProfileUrn`; a reply, its `conversationUrn` (and the other member when the
    /// draft names them, for a provider that wants a recipient even then).
    pub fn build_send(&self, draft: &Draft, account_id: Option<&str>) -> Result<HttpRequest> {
        let checked = draft.check()?;
        let account_id = account_id.map(validate::account_id).transpose()?;
        let (member, conversation_urn) = match &checked.target {
            MessageTarget::ConversationId(id) => {
                (checked.profile_url, Some(self.conversation_urn(id)))
            }
            MessageTarget::ProfileUrl(url) => (Some(url.as_str()), None),
        };
        let (recipient_profile_id, recipient_profile_urn) =
            member.map(recipient).unwrap_or_default();
        let body = SendBody {
            account_id,
            recipient_profile_id,
            recipient_profile_urn,
            conversation_urn,
            message: checked.text,
            attachments: file_items(draft)?,
        };
        let body =
            serde_json::to_string(&body).map_err(|e| Error::invalid("text", e.to_string()))?;
        Ok(self.write(
            Method::Post,
            format!("{}/conversations/send", self.base_url),
            Some(body),
        ))
    }

    /// Parses the answer to [`Self::build_send`] of `draft`: the message as the thread shows it.
    pub fn parse_send(&self, draft: &Draft, response: &HttpResponse) -> Result<Sent> {
        let parse = || {
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let answer: SendAnswer = decode_json(response)?;
            let (Some(wire), true) = (answer.sent_message, answer.success != Some(false)) else {
                return Err(error_from_response(response));
            };
            let thread = sent_thread(draft, answer.thread_id.as_deref(), &wire.message_urn);
            let mut message = message(wire, &thread);
            // The answer may not list the files it sent: the draft's, as the thread shows them.
            if message.attachments.is_empty() {
                message.attachments = draft
                    .attachments
                    .iter()
                    .map(|f| f.as_attachment())
                    .collect();
            }
            Ok(Sent {
                message,
                credit_cost: 0,
            })
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }

    /// Builds the read-state call for a conversation: `POST /messaging/mark-seen` (`read`) or
    /// `PATCH /conversations/{urn}/mark-unread`.
    pub fn build_mark(
        &self,
        conversation_id: &str,
        read: bool,
        account_id: Option<&str>,
    ) -> Result<HttpRequest> {
        let urn = self.conversation_urn(validate::conversation_id(conversation_id)?);
        let account_id = account_id.map(validate::account_id).transpose()?;
        Ok(match read {
            true => {
                let body = serde_json::to_string(&SeenBody {
                    account_id,
                    conversation_urn: &urn,
                })
                .map_err(|e| Error::invalid("conversationId", e.to_string()))?;
                self.write(
                    Method::Post,
                    format!("{}/messaging/mark-seen", self.base_url),
                    Some(body),
                )
            }
            false => {
                let path = format!(
                    "{}/conversations/{}/mark-unread",
                    self.base_url,
                    utf8_percent_encode(&urn, QUERY_VALUE)
                );
                self.write(
                    Method::Patch,
                    url_with_query(path, &[("accountId", account_id)]),
                    None,
                )
            }
        })
    }

    /// Parses the answer to [`Self::build_mark`].
    pub fn parse_mark(&self, response: &HttpResponse) -> Result<()> {
        let parse = || {
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let answer: Acknowledged = decode_json(response)?;
            match answer.success {
                Some(false) => Err(error_from_response(response)),
                _ => Ok(()),
            }
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}
