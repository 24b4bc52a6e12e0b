//! Walks over every page of a listing, checking each page, and small JSON helpers.

use base64::Engine as _;
use serde_json::Value;

use super::{urlencode, Sandbox, CS_KEY, LINKUP_KEY, TITOUAN_TOKEN};

/// Every conversation through `/conversations` in pages of `count`, checking each page.
pub fn walk_successor(sandbox: &Sandbox, account: &str, count: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    for _ in 0..500 {
        let (status, body) = sandbox.cs_get(
            &format!("/conversations?count={count}&accountId={account}{cursor}"),
            Some(CS_KEY),
        );
        assert_eq!(status, 200, "{body}");
        let page = body["conversations"].as_array().unwrap();
        assert!(page.len() <= count && !page.is_empty());
        items.extend(page.iter().cloned());
        match &body["nextCursor"] {
            Value::Null => {
                assert_eq!(body["hasMore"], false);
                return items;
            }
            Value::String(next) => {
                assert_eq!(body["hasMore"], true);
                assert!(next.starts_with("linkedin:"), "{next}");
                cursor = format!("&nextCursor={}", urlencode(next));
            }
            other => panic!("nextCursor {other}"),
        }
    }
    panic!("pagination did not end");
}

pub fn thread_path(conversation: &str, query: &str) -> String {
    format!(
        "/conversations/{}/messages?{query}",
        urlencode(conversation)
    )
}

/// Every message of a thread in pages of `count` via `cursor`, with each page's cursor.
pub fn walk_thread(
    sandbox: &Sandbox,
    conversation: &str,
    account: &str,
    count: usize,
) -> Vec<(Vec<Value>, Value)> {
    let mut pages = Vec::new();
    let mut cursor = String::new();
    for _ in 0..1000 {
        let query = format!("count={count}&accountId={account}{cursor}");
        let (status, body) = sandbox.cs_get(&thread_path(conversation, &query), Some(CS_KEY));
        assert_eq!(status, 200, "{body}");
        let messages = body["messages"].as_array().unwrap().clone();
        assert!(messages.len() <= count);
        let next = body["cursor"].clone();
        pages.push((messages.clone(), next.clone()));
        if body["hasMore"] == false {
            assert!(next.is_null());
            return pages;
        }
        assert_eq!(
            next.as_str().unwrap(),
            messages.last().unwrap()["sentAt"].to_string(),
            "cursor = sentAt of the oldest message of the page"
        );
        cursor = format!("&cursor={}", next.as_str().unwrap());
    }
    panic!("pagination did not end");
}

pub fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// Every conversation of an account through the seed path, in order.
pub fn seed_list(sandbox: &Sandbox, account: &str) -> Vec<Value> {
    let (status, body) = sandbox.recent(&format!("count=100&accountId={account}"), Some(CS_KEY));
    assert_eq!(status, 200);
    let items = body["conversations"].as_array().unwrap().clone();
    assert!(
        body["total"].as_u64().unwrap() <= 100,
        "one page holds them all"
    );
    assert_eq!(items.len() as u64, body["total"].as_u64().unwrap());
    items
}

/// POST `/v1/messages/inbox` with the demo key.
pub fn inbox(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.linkup_post("/v1/messages/inbox", &body, Some(LINKUP_KEY))
}

/// Every inbox page of `size` for Titouan's session: (conversations, total_results).
pub fn walk_inbox(sandbox: &Sandbox, size: u64) -> (Vec<Value>, u64) {
    let (mut items, mut cursor, mut total) = (Vec::new(), Value::Null, 0);
    for _ in 0..500 {
        let (status, body) = inbox(
            sandbox,
            serde_json::json!({"login_token": TITOUAN_TOKEN, "total_results": size, "next_cursor": cursor}),
        );
        assert_eq!(status, 200, "{body}");
        let data = &body["data"];
        total = data["total_results"].as_u64().unwrap();
        let page = data["conversations"].as_array().unwrap();
        assert!(page.len() as u64 <= size);
        items.extend(page.iter().cloned());
        cursor = data["next_cursor"].clone();
        match &cursor {
            Value::Null => return (items, total),
            Value::String(next) => {
                assert!(
                    base64::engine::general_purpose::STANDARD
                        .decode(next)
                        .is_ok(),
                    "base64: {next}"
                );
            }
            other => panic!("next_cursor {other}"),
        }
    }
    panic!("pagination did not end ({total})");
}
