//! One page request: its cache plan, its upstream call (owned, so in-flight calls can be
//! shared), and the response shapes. Used by the Worker and by the account gate.

use linkedin_inbox::{
    ConnectSafely, ConversationQuery, Error, HttpRequest, HttpResponse, Linkup, MessageQuery,
};
use serde::{Deserialize, Serialize};
use worker::{Response, ResponseBody};

use crate::config::{ClientEntry, Config, ConfigError};
use crate::upstream;

#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "query", rename_all = "camelCase")]
pub enum PageRequest {
    Conversations(ConversationQuery),
    Messages(MessageQuery),
}

/// Where a page lives in the cache, how long it is fresh, what it costs.
#[derive(Clone)]
pub struct Plan {
    pub key: String,
    pub ttl_secs: u64,
    pub credits: u64,
    pub is_connectsafely: bool,
}

impl PageRequest {
    /// Head pages (no cursor) carry the account's freshness generation in their key, so
    /// `POST /v1/refresh` makes them miss everywhere while older cursor pages stay cached.
    pub fn plan(&self, config: &Config, account: &str, generation: u64) -> Result<Plan, Error> {
        let (cache_key, is_head, ttl_secs, credits, is_connectsafely) = match self {
            Self::Conversations(q) => {
                let head = q.cursor.is_none();
                (
                    q.cache_key()?,
                    head,
                    if head {
                        config.head_ttl_secs
                    } else {
                        config.cursor_ttl_secs
                    },
                    0,
                    true,
                )
            }
            Self::Messages(q) => {
                let head = !q.is_history_page();
                (
                    q.cache_key()?,
                    head,
                    if head {
                        config.head_ttl_secs
                    } else {
                        config.history_ttl_secs
                    },
                    u64::from(q.credit_cost()?),
                    false,
                )
            }
        };
        let key = if is_head {
            format!("{account}/g{generation}/{cache_key}")
        } else {
            format!("{account}/{cache_key}")
        };
        Ok(Plan {
            key,
            ttl_secs,
            credits,
            is_connectsafely,
        })
    }

    /// The upstream call for `client`, owning everything it needs.
    pub fn upstream(
        &self,
        config: &Config,
        client: &ClientEntry,
    ) -> Result<UpstreamCall, ConfigError> {
        let provider = match self {
            Self::Conversations(q) => Provider::ConnectSafely(config.connectsafely()?, q.clone()),
            Self::Messages(q) => Provider::Linkup(config.linkup(client)?, q.clone()),
        };
        Ok(UpstreamCall {
            provider,
            timeout_ms: config.upstream_timeout_ms,
        })
    }
}

enum Provider {
    ConnectSafely(ConnectSafely, ConversationQuery),
    Linkup(Linkup, MessageQuery),
}

pub struct UpstreamCall {
    provider: Provider,
    timeout_ms: u64,
}

impl UpstreamCall {
    /// Builds, sends and parses; the page as JSON text.
    pub async fn run(self) -> Result<String, Error> {
        match &self.provider {
            Provider::ConnectSafely(client, q) => {
                exchange(client.build_list_conversations(q), self.timeout_ms, |r| {
                    client.parse_list_conversations(q, r)
                })
                .await
            }
            Provider::Linkup(client, q) => {
                exchange(client.build_list_messages(q), self.timeout_ms, |r| {
                    client.parse_list_messages(q, r)
                })
                .await
            }
        }
    }
}

async fn exchange<P: Serialize>(
    request: Result<HttpRequest, Error>,
    timeout_ms: u64,
    parse: impl FnOnce(&HttpResponse) -> Result<P, Error>,
) -> Result<String, Error> {
    let response = upstream::send(&request?, timeout_ms).await?;
    let page = parse(&response)?;
    Ok(serde_json::to_string(&page).expect("pages are plain data"))
}

/// How a page was answered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Hit,
    Miss,
    Coalesced,
    Stale,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "HIT",
            Self::Miss => "MISS",
            Self::Coalesced => "COALESCED",
            Self::Stale => "STALE",
        }
    }
}

/// A page with `X-Cache`, `Cache-Control: private, max-age`, `Age` and the credit headers.
/// `body` is JSON text just produced, or a cached body passed through as a stream.
pub fn page_response(
    body: ResponseBody,
    source: Source,
    max_age: u64,
    age: Option<u64>,
    spent: u64,
    saved: u64,
) -> worker::Result<Response> {
    let mut response = Response::builder().body(body);
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/json")?;
    headers.set("X-Cache", source.as_str())?;
    headers.set(
        "Cache-Control",
        &format!(
            "private, max-age={}",
            if source == Source::Stale { 0 } else { max_age }
        ),
    )?;
    headers.set("X-Credits-Spent", &spent.to_string())?;
    headers.set("X-Credits-Saved", &saved.to_string())?;
    if let Some(age) = age {
        headers.set("Age", &age.to_string())?;
    }
    Ok(response)
}

/// Whether a failure may be answered with a stale page: the provider failed, not the request.
pub fn stale_allowed(error: &Error) -> bool {
    matches!(
        error,
        Error::UpstreamError { .. }
            | Error::Network { .. }
            | Error::MalformedResponse { .. }
            | Error::RateLimited { .. }
            | Error::BudgetExhausted { .. }
    )
}
