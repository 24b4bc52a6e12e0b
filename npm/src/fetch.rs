//! The transport: a `fetch` function (the global one, or the caller's).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use linkedin_inbox::{Error, HttpRequest, HttpResponse};

/// Response headers the core reads.
const KEPT_HEADERS: [&str; 5] = ["retry-after", "x-cache", "age", "content-type", "location"];

/// The `fetch` option of a config object, or `globalThis.fetch`.
pub fn pick_fetch(config: &JsValue) -> Result<Function, Error> {
    let custom = Reflect::get(config, &JsValue::from_str("fetch")).unwrap_or(JsValue::UNDEFINED);
    let candidate = if custom.is_undefined() || custom.is_null() {
        Reflect::get(&js_sys::global(), &JsValue::from_str("fetch")).unwrap_or(JsValue::UNDEFINED)
    } else {
        custom
    };
    candidate
        .dyn_into::<Function>()
        .map_err(|_| Error::InvalidInput {
            field: "fetch",
            reason: "no fetch function: pass one in the config".into(),
        })
}

fn network(error: JsValue) -> Error {
    let message = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "fetch failed".into());
    Error::Network { message }
}

fn get(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

async fn await_value(value: JsValue) -> Result<JsValue, Error> {
    JsFuture::from(Promise::resolve(&value))
        .await
        .map_err(network)
}

/// Sends `request` with `fetch` and reads status, the headers the core uses, and the body.
pub async fn send(fetch: &Function, request: &HttpRequest) -> Result<HttpResponse, Error> {
    let init = Object::new();
    let headers = Object::new();
    for (name, value) in &request.headers {
        let _ = Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        );
    }
    let _ = Reflect::set(
        &init,
        &JsValue::from_str("method"),
        &JsValue::from_str(request.method.as_str()),
    );
    let _ = Reflect::set(&init, &JsValue::from_str("headers"), &headers);
    // Redirects are the core's to follow (one hop, same host): never to another host with
    // the provider key in the headers.
    let _ = Reflect::set(
        &init,
        &JsValue::from_str("redirect"),
        &JsValue::from_str("manual"),
    );
    if let Some(body) = &request.body {
        let _ = Reflect::set(&init, &JsValue::from_str("body"), &JsValue::from_str(body));
    }
    let pending = fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(&request.url), &init)
        .map_err(network)?;
    let response = await_value(pending).await?;
    let status = get(&response, "status")
        .as_f64()
        .ok_or_else(|| network(JsValue::UNDEFINED))? as u16;
    // A browser hides manual redirects (an opaque response, status 0).
    if status == 0 || get(&response, "type").as_string().as_deref() == Some("opaqueredirect") {
        return Err(Error::UpstreamError {
            status: 0,
            message: "the provider redirected and this runtime hides redirects; use the proxy"
                .into(),
        });
    }
    let header_bag = get(&response, "headers");
    let header_get = get(&header_bag, "get").dyn_into::<Function>().ok();
    let kept = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = header_get
                .as_ref()?
                .call1(&header_bag, &JsValue::from_str(name))
                .ok()?
                .as_string()?;
            Some(((*name).to_owned(), value))
        })
        .collect();
    // Bytes when the response has them (no UTF-16 round trip); `text()` for minimal fetch stand-ins.
    let reader = ["arrayBuffer", "text"]
        .iter()
        .find_map(|name| get(&response, name).dyn_into::<Function>().ok())
        .ok_or_else(|| network(JsValue::UNDEFINED))?;
    let body = await_value(reader.call0(&response).map_err(network)?).await?;
    let body = super::convert::body_text(&body).unwrap_or_default();
    Ok(HttpResponse {
        status,
        headers: kept,
        body,
    })
}
