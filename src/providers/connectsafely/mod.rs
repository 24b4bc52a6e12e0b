//! ConnectSafely [`GET /linkedin/messaging/recent-messages`](https://connectsafely.ai/docs):
//! the inbox list.

mod normalize;
mod wire;

use percent_encoding::utf8_percent_encode;
use serde::{Deserialize, Serialize};

use crate::cursor::{query_fingerprint, Cursor, Provider};
use crate::error::Result;
use crate::http::{url_with_query, HttpRequest, HttpResponse, Method, QUERY_VALUE};
use crate::model::ConversationPage;
use crate::providers::response::{decode_json, error_from_response};
use crate::secret::ApiKey;
use crate::validate;

/// The production base URL (the path `/messaging/recent-messages` is appended).
pub const CONNECTSAFELY_BASE_URL: &str = "https://api.connectsafely.ai/linkedin";
const PATH: &str = "/messaging/recent-messages";

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
    /// `Some(true)`: unread only; `Some(false)`: read only (sent upstream as `read`).
    #[serde(default)]
    pub unread: Option<bool>,
    /// Opaque cursor from a previous page of the same query.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A validated query: what is sent and what the cursor is bound to.
pub(crate) struct Checked<'a> {
    pub(crate) account_id: Option<&'a str>,
    pub(crate) count: Option<u32>,
    pub(crate) keywords: Option<&'a str>,
    pub(crate) read: Option<&'static str>,
    pub(crate) fingerprint: String,
}

impl ConversationQuery {
    pub(crate) fn check(&self) -> Result<Checked<'_>> {
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
        let fingerprint = query_fingerprint(&[
            ("accountId", account_id),
            ("keywords", keywords),
            ("read", read),
        ]);
        Ok(Checked {
            account_id,
            count,
            keywords,
            read,
            fingerprint,
        })
    }

    /// A canonical, secret-free key for caching this exact page (filters, size and cursor).
    pub fn cache_key(&self) -> Result<String> {
        let checked = self.check()?;
        let upstream = self.upstream_cursor(&checked)?;
        Ok(format!(
            "cs:{}:{}:{}",
            checked.fingerprint,
            checked
                .count
                .map_or_else(|| "-".to_owned(), |c| c.to_string()),
            upstream.map_or_else(
                || "-".to_owned(),
                |c| utf8_percent_encode(&c, QUERY_VALUE).to_string()
            )
        ))
    }

    fn upstream_cursor(&self, checked: &Checked<'_>) -> Result<Option<String>> {
        self.cursor
            .as_deref()
            .map(|c| Cursor::open(c, Provider::ConnectSafely, &checked.fingerprint))
            .transpose()
    }
}

/// Client for the ConnectSafely API: a base URL and a key, no I/O.
#[derive(Debug, Clone)]
pub struct ConnectSafely {
    base_url: String,
    api_key: ApiKey,
}

impl ConnectSafely {
    /// A client for the production host.
    pub fn new(api_key: ApiKey) -> Result<Self> {
        Self::with_base_url(api_key, CONNECTSAFELY_BASE_URL)
    }

    /// A client for another host (the sandbox): `base_url` ends where `/messaging` starts.
    pub fn with_base_url(api_key: ApiKey, base_url: &str) -> Result<Self> {
        validate::non_empty_secret("apiKey", api_key.expose())?;
        let base_url = validate::base_url(base_url)?;
        Ok(Self { base_url, api_key })
    }

    /// The secrets this client holds, for scrubbing error text.
    pub(crate) fn secrets(&self) -> [&str; 1] {
        [self.api_key.expose()]
    }

    /// Builds `GET /messaging/recent-messages` for `query`.
    pub fn build_list_conversations(&self, query: &ConversationQuery) -> Result<HttpRequest> {
        let checked = query.check()?;
        let upstream_cursor = query.upstream_cursor(&checked)?;
        let count = checked.count.map(|c| c.to_string());
        let params = [
            ("accountId", checked.account_id),
            ("nextCursor", upstream_cursor.as_deref()),
            ("count", count.as_deref()),
            ("keywords", checked.keywords),
            ("read", checked.read),
        ];
        let url = url_with_query(format!("{}{PATH}", self.base_url), &params);
        Ok(HttpRequest {
            method: Method::Get,
            url,
            headers: vec![
                ("accept".into(), "application/json".into()),
                (
                    "authorization".into(),
                    format!("Bearer {}", self.api_key.expose()),
                ),
            ],
            body: None,
        })
    }

    /// Parses the response to [`Self::build_list_conversations`] for the same `query`.
    pub fn parse_list_conversations(
        &self,
        query: &ConversationQuery,
        response: &HttpResponse,
    ) -> Result<ConversationPage> {
        let parse = || {
            let checked = query.check()?;
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let body: wire::RecentMessages = decode_json(response)?;
            let looks_like_an_error = body.success == Some(false)
                || (body.success.is_none() && body.conversations.is_none());
            if looks_like_an_error {
                return Err(error_from_response(response));
            }
            Ok(normalize::page(body, &checked.fingerprint))
        };
        parse().map_err(|e| e.scrub(&[self.api_key.expose()]))
    }
}
