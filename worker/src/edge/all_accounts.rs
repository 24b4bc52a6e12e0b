//! One inbox over every account of a client: which account a request is for (`?account=`,
//! the conversation's store, or the only one), `GET /v1/accounts`, and the merged walk of
//! `GET /v1/conversations?account=all`. An account the client does not list is 404, as if it
//! did not exist.

use futures_util::future::join_all;
use linkedin_inbox::{Cursor, Error, ErrorCode, Provider};
use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;
use worker::{Env, Method, Response, ResponseBody};

use crate::edge::context::Call;
use crate::gate::{forward_page, gate_call};
use crate::respond;
use crate::rules::client_auth::account_digest;
use crate::rules::merged_walk::{self, Answer, Item, Lane};
use crate::rules::page_plan::{PageRequest, Source, BROWSER_MAX_AGE_SECS};
use crate::rules::query_params as query;
use crate::rules::registry::{Account, ALL_ACCOUNTS};

/// A request's account: one, or every account of the client.
pub enum Target<'a> {
    One(&'a Account),
    All,
}

/// What a request without `account` means for a client of several accounts.
pub enum Unnamed {
    /// Every account of the client.
    All,
    /// Nothing: the request must name one.
    Required,
}

type Refusal = worker::Result<Response>;

/// The longest merged cursor taken: 20 accounts of 64-character ids with long thread ids fit
/// (`rules/merged_walk.rs` test), and the URL stays far under Cloudflare's 16 KB.
pub const MAX_CURSOR_LEN: usize = crate::rules::merged_walk::MAX_MERGED_LEN;

fn no_such_account() -> Refusal {
    respond::refuse(ErrorCode::NotFound, "no such account")
}

/// The account `?account=` names (404 when the client does not list it), every account with
/// `all`, and without it: the only account of the client, else `default`.
pub fn target<'a>(call: &'a Call, url: &Url, default: Unnamed) -> Result<Target<'a>, Refusal> {
    let named = query::account(url).map_err(|e| respond::core_error(&e))?;
    let mut accounts = call.accounts();
    let (first, several) = (accounts.next(), accounts.next().is_some());
    match (named.as_deref(), first, several) {
        (Some(ALL_ACCOUNTS), Some(only), false) => Ok(Target::One(only)),
        (Some(ALL_ACCOUNTS), _, _) => Ok(Target::All),
        (Some(id), _, _) => call
            .account(id)
            .map(Target::One)
            .ok_or_else(no_such_account),
        (None, Some(only), false) => Ok(Target::One(only)),
        (None, _, _) => match default {
            Unnamed::All => Ok(Target::All),
            Unnamed::Required => Err(respond::core_error(&Error::InvalidInput {
                field: "account",
                reason: "is required: this client has several accounts".into(),
            })),
        },
    }
}

/// The one account a request is for: `all` is not one.
pub fn one_account<'a>(call: &'a Call, url: &Url) -> Result<&'a Account, Refusal> {
    match target(call, url, Unnamed::Required)? {
        Target::One(account) => Ok(account),
        Target::All => Err(respond::core_error(&Error::InvalidInput {
            field: "account",
            reason: "must name one account here".into(),
        })),
    }
}

/// The account of a conversation: the one `?account=` names, else the first of the client's
/// accounts whose store holds it (404 when none does), else the only account.
pub async fn conversation_account<'a>(
    env: &Env,
    call: &'a Call,
    url: &Url,
    raw_id: &str,
) -> worker::Result<Result<&'a Account, Refusal>> {
    let all = match target(call, url, Unnamed::All) {
        Ok(Target::One(account)) => return Ok(Ok(account)),
        Ok(Target::All) => call.accounts().collect::<Vec<_>>(),
        Err(refusal) => return Ok(Err(refusal)),
    };
    let id = match query::path_conversation_id(raw_id) {
        Ok(id) => id,
        Err(e) => return Ok(Err(respond::core_error(&e))),
    };
    let thread = linkedin_inbox::thread_id(&id).unwrap_or(&id).to_owned();
    let body = serde_json::to_string(&thread)?;
    let found = join_all(all.iter().map(|account| {
        gate_call(
            env,
            call,
            account,
            "/locate",
            Method::Post,
            Some(body.clone()),
        )
    }))
    .await;
    for (account, answer) in all.iter().zip(found) {
        let Ok(mut response) = answer else { continue };
        if response.status_code() != 200 {
            continue;
        }
        #[derive(Deserialize)]
        struct Located {
            found: bool,
        }
        if response.json::<Located>().await.is_ok_and(|l| l.found) {
            return Ok(Ok(account));
        }
    }
    Ok(Err(respond::refuse(
        ErrorCode::NotFound,
        "no account of this client holds this conversation; name one with ?account=",
    )))
}

/// `GET /v1/accounts`: the client's accounts with their unread totals and what is left of
/// today's budgets, from each account's object (no upstream call).
pub async fn accounts(env: &Env, call: &Call) -> worker::Result<Response> {
    let accounts: Vec<&Account> = call.accounts().collect();
    let summaries = join_all(
        accounts
            .iter()
            .map(|account| gate_call(env, call, account, "/summary", Method::Get, None)),
    )
    .await;
    let mut listed = Vec::new();
    for (account, summary) in accounts.iter().zip(summaries) {
        let mut response = summary?;
        if response.status_code() != 200 {
            return Ok(response);
        }
        let summary: serde_json::Value = response.json().await?;
        listed.push(serde_json::json!({
            "id": account.id,
            "label": account.label,
            "providers": account.providers().iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "unreadTotal": summary["unreadTotal"],
            "budgetLeftToday": summary["budgetLeftToday"],
        }));
    }
    let mut response = respond::json(200, &serde_json::json!({ "accounts": listed }))?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// One account's page as its gate answered it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GatePage<'a> {
    #[serde(borrow)]
    items: Vec<&'a RawValue>,
    next_cursor: Option<String>,
    total: Option<u64>,
    #[serde(default)]
    credit_cost: u64,
}

/// What the merge needs of an item: the store's order key.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Keyed {
    id: String,
    last_activity_at: Option<i64>,
    latest_message: Option<Sent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sent {
    sent_at: Option<i64>,
}

/// The seal scope of a client's merged cursors (never an account digest: 24 hex characters).
fn merged_scope(call: &Call) -> String {
    format!("client:{}", call.client().name)
}

/// `GET /v1/conversations?account=all` for a client of several accounts.
pub async fn conversations(env: &Env, call: &Call, url: &Url) -> worker::Result<Response> {
    let accounts: Vec<&Account> = call.accounts().collect();
    let refuse_cursor = |_: &str| -> Result<String, Error> { Err(invalid_cursor()) };
    let mut plain = url.clone();
    let presented = url
        .query_pairs()
        .filter(|(n, _)| n == "cursor")
        .last()
        .map(|(_, v)| v.into_owned());
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(n, _)| n != "cursor")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    plain.query_pairs_mut().clear().extend_pairs(kept);
    let query = match query::conversations(&plain, None, &refuse_cursor) {
        Ok(query) => query,
        Err(e) => return respond::core_error(&e),
    };
    let fingerprint = match query.fingerprint() {
        Ok(f) => f,
        Err(e) => return respond::core_error(&e),
    };
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let lanes = match presented {
        None => vec![Lane::Start; accounts.len()],
        Some(presented) => {
            let opened = (presented.len() <= MAX_CURSOR_LEN)
                .then(|| {
                    call.config
                        .cursor_key
                        .open(&merged_scope(call), &presented)
                        .ok()
                })
                .flatten()
                .and_then(|text| merged_walk::decode(&text, &fingerprint, &ids));
            match opened {
                Some(lanes) => lanes,
                None => return respond::core_error(&invalid_cursor()),
            }
        }
    };
    let count = query.count.unwrap_or(20) as usize;
    // Each account not done answers a page from where the walk stands in it.
    let asked = join_all(accounts.iter().zip(&lanes).map(|(account, lane)| {
        let page = account_query(account, &query, lane);
        async move {
            match page {
                None => Ok(None),
                Some(Ok(q)) => forward_page(env, call, account, PageRequest::Conversations(q))
                    .await
                    .map(Some),
                Some(Err(e)) => respond::core_error(&e).map(Some),
            }
        }
    }))
    .await;
    let mut bodies: Vec<Option<(String, Source, Option<u64>)>> = Vec::new();
    for answer in asked {
        match answer? {
            None => bodies.push(None),
            Some(mut response) if response.status_code() == 200 => {
                let source = match response.headers().get("X-Cache")?.as_deref() {
                    Some("STALE") => Source::Stale,
                    Some("MISS") => Source::Miss,
                    Some("COALESCED") => Source::Coalesced,
                    _ => Source::Hit,
                };
                let age = response
                    .headers()
                    .get("Age")?
                    .and_then(|a| a.parse::<u64>().ok());
                bodies.push(Some((response.text().await?, source, age)));
            }
            // One account's refusal (its rate, its budget with nothing stored) is the answer.
            Some(refusal) => return Ok(refusal),
        }
    }
    let mut pages: Vec<Option<GatePage<'_>>> = Vec::new();
    for body in &bodies {
        pages.push(match body {
            None => None,
            Some((text, _, _)) => Some(serde_json::from_str(text)?),
        });
    }
    let mut answers: Vec<Option<Answer>> = Vec::new();
    for (account, page) in accounts.iter().zip(&pages) {
        let Some(page) = page else {
            answers.push(None);
            continue;
        };
        let mut items = Vec::with_capacity(page.items.len());
        for raw in &page.items {
            let keyed: Keyed = serde_json::from_str(raw.get())?;
            items.push(Item {
                at: keyed
                    .last_activity_at
                    .or(keyed.latest_message.and_then(|m| m.sent_at))
                    .unwrap_or(0),
                thread_id: keyed.id,
            });
        }
        let next = match &page.next_cursor {
            None => None,
            Some(sealed) => Some(position_of(call, account, sealed)?),
        };
        answers.push(Some(Answer { items, next }));
    }
    let merged = merged_walk::merge(&lanes, &answers, count);
    let done = merged.lanes.iter().all(|l| *l == Lane::Done);
    let next_cursor = (!done).then(|| {
        let named: Vec<(&str, &Lane)> = ids.iter().copied().zip(&merged.lanes).collect();
        call.config.cursor_key.seal(
            &merged_scope(call),
            &merged_walk::encode(&fingerprint, &named),
        )
    });
    let mut body = String::from("{\"items\":[");
    for (n, (account, item)) in merged.picks.iter().enumerate() {
        if n > 0 {
            body.push(',');
        }
        let page = pages[*account].as_ref().expect("picked from an answer");
        body.push_str(page.items[*item].get());
    }
    // Known when every account answered with its total.
    let total: Option<u64> = pages.iter().map(|p| p.as_ref().and_then(|p| p.total)).sum();
    let credits: u64 = pages.iter().flatten().map(|p| p.credit_cost).sum();
    body.push_str("],");
    let rest = serde_json::json!({
        "nextCursor": next_cursor,
        "total": total,
        "accountId": null,
        "ownerProfileUrn": null,
        "filtersApplied": true,
        "creditCost": credits,
    })
    .to_string();
    body.push_str(&rest[1..]);
    let sources: Vec<(Source, Option<u64>)> = bodies
        .iter()
        .flatten()
        .map(|(_, source, age)| (*source, *age))
        .collect();
    let source = if sources.iter().any(|(s, _)| *s == Source::Stale) {
        Source::Stale
    } else if sources.iter().any(|(s, _)| *s == Source::Miss) {
        Source::Miss
    } else if sources.iter().any(|(s, _)| *s == Source::Coalesced) {
        Source::Coalesced
    } else {
        Source::Hit
    };
    let age = sources.iter().filter_map(|(_, age)| *age).max();
    let first = lanes.iter().all(|l| *l == Lane::Start);
    let browser_max_age = match first {
        true => 0,
        false => BROWSER_MAX_AGE_SECS.min(call.config.head_ttl_secs),
    };
    page_of(body, source, browser_max_age, age, credits)
}

fn page_of(
    body: String,
    source: Source,
    browser_max_age: u64,
    age: Option<u64>,
    credits: u64,
) -> worker::Result<Response> {
    respond::page_response(
        ResponseBody::Body(body.into_bytes()),
        source,
        browser_max_age,
        matches!(source, Source::Hit | Source::Stale)
            .then_some(age)
            .flatten(),
        credits,
        0,
    )
}

fn invalid_cursor() -> Error {
    Error::InvalidCursor {
        reason: "not a cursor this proxy issued to this client".into(),
    }
}

/// The query one account answers for a merged page: the filters, its own account id, and a
/// cursor at its lane's position (`None`: the account is done).
fn account_query(
    account: &Account,
    query: &linkedin_inbox::ConversationQuery,
    lane: &Lane,
) -> Option<Result<linkedin_inbox::ConversationQuery, Error>> {
    let mut own = linkedin_inbox::ConversationQuery {
        account_id: account.connectsafely_account_id.clone(),
        cursor: None,
        ..query.clone()
    };
    match lane {
        Lane::Done => return None,
        Lane::Start => {}
        Lane::At(position) => {
            let fingerprint = match own.fingerprint() {
                Ok(f) => f,
                Err(e) => return Some(Err(e)),
            };
            own.cursor = Some(
                Cursor {
                    provider: Provider::ConnectSafely,
                    fingerprint,
                    upstream: position.clone(),
                    skip: 0,
                }
                .encode(),
            );
        }
    }
    Some(Ok(own))
}

/// The store position inside a cursor an account's gate sealed.
fn position_of(call: &Call, account: &Account, sealed: &str) -> worker::Result<String> {
    let broken = |_| worker::Error::RustError("a gate answered a cursor it did not seal".into());
    let core = call
        .config
        .cursor_key
        .open(&account_digest(account), sealed)
        .map_err(broken)?;
    Ok(Cursor::decode(&core).map_err(broken)?.upstream)
}
