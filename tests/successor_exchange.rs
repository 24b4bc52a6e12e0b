//! The exchange over the providers' successor endpoints: it follows a same-host redirect once,
//! and filters the lists the provider cannot, walking pages without skipping or repeating.
#![cfg(not(target_arch = "wasm32"))]

mod successor_fixture;

use linkedin_inbox::{
    ConversationQuery, Cursor, ErrorCode, Exchange, HttpResponse, MessageQuery, Operation, Page,
    Provider, Step,
};
use pretty_assertions::assert_eq;
use successor_fixture::{
    cs, direct, fixture, send_of, successor_page, unread, unread_of_a_person, walk, BASE, URN,
};

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
