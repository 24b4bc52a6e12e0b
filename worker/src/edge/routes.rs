//! One named `async fn` per route of the proxy API (`docs/openapi.yaml`).

use linkedin_inbox::{Error, ErrorCode};
use worker::{Method, Request, Response};

use crate::edge::account_object::{forward_list, forward_page, forward_simple, forward_write};
use crate::edge::all_accounts::{
    conversation_account, indexed_target, one_account, target, Target, Unnamed,
};
use crate::edge::body_reader::{self, Unread};
use crate::edge::context::{Call, RouteContext};
use crate::gate::protocol::{GateMark, GateSend};
use crate::respond;
use crate::rules::client_auth::account_digest;
use crate::rules::page_plan::PageRequest;
use crate::rules::query_params as query;
use crate::rules::registry::Account;
use crate::rules::request_body;

/// A presented cursor back to the core's, if this proxy signed it for `account`: anything
/// else is refused here, before the gate and any upstream call.
fn unseal<'a>(call: &'a Call, account: &Account) -> impl Fn(&str) -> Result<String, Error> + 'a {
    let digest = account_digest(account);
    move |presented| call.config.cursor_key.open(&digest, presented)
}

/// `GET /v1/conversations?account=<id>|all`: one account's page from its store, or (`all`,
/// the default, for a client of several accounts) their pages merged.
pub async fn conversations(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let url = req.url()?;
    let account = match indexed_target(call, &url, Unnamed::All) {
        Ok(Target::One(account)) if !url.query_pairs().any(|(n, _)| n == "person") => account,
        // A member's conversations: the client's index knows who is in each (for a client of
        // one account too); naming one of several accounts is not a merged list.
        Ok(Target::One(_)) if call.accounts().nth(1).is_some() => {
            return respond::core_error(&linkedin_inbox::Error::InvalidInput {
                field: "person",
                reason: "filters the merged list: use account=all".into(),
            })
        }
        Ok(_) => return crate::edge::merged_list::conversations(&ctx.env, call, &url).await,
        Err(refusal) => return refusal,
    };
    let parsed = query::conversations(
        &url,
        account.connectsafely_account_id.as_deref(),
        &unseal(call, account),
    )
    .map(PageRequest::Conversations);
    match parsed.and_then(|page| Ok((page, crate::edge::merged_list::view_of(&url)?))) {
        Ok((page, view)) => forward_list(&ctx.env, call, account, page, view).await,
        Err(e) => respond::core_error(&e),
    }
}

/// `GET /v1/conversations/{conversationId}/messages`
pub async fn conversation_messages(
    req: Request,
    ctx: RouteContext<Call>,
) -> worker::Result<Response> {
    let call = &ctx.data;
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    let url = req.url()?;
    let account = match conversation_account(&ctx.env, call, &url, &raw_id).await? {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    match query::messages_by_id(&url, &raw_id, &unseal(call, account)) {
        Ok(query) => forward_page(&ctx.env, call, account, PageRequest::Messages(query)).await,
        Err(e) => respond::core_error(&e),
    }
}

/// `GET /v1/messages?profileUrl=`
pub async fn profile_messages(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let url = req.url()?;
    let account = match one_account(call, &url) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    match query::messages_by_profile(&url, &unseal(call, account)) {
        Ok(query) => forward_page(&ctx.env, call, account, PageRequest::Messages(query)).await,
        Err(e) => respond::core_error(&e),
    }
}

/// `GET /v1/usage`: one account's counters, from its gate.
pub async fn usage(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let account = match one_account(call, &req.url()?) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    let mut response = forward_simple(&ctx.env, call, account, "/usage", Method::Get).await?;
    if response.status_code() != 200 {
        return Ok(response);
    }
    let mut counters: serde_json::Value = response.json().await?;
    counters["client"] = call.client().name.clone().into();
    counters["account"] = account.id.clone().into();
    let mut response = respond::json(200, &counters)?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// `POST /v1/refresh`: head pages of the account (every account of the client without
/// `account`) miss everywhere from now on.
pub async fn refresh(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    each_account(&ctx, &req.url()?, "/refresh", Method::Post).await
}

/// `DELETE /v1/data`: the account's (every account's of the client without `account`) stored
/// pages are deleted (its personal data); the ledger of spent budget and credits stays, so a
/// wipe cannot reset limits.
pub async fn delete_data(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    each_account(&ctx, &req.url()?, "/data", Method::Delete).await
}

/// A simple call to the named account's gate, or to each of the client's accounts in turn:
/// the first answer that is not a success is the answer, else the last success (with, for
/// several accounts, each account's JSON answer under `accounts`).
async fn each_account(
    ctx: &RouteContext<Call>,
    url: &url::Url,
    path: &str,
    method: Method,
) -> worker::Result<Response> {
    let call = &ctx.data;
    let accounts: Vec<&Account> = match target(call, url, Unnamed::All) {
        Ok(Target::One(account)) => vec![account],
        Ok(Target::All) => call.accounts().collect(),
        Err(refusal) => return refusal,
    };
    if let [account] = accounts[..] {
        return forward_simple(&ctx.env, call, account, path, method).await;
    }
    let mut answers = Vec::new();
    let mut last = None;
    for account in accounts {
        let mut response = forward_simple(&ctx.env, call, account, path, method.clone()).await?;
        if !(200..300).contains(&response.status_code()) {
            return Ok(response);
        }
        if response.status_code() == 200 {
            let mut answer: serde_json::Value = response.json().await?;
            answer["account"] = account.id.clone().into();
            answers.push(answer);
            last = Some(200);
        } else {
            last = Some(response.status_code());
        }
    }
    match last {
        Some(200) => respond::json(200, &serde_json::json!({ "accounts": answers })),
        _ => Ok(Response::empty()?.with_status(204)),
    }
}
/// A send as the account's gate takes it, checked before anything is looked up or recorded:
/// the body (415, 413, 400), the `Idempotency-Key` and the draft `draft` reads from the body;
/// else the refusal.
async fn send_request(
    req: &mut Request,
    draft: impl FnOnce(&str) -> Result<linkedin_inbox::Draft, Error>,
) -> worker::Result<Result<String, Response>> {
    if crate::edge::multipart::is_multipart(req.headers().get("Content-Type")?.as_deref()) {
        let key = query::idempotency_key(req.headers().get("Idempotency-Key")?.as_deref());
        let key = match key {
            Ok(key) => key,
            Err(refused) => return Ok(Err(respond::core_error(&refused)?)),
        };
        return match crate::edge::multipart::read(req, draft).await? {
            Ok((draft, files)) => Ok(Ok(serde_json::to_string(&GateSend { key, draft, files })?)),
            Err(served) => Ok(Err(respond::error_reply(served.into())?)),
        };
    }
    let body = match json_text(req).await? {
        Ok(body) => body,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let key = query::idempotency_key(req.headers().get("Idempotency-Key")?.as_deref());
    match key.and_then(|key| Ok((key, draft(&body)?))) {
        Ok((key, draft)) => Ok(Ok(serde_json::to_string(&GateSend {
            key,
            draft,
            files: Vec::new(),
        })?)),
        Err(refused) => Ok(Err(respond::core_error(&refused)?)),
    }
}

/// `POST /v1/conversations/{conversationId}/messages` `{text, profileUrl?}` with an
/// `Idempotency-Key`: a reply, sent at most once per key.
pub async fn send_reply(mut req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    // The request first: a refused one costs no lookup of the conversation's account.
    let request = match send_request(&mut req, |body| query::reply_draft(&raw_id, body)).await? {
        Ok(request) => request,
        Err(refusal) => return Ok(refusal),
    };
    let account = match conversation_account(&ctx.env, &ctx.data, &req.url()?, &raw_id).await? {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    forward_write(&ctx.env, &ctx.data, account, "/send", request).await
}

/// `POST /v1/messages` `{profileUrl, text}` with an `Idempotency-Key`: a message to a person
/// (a new conversation unless one exists), sent at most once per key.
pub async fn send_new(mut req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let account = match one_account(&ctx.data, &req.url()?) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    match send_request(&mut req, query::new_draft).await? {
        Ok(request) => forward_write(&ctx.env, &ctx.data, account, "/send", request).await,
        Err(refusal) => Ok(refusal),
    }
}

/// `POST /v1/conversations/{conversationId}/read`
pub async fn mark_read(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    mark(&ctx, &req.url()?, true).await
}

/// `POST /v1/conversations/{conversationId}/unread`
pub async fn mark_unread(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    mark(&ctx, &req.url()?, false).await
}

async fn mark(ctx: &RouteContext<Call>, url: &url::Url, read: bool) -> worker::Result<Response> {
    let raw_id = ctx.param("conversationId").cloned().unwrap_or_default();
    let account = match conversation_account(&ctx.env, &ctx.data, url, &raw_id).await? {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
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
    write(
        ctx,
        account,
        "/mark",
        request.map(|r| serde_json::to_string(&r)),
    )
    .await
}

/// The text of a JSON write's body, or the answer refusing it before anything is recorded
/// or sent: 415 for another type or an encoding, 413 over the cap (a chunked body is read no
/// further than the cap), 400 for bytes that are not UTF-8 or a body cut off.
pub(crate) async fn json_text(req: &mut Request) -> worker::Result<Result<String, Response>> {
    let headers = req.headers();
    let content_type = headers.get("Content-Type")?;
    let content_encoding = headers.get("Content-Encoding")?;
    if let Err(served) =
        request_body::check_json_headers(content_type.as_deref(), content_encoding.as_deref())
    {
        return Ok(Err(respond::error_reply(served.into())?));
    }
    let refusal = match body_reader::read_capped(req).await {
        Ok(bytes) => match request_body::utf8_text(bytes) {
            Ok(text) => return Ok(Ok(text)),
            Err(not_utf8) => respond::core_error(&not_utf8)?,
        },
        Err(Unread::TooLarge) => respond::error_reply(request_body::too_large().into())?,
        Err(Unread::Broken) => respond::core_error(&Error::InvalidInput {
            field: "body",
            reason: "was cut off before its end".into(),
        })?,
    };
    Ok(Err(refusal))
}

async fn write(
    ctx: &RouteContext<Call>,
    account: &Account,
    path: &str,
    body: Result<serde_json::Result<String>, linkedin_inbox::Error>,
) -> worker::Result<Response> {
    match body {
        Ok(body) => forward_write(&ctx.env, &ctx.data, account, path, body?).await,
        Err(e) => respond::core_error(&e),
    }
}

/// `GET /v1/accounts`
pub async fn accounts(_req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    crate::edge::all_accounts::accounts(&ctx.env, &ctx.data).await
}

/// Any other path.
pub async fn not_found(_req: Request, _ctx: RouteContext<Call>) -> worker::Result<Response> {
    respond::refuse(ErrorCode::NotFound, "no such route")
}

/// `POST /v1/doctor`: the account's read-only checks against the providers' documented
/// contracts, run by its gate with its stored credentials; the redacted report.
pub async fn doctor(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let account = match one_account(call, &req.url()?) {
        Ok(account) => account,
        Err(refusal) => return refusal,
    };
    let mut response = forward_simple(&ctx.env, call, account, "/doctor", Method::Post).await?;
    if response.status_code() != 200 {
        return Ok(response);
    }
    let mut report: serde_json::Value = response.json().await?;
    report["account"] = account.id.clone().into();
    let mut response = respond::json(200, &report)?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}
