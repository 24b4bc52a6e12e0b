//! Writes: sends (ConnectSafely `POST /conversations/send`, LinkupAPI v1
//! `/v1/messages/send-message` and v2 `send`) and ConnectSafely read state, built and parsed
//! exactly. Drafts validated: `tests/send_drafts.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod send_fixture;

use linkedin_inbox::{
    ApiKey, Backend, ClientToken, ConnectSafely, Draft, ErrorCode, HttpResponse, Linkup,
    MessageKind, Provider, Proxy, Routes,
};
use pretty_assertions::assert_eq;
use send_fixture::{cs, lk_v1, reply, to_profile, BASE, PROFILE, THREAD};
use serde_json::{json, Value};

fn lk_v2() -> Linkup {
    Linkup::v2(ApiKey::new("lk-key"), "lk_acc_1", BASE).unwrap()
}

fn body(request: &linkedin_inbox::HttpRequest) -> Value {
    serde_json::from_str(request.body.as_deref().unwrap()).unwrap()
}

#[test]
fn connectsafely_send_posts_the_thread_urn_and_the_trimmed_text() {
    let request = cs()
        .build_send(&reply("  Hi <b>Ana</b> 👋\nsee you  "), Some("acct-1"))
        .unwrap();
    assert_eq!(
        (request.method.as_str(), request.url.as_str()),
        ("POST", "http://127.0.0.1:9/linkedin/conversations/send")
    );
    assert_eq!(
        body(&request),
        json!({"accountId": "acct-1", "conversationUrn": format!("urn:li:messagingThread:{THREAD}"), "message": "Hi <b>Ana</b> 👋\nsee you"})
    );
    assert!(request
        .headers
        .iter()
        .any(|(k, v)| k == "authorization" && v == "Bearer cs-key"));
    assert!(request
        .headers
        .iter()
        .any(|(k, v)| k == "content-type" && v == "application/json"));
}

#[test]
fn c4_connectsafely_sends_to_a_profile_by_its_slug_or_urn_never_its_url() {
    let sent = |draft: &Draft| body(&cs().build_send(draft, None).unwrap());
    assert_eq!(
        sent(&to_profile("Hello")),
        json!({"recipientProfileId": "john-doe", "message": "Hello"})
    );
    let by_id = Draft {
        profile_url: Some("https://www.linkedin.com/in/ACoAABcdefgh123/".into()),
        ..to_profile("Hello")
    };
    assert_eq!(
        sent(&by_id),
        json!({"recipientProfileUrn": "urn:li:fsd_profile:ACoAABcdefgh123", "message": "Hello"})
    );
    let encoded = Draft {
        profile_url: Some("https://fr.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324".into()),
        ..to_profile("Hello")
    };
    assert_eq!(sent(&encoded)["recipientProfileId"], "alés-préw-aa0262324");
    // A reply: its conversation, and the other member too when the draft names them (the
    // documented example sends both).
    let with_member = Draft {
        profile_url: Some(PROFILE.into()),
        ..reply("Hello")
    };
    assert_eq!(
        sent(&with_member),
        json!({"recipientProfileId": "john-doe", "conversationUrn": format!("urn:li:messagingThread:{THREAD}"), "message": "Hello"})
    );
}

#[test]
fn connectsafely_names_a_conversation_in_the_msg_conversation_form_once_the_owner_is_known() {
    let owner = "urn:li:fsd_profile:ACoAAOwner00001";
    let full = format!("urn:li:msg_conversation:({owner},{THREAD})");
    let client = cs().with_owner_profile_urn("ACoAAOwner00001").unwrap();
    let request = client.build_send(&reply("Hi"), None).unwrap();
    assert_eq!(
        body(&request),
        json!({"conversationUrn": full, "message": "Hi"})
    );
    assert_eq!(
        body(&client.build_mark(THREAD, true, None).unwrap())["conversationUrn"],
        full.as_str()
    );
    let unread = client.build_mark(THREAD, false, None).unwrap();
    assert!(
        unread.url.contains(
            "urn%3Ali%3Amsg_conversation%3A%28urn%3Ali%3Afsd_profile%3AACoAAOwner00001%2C2-"
        ),
        "{}",
        unread.url
    );
    // A msg_conversation URN the draft names is sent as it is, owner known or not.
    let other = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAOther00001,2-OTFj)";
    for client in [cs(), client] {
        let draft = Draft {
            conversation_id: Some(other.into()),
            ..reply("Hi")
        };
        assert_eq!(
            body(&client.build_send(&draft, None).unwrap())["conversationUrn"],
            other
        );
    }
    let error = cs().with_owner_profile_urn("john-doe").unwrap_err();
    assert_eq!(error.field(), Some("ownerProfileUrn"));
}

#[test]
fn connectsafely_send_answer_becomes_the_threads_message() {
    let answer = json!({
        "success": true, "message": "Message sent", "recipientProfileUrn": "urn:li:fsd_profile:P1",
        "sentMessage": {"messageUrn": "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-MSG)", "text": "Hi <b>Ana</b> 👋",
            "sentAt": 1764000000000i64, "senderProfileId": "OWN", "senderName": "Me Myself", "senderPhoto": null, "isSentByOwner": true},
        "threadId": THREAD
    });
    let sent = cs()
        .parse_send(&reply("Hi"), &HttpResponse::new(200, answer.to_string()))
        .unwrap();
    assert_eq!(sent.credit_cost, 0);
    let m = sent.message;
    assert_eq!(
        (
            m.id.as_str(),
            m.conversation_id.as_str(),
            m.text.as_str(),
            m.sent_at,
            m.kind,
            m.sender.name.as_str()
        ),
        (
            "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-MSG)",
            THREAD,
            "Hi <b>Ana</b> 👋",
            1_764_000_000_000,
            MessageKind::Text,
            "Me Myself"
        )
    );
    // ISO time, no threadId: the draft's conversation.
    let answer = json!({"success": true, "sentMessage": {"messageUrn": "urn:li:msg_message:x", "text": "a", "sentAt": "2025-11-24T10:00:00Z"}});
    let sent = cs()
        .parse_send(&reply("a"), &HttpResponse::new(200, answer.to_string()))
        .unwrap();
    assert_eq!(
        (sent.message.conversation_id.as_str(), sent.message.sent_at),
        (THREAD, 1_763_978_400_000)
    );
    // C5: a normal account's first message answers no threadId (it is Sales-Navigator-only):
    // a sent message, keyed by the profile it was addressed to until a list sync shows its thread.
    let answer = json!({"success": true, "sentMessage": {"messageUrn": "urn:li:msg_message:x", "text": "a", "sentAt": 1}});
    let sent = cs()
        .parse_send(
            &to_profile("a"),
            &HttpResponse::new(200, answer.to_string()),
        )
        .unwrap();
    assert_eq!(sent.message.conversation_id, PROFILE);
    let limited = HttpResponse::new(429, r#"{"success":false,"message":"daily limit"}"#)
        .with_header("retry-after", "3600");
    assert_eq!(
        cs().parse_send(&reply("a"), &limited).unwrap_err().code(),
        ErrorCode::RateLimited
    );
    let refused = HttpResponse::new(200, r#"{"success":false,"message":"nope"}"#);
    assert!(cs().parse_send(&reply("a"), &refused).is_err());
}

#[test]
fn connectsafely_read_state_calls() {
    let seen = cs().build_mark(THREAD, true, Some("acct-1")).unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.url.as_str()),
        ("POST", "http://127.0.0.1:9/linkedin/messaging/mark-seen")
    );
    assert_eq!(
        body(&seen),
        json!({"accountId": "acct-1", "conversationUrn": format!("urn:li:messagingThread:{THREAD}")})
    );
    let unseen = cs().build_mark(THREAD, false, Some("acct-1")).unwrap();
    assert_eq!(unseen.method.as_str(), "PATCH");
    assert_eq!(
        unseen.url,
        "http://127.0.0.1:9/linkedin/conversations/urn%3Ali%3AmessagingThread%3A2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA%3D%3D/mark-unread?accountId=acct-1"
    );
    assert!(unseen.body.is_none());
    assert!(cs()
        .parse_mark(&HttpResponse::new(
            200,
            r#"{"success":true,"message":"ok"}"#
        ))
        .is_ok());
    assert_eq!(
        cs().parse_mark(&HttpResponse::new(
            404,
            r#"{"success":false,"message":"no"}"#
        ))
        .unwrap_err()
        .code(),
        ErrorCode::NotFound
    );
    assert!(cs().build_mark("not an id", true, None).is_err());
}

#[test]
fn connectsafely_star_calls_and_both_answer_forms() {
    // CS-mirror: `PATCH /conversations/:urn/star` and `/unstar`; no body, `?accountId` as
    // the documented sibling `mark-unread` (the rest is assumed, docs/triage.md).
    let urn = "urn%3Ali%3AmessagingThread%3A2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA%3D%3D";
    for (starred, action) in [(true, "star"), (false, "unstar")] {
        let request = cs().build_star(THREAD, starred, Some("acct-1")).unwrap();
        assert_eq!(request.method.as_str(), "PATCH");
        assert_eq!(
            request.url,
            format!("http://127.0.0.1:9/linkedin/conversations/{urn}/{action}?accountId=acct-1")
        );
        assert!(request.body.is_none());
        let bare = cs().build_star(THREAD, starred, None).unwrap();
        assert!(bare.url.ends_with(&format!("/{action}")), "{}", bare.url);
    }
    let answer = |status, body: &str| HttpResponse::new(status, body);
    // The plausible success forms: a JSON acknowledgement, a 2xx without a body or with one
    // that is not JSON.
    for ok in [
        answer(
            200,
            r#"{"success":true,"conversationUrn":"x","starred":true}"#,
        ),
        answer(200, r#"{"success":true}"#),
        answer(204, ""),
        answer(200, "OK"),
        answer(200, r#"{"isStarred":true}"#),
    ] {
        assert!(cs().parse_star(&ok, true).is_ok(), "{}", ok.body);
    }
    let refusals = [
        (
            answer(200, r#"{"success":false,"message":"no"}"#),
            ErrorCode::UpstreamError,
        ),
        (
            answer(404, r#"{"error":"Conversation not found"}"#),
            ErrorCode::NotFound,
        ),
        (
            answer(429, r#"{"success":false,"error":"slow down"}"#),
            ErrorCode::RateLimited,
        ),
        (
            answer(401, r#"{"error":"Unauthorized"}"#),
            ErrorCode::Unauthorized,
        ),
        (
            answer(200, r#"{"success":true,"isStarred":false}"#),
            ErrorCode::MalformedResponse,
        ),
    ];
    for (refusal, code) in refusals {
        let error = cs().parse_star(&refusal, true).unwrap_err();
        assert_eq!(error.code(), code, "{}", refusal.body);
        assert!(!error.to_string().contains("cs-key"));
    }
    assert!(cs().build_star("not an id", true, None).is_err());
}

#[test]
fn linkup_v1_sends_to_a_profile_only_and_reads_ms_and_urns() {
    // C2: `POST /v1/messages/send-message {linkedin_url, message_text, login_token}`, no
    // `conversation_id`: a reply goes to the conversation's other member.
    let error = lk_v1().build_send(&reply("Hello")).unwrap_err();
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::InvalidInput, Some("profileUrl"))
    );
    let with_member = Draft {
        profile_url: Some(PROFILE.into()),
        ..reply("Hello")
    };
    for draft in [with_member, to_profile("Hello")] {
        let request = lk_v1().build_send(&draft).unwrap();
        assert_eq!(
            (request.method.as_str(), request.url.as_str()),
            ("POST", "http://127.0.0.1:9/v1/messages/send-message")
        );
        assert_eq!(
            body(&request),
            json!({"linkedin_url": PROFILE, "message_text": "Hello", "login_token": "li-at-secret"})
        );
    }
    let answer = json!({"status": "success", "data": {
        "conversation_id": format!("urn:li:msg_conversation:(urn:li:fsd_profile:OWN,{THREAD})"),
        "entity_urn": "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-M)", "timestamp": 1764000000000i64, "text": "Hello"}});
    let sent = lk_v1()
        .parse_send(
            &to_profile("Hello"),
            &HttpResponse::new(200, answer.to_string()),
        )
        .unwrap();
    assert_eq!(
        (
            sent.message.conversation_id.as_str(),
            sent.message.sent_at,
            sent.credit_cost,
            sent.message.id.as_str()
        ),
        (
            THREAD,
            1_764_000_000_000,
            1,
            "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-M)"
        )
    );
}

#[test]
fn a_reply_needs_the_other_member_exactly_when_linkup_writes() {
    let direct = |connectsafely: Option<ConnectSafely>, linkup: Option<Linkup>| Backend::Direct {
        connectsafely,
        linkup,
        account_id: None,
        routes: Routes::default(),
    };
    assert!(direct(None, Some(lk_v1())).replies_need_profile_url());
    assert!(direct(None, Some(lk_v2())).replies_need_profile_url());
    assert!(!direct(Some(cs()), Some(lk_v1())).replies_need_profile_url());
    assert!(!direct(Some(cs()), None).replies_need_profile_url());
}

#[test]
fn connectsafely_writes_when_configured_else_linkup_and_the_proxy_chooses_for_itself() {
    let direct = |connectsafely: Option<ConnectSafely>, linkup: Option<Linkup>| Backend::Direct {
        connectsafely,
        linkup,
        account_id: None,
        routes: Routes::default(),
    };
    assert_eq!(
        direct(Some(cs()), Some(lk_v1())).writer(),
        Some(Provider::ConnectSafely)
    );
    assert_eq!(
        direct(Some(cs()), None).writer(),
        Some(Provider::ConnectSafely)
    );
    assert_eq!(direct(None, Some(lk_v2())).writer(), Some(Provider::Linkup));
    assert_eq!(direct(None, None).writer(), None);
    let proxy = Proxy::new("https://p.example", ClientToken::new("t")).unwrap();
    assert_eq!(Backend::Proxy(proxy).writer(), None);
    assert_eq!(
        (Provider::ConnectSafely.as_str(), Provider::Linkup.as_str()),
        ("connectsafely", "linkup")
    );
}

#[test]
fn linkup_v2_sends_to_a_profile_only_and_reads_iso_and_bare_ids() {
    let error = lk_v2().build_send(&reply("Hello")).unwrap_err();
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::InvalidInput, Some("profileUrl"))
    );
    let with_member = Draft {
        profile_url: Some(PROFILE.into()),
        ..reply("Hello")
    };
    let request = lk_v2().build_send(&with_member).unwrap();
    assert_eq!(request.url, "http://127.0.0.1:9/v2/messages");
    assert_eq!(
        body(&request),
        json!({"account_id": "lk_acc_1", "action": "send", "params": {"profile_url": PROFILE, "message_text": "Hello"}})
    );
    let answer = json!({"success": true, "data": {"entityUrn": "urn:li:msg_message:(x,2-M)", "conversation_id": THREAD,
        "deliveredAt": "2025-11-24T10:00:00.000Z", "text": "Hello"}, "metadata": {"action": "send", "credits_consumed": 1}});
    let sent = lk_v2()
        .parse_send(&with_member, &HttpResponse::new(200, answer.to_string()))
        .unwrap();
    assert_eq!(
        (sent.message.conversation_id.as_str(), sent.message.sent_at),
        (THREAD, 1_763_978_400_000)
    );
    let refused = json!({"success": false, "error": {"code": "INSUFFICIENT_CREDITS", "message": "no credits"}});
    let error = lk_v2()
        .parse_send(&with_member, &HttpResponse::new(402, refused.to_string()))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InsufficientCredits);
}
