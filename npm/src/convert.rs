//! Values across the boundary: JS objects in as JSON text, results out as a tape that
//! `js/boundary.js` turns into plain JS objects (the fastest of the three ways measured in
//! bench/RESULTS.md; features `boundary-swb`, `boundary-json-text` and `boundary-none` build
//! the alternatives for that comparison), errors as JS `Error`s.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use linkedin_inbox::Error;

/// A JS value (object or undefined) into a Rust value; failures are `INVALID_INPUT` on `field`.
pub fn from_js<T: DeserializeOwned + Default>(
    value: &JsValue,
    field: &'static str,
) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    from_js_required(value, field)
}

pub fn from_js_required<T: DeserializeOwned>(
    value: &JsValue,
    field: &'static str,
) -> Result<T, Error> {
    let invalid = |reason: String| Error::InvalidInput { field, reason };
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| invalid("must be a plain object".into()))?
        .as_string()
        .ok_or_else(|| invalid("must be a plain object".into()))?;
    linkedin_inbox::json::from_str(&text).map_err(|e| invalid(e.to_string()))
}

#[cfg(any(
    all(feature = "boundary-swb", feature = "boundary-json-text"),
    all(feature = "boundary-swb", feature = "boundary-none"),
    all(feature = "boundary-json-text", feature = "boundary-none"),
))]
compile_error!("the `boundary-*` features exclude each other");

/// A Rust value into a plain JS value shaped like its JSON (`None` as `null`, maps as objects).
#[cfg(not(any(
    feature = "boundary-swb",
    feature = "boundary-json-text",
    feature = "boundary-none"
)))]
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let tape = super::tape::Tape::write(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    Ok(hydrate(&tape.numbers, &tape.ascii, &tape.unicode))
}

#[cfg(not(any(
    feature = "boundary-swb",
    feature = "boundary-json-text",
    feature = "boundary-none"
)))]
#[wasm_bindgen(module = "/js/boundary.js")]
extern "C" {
    /// Builds the value of a tape; its arguments are views of the wasm memory.
    fn hydrate(tape: &[f64], ascii: &[u8], unicode: &[u8]) -> JsValue;
}

/// No crossing: the result is dropped and `null` returned (benchmarks only: the parse alone).
#[cfg(feature = "boundary-none")]
pub fn to_js<T: Serialize>(_value: &T) -> Result<JsValue, JsValue> {
    Ok(JsValue::NULL)
}

/// A Rust value into a plain JS object built by serde-wasm-bindgen (benchmarks only).
#[cfg(feature = "boundary-swb")]
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

/// A Rust value into a plain JS object through JSON text and `JSON.parse` (benchmarks only).
#[cfg(feature = "boundary-json-text")]
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&text)
}

/// A response body given as a string, `Uint8Array` or `ArrayBuffer`. Bytes skip the UTF-8 →
/// UTF-16 → UTF-8 round trip of `response.text()`; invalid UTF-8 is replaced like `text()` does.
pub fn body_text(value: &JsValue) -> Option<String> {
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        return Some(utf8_of(text));
    }
    let bytes = if let Some(view) = value.dyn_ref::<js_sys::Uint8Array>() {
        view.to_vec()
    } else {
        js_sys::Uint8Array::new(value.dyn_ref::<js_sys::ArrayBuffer>()?).to_vec()
    };
    Some(utf8_lossy(bytes))
}

/// The bytes as text, invalid sequences replaced by U+FFFD (without a copy when valid).
fn utf8_lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[wasm_bindgen(module = "/js/boundary.js")]
extern "C" {
    /// `TextEncoder.encodeInto(text, bytes).written`; `bytes` is a view of the wasm memory.
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &js_sys::JsString, bytes: &mut [u8]) -> u32;
}

/// A JS string as UTF-8 in one `encodeInto` call: wasm-bindgen's own copy walks the ASCII
/// part one character at a time in JS, 3–4× slower on a large ASCII body.
fn utf8_of(text: &js_sys::JsString) -> String {
    let mut bytes = vec![0; text.length() as usize * 3];
    let written = encode_into(text, &mut bytes) as usize;
    bytes.truncate(written);
    utf8_lossy(bytes)
}

/// A core error as a JS `Error` with `code`, and `field` / `retryAfter` / `status` when known.
pub fn js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("InboxError");
    let set = |name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(name), &value);
    };
    set("code", JsValue::from_str(error.code().as_str()));
    if let Some(field) = error.field() {
        set("field", JsValue::from_str(field));
    }
    if let Some(secs) = error.retry_after_secs() {
        set("retryAfter", JsValue::from_f64(secs as f64));
    }
    if let Some(status) = error.upstream_status() {
        set("status", JsValue::from_f64(f64::from(status)));
    }
    js.into()
}

#[wasm_bindgen(typescript_custom_section)]
const INBOX_ERROR: &str = include_str!(concat!(env!("OUT_DIR"), "/inbox_error.d.ts"));
