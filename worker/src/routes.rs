//! One named `async fn` per route of the proxy API (`docs/openapi.yaml`).

use serde_json::json;
use worker::{Request, Response, RouteContext};

use crate::auth::account_digest;
use crate::config::{ClientEntry, Config};
use crate::page::{serve, PageRequest};
use crate::{query, reply, usage};

/// What every authenticated route gets: the configuration and the calling client.
pub struct Call {
    pub config: Config,
    pub client_index: usize,
    pub now_ms: u64,
}

impl Call {
    pub fn client(&self) -> &ClientEntry {
        &self.config.clients[self.client_index]
    }
}

/// `GET /v1/conversations`
pub async fn conversations(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    match query::conversations(&req.url()?, &call.client().connectsafely_account_id) {
        Ok(q) => serve(call, PageRequest::Conversations(q)).await,
        Err(e) => reply::core_error(&e),
    }
}

/// `GET /v1/conversations/{conversationId}/messages`
pub async fn conversation_messages(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    match query::messages_by_id(&req.url()?, &raw_id) {
        Ok(q) => serve(&ctx.data, PageRequest::Messages(q)).await,
        Err(e) => reply::core_error(&e),
    }
}

/// `GET /v1/messages?profileUrl=`
pub async fn profile_messages(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    match query::messages_by_profile(&req.url()?) {
        Ok(q) => serve(&ctx.data, PageRequest::Messages(q)).await,
        Err(e) => reply::core_error(&e),
    }
}

/// `GET /v1/usage`: the calling client's account.
pub async fn usage(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let counters = usage::update(&account_digest(call.client()), call.now_ms, |_| {});
    reply::json(
        200,
        &json!({
            "client": call.client().name,
            "connectsafely": {
                "callsToday": counters.connectsafely_calls_today,
                "dailyLimit": call.config.daily_limit,
                "resetsAt": usage::next_reset_ms(call.now_ms),
            },
            "linkup": { "creditsSpent": counters.linkup_credits_spent, "creditsSaved": counters.linkup_credits_saved },
            "cache": { "hits": counters.cache_hits, "misses": counters.cache_misses },
        }),
    )
}

/// Any other path.
pub async fn not_found(_req: Request, _ctx: RouteContext<Call>) -> worker::Result<Response> {
    reply::error(404, "NOT_FOUND", "no such route", None)
}
