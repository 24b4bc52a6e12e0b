//! Plain HTTP values exchanged with the transport the caller plugs in, and the URL and
//! query helpers every request builder uses.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::redact::redact_text;

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded.
pub(crate) const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded as one query value or path segment.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// A `Retry-After` value in whole seconds from `now_ms`: the delta form, or an HTTP date
/// (a date in the past is 0). `None` when it is neither.
pub fn retry_after_delta(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at_ms = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    Some(secs_until(u64::try_from(at_ms).ok()?, now_ms))
}

/// Whole seconds from `now_ms` until `until_ms`, rounded up (0 once it has passed): every
/// wait read or announced in whole seconds (`Retry-After`) is counted so.
pub fn secs_until(until_ms: u64, now_ms: u64) -> u64 {
    until_ms.saturating_sub(now_ms).div_ceil(1000)
}

/// The `Retry-After` of a refusal that lasts `wait_ms` more: whole seconds, rounded up, and at
/// least 1 (a refusal never announces "now").
pub fn retry_after_secs_for(wait_ms: u64) -> u64 {
    secs_until(wait_ms, 0).max(1)
}

/// `url` followed by the present parameters, percent-encoded, in the given order.
pub(crate) fn url_with_query(mut url: String, params: &[(&str, Option<&str>)]) -> String {
    let mut separator = '?';
    for (name, value) in params {
        if let Some(value) = value {
            url.push(separator);
            url.push_str(name);
            url.push('=');
            url.extend(utf8_percent_encode(value, QUERY_VALUE));
            separator = '&';
        }
    }
    url
}

/// HTTP method of a built request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PATCH`
    Patch,
}

impl Method {
    /// Upper-case method name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
        }
    }
}

/// A request ready to send: the transport sends exactly this, nothing more.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL, query already percent-encoded.
    pub url: String,
    /// Header names (lower-case) and values, in sending order.
    pub headers: Vec<(String, String)>,
    /// Body text (JSON), if any.
    pub body: Option<String>,
}

impl HttpRequest {
    /// A `GET` of `url` asking for JSON, authorized by `Authorization: Bearer {token}`: the
    /// form of every ConnectSafely call and every call to the proxy (writes set the method and
    /// body on it).
    pub(crate) fn bearer_get(url: String, token: &str) -> Self {
        Self {
            method: Method::Get,
            url,
            headers: vec![
                ("accept".into(), "application/json".into()),
                ("authorization".into(), format!("Bearer {token}")),
            ],
            body: None,
        }
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

const SECRET_HEADERS: [&str; 3] = ["authorization", "x-api-key", "cookie"];

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let secret = SECRET_HEADERS.iter().any(|s| n.eq_ignore_ascii_case(s));
                (n.as_str(), if secret { "[redacted]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_deref().map(redact_text))
            .finish()
    }
}

/// A response as the transport received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Header names and values (any case).
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// A response with no headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Retry-After` in whole seconds (the delta form; an HTTP date needs a clock the core
    /// lacks: see [`HttpResponse::with_retry_after`]).
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.header("retry-after")
            .and_then(|v| v.trim().parse().ok())
    }

    /// How long to wait, in whole seconds from `now_ms`, as the provider states it:
    /// `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset`, which ConnectSafely
    /// documents as ISO-8601 and others send as epoch seconds or milliseconds (a small number
    /// is read as seconds to wait). A time in the past is 0.
    pub fn wait_secs(&self, now_ms: u64) -> Option<u64> {
        if let Some(wait) = self
            .header("retry-after")
            .and_then(|v| retry_after_delta(v, now_ms))
        {
            return Some(wait);
        }
        let reset = self.header("x-ratelimit-reset")?.trim();
        let until_ms = match reset.parse::<u64>() {
            Ok(n) if n < 1_000_000_000 => return Some(n),
            Ok(n) if n < 100_000_000_000 => n.saturating_mul(1000),
            Ok(n) => n,
            Err(_) => u64::try_from(crate::time::parse_iso8601(reset)?).ok()?,
        };
        Some(secs_until(until_ms, now_ms))
    }

    /// For a transport with a clock: a 429 that states its wait only as an HTTP date or as
    /// `X-RateLimit-Reset` gets the delta `Retry-After` the core's parsers read.
    pub fn with_retry_after(mut self, now_ms: u64) -> Self {
        if self.status == 429 && self.retry_after_secs().is_none() {
            if let Some(wait) = self.wait_secs(now_ms) {
                self.headers
                    .retain(|(name, _)| !name.eq_ignore_ascii_case("retry-after"));
                self.headers.push(("retry-after".into(), wait.to_string()));
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_states_its_wait_in_every_documented_form() {
        let now_ms = 1_778_600_000_000; // 2026-05-12T15:33:20Z
        let limited = |name: &str, value: &str| HttpResponse::new(429, "").with_header(name, value);
        let cases = [
            (limited("Retry-After", "42"), Some(42)),
            (
                limited("X-RateLimit-Reset", "2026-05-12T15:34:20.000Z"),
                Some(60),
            ),
            (limited("X-RateLimit-Reset", "1778600090"), Some(90)),
            (limited("X-RateLimit-Reset", "1778600030500"), Some(31)),
            (limited("X-RateLimit-Reset", "30"), Some(30)),
            (
                limited("X-RateLimit-Reset", "2026-05-12T15:00:00Z"),
                Some(0),
            ),
            (limited("X-RateLimit-Reset", "soon"), None),
            (HttpResponse::new(429, ""), None),
        ];
        for (response, wait) in cases {
            assert_eq!(response.wait_secs(now_ms), wait, "{:?}", response.headers);
            let normalized = response.with_retry_after(now_ms);
            assert_eq!(
                normalized.retry_after_secs(),
                wait,
                "{:?}",
                normalized.headers
            );
        }
        // Retry-After wins over the reset time; only a 429 is rewritten.
        let both = limited("Retry-After", "5").with_header("X-RateLimit-Reset", "1778600090");
        assert_eq!(both.with_retry_after(now_ms).retry_after_secs(), Some(5));
        let fine = HttpResponse::new(200, "").with_header("X-RateLimit-Reset", "1778600090");
        assert_eq!(fine.with_retry_after(now_ms).retry_after_secs(), None);
    }

    #[test]
    fn waits_round_up_to_whole_seconds_and_a_refusal_lasts_at_least_one() {
        assert_eq!(secs_until(10_001, 10_000), 1);
        assert_eq!(secs_until(11_000, 10_000), 1);
        assert_eq!(secs_until(11_001, 10_000), 2);
        assert_eq!(secs_until(9_000, 10_000), 0);
        assert_eq!(retry_after_secs_for(1), 1);
        assert_eq!(retry_after_secs_for(0), 1);
        assert_eq!(retry_after_secs_for(2_000), 2);
        assert_eq!(retry_after_secs_for(2_001), 3);
    }

    #[test]
    fn retry_after_reads_both_forms() {
        // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480 s.
        let now_ms = 1_445_412_480_000 - 90_000;
        assert_eq!(retry_after_delta(" 42 ", now_ms), Some(42));
        assert_eq!(
            retry_after_delta("Wed, 21 Oct 2015 07:28:00 GMT", now_ms),
            Some(90)
        );
        assert_eq!(
            retry_after_delta("Wed, 21 Oct 2015 07:28:00 GMT", now_ms + 200_000),
            Some(0)
        );
        assert_eq!(retry_after_delta("soon", now_ms), None);
        assert_eq!(retry_after_delta("-5", now_ms), None);
    }

    #[test]
    fn query_values_are_percent_encoded_in_order() {
        let url = url_with_query(
            "https://x.example/p".into(),
            &[("a", Some("R&D é")), ("b", None), ("c", Some("~_.-"))],
        );
        assert_eq!(url, "https://x.example/p?a=R%26D%20%C3%A9&c=~_.-");
        assert_eq!(encode_component("a/b"), "a%2Fb");
    }
}
