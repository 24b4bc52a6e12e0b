//! LinkupAPI: [`POST /v1/messages/conversation`](https://docs.linkupapi.com) (the messages of
//! one conversation, newest first, by conversation id or by profile URL; the seed contract),
//! the inbox list `POST /v1/messages/inbox` (`inbox.rs`), and the v2 envelope
//! `POST /v2/messages` with `list_inbox` and `get_conversation` (`v2.rs`).

mod inbox;
mod normalize;
mod send;
pub use send::send_credit_cost;
mod v2;
mod wire;

use serde::Serialize;

use crate::country::Country;
use crate::cursor::{query_fingerprint, Cursor, Provider};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::model::MessagePage;
use crate::providers::response::{decode_json, error_from_response};
use crate::query::{MessageQuery, MessageTarget, DEFAULT_MESSAGE_COUNT};
use crate::secret::{ApiKey, LoginToken};
use crate::validate;

/// The production base URL (the path `/v1/messages/conversation` is appended).
pub const LINKUP_BASE_URL: &str = "https://api.linkupapi.com";
const PATH: &str = "/v1/messages/conversation";

/// Credits a request for `total_results` messages costs: 1 per 10, rounded up.
pub const fn credit_cost(total_results: u32) -> u32 {
    total_results.div_ceil(10)
}

/// A message query as LinkupAPI reads it: what is sent and what its cursor is bound to.
pub(crate) struct Checked {
    target: MessageTarget,
    total_results: u32,
    fingerprint: String,
}

/// How LinkupAPI reads a message query (it cannot ask for only newer messages).
impl MessageQuery {
    pub(crate) fn check(&self) -> Result<Checked> {
        let target = self.target()?;
        if self.since.is_some() {
            return Err(Error::invalid(
                "since",
                "LinkupAPI cannot fetch only newer messages (since needs ConnectSafely threads)",
            ));
        }
        let total_results = validate::count("count", self.count)?.unwrap_or(DEFAULT_MESSAGE_COUNT);
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
