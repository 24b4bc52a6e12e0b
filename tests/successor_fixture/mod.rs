//! The providers' successor endpoints as the core's tests meet them (`tests/successors.rs`,
//! `tests/successor_exchange.rs`): the providers' clients, the recorded answers, a successor
//! page and a list walked through the exchange.
// Each test file uses a part of these.
#![allow(dead_code)]

use linkedin_inbox::{
    ApiKey, Backend, ConnectSafely, ConversationQuery, Exchange, HttpResponse, Linkup, LoginToken,
    Operation, Page, Routes, Step,
};
use serde_json::json;

pub const BASE: &str = "http://127.0.0.1:9";
pub const THREAD: &str = "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==";
pub const URN: &str = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==)";

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), &format!("{BASE}/linkedin")).unwrap()
}

pub fn lk_v1() -> Linkup {
    Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at"), BASE).unwrap()
}

pub fn lk_v2() -> Linkup {
    Linkup::v2(ApiKey::new("lk-key"), "lk_acc_1", BASE).unwrap()
}

pub fn unread() -> ConversationQuery {
    ConversationQuery {
        unread: Some(true),
        ..Default::default()
    }
}

/// Unread conversations with "person" in them: a filter the successor cannot apply (keywords),
/// matching every conversation of [`successor_page`] by its name.
pub fn unread_of_a_person() -> ConversationQuery {
    ConversationQuery {
        keywords: Some("person".into()),
        ..unread()
    }
}

pub fn direct(connectsafely: bool, linkup: bool) -> Backend {
    Backend::Direct {
        connectsafely: connectsafely.then(cs),
        linkup: linkup.then(lk_v1),
        account_id: None,
        routes: Routes::default(),
    }
}

pub fn send_of(step: Step) -> linkedin_inbox::HttpRequest {
    match step {
        Step::Send(r) | Step::Follow(r) => r,
        Step::Done(_) => panic!("expected a request"),
    }
}

/// A successor page of `ids` (unread when the id ends in `u`), with `next` as its cursor.
pub fn successor_page(ids: &[&str], next: Option<&str>) -> HttpResponse {
    let conversations: Vec<_> = ids
        .iter()
        .map(|id| {
            json!({
                "conversationUrn": format!("urn:li:msg_conversation:(urn:li:fsd_profile:OWNER,{id})"),
                "conversationId": id,
                "unreadCount": if id.ends_with('u') { 1 } else { 0 },
                "participants": [{"profileId": "P", "name": format!("Person {id}")}],
                "latestMessage": {"text": "hi", "sentAt": 1}
            })
        })
        .collect();
    let body =
        json!({"conversations": conversations, "nextCursor": next, "hasMore": next.is_some()});
    HttpResponse::new(200, body.to_string())
}

/// Runs a list through the exchange against `pages` (the first answered after a 307).
pub fn walk(
    query: ConversationQuery,
    pages: &[HttpResponse],
) -> (Vec<String>, Option<String>, u32) {
    let (mut exchange, _) =
        Exchange::start(direct(true, false), Operation::ListConversations(query)).unwrap();
    let moved = HttpResponse::new(307, "").with_header("location", "/linkedin/conversations");
    let mut step = exchange.receive(&moved).unwrap();
    let mut served = 0;
    loop {
        match step {
            Step::Done(Page::Conversations(page)) => {
                assert!(page.filters_applied);
                let ids = page.items.into_iter().map(|c| c.id).collect();
                return (ids, page.next_cursor, exchange.calls());
            }
            Step::Send(request) | Step::Follow(request) => {
                assert!(
                    request.url.contains("/linkedin/conversations"),
                    "{}",
                    request.url
                );
                step = exchange.receive(&pages[served]).unwrap();
                served += 1;
            }
            Step::Done(_) => unreachable!(),
        }
    }
}
