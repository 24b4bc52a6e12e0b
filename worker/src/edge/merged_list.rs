//! `GET /v1/conversations?account=all`: each account's store answers a page from where the
//! merged cursor stands in it (`rules/merged_walk.rs`), and the pages are merged by last
//! activity into one page with one cursor, signed for the client.

use futures_util::future::join_all;
use linkedin_inbox::{ConversationPage, Cursor, Error, Provider};
use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;
use worker::{Env, Response, ResponseBody};

use crate::edge::context::Call;
use crate::gate::forward_page;
use crate::respond;
use crate::rules::client_auth::account_digest;
use crate::rules::merged_walk::{self, Answer, Item, Lane};
use crate::rules::page_body::page_with_items;
use crate::rules::page_plan::{PageRequest, Source, BROWSER_MAX_AGE_SECS};
use crate::rules::query_params as query;
use crate::rules::registry::Account;

/// The longest merged cursor taken: 20 accounts of 64-character ids with long thread ids fit
/// (`rules/merged_walk.rs` test), and the URL stays far under Cloudflare's 16 KB.
const MAX_CURSOR_LEN: usize = crate::rules::merged_walk::MAX_MERGED_LEN;

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
    let items: Vec<&str> = merged
        .picks
        .iter()
        .map(|(account, item)| {
            let page = pages[*account].as_ref().expect("picked from an answer");
            page.items[*item].get()
        })
        .collect();
    // Known when every account answered with its total.
    let total: Option<u64> = pages.iter().map(|p| p.as_ref().and_then(|p| p.total)).sum();
    let credits: u64 = pages.iter().flatten().map(|p| p.credit_cost).sum();
    let merged_page = ConversationPage {
        items: Vec::new(),
        next_cursor,
        total,
        account_id: None,
        owner_profile_urn: None,
        filters_applied: true,
        credit_cost: u32::try_from(credits).unwrap_or(u32::MAX),
    };
    let body = page_with_items(merged_page, &items.join(","));
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
