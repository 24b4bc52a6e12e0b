//! The endpoints the providers answer today beyond the seed contracts: ConnectSafely's
//! `/conversations` (after the seed path's 307) and thread messages, LinkupAPI's inbox and v2,
//! built and parsed exactly. The exchange that follows their redirects and filters lists the
//! provider cannot: `tests/successor_exchange.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod successor_fixture;

use linkedin_inbox::{ConversationQuery, Cursor, ErrorCode, HttpResponse, MessageQuery, Provider};
use pretty_assertions::assert_eq;
use serde_json::json;
use successor_fixture::{cs, fixture, lk_v1, lk_v2, unread, unread_of_a_person, BASE, THREAD, URN};

#[test]
fn the_successor_list_parses_both_time_forms_and_says_which_filters_it_applied() {
    let response = HttpResponse::new(200, fixture("connectsafely_conversations_200.json"));
    // C10: unread-only is the successor's `unreadOnly`; read-only and keywords it cannot do.
    assert!(
        cs().parse_conversations(&unread(), &response)
            .unwrap()
            .filters_applied
    );
    for cannot in [
        unread_of_a_person(),
        ConversationQuery {
            unread: Some(false),
            ..Default::default()
        },
    ] {
        let page = cs().parse_conversations(&cannot, &response).unwrap();
        assert!(!page.filters_applied, "{cannot:?}");
    }
    let page = cs().parse_conversations(&unread(), &response).unwrap();
    assert_eq!(page.total, None);
    assert_eq!(page.account_id.as_deref(), Some("696ce9e780e0483585e4e553"));
    let first = &page.items[0];
    assert_eq!(
        (
            first.id.as_str(),
            first.urn.as_deref(),
            first.thread_id.as_str()
        ),
        (THREAD, Some(URN), THREAD)
    );
    assert_eq!(first.last_activity_at, Some(1_771_950_346_603));
    assert_eq!(page.items[1].last_activity_at, Some(1_771_900_000_000));
    assert_eq!(
        page.items[1].latest_message.as_ref().unwrap().sent_at,
        Some(1_771_900_000_000)
    );
    assert!(!page.items[1].is_read || page.items[1].unread_count == 0);
    let cursor = Cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.upstream, "linkedin:MTc3MTkwMDAwMDAwMDoyLVFXbGg=");
    // Without filters the page is complete as it is.
    let plain = cs()
        .parse_conversations(&ConversationQuery::default(), &response)
        .unwrap();
    assert!(plain.filters_applied);
    // hasMore false: no next page, whatever nextCursor says.
    let mut body: serde_json::Value =
        serde_json::from_str(&fixture("connectsafely_conversations_200.json")).unwrap();
    body["hasMore"] = json!(false);
    let last = cs()
        .parse_conversations(&unread(), &HttpResponse::new(200, body.to_string()))
        .unwrap();
    assert_eq!(last.next_cursor, None);
}

#[test]
fn successor_builders_are_exact() {
    let query = ConversationQuery {
        account_id: Some("acct-1".into()),
        count: Some(25),
        label_id: Some("label-9".into()),
        keywords: Some("ignored upstream".into()),
        ..Default::default()
    };
    assert_eq!(
        cs().build_conversations(&query).unwrap().url,
        format!("{BASE}/linkedin/conversations?accountId=acct-1&count=25&labelId=label-9")
    );
    let thread = MessageQuery {
        conversation_id: Some(THREAD.into()),
        count: Some(30),
        since: Some(1_771_000_000_000),
        ..Default::default()
    };
    let request = cs().build_thread_messages(&thread, Some("acct-1")).unwrap();
    assert_eq!(
        request.url,
        format!("{BASE}/linkedin/conversations/urn%3Ali%3AmessagingThread%3A2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA%3D%3D/messages?accountId=acct-1&count=30&since=1771000000000")
    );
    assert_eq!(request.header("authorization"), Some("Bearer cs-key"));
    let by_profile = MessageQuery {
        profile_url: Some("https://www.linkedin.com/in/someone/".into()),
        ..Default::default()
    };
    let error = cs().build_thread_messages(&by_profile, None).unwrap_err();
    assert_eq!(error.field(), Some("profileUrl"));
    let since_on_linkup = lk_v1().build_list_messages(&thread).unwrap_err();
    assert_eq!(since_on_linkup.field(), Some("since"));
}

#[test]
fn connectsafely_thread_messages_parse_newest_first_with_a_cursor() {
    let query = MessageQuery {
        conversation_id: Some(URN.into()),
        ..Default::default()
    };
    let response = HttpResponse::new(200, fixture("connectsafely_thread_200.json"));
    let page = cs().parse_thread_messages(&query, &response).unwrap();
    assert_eq!(page.thread.conversation_id, THREAD);
    assert_eq!(page.thread.urn.as_deref(), Some(URN));
    let times: Vec<i64> = page.items.iter().map(|m| m.sent_at).collect();
    assert_eq!(times, [1_771_950_346_603, 1_771_950_000_000]);
    assert!(page.items.iter().all(|m| m.conversation_id == THREAD));
    assert_eq!(page.items[1].sender.name, "Alex");
    let next = MessageQuery {
        cursor: page.next_cursor.clone(),
        ..query.clone()
    };
    let request = cs().build_thread_messages(&next, None).unwrap();
    assert!(
        request.url.ends_with("/messages?cursor=1771950000000"),
        "{}",
        request.url
    );
}

#[test]
fn successor_errors_are_read_from_their_error_field() {
    let cases = [
        (401, "Invalid API key", ErrorCode::Unauthorized),
        (404, "LinkedIn account not found", ErrorCode::NotFound),
        (500, "Something failed", ErrorCode::UpstreamError),
    ];
    for (status, text, code) in cases {
        let body = json!({ "error": text }).to_string();
        let error = cs()
            .parse_conversations(&unread(), &HttpResponse::new(status, body))
            .unwrap_err();
        assert_eq!(error.code(), code, "{status}");
        assert!(error.to_string().contains(text), "{error}");
    }
}

#[test]
fn linkup_inbox_v1_and_v2_agree_on_ids_and_report_credits() {
    let v1 = lk_v1()
        .parse_inbox(
            &ConversationQuery::default(),
            &HttpResponse::new(200, fixture("linkup_inbox_200.json")),
        )
        .unwrap();
    let v2 = lk_v2()
        .parse_inbox(
            &ConversationQuery {
                count: Some(20),
                ..Default::default()
            },
            &HttpResponse::new(200, fixture("linkup_v2_list_inbox_200.json")),
        )
        .unwrap();
    assert_eq!(
        (v1.items[0].id.as_str(), v2.items[0].id.as_str()),
        (THREAD, THREAD)
    );
    assert_eq!(
        (v1.items[0].urn.as_deref(), v2.items[0].urn.as_deref()),
        (Some(URN), None)
    );
    assert_eq!(v1.items[0].last_activity_at, v2.items[0].last_activity_at);
    assert_eq!((v1.credit_cost, v2.credit_cost), (1, 2));
    assert!(v1.items[0].unread_count == 1 && !v1.items[0].is_read);
    assert!(v2.items[0].latest_message.as_ref().unwrap().from_self);
    assert_eq!((v1.total, v2.next_cursor), (Some(64), None));
    assert_eq!(
        Cursor::decode(v1.next_cursor.as_deref().unwrap())
            .unwrap()
            .provider,
        Provider::Linkup
    );
    let filtered = lk_v1()
        .parse_inbox(
            &unread(),
            &HttpResponse::new(200, fixture("linkup_inbox_200.json")),
        )
        .unwrap();
    assert!(!filtered.filters_applied && filtered.total.is_none());
}

#[test]
fn linkup_builders_are_exact_for_the_inbox_and_v2() {
    let query = ConversationQuery {
        count: Some(15),
        ..Default::default()
    };
    let inbox = lk_v1().build_inbox(&query).unwrap();
    assert_eq!(inbox.url, format!("{BASE}/v1/messages/inbox"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(inbox.body.as_deref().unwrap()).unwrap(),
        json!({"login_token": "li-at", "total_results": 15})
    );
    let list = lk_v2().build_inbox(&query).unwrap();
    assert_eq!(list.url, format!("{BASE}/v2/messages"));
    assert_eq!(list.header("x-api-key"), Some("lk-key"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(list.body.as_deref().unwrap()).unwrap(),
        json!({"account_id": "lk_acc_1", "action": "list_inbox", "params": {"count": 15}})
    );
    let thread = MessageQuery {
        conversation_id: Some(THREAD.into()),
        count: Some(5),
        ..Default::default()
    };
    let get = lk_v2().build_list_messages(&thread).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(get.body.as_deref().unwrap()).unwrap(),
        json!({"account_id": "lk_acc_1", "action": "get_conversation", "params": {"conversation_id": THREAD, "count": 5}})
    );
    assert!(!get.body.unwrap().contains("login_token"));
}

#[test]
fn linkup_v2_get_conversation_parses_iso_times_and_its_cursor() {
    let query = MessageQuery {
        conversation_id: Some("2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==".into()),
        ..Default::default()
    };
    let page = lk_v2()
        .parse_list_messages(
            &query,
            &HttpResponse::new(200, fixture("linkup_v2_get_conversation_200.json")),
        )
        .unwrap();
    let times: Vec<i64> = page.items.iter().map(|m| m.sent_at).collect();
    assert_eq!(times, [1_745_270_025_236, 1_745_267_779_513]);
    assert_eq!(page.thread.last_seen_at, Some(1_749_403_535_456));
    assert_eq!(page.credit_cost, 1);
    let cursor = Cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.upstream, "1745267779513");
}

#[test]
fn every_v2_error_maps_onto_our_codes() {
    let cases = [
        (403, "INVALID_API_KEY", ErrorCode::Unauthorized),
        (404, "INVALID_ACCOUNT", ErrorCode::NotFound),
        (403, "ACCOUNT_INACTIVE", ErrorCode::Unauthorized),
        (400, "INVALID_PARAMS", ErrorCode::UpstreamError),
        (429, "RATE_LIMITED", ErrorCode::RateLimited),
        (402, "INSUFFICIENT_CREDITS", ErrorCode::InsufficientCredits),
        (500, "INTERNAL_ERROR", ErrorCode::UpstreamError),
    ];
    for (status, code, expected) in cases {
        let body = json!({"success": false, "error": {"code": code, "message": format!("{code} happened")}});
        let response = HttpResponse::new(status, body.to_string());
        let list = lk_v2()
            .parse_inbox(&ConversationQuery::default(), &response)
            .unwrap_err();
        assert_eq!(list.code(), expected, "{code}");
        // A 200 that says success: false is an error too.
        let envelope = lk_v2()
            .parse_inbox(
                &ConversationQuery::default(),
                &HttpResponse::new(200, body.to_string()),
            )
            .unwrap_err();
        assert_eq!(envelope.code(), expected, "{code} in a 200");
    }
}
