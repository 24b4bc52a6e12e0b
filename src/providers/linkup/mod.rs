//! LinkupAPI: [`POST /v1/messages/conversation`](https://docs.linkupapi.com) (the messages of
//! one conversation, newest first, by conversation id or by profile URL; the seed contract),
//! the inbox list `POST /v1/messages/inbox` (`inbox.rs`), and the v2 envelope
//! `POST /v2/messages` with `list_inbox` and `get_conversation` (`v2.rs`).

mod inbox;
mod normalize;
mod send;
mod v2;
mod wire;

use percent_encoding::utf8_percent_encode;
use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::cursor::{query_fingerprint, Cursor, Provider};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method, QUERY_VALUE};
use crate::model::MessagePage;
use crate::providers::response::{decode_json, error_from_response};
use crate::secret::{ApiKey, LoginToken};
use crate::validate;

/// The production base URL (the path `/v1/messages/conversation` is appended).
pub const LINKUP_BASE_URL: &str = "https://api.linkupapi.com";
const PATH: &str = "/v1/messages/conversation";
/// LinkupAPI's default page size.
const DEFAULT_TOTAL_RESULTS: u32 = 10;

/// Credits a request for `total_results` messages costs: 1 per 10, rounded up.
pub const fn credit_cost(total_results: u32) -> u32 {
    total_results.div_ceil(10)
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

pub(crate) struct Checked {
    target: MessageTarget,
    total_results: u32,
    fingerprint: String,
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

    pub(crate) fn check(&self) -> Result<Checked> {
        let target = self.target()?;
        if self.since.is_some() {
            return Err(Error::invalid(
                "since",
                "LinkupAPI cannot fetch only newer messages (since needs ConnectSafely threads)",
            ));
        }
        let total_results = validate::count("count", self.count)?.unwrap_or(DEFAULT_TOTAL_RESULTS);
        let fingerprint = match &target {
            MessageTarget::ConversationId(id) => query_fingerprint(&[("conversationId", Some(id))]),
            MessageTarget::ProfileUrl(url) => query_fingerprint(&[("profileUrl", Some(url))]),
        };
        Ok(Checked {
            target,
            total_results,
            fingerprint,
        })
    }

    pub(crate) fn upstream_cursor(&self, checked: &Checked) -> Result<Option<String>> {
        self.cursor
            .as_deref()
            .map(|c| Cursor::open(c, Provider::Linkup, &checked.fingerprint))
            .transpose()
    }

    /// Credits this request will cost (1 per 10 requested results, rounded up).
    pub fn credit_cost(&self) -> Result<u32> {
        Ok(credit_cost(self.check()?.total_results))
    }

    /// Whether this query asks for an older page (a cursor), whose content hardly changes.
    pub fn is_history_page(&self) -> bool {
        self.cursor.is_some()
    }

    /// A canonical, secret-free key for caching this exact page (whichever provider issued
    /// its cursor; the request builder checks the cursor belongs to the thread).
    pub fn cache_key(&self) -> Result<String> {
        let target = self.target()?;
        let total_results = validate::count("count", self.count)?.unwrap_or(DEFAULT_TOTAL_RESULTS);
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

#[derive(Serialize)]
struct RequestBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    linkedin_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_id: Option<&'a str>,
    total_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'static str>,
    login_token: &'a str,
}

/// Which LinkupAPI the account uses: v1 with the LinkedIn session in each request, or v2
/// with an account connected on LinkupAPI's side.
#[derive(Debug, Clone)]
enum Session {
    V1(LoginToken),
    V2 { account_id: String },
}

/// Client for the LinkupAPI: base URL, key, the LinkedIn session (v1) or account (v2) and the
/// proxy country. No I/O.
#[derive(Debug, Clone)]
pub struct Linkup {
    base_url: String,
    api_key: ApiKey,
    session: Session,
    country: Option<Country>,
}

impl Linkup {
    /// The secrets this client holds, for scrubbing error text.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match &self.session {
            Session::V1(token) => vec![self.api_key.expose(), token.expose()],
            Session::V2 { .. } => vec![self.api_key.expose()],
        }
    }

    /// A v2 client (`POST /v2/messages`) for an account connected on LinkupAPI's side.
    pub fn v2(api_key: ApiKey, account_id: &str, base_url: &str) -> Result<Self> {
        validate::non_empty_secret("apiKey", api_key.expose())?;
        let account_id = validate::account_id(account_id)
            .map_err(|_| Error::invalid("accountId", "is not a LinkupAPI account id"))?
            .to_owned();
        Ok(Self {
            base_url: validate::base_url(base_url)?,
            api_key,
            session: Session::V2 { account_id },
            country: None,
        })
    }

    /// The v2 account id, for a v2 client.
    pub fn v2_account_id(&self) -> Option<&str> {
        match &self.session {
            Session::V1(_) => None,
            Session::V2 { account_id } => Some(account_id),
        }
    }

    fn post(&self, path: &str, body: String) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url: format!("{}{path}", self.base_url),
            headers: vec![
                ("accept".into(), "application/json".into()),
                ("content-type".into(), "application/json".into()),
                ("x-api-key".into(), self.api_key.expose().to_owned()),
            ],
            body: Some(body),
        }
    }

    /// The v1 session token; a v2 client has none.
    fn login_token(&self) -> Result<&str> {
        match &self.session {
            Session::V1(token) => Ok(token.expose()),
            Session::V2 { .. } => Err(Error::invalid(
                "config",
                "this LinkupAPI v2 client has no v1 login token",
            )),
        }
    }

    /// A client for the production host.
    pub fn new(api_key: ApiKey, login_token: LoginToken) -> Result<Self> {
        Self::with_base_url(api_key, login_token, LINKUP_BASE_URL)
    }

    /// A client for another host (the sandbox): `base_url` ends where `/v1` starts.
    pub fn with_base_url(api_key: ApiKey, login_token: LoginToken, base_url: &str) -> Result<Self> {
        validate::non_empty_secret("apiKey", api_key.expose())?;
        validate::non_empty_secret("loginToken", login_token.expose())?;
        let base_url = validate::base_url(base_url)?;
        Ok(Self {
            base_url,
            api_key,
            session: Session::V1(login_token),
            country: None,
        })
    }

    /// Sets the proxy country sent upstream (the provider defaults to `FR`).
    pub fn with_country(mut self, country: Country) -> Self {
        self.country = Some(country);
        self
    }

    /// Builds the messages request for `query`: `POST /v1/messages/conversation`, or v2's
    /// `get_conversation`.
    pub fn build_list_messages(&self, query: &MessageQuery) -> Result<HttpRequest> {
        if let Session::V2 { account_id } = &self.session {
            return v2::build_get_conversation(self, account_id, query);
        }
        let checked = query.check()?;
        let cursor = query.upstream_cursor(&checked)?;
        let (linkedin_url, conversation_id) = match &checked.target {
            MessageTarget::ProfileUrl(url) => (Some(url.as_str()), None),
            MessageTarget::ConversationId(id) => (None, Some(id.as_str())),
        };
        let body = RequestBody {
            linkedin_url,
            conversation_id,
            total_results: checked.total_results,
            cursor: cursor.as_deref(),
            country: self.country.map(Country::as_str),
            login_token: self.login_token()?,
        };
        Ok(self.post(
            PATH,
            serde_json::to_string(&body)
                .unwrap_or_else(|_| unreachable!("a struct of strings and integers serializes")),
        ))
    }

    /// Parses the response to [`Self::build_list_messages`] for the same `query`.
    pub fn parse_list_messages(
        &self,
        query: &MessageQuery,
        response: &HttpResponse,
    ) -> Result<MessagePage> {
        if let Session::V2 { .. } = &self.session {
            let checked = query.check()?;
            return v2::parse_get_conversation(&checked, response)
                .map_err(|e| e.scrub(&self.secrets()));
        }
        let parse = || {
            let checked = query.check()?;
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let body: wire::ConversationResponse = decode_json(response)?;
            let Some(data) = body
                .data
                .filter(|_| body.status.as_deref().is_none_or(|s| s == "success"))
            else {
                return Err(error_from_response(response));
            };
            Ok(normalize::page(
                data,
                &checked.target,
                &checked.fingerprint,
                credit_cost(checked.total_results),
            ))
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}
