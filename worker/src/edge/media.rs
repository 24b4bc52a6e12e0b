//! `GET /v1/media/{ref}`: the file a sealed ref stands for (`rules/media_ref.rs`). The ref is
//! opened here, before the account's object and any upstream call: one this proxy did not
//! seal, one past its expiry and one for an account the client does not hold are all 404 (the
//! same answer, so a ref's validity is not probed); a URL outside the documented media hosts is
//! 400. The download itself runs in the account's object (`gate/media.rs`).

use linkedin_inbox::{is_media_url, ErrorCode};
use worker::{Date, Method, Request, Response};

use crate::edge::account_object::gate_call;
use crate::edge::context::{Call, RouteContext};
use crate::respond;
use crate::rules::client_auth::account_digest;

/// `GET /v1/media/{ref}`
pub async fn download(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let path = req.path();
    let presented = path.strip_prefix("/v1/media/").unwrap_or_default();
    let not_found = || {
        respond::refuse(
            ErrorCode::NotFound,
            "no such file (or its link expired: reload the thread)",
        )
    };
    let Ok(claim) = call
        .config
        .media_key
        .open(presented, Date::now().as_millis())
    else {
        return not_found();
    };
    let Some(account) = call.accounts().find(|a| account_digest(a) == claim.digest) else {
        return not_found();
    };
    if !is_media_url(&claim.url) {
        return respond::refuse(
            ErrorCode::InvalidInput,
            "the file is not on a documented media host",
        );
    }
    let body = serde_json::to_string(&claim)?;
    let account = account.clone();
    gate_call(&ctx.env, call, &account, "/media", Method::Post, Some(body)).await
}
