//! The Worker's side of the gate: forwarding to the account's Durable Object, and a clear 503
//! when the object itself fails (its pages live in it; never an upstream call around it).

use linkedin_inbox::Error;
use worker::{console_error, Env, Method, Request, RequestInit, Response};

use super::{GateRequest, CLIENT_HEADER};
use crate::auth::account_digest;
use crate::context::Call;
use crate::plan::PageRequest;
use crate::respond;

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
        page,
    })?;
    match send(env, call, &account, "/page", Method::Post, Some(body)).await {
        Ok(response) => Ok(response),
        Err(e) => {
            console_error!("account gate failed: {e}");
            degraded()
        }
    }
}

/// The account's object failed: its pages live in it, so nothing can be served, and never
/// an unguarded upstream call.
fn degraded() -> worker::Result<Response> {
    respond::core_error(&Error::Unavailable {
        message: "the account gate is unavailable".into(),
    })
}

/// A write (`/send`, `/mark`) through the account's gate. When the gate fails the outcome is
/// unknown (the object may have sent before it failed): the answer is a 503, and a retry with
/// the same key is safe.
pub async fn forward_write(
    env: &Env,
    call: &Call,
    path: &str,
    body: String,
) -> worker::Result<Response> {
    match send(
        env,
        call,
        &account_digest(call.client()),
        path,
        Method::Post,
        Some(body),
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

/// `/usage`, `/refresh` or `/data` of the calling client's gate.
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
