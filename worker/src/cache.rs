//! Page cache on the Cache API. Keys are built by the core from canonical parameters and
//! prefixed with a digest of the account: never a token.

use worker::{Cache, Response, ResponseBody};

use crate::plan::{Plan, Source};
use crate::respond::page_response;

const KEY_HOST: &str = "https://cache.linkedin-inbox.internal";

/// A cached page and how old it is. The body streams through: it never enters the wasm.
pub struct Cached {
    pub body: ResponseBody,
    pub age_secs: u64,
    pub remaining_secs: u64,
}

impl Cached {
    /// The page as a fresh HIT; the plan's credits are what the upstream call would have cost.
    pub fn hit(self, plan: &Plan) -> worker::Result<Response> {
        page_response(
            self.body,
            Source::Hit,
            plan.browser_max_age(self.remaining_secs),
            Some(self.age_secs),
            0,
            plan.credits,
        )
    }

    /// The page as STALE (served because the provider failed).
    pub fn stale(self) -> worker::Result<Response> {
        page_response(self.body, Source::Stale, 0, Some(self.age_secs), 0, 0)
    }
}

fn url(key: &str) -> String {
    format!("{KEY_HOST}/{key}")
}

/// The page under `key` if it is younger than its TTL. Cache failures count as misses.
pub async fn lookup(key: &str, now_ms: u64) -> Option<Cached> {
    let (page, ttl) = read(key, now_ms).await?;
    (page.age_secs < ttl).then(|| Cached {
        remaining_secs: ttl - page.age_secs,
        ..page
    })
}

/// The page under `key` however old, while the cache keeps it (the stale window).
pub async fn lookup_stale(key: &str, now_ms: u64) -> Option<Cached> {
    read(key, now_ms).await.map(|(page, _)| page)
}

/// The stored page, its age, and its freshness lifetime.
async fn read(key: &str, now_ms: u64) -> Option<(Cached, u64)> {
    let response = Cache::default().get(url(key), false).await.ok()??;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .ok()
            .flatten()
            .and_then(|v| v.parse::<u64>().ok())
    };
    let (stored_at, ttl) = (header("x-stored-at")?, header("x-ttl")?);
    let (_, body) = response.into_parts();
    Some((
        Cached {
            body,
            age_secs: now_ms.saturating_sub(stored_at) / 1000,
            remaining_secs: 0,
        },
        ttl,
    ))
}

/// Stores `body` under `key`: fresh for `ttl_secs`, kept for `keep_secs` (the stale window;
/// `s-maxage` is set before `put`).
pub async fn store(
    key: &str,
    body: &str,
    ttl_secs: u64,
    keep_secs: u64,
    now_ms: u64,
) -> worker::Result<()> {
    let mut response = Response::ok(body)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/json")?;
    headers.set(
        "Cache-Control",
        // Fresh for the TTL, then kept for the whole stale window after it.
        &format!("s-maxage={}", ttl_secs.saturating_add(keep_secs)),
    )?;
    headers.set("X-Stored-At", &now_ms.to_string())?;
    headers.set("X-Ttl", &ttl_secs.to_string())?;
    Cache::default().put(url(key), response).await
}
