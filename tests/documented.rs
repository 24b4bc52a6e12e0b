//! LinkupAPI: every documented response example (`tests/fixtures/documented/`, sources in its
//! `SOURCES.md`) through the core's public parsers, with both forms of every disputed field.
//! ConnectSafely's examples are in `documented_connectsafely.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod documented_fixture;

use documented_fixture::documented;
use linkedin_inbox::{
    message_id, parse_iso8601, ApiKey, ConversationQuery, Cursor, Draft, ErrorCode, HttpResponse,
    Linkup, LoginToken, MessagePage, MessageQuery,
};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

const BASE: &str = "http://127.0.0.1:9";
/// The conversation of the v1 `/messages/conversation` example.
const V1_THREAD: &str = "2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==";
const V1_URN: &str = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)";
const PROFILE: &str = "https://www.linkedin.com/in/jane-doe-42/";

fn ok(body: &Value) -> HttpResponse {
    HttpResponse::new(200, body.to_string())
}

fn lk_v1() -> Linkup {
    Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at"), BASE).unwrap()
}

fn lk_v2() -> Linkup {
    Linkup::v2(ApiKey::new("lk-key"), "lk_acc_1", BASE).unwrap()
}

fn by_id(id: &str) -> MessageQuery {
    MessageQuery {
        conversation_id: Some(id.into()),
        ..Default::default()
    }
}

fn by_profile(url: &str) -> MessageQuery {
    MessageQuery {
        profile_url: Some(url.into()),
        ..Default::default()
    }
}

fn upstream(cursor: Option<&str>) -> Option<String> {
    cursor.map(|c| Cursor::decode(c).unwrap().upstream)
}

fn v2_thread(query: &MessageQuery, body: &Value) -> MessagePage {
    lk_v2().parse_list_messages(query, &ok(body)).unwrap()
}

#[test]
fn c1_the_documented_inboxes_read_unread_as_the_integer_they_show() {
    let current = lk_v1()
        .parse_inbox(
            &ConversationQuery::default(),
            &ok(&documented("linkup_v1_inbox_200.json")),
        )
        .unwrap();
    let row = &current.items[0];
    assert_eq!(
        (row.id.as_str(), row.unread_count, row.is_read),
        (
            "2-M2ZkODhkZjYtZDI1ZC00NzE4LWFiYjgtZDY4YmUxMGMwM2NkXzEwMA==",
            0,
            true
        )
    );
    assert_eq!(
        (current.total, row.last_activity_at),
        (Some(1), Some(1_748_629_426_457))
    );
    assert_eq!(
        upstream(current.next_cursor.as_deref()).as_deref(),
        Some("REVTQ0VORElORyYxNzQ4NjI5NDI2NDU3JjItTTJaa09EaGtaall0WkRJMVpDMBOekU0TFdGaVlqZ3RaRFk0WW1VeE1HTXdNMk5rWHpFd01BPT0=")
    );
    assert_eq!(
        row.latest_message.as_ref().unwrap().sender_name.as_deref(),
        Some("Titouan Prioux")
    );

    let older = lk_v1()
        .parse_inbox(
            &ConversationQuery::default(),
            &ok(&documented("linkup_v1_inbox_200_older.json")),
        )
        .unwrap();
    let row = &older.items[0];
    assert_eq!(
        (row.id.as_str(), row.unread_count, row.is_read),
        ("urn:li:conversation:123456789", 1, false)
    );
    assert_eq!(older.next_cursor, None);

    let v2 = lk_v2()
        .parse_inbox(
            &ConversationQuery::default(),
            &ok(&documented("linkup_v2_list_inbox_200.json")),
        )
        .unwrap();
    let row = &v2.items[0];
    assert_eq!(
        (row.id.as_str(), row.unread_count, row.is_read),
        (
            "2-MDZiY2ExOTgtM2NjNy00OTU4LTgyNjUtZWFlMmIwZjM1NTlmXzEwMA==",
            0,
            true
        )
    );
    assert_eq!((v2.credit_cost, v2.total), (1, Some(1)));
    assert!(v2.next_cursor.is_some());
    assert!(!row.latest_message.as_ref().unwrap().from_self);
}

#[test]
fn c1_unread_and_is_me_are_read_as_integers_and_as_booleans() {
    for (unread, count) in [
        (json!(0), 0),
        (json!(1), 1),
        (json!(false), 0),
        (json!(true), 1),
        (json!(null), 0),
    ] {
        let mut body = documented("linkup_v2_list_inbox_200.json");
        body["data"]["conversations"][0]["unread"] = unread.clone();
        body["data"]["conversations"][0]["last_message"]["sender"]["is_me"] = json!(1);
        let page = lk_v2()
            .parse_inbox(&ConversationQuery::default(), &ok(&body))
            .unwrap();
        let row = &page.items[0];
        assert_eq!(
            (row.unread_count, row.is_read),
            (count, count == 0),
            "{unread}"
        );
        assert!(row.latest_message.as_ref().unwrap().from_self);
    }
}

#[test]
fn the_documented_v1_thread_pages_with_has_next_page_and_its_cursor() {
    let page = lk_v1()
        .parse_list_messages(
            &by_id(V1_URN),
            &ok(&documented("linkup_v1_conversation_200.json")),
        )
        .unwrap();
    assert_eq!(
        (page.thread.conversation_id.as_str(), page.total),
        (V1_THREAD, Some(5))
    );
    assert_eq!(page.thread.urn.as_deref(), Some(V1_URN));
    assert_eq!(
        upstream(page.next_cursor.as_deref()).as_deref(),
        Some("1745266498889")
    );
    assert_eq!(page.items.len(), 3);
    assert!(page.items.iter().all(|m| m.conversation_id == V1_THREAD));
}

#[test]
fn c3_the_documented_v2_thread_pages_on_next_cursor_alone() {
    let body = documented("linkup_v2_get_conversation_200.json");
    let page = v2_thread(&by_id(V1_URN), &body);
    assert_eq!(
        upstream(page.next_cursor.as_deref()).as_deref(),
        Some("1777146285823")
    );
    assert_eq!((page.credit_cost, page.thread.unread_count), (1, 0));
    assert!(page.thread.last_message_seen);
    assert_eq!(page.thread.last_seen_at, Some(1_777_147_641_366));
    // An explicit `has_next_page` still decides, either way.
    for (has_next_page, expected) in [(false, None), (true, Some("1777146285823"))] {
        let mut body = body.clone();
        body["data"]["has_next_page"] = json!(has_next_page);
        let page = v2_thread(&by_id(V1_URN), &body);
        assert_eq!(
            upstream(page.next_cursor.as_deref()).as_deref(),
            expected,
            "{has_next_page}"
        );
    }
    // No cursor, an empty cursor or an empty page: the end.
    for cursor in [json!(null), json!("")] {
        let mut body = body.clone();
        body["data"]["next_cursor"] = cursor;
        assert_eq!(v2_thread(&by_id(V1_URN), &body).next_cursor, None);
    }
    let mut body = body.clone();
    body["data"]["messages"] = json!([]);
    assert_eq!(v2_thread(&by_id(V1_URN), &body).next_cursor, None);
}

#[test]
fn c12_the_v2_total_is_total_message_count_beside_total_results() {
    let body = documented("linkup_v2_get_conversation_200.json");
    assert_eq!(v2_thread(&by_id(V1_URN), &body).total, Some(55));
    let mut renamed = body.clone();
    let count = renamed["data"]
        .as_object_mut()
        .unwrap()
        .remove("total_message_count")
        .unwrap();
    renamed["data"]["total_results"] = count;
    assert_eq!(v2_thread(&by_id(V1_URN), &renamed).total, Some(55));
}

#[test]
fn c12_a_v2_thread_read_by_profile_url_is_never_keyed_by_an_empty_id() {
    // The documented example names no conversation and elides its message URNs
    // (`2-MTc3NzE0...`): the thread is keyed by the profile URL it was read by.
    let body = documented("linkup_v2_get_conversation_200.json");
    let page = v2_thread(&by_profile(PROFILE), &body);
    assert_eq!(page.thread.conversation_id, PROFILE);
    assert!(page.items.iter().all(|m| m.conversation_id == PROFILE));
    assert_eq!(page.thread.urn, None);
    // Read by conversation id (bare or URN), the thread is that id's thread.
    for id in [V1_URN, V1_THREAD] {
        assert_eq!(
            v2_thread(&by_id(id), &body).thread.conversation_id,
            V1_THREAD
        );
    }
    // Real message URNs carry their thread (`2-<base64 "…&<thread>">`, as the v1 example shows
    // beside its `conversation_id`): a thread read by profile URL is keyed by that thread.
    let v1 = documented("linkup_v1_conversation_200.json");
    let mut body = body.clone();
    body["data"]["messages"][0]["entity_urn"] = v1["data"]["messages"][0]["entity_urn"].clone();
    let page = v2_thread(&by_profile(PROFILE), &body);
    assert_eq!(page.thread.conversation_id, V1_THREAD);
    assert!(page.items.iter().all(|m| m.conversation_id == V1_THREAD));
    // An answer that does name its conversation (v1) keeps it.
    let mut named = documented("linkup_v1_conversation_200.json");
    named["data"]["conversation_id"] = json!(V1_THREAD);
    let page = lk_v1()
        .parse_list_messages(&by_profile(PROFILE), &ok(&named))
        .unwrap();
    assert_eq!(page.thread.conversation_id, V1_THREAD);
}

#[test]
fn linkup_conversation_ids_come_bare_or_as_urns() {
    let mut bare = documented("linkup_v1_inbox_200.json");
    bare["data"]["conversations"][0]["conversation_id"] =
        json!("2-M2ZkODhkZjYtZDI1ZC00NzE4LWFiYjgtZDY4YmUxMGMwM2NkXzEwMA==");
    let pages = [documented("linkup_v1_inbox_200.json"), bare].map(|body| {
        lk_v1()
            .parse_inbox(&ConversationQuery::default(), &ok(&body))
            .unwrap()
    });
    assert_eq!(pages[0].items[0].id, pages[1].items[0].id);
    assert!(pages[0].items[0].urn.is_some() && pages[1].items[0].urn.is_none());
}

#[test]
fn the_documented_sends_parse_with_their_ids_and_times() {
    let to_profile = Draft {
        profile_url: Some(PROFILE.into()),
        text: "Hi".into(),
        ..Default::default()
    };
    let v1 = lk_v1()
        .parse_send(
            &to_profile,
            &ok(&documented("linkup_v1_send_message_200.json")),
        )
        .unwrap();
    assert_eq!(
        (v1.message.conversation_id.as_str(), v1.message.sent_at),
        (
            "2-ZDYxZWIyZjUtMDQ5MS00NjJmLWJjY2ItOWFkYWVhZmM4MWFmXzEwMA==",
            1_753_696_188_256
        )
    );
    assert_eq!(
        message_id(&v1.message.id),
        "2-MTc1MzY5NjE4NzkxMmIyODM2My0xMDAmZDYxZWIyZjUtMDQ5MS00NjJmLWJjY2ItOWFkYWVhZmM4MWFmXzEwMA=="
    );
    let v2 = lk_v2()
        .parse_send(&to_profile, &ok(&documented("linkup_v2_send_200.json")))
        .unwrap();
    assert_eq!(
        (
            v2.message.id.as_str(),
            v2.message.conversation_id.as_str(),
            v2.message.sent_at,
            v2.credit_cost
        ),
        (
            "urn:li:messagingMessage:abc123",
            "2-YWJjMTIz",
            parse_iso8601("2026-03-24T12:00:00Z").unwrap(),
            1
        )
    );
    assert_eq!(message_id(&v2.message.id), "abc123");
}

#[test]
fn the_documented_v2_error_is_refused_with_its_code_and_message() {
    let body = documented("linkup_v2_error_403_invalid_api_key.json");
    let error = lk_v2()
        .parse_list_messages(&by_id(V1_URN), &HttpResponse::new(403, body.to_string()))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Unauthorized);
    assert!(
        error
            .to_string()
            .contains("The provided API key is invalid or missing"),
        "{error}"
    );
}

#[test]
fn the_documented_v2_webhook_event_holds_an_object_not_a_string() {
    // No core parser reads webhooks (the Worker does): this pins the documented shape (C8).
    let body = documented("linkup_v2_webhook_events_200.json");
    let item = &body["data"]["items"][0];
    assert_eq!(item["event_id"], "6789abcdef0123456789ab01");
    assert!(item["event"].is_object());
    assert_eq!(item["event"]["event"]["type"], "message");
}
