//! Pagination walks: following cursors visits every item exactly once, in order; filters
//! combine.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{json, Value};

fn walk_conversations(sandbox: &Sandbox, filters: &str, count: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..500 {
        let cursor_param = cursor
            .as_deref()
            .map(|c| format!("&nextCursor={}", urlencode(c)))
            .unwrap_or_default();
        let (status, body) = sandbox.recent(
            &format!("count={count}{filters}{cursor_param}"),
            Some(CS_KEY),
        );
        assert_eq!(status, 200, "{body}");
        let page = body["conversations"].as_array().unwrap();
        assert!(page.len() <= count);
        items.extend(page.iter().cloned());
        match body.get("nextCursor").and_then(Value::as_str) {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
    panic!("pagination did not end");
}

fn urlencode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|c| c["conversationUrn"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn conversation_walks_visit_each_once_in_order_for_many_page_sizes() {
    let sandbox = Sandbox::start_with(&["--daily-limit", "100000"]);
    let (_, first) = sandbox.recent("count=100", Some(CS_KEY));
    let total = first["total"].as_u64().unwrap() as usize;
    assert!(total >= 60);
    let reference = walk_conversations(&sandbox, "", 100);
    assert_eq!(reference.len(), total);
    let activity: Vec<i64> = reference
        .iter()
        .map(|c| c["lastActivityAt"].as_i64().unwrap())
        .collect();
    assert!(activity.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for count in [1, 2, 3, 7, 10, 19, 20, 33, 64, 99, 100] {
        let walked = walk_conversations(&sandbox, "", count);
        assert_eq!(ids(&walked), ids(&reference), "page size {count}");
        assert_eq!(
            ids(&walked).into_iter().collect::<HashSet<_>>().len(),
            total
        );
    }
}

#[test]
fn filters_select_and_combine() {
    let sandbox = Sandbox::start_with(&["--daily-limit", "100000"]);
    let all = walk_conversations(&sandbox, "", 100);
    let unread = walk_conversations(&sandbox, "&read=false", 7);
    let read = walk_conversations(&sandbox, "&read=true", 100);
    assert!(!unread.is_empty() && !read.is_empty());
    assert!(unread
        .iter()
        .all(|c| c["isRead"] == false && c["unreadCount"].as_u64().unwrap() > 0));
    assert!(read.iter().all(|c| c["isRead"] == true));
    assert_eq!(unread.len() + read.len(), all.len());

    let john = walk_conversations(&sandbox, "&keywords=JOHN%20doe", 5);
    assert!(john
        .iter()
        .any(|c| c["participants"][0]["name"] == "John Doe"));
    let named_john = all
        .iter()
        .filter(|c| {
            c["participants"].as_array().unwrap().iter().any(|p| {
                p["name"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("john doe")
            })
        })
        .count();
    assert!(john.len() >= named_john);

    let hello = walk_conversations(&sandbox, "&keywords=hello", 100);
    let hello_unread = walk_conversations(&sandbox, "&keywords=hello&read=false", 3);
    let expected: Vec<String> = ids(&hello)
        .into_iter()
        .filter(|id| ids(&unread).contains(id))
        .collect();
    assert_eq!(ids(&hello_unread), expected, "keywords AND read");
    let (_, body) = sandbox.recent("keywords=hello&read=false&count=1", Some(CS_KEY));
    assert_eq!(body["total"].as_u64().unwrap() as usize, expected.len());
    let (_, none) = sandbox.recent("keywords=zzzz-no-such-text", Some(CS_KEY));
    assert_eq!(
        (
            none["total"].as_u64(),
            none["conversations"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
}

fn walk_messages(sandbox: &Sandbox, conversation_id: &str, size: u64) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = Value::Null;
    for _ in 0..1000 {
        let body = json!({"conversation_id": conversation_id, "total_results": size, "cursor": cursor, "login_token": "demo-login-token-alex"});
        let (status, page) = sandbox.conversation(&body, Some(LINKUP_KEY));
        assert_eq!(status, 200, "{page}");
        let messages = page["data"]["messages"].as_array().unwrap();
        assert!(messages.len() as u64 <= size);
        assert_eq!(
            page["data"]["pagination"]["count"].as_u64(),
            Some(messages.len() as u64)
        );
        items.extend(messages.iter().cloned());
        if page["data"]["pagination"]["has_next_page"] == false {
            assert!(page["data"]["pagination"]["next_cursor"].is_null());
            return items;
        }
        let next = page["data"]["pagination"]["next_cursor"].clone();
        assert_eq!(
            next.as_str().unwrap(),
            messages.last().unwrap()["timestamp"].to_string(),
            "cursor = timestamp of the last message"
        );
        cursor = next;
    }
    panic!("pagination did not end");
}

#[test]
fn message_walks_visit_each_once_newest_first_for_many_page_sizes() {
    let sandbox = Sandbox::start();
    let (_, list) = sandbox.recent("count=5", Some(CS_KEY));
    for conversation in list["conversations"].as_array().unwrap().iter().take(3) {
        let id = conversation["conversationUrn"].as_str().unwrap();
        let reference = walk_messages(&sandbox, id, 1000);
        assert!(
            (10..=300).contains(&reference.len()) || id.contains("2-ODFk"),
            "{}",
            reference.len()
        );
        let stamps: Vec<i64> = reference
            .iter()
            .map(|m| m["timestamp"].as_i64().unwrap())
            .collect();
        assert!(
            stamps.windows(2).all(|w| w[0] > w[1]),
            "strictly newest first"
        );
        assert_eq!(
            reference[0]["entity_urn"],
            conversation["latestMessage"]["messageUrn"]
        );
        for size in [1, 3, 10, 17, 50, 100] {
            let walked = walk_messages(&sandbox, id, size);
            let walked_ids: Vec<_> = walked.iter().map(|m| m["entity_urn"].clone()).collect();
            let reference_ids: Vec<_> = reference.iter().map(|m| m["entity_urn"].clone()).collect();
            assert_eq!(walked_ids, reference_ids, "page size {size}");
        }
    }
}

#[test]
fn demo_data_is_rich_and_deterministic() {
    let first = Sandbox::start();
    let second = Sandbox::start();
    let (_, a) = first.recent("count=100&accountId=6a7b8c9d0e1f2a3b4c5d6e7f", Some(CS_KEY));
    let (_, b) = second.recent("count=100&accountId=6a7b8c9d0e1f2a3b4c5d6e7f", Some(CS_KEY));
    assert_eq!(a, b, "same seed, same data");
    let text = a.to_string();
    assert!(a["total"].as_u64().unwrap() >= 60);
    for distance in ["DISTANCE_1", "DISTANCE_2", "DISTANCE_3", "OUT_OF_NETWORK"] {
        assert!(text.contains(distance), "{distance}");
    }
    assert!(
        text.contains("?e=1735689600") && text.contains("?e=1893456000"),
        "expired and valid pictures"
    );
    assert!(text.contains("\"profilePicture\":null") && text.contains("\"headline\":null"));
    assert!(
        text.chars()
            .any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)
                || ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        "non-Latin text"
    );
    assert!(text.contains("\"isRead\":false"));
    let stamps: Vec<i64> = a["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["lastActivityAt"].as_i64().unwrap())
        .collect();
    assert!(
        stamps[0] - stamps[stamps.len() - 1] > 60 * 86_400_000,
        "spread over months"
    );
}
