//! The transport of the proxy: a core `HttpRequest` sent with the Workers `fetch`, bounded
//! by a timeout ([`send`]). Only URLs the core built from validated input reach it; the
//! operations that use it are driven in `exchange_driver.rs`.

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{select, Either};
use linkedin_inbox::{retry_after_delta, Error, HttpRequest, HttpResponse, Method as CoreMethod};
use worker::wasm_bindgen::JsValue;
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response};

use super::clock::arrival_ms;

fn network(error: worker::Error) -> Error {
    Error::Network {
        message: format!("upstream fetch failed: {}", error_kind(&error)),
    }
}

/// The kind of a fetch failure, without its text (which could quote a URL or header).
fn error_kind(error: &worker::Error) -> &'static str {
    match error {
        worker::Error::JsError(_) | worker::Error::Internal(_) => "network error",
        _ => "transport error",
    }
}

/// The status of `response` and the headers read of any answer, without its body: `Location`,
/// and the wait of a 429 (`Retry-After`, an HTTP date made seconds here, where the clock is;
/// else `X-RateLimit-Reset`, which ConnectSafely documents in ISO-8601 and is seen in epoch
/// seconds too, read into `Retry-After`).
pub(crate) fn answer_head(response: &Response) -> HttpResponse {
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let retry_after = header("retry-after").map(|v| match retry_after_delta(&v, arrival_ms()) {
        Some(secs) => secs.to_string(),
        None => v,
    });
    let headers = [
        ("retry-after", retry_after),
        ("location", header("location")),
        ("x-ratelimit-reset", header("x-ratelimit-reset")),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
    .collect();
    HttpResponse {
        status: response.status_code(),
        headers,
        body: String::new(),
    }
    .with_retry_after(arrival_ms())
}

async fn exchange(request: &HttpRequest) -> Result<HttpResponse, Error> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match request.method {
        CoreMethod::Get => Method::Get,
        CoreMethod::Post => Method::Post,
        CoreMethod::Patch => Method::Patch,
    })
    .with_headers(headers)
    // Redirects are the core's to follow (one hop, same host), never the runtime's.
    .with_redirect(RequestRedirect::Manual);
    if let Some(body) = &request.body {
        init.with_body(Some(JsValue::from_str(body)));
    }
    let outgoing = Request::new_with_init(&request.url, &init).map_err(network)?;
    let mut response = Fetch::Request(outgoing).send().await.map_err(network)?;
    let head = answer_head(&response);
    let body = response.text().await.map_err(network)?;
    Ok(HttpResponse { body, ..head })
}

/// Sends `request`; no answer (headers and body) within `timeout_ms` is a `NETWORK_ERROR`.
pub async fn send(request: &HttpRequest, timeout_ms: u64) -> Result<HttpResponse, Error> {
    let exchange = pin!(exchange(request));
    let timeout = pin!(Delay::from(Duration::from_millis(timeout_ms)));
    match select(exchange, timeout).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(Error::Network {
            message: format!("no answer within {timeout_ms} ms"),
        }),
    }
}
