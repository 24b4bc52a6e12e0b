//! The queries every provider and the proxy take: which conversations (filters and paging)
//! and which conversation's messages. The providers build their requests from them
//! (`providers/`), the proxy its URLs (`proxy.rs`); cursors are bound to a query's filters
//! through its fingerprint.

use percent_encoding::utf8_percent_encode;
use serde::{Deserialize, Serialize};

use crate::cursor::{query_fingerprint, Cursor, Provider};
use crate::error::{Error, Result};
use crate::http::QUERY_VALUE;
use crate::validate;

/// Messages per page when a query gives no `count` (LinkupAPI's default `total_results`).
pub(crate) const DEFAULT_MESSAGE_COUNT: u32 = 10;

/// Filters and paging of a conversation list. All fields are optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversationQuery {
    /// ConnectSafely account id; the key's default account when absent.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Page size, [`crate::MIN_COUNT`]..=[`crate::MAX_COUNT`]; the provider's default when absent.
    #[serde(default)]
    pub count: Option<u32>,
    /// Search text (participant names and message text); blank means no filter.
    #[serde(default)]
    pub keywords: Option<String>,
    /// `Some(true)`: unread only; `Some(false)`: read only (the seed path's `read`; the
    /// successor `GET /conversations` takes `unreadOnly` for `Some(true)` only).
    #[serde(default)]
    pub unread: Option<bool>,
    /// Opaque cursor from a previous page of the same query.
    #[serde(default)]
    pub cursor: Option<String>,
    /// ConnectSafely label id (successor endpoint `GET /conversations` only).
    #[serde(default)]
    pub label_id: Option<String>,
}

/// A validated query: what is sent and what the cursor is bound to.
pub(crate) struct ConversationChecked<'a> {
    pub(crate) account_id: Option<&'a str>,
    pub(crate) count: Option<u32>,
    pub(crate) keywords: Option<&'a str>,
    pub(crate) read: Option<&'static str>,
    pub(crate) label_id: Option<&'a str>,
    pub(crate) fingerprint: String,
}

impl ConversationQuery {
    pub(crate) fn check(&self) -> Result<ConversationChecked<'_>> {
        let account_id = self
            .account_id
            .as_deref()
            .map(validate::account_id)
            .transpose()?;
        let count = validate::count("count", self.count)?;
        let keywords = validate::keywords(self.keywords.as_deref())?;
        let read = self
            .unread
            .map(|unread| if unread { "false" } else { "true" });
        let label_id = self
            .label_id
            .as_deref()
            .map(|l| {
                validate::account_id(l).map_err(|_| Error::invalid("labelId", "is not a label id"))
            })
            .transpose()?;
        let mut fields = vec![
            ("accountId", account_id),
            ("keywords", keywords),
            ("read", read),
        ];
        if label_id.is_some() {
            fields.push(("labelId", label_id));
        }
        Ok(ConversationChecked {
            account_id,
            count,
            keywords,
            read,
            label_id,
            fingerprint: query_fingerprint(&fields),
        })
    }

    /// A canonical, secret-free key for caching this exact page (filters, size and cursor,
    /// whichever provider issued the cursor).
    pub fn cache_key(&self) -> Result<String> {
        let checked = self.check()?;
        let position = match self.cursor.as_deref() {
            None => "-".to_owned(),
            Some(opaque) => {
                let cursor = Cursor::decode(opaque)?;
                if cursor.fingerprint != checked.fingerprint {
                    return Err(Error::cursor("issued for a query with other filters"));
                }
                format!(
                    "{}.{}+{}",
                    cursor.provider.as_str(),
                    utf8_percent_encode(&cursor.upstream, QUERY_VALUE),
                    cursor.skip
                )
            }
        };
        Ok(format!(
            "cs:{}:{}:{position}",
            checked.fingerprint,
            checked
                .count
                .map_or_else(|| "-".to_owned(), |c| c.to_string()),
        ))
    }

    /// The upstream cursor to send to `provider` (`None` for the first page, also when the
    /// cursor is a position inside the first page of a locally filtered walk).
    pub(crate) fn upstream_cursor(
        &self,
        checked: &ConversationChecked<'_>,
        provider: Provider,
    ) -> Result<Option<String>> {
        Ok(self
            .cursor
            .as_deref()
            .map(|c| Cursor::open(c, provider, &checked.fingerprint))
            .transpose()?
            .filter(|c| !c.is_empty()))
    }

    /// The digest of the query's filters a cursor of it is bound to.
    pub fn fingerprint(&self) -> Result<String> {
        Ok(self.check()?.fingerprint)
    }

    /// Whether the query filters by `unread` or `keywords`.
    pub fn filters(&self) -> bool {
        self.unread.is_some()
            || self
                .keywords
                .as_deref()
                .is_some_and(|k| !k.trim().is_empty())
    }

    /// Whether `conversation` passes the query's filters, as ConnectSafely's seed path applies
    /// them: `unread` by read state; `keywords` case-insensitively in participant names and
    /// headlines and the latest message (all a list page shows).
    pub fn matches(&self, conversation: &crate::model::Conversation) -> bool {
        let unread = conversation.is_unread();
        if self.unread.is_some_and(|wanted| wanted != unread) {
            return false;
        }
        let Some(keywords) = self
            .keywords
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        else {
            return true;
        };
        let needle = crate::lowercase::lowercase(keywords);
        let found = |text: &str| crate::lowercase::lowercase(text).contains(&needle);
        conversation
            .participants
            .iter()
            .any(|p| found(&p.name) || p.headline.as_deref().is_some_and(found))
            || conversation
                .latest_message
                .as_ref()
                .is_some_and(|m| found(&m.text))
    }
}

/// Which conversation to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageTarget {
    /// By conversation URN (or thread id): no profile lookup upstream.
    ConversationId(String),
    /// By the other member's profile URL: the provider looks the conversation up first.
    ProfileUrl(String),
}

/// Which conversation, and paging. Exactly one of `conversation_id` / `profile_url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageQuery {
    /// Conversation URN.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// Profile URL of the other member (`https://www.linkedin.com/in/...`).
    #[serde(default)]
    pub profile_url: Option<String>,
    /// Messages per page, [`crate::MIN_COUNT`]..=[`crate::MAX_COUNT`] (default 10).
    #[serde(default)]
    pub count: Option<u32>,
    /// Opaque cursor from a previous page of the same conversation.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Only messages newer than this (epoch ms): ConnectSafely threads only.
    #[serde(default)]
    pub since: Option<i64>,
}

impl MessageQuery {
    /// The validated target: exactly one of conversation id and profile URL.
    pub fn target(&self) -> Result<MessageTarget> {
        let id = self
            .conversation_id
            .as_deref()
            .filter(|v| !v.trim().is_empty());
        let url = self.profile_url.as_deref().filter(|v| !v.trim().is_empty());
        match (id, url) {
            (Some(id), None) => Ok(MessageTarget::ConversationId(
                validate::conversation_id(id)?.to_owned(),
            )),
            (None, Some(url)) => Ok(MessageTarget::ProfileUrl(
                validate::profile_url(url)?.to_owned(),
            )),
            (Some(_), Some(_)) => Err(Error::invalid(
                "conversationId",
                "give conversationId or profileUrl, not both",
            )),
            (None, None) => Err(Error::invalid(
                "conversationId",
                "give conversationId or profileUrl",
            )),
        }
    }

    /// Whether this query asks for an older page (a cursor), whose content hardly changes.
    pub fn is_history_page(&self) -> bool {
        self.cursor.is_some()
    }

    /// A canonical, secret-free key for caching this exact page (whichever provider issued
    /// its cursor; the request builder checks the cursor belongs to the thread).
    pub fn cache_key(&self) -> Result<String> {
        let target = self.target()?;
        let total_results = validate::count("count", self.count)?.unwrap_or(DEFAULT_MESSAGE_COUNT);
        let thread = match &target {
            MessageTarget::ConversationId(id) => crate::ids::conversation_key(id),
            MessageTarget::ProfileUrl(url) => url.clone(),
        };
        let position = match self.cursor.as_deref() {
            None => "-".to_owned(),
            Some(opaque) => {
                let cursor = Cursor::decode(opaque)?;
                format!(
                    "{}.{}",
                    cursor.provider.as_str(),
                    utf8_percent_encode(&cursor.upstream, QUERY_VALUE)
                )
            }
        };
        Ok(format!(
            "lk:{}:{total_results}:{position}",
            query_fingerprint(&[("thread", Some(&thread))])
        ))
    }
}
