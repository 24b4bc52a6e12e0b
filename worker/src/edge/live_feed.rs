//! A live inbox: provider webhooks in (`/v1/webhooks/{provider}/{account}`, signed, no bearer
//! token), the change feed out (`GET /v1/changes`, from the stores, 0 upstream calls), and
//! the push channel's sockets are `live_sockets.rs`.

use crate::rules::page_body::with_raw_array;
use futures_util::future::join_all;
use linkedin_inbox::{Error, ErrorCode, Provider};
use serde::Deserialize;
use url::Url;
use worker::{Date, Env, Method, Request, Response};

use crate::edge::account_object::gate_call;
use crate::edge::all_accounts::{indexed_target, target, Target, Unnamed};
use crate::edge::context::{Call, RouteContext};
use crate::respond;
use crate::rules::change_tokens::{self, Mark};
use crate::rules::registry::{Account, MAX_MERGED_ACCOUNTS};
use crate::rules::settings::Config;
use crate::rules::webhook_events as webhook;

/// Changes one account answers per call of the feed.
const CHANGES_PER_ACCOUNT: u32 = 100;

fn unsigned() -> worker::Result<Response> {
    // One answer for every failure: no detail on which part was wrong.
    respond::refuse(
        ErrorCode::Unauthorized,
        "not a signed event for a known account",
    )
}

/// A secret no account has: an unknown account's event is checked against it, so every
/// refusal costs the same work and answers the same way.
const NO_ACCOUNT_SECRET: &str = "no account has this webhook secret";

/// `POST /v1/webhooks/{provider}/{account}`: the signature is checked before anything else
/// happens; a valid event is handed to the account's object (ConnectSafely: the message is
/// stored; LinkupAPI: one head sync is scheduled), both de-duplicated there.
pub async fn webhook(
    mut req: Request,
    env: &Env,
    config: &Config,
    provider: Provider,
    account_id: &str,
) -> worker::Result<Response> {
    // Over the cap or cut off: refused like any unsigned event (no detail before the signature).
    let Ok(body) = crate::edge::body_reader::read_capped(&mut req).await else {
        return unsigned();
    };
    let secret_of = |a: &Account| match provider {
        Provider::ConnectSafely => a.connectsafely_webhook_secret.clone(),
        Provider::Linkup => a.linkup_webhook_secret.clone(),
    };
    let accounts = crate::directory::accounts_with_id(env, config, account_id).await?;
    let found = accounts.iter().find_map(|a| secret_of(a).map(|s| (a, s)));
    let secret = found
        .as_ref()
        .map_or(NO_ACCOUNT_SECRET, |(_, secret)| secret.expose());
    let headers = req.headers();
    let signed = match provider {
        Provider::ConnectSafely => webhook::connectsafely_signed(
            secret,
            &body,
            headers.get("X-Webhook-Signature")?.as_deref(),
        ),
        Provider::Linkup => webhook::linkup_signed(
            secret,
            &body,
            headers.get("X-Linkup-Timestamp")?.as_deref(),
            headers.get("X-Linkup-Signature")?.as_deref(),
            Date::now().as_millis() / 1000,
        ),
    };
    let Some((account, _)) = found.filter(|_| signed) else {
        return unsigned();
    };
    // A signed body that is not UTF-8 is the sender's mistake: 400, never a 5xx the provider
    // would retry forever (JSON parsers may skip bytes of fields they ignore).
    let Ok(text) = String::from_utf8(body) else {
        return bad_event("is not valid UTF-8");
    };
    let body = text.as_bytes();
    let path = match provider {
        Provider::ConnectSafely => {
            match webhook::connectsafely_event(body) {
                Ok(webhook::ConnectSafelyPush::Ignored) => return received(),
                Ok(webhook::ConnectSafelyPush::Message(pushed)) => {
                    // The event must name this account's ConnectSafely account (a secret
                    // shared by several accounts cannot move an event between them).
                    if pushed.account_id.is_none()
                        || pushed.account_id != account.connectsafely_account_id
                    {
                        return unsigned();
                    }
                }
                Err(why) => return bad_event(why),
            }
            "/webhook/connectsafely"
        }
        Provider::Linkup => match webhook::linkup_event(body) {
            Ok(_) => "/webhook/linkup",
            Err(why) => return bad_event(why),
        },
    };
    let response = crate::edge::account_object::send(
        env,
        config,
        None,
        account,
        path,
        Method::Post,
        Some(text),
    )
    .await;
    match response {
        Ok(response) if response.status_code() == 200 => received(),
        Ok(response) => Ok(response),
        // The provider retries a non-2xx: nothing was stored.
        Err(_) => respond::refuse(ErrorCode::Unavailable, "the account gate is unavailable"),
    }
}

/// The answer to a provider's valid event (also a duplicate or an ignored one).
pub(crate) fn received() -> worker::Result<Response> {
    respond::json(200, &serde_json::json!({ "received": true }))
}

/// The answer to a signed event whose body is not readable (`why`).
pub(crate) fn bad_event(why: &str) -> worker::Result<Response> {
    respond::core_error(&Error::InvalidInput {
        field: "body",
        reason: why.into(),
    })
}

/// The seal scope of a client's change tokens and tickets.
pub(crate) fn scope(call_client: &str, what: &str) -> String {
    format!("{what}:{call_client}")
}

pub(crate) fn accounts_of<'a>(
    call: &'a Call,
    url: &Url,
) -> Result<Vec<&'a Account>, worker::Result<Response>> {
    match target(call, url, Unnamed::All)? {
        Target::One(account) => Ok(vec![account]),
        Target::All => Ok(call.accounts().collect()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GateChanges {
    epoch: u64,
    seq: i64,
    reset: bool,
    unread_total: Option<u64>,
    /// The account's health (`{state, since, until?}`).
    health: serde_json::Value,
    more: bool,
    conversations: Vec<Box<serde_json::value::RawValue>>,
}

/// `GET /v1/changes?since=<token>&account=<id>|all`: what changed in the client's accounts
/// since the token, from their stores.
pub async fn changes(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let url = req.url()?;
    let many = call.accounts().count() > MAX_MERGED_ACCOUNTS;
    if let (true, Ok(Target::All)) = (many, indexed_target(call, &url, Unnamed::All)) {
        let scope = scope(&call.client().name, "changes");
        return crate::edge::index_changes::changes(&ctx.env, call, &url, &scope).await;
    }
    let accounts = match accounts_of(call, &url) {
        Ok(accounts) => accounts,
        Err(refusal) => return refusal,
    };
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let name = &call.client().name;
    let since = url
        .query_pairs()
        .find(|(n, _)| n == "since")
        .map(|(_, v)| v.into_owned());
    let marks: Vec<Option<Mark>> = match since {
        None => vec![None; accounts.len()],
        Some(token) => {
            let opened = (token.len() <= crate::rules::merged_walk::MAX_MERGED_LEN)
                .then(|| {
                    call.config
                        .cursor_key
                        .open(&scope(name, "changes"), &token)
                        .ok()
                })
                .flatten()
                .and_then(|text| change_tokens::decode_changes(&text, &ids));
            match opened {
                Some(marks) => marks.into_iter().map(Some).collect(),
                None => return respond::core_error(&Error::InvalidCursor {
                    reason:
                        "since is not a token this proxy issued to this client for these accounts"
                            .into(),
                }),
            }
        }
    };
    let asked = join_all(accounts.iter().zip(&marks).map(|(account, mark)| {
        let body = serde_json::json!({
            "since": mark.map(|m| m.seq),
            "epoch": mark.map(|m| m.epoch),
            "limit": CHANGES_PER_ACCOUNT,
        })
        .to_string();
        gate_call(
            &ctx.env,
            call,
            account,
            "/changes",
            Method::Post,
            Some(body),
        )
    }))
    .await;
    let mut answers = Vec::new();
    for answer in asked {
        let mut response = answer?;
        if response.status_code() != 200 {
            return Ok(response);
        }
        answers.push(response.json::<GateChanges>().await?);
    }
    let new_marks: Vec<(&str, Mark)> = ids
        .iter()
        .zip(&answers)
        .map(|(id, a)| {
            (
                *id,
                Mark {
                    epoch: a.epoch,
                    seq: a.seq,
                },
            )
        })
        .collect();
    let token = call.config.cursor_key.seal(
        &scope(name, "changes"),
        &change_tokens::encode_changes(&new_marks),
    );
    let lists: Vec<&str> = answers
        .iter()
        .flat_map(|a| a.conversations.iter().map(|c| c.get()))
        .collect();
    let per_account: Vec<serde_json::Value> = ids
        .iter()
        .zip(&answers)
        .map(|(id, a)| serde_json::json!({ "id": id, "unreadTotal": a.unread_total, "health": a.health }))
        .collect();
    let head = serde_json::json!({
        "token": token,
        "unreadTotal": answers.iter().filter_map(|a| a.unread_total).sum::<u64>(),
        "accounts": per_account,
        "more": answers.iter().any(|a| a.more),
        "reset": answers.iter().any(|a| a.reset),
    });
    let body = with_raw_array(&head, "conversations", &lists.join(","));
    let mut response = Response::ok(body)?;
    response
        .headers_mut()
        .set("Content-Type", "application/json")?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}
