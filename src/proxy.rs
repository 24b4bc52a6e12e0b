//! Client side of this project's Worker proxy API (`docs/openapi.yaml`): the same queries
//! and model as the providers, with the provider keys and LinkedIn sessions kept server-side.

use percent_encoding::utf8_percent_encode;
use serde::Deserialize;

use crate::error::{Error, ErrorCode, Result};
use crate::http::{url_with_query, QUERY_VALUE};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::model::{ConversationPage, MessagePage};
use crate::outbox::{Draft, Sent};
use crate::providers::response::{decode_json, error_from_response};
use crate::query::{ConversationQuery, MessageQuery, MessageTarget};
use crate::redact::{redact_text, truncate_chars, EXCERPT_CHARS};
use crate::secret::ClientToken;
use crate::validate;

/// Field names the proxy may report for `INVALID_INPUT`.
const KNOWN_FIELDS: [&str; 28] = [
    "count",
    "keywords",
    "unread",
    "cursor",
    "conversationId",
    "profileUrl",
    "accountId",
    "country",
    "apiKey",
    "loginToken",
    "baseUrl",
    "token",
    "text",
    "body",
    "query",
    "Idempotency-Key",
    "idempotencyKey",
    "account",
    // Triage (docs/triage.md): its writes and the list's views.
    "archived",
    "snoozedUntil",
    "starred",
    "labels",
    "note",
    "name",
    "view",
    "label",
    "waiting",
    "quietDays",
];

/// The `account` that names every account of a proxy client.
pub const ALL_ACCOUNTS: &str = "all";

/// Client for the Worker proxy: its base URL, this client's token and the account its requests
/// name, if any. No I/O.
#[derive(Debug, Clone)]
pub struct Proxy {
    base_url: String,
    token: ClientToken,
    account: Option<String>,
    view: ListView,
}

/// The triage view of the proxy's conversation lists (docs/triage.md): `view`
/// (`inbox|archived|snoozed|starred`), `label`, `waiting` (`me|them`), `quietDays`. The proxy
/// checks them (400 naming the field); they are sent with every page of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListView {
    /// `inbox`, `archived`, `snoozed` or `starred`; none: every conversation.
    #[serde(default)]
    pub view: Option<String>,
    /// Conversations with this label of the account.
    #[serde(default)]
    pub label: Option<String>,
    /// `me` (the other person wrote last) or `them` (the account did, `quiet_days` ago).
    #[serde(default)]
    pub waiting: Option<String>,
    /// With `waiting: them`: days without an answer.
    #[serde(default)]
    pub quiet_days: Option<u32>,
}

impl Proxy {
    /// A client for the proxy at `base_url` (e.g. `https://inbox.example.workers.dev`); its
    /// requests name no account (the proxy finds a conversation's, and lists them all).
    pub fn new(base_url: &str, token: ClientToken) -> Result<Self> {
        validate::non_empty_secret("token", token.expose())?;
        Ok(Self {
            base_url: validate::base_url(base_url)?,
            token,
            account: None,
            view: ListView::default(),
        })
    }

    /// This client with the triage view `view` on its conversation lists.
    pub fn with_view(&self, view: ListView) -> Self {
        Self {
            view,
            ..self.clone()
        }
    }

    /// This client for `account`: one of the client's account ids, or [`ALL_ACCOUNTS`]. Every
    /// request it builds (lists, their next pages, threads, sends, read state) then carries
    /// `account=<id>` in its query; `None` carries none.
    pub fn for_account(&self, account: Option<&str>) -> Result<Self> {
        let account = account.map(Self::check_account).transpose()?;
        Ok(Self {
            account: account.map(str::to_owned),
            ..self.clone()
        })
    }

    /// The account this client's requests name.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// Checks an account id as the proxy's registry allows them: 1–64 of `A-Z a-z 0-9 . _ -`
    /// (so `"all"` too); `INVALID_INPUT` on `account` otherwise.
    pub fn check_account(account: &str) -> Result<&str> {
        let valid = (1..=64).contains(&account.len())
            && account
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if valid {
            Ok(account)
        } else {
            Err(Error::invalid(
                "account",
                "must be an account id (1-64 of A-Z a-z 0-9 . _ -) or \"all\"",
            ))
        }
    }

    /// The client token, for scrubbing error text.
    pub(crate) fn token(&self) -> &str {
        self.token.expose()
    }

    /// `GET /v1/conversations`.
    pub fn build_list_conversations(&self, query: &ConversationQuery) -> Result<HttpRequest> {
        let checked = query.check()?;
        let count = checked.count.map(|c| c.to_string());
        let unread = query.unread.map(|u| u.to_string());
        let quiet_days = self.view.quiet_days.map(|d| d.to_string());
        let params = [
            ("count", count.as_deref()),
            ("keywords", checked.keywords),
            ("unread", unread.as_deref()),
            ("view", self.view.view.as_deref()),
            ("label", self.view.label.as_deref()),
            ("waiting", self.view.waiting.as_deref()),
            ("quietDays", quiet_days.as_deref()),
            ("cursor", query.cursor.as_deref()),
        ];
        Ok(self.get("/v1/conversations", &params))
    }

    /// `GET /v1/conversations/{id}/messages` or `GET /v1/messages?profileUrl=`.
    pub fn build_list_messages(&self, query: &MessageQuery) -> Result<HttpRequest> {
        let target = query.target()?;
        let count = validate::count("count", query.count)?.map(|c| c.to_string());
        let page = [
            ("count", count.as_deref()),
            ("cursor", query.cursor.as_deref()),
        ];
        Ok(match &target {
            MessageTarget::ConversationId(id) => {
                let path = format!(
                    "/v1/conversations/{}/messages",
                    utf8_percent_encode(id, QUERY_VALUE)
                );
                self.get(&path, &page)
            }
            MessageTarget::ProfileUrl(url) => self.get(
                "/v1/messages",
                &[("profileUrl", Some(url.as_str())), page[0], page[1]],
            ),
        })
    }

    /// `POST /v1/conversations/{id}/messages` (a reply) or `POST /v1/messages` (to a person),
    /// with the `Idempotency-Key` that makes a retry of it safe.
    pub fn build_send(&self, draft: &Draft, idempotency_key: &str) -> Result<HttpRequest> {
        let checked = draft.check()?;
        if idempotency_key.is_empty()
            || idempotency_key.len() > 255
            || !idempotency_key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::invalid(
                "idempotencyKey",
                "must be 1..=255 visible ASCII characters",
            ));
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            profile_url: Option<&'a str>,
            text: &'a str,
        }
        let (path, profile_url) = match &checked.target {
            MessageTarget::ConversationId(id) => (
                format!(
                    "/v1/conversations/{}/messages",
                    utf8_percent_encode(id, QUERY_VALUE)
                ),
                checked.profile_url,
            ),
            MessageTarget::ProfileUrl(url) => ("/v1/messages".to_owned(), Some(url.as_str())),
        };
        let body = serde_json::to_string(&Body {
            profile_url,
            text: checked.text,
        })
        .map_err(|e| Error::invalid("text", e.to_string()))?;
        let mut request = self.post(&path, Some(body));
        request
            .headers
            .push(("idempotency-key".into(), idempotency_key.to_owned()));
        Ok(request)
    }

    /// Parses the answer to [`Self::build_send`].
    pub fn parse_send(&self, response: &HttpResponse) -> Result<Sent> {
        #[derive(Deserialize)]
        struct Answer {
            message: crate::model::Message,
        }
        parse::<Answer>(response)
            .map(|answer| Sent {
                message: answer.message,
                credit_cost: response
                    .header("x-credits-spent")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            })
            .map_err(|e| e.scrub(&[self.token.expose()]))
    }

    /// `POST /v1/conversations/{id}/read` or `/unread`.
    pub fn build_mark(&self, conversation_id: &str, read: bool) -> Result<HttpRequest> {
        let id = validate::conversation_id(conversation_id)?;
        let what = if read { "read" } else { "unread" };
        let path = format!(
            "/v1/conversations/{}/{what}",
            utf8_percent_encode(id, QUERY_VALUE)
        );
        Ok(self.post(&path, None))
    }

    /// Parses the answer to [`Self::build_mark`].
    pub fn parse_mark(&self, response: &HttpResponse) -> Result<()> {
        parse::<serde_json::Value>(response)
            .map(|_| ())
            .map_err(|e| e.scrub(&[self.token.expose()]))
    }

    fn post(&self, path: &str, body: Option<String>) -> HttpRequest {
        let mut request = self.get(path, &[]);
        request.method = Method::Post;
        if body.is_some() {
            request
                .headers
                .push(("content-type".into(), "application/json".into()));
        }
        request.body = body;
        request
    }

    /// A request to `path` with `params` and, last, this client's `account`.
    fn get(&self, path: &str, params: &[(&str, Option<&str>)]) -> HttpRequest {
        let mut url = url_with_query(format!("{}{path}", self.base_url), params);
        if let Some(account) = &self.account {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("account=");
            url.extend(utf8_percent_encode(account, QUERY_VALUE));
        }
        HttpRequest::bearer_get(url, self.token.expose())
    }

    /// Parses `GET /v1/conversations`.
    pub fn parse_list_conversations(&self, response: &HttpResponse) -> Result<ConversationPage> {
        parse(response).map_err(|e| e.scrub(&[self.token.expose()]))
    }

    /// Parses the two message routes.
    pub fn parse_list_messages(&self, response: &HttpResponse) -> Result<MessagePage> {
        parse(response).map_err(|e| e.scrub(&[self.token.expose()]))
    }
}

fn parse<T: serde::de::DeserializeOwned>(response: &HttpResponse) -> Result<T> {
    if (200..300).contains(&response.status) {
        decode_json(response)
    } else {
        Err(proxy_error(response))
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: Option<String>,
    field: Option<String>,
}

/// The proxy's `{"error": {"code", "message", "field"?}}` back into an [`Error`].
pub fn proxy_error(response: &HttpResponse) -> Error {
    let Ok(ErrorBody { error }) = crate::json::from_str::<ErrorBody>(&response.body) else {
        return error_from_response(response);
    };
    let status = response.status;
    let message = truncate_chars(
        &redact_text(error.message.as_deref().unwrap_or("")),
        EXCERPT_CHARS,
    )
    .to_owned();
    let retry_after_secs = response.retry_after_secs();
    match ErrorCode::from_code(&error.code) {
        Some(ErrorCode::InvalidInput) => {
            let field = error
                .field
                .as_deref()
                .and_then(|f| KNOWN_FIELDS.into_iter().find(|k| *k == f))
                .unwrap_or("input");
            Error::InvalidInput {
                field,
                reason: message,
            }
        }
        Some(ErrorCode::InvalidCursor) => Error::InvalidCursor { reason: message },
        Some(ErrorCode::Unauthorized) => Error::Unauthorized { status, message },
        Some(ErrorCode::RateLimited) => Error::RateLimited { retry_after_secs },
        Some(ErrorCode::InsufficientCredits) => Error::InsufficientCredits { message },
        Some(ErrorCode::NotFound) => Error::NotFound { message },
        Some(ErrorCode::Network) => Error::Network { message },
        Some(ErrorCode::OriginNotAllowed) => Error::OriginNotAllowed { origin: message },
        Some(ErrorCode::BudgetExhausted) => Error::BudgetExhausted { retry_after_secs },
        Some(ErrorCode::Unavailable) => Error::Unavailable { message },
        Some(ErrorCode::Misconfigured) => Error::Misconfigured { message },
        Some(ErrorCode::NotSupported) => Error::NotSupported { message },
        Some(ErrorCode::IdempotencyKeyReused) => Error::IdempotencyKeyReused { message },
        Some(
            ErrorCode::MalformedResponse
            | ErrorCode::UpstreamError
            | ErrorCode::MethodNotAllowed
            | ErrorCode::NotImplemented
            | ErrorCode::PayloadTooLarge
            | ErrorCode::UnsupportedMediaType,
        ) => Error::UpstreamError { status, message },
        None if status == 429 => Error::RateLimited { retry_after_secs },
        None if status == 401 || status == 403 => Error::Unauthorized {
            status,
            message: format!("{}: {message}", error.code),
        },
        None => Error::UpstreamError {
            status,
            message: format!("{}: {message}", error.code),
        },
    }
}

#[cfg(test)]
mod tests;
