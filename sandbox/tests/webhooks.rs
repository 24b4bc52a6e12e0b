//! Webhook delivery from `/__sandbox/simulate`: targets (`/__sandbox/webhooks`, `--webhook`),
//! the two providers' event bodies and signatures, and the delivery options (`twice`,
//! `hold`, `delayMs`, `badSignature`), against a local receiver.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{json, Value};

const CS_SECRET: &str = "cs-webhook-secret";
const LK_SECRET: &str = "lk-webhook-secret";
const JOHN_ID: &str = "ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU";

/// Registers the receiver for both providers of the documented account.
fn register_both(sandbox: &Sandbox, receiver: &Receiver) {
    for (provider, path, secret) in [
        ("connectsafely", "/cs", CS_SECRET),
        ("linkup", "/lk", LK_SECRET),
    ] {
        let body = json!({"provider": provider, "account": DOC_ACCOUNT, "url": receiver.url(path), "secret": secret});
        let (status, answer) = sandbox.control_status("POST", "webhooks", Some(&body.to_string()));
        assert_eq!(status, 200, "{answer}");
    }
}

fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn targets_are_listed_without_secrets_replaced_and_cleared() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let replacement = json!({"provider": "connectsafely", "account": format!("lk_acc_{DOC_ACCOUNT}"),
        "url": receiver.url("/cs2"), "secret": "other"});
    let (status, _) = sandbox.control_status("POST", "webhooks", Some(&replacement.to_string()));
    assert_eq!(status, 200);
    let (status, listed) = sandbox.control_status("GET", "webhooks", None);
    assert_eq!(status, 200);
    assert_eq!(
        listed,
        json!({"webhooks": [
            {"provider": "linkup", "account": DOC_ACCOUNT, "url": receiver.url("/lk")},
            {"provider": "connectsafely", "account": DOC_ACCOUNT, "url": receiver.url("/cs2")},
        ]})
    );
    assert!(!listed.to_string().contains("secret"));
    let (status, cleared) = sandbox.control_status("DELETE", "webhooks", None);
    assert_eq!((status, cleared), (200, json!({"webhooks": []})));
}

#[test]
fn bad_registrations_are_400_naming_the_problem() {
    let sandbox = Sandbox::start();
    let target = |provider: &str, account: &str, url: &str, secret: &str| {
        json!({"provider": provider, "account": account, "url": url, "secret": secret}).to_string()
    };
    let cases = [
        (
            target("connectsafely", DOC_ACCOUNT, "https://127.0.0.1:1/", "s"),
            "http",
        ),
        (
            target("connectsafely", DOC_ACCOUNT, "ftp://127.0.0.1/", "s"),
            "http://",
        ),
        (
            target("connectsafely", DOC_ACCOUNT, "127.0.0.1:8787/x", "s"),
            "http://",
        ),
        (
            target("linkup", DOC_ACCOUNT, "http://127.0.0.1:99999/", "s"),
            "port",
        ),
        (
            target("linkup", "nobody", "http://127.0.0.1:1/", "s"),
            "unknown account",
        ),
        (
            target("linkup", DOC_ACCOUNT, "http://127.0.0.1:1/", ""),
            "secret",
        ),
        (
            target("unipile", DOC_ACCOUNT, "http://127.0.0.1:1/", "s"),
            "provider",
        ),
        (
            json!({"provider": "linkup", "account": DOC_ACCOUNT, "url": "http://127.0.0.1:1/"})
                .to_string(),
            "secret",
        ),
        ("not json".to_owned(), "bad webhook"),
    ];
    for (body, expected) in cases {
        let (status, answer) = sandbox.control_status("POST", "webhooks", Some(&body));
        assert_eq!(status, 400, "{body}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains(expected), "{body}: {error}");
    }
    assert_eq!(
        sandbox.control_status("GET", "webhooks", None).1,
        json!({"webhooks": []})
    );
}

#[test]
fn a_simulated_message_is_delivered_to_both_providers_signed() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let (status, answer) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "Are you free at 3?"}),
    );
    assert_eq!(status, 200, "{answer}");
    let urn = answer["message"]["messageUrn"].as_str().unwrap();
    let sent_at = answer["message"]["sentAt"].as_i64().unwrap();
    let got = receiver.wait_for(2);
    assert_eq!(got.len(), 2);
    let (cs, lk) = (&got[0], &got[1]);

    assert_eq!(cs.path, "/cs");
    assert_eq!(cs.header("content-type"), Some("application/json"));
    assert!(cs.cs_signed_with(CS_SECRET));
    let event = cs.json();
    assert_eq!(keys(&event), ["event", "object", "data"]);
    assert_eq!(
        (&event["event"], &event["object"]),
        (&json!("message.received"), &json!("event"))
    );
    let data = &event["data"];
    assert_eq!(
        keys(data),
        [
            "id",
            "message_urn",
            "account_id",
            "provider",
            "sender",
            "body",
            "timestamp",
            "conversation_id",
            "attachments"
        ]
    );
    // As ConnectSafely documents it: `data.id` = `message_urn` = the `messagingMessage` URN of
    // the message the thread shows in its `msg_message` form (one LinkedIn message id).
    let documented_urn = data["message_urn"].as_str().unwrap();
    assert!(
        documented_urn.starts_with("urn:li:messagingMessage:2-"),
        "{documented_urn}"
    );
    assert_eq!(data["id"], data["message_urn"]);
    assert_eq!(
        linkedin_inbox::message_id(documented_urn),
        linkedin_inbox::message_id(urn),
        "{documented_urn} and {urn} are one message"
    );
    assert_eq!(data["account_id"], DOC_ACCOUNT);
    assert_eq!(data["provider"], "LINKEDIN");
    assert_eq!(data["body"], "Are you free at 3?");
    assert_eq!(iso_to_ms(data["timestamp"].as_str().unwrap()), sent_at);
    assert_eq!(
        data["conversation_id"],
        format!("urn:li:messagingThread:{DOC_THREAD}")
    );
    assert_eq!(data["attachments"], json!([]));
    assert_eq!(
        keys(&data["sender"]),
        ["id", "name", "profile_url", "profile_picture"]
    );
    assert_eq!(
        (&data["sender"]["id"], &data["sender"]["name"]),
        (
            &json!(format!("urn:li:fsd_profile:{JOHN_ID}")),
            &json!("John Doe")
        )
    );

    assert_eq!(lk.path, "/lk");
    assert!(lk.linkup_signed_with(LK_SECRET));
    assert!(!lk.linkup_signed_with(CS_SECRET));
    let stamp: i64 = lk.header("x-linkup-timestamp").unwrap().parse().unwrap();
    assert!(
        (stamp - now_s()).abs() < 60,
        "a current unix time in seconds: {stamp}"
    );
    let event = lk.json();
    // The documented event item (docs.linkupapi.com api-reference/v2/webhooks/events).
    assert_eq!(keys(&event), ["event_id", "event", "created_at"]);
    assert!(event["event_id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(
        keys(&event["event"]),
        ["account_id", "account_name", "event", "timestamp"]
    );
    assert_eq!(
        event["event"]["account_id"],
        format!("lk_acc_{DOC_ACCOUNT}")
    );
    assert_eq!(
        keys(&event["event"]["event"]),
        ["type", "sender_name", "message_text", "sender_profile"]
    );
    assert_eq!(event["event"]["event"]["type"], "message");
    assert_eq!(
        event["event"]["event"]["message_text"],
        "Are you free at 3?"
    );
    assert_eq!(iso_to_ms(event["created_at"].as_str().unwrap()), sent_at);

    assert_eq!(
        answer["deliveries"],
        json!([
            {"provider": "connectsafely", "url": receiver.url("/cs"), "status": 200, "outcome": "delivered", "eventId": data["id"]},
            {"provider": "linkup", "url": receiver.url("/lk"), "status": 200, "outcome": "delivered", "eventId": event["event_id"]},
        ])
    );
    let stats = sandbox.stats();
    assert_eq!(
        (
            &stats["webhooksDelivered"],
            &stats["webhooksFailed"],
            &stats["simulated"]
        ),
        (&json!(2), &json!(0), &json!(1))
    );
}

#[test]
fn bad_signature_does_not_verify_and_a_refusal_is_reported() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    receiver.answer_with(401);
    let (status, answer) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "text": "forged", "deliver": {"badSignature": true}}),
    );
    assert_eq!(status, 200, "{answer}");
    let got = receiver.wait_for(2);
    assert!(!got[0].cs_signed_with(CS_SECRET));
    assert!(!got[1].linkup_signed_with(LK_SECRET));
    assert!(got[0]
        .header("x-webhook-signature")
        .unwrap()
        .starts_with("sha256="));
    assert!(got[1]
        .header("x-linkup-signature")
        .unwrap()
        .starts_with("v1="));
    for delivery in answer["deliveries"].as_array().unwrap() {
        assert_eq!(
            (&delivery["status"], &delivery["outcome"]),
            (&json!(401), &json!("rejected"))
        );
    }
    assert_eq!(sandbox.stats()["webhooksFailed"], 2);
}

#[test]
fn twice_sends_each_event_twice_with_the_same_bytes() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let (status, answer) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "again", "deliver": {"twice": true}}),
    );
    assert_eq!(status, 200, "{answer}");
    let got = receiver.wait_for(4);
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[0], got[1],
        "a ConnectSafely retry: same body and headers"
    );
    assert_eq!(
        got[2], got[3],
        "a LinkupAPI retry: same body, timestamp and signature"
    );
    assert!(got[0].cs_signed_with(CS_SECRET) && got[2].linkup_signed_with(LK_SECRET));
    assert_eq!(answer["deliveries"].as_array().unwrap().len(), 4);
    assert_eq!(sandbox.stats()["webhooksDelivered"], 4);
}

#[test]
fn hold_delivers_after_the_next_simulates_events() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let (_, first) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "first", "deliver": {"hold": true}}),
    );
    assert!(first["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["outcome"] == "held" && d["status"].is_null()));
    assert_eq!(sandbox.stats()["webhooksHeld"], 2);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(receiver.received().is_empty(), "nothing sent yet");

    let (_, second) = sandbox
        .simulate(json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "second"}));
    let got = receiver.wait_for(4);
    let texts: Vec<Value> = got
        .iter()
        .filter(|r| r.path == "/cs")
        .map(|r| r.json()["data"]["body"].clone())
        .collect();
    assert_eq!(texts, [json!("second"), json!("first")], "out of order");
    let paths: Vec<&str> = got.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/cs", "/lk", "/cs", "/lk"]);
    let released: Vec<bool> = second["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["released"] == true)
        .collect();
    assert_eq!(released, [false, false, true, true]);
    assert_eq!(sandbox.stats()["webhooksHeld"], 0);
}

#[test]
fn delay_ms_delivers_in_the_background() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let (status, answer) = sandbox
        .simulate(json!({"account": DOC_ACCOUNT, "text": "later", "deliver": {"delayMs": 1500}}));
    assert_eq!(status, 200);
    assert!(answer["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["outcome"] == "scheduled"));
    assert!(receiver.received().is_empty(), "the answer did not wait");
    let got = receiver.wait_for(2);
    assert_eq!(got.len(), 2);
    assert!(got[0].cs_signed_with(CS_SECRET) && got[1].linkup_signed_with(LK_SECRET));
}

#[test]
fn only_the_accounts_targets_receive_and_unreachable_ones_are_reported() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let (_, answer) = sandbox.simulate(json!({"account": PRIYA_ACCOUNT, "text": "not for Alex"}));
    assert_eq!(answer["deliveries"], json!([]));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/gone", closed.local_addr().unwrap());
    drop(closed);
    let body = json!({"provider": "linkup", "account": PRIYA_ACCOUNT, "url": url, "secret": "s"});
    sandbox.control_status("POST", "webhooks", Some(&body.to_string()));
    let (status, answer) =
        sandbox.simulate(json!({"account": PRIYA_ACCOUNT, "text": "into the void"}));
    assert_eq!(status, 200, "{answer}");
    let delivery = &answer["deliveries"][0];
    assert_eq!(
        (&delivery["status"], &delivery["outcome"]),
        (&Value::Null, &json!("failed"))
    );
    assert!(delivery["error"].as_str().unwrap().contains("connect"));
    assert!(receiver.received().is_empty());
}

/// The JSON shape of `value`: every key (in order) and value type, nested; `null` stands for
/// "a string or null" (the documented examples publish optional fields as null).
#[test]
fn simulated_events_have_the_documented_shapes() {
    let sandbox = Sandbox::start();
    let receiver = Receiver::start();
    register_both(&sandbox, &receiver);
    let (status, answer) = sandbox
        .simulate(json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "Shapes?"}));
    assert_eq!(status, 200, "{answer}");
    let got = receiver.wait_for(2);
    // connectsafely.ai/docs/webhooks/events, verbatim (tests/fixtures/documented/SOURCES.md).
    let cs = documented("connectsafely_webhook_message_received.json");
    assert_eq!(shape(&got[0].json()), shape(&cs));
    // docs.linkupapi.com api-reference/v2/webhooks/events: one item of the documented list.
    let lk = documented("linkup_v2_webhook_events_200.json");
    assert_eq!(shape(&got[1].json()), shape(&lk["data"]["items"][0]));
}
