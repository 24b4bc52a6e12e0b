//! Error answers of the proxy, pure: a core error (or the proxy's own refusal) becomes a status,
//! headers and the `{"error": {code, message, field?}}` body, all from the core's one status
//! table ([`linkedin_inbox::ErrorCode::http_status`]). `respond.rs` turns them into responses.

use linkedin_inbox::{Error, ErrorCode, ServedError};

/// An error answer ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl From<ServedError> for ErrorReply {
    fn from(served: ServedError) -> Self {
        let mut headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Cache-Control", "no-store".to_owned()),
        ];
        if let Some(secs) = served.retry_after_secs {
            headers.push(("Retry-After", secs.to_string()));
        }
        // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
        if served.status == 401 {
            headers.push(("WWW-Authenticate", "Bearer".to_owned()));
        }
        Self {
            status: served.status,
            headers,
            body: served.body(),
        }
    }
}

impl From<&Error> for ErrorReply {
    fn from(error: &Error) -> Self {
        error.served().into()
    }
}

/// The proxy's own refusals and failures (not from a provider).
pub fn refusal(code: ErrorCode, message: &str) -> ErrorReply {
    ServedError::new(code, message).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(reply: &ErrorReply) -> String {
        let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        body["error"]["code"].as_str().unwrap().to_owned()
    }

    #[test]
    fn statuses_come_from_the_core_table() {
        for code in ErrorCode::ALL {
            let reply = refusal(code, "x");
            assert_eq!(reply.status, code.http_status());
            assert_eq!(code_of(&reply), code.as_str());
        }
    }

    #[test]
    fn a_provider_refusing_our_credentials_is_our_upstream_error() {
        let reply = ErrorReply::from(&Error::Unauthorized {
            status: 401,
            message: "bad key sk_live".into(),
        });
        assert_eq!(
            (reply.status, code_of(&reply).as_str()),
            (502, "UPSTREAM_ERROR")
        );
        assert!(!reply.body.contains("sk_live"), "{}", reply.body);
    }

    #[test]
    fn a_401_names_the_bearer_scheme() {
        let reply = refusal(ErrorCode::Unauthorized, "unknown client token");
        assert!(reply
            .headers
            .contains(&("WWW-Authenticate", "Bearer".to_owned())));
        let other = refusal(ErrorCode::NotFound, "x");
        assert!(!other.headers.iter().any(|(n, _)| *n == "WWW-Authenticate"));
    }

    #[test]
    fn limits_carry_retry_after_and_input_errors_their_field() {
        let limited = ErrorReply::from(&Error::BudgetExhausted {
            retry_after_secs: Some(60),
        });
        assert_eq!(limited.status, 429);
        assert!(limited.headers.contains(&("Retry-After", "60".into())));
        let invalid = ErrorReply::from(&Error::InvalidInput {
            field: "count",
            reason: "too big".into(),
        });
        let body: serde_json::Value = serde_json::from_str(&invalid.body).unwrap();
        assert_eq!(
            (invalid.status, body["error"]["field"].as_str()),
            (400, Some("count"))
        );
    }

    #[test]
    fn upstream_text_never_passes_through() {
        let reply = ErrorReply::from(&Error::UpstreamError {
            status: 500,
            message: "login_token=li-at-secret-1 failed".into(),
        });
        assert!(!reply.body.contains("li-at-secret-1"));
        assert_eq!(reply.status, 502);
    }
}
