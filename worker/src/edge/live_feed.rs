//! A live inbox: provider webhooks in (`/v1/webhooks/{provider}/{account}`, signed, no bearer
//! token), the change feed out (`GET /v1/changes`, from the stores, 0 upstream calls), and
//! the push channel (`POST /v1/live` hands out tickets; `GET /v1/live/socket?ticket=` is a
//! WebSocket that the account's Durable Object accepts with the hibernation API, so an idle
//! connection costs no object duration).

use futures_util::future::join_all;
use linkedin_inbox::{Error, ErrorCode};
use serde::Deserialize;
use url::Url;
use worker::{Date, Env, Headers, Method, Request, RequestInit, Response};

use crate::edge::all_accounts::{indexed_target, target, Target, Unnamed};
use crate::edge::context::{Call, RouteContext};
use crate::gate::{gate_call, ACCOUNT_HEADER, CLIENT_HEADER};
use crate::respond;
use crate::rules::change_tokens::{self, Mark};
use crate::rules::client_auth::{account_digest, origin_allowed};
use crate::rules::registry::{Account, MAX_MERGED_ACCOUNTS};
use crate::rules::settings::Config;
use crate::rules::webhook_events as webhook;

/// How long a push channel ticket may be used to open its socket.
const TICKET_TTL_MS: u64 = 60_000;
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
/// stored; LinkupAPI: one head sync is scheduled), both de-duplicated there. `provider` is
/// `connectsafely` or `linkup` (the router sends nothing else).
pub async fn webhook(
    mut req: Request,
    env: &Env,
    config: &Config,
    provider: &str,
    account_id: &str,
) -> worker::Result<Response> {
    let connectsafely = provider == "connectsafely";
    // Over the cap or cut off: refused like any unsigned event (no detail before the signature).
    let Ok(body) = crate::edge::body_reader::read_capped(&mut req).await else {
        return unsigned();
    };
    let secret_of = |a: &Account| match connectsafely {
        true => a.connectsafely_webhook_secret.clone(),
        false => a.linkup_webhook_secret.clone(),
    };
    let accounts = crate::directory::accounts_with_id(env, config, account_id).await?;
    let found = accounts.iter().find_map(|a| secret_of(a).map(|s| (a, s)));
    let secret = found
        .as_ref()
        .map_or(NO_ACCOUNT_SECRET, |(_, secret)| secret.expose());
    let headers = req.headers();
    let signed = match connectsafely {
        true => webhook::connectsafely_signed(
            secret,
            &body,
            headers.get("X-Webhook-Signature")?.as_deref(),
        ),
        false => webhook::linkup_signed(
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
    let path = match connectsafely {
        true => {
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
        false => match webhook::linkup_event(body) {
            Ok(_) => "/webhook/linkup",
            Err(why) => return bad_event(why),
        },
    };
    let response =
        crate::gate::forward::send(env, config, None, account, path, Method::Post, Some(text))
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
fn scope(call_client: &str, what: &str) -> String {
    format!("{what}:{call_client}")
}

fn accounts_of<'a>(
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
    })
    .to_string();
    let body = format!(
        "{},\"conversations\":[{}]}}",
        &head[..head.len() - 1],
        lists.join(",")
    );
    let mut response = Response::ok(body)?;
    response
        .headers_mut()
        .set("Content-Type", "application/json")?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// `POST /v1/live?account=<id>|all`: a ticket for each account's push channel.
pub async fn tickets(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let url = req.url()?;
    let accounts = match accounts_of(call, &url) {
        Ok(accounts) => accounts,
        Err(refusal) => return refusal,
    };
    let expires = Date::now().as_millis() + TICKET_TTL_MS;
    let scheme = match url.scheme() {
        "https" => "wss",
        _ => "ws",
    };
    let host = url.host_str().unwrap_or("127.0.0.1");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let name = &call.client().name;
    let sockets: Vec<serde_json::Value> = accounts
        .iter()
        .map(|account| {
            let ticket = call.config.cursor_key.seal(
                &scope("live", "ticket"),
                &change_tokens::encode_ticket(
                    name,
                    change_tokens::token_tag(&call.client().token_sha256),
                    &account.id,
                    expires,
                ),
            );
            serde_json::json!({
                "account": account.id,
                "url": format!("{scheme}://{host}{port}/v1/live/socket?ticket={ticket}"),
            })
        })
        .collect();
    let mut response = respond::json(
        200,
        &serde_json::json!({ "sockets": sockets, "expiresAt": expires }),
    )?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// `GET /v1/live/socket?ticket=`: the WebSocket upgrade, handed to the account's object. The
/// ticket stands for the bearer token (browsers cannot set headers on a WebSocket); the origin
/// rules of its client apply.
pub async fn socket(
    req: Request,
    env: &Env,
    config: &Config,
    origin: Option<&str>,
) -> worker::Result<Response> {
    let url = req.url()?;
    let ticket = url
        .query_pairs()
        .find(|(n, _)| n == "ticket")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let opened = config
        .cursor_key
        .open(&scope("live", "ticket"), &ticket)
        .ok()
        .and_then(|text| change_tokens::decode_ticket(&text, Date::now().as_millis()));
    let client = match &opened {
        Some((client, _, _)) => crate::directory::client_named(env, config, client).await?,
        None => None,
    };
    let found = client.as_deref().and_then(|client| {
        let (_, account, tag) = opened.as_ref()?;
        // Issued under the client's current token (a rotated token's tickets open nothing).
        if change_tokens::token_tag(&client.token_sha256) != tag {
            return None;
        }
        let account = client.accounts.iter().find(|a| &a.id == account)?;
        Some((client, account))
    });
    let Some((client, account)) = found else {
        return respond::refuse(ErrorCode::Unauthorized, "not a valid ticket");
    };
    if !origin_allowed(client, origin) {
        return respond::refuse(
            ErrorCode::OriginNotAllowed,
            "this origin may not call the proxy",
        );
    }
    let upgrade = req.headers().get("Upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return respond::core_error(&Error::InvalidInput {
            field: "Upgrade",
            reason: "this route is a WebSocket".into(),
        });
    }
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    headers.set(CLIENT_HEADER, &client.name)?;
    headers.set(ACCOUNT_HEADER, &account.id)?;
    let stub = env
        .durable_object(&config.gate_binding)?
        .id_from_name(&account_digest(account))?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    stub.fetch_with_request(Request::new_with_init("https://account-gate/live", &init)?)
        .await
}
