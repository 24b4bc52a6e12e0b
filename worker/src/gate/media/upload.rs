//! The media calls whose answers are not read as pages: an `upload-attachment` sent with the
//! file's bytes as its body, and the head of any such answer (what the key and the account's
//! health read of it).

use linkedin_inbox::{Error, HttpRequest, HttpResponse};
use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response};

use super::{network, within};

/// Sends `request` (an `upload-attachment`) with `bytes` as its raw body: the answer, read as
/// text (no redirect followed); none within `timeout_ms` is a `NETWORK_ERROR`.
pub(crate) async fn upload(
    request: &HttpRequest,
    bytes: Vec<u8>,
    timeout_ms: u64,
) -> Result<HttpResponse, Error> {
    let exchange = async {
        let headers = Headers::new();
        for (name, value) in &request.headers {
            headers.set(name, value).map_err(network)?;
        }
        let mut init = RequestInit::new();
        let body = worker::js_sys::Uint8Array::from(bytes.as_slice());
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_redirect(RequestRedirect::Manual)
            .with_body(Some(body.into()));
        let outgoing = Request::new_with_init(&request.url, &init).map_err(network)?;
        let mut response = Fetch::Request(outgoing).send().await.map_err(network)?;
        let head = answer_head(&response);
        let text = response.text().await.map_err(network)?;
        Ok(HttpResponse { body: text, ..head })
    };
    within(timeout_ms, exchange).await
}

/// The status of `response` and the headers that say how long to wait after a 429: what the
/// key reads of an answer whose body it does not need (`KeyPermits::after_answer`).
pub(super) fn answer_head(response: &Response) -> HttpResponse {
    ["retry-after", "x-ratelimit-reset"].into_iter().fold(
        HttpResponse::new(response.status_code(), ""),
        |head, name| match response.headers().get(name).ok().flatten() {
            Some(value) => head.with_header(name, value),
            None => head,
        },
    )
}
