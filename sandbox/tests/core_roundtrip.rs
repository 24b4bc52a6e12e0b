//! The core crate's builders and parsers against the sandbox over real HTTP.

mod common;

use std::collections::HashSet;

use common::*;
use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, ErrorCode, Linkup, LoginToken, MessageKind,
    MessageQuery,
};
use serde_json::json;

fn connectsafely(sandbox: &Sandbox, key: &str) -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new(key), &sandbox.cs_base()).unwrap()
}

fn linkup(sandbox: &Sandbox, token: &str) -> Linkup {
    Linkup::with_base_url(
        ApiKey::new(LINKUP_KEY),
        LoginToken::new(token),
        &sandbox.base,
    )
    .unwrap()
}

#[test]
fn core_walks_every_conversation_once_with_filters() {
    let sandbox = Sandbox::start();
    let client = connectsafely(&sandbox, CS_KEY);
    for unread in [None, Some(true)] {
        let mut query = ConversationQuery {
            count: Some(17),
            unread,
            ..Default::default()
        };
        let mut seen = HashSet::new();
        let mut total = None;
        loop {
            let page = client
                .parse_list_conversations(
                    &query,
                    &send(&client.build_list_conversations(&query).unwrap()),
                )
                .unwrap();
            total = total.or(page.total);
            for c in &page.items {
                assert!(seen.insert(c.id.clone()), "duplicate {}", c.id);
                if unread == Some(true) {
                    assert!(!c.is_read && c.unread_count > 0);
                }
            }
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        assert_eq!(Some(seen.len() as u64), total);
    }
}

#[test]
fn core_reads_threads_by_id_and_by_profile_url() {
    let sandbox = Sandbox::start();
    let client = linkup(&sandbox, TITOUAN_TOKEN);
    let mut by_url = MessageQuery {
        profile_url: Some(DOC_PROFILE_URL.into()),
        count: Some(7),
        ..Default::default()
    };
    let mut all = Vec::new();
    loop {
        let page = client
            .parse_list_messages(
                &by_url,
                &send(&client.build_list_messages(&by_url).unwrap()),
            )
            .unwrap();
        assert_eq!(page.thread.other_member_message_count, Some(32));
        assert_eq!(page.credit_cost, 1);
        all = linkedin_inbox::merge_messages(&all, &page.items);
        match page.next_cursor {
            Some(cursor) => by_url.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(all.len(), 63);
    assert_eq!(all[0].text, "😃");
    assert_eq!(all[2].kind, MessageKind::System);
    assert!(all.windows(2).all(|w| w[0].sent_at > w[1].sent_at));

    let by_id = MessageQuery {
        conversation_id: Some(all[0].conversation_id.clone()),
        count: Some(100),
        ..Default::default()
    };
    let page = client
        .parse_list_messages(&by_id, &send(&client.build_list_messages(&by_id).unwrap()))
        .unwrap();
    assert_eq!(page.items.len(), 63);
    assert_eq!(page.next_cursor, None);
    // The documented answer names the other member's profile however the thread was opened.
    assert_eq!(page.thread.profile_url.as_deref(), Some(DOC_PROFILE_URL));
}

#[test]
fn core_maps_every_sandbox_failure_to_its_code() {
    // Three credits: LinkupAPI v1 bills the 401 and the 404 below, then one successful read.
    let sandbox = Sandbox::start_with(&["--credits", "3"]);
    let cs = connectsafely(&sandbox, CS_KEY);
    let list = |client: &ConnectSafely| {
        let query = ConversationQuery::default();
        client.parse_list_conversations(
            &query,
            &send(&client.build_list_conversations(&query).unwrap()),
        )
    };
    assert_eq!(
        list(&connectsafely(&sandbox, "wrong")).unwrap_err().code(),
        ErrorCode::Unauthorized
    );
    let faults = [
        (
            json!({"mode": "status", "status": 500, "count": 1}),
            ErrorCode::UpstreamError,
        ),
        (
            json!({"mode": "status", "status": 429, "retryAfter": 9, "count": 1}),
            ErrorCode::RateLimited,
        ),
        (
            json!({"mode": "malformed", "count": 1}),
            ErrorCode::MalformedResponse,
        ),
        (
            json!({"mode": "html", "count": 1}),
            ErrorCode::UpstreamError,
        ),
        (
            json!({"mode": "html", "status": 200, "count": 1}),
            ErrorCode::MalformedResponse,
        ),
        (
            json!({"mode": "truncated", "count": 1}),
            ErrorCode::MalformedResponse,
        ),
    ];
    for (fault, code) in faults {
        sandbox.fault(fault.clone());
        let err = list(&cs).unwrap_err();
        assert_eq!(err.code(), code, "{fault}");
        if code == ErrorCode::RateLimited {
            assert_eq!(err.retry_after_secs(), Some(9));
        }
    }
    assert!(list(&cs).is_ok());

    let read = |client: &Linkup, query: &MessageQuery| {
        client.parse_list_messages(query, &send(&client.build_list_messages(query).unwrap()))
    };
    let query = MessageQuery {
        profile_url: Some(DOC_PROFILE_URL.into()),
        count: Some(10),
        ..Default::default()
    };
    assert_eq!(
        read(&linkup(&sandbox, "expired"), &query)
            .unwrap_err()
            .code(),
        ErrorCode::Unauthorized
    );
    let nobody = MessageQuery {
        profile_url: Some("https://www.linkedin.com/in/nobody".into()),
        ..Default::default()
    };
    assert_eq!(
        read(&linkup(&sandbox, TITOUAN_TOKEN), &nobody)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert!(read(&linkup(&sandbox, TITOUAN_TOKEN), &query).is_ok());
    let err = read(&linkup(&sandbox, TITOUAN_TOKEN), &query).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InsufficientCredits);
    let printed = format!("{err} {err:?}");
    assert!(!printed.contains(TITOUAN_TOKEN) && !printed.contains(LINKUP_KEY));
}
