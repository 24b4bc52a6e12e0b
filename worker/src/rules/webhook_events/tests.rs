use super::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sign(secret: &str, parts: &[&[u8]]) -> String {
    let mut mac = mac(secret);
    for part in parts {
        mac.update(part);
    }
    hex(&mac.finalize().into_bytes())
}

#[test]
fn connectsafely_signatures_verify_over_the_raw_bytes() {
    let body = br#"{"event":"message.received"}"#;
    let good = format!("sha256={}", sign("s3cret", &[body]));
    assert!(connectsafely_signed("s3cret", body, Some(&good)));
    assert!(!connectsafely_signed("other", body, Some(&good)));
    assert!(!connectsafely_signed(
        "s3cret",
        b"{ \"event\":\"message.received\"}",
        Some(&good)
    ));
    assert!(!connectsafely_signed("s3cret", body, None));
    assert!(
        !connectsafely_signed("s3cret", body, Some(&good[7..])),
        "no scheme"
    );
    assert!(!connectsafely_signed("s3cret", body, Some("sha256=zz")));
    assert!(!connectsafely_signed(
        "s3cret",
        body,
        Some(&good[..good.len() - 2])
    ));
}

#[test]
fn linkup_signatures_bind_the_timestamp_and_refuse_skew() {
    let body = br#"{"event_id":"evt_1"}"#;
    let now = 1_800_000_000;
    let signed = |ts: u64| format!("v1={}", sign("k", &[ts.to_string().as_bytes(), b".", body]));
    let ts = now.to_string();
    assert!(linkup_signed("k", body, Some(&ts), Some(&signed(now)), now));
    assert!(linkup_signed(
        "k",
        body,
        Some(&(now - 300).to_string()),
        Some(&signed(now - 300)),
        now
    ));
    assert!(
        !linkup_signed(
            "k",
            body,
            Some(&(now - 301).to_string()),
            Some(&signed(now - 301)),
            now
        ),
        "stale"
    );
    assert!(
        !linkup_signed(
            "k",
            body,
            Some(&(now + 301).to_string()),
            Some(&signed(now + 301)),
            now
        ),
        "future"
    );
    assert!(
        !linkup_signed(
            "k",
            body,
            Some(&(now + 1).to_string()),
            Some(&signed(now)),
            now
        ),
        "another timestamp"
    );
    assert!(!linkup_signed("k", body, None, Some(&signed(now)), now));
    assert!(!linkup_signed(
        "k",
        body,
        Some("-1"),
        Some(&signed(now)),
        now
    ));
    assert!(!linkup_signed(
        "x",
        body,
        Some(&ts),
        Some(&signed(now)),
        now
    ));
}

#[test]
fn signatures_are_strict_hex() {
    let body = b"{}";
    let mut mac = mac("s");
    mac.update(body);
    let good = hex::encode(mac.finalize().into_bytes());
    assert!(connectsafely_signed(
        "s",
        body,
        Some(&format!("sha256={good}"))
    ));
    let signed_pair = format!("sha256=+{}", &good[1..]);
    assert!(!connectsafely_signed("s", body, Some(&signed_pair)));
    assert!(!connectsafely_signed(
        "s",
        body,
        Some(&format!("sha256={}", &good[..62]))
    ));
    assert!(!connectsafely_signed(
        "s",
        body,
        Some(&format!("sha256={good}00"))
    ));
}

#[test]
fn a_connectsafely_message_is_read_as_untrusted_input() {
    let body = br#"{"event":"message.received","object":"event","data":{"id":"evt","message_urn":"urn:li:msg_message:1","account_id":"acc","provider":"LINKEDIN","sender":{"id":"ACoAAB","name":"Sam <b>","profile_url":"https://www.linkedin.com/in/sam/","profile_picture":"javascript:alert(1)"},"body":"Hi","timestamp":"2026-11-24T10:00:00Z","conversation_id":"urn:li:messagingThread:2-abc=","attachments":[{}]}}"#;
    let ConnectSafelyPush::Message(pushed) = connectsafely_event(body).unwrap() else {
        panic!("a message")
    };
    assert_eq!(pushed.message.conversation_id, "2-abc=");
    assert_eq!(pushed.message.sent_at, 1_795_514_400_000);
    assert_eq!(pushed.sender_picture, None, "only https pictures");
    assert!(pushed.has_attachment);
    assert!(pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAB")));
    assert!(!pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAX")));
    assert!(!pushed.sent_by_owner(None));
    let seed = pushed.new_conversation(false);
    assert_eq!(seed.participants[0].name, "Sam <b>");
    assert_eq!(
        connectsafely_event(br#"{"event":"message.read","data":null}"#).unwrap(),
        ConnectSafelyPush::Ignored
    );
    assert_eq!(
        connectsafely_event(br#"{"event":"connection.accepted","data":{"profile":{"id":"x"}}}"#)
            .unwrap(),
        ConnectSafelyPush::Ignored,
        "another event's data is not a message's"
    );
    for bad in [
        &br#"{"event":"message.received","data":{"message_urn":"u","timestamp":"x","conversation_id":"urn:li:messagingThread:2-a"}}"#[..],
        br#"{"event":"message.received","data":{"message_urn":"u","timestamp":1,"conversation_id":"nothing"}}"#,
        br#"{"event":"message.received","data":{"message_urn":"","timestamp":1,"conversation_id":"2-a"}}"#,
        b"[]",
    ] {
        assert!(connectsafely_event(bad).is_err(), "{}", String::from_utf8_lossy(bad));
    }
}

/// ConnectSafely documents `sender.id` as a URN (connectsafely.ai/docs/webhooks/events,
/// `../shared/provider-contracts.md` C6) and `profile_url` as possibly null; a bare id is
/// read too. Either way the URN is not prefixed twice and the profile id is bare.
#[test]
fn a_connectsafely_sender_is_a_urn_or_a_bare_id() {
    let event = |id: &str| {
        format!(
            r#"{{"event":"message.received","object":"event","data":{{"id":"urn:li:messagingMessage:2-X","message_urn":"urn:li:messagingMessage:2-X","account_id":"65fa","provider":"LINKEDIN","sender":{{"id":"{id}","name":"Jane","profile_url":null,"profile_picture":null}},"body":"Hi","timestamp":"2026-11-24T10:00:00Z","conversation_id":"urn:li:messagingThread:2-abc","attachments":[]}}}}"#
        )
    };
    for id in ["urn:li:fsd_profile:ACoAAJane", "ACoAAJane"] {
        let ConnectSafelyPush::Message(pushed) =
            connectsafely_event(event(id).as_bytes()).unwrap_or_else(|e| panic!("{id}: {e}"))
        else {
            panic!("a message")
        };
        assert_eq!(pushed.sender_id.as_deref(), Some("ACoAAJane"), "{id}");
        assert_eq!(
            pushed.message.sender.urn.as_deref(),
            Some("urn:li:fsd_profile:ACoAAJane"),
            "{id}"
        );
        assert_eq!(pushed.message.sender.profile_url, None);
        assert!(pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAJane")));
        assert!(!pushed.sent_by_owner(Some("urn:li:fsd_profile:ACoAAJ")));
        let seed = pushed.new_conversation(false);
        assert_eq!(seed.participants[0].profile_id, "ACoAAJane");
    }
}

#[test]
fn a_linkup_event_is_its_id() {
    assert_eq!(
        linkup_event(br#"{"event_id":"evt_9","event":"message_received"}"#).unwrap(),
        LinkupPush {
            id: "evt_9".into(),
            kind: LinkupEventKind::MessageReceived
        }
    );
    assert!(linkup_event(br#"{"event_id":""}"#).is_err());
    assert!(linkup_event(b"\"nope\"").is_err());
}

/// The v2 event in the shape docs.linkupapi.com/api-reference/v2/webhooks/events documents
/// (its keys and nesting as `../shared/provider-contracts.md` C8 lists them; our values):
/// `event` is an object holding the event's type. A string `event` is read too.
#[test]
fn a_linkup_event_of_the_documented_shape_is_read() {
    let documented = br#"{"event_id":"evt_123","event":{"account_id":"acc_1","account_name":"John Doe","event":{"type":"message","sender_name":"Jane Smith","message_text":"Hello!","sender_profile":"https://www.linkedin.com/in/jane-smith"},"timestamp":"2025-01-15T10:30:00Z"},"created_at":"2025-01-15T10:30:01Z"}"#;
    assert_eq!(linkup_event(documented).unwrap().id, "evt_123");
    for kind in ["accepted_invitation", "disconnection"] {
        let body = format!(r#"{{"event_id":"e-{kind}","event":{{"event":{{"type":"{kind}"}}}}}}"#);
        assert_eq!(
            linkup_event(body.as_bytes()).unwrap().id,
            format!("e-{kind}")
        );
    }
    // No event_id: one id per body, the same for the provider's retry of it.
    let anonymous = br#"{"event":{"event":{"type":"message"}}}"#;
    let id = linkup_event(anonymous).unwrap().id;
    assert!(id.starts_with("body:") && id.len() == 5 + 64, "{id}");
    assert_eq!(linkup_event(anonymous).unwrap().id, id);
    assert_ne!(linkup_event(br#"{"event":{}}"#).unwrap().id, id);
}

/// The documented event item (`tests/fixtures/documented/linkup_v2_webhook_events_200.json`)
/// with each documented type: `message_received` (`message` in the example),
/// `accepted_invitation`, `disconnection`.
#[test]
fn each_documented_linkup_event_type_is_read() {
    let path = format!(
        "{}/../tests/fixtures/documented/linkup_v2_webhook_events_200.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let item = &page["data"]["items"][0];
    let read = |item: &serde_json::Value| linkup_event(item.to_string().as_bytes()).unwrap();
    assert_eq!(
        read(item),
        LinkupPush {
            id: "6789abcdef0123456789ab01".into(),
            kind: LinkupEventKind::MessageReceived
        }
    );
    for (kind, read_as) in [
        ("message_received", LinkupEventKind::MessageReceived),
        ("accepted_invitation", LinkupEventKind::AcceptedInvitation),
        ("disconnection", LinkupEventKind::Disconnection),
        ("profile_viewed", LinkupEventKind::Other),
    ] {
        let mut typed = item.clone();
        typed["event"]["event"]["type"] = kind.into();
        assert_eq!(read(&typed).kind, read_as, "{kind}");
        let named = serde_json::json!({"event_id": "e", "event": kind});
        assert_eq!(read(&named).kind, read_as, "{kind} as a string");
    }
}

#[test]
fn a_connectsafely_message_carries_its_attachments_in_either_documented_form() {
    let item =
        include_str!("../../../../tests/fixtures/documented/unipile_webhook_attachments.json");
    for attachments in [item.to_owned(), format!("[{item}]")] {
        let body = format!(
            r#"{{"event":"message.received","object":"event","data":{{"message_urn":"urn:li:messagingMessage:2-X","conversation_id":"urn:li:messagingThread:2-abc","body":"","timestamp":"2026-11-24T10:00:00Z","attachments":{attachments}}}}}"#
        );
        let ConnectSafelyPush::Message(pushed) = connectsafely_event(body.as_bytes()).unwrap()
        else {
            panic!("a message")
        };
        assert!(pushed.has_attachment);
        let files = &pushed.message.attachments;
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].kind, linkedin_inbox::AttachmentKind::Image);
        assert_eq!(files[0].height, Some(150));
    }
}
