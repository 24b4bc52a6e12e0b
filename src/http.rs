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
    let at_ms = u64::try_from(at_ms).ok()?;
    Some(at_ms.saturating_sub(now_ms).div_ceil(1000))
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
    /// lacks).
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.header("retry-after")
            .and_then(|v| v.trim().parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
