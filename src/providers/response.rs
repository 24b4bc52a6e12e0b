//! Shared reading of provider responses: JSON decoding with paths, and error statuses and
//! envelopes mapped onto [`crate::ErrorCode`].

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::http::HttpResponse;
use crate::redact::{body_excerpt, redact_text, truncate_chars, EXCERPT_CHARS};

/// Decodes a JSON body; failures keep the JSON path and a redacted excerpt.
pub(crate) fn decode_json<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, Error> {
    let malformed = |path: String, reason: String| Error::MalformedResponse {
        status: response.status,
        path,
        reason,
        body_excerpt: body_excerpt(&response.body),
    };
    if response.body.trim().is_empty() {
        return Err(malformed(".".into(), "empty body".into()));
    }
    match crate::json::from_str::<T>(&response.body) {
        Ok(value) => Ok(value),
        Err(plain) => Err(locate::<T>(&response.body, plain, malformed)),
    }
}

/// The JSON path of a failure, found by a second, tracking pass (feature `json-path`). That
/// pass reads as serde_json does (a struct from an array too), so a body that failed before
/// [`crate::json`] came in has the same path and message; one it alone rejects (a struct sent
/// as an array) has the path `.`.
#[cfg(feature = "json-path")]
fn locate<T: DeserializeOwned>(
    body: &str,
    plain: serde_json::Error,
    malformed: impl Fn(String, String) -> Error,
) -> Error {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => malformed(
            json_path(e.path()),
            without_quoted_values(&e.inner().to_string()),
        ),
        Ok(_) => malformed(".".into(), without_quoted_values(&plain.to_string())),
    }
}

/// Without `json-path`, the failure is located by line and column only.
#[cfg(not(feature = "json-path"))]
#[allow(clippy::extra_unused_type_parameters)] // same signature as the `json-path` variant: one call site
fn locate<T: DeserializeOwned>(
    _body: &str,
    plain: serde_json::Error,
    malformed: impl Fn(String, String) -> Error,
) -> Error {
    malformed(".".into(), without_quoted_values(&plain.to_string()))
}

#[cfg(feature = "json-path")]
fn json_path(path: &serde_path_to_error::Path) -> String {
    match path.to_string().as_str() {
        "." | "?" => ".".to_owned(),
        text => format!(".{text}"),
    }
}

/// serde_json quotes offending values in its messages; a value may be a secret, so drop it.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        match (inside, c) {
            (false, '"') => {
                inside = true;
                out.push_str("\"…");
            }
            (true, '"') => {
                inside = false;
                out.push('"');
            }
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

/// Maps a failed response (any status, or a 2xx error envelope) to the error it means.
pub(crate) fn error_from_response(response: &HttpResponse) -> Error {
    let envelope: Option<Value> = crate::json::from_str(&response.body).ok();
    let field = |pointer: &str| {
        envelope
            .as_ref()
            .and_then(|v| v.pointer(pointer))
            .and_then(Value::as_str)
    };
    let code = field("/code")
        .or_else(|| field("/error/code"))
        .unwrap_or_default()
        .to_ascii_uppercase();
    let message = envelope
        .as_ref()
        .and_then(upstream_message)
        .map(|m| truncate_chars(&redact_text(&m), EXCERPT_CHARS).to_owned())
        .unwrap_or_else(|| format!("HTTP {} without an error message", response.status));
    let status = response.status;
    // A server error is one whatever code its body names (LinkupAPI v1 bills every answer
    // but a 500: a credit or rate code in a 500 must not make it a 402 or a 429).
    if status >= 500 {
        Error::UpstreamError { status, message }
    } else if status == 402 || code.contains("CREDIT") {
        Error::InsufficientCredits { message }
    } else if status == 429 || code == "RATE_LIMITED" {
        Error::RateLimited {
            retry_after_secs: response.retry_after_secs(),
        }
    } else if status == 401
        || status == 403
        || code.contains("API_KEY")
        || code.contains("TOKEN")
        || code == "ACCOUNT_INACTIVE"
    {
        Error::Unauthorized { status, message }
    } else if status == 404 || code.contains("NOT_FOUND") || code == "INVALID_ACCOUNT" {
        Error::NotFound { message }
    } else {
        Error::UpstreamError { status, message }
    }
}

/// The message of an error body, in every documented shape: `{error: {code, message}}`
/// (LinkupAPI v2), `{error: "..."}` and `{success, code, message}` (ConnectSafely), and Zod's
/// 400 `{success: false, error: {name: "ZodError", issues: [{path, message}]}}` (ConnectSafely
/// cookbook), whose issues become `"ZodError: path.to.field: message; ..."`.
fn upstream_message(envelope: &Value) -> Option<String> {
    let text = |pointer: &str| {
        envelope
            .pointer(pointer)
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty())
    };
    if let Some(message) = text("/error/message")
        .or_else(|| text("/error"))
        .or_else(|| text("/message"))
    {
        return Some(message.to_owned());
    }
    let issues = envelope
        .pointer("/error/issues")
        .or_else(|| envelope.pointer("/issues"))
        .and_then(Value::as_array)
        .map(|issues| {
            issues
                .iter()
                .filter_map(issue)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|joined| !joined.is_empty());
    let name = text("/error/name");
    match (name, issues) {
        (Some(name), Some(issues)) => Some(format!("{name}: {issues}")),
        (None, Some(issues)) => Some(issues),
        (Some(name), None) => Some(name.to_owned()),
        (None, None) => None,
    }
}

/// One Zod issue as `path.to.field: message` (or its message alone).
fn issue(issue: &Value) -> Option<String> {
    let message = issue.get("message").and_then(Value::as_str)?;
    let path: Vec<String> = issue
        .get("path")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Some(match path.is_empty() {
        true => message.to_owned(),
        false => format!("{}: {message}", path.join(".")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn statuses_and_envelopes_map_to_codes() {
        let cases = [
            (
                401,
                r#"{"error":"Unauthorized - Invalid credentials"}"#,
                ErrorCode::Unauthorized,
            ),
            (
                403,
                r#"{"success":false,"error":{"code":"INVALID_API_KEY","message":"bad"}}"#,
                ErrorCode::Unauthorized,
            ),
            (
                402,
                r#"{"status":"error","message":"no credits"}"#,
                ErrorCode::InsufficientCredits,
            ),
            (429, "", ErrorCode::RateLimited),
            (
                404,
                r#"{"status":"error","message":"Conversation not found"}"#,
                ErrorCode::NotFound,
            ),
            (
                500,
                r#"{"error":"Failed","success":false}"#,
                ErrorCode::UpstreamError,
            ),
            (502, "<html>Bad gateway</html>", ErrorCode::UpstreamError),
            (
                500,
                r#"{"status":"error","code":"INSUFFICIENT_CREDITS"}"#,
                ErrorCode::UpstreamError,
            ),
            (
                500,
                r#"{"success":false,"error":{"code":"RATE_LIMITED","message":"x"}}"#,
                ErrorCode::UpstreamError,
            ),
            (
                200,
                r#"{"status":"error","code":"INSUFFICIENT_CREDITS"}"#,
                ErrorCode::InsufficientCredits,
            ),
        ];
        for (status, body, code) in cases {
            assert_eq!(
                error_from_response(&HttpResponse::new(status, body)).code(),
                code,
                "{status} {body}"
            );
        }
    }

    #[test]
    fn retry_after_is_read_from_the_header() {
        let response = HttpResponse::new(429, "{}").with_header("Retry-After", "42");
        assert_eq!(error_from_response(&response).retry_after_secs(), Some(42));
    }

    #[test]
    fn messages_never_carry_secrets() {
        let body = r#"{"error":"bad login_token: \"x\" Bearer sk_live_9"}"#;
        let err = error_from_response(&HttpResponse::new(500, body));
        assert!(!err.to_string().contains("sk_live_9"), "{err}");
    }

    #[test]
    fn decode_errors_drop_quoted_values() {
        assert_eq!(
            without_quoted_values(r#"invalid type: string "secret", expected u32"#),
            r#"invalid type: string "…", expected u32"#
        );
    }
}
