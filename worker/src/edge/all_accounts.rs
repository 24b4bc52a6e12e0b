//! One inbox over every account of a client: which account a request is for (`?account=`,
//! the conversation's store, or the only one) and `GET /v1/accounts` (the merged walk of
//! `GET /v1/conversations?account=all` is `merged_list.rs`). An account the client does not
//! list is 404, as if it did not exist.

use futures_util::future::join_all;
use linkedin_inbox::{Error, ErrorCode};
use serde::Deserialize;
use url::Url;
use worker::{Env, Method, Response};

use crate::edge::account_object::gate_call;
use crate::edge::context::Call;
use crate::respond;
use crate::rules::query_params as query;
use crate::rules::registry::{Account, ALL_ACCOUNTS, MAX_MERGED_ACCOUNTS};

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

fn no_such_account() -> Refusal {
    respond::refuse(ErrorCode::NotFound, "no such account")
}

/// The account `?account=` names (404 when the client does not list it), every account with
/// `all`, and without it: the only account of the client, else `default`.
pub fn target<'a>(call: &'a Call, url: &Url, default: Unnamed) -> Result<Target<'a>, Refusal> {
    let target = named_target(call, url, default)?;
    // The other merged views ask every account's object (and the change token holds a mark
    // of each): bounded until one index answers them too. The merged list is not.
    let count = call.accounts().count();
    if matches!(target, Target::All) && count > MAX_MERGED_ACCOUNTS {
        return Err(respond::core_error(&Error::InvalidInput {
            field: "account",
            reason: format!(
                "this client has {count} accounts and `all` merges at most \
                 {MAX_MERGED_ACCOUNTS}: name one"
            ),
        }));
    }
    Ok(target)
}

/// As [`target`], for the merged list, which one index answers whatever the number of
/// accounts (`index_object/`): `all` is not bounded.
pub fn indexed_target<'a>(
    call: &'a Call,
    url: &Url,
    default: Unnamed,
) -> Result<Target<'a>, Refusal> {
    named_target(call, url, default)
}

fn named_target<'a>(call: &'a Call, url: &Url, default: Unnamed) -> Result<Target<'a>, Refusal> {
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

/// One account of `GET /v1/accounts`.
pub fn listed_account(
    account: &Account,
    unread_total: serde_json::Value,
    health: serde_json::Value,
    budget_left_today: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "id": account.id,
        "label": account.label,
        "providers": account.providers().iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "unreadTotal": unread_total,
        "budgetLeftToday": budget_left_today,
        "health": health,
    })
}

/// `GET /v1/accounts`: the client's accounts with their unread totals, what is left of
/// today's budgets and their health, from each account's object, or for a client of more than
/// `MAX_MERGED_ACCOUNTS` from its index (`index_object/changes.rs`); no upstream call.
pub async fn accounts(env: &Env, call: &Call) -> worker::Result<Response> {
    let accounts: Vec<&Account> = call.accounts().collect();
    // More than one request may ask of the objects: the client's index answers.
    if accounts.len() > MAX_MERGED_ACCOUNTS {
        let client = serde_json::to_string(&call.client().name)?;
        let mut answer =
            crate::index_object::ask(env, &call.client().name, "/accounts", client).await?;
        answer.headers_mut().set("Cache-Control", "no-store")?;
        return Ok(answer);
    }
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
        listed.push(listed_account(
            account,
            summary["unreadTotal"].clone(),
            summary["health"].clone(),
            summary["budgetLeftToday"].clone(),
        ));
    }
    let mut response = respond::json(200, &serde_json::json!({ "accounts": listed }))?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}
