//! The Worker's side of the gate: forwarding to the account's Durable Object, and degrading
//! to cached reads and a clear 503 when the object itself fails (never to upstream calls).

use std::cell::RefCell;
use std::collections::HashMap;

use linkedin_inbox::Error;
use worker::{console_error, Env, Method, Request, RequestInit, Response};

use super::{GateRequest, CLIENT_HEADER};
use crate::auth::account_digest;
use crate::cache;
use crate::context::Call;
use crate::plan::PageRequest;
use crate::respond;

thread_local! {
    /// The last generation each account's gate reported, for degraded cache reads.
    static GENERATIONS: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
}

async fn send(
    env: &Env,
    call: &Call,
    account: &str,
    path: &str,
    method: Method,
    body: Option<String>,
) -> worker::Result<Response> {
    let stub = env
        .durable_object(&call.config.gate_binding)?
        .id_from_name(account)?
        .get_stub()?;
    let headers = worker::Headers::new();
    headers.set(CLIENT_HEADER, &call.client().name)?;
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(headers);
    if let Some(body) = body {
        init.with_body(Some(body.into()));
    }
    let response = stub
        .fetch_with_request(Request::new_with_init(
            &format!("https://account-gate{path}"),
            &init,
        )?)
        .await?;
    Ok(mutable(response))
}

/// A response whose headers may be changed (a stub's response has immutable headers); the
/// body streams through without entering the wasm.
fn mutable(response: Response) -> Response {
    let (status, headers) = (response.status_code(), response.headers().clone());
    let (_, body) = response.into_parts();
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .body(body)
}

/// A page through the account's gate.
pub async fn forward_page(env: &Env, call: &Call, page: PageRequest) -> worker::Result<Response> {
    let client = call.client();
    let account = account_digest(client);
    let body = serde_json::to_string(&GateRequest {
        client: client.name.clone(),
        page: page.clone(),
    })?;
    match send(env, call, &account, "/page", Method::Post, Some(body)).await {
        Ok(response) => {
            if let Some(generation) = response
                .headers()
                .get("X-Generation")?
                .and_then(|g| g.parse().ok())
            {
                GENERATIONS.with(|g| g.borrow_mut().insert(account, generation));
            }
            Ok(response)
        }
        Err(e) => {
            console_error!("account gate failed: {e}; serving from cache only");
            degraded(call, &account, &page).await
        }
    }
}

async fn degraded(call: &Call, account: &str, page: &PageRequest) -> worker::Result<Response> {
    let generation = GENERATIONS.with(|g| g.borrow().get(account).copied().unwrap_or(0));
    let provider = call
        .config
        .backend(call.client())
        .ok()
        .and_then(|b| b.provider_of(&page.operation()).ok().flatten())
        .unwrap_or(linkedin_inbox::Provider::ConnectSafely);
    let plan = match page.plan(&call.config, account, generation, provider) {
        Ok(plan) => plan,
        Err(e) => return respond::core_error(&e),
    };
    if let Some(hit) = cache::lookup(&plan.key, call.now_ms).await {
        return hit.hit(&plan);
    }
    if let Some(stale) = cache::lookup_stale(&plan.key, call.now_ms).await {
        return stale.stale();
    }
    respond::core_error(&Error::Unavailable {
        message: "the account gate is unavailable".into(),
    })
}

/// `/usage` or `/refresh` of the calling client's gate.
pub async fn forward_simple(
    env: &Env,
    call: &Call,
    path: &str,
    method: Method,
) -> worker::Result<Response> {
    match send(
        env,
        call,
        &account_digest(call.client()),
        path,
        method,
        None,
    )
    .await
    {
        Ok(response) => Ok(response),
        Err(e) => {
            console_error!("account gate failed: {e}");
            respond::core_error(&Error::Unavailable {
                message: "the account gate is unavailable".into(),
            })
        }
    }
}
