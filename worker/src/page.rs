//! Serving one page: cache lookup, else one upstream call through the core, then store.

use linkedin_inbox::{ConversationQuery, Error, HttpRequest, HttpResponse, MessageQuery};
use serde::Serialize;
use worker::{console_error, Response};

use crate::auth::account_digest;
use crate::cache;
use crate::reply;
use crate::routes::Call;
use crate::upstream;
use crate::usage;

pub enum PageRequest {
    Conversations(ConversationQuery),
    Messages(MessageQuery),
}

struct Plan {
    key: String,
    ttl_secs: u64,
    credits: u64,
}

impl PageRequest {
    fn plan(&self, call: &Call) -> Result<Plan, Error> {
        let config = &call.config;
        let (cache_key, ttl_secs, credits) = match self {
            Self::Conversations(q) => {
                let ttl = if q.cursor.is_some() { config.cursor_ttl_secs } else { config.head_ttl_secs };
                (q.cache_key()?, ttl, 0)
            }
            Self::Messages(q) => {
                let ttl = if q.is_history_page() { config.history_ttl_secs } else { config.head_ttl_secs };
                (q.cache_key()?, ttl, u64::from(q.credit_cost()?))
            }
        };
        Ok(Plan { key: format!("{}/{cache_key}", account_digest(call.client())), ttl_secs, credits })
    }

    /// Builds, sends and parses; the page as JSON text. The outer error is the operator's
    /// (configuration), the inner one the request's.
    async fn fetch(&self, call: &Call) -> worker::Result<Result<String, Error>> {
        let timeout = call.config.upstream_timeout_ms;
        let config_error = |e: crate::config::ConfigError| worker::Error::RustError(e.0);
        Ok(match self {
            Self::Conversations(q) => {
                let client = call.config.connectsafely().map_err(config_error)?;
                exchange(client.build_list_conversations(q), timeout, |r| client.parse_list_conversations(q, r)).await
            }
            Self::Messages(q) => {
                let client = call.config.linkup(call.client()).map_err(config_error)?;
                exchange(client.build_list_messages(q), timeout, |r| client.parse_list_messages(q, r)).await
            }
        })
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

/// Answers `request` from the cache (`X-Cache: HIT`) or with one upstream call (`MISS`).
pub async fn serve(call: &Call, request: PageRequest) -> worker::Result<Response> {
    let plan = match request.plan(call) {
        Ok(plan) => plan,
        Err(e) => return reply::core_error(&e),
    };
    let account = account_digest(call.client());
    if let Some(hit) = cache::lookup(&plan.key, call.now_ms).await {
        usage::update(&account, call.now_ms, |u| {
            u.cache_hits += 1;
            u.linkup_credits_saved += plan.credits;
        });
        return page_response(hit.body, "HIT", hit.remaining_secs, Some(hit.age_secs), 0, plan.credits);
    }
    let body = match request.fetch(call).await? {
        Ok(body) => body,
        Err(e) => return reply::core_error(&e),
    };
    if let Err(e) = cache::store(&plan.key, &body, plan.ttl_secs, call.now_ms).await {
        console_error!("cache put failed: {e}");
    }
    let is_conversations = matches!(request, PageRequest::Conversations(_));
    usage::update(&account, call.now_ms, |u| {
        u.cache_misses += 1;
        if is_conversations {
            u.connectsafely_calls_today += 1;
        }
        u.linkup_credits_spent += plan.credits;
    });
    page_response(body, "MISS", plan.ttl_secs, None, plan.credits, 0)
}

fn page_response(body: String, cache: &str, max_age: u64, age: Option<u64>, spent: u64, saved: u64) -> worker::Result<Response> {
    let mut response = Response::ok(body)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/json")?;
    headers.set("X-Cache", cache)?;
    headers.set("Cache-Control", &format!("private, max-age={max_age}"))?;
    headers.set("X-Credits-Spent", &spent.to_string())?;
    headers.set("X-Credits-Saved", &saved.to_string())?;
    if let Some(age) = age {
        headers.set("Age", &age.to_string())?;
    }
    Ok(response)
}
