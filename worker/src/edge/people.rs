//! `GET /v1/people/{personId}`: one LinkedIn member across the client's accounts: who they are
//! (from the newest conversation with them) and every conversation any of the client's
//! accounts has with them, newest first, from the client's merged index (`index_object/`).
//! The member is named by profile id or profile URN (`rules/people.rs`).

use linkedin_inbox::{Error, ErrorCode};
use serde_json::{json, Value};
use worker::{Request, Response};

use crate::edge::context::{Call, RouteContext};
use crate::edge::merged_list::ask_index;
use crate::index_object::PageAsk;
use crate::respond;
use crate::rules::people::member_id;
use crate::rules::query_params as query;
use crate::rules::registry::ALL_ACCOUNTS;

/// Conversations shown with a member (the rest: `GET /v1/conversations?person=`).
const MAX_CONVERSATIONS: u32 = 100;

pub async fn person(req: Request, ctx: RouteContext<Call>) -> worker::Result<Response> {
    let call = &ctx.data;
    let url = req.url()?;
    match query::account(&url) {
        Ok(None) => {}
        Ok(Some(all)) if all == ALL_ACCOUNTS => {}
        Ok(Some(_)) => {
            return respond::core_error(&Error::InvalidInput {
                field: "account",
                reason: "the people view is over every account of the client: all".into(),
            })
        }
        Err(e) => return respond::core_error(&e),
    }
    let raw = url.path().rsplit('/').next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let Some(member) = member_id(&decoded) else {
        return respond::core_error(&Error::InvalidInput {
            field: "personId",
            reason: "must be a member's profile id (ACoAA…) or a profile URN ending in one".into(),
        });
    };
    let ask = PageAsk {
        client: call.client().name.clone(),
        fingerprint: format!("people.{member}"),
        unread: None,
        keywords: None,
        person: Some(member.to_owned()),
        view: None,
        count: MAX_CONVERSATIONS,
        after: None,
        continued: false,
    };
    let mut page = ask_index(&ctx.env, &ask).await?;
    if page.status_code() != 200 {
        return Ok(page);
    }
    let body: Value = serde_json::from_str(&page.text().await?)?;
    let items = body["items"].as_array().cloned().unwrap_or_default();
    let Some(newest) = items.first() else {
        return respond::refuse(
            ErrorCode::NotFound,
            "no conversation of this client's accounts has this member",
        );
    };
    let participant = newest["participants"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["profileId"] == member))
        .cloned()
        .unwrap_or(Value::Null);
    let mut accounts: Vec<&str> = Vec::new();
    for item in &items {
        if let Some(account) = item["account"].as_str() {
            if !accounts.contains(&account) {
                accounts.push(account);
            }
        }
    }
    let answer = json!({
        "person": {
            "id": member,
            "name": participant["name"],
            "headline": participant["headline"],
            "profileUrl": participant["profileUrl"],
            "pictureUrl": participant["pictureUrl"],
        },
        "accounts": accounts,
        "conversations": items,
        "more": !body["nextCursor"].is_null(),
    });
    let mut response = respond::json(200, &answer)?;
    response
        .headers_mut()
        .set("Cache-Control", "private, no-cache")?;
    Ok(response)
}
