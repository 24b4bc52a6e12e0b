//! The Worker's side of the gate: forwarding to the account's Durable Object, and a clear 503
//! when the object itself fails (its pages live in it; never an upstream call around it).

use linkedin_inbox::Error;
use worker::{console_error, Env, Method, Request, RequestInit, Response};

use super::{GateRequest, ACCOUNT_HEADER, CLIENT_HEADER};
use crate::edge::context::Call;
use crate::respond;
use crate::rules::client_auth::account_digest;
use crate::rules::page_plan::PageRequest;
use crate::rules::registry::Account;

/// A request to `account`'s object on behalf of the calling client (`None`: no client, as
/// for a webhook, which names only the account).
pub(crate) async fn send(
    env: &Env,
    config: &crate::rules::settings::Config,
    client: Option<&str>,
    account: &Account,
    path: &str,
    method: Method,
    body: Option<String>,
) -> worker::Result<Response> {
    let stub = env
        .durable_object(&config.gate_binding)?
        .id_from_name(&account_digest(account))?
        .get_stub()?;
    let headers = worker::Headers::new();
    if let Some(client) = client {
        headers.set(CLIENT_HEADER, client)?;
    }
    headers.set(ACCOUNT_HEADER, &account.id)?;
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
pub(crate) fn mutable(response: Response) -> Response {
    let (status, headers) = (response.status_code(), response.headers().clone());
    let (_, body) = response.into_parts();
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .body(body)
}

/// A page through the account's gate.
pub async fn forward_page(
    env: &Env,
    call: &Call,
    account: &Account,
    page: PageRequest,
) -> worker::Result<Response> {
    let client = call.client();
    let body = serde_json::to_string(&GateRequest {
        client: client.name.clone(),
        page,
    })?;
    let name = Some(client.name.as_str());
    match send(
        env,
        &call.config,
        name,
        account,
        "/page",
        Method::Post,
        Some(body),
    )
    .await
    {
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
    account: &Account,
    path: &str,
    body: String,
) -> worker::Result<Response> {
    match send(
        env,
        &call.config,
        Some(call.client().name.as_str()),
        account,
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
    account: &Account,
    path: &str,
    method: Method,
) -> worker::Result<Response> {
    match gate_call(env, call, account, path, method, None).await {
        Ok(response) => Ok(response),
        Err(e) => {
            console_error!("account gate failed: {e}");
            respond::core_error(&Error::Unavailable {
                message: "the account gate is unavailable".into(),
            })
        }
    }
}

/// Any other call to one of the client's accounts' gates (`/locate`, `/summary`, `/changes`).
pub async fn gate_call(
    env: &Env,
    call: &Call,
    account: &Account,
    path: &str,
    method: Method,
    body: Option<String>,
) -> worker::Result<Response> {
    send(
        env,
        &call.config,
        Some(call.client().name.as_str()),
        account,
        path,
        method,
        body,
    )
    .await
}
