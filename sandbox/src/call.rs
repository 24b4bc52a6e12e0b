//! What every provider call goes through: latency, call counting, per-key rate limits and
//! fault injection.

use std::time::Duration;

use axum::response::Response;

use crate::connection::DropAnswer;
use crate::faults::{self, Endpoint, FaultMode, FaultSpec, RateLimitReset};
use crate::iso_time::iso_ms;
use crate::respond::{
    cs_error, cs_plain_error, json_response, linkup_error, linkup_v2_error, raw, redirect,
    with_header, HTML_ERROR_PAGE, MALFORMED_BODY,
};
use crate::route::{ErrorStyle, Route};
use crate::state::AppState;

pub enum Proceed {
    /// Serve the real answer; cut its body in half when `truncate`.
    Serve { truncate: bool },
    /// Answer this instead (an injected fault).
    Answer(Response),
}

/// What becomes of a send's answer once the send ran (the `commit-*` faults).
pub enum AfterCommit {
    Answer,
    /// Close the connection without answering.
    Drop,
    /// Never answer.
    Hang,
}

/// Counts the call of `route` for `account` and applies a pending fault, if one matches.
/// `secrets` are the credentials this request carried (quoted back by the `echo` fault only).
pub async fn begin(state: &AppState, route: Route, account: &str, secrets: &[&str]) -> Proceed {
    let fault = take_fault(state, route, account);
    apply(fault, route, secrets).await
}

/// [`begin`] for a send route, where a `commit-*` fault lets the send run and then loses
/// its answer: pass the answer through [`finish_send`].
pub async fn begin_send(
    state: &AppState,
    route: Route,
    account: &str,
    secrets: &[&str],
) -> (Proceed, AfterCommit) {
    let fault = take_fault(state, route, account);
    let after = match fault.as_ref().map(|f| f.mode) {
        Some(FaultMode::CommitDrop) => AfterCommit::Drop,
        Some(FaultMode::CommitHang) => AfterCommit::Hang,
        _ => return (apply(fault, route, secrets).await, AfterCommit::Answer),
    };
    (Proceed::Serve { truncate: false }, after)
}

/// The answer of a send that ran, or none at all (see [`begin_send`]).
pub async fn finish_send(after: AfterCommit, response: Response) -> Response {
    match after {
        AfterCommit::Answer => response,
        AfterCommit::Drop => {
            let mut response = response;
            response.extensions_mut().insert(DropAnswer);
            response
        }
        AfterCommit::Hang => {
            tokio::time::sleep(Duration::from_secs(3_600)).await;
            raw(504, "text/plain", "hung".into())
        }
    }
}

fn take_fault(state: &AppState, route: Route, account: &str) -> Option<FaultSpec> {
    let mut m = state.lock();
    m.record_call(route, account);
    let m = &mut *m;
    faults::take(&mut m.faults, &mut m.rng, route, account)
}

async fn apply(fault: Option<FaultSpec>, route: Route, secrets: &[&str]) -> Proceed {
    let Some(fault) = fault else {
        return Proceed::Serve { truncate: false };
    };
    match fault.mode {
        // Only send routes take these, through `begin_send`.
        FaultMode::CommitDrop | FaultMode::CommitHang => Proceed::Serve { truncate: false },
        FaultMode::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms.unwrap_or(1_000))).await;
            Proceed::Serve { truncate: false }
        }
        FaultMode::Truncated => Proceed::Serve { truncate: true },
        FaultMode::Hang => {
            tokio::time::sleep(Duration::from_secs(3_600)).await;
            Proceed::Answer(raw(504, "text/plain", "hung".into()))
        }
        FaultMode::Echo => {
            let quoted = format!("request rejected; credentials seen: {}", secrets.join(", "));
            let status = fault.status.unwrap_or(500);
            Proceed::Answer(match route.error_style() {
                ErrorStyle::CsSeed => json_response(
                    status,
                    &serde_json::json!({"error": quoted, "success": false}),
                ),
                ErrorStyle::CsPlain => cs_plain_error(status, &quoted),
                ErrorStyle::CsAction => cs_error(status, "INTERNAL_ERROR", &quoted),
                ErrorStyle::LinkupV1 => linkup_error(status, "INTERNAL_ERROR", &quoted),
                ErrorStyle::LinkupV2 => linkup_v2_error(status, "INTERNAL_ERROR", &quoted),
            })
        }
        FaultMode::Redirect => Proceed::Answer(redirect(fault.location.as_deref().unwrap_or("/"))),
        FaultMode::Gzip => {
            use base64::Engine;
            let encoded = fault.body_base64.as_deref().unwrap_or_default();
            let body = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
            let mut response =
                axum::response::IntoResponse::into_response((axum::http::StatusCode::OK, body));
            let headers = response.headers_mut();
            headers.insert("content-type", "application/pdf".parse().expect("a header"));
            headers.insert("content-encoding", "gzip".parse().expect("a header"));
            Proceed::Answer(response)
        }
        FaultMode::Json => {
            use base64::Engine;
            let encoded = fault.body_base64.as_deref().unwrap_or_default();
            let body = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&body).into_owned();
            Proceed::Answer(raw(200, "application/json", body))
        }
        FaultMode::Malformed => Proceed::Answer(raw(
            200,
            "application/json; charset=utf-8",
            MALFORMED_BODY.into(),
        )),
        FaultMode::Html => Proceed::Answer(raw(
            fault.status.unwrap_or(502),
            "text/html; charset=utf-8",
            HTML_ERROR_PAGE.into(),
        )),
        FaultMode::Status => {
            let status = fault.status.unwrap_or(500);
            let response = match (route.error_style(), status) {
                (ErrorStyle::CsSeed, 429) => {
                    cs_error(429, "RATE_LIMIT_EXCEEDED", "Too many requests")
                }
                (ErrorStyle::CsSeed, _) => json_response(
                    status,
                    &serde_json::json!({"error": CS_SERVER_ERROR, "success": false}),
                ),
                (ErrorStyle::CsPlain, 429) => cs_plain_error(429, "Too many requests"),
                (ErrorStyle::CsPlain, _) => cs_plain_error(status, CS_SERVER_ERROR),
                (ErrorStyle::CsAction, 429) => {
                    cs_error(429, "RATE_LIMIT_EXCEEDED", "Too many requests")
                }
                (ErrorStyle::CsAction, _) => cs_error(status, "INTERNAL_ERROR", CS_SERVER_ERROR),
                (ErrorStyle::LinkupV1, 429) => {
                    linkup_error(429, "RATE_LIMITED", "Too many requests")
                }
                // What its own refusal of a login token says (`linkup::v1::login`): a v1 401 is
                // about the LinkedIn session, a refused `x-api-key` is 403 `INVALID_API_KEY`.
                (ErrorStyle::LinkupV1, 401) => linkup_error(
                    401,
                    "INVALID_LOGIN_TOKEN",
                    "LinkedIn session invalid or expired: log in again",
                ),
                (ErrorStyle::LinkupV1, 403) => {
                    linkup_error(403, "INVALID_API_KEY", "Invalid or missing API key")
                }
                (ErrorStyle::LinkupV1, _) => {
                    linkup_error(status, "INTERNAL_ERROR", "Internal server error")
                }
                (ErrorStyle::LinkupV2, _) => {
                    let (code, message) = v2_status_error(status);
                    linkup_v2_error(status, code, message)
                }
            };
            let wait_secs = fault.retry_after.unwrap_or(60);
            let reset_ms = crate::state::now_ms() + i64::try_from(wait_secs * 1000).unwrap_or(0);
            Proceed::Answer(match (status, fault.rate_limit_reset) {
                (429, None) => with_header(response, "retry-after", wait_secs.to_string()),
                (429, Some(RateLimitReset::Epoch)) => with_header(
                    response,
                    "x-ratelimit-reset",
                    reset_ms.div_euclid(1000).to_string(),
                ),
                (429, Some(RateLimitReset::Iso)) => {
                    with_header(response, "x-ratelimit-reset", iso_ms(reset_ms))
                }
                _ => response,
            })
        }
    }
}

const CS_SERVER_ERROR: &str = "Failed to get LinkedIn authentication credentials";

/// The v2 error code and message an injected status carries.
fn v2_status_error(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("INVALID_PARAMS", "Invalid parameters"),
        402 => ("INSUFFICIENT_CREDITS", "Insufficient credits"),
        403 => ("INVALID_API_KEY", "Invalid or missing API key"),
        404 => ("INVALID_ACCOUNT", "Account not found"),
        429 => ("RATE_LIMITED", "Too many requests"),
        _ => ("INTERNAL_ERROR", "Internal server error"),
    }
}

/// The global latency every call pays (`--latency-ms`), as a real provider would.
pub async fn provider_latency(state: &AppState) {
    let latency = state.lock().latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
}

/// Counts a call on `key` (a configured key of `route`'s provider) and, when the key is over
/// its rate limit (`crate::key_limits`), answers the provider's documented 429 in `route`'s
/// style with `Retry-After` (seconds): ConnectSafely `{"success": false, "error"}` plus
/// `X-RateLimit-Limit/Remaining/Reset` (Reset ISO-8601, as CS-cookbook `docs/rate-limits.md`
/// shows); LinkupAPI v1 `{"status": "error", "code": "RATE_LIMITED", "message"}`; v2
/// `{"success": false, "error": {"code": "RATE_LIMITED", "message"}, "metadata"}` with no
/// credit consumed (docs.linkupapi.com `.../v2/error-codes`).
pub fn admit_key(state: &AppState, route: Route, key: &str) -> Result<(), Response> {
    let Err(refused) = state.admit_key(route.provider(), key) else {
        return Ok(());
    };
    let now = crate::state::now_ms();
    let wait_secs = (refused.reset_ms - now + 999).div_euclid(1000).max(1);
    let message = match route.provider() {
        Endpoint::ConnectSafely => format!(
            "Rate limit exceeded for this API key: at most {} requests, retry in {wait_secs} s",
            refused.limit
        ),
        Endpoint::Linkup => format!(
            "Rate limit exceeded: {} requests per minute per API key",
            refused.limit
        ),
    };
    let response = match route.error_style() {
        ErrorStyle::CsSeed | ErrorStyle::CsPlain | ErrorStyle::CsAction => {
            let response = json_response(
                429,
                &serde_json::json!({"success": false, "error": message}),
            );
            let response = with_header(response, "x-ratelimit-limit", refused.limit.to_string());
            let response = with_header(response, "x-ratelimit-remaining", "0".into());
            with_header(response, "x-ratelimit-reset", iso_ms(refused.reset_ms))
        }
        ErrorStyle::LinkupV1 => linkup_error(429, "RATE_LIMITED", &message),
        ErrorStyle::LinkupV2 => json_response(
            429,
            &serde_json::json!({
                "success": false,
                "error": {"code": "RATE_LIMITED", "message": message},
                "metadata": {"action": route.v2_action(), "credits_consumed": 0, "timestamp": iso_ms(now)},
            }),
        ),
    };
    Err(with_header(response, "retry-after", wait_secs.to_string()))
}
