//! Fault injection: the next N calls, or a share of calls, of an endpoint or account fail in
//! a chosen way.

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
pub use crate::route::Endpoint;
use crate::route::Route;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultMode {
    /// An error status with the provider's error body (`status`, default 500; 429 adds
    /// `Retry-After`, or only `X-RateLimit-Reset` with `rateLimitReset`).
    Status,
    /// 200 with a body that is not JSON.
    Malformed,
    /// An HTML error page (`status`, default 502), as a CDN in front of the provider sends.
    Html,
    /// 200 with the real body cut in half.
    Truncated,
    /// The real answer after `latencyMs`.
    Latency,
    /// No answer at all (the connection stays open for an hour).
    Hang,
    /// An error status (`status`, default 500) whose body quotes the secrets the request
    /// carried (API key, Authorization, login token), as careless providers do: a client that
    /// passes error text on must scrub it.
    Echo,
    /// 307 to `location` (absolute or relative) with an empty body: a provider that moved.
    Redirect,
    /// Send endpoints only: the call runs to completion (a valid send is committed and
    /// counted), then the connection closes without any response.
    #[serde(rename = "commit-drop")]
    CommitDrop,
    /// Send endpoints only: the call runs to completion (a valid send is committed and
    /// counted), then no answer at all, as `hang`.
    #[serde(rename = "commit-hang")]
    CommitHang,
    /// 200 with `bodyBase64` as sent, `Content-Encoding: gzip` and its encoded length: a
    /// compressed answer (the test compresses the bytes it means, a small body for a big file).
    Gzip,
    /// 200 `application/json` with `bodyBase64` decoded as the body: an answer in a shape the
    /// provider does not document (ConnectSafely's `download-media` in JSON: the file in
    /// base64, or a media location).
    Json,
}

impl FaultMode {
    /// Whether the mode lets the call commit its write before losing the answer.
    pub fn commits(self) -> bool {
        matches!(self, Self::CommitDrop | Self::CommitHang)
    }
}

/// How a faulted 429 states its wait when it has no `Retry-After`: `X-RateLimit-Reset` as the
/// time the limit resets, `retryAfter` seconds from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitReset {
    /// Epoch seconds (what the sandbox's own daily quota sends).
    Epoch,
    /// ISO-8601 (ConnectSafely's cookbook: `2024-01-15T10:31:00.000Z`).
    Iso,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    pub mode: FaultMode,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// A 429 with `X-RateLimit-Reset` in this form instead of `Retry-After`.
    #[serde(default)]
    pub rate_limit_reset: Option<RateLimitReset>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Where the `redirect` mode sends the call.
    #[serde(default)]
    pub location: Option<String>,
    /// Fire for the next `count` matching calls.
    #[serde(default)]
    pub count: Option<u32>,
    /// Fire for this share (0..=1) of matching calls.
    #[serde(default)]
    pub ratio: Option<f64>,
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    /// One route by its `callsByEndpoint` name (`cs.send`, `lk.v2.list_inbox`, ...).
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    /// The encoded body of the `gzip` mode, base64.
    #[serde(default)]
    pub body_base64: Option<String>,
}

impl FaultSpec {
    pub fn validate(&self) -> Result<(), String> {
        if let Some(status) = self.status {
            if !(100..=599).contains(&status) {
                return Err("status must be 100..=599".into());
            }
        }
        if matches!(self.mode, FaultMode::Gzip | FaultMode::Json) && self.body_base64.is_none() {
            return Err("the gzip and json modes need bodyBase64".into());
        }
        if self.mode == FaultMode::Redirect {
            let location = self.location.as_deref().unwrap_or_default();
            if location.is_empty() {
                return Err("the redirect mode needs a location".into());
            }
            if axum::http::HeaderValue::from_str(location).is_err() {
                return Err("location must be a valid header value".into());
            }
        }
        let route = match self.route.as_deref() {
            None => None,
            Some(name) => Some(Route::named(name).ok_or_else(|| format!("unknown route {name}"))?),
        };
        if self.mode.commits() {
            let provider = self.endpoint;
            let sends = Route::ALL
                .into_iter()
                .filter(|r| r.sends())
                .filter(|r| route.is_none_or(|only| only == *r))
                .any(|r| provider.is_none_or(|p| p == r.provider()));
            if !sends {
                return Err(
                    "the commit-drop and commit-hang modes apply to send routes only \
(cs.send, lk.send, lk.v2.send)"
                        .into(),
                );
            }
        }
        if let Some(ratio) = self.ratio {
            if !(0.0..=1.0).contains(&ratio) {
                return Err("ratio must be within 0..=1".into());
            }
        }
        Ok(())
    }

    /// A `commit-*` fault matches send routes only; it waits, pending, for the next send.
    fn matches(&self, route: Route, account: &str) -> bool {
        self.endpoint.is_none_or(|e| e == route.provider())
            && self.route.as_deref().is_none_or(|r| r == route.name())
            && self.account.as_deref().is_none_or(|a| a == account)
            && (route.sends() || !self.mode.commits())
    }
}

/// Picks the fault for a call, consuming one use of a counted fault.
pub fn take(
    faults: &mut Vec<FaultSpec>,
    rng: &mut Rng,
    route: Route,
    account: &str,
) -> Option<FaultSpec> {
    let index = faults.iter().position(|f| f.matches(route, account))?;
    let fault = &mut faults[index];
    let fires = match (fault.count, fault.ratio) {
        (Some(0), _) => false,
        (Some(n), _) => {
            fault.count = Some(n - 1);
            true
        }
        (None, Some(ratio)) => rng.unit() < ratio,
        (None, None) => true,
    };
    let chosen = fires.then(|| fault.clone());
    if fault.count == Some(0) {
        faults.remove(index);
    }
    chosen
}
