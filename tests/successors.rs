//! The endpoints the providers answer today beyond the seed contracts: ConnectSafely's
//! `/conversations` (after the seed path's 307) and thread messages, LinkupAPI's inbox and v2;
//! the exchange that follows redirects and filters lists the provider cannot.
#![cfg(not(target_arch = "wasm32"))]

use linkedin_inbox::{
    ApiKey, Backend, ConnectSafely, ConversationQuery, Cursor, ErrorCode, Exchange, HttpResponse,
    Linkup, LoginToken, MessageQuery, Operation, Page, Provider, Routes, Step,
};
use pretty_assertions::assert_eq;
use serde_json::json;

const BASE: &str = "http://127.0.0.1:9";
const THREAD: &str = "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==";
const URN: &str = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==)";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), &format!("{BASE}/linkedin")).unwrap()
}

fn lk_v1() -> Linkup {
    Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at"), BASE).unwrap()
}

fn lk_v2() -> Linkup {
    Linkup::v2(ApiKey::new("lk-key"), "lk_acc_1", BASE).unwrap()
}

fn unread() -> ConversationQuery {
    ConversationQuery {
        unread: Some(true),
        ..Default::default()
    }
}

/// Unread conversations with "person" in them: a filter the successor cannot apply (keywords),
/// matching every conversation of [`successor_page`] by its name.
fn unread_of_a_person() -> ConversationQuery {
    ConversationQuery {
        keywords: Some("person".into()),
        ..unread()
    }
}

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

fn direct(connectsafely: bool, linkup: bool) -> Backend {
    Backend::Direct {
        connectsafely: connectsafely.then(cs),
        linkup: linkup.then(lk_v1),
        account_id: None,
        routes: Routes::default(),
    }
}

fn send_of(step: Step) -> linkedin_inbox::HttpRequest {
    match step {
        Step::Send(r) | Step::Follow(r) => r,
        Step::Done(_) => panic!("expected a request"),
    }
}

#[test]
fn a_same_host_redirect_is_followed_once_and_another_host_is_refused() {
    let list = Operation::ListConversations(ConversationQuery::default());
    let (mut exchange, first) = Exchange::start(direct(true, false), list.clone()).unwrap();
    assert!(first.url.contains("/linkedin/messaging/recent-messages"));
    let moved = HttpResponse::new(307, "").with_header("Location", "/linkedin/conversations");
    let follow = exchange.receive(&moved).unwrap();
    assert!(matches!(follow, Step::Follow(_)));
    let follow = send_of(follow);
    assert_eq!(follow.url, format!("{BASE}/linkedin/conversations"));
    assert_eq!(follow.header("authorization"), Some("Bearer cs-key"));
    // A second redirect is refused (no third request).
    let again = exchange.receive(&moved).unwrap_err();
    assert_eq!(again.code(), ErrorCode::UpstreamError);
    assert!(again.to_string().contains("more than once"), "{again}");

    let (mut elsewhere, _) = Exchange::start(direct(true, false), list).unwrap();
    for location in [
        "https://evil.example/linkedin/conversations",
        "//evil.example/x",
        "http://127.0.0.1:10/x",
    ] {
        let error = elsewhere
            .receive(&HttpResponse::new(302, "").with_header("location", location))
            .unwrap_err();
        assert!(
            error.to_string().contains("another host"),
            "{location}: {error}"
        );
        assert!(
            !error.to_string().contains("evil"),
            "the Location is not echoed"
        );
    }
}

/// A successor page of `ids` (unread when the id ends in `u`), with `next` as its cursor.
fn successor_page(ids: &[&str], next: Option<&str>) -> HttpResponse {
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
fn walk(query: ConversationQuery, pages: &[HttpResponse]) -> (Vec<String>, Option<String>, u32) {
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

#[test]
fn a_list_the_provider_cannot_filter_is_filtered_here_without_skipping_or_repeating() {
    let pages = [
        successor_page(&["2-a", "2-bu", "2-c", "2-du"], Some("p2")),
        successor_page(&["2-eu", "2-f", "2-gu"], Some("p3")),
        successor_page(&["2-h", "2-iu"], None),
    ];
    let query = ConversationQuery {
        count: Some(2),
        ..unread_of_a_person()
    };
    let (first, cursor, calls) = walk(query.clone(), &pages);
    assert_eq!(first, ["2-bu", "2-du"]);
    assert_eq!(calls, 2, "the 307 and one page");
    // The page ended exactly at its last item: the next page's own cursor.
    let cursor = cursor.unwrap();
    assert_eq!(Cursor::decode(&cursor).unwrap().upstream, "p2");
    let (second, cursor, _) = walk(
        ConversationQuery {
            cursor: Some(cursor),
            ..query.clone()
        },
        &pages[1..],
    );
    assert_eq!(second, ["2-eu", "2-gu"]);
    let (third, cursor, _) = walk(
        ConversationQuery {
            cursor,
            ..query.clone()
        },
        &pages[2..],
    );
    assert_eq!((third, cursor), (vec!["2-iu".to_owned()], None));

    // Enough matches inside a page: the cursor is a position in that page.
    let one = ConversationQuery {
        count: Some(1),
        ..query
    };
    let (head, cursor, _) = walk(one.clone(), &pages);
    assert_eq!(head, ["2-bu"]);
    let inside = Cursor::decode(cursor.as_deref().unwrap()).unwrap();
    assert_eq!((inside.upstream.as_str(), inside.skip), ("", 2));
    let (next, _, _) = walk(ConversationQuery { cursor, ..one }, &pages);
    assert_eq!(next, ["2-du"]);
}

#[test]
fn keyword_filters_match_names_headlines_and_the_latest_message_case_insensitively() {
    let page = cs()
        .parse_conversations(
            &ConversationQuery::default(),
            &HttpResponse::new(200, fixture("connectsafely_conversations_200.json")),
        )
        .unwrap();
    let matching = |keywords: &str| -> Vec<String> {
        let query = ConversationQuery {
            keywords: Some(keywords.into()),
            ..Default::default()
        };
        page.items
            .iter()
            .filter(|c| query.matches(c))
            .map(|c| c.participants[0].name.clone())
            .collect()
    };
    assert_eq!(matching("john"), ["John Doe"]);
    assert_eq!(matching("TECH COMPANY"), ["John Doe"]);
    assert_eq!(matching("how are"), ["John Doe"]);
    assert_eq!(matching("zoë"), ["Zoë Ærøskøbing"]);
    assert_eq!(matching("ÆRØ"), ["Zoë Ærøskøbing"]);
    assert!(matching("nobody").is_empty());
}

#[test]
fn one_provider_serves_a_whole_inbox() {
    let linkup_only = direct(false, true);
    let list = linkup_only
        .build(&Operation::ListConversations(ConversationQuery::default()))
        .unwrap();
    assert_eq!(list.url, format!("{BASE}/v1/messages/inbox"));
    let connectsafely_only = direct(true, false);
    let thread = connectsafely_only
        .build(&Operation::ListMessages(MessageQuery {
            conversation_id: Some(URN.into()),
            ..Default::default()
        }))
        .unwrap();
    assert!(
        thread
            .url
            .contains("/linkedin/conversations/urn%3Ali%3Amsg_conversation"),
        "{}",
        thread.url
    );
    assert_eq!(
        connectsafely_only
            .provider_of(&Operation::ListMessages(MessageQuery::default()))
            .unwrap(),
        Some(Provider::ConnectSafely)
    );
}

#[test]
fn a_label_goes_straight_to_the_successor() {
    let query = ConversationQuery {
        label_id: Some("7".into()),
        unread: Some(false),
        ..Default::default()
    };
    let (mut exchange, first) =
        Exchange::start(direct(true, false), Operation::ListConversations(query)).unwrap();
    assert_eq!(
        first.url,
        format!("{BASE}/linkedin/conversations?labelId=7")
    );
    // Its page is filtered here (the successor cannot filter read-only).
    let step = exchange
        .receive(&successor_page(&["2-au", "2-b"], None))
        .unwrap();
    let Step::Done(Page::Conversations(page)) = step else {
        panic!("one page")
    };
    let ids: Vec<_> = page.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2-b"]);
}

#[test]
fn c10_unread_only_is_asked_of_the_successor_as_unread_only() {
    let request = cs().build_conversations(&unread()).unwrap();
    assert_eq!(
        request.url,
        format!("{BASE}/linkedin/conversations?unreadOnly=true")
    );
    // `unread: false` is not documented: nothing is sent for it (filtered here).
    let read_only = ConversationQuery {
        unread: Some(false),
        ..Default::default()
    };
    assert_eq!(
        cs().build_conversations(&read_only).unwrap().url,
        format!("{BASE}/linkedin/conversations")
    );
    // After the 307, our request asks for unread only and its page is the answer as it is:
    // one page, one call.
    let (mut exchange, _) =
        Exchange::start(direct(true, false), Operation::ListConversations(unread())).unwrap();
    let moved = HttpResponse::new(307, "").with_header("location", "/linkedin/conversations");
    let follow = send_of(exchange.receive(&moved).unwrap());
    assert_eq!(
        follow.url,
        format!("{BASE}/linkedin/conversations?unreadOnly=true")
    );
    let Step::Done(Page::Conversations(page)) = exchange
        .receive(&successor_page(&["2-au", "2-bu"], Some("p2")))
        .unwrap()
    else {
        panic!("one page")
    };
    assert!(page.filters_applied);
    let ids: Vec<_> = page.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2-au", "2-bu"]);
    assert_eq!(
        Cursor::decode(page.next_cursor.as_deref().unwrap())
            .unwrap()
            .upstream,
        "p2"
    );
    // A Location we did not build (another path) was asked nothing: filtered here.
    let (mut exchange, _) =
        Exchange::start(direct(true, false), Operation::ListConversations(unread())).unwrap();
    let elsewhere = HttpResponse::new(307, "").with_header("location", "/linkedin/inbox?x=1");
    let follow = send_of(exchange.receive(&elsewhere).unwrap());
    assert_eq!(follow.url, format!("{BASE}/linkedin/inbox?x=1"));
    let Step::Done(Page::Conversations(page)) = exchange
        .receive(&successor_page(&["2-au", "2-b"], None))
        .unwrap()
    else {
        panic!("one page")
    };
    let ids: Vec<_> = page.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2-au"]);
}

#[test]
fn a_moved_list_is_asked_of_the_successor_with_our_own_parameters() {
    // The Location drops the cursor: the request sent is ours, with every parameter.
    let query = ConversationQuery {
        count: Some(3),
        cursor: Some(
            Cursor {
                provider: Provider::ConnectSafely,
                fingerprint: query_fingerprint_of(&ConversationQuery::default()),
                upstream: "page-2".into(),
                skip: 0,
            }
            .encode(),
        ),
        ..Default::default()
    };
    let (mut exchange, _) =
        Exchange::start(direct(true, false), Operation::ListConversations(query)).unwrap();
    let moved = HttpResponse::new(301, "")
        .with_header("location", "HTTP://127.0.0.1:9/linkedin/conversations/");
    let follow = send_of(exchange.receive(&moved).unwrap());
    assert_eq!(
        follow.url,
        format!("{BASE}/linkedin/conversations?count=3&nextCursor=page-2")
    );
}

fn query_fingerprint_of(query: &ConversationQuery) -> String {
    let opaque = cs()
        .parse_list_conversations(
            query,
            &HttpResponse::new(
                200,
                r#"{"success":true,"conversations":[],"nextCursor":"x"}"#,
            ),
        )
        .unwrap()
        .next_cursor
        .unwrap();
    Cursor::decode(&opaque).unwrap().fingerprint
}

#[test]
fn a_walk_reads_at_most_the_page_cap_then_answers_with_a_cursor_to_go_on() {
    // Six upstream pages without a single unread conversation.
    let pages: Vec<HttpResponse> = (0..6)
        .map(|i| {
            let next = format!("p{}", i + 2);
            successor_page(&[&format!("2-r{i}")], Some(&next))
        })
        .collect();
    let (ids, cursor, calls) = walk(unread_of_a_person(), &pages);
    assert!(ids.is_empty());
    assert_eq!(
        calls as usize,
        1 + linkedin_inbox::inbox::MAX_FILTERED_PAGES as usize
    );
    let next = Cursor::decode(cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        (next.upstream.as_str(), next.skip),
        ("p6", 0),
        "it goes on after the last page read"
    );
}

#[test]
fn a_failure_mid_walk_answers_what_was_gathered_and_where_to_go_on() {
    let query = ConversationQuery {
        count: Some(5),
        ..unread_of_a_person()
    };
    let (mut exchange, _) =
        Exchange::start(direct(true, false), Operation::ListConversations(query)).unwrap();
    let moved = HttpResponse::new(307, "").with_header("location", "/linkedin/conversations");
    send_of(exchange.receive(&moved).unwrap());
    let next = exchange
        .receive(&successor_page(&["2-au", "2-b"], Some("p2")))
        .unwrap();
    assert!(matches!(next, Step::Send(_)));
    let failure = exchange
        .receive(&HttpResponse::new(500, r#"{"error":"boom"}"#))
        .unwrap_err();
    let Page::Conversations(page) = exchange.recover(failure).unwrap() else {
        panic!("a list")
    };
    let ids: Vec<_> = page.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2-au"]);
    let resume = Cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        (resume.upstream.as_str(), resume.skip),
        ("p2", 0),
        "the failed page is read again"
    );
    // A failure before anything was gathered is the error.
    let (fresh, _) =
        Exchange::start(direct(true, false), Operation::ListConversations(unread())).unwrap();
    let error = linkedin_inbox::Error::Network {
        message: "down".into(),
    };
    assert_eq!(fresh.recover(error).unwrap_err().code(), ErrorCode::Network);
}
