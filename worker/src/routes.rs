//! One named `async fn` per route of the proxy API (`docs/openapi.yaml`).

use linkedin_inbox::{Error, ErrorCode};
use worker::{Method, Request, Response, RouteContext};

use crate::auth::account_digest;
use crate::context::Call;
use crate::gate::{forward_page, forward_simple, forward_write, GateMark, GateSend};
use crate::plan::PageRequest;
use crate::{query, respond};

/// A presented cursor back to the core's, if this proxy signed it for the caller's account:
/// anything else is refused here, before the gate and any upstream call.
fn unseal(call: &Call) -> impl Fn(&str) -> Result<String, Error> + '_ {
    let account = account_digest(call.client());
    move |presented| call.config.cursor_key.open(&account, presented)
}

async fn page(
    ctx: &RouteContext<Call>,
    parsed: Result<PageRequest, Error>,
) -> worker::Result<Response> {
    match parsed {
        Ok(page) => forward_page(&ctx.env, &ctx.data, page).await,
        Err(e) => respond::core_error(&e),
    }
}

/// `GET /v1/conversations`
pub async fn conversations(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let account_id = call.client().connectsafely_account_id.as_deref();
    let parsed = query::conversations(&req.url()?, account_id, &unseal(call))
        .map(PageRequest::Conversations);
    page(&ctx, parsed).await
}

/// `GET /v1/conversations/{conversationId}/messages`
pub async fn conversation_messages(
    req: Request,
    ctx: RouteContext<Call>,
) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    let parsed =
        query::messages_by_id(&req.url()?, &raw_id, &unseal(&ctx.data)).map(PageRequest::Messages);
    page(&ctx, parsed).await
}

/// `GET /v1/messages?profileUrl=`
pub async fn profile_messages(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let parsed =
        query::messages_by_profile(&req.url()?, &unseal(&ctx.data)).map(PageRequest::Messages);
    page(&ctx, parsed).await
}

/// `GET /v1/usage`: the calling client's account, from its gate.
pub async fn usage(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let mut response = forward_simple(&ctx.env, &ctx.data, "/usage", Method::Get).await?;
    if response.status_code() != 200 {
        return Ok(response);
    }
    let mut counters: serde_json::Value = response.json().await?;
    counters["client"] = ctx.data.client().name.clone().into();
    let mut response = respond::json(200, &counters)?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// `POST /v1/refresh`: head pages of the account miss everywhere from now on.
pub async fn refresh(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    forward_simple(&ctx.env, &ctx.data, "/refresh", Method::Post).await
}

/// `DELETE /v1/data`: the calling account's stored pages are deleted (its personal data); the
/// ledger of spent budget and credits stays, so a wipe cannot reset limits.
pub async fn delete_data(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    forward_simple(&ctx.env, &ctx.data, "/data", Method::Delete).await
}

/// `POST /v1/conversations/{conversationId}/messages` `{text, profileUrl?}` with an
/// `Idempotency-Key`: a reply, sent at most once per key.
pub async fn send_reply(mut req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    let key = query::idempotency_key(req.headers().get("Idempotency-Key")?.as_deref());
    let body = read_body(&mut req).await;
    let request = key.and_then(|key| {
        Ok(GateSend {
            key,
            draft: query::reply_draft(&raw_id, &body?)?,
        })
    });
    write(&ctx, "/send", request.map(|r| serde_json::to_string(&r))).await
}

/// `POST /v1/messages` `{profileUrl, text}` with an `Idempotency-Key`: a message to a person
/// (a new conversation unless one exists), sent at most once per key.
pub async fn send_new(mut req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let key = query::idempotency_key(req.headers().get("Idempotency-Key")?.as_deref());
    let body = read_body(&mut req).await;
    let request = key.and_then(|key| {
        Ok(GateSend {
            key,
            draft: query::new_draft(&body?)?,
        })
    });
    write(&ctx, "/send", request.map(|r| serde_json::to_string(&r))).await
}

/// `POST /v1/conversations/{conversationId}/read`
pub async fn mark_read(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    mark(&ctx, true).await
}

/// `POST /v1/conversations/{conversationId}/unread`
pub async fn mark_unread(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    mark(&ctx, false).await
}

async fn mark(ctx: &RouteContext<Call>, read: bool) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    let request = query::path_conversation_id(&raw_id).and_then(|id| {
        linkedin_inbox::MessageQuery {
            conversation_id: Some(id.clone()),
            ..Default::default()
        }
        .cache_key()?;
        Ok(GateMark {
            conversation_id: id,
            read,
        })
    });
    write(ctx, "/mark", request.map(|r| serde_json::to_string(&r))).await
}

/// The body of a write, refused before reading when its declared length is over the limit.
async fn read_body(req: &mut Request) -> Result<String, linkedin_inbox::Error> {
    let too_long = || linkedin_inbox::Error::InvalidInput {
        field: "body",
        reason: format!("must be at most {} bytes", query::MAX_BODY_BYTES),
    };
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > query::MAX_BODY_BYTES as u64) {
        return Err(too_long());
    }
    req.text()
        .await
        .map_err(|_| linkedin_inbox::Error::InvalidInput {
            field: "body",
            reason: "could not be read as UTF-8 text".into(),
        })
}

async fn write(
    ctx: &RouteContext<Call>,
    path: &str,
    body: Result<serde_json::Result<String>, linkedin_inbox::Error>,
) -> worker::Result<Response> {
    match body {
        Ok(body) => forward_write(&ctx.env, &ctx.data, path, body?).await,
        Err(e) => respond::core_error(&e),
    }
}

/// Any other path.
pub async fn not_found(_req: Request, _ctx: RouteContext<Call>) -> worker::Result<Response> {
    respond::refuse(ErrorCode::NotFound, "no such route")
}
