//! How a server (the Worker proxy) answers an error: code, status from the one table, and a
//! message in its own words.

use super::{Error, ErrorCode};

/// An error as a server answers it (see [`Error::served`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedError {
    /// HTTP status, from [`ErrorCode::http_status`].
    pub status: u16,
    /// The code the client sees.
    pub code: ErrorCode,
    /// Human text in the server's words (no upstream text).
    pub message: String,
    /// The invalid field, for `INVALID_INPUT`.
    pub field: Option<&'static str>,
    /// Seconds to wait, for `RATE_LIMITED` and `BUDGET_EXHAUSTED`.
    pub retry_after_secs: Option<u64>,
}

impl ServedError {
    /// A served error of the server's own (not from an [`Error`]): its status from the table.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: code.http_status(),
            code,
            message: message.into(),
            field: None,
            retry_after_secs: None,
        }
    }

    /// The `{"error": {"code", "message", "field"?}}` body of the proxy API.
    pub fn body(&self) -> String {
        let mut detail = serde_json::json!({"code": self.code.as_str(), "message": self.message});
        if let Some(field) = self.field {
            detail["field"] = serde_json::Value::from(field);
        }
        serde_json::json!({ "error": detail }).to_string()
    }
}

impl Error {
    /// How a server (the Worker proxy) answers this error: the code and status its clients
    /// see, and a message in the server's own words. Client mistakes keep their explanation;
    /// upstream failures never pass a provider's text, header or secret through.
    pub fn served(&self) -> ServedError {
        let (code, message) = match self {
            Self::InvalidInput { .. } | Self::InvalidCursor { .. } => {
                (self.code(), self.to_string())
            }
            // The provider refused the proxy's own credentials: the proxy's failure, not the caller's.
            Self::Unauthorized { .. } => (
                ErrorCode::UpstreamError,
                "the provider rejected the proxy's credentials".into(),
            ),
            Self::RateLimited { .. } => (
                ErrorCode::RateLimited,
                "the provider is rate limiting this account; retry later".into(),
            ),
            Self::InsufficientCredits { .. } => (
                ErrorCode::InsufficientCredits,
                "the LinkupAPI credit balance is spent".into(),
            ),
            Self::NotFound { .. } => (ErrorCode::NotFound, "no such conversation".into()),
            Self::UpstreamError { status, .. } => (
                ErrorCode::UpstreamError,
                format!("the provider failed (HTTP {status})"),
            ),
            Self::MalformedResponse { .. } => (
                ErrorCode::MalformedResponse,
                "the provider sent a response that could not be read".into(),
            ),
            Self::Network { .. } => (
                ErrorCode::Network,
                "the provider did not answer in time".into(),
            ),
            Self::OriginNotAllowed { .. } => (
                ErrorCode::OriginNotAllowed,
                "this origin may not call the proxy".into(),
            ),
            Self::BudgetExhausted { .. } => (
                ErrorCode::BudgetExhausted,
                "this account's provider budget is spent until it resets".into(),
            ),
            Self::Unavailable { .. } => (
                ErrorCode::Unavailable,
                "the proxy cannot serve this right now; try again shortly".into(),
            ),
            Self::Misconfigured { .. } => (
                ErrorCode::Misconfigured,
                "the proxy is misconfigured; its operator must fix it".into(),
            ),
            // Both are the proxy's own words about the caller's request.
            Self::NotSupported { message } => (ErrorCode::NotSupported, message.clone()),
            Self::IdempotencyKeyReused { message } => {
                (ErrorCode::IdempotencyKeyReused, message.clone())
            }
        };
        ServedError {
            status: code.http_status(),
            code,
            message,
            field: self.field(),
            retry_after_secs: self.retry_after_secs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_status_comes_from_the_table() {
        let errors = [
            Error::InvalidInput {
                field: "count",
                reason: "x".into(),
            },
            Error::RateLimited {
                retry_after_secs: Some(3),
            },
            Error::NotFound {
                message: "secret-ish upstream text".into(),
            },
            Error::Network {
                message: "x".into(),
            },
            Error::Misconfigured {
                message: "x".into(),
            },
        ];
        for error in errors {
            let served = error.served();
            assert_eq!(served.status, served.code.http_status(), "{error}");
            assert!(!served.message.contains("secret-ish"));
        }
        let body: serde_json::Value =
            serde_json::from_str(&Error::invalid("count", "too big").served().body()).unwrap();
        assert_eq!(body["error"]["field"], "count");
        assert_eq!(body["error"]["code"], "INVALID_INPUT");
    }
}
