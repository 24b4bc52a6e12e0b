//! The triage routes (`docs/openapi.yaml`): `POST /v1/conversations/{id}/triage`,
//! `GET /v1/labels`, `POST /v1/labels/{name}` (rename) and `DELETE /v1/labels/{name}`. The
//! account's object applies them (`gate/triage.rs`); the views of the list are parameters of
//! `GET /v1/conversations` (`gate/list.rs`, `index_object/merged_page.rs`).

use linkedin_inbox::Error;
use serde::Deserialize;
use serde_json::json;
use worker::{Method, Request, Response};

use crate::edge::account_object::{forward_simple, forward_write};
use crate::edge::all_accounts::{conversation_account, one_account};
use crate::edge::context::{Call, RouteContext};
use crate::edge::routes::json_text;
use crate::respond;
use crate::rules::query_params as query;
use crate::rules::triage::label_name;

/// `POST /v1/conversations/{conversationId}/triage` `{archived?, snoozedUntil?, starred?,
/// labels?: {add?, remove?}, note?}`: the conversation's triage state after the change.
pub async fn set(mut req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    let body = match json_text(&mut req).await? {
        Ok(body) => body,
        Err(refusal) => return Ok(refusal),
    };
    let id = match query::path_conversation_id(&raw_id) {
        Ok(id) => id,
        Err(e) => return respond::core_error(&e),
    };
    let account = match conversation_account(&ctx.env, &ctx.data, &req.url()?, &raw_id).await? {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    let request = json!({ "conversationId": id, "body": body }).to_string();
    forward_write(&ctx.env, &ctx.data, account, "/triage", request).await
}

/// `GET /v1/labels?account=`: the account's labels, oldest first.
pub async fn labels(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let account = match one_account(&ctx.data, &req.url()?) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    forward_simple(&ctx.env, &ctx.data, account, "/labels", Method::Get).await
}

/// The `{name}` of a label's path, decoded.
fn path_label(req: &Request) -> Result<String, Error> {
    let path = req.path();
    let raw = path.rsplit('/').next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Error::InvalidInput {
            field: "name",
            reason: "is not UTF-8".into(),
        })?;
    label_name(&decoded, "name")
}

/// `POST /v1/labels/{name}?account=` `{"name": "<new name>"}`: renamed on every conversation.
pub async fn rename_label(mut req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Rename {
        name: String,
    }
    let account = match one_account(&ctx.data, &req.url()?) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    let body = match json_text(&mut req).await? {
        Ok(body) => body,
        Err(refusal) => return Ok(refusal),
    };
    let request = path_label(&req).and_then(|from| {
        let to = serde_json::from_str::<Rename>(&body).map_err(|_| Error::InvalidInput {
            field: "body",
            reason: "must be {\"name\": \"<new name>\"}".into(),
        })?;
        let to = label_name(&to.name, "name")?;
        Ok(json!({ "name": from, "to": to }).to_string())
    });
    match request {
        Ok(request) => forward_write(&ctx.env, &ctx.data, account, "/labels/rename", request).await,
        Err(e) => respond::core_error(&e),
    }
}

/// `DELETE /v1/labels/{name}?account=`: taken off every conversation, then deleted.
pub async fn delete_label(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let account = match one_account(&ctx.data, &req.url()?) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    match path_label(&req) {
        Ok(name) => {
            let request = json!({ "name": name }).to_string();
            forward_write(&ctx.env, &ctx.data, account, "/labels/delete", request).await
        }
        Err(e) => respond::core_error(&e),
    }
}
