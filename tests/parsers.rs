//! Parsers over fixture files: the documented examples verbatim, and edge cases.
#![cfg(not(target_arch = "wasm32"))]

use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, Cursor, HttpResponse, Linkup, LoginToken,
    MessageKind, MessageQuery, NetworkDistance, Provider,
};
use pretty_assertions::assert_eq;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn conversations(name: &str) -> linkedin_inbox::ConversationPage {
    let client = ConnectSafely::new(ApiKey::new("k")).unwrap();
    client
        .parse_list_conversations(
            &ConversationQuery::default(),
            &HttpResponse::new(200, fixture(name)),
        )
        .unwrap()
}

fn messages(query: &MessageQuery, name: &str) -> linkedin_inbox::MessagePage {
    let client = Linkup::new(ApiKey::new("k"), LoginToken::new("t")).unwrap();
    client
        .parse_list_messages(query, &HttpResponse::new(200, fixture(name)))
        .unwrap()
}

fn by_id(id: &str) -> MessageQuery {
    MessageQuery {
        conversation_id: Some(id.into()),
        ..Default::default()
    }
}

#[test]
fn the_documented_recent_messages_example_parses_field_by_field() {
    let page = conversations("connectsafely_200.json");
    assert_eq!(page.account_id.as_deref(), Some("696ce9e780e0483585e4e553"));
    assert_eq!(
        page.owner_profile_urn.as_deref(),
        Some("urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio")
    );
    assert_eq!((page.total, page.next_cursor.as_deref()), (None, None));
    let expected = serde_json::json!([{
        "id": "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==",
        "urn": "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==)",
        "provider": "connectsafely",
        "threadId": "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==",
        "backendUrn": "urn:li:messagingThread:2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==",
        "url": "https://www.linkedin.com/messaging/thread/2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==/",
        "participants": [{
            "profileId": "ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU",
            "name": "John Doe",
            "headline": "Software Engineer at Tech Company",
            "profileUrl": "https://www.linkedin.com/in/ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU",
            "pictureUrl": "https://media.licdn.com/dms/image/...",
            "pictureExpiresAt": null,
            "distance": "first",
            "rawDistance": "DISTANCE_1",
            "memberBadgeType": null,
            "participantUrn": "urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU",
            "backendUrn": "urn:li:member:883467181",
            "hostIdentityUrn": "urn:li:fsd_profile:ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU"
        }],
        "unreadCount": 0,
        "isRead": true,
        "lastActivityAt": 1771950346603i64,
        "createdAt": 1771317337868i64,
        "lastReadAt": 1771950726332i64,
        "state": null,
        "latestMessage": {
            "id": "urn:li:msg_message:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=)",
            "backendUrn": "urn:li:messagingMessage:2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=",
            "text": "Hello, how are you?",
            "sentAt": 1771950346603i64,
            "senderName": "John Doe",
            "senderProfileUrl": "https://www.linkedin.com/in/ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU",
            "senderUrn": "urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU",
            "fromSelf": false,
            "hasAttachment": false
        }
    }]);
    assert_eq!(serde_json::to_value(&page.items).unwrap(), expected);
}

#[test]
fn edge_conversations_keep_unknown_values_and_tolerate_nulls() {
    let page = conversations("connectsafely_edge.json");
    assert_eq!(page.total, Some(2));
    let cursor = Cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        (cursor.provider, cursor.upstream.as_str()),
        (Provider::ConnectSafely, "Y3Vyc29yLTI=")
    );
    let rtl = &page.items[0];
    let person = &rtl.participants[0];
    assert_eq!(person.name, "مريم الحسن");
    assert_eq!(
        (person.headline.as_deref(), person.picture_url.as_deref()),
        (None, None)
    );
    assert_eq!(person.distance, Some(NetworkDistance::Other));
    assert_eq!(person.raw_distance.as_deref(), Some("DISTANCE_4_NEW"));
    assert_eq!(person.member_badge_type.as_deref(), Some("PREMIUM"));
    assert_eq!(
        (rtl.unread_count, rtl.is_read, rtl.state.as_deref()),
        (3, false, Some("ARCHIVED"))
    );
    let latest = rtl.latest_message.as_ref().unwrap();
    assert_eq!(latest.text, "שלום 👋🏽 — مرحبا");
    assert!(latest.from_self, "the owner's URN sent it");
    assert!(latest.has_attachment);
    let bare = &page.items[1];
    assert_eq!(bare.thread_id, "2-NOPARTS");
    assert!(bare.participants.is_empty() && bare.latest_message.is_none());
    assert_eq!((bare.unread_count, bare.is_read), (0, true));
}

#[test]
fn an_empty_inbox_is_an_empty_last_page() {
    let page = conversations("connectsafely_empty.json");
    assert!(page.items.is_empty());
    assert_eq!((page.total, page.next_cursor), (Some(0), None));
}

#[test]
fn the_documented_conversation_example_parses_field_by_field() {
    let urn = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)";
    let page = messages(&by_id(urn), "linkup_200.json");
    let thread_id = "2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==";
    assert_eq!(
        (
            page.thread.conversation_id.as_str(),
            page.thread.urn.as_deref()
        ),
        (thread_id, Some(urn))
    );
    assert_eq!(
        page.thread.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/")
    );
    assert_eq!(
        (page.total, page.thread.other_member_message_count),
        (Some(5), Some(32))
    );
    assert_eq!(
        (
            page.thread.unread_count,
            page.thread.last_message_seen,
            page.thread.last_seen_at
        ),
        (0, true, Some(1749403535456))
    );
    let texts: Vec<_> = page
        .items
        .iter()
        .map(|m| (m.text.as_str(), m.sent_at, m.kind))
        .collect();
    assert_eq!(
        texts,
        [
            ("😃", 1745270025236, MessageKind::Text),
            ("hello", 1745267779513, MessageKind::Text),
            ("", 1745266498889, MessageKind::System)
        ]
    );
    let sender = &page.items[1].sender;
    assert_eq!(
        (
            sender.name.as_str(),
            sender.first_name.as_deref(),
            sender.last_name.as_deref()
        ),
        ("Alés Préw", Some("Alés"), Some("Préw"))
    );
    assert!(page.items.iter().all(|m| m.conversation_id == thread_id));
    assert_eq!(page.credit_cost, 1);
    let cursor = Cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        (cursor.provider, cursor.upstream.as_str()),
        (Provider::Linkup, "1745266498889")
    );
}

#[test]
fn edge_messages_are_deduplicated_sorted_and_unknown_kinds_kept() {
    let page = messages(&by_id("2-EDGE"), "linkup_edge.json");
    let ids: Vec<_> = page
        .items
        .iter()
        .map(|m| m.id.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["newest)", "system)", "poll)", "older)"]);
    assert_eq!(page.items[0].text, "✨ مرحبا 🎉");
    assert_eq!(
        page.items[0].sender.name, "Ana Lima",
        "name rebuilt from sender_info when `sender` is empty"
    );
    assert_eq!(
        (page.items[2].kind, page.items[2].raw_kind.as_str()),
        (MessageKind::Other, "POLL_V2")
    );
    assert_eq!(page.items[1].kind, MessageKind::System);
    assert_eq!(page.next_cursor, None, "has_next_page: false ends the walk");
    assert_eq!(
        (
            page.thread.unread_count,
            page.thread.last_message_seen,
            page.thread.last_seen_at
        ),
        (2, false, None)
    );
    assert_eq!(page.thread.profile_url, None);
}

#[test]
fn missing_optional_blocks_and_numeric_cursors_are_tolerated() {
    let page = messages(&by_id("2-X"), "linkup_no_pagination.json");
    assert!(page.items.is_empty());
    assert_eq!(
        (page.next_cursor, page.thread.conversation_id.as_str()),
        (None, "2-X")
    );
    let numeric = messages(&by_id("2-N"), "linkup_numeric_cursor.json");
    assert_eq!(
        Cursor::decode(&numeric.next_cursor.unwrap())
            .unwrap()
            .upstream,
        "1745266498889"
    );
}

#[test]
fn model_json_round_trips() {
    let page = conversations("connectsafely_edge.json");
    let text = serde_json::to_string(&page).unwrap();
    assert_eq!(
        serde_json::from_str::<linkedin_inbox::ConversationPage>(&text).unwrap(),
        page
    );
    let page = messages(&by_id("2-EDGE"), "linkup_edge.json");
    let text = serde_json::to_string(&page).unwrap();
    assert_eq!(
        serde_json::from_str::<linkedin_inbox::MessagePage>(&text).unwrap(),
        page
    );
}

#[test]
fn picture_expiry_and_expired_check_take_now_as_an_argument() {
    let body = fixture("connectsafely_200.json").replace(
        "https://media.licdn.com/dms/image/...",
        "https://media.licdn.com/dms/image/p?e=1800000000&v=beta&t=x",
    );
    let client = ConnectSafely::new(ApiKey::new("k")).unwrap();
    let page = client
        .parse_list_conversations(&ConversationQuery::default(), &HttpResponse::new(200, body))
        .unwrap();
    let person = &page.items[0].participants[0];
    assert_eq!(person.picture_expires_at, Some(1_800_000_000_000));
    assert!(!person.picture_expired(1_799_999_999_999));
    assert!(person.picture_expired(1_800_000_000_000));
}

#[test]
fn unread_is_unread_messages_or_not_marked_read() {
    let page = conversations("connectsafely_200.json");
    let mut conversation = page.items[0].clone();
    for (unread_count, is_read, unread) in [
        (0, true, false),
        (0, false, true),
        (2, true, true),
        (2, false, true),
    ] {
        conversation.unread_count = unread_count;
        conversation.is_read = is_read;
        assert_eq!(
            conversation.is_unread(),
            unread,
            "{unread_count} unread, read: {is_read}"
        );
    }
}
