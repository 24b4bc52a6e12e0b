//! ConnectSafely `GET /linkedin/conversations?unreadOnly` (C10): the unread conversations only,
//! paged like the whole list, in the documented shape; and the core asking for it after the
//! seed path's 307, one call where it used to walk.

mod common;

use common::*;
use linkedin_inbox::{
    ApiKey, Backend, ConnectSafely, ConversationQuery, Exchange, Operation, Page, Routes, Step,
};
use serde_json::{json, Value};

fn conversations(sandbox: &Sandbox, query: &str) -> (u16, Value) {
    sandbox.cs_get(&format!("/conversations?{query}"), Some(CS_KEY))
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|c| c["conversationId"].as_str().unwrap())
        .collect()
}

#[test]
fn unread_only_lists_the_unread_conversations_paged_and_in_the_documented_shape() {
    let sandbox = Sandbox::start();
    let all = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    let unread: Vec<&Value> = all
        .iter()
        .filter(|c| c["unreadCount"].as_u64() > Some(0))
        .collect();
    assert!(
        !unread.is_empty() && unread.len() < all.len(),
        "the demo data has both"
    );
    let (status, body) = conversations(&sandbox, "unreadOnly=true&count=100");
    assert_eq!(status, 200, "{body}");
    let listed = body["conversations"].as_array().unwrap();
    assert_eq!(
        ids(listed),
        unread
            .iter()
            .map(|c| c["conversationId"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    // Two at a time, the cursor of an unread-only page going on with unread ones.
    let mut paged = Vec::new();
    let mut cursor = String::new();
    for _ in 0..100 {
        let (status, page) = conversations(&sandbox, &format!("unreadOnly=true&count=2{cursor}"));
        assert_eq!(status, 200, "{page}");
        paged.extend(page["conversations"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = format!("&nextCursor={}", urlencode(next)),
            None => break,
        }
        // The first page, against connectsafely.ai docs `get-conversations-list-conversations`
        // (placeholders where the example has them).
        if paged.len() == 2 {
            let placeholders = [
                "/conversations/0/lastActivityAt",
                "/conversations/0/participants",
                "/conversations/0/latestMessage",
            ];
            let example = documented("connectsafely_conversations_200.json");
            assert_documented_shape(&page, &example, &placeholders);
        }
    }
    assert_eq!(ids(&paged), ids(listed));

    let (_, not_only) = conversations(&sandbox, "unreadOnly=false&count=100");
    assert_eq!(
        not_only["conversations"].as_array().unwrap().len(),
        all.len()
    );
    let (status, body) = conversations(&sandbox, "unreadOnly=yes");
    assert_eq!(
        (status, body),
        (400, json!({"error": "unreadOnly must be true or false"}))
    );
}

#[test]
fn the_core_asks_for_unread_only_after_the_307_in_one_call() {
    let sandbox = Sandbox::start_with(&["--connectsafely-seed", "redirect"]);
    let client = ConnectSafely::with_base_url(ApiKey::new(CS_KEY), &sandbox.cs_base()).unwrap();
    let backend = Backend::Direct {
        connectsafely: Some(client),
        linkup: None,
        account_id: None,
        routes: Routes::default(),
    };
    let query = ConversationQuery {
        unread: Some(true),
        count: Some(100),
        ..Default::default()
    };
    let (mut exchange, mut request) =
        Exchange::start(backend, Operation::ListConversations(query)).unwrap();
    let agent = no_redirect_agent();
    let page = loop {
        match exchange.receive(&send_with(&agent, &request)).unwrap() {
            Step::Send(next) | Step::Follow(next) => request = next,
            Step::Done(Page::Conversations(page)) => break page,
            Step::Done(_) => unreachable!(),
        }
    };
    assert!(request.url.contains("unreadOnly=true"), "{}", request.url);
    assert_eq!(exchange.calls(), 2, "the 307 and one page");
    assert!(page.filters_applied);
    let all = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    let unread = all
        .iter()
        .filter(|c| c["unreadCount"].as_u64() > Some(0))
        .count();
    assert_eq!(page.items.len(), unread);
    assert!(page.items.iter().all(|c| c.unread_count > 0));
}
