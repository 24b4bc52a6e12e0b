//! `POST /media` on the account's object: a sealed ref's file through ConnectSafely's
//! `download-media`, under the account's limits (one ConnectSafely call of its budget, the
//! key's permit). Redirects are followed by hand, at most [`MAX_HOPS`], each only to a
//! documented media location and without the provider key, within the Worker's
//! `UPSTREAM_TIMEOUT` (until the answer's head; a body of unannounced length is read within it
//! too). The bytes stream through, capped at [`linkedin_inbox::MAX_ATTACHMENT_BYTES`]: by the
//! announced length when the answer is not encoded, else counted as decoded (a gzip answer's
//! `Content-Length` is its compressed size). ConnectSafely's 2xx in JSON holds the file in
//! base64 or a media location fetched as a redirect's (`json_media`), else it is its error.
//! The media location's refusals are its own: ConnectSafely's call is charged.

use std::cell::RefCell;

use futures_util::StreamExt;
use linkedin_inbox::{
    is_media_url, Backend, Error, ErrorCode, HttpRequest, HttpResponse, Provider,
    MAX_ATTACHMENT_BYTES,
};
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response};

use super::clock::arrival_ms;
use super::key_permits::Patience;
use super::ledger::Admitted;
use super::upstream::answer_head;
use super::AccountGate;
use crate::respond;
use crate::rules::admission::{Cost, Limits};
use crate::rules::media_ref::{
    download_headers, json_media, media_answer, JsonMedia, MediaAnswer, MediaClaim,
};
use crate::rules::page_plan::clamp_retry_after;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use buffering::Buffering;
pub(crate) use upload::upload;

mod buffering;
mod upload;

/// Redirects followed at most.
const MAX_HOPS: usize = 3;
/// The longest JSON answer read: the file's cap in base64, and room for the rest.
const MAX_JSON_BYTES: u64 = MAX_ATTACHMENT_BYTES / 3 * 4 + 64 * 1024;

/// A file on its way to the client: its body, the media type its source named, its length.
type Download = (Response, Option<String>, Option<u64>);

fn network(_: worker::Error) -> Error {
    Error::Network {
        message: "media fetch failed".into(),
    }
}

fn too_large() -> Error {
    Error::UpstreamError {
        status: 502,
        message: format!("the file is larger than {MAX_ATTACHMENT_BYTES} bytes"),
    }
}

/// One hop: the core's request (the first), or a bare GET of a media location.
async fn hop(request: &HttpRequest) -> Result<Response, Error> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match request.method {
        linkedin_inbox::Method::Get => Method::Get,
        _ => Method::Post,
    })
    .with_headers(headers)
    .with_redirect(RequestRedirect::Manual);
    if let Some(body) = &request.body {
        init.with_body(Some(JsValue::from_str(body)));
    }
    let outgoing = Request::new_with_init(&request.url, &init).map_err(network)?;
    Fetch::Request(outgoing).send().await.map_err(network)
}

/// `exchange`'s outcome, or a `NETWORK_ERROR` when it has none within `timeout_ms`.
async fn within<T>(
    timeout_ms: u64,
    exchange: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let timeout = worker::Delay::from(std::time::Duration::from_millis(timeout_ms));
    match futures_util::future::select(std::pin::pin!(exchange), std::pin::pin!(timeout)).await {
        futures_util::future::Either::Left((result, _)) => result,
        futures_util::future::Either::Right(_) => Err(Error::Network {
            message: format!("no answer within {timeout_ms} ms"),
        }),
    }
}

/// The answer to `first`, redirects followed to documented media locations only, and the
/// redirects followed to it (0: ConnectSafely answered; more: the media CDN did), counted from
/// `start` (1: `first` is a media location ConnectSafely named).
async fn fetch_media(first: HttpRequest, start: usize) -> Result<(Response, usize), Error> {
    let mut request = first;
    for hops in start..=MAX_HOPS {
        let response = hop(&request).await?;
        let status = response.status_code();
        if !(300..400).contains(&status) {
            return Ok((response, hops));
        }
        let location = response.headers().get("location").ok().flatten();
        let next = location
            .and_then(|l| url::Url::parse(&request.url).ok()?.join(&l).ok())
            .map(String::from)
            .filter(|u| is_media_url(u))
            .ok_or_else(|| Error::UpstreamError {
                status: 502,
                message: "the media redirected outside the documented media hosts".into(),
            })?;
        request = media_get(next);
    }
    Err(Error::UpstreamError {
        status: 502,
        message: "the media redirected too many times".into(),
    })
}

/// A bare GET of a media location (no provider key).
fn media_get(url: String) -> HttpRequest {
    HttpRequest {
        method: linkedin_inbox::Method::Get,
        url,
        headers: Vec::new(),
        body: None,
    }
}

/// The bytes of `response`, at most `max` (read whole, the account's one buffered download).
async fn read_capped(response: &mut Response, max: u64, digest: &str) -> Result<Vec<u8>, Error> {
    let _turn = Buffering::take(digest)?;
    let mut stream = response.stream().map_err(network)?;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(network)?);
        if bytes.len() as u64 > max {
            return Err(too_large());
        }
    }
    Ok(bytes)
}

/// The bytes of `response`, at most the cap (streamed through when the length is announced
/// and within it; read and counted otherwise).
async fn capped_body(mut response: Response, digest: &str) -> Result<Download, Error> {
    let media_type = response.headers().get("content-type").ok().flatten();
    let encoded = response
        .headers()
        .get("content-encoding")
        .ok()
        .flatten()
        .is_some_and(|e| !e.trim().is_empty() && !e.trim().eq_ignore_ascii_case("identity"));
    // An encoded answer's length is the encoded size: its decoded bytes are counted instead.
    let announced = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .filter(|_| !encoded);
    match announced {
        Some(length) if length > MAX_ATTACHMENT_BYTES => Err(too_large()),
        Some(length) => Ok((response, media_type, Some(length))),
        None => {
            let bytes = read_capped(&mut response, MAX_ATTACHMENT_BYTES, digest).await?;
            let length = bytes.len() as u64;
            let response = Response::from_bytes(bytes).map_err(network)?;
            Ok((response, media_type, Some(length)))
        }
    }
}

/// The media CDN's 429 as the client's wait (its `Retry-After` in seconds, at most the
/// Worker's longest pause).
fn cdn_rate_limited(retry_after: Option<&str>, max_pause_secs: u64) -> Error {
    let secs = retry_after.and_then(|v| v.trim().parse::<u64>().ok());
    clamp_retry_after(
        Error::RateLimited {
            retry_after_secs: secs,
        },
        max_pause_secs,
    )
}

/// `read`'s outcome, the account's buffered download being taken kept apart (`Ok(Err(_))`:
/// ConnectSafely's call succeeded, and the wait is not its 429 that would pause the account).
fn charged_busy<T>(read: Result<T, Error>) -> Result<Result<T, Error>, Error> {
    match read {
        Err(busy @ Error::RateLimited { .. }) => Ok(Err(busy)),
        read => read.map(Ok),
    }
}

/// The media location's refusal of a file ConnectSafely pointed to (its call succeeded).
fn cdn_refused(status: u16) -> Error {
    Error::UpstreamError {
        status: 502,
        message: format!("the media location refused the file (HTTP {status})"),
    }
}

/// The file at a media location ConnectSafely named: `Ok(Err(_))` when the location refused.
async fn fetch_location(
    url: String,
    digest: &str,
    max_pause_secs: u64,
) -> Result<Result<Download, Error>, Error> {
    if !is_media_url(&url) {
        return Err(Error::UpstreamError {
            status: 502,
            message: "the media answer named a location outside the documented media hosts".into(),
        });
    }
    let (response, hops) = fetch_media(media_get(url), 1).await?;
    located(response, hops, digest, max_pause_secs).await
}

/// A media location's answer (after `hops` ≥ 1): the file, or its refusal.
async fn located(
    response: Response,
    hops: usize,
    digest: &str,
    max_pause_secs: u64,
) -> Result<Result<Download, Error>, Error> {
    let content_type = response.headers().get("content-type").ok().flatten();
    match media_answer(hops, response.status_code(), content_type.as_deref()) {
        MediaAnswer::File => charged_busy(capped_body(response, digest).await),
        MediaAnswer::CdnBusy => {
            let wait = response.headers().get("retry-after").ok().flatten();
            Ok(Err(cdn_rate_limited(wait.as_deref(), max_pause_secs)))
        }
        // After a redirect every other answer is the location's (`media_answer` reads it so).
        _ => Ok(Err(cdn_refused(response.status_code()))),
    }
}

impl AccountGate {
    /// `POST /media`: the file of `claim` (already opened for this account at the edge).
    pub(in crate::gate) async fn media(
        &self,
        config: &Config,
        account: &Account,
        claim: MediaClaim,
        now: u64,
    ) -> worker::Result<Response> {
        // The edge opened the claim for this account; a claim for another never runs here.
        let digest = crate::rules::client_auth::account_digest(account);
        if digest != claim.digest {
            return respond::refuse(ErrorCode::NotFound, "no such file");
        }
        // One download held whole in memory per account: a second waits, with no upstream call.
        if Buffering::busy(&digest) {
            let busy = "another download of this account is being read; retry in a second";
            return respond::refuse_for(ErrorCode::RateLimited, busy, 1);
        }
        let Ok(Backend::Direct {
            connectsafely: Some(cs),
            account_id,
            ..
        }) = self.backend(config, account)
        else {
            return respond::refuse(
                ErrorCode::NotSupported,
                "downloading files needs ConnectSafely for this account",
            );
        };
        let request = match cs.build_download_media(&claim.url, account_id.as_deref()) {
            Ok(request) => request,
            Err(e) => return respond::core_error(&e),
        };
        let ledger = self.ledger()?;
        let cost = Cost::call(Provider::ConnectSafely, 0);
        let limits = Limits::of(config);
        let Admitted { permit, admission } = match ledger
            .admit_call(cost, &limits, Patience::Client, now)
            .await?
        {
            Ok(admitted) => admitted,
            Err(refusal) => return respond::core_error(&refusal),
        };
        let max_pause = config.max_pause_secs;
        // `Ok(Err(_))`: ConnectSafely's call succeeded (it redirected or named a location) and
        // the media location refused, or the account's one buffered download was taken.
        // ConnectSafely's own answer's head (no redirect followed), read for the key and the
        // account's health once the download is over (outside its timeout).
        let own_answer: RefCell<Option<HttpResponse>> = RefCell::new(None);
        let answered = within(config.upstream_timeout_ms, async {
            let (mut response, hops) = fetch_media(request, 0).await?;
            if hops > 0 {
                return located(response, hops, &digest, max_pause).await;
            }
            let head = answer_head(&response);
            *own_answer.borrow_mut() = Some(head.clone());
            let content_type = response.headers().get("content-type").ok().flatten();
            let status = response.status_code();
            // A refusal keeps the answer's wait (`Retry-After`), clamped like any.
            let refusal = |status: u16, body: String| {
                let answer = HttpResponse {
                    status,
                    body,
                    ..head.clone()
                };
                clamp_retry_after(cs.download_media_refusal(&answer, &claim.url), max_pause)
            };
            match media_answer(hops, status, content_type.as_deref()) {
                MediaAnswer::File => charged_busy(capped_body(response, &digest).await),
                MediaAnswer::Json => {
                    let read = read_capped(&mut response, MAX_JSON_BYTES, &digest).await;
                    let body = match charged_busy(read)? {
                        Ok(body) => body,
                        Err(busy) => return Ok(Err(busy)),
                    };
                    let body = String::from_utf8_lossy(&body).into_owned();
                    match json_media(&body, MAX_ATTACHMENT_BYTES) {
                        JsonMedia::Bytes { bytes, media_type } => {
                            let length = bytes.len() as u64;
                            let response = Response::from_bytes(bytes).map_err(network)?;
                            Ok(Ok((response, media_type, Some(length))))
                        }
                        JsonMedia::Url(url) => fetch_location(url, &digest, max_pause).await,
                        JsonMedia::TooLarge => Err(too_large()),
                        JsonMedia::Refused => Err(refusal(502, body)),
                    }
                }
                MediaAnswer::Refusal { status } => {
                    let body = response.text().await.unwrap_or_default();
                    Err(refusal(status, body))
                }
                // ConnectSafely's own answer (no redirect) is never the CDN's.
                MediaAnswer::CdnBusy | MediaAnswer::CdnRefused { .. } => {
                    Err(refusal(502, String::new()))
                }
            }
        })
        .await;
        drop(permit);
        if let Some(head) = own_answer.take() {
            ledger
                .note_media_answer(Provider::ConnectSafely, &head, max_pause)
                .await;
        }
        ledger.settle(admission, answered.as_ref().map(|_| 0), arrival_ms())?;
        let (response, upstream_type, length) = match answered {
            Ok(Ok(answer)) => answer,
            // The media location's refusal, in the proxy's own words (no upstream text).
            Ok(Err(Error::UpstreamError { message, .. })) => {
                return respond::refuse(ErrorCode::UpstreamError, &message)
            }
            Ok(Err(e)) | Err(e) => return respond::core_error(&e),
        };
        let headers = Headers::new();
        let listed = claim.media_type.as_deref();
        for (name, value) in
            download_headers(upstream_type.as_deref(), listed, claim.name.as_deref())
        {
            headers.set(name, &value)?;
        }
        if let Some(length) = length {
            headers.set("Content-Length", &length.to_string())?;
        }
        let (_, body) = response.into_parts();
        Ok(Response::builder()
            .with_status(200)
            .with_headers(headers)
            .body(body))
    }
}
