//! The one error type of the core, with stable machine codes and the one status table
//! ([`ErrorCode::http_status`]); `served` is how a server answers an error.

mod served;

pub use served::ServedError;

use std::fmt;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable machine codes. `as_str()` is API: it never changes for an existing variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Caller input failed validation; the error names the field.
    InvalidInput,
    /// A cursor is garbage, from another provider, or from a query with other filters.
    InvalidCursor,
    /// The provider rejected the API key or the LinkedIn session.
    Unauthorized,
    /// The provider asked us to slow down.
    RateLimited,
    /// The LinkupAPI credit balance cannot pay for the request.
    InsufficientCredits,
    /// The provider has no such conversation or profile.
    NotFound,
    /// The provider failed (5xx, unexpected status, or an error envelope).
    UpstreamError,
    /// The provider answered with a body we cannot read as its documented shape.
    MalformedResponse,
    /// The transport could not reach the server (DNS, refused, reset, offline).
    Network,
    /// The proxy does not accept requests from this page's origin.
    OriginNotAllowed,
    /// The account's daily provider budget or credit cap is spent.
    BudgetExhausted,
    /// The proxy cannot serve this now (its account gate is down) and has nothing cached.
    Unavailable,
    /// The proxy's own configuration is broken (its operator must fix it); no secret is named.
    Misconfigured,
    /// The proxy route exists but not for this HTTP method (a client bug; see `Allow`).
    MethodNotAllowed,
    /// The proxy does not implement this HTTP method on any route (see `Allow`).
    NotImplemented,
    /// The account's provider cannot do this (e.g. read state on LinkupAPI).
    NotSupported,
    /// An `Idempotency-Key` already used for another request (another body or route).
    IdempotencyKeyReused,
    /// The request body is over the proxy's documented cap.
    PayloadTooLarge,
    /// The request body is not of a type (or encoding) the route reads.
    UnsupportedMediaType,
}

impl ErrorCode {
    /// The stable `SCREAMING_SNAKE_CASE` code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "INVALID_INPUT",
            Self::InvalidCursor => "INVALID_CURSOR",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::RateLimited => "RATE_LIMITED",
            Self::InsufficientCredits => "INSUFFICIENT_CREDITS",
            Self::NotFound => "NOT_FOUND",
            Self::UpstreamError => "UPSTREAM_ERROR",
            Self::MalformedResponse => "MALFORMED_RESPONSE",
            Self::Network => "NETWORK_ERROR",
            Self::OriginNotAllowed => "ORIGIN_NOT_ALLOWED",
            Self::BudgetExhausted => "BUDGET_EXHAUSTED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Misconfigured => "PROXY_MISCONFIGURED",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::NotImplemented => "NOT_IMPLEMENTED",
            Self::NotSupported => "NOT_SUPPORTED",
            Self::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        }
    }

    /// Parses a stable code back (e.g. from the proxy's error JSON).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// Every code.
    pub const ALL: [ErrorCode; 19] = [
        Self::InvalidInput,
        Self::InvalidCursor,
        Self::Unauthorized,
        Self::RateLimited,
        Self::InsufficientCredits,
        Self::NotFound,
        Self::UpstreamError,
        Self::MalformedResponse,
        Self::Network,
        Self::OriginNotAllowed,
        Self::BudgetExhausted,
        Self::Unavailable,
        Self::Misconfigured,
        Self::MethodNotAllowed,
        Self::NotImplemented,
        Self::NotSupported,
        Self::IdempotencyKeyReused,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
    ];

    /// The HTTP status that goes with this code: what the Worker proxy answers with, and the
    /// status a client reports for an error that did not carry its own. The one status table
    /// of every layer.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::Misconfigured => 503,
            Self::MethodNotAllowed => 405,
            Self::NotImplemented | Self::NotSupported => 501,
            Self::IdempotencyKeyReused => 422,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::InvalidInput | Self::InvalidCursor => 400,
            Self::Unauthorized => 401,
            Self::InsufficientCredits => 402,
            Self::NotFound => 404,
            Self::RateLimited => 429,
            Self::UpstreamError | Self::MalformedResponse => 502,
            Self::Network => 504,
            Self::OriginNotAllowed => 403,
            Self::BudgetExhausted => 429,
            Self::Unavailable => 503,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong building a request or reading a response.
///
/// The `Display` text is for humans and may change; match on [`Error::code`].
/// No variant ever holds an API key or login token: upstream text is redacted and truncated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Caller input failed validation.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The offending field, as the caller named it (`count`, `linkedinUrl`, ...).
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The cursor cannot be used for this query.
    #[error("invalid cursor: {reason}")]
    InvalidCursor {
        /// Why it was rejected.
        reason: String,
    },
    /// The provider rejected the credentials (HTTP 401/403).
    #[error("unauthorized by provider (HTTP {status}): {message}")]
    Unauthorized {
        /// Upstream HTTP status.
        status: u16,
        /// Upstream message, redacted.
        message: String,
    },
    /// The provider rate-limited us (HTTP 429).
    #[error("rate limited by provider{}", retry_suffix(*retry_after_secs))]
    RateLimited {
        /// Seconds to wait, when the response said.
        retry_after_secs: Option<u64>,
    },
    /// Not enough LinkupAPI credits (HTTP 402).
    #[error("insufficient provider credits: {message}")]
    InsufficientCredits {
        /// Upstream message, redacted.
        message: String,
    },
    /// The provider found nothing (HTTP 404).
    #[error("not found: {message}")]
    NotFound {
        /// Upstream message, redacted.
        message: String,
    },
    /// The provider failed.
    #[error("provider error (HTTP {status}): {message}")]
    UpstreamError {
        /// Upstream HTTP status.
        status: u16,
        /// Upstream message, redacted.
        message: String,
    },
    /// The body is not the documented shape.
    #[error("malformed provider response (HTTP {status}) at `{path}`: {reason}; body starts: {body_excerpt}")]
    MalformedResponse {
        /// Upstream HTTP status.
        status: u16,
        /// JSON path of the failure (`.` for the root).
        path: String,
        /// What was wrong.
        reason: String,
        /// Start of the body, truncated and with secrets redacted.
        body_excerpt: String,
    },
    /// The proxy refused the request's `Origin`.
    #[error("origin not allowed: {origin}")]
    OriginNotAllowed {
        /// The refused origin.
        origin: String,
    },
    /// The account's budget is spent until `retry_after_secs` from now.
    #[error("budget exhausted{}", retry_suffix(*retry_after_secs))]
    BudgetExhausted {
        /// Seconds until the budget resets, when known.
        retry_after_secs: Option<u64>,
    },
    /// Temporarily unavailable.
    #[error("unavailable: {message}")]
    Unavailable {
        /// Why.
        message: String,
    },
    /// The proxy's configuration is broken.
    #[error("proxy misconfigured: {message}")]
    Misconfigured {
        /// What is wrong, naming settings, never their values.
        message: String,
    },
    /// The account's provider cannot do this.
    #[error("not supported: {message}")]
    NotSupported {
        /// What cannot be done, and with which provider.
        message: String,
    },
    /// The idempotency key was used for another request.
    #[error("idempotency key reused: {message}")]
    IdempotencyKeyReused {
        /// What differs.
        message: String,
    },
    /// The request never got an answer.
    #[error("network error: {message}")]
    Network {
        /// What the transport said (no secret: transports never see response bodies here).
        message: String,
    },
}

fn retry_suffix(secs: Option<u64>) -> String {
    secs.map(|s| format!("; retry after {s} s"))
        .unwrap_or_default()
}

impl Error {
    /// The stable machine code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidInput { .. } => ErrorCode::InvalidInput,
            Self::InvalidCursor { .. } => ErrorCode::InvalidCursor,
            Self::Unauthorized { .. } => ErrorCode::Unauthorized,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::InsufficientCredits { .. } => ErrorCode::InsufficientCredits,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::UpstreamError { .. } => ErrorCode::UpstreamError,
            Self::MalformedResponse { .. } => ErrorCode::MalformedResponse,
            Self::Network { .. } => ErrorCode::Network,
            Self::OriginNotAllowed { .. } => ErrorCode::OriginNotAllowed,
            Self::BudgetExhausted { .. } => ErrorCode::BudgetExhausted,
            Self::Unavailable { .. } => ErrorCode::Unavailable,
            Self::Misconfigured { .. } => ErrorCode::Misconfigured,
            Self::NotSupported { .. } => ErrorCode::NotSupported,
            Self::IdempotencyKeyReused { .. } => ErrorCode::IdempotencyKeyReused,
        }
    }

    /// The invalid field, for [`ErrorCode::InvalidInput`].
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Seconds to wait before retrying, when known.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } | Self::BudgetExhausted { retry_after_secs } => {
                *retry_after_secs
            }
            _ => None,
        }
    }

    /// The HTTP status of the failed response: the one it carried, or the status of its code
    /// ([`ErrorCode::http_status`]); `None` for errors that had no response.
    pub fn upstream_status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { status, .. }
            | Self::UpstreamError { status, .. }
            | Self::MalformedResponse { status, .. } => Some(*status),
            Self::InvalidInput { .. } | Self::InvalidCursor { .. } | Self::Network { .. } => None,
            other => Some(other.code().http_status()),
        }
    }

    /// Replaces every occurrence of the given secrets in the error's upstream text.
    pub fn scrub(self, secrets: &[&str]) -> Self {
        let clean = |text: String| {
            secrets
                .iter()
                .filter(|s| s.len() >= 4)
                .fold(text, |text, secret| text.replace(secret, "[redacted]"))
        };
        match self {
            Self::Unauthorized { status, message } => Self::Unauthorized {
                status,
                message: clean(message),
            },
            Self::InsufficientCredits { message } => Self::InsufficientCredits {
                message: clean(message),
            },
            Self::NotFound { message } => Self::NotFound {
                message: clean(message),
            },
            Self::Network { message } => Self::Network {
                message: clean(message),
            },
            Self::Unavailable { message } => Self::Unavailable {
                message: clean(message),
            },
            Self::Misconfigured { message } => Self::Misconfigured {
                message: clean(message),
            },
            Self::UpstreamError { status, message } => Self::UpstreamError {
                status,
                message: clean(message),
            },
            Self::MalformedResponse {
                status,
                path,
                reason,
                body_excerpt,
            } => Self::MalformedResponse {
                status,
                path,
                reason: clean(reason),
                body_excerpt: clean(body_excerpt),
            },
            other => other,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn cursor(reason: impl Into<String>) -> Self {
        Self::InvalidCursor {
            reason: reason.into(),
        }
    }
}
