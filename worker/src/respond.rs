//! Responses of the Workers runtime: JSON bodies, error replies (built in `rules/error_reply.rs`), pages
//! (headers from `rules/page_plan.rs`), CORS.

use linkedin_inbox::{Error, ErrorCode, ServedError};
use worker::{Headers, Response, ResponseBody};

use crate::rules::error_reply::{refusal, ErrorReply};
use crate::rules::page_plan::{page_headers, Source};

/// Headers a browser page may read from our responses.
const EXPOSED: &str =
    "X-Cache, Retry-After, Age, X-Credits-Spent, X-Credits-Saved, X-Generation, WWW-Authenticate, Idempotency-Replayed";

pub fn json(status: u16, body: &serde_json::Value) -> worker::Result<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

/// An error reply as a response.
pub fn error_reply(reply: ErrorReply) -> worker::Result<Response> {
    let mut response = Response::ok(reply.body)?.with_status(reply.status);
    let headers = response.headers_mut();
    for (name, value) in &reply.headers {
        headers.set(name, value)?;
    }
    Ok(response)
}

/// A core error as the proxy answers it.
pub fn core_error(error: &Error) -> worker::Result<Response> {
    error_reply(error.into())
}

/// One of the proxy's own refusals.
pub fn refuse(code: ErrorCode, message: &str) -> worker::Result<Response> {
    error_reply(refusal(code, message))
}

/// One of the proxy's own refusals that ends after `retry_after_secs` (a 429).
pub fn refuse_for(
    code: ErrorCode,
    message: &str,
    retry_after_secs: u64,
) -> worker::Result<Response> {
    let mut served = ServedError::new(code, message);
    served.retry_after_secs = Some(retry_after_secs);
    error_reply(served.into())
}

/// A response whose headers may be changed (an object stub's response has immutable
/// headers); the body streams through without entering the wasm.
pub fn mutable(response: Response) -> Response {
    let (status, headers) = (response.status_code(), response.headers().clone());
    let (_, body) = response.into_parts();
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .body(body)
}

/// A page: JSON text just produced, or a cached body passed through as a stream.
pub fn page_response(
    body: ResponseBody,
    source: Source,
    browser_max_age: u64,
    age: Option<u64>,
    spent: u64,
    saved: u64,
) -> worker::Result<Response> {
    let mut response = Response::builder().body(body);
    let headers = response.headers_mut();
    for (name, value) in page_headers(source, browser_max_age, age, spent, saved) {
        headers.set(name, &value)?;
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
    headers.set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")?;
    headers.set(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type, Idempotency-Key",
    )?;
    headers.set("Access-Control-Max-Age", "600")?;
    headers.set("Vary", "Origin")?;
    Ok(response)
}
