//! The edge's one client of an account's Durable Object (`gate`): every call to it goes
//! through [`call`], and a clear 503 when the object itself fails (its pages live in it; never
//! an upstream call around it).

use linkedin_inbox::Error;
use worker::{console_error, Env, Headers, Method, Request, RequestInit, Response};

use crate::edge::context::Call;
use crate::gate::protocol::{GateRequest, ACCOUNT_HEADER, CLIENT_HEADER};
use crate::respond;
use crate::rules::client_auth::account_digest;
use crate::rules::page_plan::PageRequest;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::triage::ViewFilter;

/// One call to an account's object.
pub(crate) struct ObjectCall<'a> {
    /// The object's name: the account's digest ([`account_digest`]).
    pub object: &'a str,
    /// The account's registry id (`ACCOUNT_HEADER`).
    pub account_id: &'a str,
    /// The calling client (`None`: no client, as for a webhook or an admin write).
    pub client: Option<&'a str>,
    pub method: Method,
    pub path: &'a str,
    /// Headers beyond the account and the client (a push socket's upgrade and token tag).
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<String>,
}

/// The one call to an account's object. The answer is the object's own: its headers are
/// immutable (a WebSocket upgrade passes through as it is); [`respond::mutable`] for one whose
/// headers change.
pub(crate) async fn call(
    env: &Env,
    config: &Config,
    call: ObjectCall<'_>,
) -> worker::Result<Response> {
    let stub = env
        .durable_object(&config.gate_binding)?
        .id_from_name(call.object)?
        .get_stub()?;
    let headers = Headers::new();
    if let Some(client) = call.client {
        headers.set(CLIENT_HEADER, client)?;
    }
    headers.set(ACCOUNT_HEADER, call.account_id)?;
    for (name, value) in call.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(call.method).with_headers(headers);
    if let Some(body) = call.body {
        init.with_body(Some(body.into()));
    }
    let url = format!("https://account-gate{}", call.path);
    stub.fetch_with_request(Request::new_with_init(&url, &init)?)
        .await
}

/// A request to `account`'s object on behalf of the calling client (`None`: no client, as
/// for a webhook, which names only the account); the answer's headers may be changed.
pub(crate) async fn send(
    env: &Env,
    config: &Config,
    client: Option<&str>,
    account: &Account,
    path: &str,
    method: Method,
    body: Option<String>,
) -> worker::Result<Response> {
    let object = account_digest(account);
    let asked = ObjectCall {
        object: &object,
        account_id: &account.id,
        client,
        method,
        path,
        headers: &[],
        body,
    };
    Ok(respond::mutable(call(env, config, asked).await?))
}

/// A page through the account's gate.
pub async fn forward_page(
    env: &Env,
    call: &Call,
    account: &Account,
    page: PageRequest,
) -> worker::Result<Response> {
    forward_list(env, call, account, page, None).await
}

/// A page, with the triage view of a list of conversations.
pub async fn forward_list(
    env: &Env,
    call: &Call,
    account: &Account,
    page: PageRequest,
    view: Option<ViewFilter>,
) -> worker::Result<Response> {
    let body = serde_json::to_string(&GateRequest {
        client: call.client().name.clone(),
        page,
        view,
    })?;
    or_degraded(gate_call(env, call, account, "/page", Method::Post, Some(body)).await)
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
    or_degraded(gate_call(env, call, account, path, Method::Post, Some(body)).await)
}

/// `/usage`, `/refresh` or `/data` of the calling client's gate.
pub async fn forward_simple(
    env: &Env,
    call: &Call,
    account: &Account,
    path: &str,
    method: Method,
) -> worker::Result<Response> {
    or_degraded(gate_call(env, call, account, path, method, None).await)
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
    let client = Some(call.client().name.as_str());
    send(env, &call.config, client, account, path, method, body).await
}

/// The account's object failed: its pages live in it, so nothing can be served, and never
/// an unguarded upstream call.
fn or_degraded(answered: worker::Result<Response>) -> worker::Result<Response> {
    answered.or_else(|e| {
        console_error!("account gate failed: {e}");
        respond::core_error(&Error::Unavailable {
            message: "the account gate is unavailable".into(),
        })
    })
}
