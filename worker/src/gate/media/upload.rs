//! An `upload-attachment` sent with the file's bytes as its body (not text, so not through
//! `upstream.rs`, whose answer head it reads the same way).

use linkedin_inbox::{Error, HttpRequest, HttpResponse};
use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use super::{network, within};
use crate::gate::upstream::answer_head;

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
