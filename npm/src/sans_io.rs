//! Sans-IO exports for callers with their own HTTP stack.

use js_sys::{Array, Function, Reflect};
use linkedin_inbox::{ConversationQuery, Error, HttpResponse, MessageQuery, Operation};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::config::InboxConfig;
use super::convert::{from_js_required, js_error, to_js};

/// A request to send as is (`fetch(url, { method, headers, body })` works with it).
#[derive(Serialize, Tsify)]
pub struct OutgoingRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header pairs.
    pub headers: Vec<(String, String)>,
    /// JSON body; `null` when there is none (GET).
    pub body: Option<String>,
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** The operations of an inbox. */
export type Operation = "listConversations" | "listMessages";

/** A response as your HTTP stack received it (read field by field by `parseResponse`). */
export interface ReceivedResponse {
    /** HTTP status. */
    status: number;
    /** Headers: `res.headers` of `fetch` (anything with `entries()`), an array of pairs, or a plain object. */
    headers?: { entries(): Iterable<[string, string]> } | [string, string][] | Record<string, string>;
    /** Body: text, or the bytes as received (`new Uint8Array(await res.arrayBuffer())`: faster). */
    body: string | Uint8Array | ArrayBuffer;
}

/** Builds the HTTP request of an operation for the configured backend. */
export function buildRequest(config: InboxConfig, operation: "listConversations", query?: ConversationQuery): OutgoingRequest;
export function buildRequest(config: InboxConfig, operation: "listMessages", query: MessageQuery): OutgoingRequest;
export function buildRequest(config: InboxConfig, operation: Operation, query: ConversationQuery | MessageQuery | undefined): OutgoingRequest;

/** Parses the response to `buildRequest` into the operation's page. */
export function parseResponse(config: InboxConfig, operation: "listConversations", query: ConversationQuery | undefined, response: ReceivedResponse): ConversationPage;
export function parseResponse(config: InboxConfig, operation: "listMessages", query: MessageQuery, response: ReceivedResponse): MessagePage;
export function parseResponse(config: InboxConfig, operation: Operation, query: ConversationQuery | MessageQuery | undefined, response: ReceivedResponse): ConversationPage | MessagePage;
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

/// Builds the HTTP request of `operation` for the configured backend (typed in `TYPES`:
/// one overload per operation).
#[wasm_bindgen(js_name = buildRequest, skip_typescript)]
pub fn build_request(
    config: JsValue,
    operation_name: &str,
    query: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<OutgoingRequest, Error> {
        let backend = from_js_required::<InboxConfig>(&config, "config")?.backend()?;
        let (operation, backend) =
            super::client::scoped(&backend, &query, |q| operation(operation_name, q))?;
        let request = backend.build(&backend.prepare(operation))?;
        Ok(OutgoingRequest {
            method: request.method.as_str().into(),
            url: request.url,
            headers: request.headers,
            body: request.body,
        })
    };
    to_js(&run().map_err(|e| js_error(&e))?)
}

/// Parses the response to [`build_request`] into a `ConversationPage` or `MessagePage` (typed
/// in `TYPES`: one overload per operation).
#[wasm_bindgen(js_name = parseResponse, skip_typescript)]
pub fn parse_response(
    config: JsValue,
    operation_name: &str,
    query: JsValue,
    response: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<_, Error> {
        let backend = from_js_required::<InboxConfig>(&config, "config")?.backend()?;
        let response = read_response(&response)?;
        let (operation, backend) =
            super::client::scoped(&backend, &query, |q| operation(operation_name, q))?;
        backend.parse(&backend.prepare(operation), &response)
    };
    to_js(&run().map_err(|e| js_error(&e))?)
}

fn invalid(reason: &str) -> Error {
    Error::InvalidInput {
        field: "response",
        reason: reason.into(),
    }
}

/// Reads `{ status, headers?, body }` field by field: the body crosses as one string or byte
/// copy, never through `JSON.stringify` (which would escape and re-read a large body twice).
pub fn read_response(value: &JsValue) -> Result<HttpResponse, Error> {
    let get = |name: &str| {
        Reflect::get(value, &JsValue::from_str(name)).map_err(|_| invalid("must be an object"))
    };
    let status = get("status")?
        .as_f64()
        .filter(|s| (100.0..=599.0).contains(s))
        .ok_or_else(|| invalid("status must be an HTTP status"))?;
    let body = super::convert::body_text(&get("body")?)
        .ok_or_else(|| invalid("body must be a string, Uint8Array or ArrayBuffer"))?;
    Ok(HttpResponse {
        status: status as u16,
        headers: header_pairs(&get("headers")?)?,
        body,
    })
}

/// Headers as a `Headers` object (anything with `entries()`), an array of `[name, value]`
/// pairs, or a plain object of names to values.
fn header_pairs(value: &JsValue) -> Result<Vec<(String, String)>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let entries = Reflect::get(value, &JsValue::from_str("entries"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    // A plain object has no `entries` method (only the static `Object.entries`); a `Headers`
    // object or a `Map` has one.
    let pairs: JsValue = if Array::is_array(value) {
        value.clone()
    } else if let Some(entries) = entries {
        let iterator = entries
            .call0(value)
            .map_err(|_| invalid("headers.entries() failed"))?;
        Array::from(&iterator).into()
    } else if value.is_object() {
        js_sys::Object::entries(value.unchecked_ref()).into()
    } else {
        return Err(invalid(
            "headers must be a Headers object, an array of pairs or an object",
        ));
    };
    Array::from(&pairs)
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(name), Some(value)) if pair.length() == 2 => Ok((name, value)),
                _ => Err(invalid(
                    "each header must be a [name, value] pair of strings",
                )),
            }
        })
        .collect()
}

/// LinkupAPI credits a request for `totalResults` messages costs (1 per 10, rounded up).
#[wasm_bindgen(js_name = creditCost)]
pub fn credit_cost(total_results: u32) -> u32 {
    linkedin_inbox::credit_cost(total_results)
}
