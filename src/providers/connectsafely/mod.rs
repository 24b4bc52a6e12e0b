//! ConnectSafely: the inbox list ([`GET /linkedin/messaging/recent-messages`](https://connectsafely.ai/docs),
//! the seed contract, which today answers 307 to its successor `GET /linkedin/conversations`)
//! and a thread's messages (`GET /conversations/{urn}/messages`, in `thread.rs`).

mod media;
mod normalize;
mod send;
mod star;
mod thread;
mod wire;

pub(crate) use normalize::picture_expiry_ms as normalize_picture_expiry;

use crate::cursor::Provider;
use crate::error::{Error, Result};
use crate::http::{url_with_query, HttpRequest, HttpResponse};
use crate::model::ConversationPage;
use crate::providers::response::{decode_json, error_from_response};
use crate::query::ConversationQuery;
use crate::secret::ApiKey;
use crate::validate;

/// The production base URL (the path `/messaging/recent-messages` is appended).
pub const CONNECTSAFELY_BASE_URL: &str = "https://api.connectsafely.ai/linkedin";
const PATH: &str = "/messaging/recent-messages";
/// The seed path's successor: `unreadOnly` but no `keywords`/`read` filtering, no `total`.
const SUCCESSOR_PATH: &str = "/conversations";

/// Client for the ConnectSafely API: a base URL and a key, no I/O.
#[derive(Debug, Clone)]
pub struct ConnectSafely {
    base_url: String,
    api_key: ApiKey,
    /// The account owner's profile URN, when known: conversation URNs are then sent in the
    /// documented `msg_conversation` form.
    owner_profile_urn: Option<String>,
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
        Ok(Self {
            base_url,
            api_key,
            owner_profile_urn: None,
        })
    }

    /// The same client, knowing the account owner's profile (`urn:li:fsd_profile:ACoAA…`, or
    /// the bare `ACoAA…`; a page's [`ConversationPage::owner_profile_urn`]): a thread, send or
    /// read-state call for a bare thread id then names the conversation
    /// `urn:li:msg_conversation:(<owner>,<thread id>)`, the form ConnectSafely's examples use,
    /// instead of `urn:li:messagingThread:<thread id>`.
    pub fn with_owner_profile_urn(mut self, owner: &str) -> Result<Self> {
        let owner = owner.trim();
        let id = owner.strip_prefix("urn:li:fsd_profile:").unwrap_or(owner);
        if !crate::ids::is_profile_id(id) {
            return Err(Error::invalid(
                "ownerProfileUrn",
                "must be a profile URN like urn:li:fsd_profile:ACoAA...",
            ));
        }
        self.owner_profile_urn = Some(format!("urn:li:fsd_profile:{id}"));
        Ok(self)
    }

    /// `id` (a thread id or conversation URN) as ConnectSafely takes it.
    fn conversation_urn(&self, id: &str) -> String {
        crate::ids::conversation_urn(id, self.owner_profile_urn.as_deref())
    }

    /// The secrets this client holds, for scrubbing error text.
    pub(crate) fn secrets(&self) -> [&str; 1] {
        [self.api_key.expose()]
    }

    fn get(&self, url: String) -> HttpRequest {
        HttpRequest::bearer_get(url, self.api_key.expose())
    }

    /// Builds `GET /messaging/recent-messages` for `query` (the seed contract: every filter
    /// is sent; today the provider answers 307 to [`Self::build_conversations`]'s path).
    pub fn build_list_conversations(&self, query: &ConversationQuery) -> Result<HttpRequest> {
        let checked = query.check()?;
        let upstream_cursor = query.upstream_cursor(&checked, Provider::ConnectSafely)?;
        let count = checked.count.map(|c| c.to_string());
        let params = [
            ("accountId", checked.account_id),
            ("nextCursor", upstream_cursor.as_deref()),
            ("count", count.as_deref()),
            ("keywords", checked.keywords),
            ("read", checked.read),
        ];
        Ok(self.get(url_with_query(format!("{}{PATH}", self.base_url), &params)))
    }

    /// Builds `GET /conversations` for `query`: `accountId`, `count`, `nextCursor`, `labelId`,
    /// and `unreadOnly=true` for `unread: true`. The endpoint has no other filter (no read-only,
    /// no `keywords`): its pages say `filtersApplied: false` when the query has one.
    pub fn build_conversations(&self, query: &ConversationQuery) -> Result<HttpRequest> {
        let checked = query.check()?;
        let upstream_cursor = query.upstream_cursor(&checked, Provider::ConnectSafely)?;
        let count = checked.count.map(|c| c.to_string());
        let params = [
            ("accountId", checked.account_id),
            ("count", count.as_deref()),
            ("nextCursor", upstream_cursor.as_deref()),
            ("labelId", checked.label_id),
            ("unreadOnly", (query.unread == Some(true)).then_some("true")),
        ];
        let url = format!("{}{SUCCESSOR_PATH}", self.base_url);
        Ok(self.get(url_with_query(url, &params)))
    }

    /// Parses the response to [`Self::build_list_conversations`] for the same `query`.
    pub fn parse_list_conversations(
        &self,
        query: &ConversationQuery,
        response: &HttpResponse,
    ) -> Result<ConversationPage> {
        self.parse_page(query, response, true)
    }

    /// Parses the response to [`Self::build_conversations`] (also when the seed path's 307
    /// led there) for the same `query`: filtered upstream when the query's only filter is
    /// `unread: true` (sent as `unreadOnly`).
    pub fn parse_conversations(
        &self,
        query: &ConversationQuery,
        response: &HttpResponse,
    ) -> Result<ConversationPage> {
        let unread_only = query.unread == Some(true) && query.check()?.keywords.is_none();
        self.parse_page(query, response, unread_only)
    }

    /// `filters_applied`: the endpoint applied the query's filters (an unfiltered query's
    /// page is always complete).
    fn parse_page(
        &self,
        query: &ConversationQuery,
        response: &HttpResponse,
        filters_applied: bool,
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
            let unfiltered = checked.keywords.is_none() && checked.read.is_none();
            Ok(normalize::page(
                body,
                &checked.fingerprint,
                filters_applied || unfiltered,
            ))
        };
        parse().map_err(|e| e.scrub(&[self.api_key.expose()]))
    }
}
