//! The push channel: `POST /v1/live` hands out tickets; `GET /v1/live/socket?ticket=` is a
//! WebSocket that an object accepts with the hibernation API (an idle connection costs no
//! object duration): the account's object for one account's socket, or, for a client of more
//! accounts than one socket each would serve, the client's index (`index_object/stream.rs`):
//! one stream for all of them.

use linkedin_inbox::{Error, ErrorCode};
use worker::{Date, Env, Headers, Method, Request, RequestInit, Response};

use crate::edge::account_object::{self, ObjectCall};
use crate::edge::all_accounts::{indexed_target, Target, Unnamed};
use crate::edge::context::{Call, RouteContext};
use crate::edge::live_feed::{accounts_of, scope};
use crate::gate::protocol::{CLIENT_HEADER, TOKEN_TAG_HEADER};
use crate::respond;
use crate::rules::change_tokens;
use crate::rules::client_auth::{account_digest, origin_allowed};
use crate::rules::registry::{ALL_ACCOUNTS, MAX_MERGED_ACCOUNTS};
use crate::rules::settings::Config;

/// How long a push channel ticket may be used to open its socket.
const TICKET_TTL_MS: u64 = 60_000;
/// What a ticket names for the client's one stream (no account id has a `*`).
const CLIENT_STREAM: &str = "*";

/// `POST /v1/live?account=<id>|all`: a ticket for each account's push channel, or, for `all`
/// of a client of more than `MAX_MERGED_ACCOUNTS` accounts, one ticket for the client's stream
/// (`account: "all"`).
pub async fn tickets(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let url = req.url()?;
    let many = call.accounts().count() > MAX_MERGED_ACCOUNTS;
    let stream = many && matches!(indexed_target(call, &url, Unnamed::All), Ok(Target::All));
    let accounts = match stream {
        true => Vec::new(),
        false => match accounts_of(call, &url) {
            Ok(accounts) => accounts,
            Err(refusal) => return refusal,
        },
    };
    let named: Vec<(&str, &str)> = match stream {
        true => vec![(ALL_ACCOUNTS, CLIENT_STREAM)],
        false => accounts
            .iter()
            .map(|a| (a.id.as_str(), a.id.as_str()))
            .collect(),
    };
    let expires = Date::now().as_millis() + TICKET_TTL_MS;
    let scheme = match url.scheme() {
        "https" => "wss",
        _ => "ws",
    };
    let host = url.host_str().unwrap_or("127.0.0.1");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let name = &call.client().name;
    let sockets: Vec<serde_json::Value> = named
        .iter()
        .map(|(shown, ticketed)| {
            let ticket = call.config.cursor_key.seal(
                &scope("live", "ticket"),
                &change_tokens::encode_ticket(
                    name,
                    change_tokens::token_tag(&call.client().token_sha256),
                    ticketed,
                    expires,
                ),
            );
            serde_json::json!({
                "account": shown,
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

/// `GET /v1/live/socket?ticket=`: the WebSocket upgrade, handed to the account's object, or
/// for a stream ticket to the client's index; either accepts it only under the ticket's token
/// tag. The ticket stands for the bearer token (browsers cannot set headers on a WebSocket);
/// the origin rules of its client apply.
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
    // Issued under the client's current token (a rotated token's tickets open nothing).
    let client = client.filter(|client| {
        opened
            .as_ref()
            .is_some_and(|(_, _, tag)| change_tokens::token_tag(&client.token_sha256) == tag)
    });
    let named = opened.as_ref().map(|(_, account, _)| account.as_str());
    let found = client.as_deref().and_then(|client| match named {
        Some(CLIENT_STREAM) => Some((client, None)),
        Some(id) => Some((client, Some(client.accounts.iter().find(|a| a.id == id)?))),
        None => None,
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
    let tag = opened.as_ref().map_or("", |(_, _, tag)| tag.as_str());
    let Some(account) = account else {
        let headers = Headers::new();
        headers.set("Upgrade", "websocket")?;
        headers.set(CLIENT_HEADER, &client.name)?;
        headers.set(TOKEN_TAG_HEADER, tag)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let stub = crate::index_object::index_stub(env, &client.name)?;
        return stub
            .fetch_with_request(Request::new_with_init("https://inbox-index/live", &init)?)
            .await;
    };
    let object = account_digest(account);
    let asked = ObjectCall {
        object: &object,
        account_id: &account.id,
        client: Some(&client.name),
        method: Method::Get,
        path: "/live",
        headers: &[("Upgrade", "websocket"), (TOKEN_TAG_HEADER, tag)],
        body: None,
    };
    account_object::call(env, config, asked).await
}
