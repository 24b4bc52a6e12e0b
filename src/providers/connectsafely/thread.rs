//! ConnectSafely `GET /conversations/{conversationUrn}/messages`: a thread's messages, newest
//! first (`count`, `cursor` = epoch ms for older, `since` = epoch ms for newer). With it a
//! ConnectSafely-only account opens threads.

use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use super::wire::{ThreadMessages, WireThreadMessage};
use super::ConnectSafely;
use crate::attachment::parse_attachments;
use crate::cursor::{query_fingerprint, Cursor, Provider};
use crate::error::{Error, Result};
use crate::http::{url_with_query, HttpRequest, HttpResponse, QUERY_VALUE};
use crate::ids::conversation_key;
use crate::merge::dedupe_newest_first;
use crate::model::{Message, MessageKind, MessagePage, Sender, ThreadInfo};
use crate::providers::response::{decode_json, error_from_response};
use crate::query::{MessageQuery, MessageTarget};
use crate::validate;

/// The thread a query names and the cursor fingerprint of the query.
fn target(query: &MessageQuery) -> Result<(String, String)> {
    let MessageTarget::ConversationId(id) = query.target()? else {
        return Err(Error::invalid(
            "profileUrl",
            "ConnectSafely opens threads by conversationId only (profileUrl needs LinkupAPI)",
        ));
    };
    let fingerprint = query_fingerprint(&[("thread", Some(&conversation_key(&id)))]);
    Ok((id, fingerprint))
}

impl ConnectSafely {
    /// Builds `GET /conversations/{urn}/messages` for `query` (`account_id`: the account it
    /// belongs to, the key's default when `None`).
    pub fn build_thread_messages(
        &self,
        query: &MessageQuery,
        account_id: Option<&str>,
    ) -> Result<HttpRequest> {
        let (id, fingerprint) = target(query)?;
        let urn = self.conversation_urn(&id);
        let count = validate::count("count", query.count)?.map(|c| c.to_string());
        let cursor = query
            .cursor
            .as_deref()
            .map(|c| Cursor::open(c, Provider::ConnectSafely, &fingerprint))
            .transpose()?;
        let since = query.since.map(|s| s.to_string());
        let path = format!(
            "{}/conversations/{}/messages",
            self.base_url,
            utf8_percent_encode(&urn, QUERY_VALUE)
        );
        let params = [
            ("accountId", account_id),
            ("count", count.as_deref()),
            ("cursor", cursor.as_deref()),
            ("since", since.as_deref()),
        ];
        Ok(self.get(url_with_query(path, &params)))
    }

    /// Parses the response to [`Self::build_thread_messages`] for the same `query`.
    pub fn parse_thread_messages(
        &self,
        query: &MessageQuery,
        response: &HttpResponse,
    ) -> Result<MessagePage> {
        let parse = || {
            let (id, fingerprint) = target(query)?;
            let urn = self.conversation_urn(&id);
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let body: ThreadMessages = decode_json(response)?;
            let Some(wire) = body.messages else {
                return Err(error_from_response(response));
            };
            let thread_id = conversation_key(&urn);
            let items =
                dedupe_newest_first(wire.into_iter().map(|m| message(m, &thread_id)).collect());
            let oldest = items.last().map(|m| m.sent_at.to_string());
            let upstream = match body.cursor {
                Some(Value::String(s)) if !s.is_empty() => Some(s),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => oldest,
            };
            let next_cursor = upstream
                .filter(|_| body.has_more == Some(true) && !items.is_empty())
                .map(|c| Cursor::upstream(Provider::ConnectSafely, &fingerprint, c).encode());
            Ok(MessagePage {
                items,
                next_cursor,
                total: None,
                thread: ThreadInfo {
                    conversation_id: thread_id,
                    urn: Some(urn).filter(|u| u.starts_with("urn:li:msg_conversation:")),
                    profile_url: None,
                    unread_count: 0,
                    last_seen_at: None,
                    last_message_seen: false,
                    other_member_message_count: None,
                },
                credit_cost: 0,
            })
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}

pub(super) fn message(wire: WireThreadMessage, thread_id: &str) -> Message {
    let text = wire.text.unwrap_or_default();
    let attachments = parse_attachments(wire.attachments.as_ref());
    let has_attachment = wire.has_attachment == Some(true) || !attachments.is_empty();
    let kind = match text.is_empty() && !has_attachment {
        true => MessageKind::System,
        false => MessageKind::Text,
    };
    let profile_url = wire
        .sender_profile_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .map(|id| format!("https://www.linkedin.com/in/{id}"));
    Message {
        id: wire.message_urn,
        conversation_id: thread_id.to_owned(),
        text,
        sent_at: wire.sent_at,
        kind,
        raw_kind: String::new(),
        sender: Sender {
            name: wire.sender_name.unwrap_or_default(),
            first_name: None,
            last_name: None,
            profile_url,
            urn: wire
                .sender_profile_id
                .map(|id| format!("urn:li:fsd_profile:{id}")),
        },
        attachments,
    }
}
