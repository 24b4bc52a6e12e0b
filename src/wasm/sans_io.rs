//! Sans-IO exports for callers with their own HTTP stack.

use serde::{Deserialize, Serialize};
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use super::config::InboxConfig;
use super::convert::{from_js_required, js_error, to_js};
use super::operation::Operation;
use crate::{ConversationQuery, Error, HttpResponse, MessageQuery};

/// A request to send as is (`fetch(url, { method, headers, body })` works with it).
#[derive(Serialize, Tsify)]
pub struct RequestInit {
    /// `GET` or `POST`.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header pairs.
    pub headers: Vec<(String, String)>,
    /// JSON body, when there is one.
    #[tsify(optional)]
    pub body: Option<String>,
}

/// A response as your HTTP stack received it (its TypeScript type; read by [`read_response`]).
#[derive(Deserialize, Tsify)]
#[allow(dead_code)]
pub struct ResponseInit {
    /// HTTP status.
    pub status: u16,
    /// Header pairs (only `retry-after` is read).
    #[serde(default)]
    #[tsify(optional)]
    pub headers: Vec<(String, String)>,
    /// Body: text, or the bytes as received (`new Uint8Array(await res.arrayBuffer())`: faster).
    #[tsify(type = "string | Uint8Array | ArrayBuffer")]
    pub body: String,
}

#[wasm_bindgen(typescript_custom_section)]
const OPERATION: &str = r#"
/** The operations of an inbox. */
export type Operation = "listConversations" | "listMessages";
"#;

fn operation(name: &str, query: &JsValue) -> Result<Operation, Error> {
    match name {
        "listConversations" => super::convert::from_js::<ConversationQuery>(query, "query")
            .map(Operation::ListConversations),
        "listMessages" => {
            from_js_required::<MessageQuery>(query, "query").map(Operation::ListMessages)
        }
        _ => Err(Error::InvalidInput {
            field: "operation",
            reason: "must be listConversations or listMessages".into(),
        }),
    }
}

/// Builds the HTTP request of `operation` for the configured backend.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "RequestInit")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "InboxConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Operation")] operation_name: &str,
    #[wasm_bindgen(unchecked_param_type = "ConversationQuery | MessageQuery | undefined")]
    query: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<RequestInit, Error> {
        let backend = from_js_required::<InboxConfig>(&config, "config")?.backend()?;
        let request = backend.build(&backend.prepare(operation(operation_name, &query)?))?;
        Ok(RequestInit {
            method: request.method.as_str().into(),
            url: request.url,
            headers: request.headers,
            body: request.body,
        })
    };
    to_js(&run().map_err(|e| js_error(&e))?)
}

/// Parses the response to [`build_request`] into a `ConversationPage` or `MessagePage`.
#[wasm_bindgen(js_name = parseResponse, unchecked_return_type = "ConversationPage | MessagePage")]
pub fn parse_response(
    #[wasm_bindgen(unchecked_param_type = "InboxConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Operation")] operation_name: &str,
    #[wasm_bindgen(unchecked_param_type = "ConversationQuery | MessageQuery | undefined")]
    query: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ResponseInit")] response: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<_, Error> {
        let backend = from_js_required::<InboxConfig>(&config, "config")?.backend()?;
        let response = read_response(&response)?;
        backend.parse(
            &backend.prepare(operation(operation_name, &query)?),
            &response,
        )
    };
    to_js(&run().map_err(|e| js_error(&e))?)
}

/// Reads `{ status, headers?, body }` field by field: the body crosses as one string or byte
/// copy, never through `JSON.stringify` (which would escape and re-read a large body twice).
fn read_response(value: &JsValue) -> Result<HttpResponse, Error> {
    let invalid = |reason: &str| Error::InvalidInput {
        field: "response",
        reason: reason.into(),
    };
    let get = |name: &str| {
        js_sys::Reflect::get(value, &JsValue::from_str(name))
            .map_err(|_| invalid("must be an object"))
    };
    let status = get("status")?
        .as_f64()
        .filter(|s| (100.0..=599.0).contains(s))
        .ok_or_else(|| invalid("status must be an HTTP status"))?;
    let body = super::convert::body_text(&get("body")?)
        .ok_or_else(|| invalid("body must be a string, Uint8Array or ArrayBuffer"))?;
    let headers_value = get("headers")?;
    let headers = if headers_value.is_undefined() || headers_value.is_null() {
        Vec::new()
    } else {
        from_js_required::<Vec<(String, String)>>(&headers_value, "response")?
    };
    Ok(HttpResponse {
        status: status as u16,
        headers,
        body,
    })
}

/// LinkupAPI credits a request for `totalResults` messages costs (1 per 10, rounded up).
#[wasm_bindgen(js_name = creditCost)]
pub fn credit_cost(total_results: u32) -> u32 {
    crate::credit_cost(total_results)
}
