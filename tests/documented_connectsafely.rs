//! ConnectSafely: every documented response example (`tests/fixtures/documented/`, sources in
//! its `SOURCES.md`) through the core's public parsers, with both forms of every disputed field.
#![cfg(not(target_arch = "wasm32"))]

mod documented_fixture;

use documented_fixture::documented;
use linkedin_inbox::{
    merge_messages, message_id, ApiKey, ConnectSafely, ConversationQuery, Cursor, Draft, Error,
    ErrorCode, HttpResponse, MessageQuery,
};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

const THREAD: &str = "2-NzkzMDFlNzAtZjU2OS00MjIwLWE2ZDctYzZkMWE1ZDljZDAyXzEwMA==";
const PROFILE: &str = "https://www.linkedin.com/in/john-doe-123/";

fn respond(status: u16, body: &Value) -> HttpResponse {
    HttpResponse::new(status, body.to_string())
}

fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), "http://127.0.0.1:9/linkedin").unwrap()
}

fn urn_of_mark_seen() -> String {
    documented("connectsafely_mark_seen_200.json")["conversationUrn"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_documented_recent_messages_page_parses_and_its_two_message_ids_are_one() {
    let page = cs()
        .parse_list_conversations(
            &ConversationQuery::default(),
            &respond(200, &documented("connectsafely_recent_messages_200.json")),
        )
        .unwrap();
    let row = &page.items[0];
    assert_eq!(
        row.id,
        "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA=="
    );
    let latest = row.latest_message.as_ref().unwrap();
    // C7: `messageUrn` (msg_message) and `backendMessageUrn` (messagingMessage) are one message.
    assert_eq!(
        message_id(&latest.id),
        message_id(latest.backend_urn.as_deref().unwrap())
    );
    assert_eq!(message_id(&latest.id), "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=");
}

#[test]
fn the_documented_conversations_page_holds_a_date_placeholder_a_corrected_copy_parses() {
    let verbatim = documented("connectsafely_conversations_200.json");
    let error = cs()
        .parse_conversations(&ConversationQuery::default(), &respond(200, &verbatim))
        .unwrap_err();
    // `"lastActivityAt": "example_value"` is no date: refused as malformed, at that field.
    assert_eq!(error.code(), ErrorCode::MalformedResponse);
    assert!(error.to_string().contains("lastActivityAt"), "{error}");
    // Corrected: the date in both forms the field takes (epoch ms, ISO-8601).
    for (date, at) in [
        (json!(1_771_950_346_603i64), 1_771_950_346_603),
        (json!("2026-02-24T16:25:46.603Z"), 1_771_950_346_603),
    ] {
        let mut corrected = verbatim.clone();
        corrected["conversations"][0]["lastActivityAt"] = date;
        let page = cs()
            .parse_conversations(&ConversationQuery::default(), &respond(200, &corrected))
            .unwrap();
        let row = &page.items[0];
        assert_eq!(
            (row.id.as_str(), row.unread_count, row.last_activity_at),
            ("conv_abcdef123456", 25, Some(at))
        );
        assert_eq!(
            Cursor::decode(page.next_cursor.as_deref().unwrap())
                .unwrap()
                .upstream,
            "example_value"
        );
    }
}

#[test]
fn the_documented_thread_messages_parse_placeholders_and_all() {
    let query = MessageQuery {
        conversation_id: Some(urn_of_mark_seen()),
        ..Default::default()
    };
    let page = cs()
        .parse_thread_messages(
            &query,
            &respond(
                200,
                &documented("connectsafely_conversation_messages_200.json"),
            ),
        )
        .unwrap();
    let m = &page.items[0];
    // The example's `messageUrn` is a sentence and `sentAt` is 0: taken as they are.
    assert_eq!(
        (m.id.as_str(), m.sent_at, m.conversation_id.as_str()),
        ("Hello! I would like to connect with you.", 0, THREAD)
    );
    assert_eq!(
        m.sender.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/john-doe-123")
    );
    assert_eq!(
        Cursor::decode(page.next_cursor.as_deref().unwrap())
            .unwrap()
            .upstream,
        "example_value"
    );
}

fn corrected_send(thread_id: Option<&str>, message_urn: &str) -> Value {
    let mut body = documented("connectsafely_send_200.json");
    body["sentMessage"] = json!({
        "messageUrn": message_urn, "text": "Hello! I would like to connect with you.",
        "sentAt": 1_771_950_346_603i64, "senderProfileId": "ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio",
        "senderName": "Me", "senderPhoto": null, "isSentByOwner": true
    });
    match thread_id {
        Some(id) => body["threadId"] = json!(id),
        None => {
            body.as_object_mut().unwrap().remove("threadId");
        }
    }
    body
}

#[test]
fn c5_a_send_without_a_linkedin_thread_id_is_a_sent_message() {
    let to_profile = Draft {
        profile_url: Some(PROFILE.into()),
        text: "Hello! I would like to connect with you.".into(),
        ..Default::default()
    };
    let reply = Draft {
        conversation_id: Some(urn_of_mark_seen()),
        text: "Hello".into(),
        ..Default::default()
    };
    // The verbatim example's `sentMessage` is `{}`: no message to show, so it is refused.
    let verbatim = documented("connectsafely_send_200.json");
    let error = cs()
        .parse_send(&to_profile, &respond(200, &verbatim))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::MalformedResponse);
    let plain = "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=)";
    // Normal account (no `threadId`) and Sales Navigator (`threadId: "12345"`, not a LinkedIn
    // thread): a reply stays in the draft's conversation ...
    for thread_id in [None, Some("12345")] {
        let sent = cs()
            .parse_send(&reply, &respond(200, &corrected_send(thread_id, plain)))
            .unwrap();
        assert_eq!(sent.message.conversation_id, THREAD, "{thread_id:?}");
        // ... and a first message is keyed by the profile it went to.
        let sent = cs()
            .parse_send(
                &to_profile,
                &respond(200, &corrected_send(thread_id, plain)),
            )
            .unwrap();
        assert_eq!(sent.message.conversation_id, PROFILE, "{thread_id:?}");
        assert_eq!(sent.message.sent_at, 1_771_950_346_603);
    }
    // A `threadId` in LinkedIn's form, or a message URN that names its thread, gives the thread.
    let sent = cs()
        .parse_send(
            &to_profile,
            &respond(200, &corrected_send(Some(THREAD), plain)),
        )
        .unwrap();
    assert_eq!(sent.message.conversation_id, THREAD);
    let naming = "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-MTc1MzY5NjE4NzkxMmIyODM2My0xMDAmZDYxZWIyZjUtMDQ5MS00NjJmLWJjY2ItOWFkYWVhZmM4MWFmXzEwMA==)";
    let sent = cs()
        .parse_send(&to_profile, &respond(200, &corrected_send(None, naming)))
        .unwrap();
    assert_eq!(
        sent.message.conversation_id,
        "2-ZDYxZWIyZjUtMDQ5MS00NjJmLWJjY2ItOWFkYWVhZmM4MWFmXzEwMA=="
    );
}

#[test]
fn the_documented_mark_seen_answers_parse() {
    cs().parse_mark(&respond(
        200,
        &documented("connectsafely_mark_seen_200.json"),
    ))
    .unwrap();
    let error = cs()
        .parse_mark(&respond(
            400,
            &documented("connectsafely_mark_seen_400.json"),
        ))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::UpstreamError);
    assert!(error.to_string().contains("conversationUrn is required"));
}

#[test]
fn every_documented_error_body_gives_its_message() {
    let cases = [
        (
            400,
            documented("connectsafely_400_zod.json"),
            ErrorCode::UpstreamError,
            "ZodError: profileId: Required",
        ),
        (
            401,
            documented("connectsafely_401.json"),
            ErrorCode::Unauthorized,
            "Unauthorized - Invalid credentials",
        ),
        (
            400,
            json!({"success": false, "code": "INVALID_REQUEST", "message": "count must be <= 100"}),
            ErrorCode::UpstreamError,
            "count must be <= 100",
        ),
        (
            404,
            json!({"error": "Account not found"}),
            ErrorCode::NotFound,
            "Account not found",
        ),
    ];
    for (status, body, code, text) in cases {
        let error = cs().parse_mark(&respond(status, &body)).expect_err(text);
        assert_eq!(error.code(), code, "{body}");
        assert!(error.to_string().contains(text), "{error}");
    }
}

#[test]
fn a_lapsed_subscription_is_told_apart_from_a_bad_key_by_status_and_message() {
    // Same stable code (no new ErrorCode): a 403 with the provider's words, not a 401.
    let lapsed = cs()
        .parse_mark(&respond(
            403,
            &documented("connectsafely_403_no_subscription.json"),
        ))
        .unwrap_err();
    let bad_key = cs()
        .parse_mark(&respond(401, &documented("connectsafely_401.json")))
        .unwrap_err();
    assert_eq!(
        (lapsed.code(), bad_key.code()),
        (ErrorCode::Unauthorized, ErrorCode::Unauthorized)
    );
    match (&lapsed, &bad_key) {
        (
            Error::Unauthorized {
                status: 403,
                message,
            },
            Error::Unauthorized { status: 401, .. },
        ) => assert_eq!(message, "Trial expired or no active subscription"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn c7_a_pushed_message_and_its_fetched_form_are_one_message() {
    let event = documented("connectsafely_webhook_message_received.json");
    let data = &event["data"];
    // The documented event: `id` is `message_urn`, a `messagingMessage` URN.
    assert_eq!(data["id"], data["message_urn"]);
    assert!(data["message_urn"]
        .as_str()
        .unwrap()
        .starts_with("urn:li:messagingMessage:"));
    // The same message as a thread page shows it (`msg_message`) is kept once.
    let tail = "2-MTc3MTk1MDM0NjYwM2I5NzY0NS0xMDA=";
    let pushed = cs()
        .parse_thread_messages(
            &MessageQuery {
                conversation_id: Some(urn_of_mark_seen()),
                ..Default::default()
            },
            &respond(
                200,
                &json!({"messages": [{"messageUrn": format!("urn:li:messagingMessage:{tail}"),
                    "text": "Hey", "sentAt": 1_771_950_346_603i64}], "hasMore": false}),
            ),
        )
        .unwrap()
        .items;
    let mut fetched = pushed.clone();
    fetched[0].id = format!("urn:li:msg_message:(urn:li:fsd_profile:OWN,{tail})");
    assert_eq!(merge_messages(&pushed, &fetched).len(), 1);
    assert_eq!(message_id(&fetched[0].id), message_id(&pushed[0].id));
}
