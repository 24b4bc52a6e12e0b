//! Building responses, in each provider's error style.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// The account a call was attributed to, for the access log (never a secret).
#[derive(Clone)]
pub struct AccountLabel(pub String);

pub fn json_response(status: u16, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".into());
    raw(status, "application/json; charset=utf-8", text)
}

pub fn raw(status: u16, content_type: &'static str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// ConnectSafely's documented 401.
pub fn cs_unauthorized() -> Response {
    json_response(401, &json!({"error": "Unauthorized - Invalid credentials"}))
}

/// ConnectSafely's error style: `{"success": false, "code", "message"}` (+ `issues` on 400).
pub fn cs_error(status: u16, code: &str, message: &str) -> Response {
    let mut body = json!({"success": false, "code": code, "message": message});
    if status == 400 {
        body["issues"] = json!([{ "message": message }]);
    }
    json_response(status, &body)
}

/// ConnectSafely's successor endpoints' error style: `{"error": "..."}`.
pub fn cs_plain_error(status: u16, message: &str) -> Response {
    json_response(status, &json!({ "error": message }))
}

/// LinkupAPI v2's error style: `{"success": false, "error": {"code", "message"}}`.
pub fn linkup_v2_error(status: u16, code: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({"success": false, "error": {"code": code, "message": message}}),
    )
}

/// 307 to `location`, empty body.
pub fn redirect(location: &str) -> Response {
    with_header(
        StatusCode::TEMPORARY_REDIRECT.into_response(),
        "location",
        location.to_owned(),
    )
}

/// 200 with `body`, or its first half when an injected fault truncates it.
pub fn ok_json(body: &impl Serialize, truncate: bool) -> Response {
    if truncate {
        let text = serde_json::to_string(body).unwrap_or_default();
        return raw(200, "application/json; charset=utf-8", truncated(text));
    }
    json_response(200, body)
}

/// The first half of a body (on a character boundary).
fn truncated(body: String) -> String {
    let mut cut = body.len() / 2;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body[..cut].to_owned()
}

/// LinkupAPI's error style: `{"status": "error", "code", "message"}`.
pub fn linkup_error(status: u16, code: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({"status": "error", "code": code, "message": message}),
    )
}

pub fn with_header(mut response: Response, name: &'static str, value: String) -> Response {
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(name, value);
    }
    response
}

pub fn labelled(mut response: Response, account: &str) -> Response {
    response
        .extensions_mut()
        .insert(AccountLabel(account.to_owned()));
    response
}

pub const HTML_ERROR_PAGE: &str =
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>\n";
pub const MALFORMED_BODY: &str =
    "{\"success\": true, \"status\": \"success\", \"conversations\": [{\"conversationUrn\": ";
