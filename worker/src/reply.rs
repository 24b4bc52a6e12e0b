//! Responses: JSON bodies, `{ "error": { code, message, field? } }`, CORS headers.

use linkedin_inbox::{Error, ErrorCode};
use serde_json::json;
use worker::{Headers, Response};

/// Headers a browser page may read from our responses.
const EXPOSED: &str = "X-Cache, Retry-After, Age, X-Credits-Spent, X-Credits-Saved";

pub fn json(status: u16, body: &serde_json::Value) -> worker::Result<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

pub fn error(
    status: u16,
    code: &str,
    message: &str,
    field: Option<&str>,
) -> worker::Result<Response> {
    let mut detail = json!({"code": code, "message": message});
    if let Some(field) = field {
        detail["field"] = json!(field);
    }
    json(status, &json!({"error": detail}))
}

/// A core error as the proxy answers it. Client mistakes keep their explanation; upstream
/// failures get our own words only, so no provider body, header or secret passes through.
pub fn core_error(error: &Error) -> worker::Result<Response> {
    let code = error.code();
    let (status, code_text, message) = match error {
        Error::InvalidInput { .. } | Error::InvalidCursor { .. } => {
            (400, code.as_str(), error.to_string())
        }
        Error::Unauthorized { .. } => (
            502,
            ErrorCode::UpstreamError.as_str(),
            "the provider rejected the proxy's credentials".into(),
        ),
        Error::RateLimited { .. } => (
            429,
            code.as_str(),
            "the provider is rate limiting this account; retry later".into(),
        ),
        Error::InsufficientCredits { .. } => (
            402,
            code.as_str(),
            "the LinkupAPI credit balance is spent".into(),
        ),
        Error::NotFound { .. } => (404, code.as_str(), "no such conversation".into()),
        Error::UpstreamError { status, .. } => (
            502,
            code.as_str(),
            format!("the provider failed (HTTP {status})"),
        ),
        Error::MalformedResponse { .. } => (
            502,
            code.as_str(),
            "the provider sent a response that could not be read".into(),
        ),
        Error::Network { .. } => (
            504,
            code.as_str(),
            "the provider did not answer in time".into(),
        ),
        Error::OriginNotAllowed { .. } => (
            403,
            code.as_str(),
            "this origin may not call the proxy".into(),
        ),
        Error::BudgetExhausted { .. } => (
            429,
            code.as_str(),
            "this account's provider budget is spent until it resets".into(),
        ),
        Error::Unavailable { .. } => (
            503,
            code.as_str(),
            "the proxy cannot serve this right now; try again shortly".into(),
        ),
    };
    let mut response = self::error(status, code_text, &message, error.field())?;
    if let Some(secs) = error.retry_after_secs() {
        response
            .headers_mut()
            .set("Retry-After", &secs.to_string())?;
    }
    Ok(response)
}

/// Adds CORS headers echoing an allowed origin (never `*`).
pub fn with_cors(mut response: Response, origin: Option<&str>) -> worker::Result<Response> {
    let headers: &mut Headers = response.headers_mut();
    // Browsers may keep `private` responses: one client's page must never answer another token.
    headers.set("Vary", "Origin, Authorization")?;
    if let Some(origin) = origin {
        headers.set("Access-Control-Allow-Origin", origin)?;
        headers.set("Access-Control-Expose-Headers", EXPOSED)?;
    }
    Ok(response)
}

/// The answer to a preflight from an allowed origin.
pub fn preflight(origin: &str) -> worker::Result<Response> {
    let mut response = Response::empty()?.with_status(204);
    let headers = response.headers_mut();
    headers.set("Access-Control-Allow-Origin", origin)?;
    headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")?;
    headers.set(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type",
    )?;
    headers.set("Access-Control-Max-Age", "600")?;
    headers.set("Vary", "Origin")?;
    Ok(response)
}
