//! ConnectSafely's daily quota of new conversations on `POST /linkedin/conversations/send`:
//! 429 with the rate-limit headers, nothing changed, per account, set at run time.

mod common;

use common::*;
use serde_json::{json, Value};

const STRANGER_SLUG: &str = "jane-doe-4b2a1";

fn cs_send(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.cs_post("/conversations/send", &body, Some(CS_KEY))
}

#[test]
fn the_new_conversation_quota_answers_429_with_headers_and_changes_nothing() {
    let sandbox = Sandbox::start_with(&["--send-limit", "2"]);
    for slug in ["ada-one-1", "bo-two-2"] {
        assert_eq!(
            cs_send(
                &sandbox,
                json!({"recipientProfileId": slug, "message": "hi"})
            )
            .0,
            200
        );
    }
    let before = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    let stats_before = sandbox.stats();
    let request = json!({"recipientProfileId": STRANGER_SLUG, "message": "hi"}).to_string();
    let Err(ureq::Error::Status(429, response)) =
        sandbox.cs_post_raw("/conversations/send", &request, Some(CS_KEY))
    else {
        panic!("expected 429")
    };
    let retry_after: i64 = response.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&retry_after));
    assert_eq!(response.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("0"));
    let reset: i64 = response
        .header("x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(reset % 86_400, 0, "midnight UTC");
    let body: Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    assert_eq!(
        (&body["success"], body["message"].is_string()),
        (&false.into(), true)
    );
    assert_eq!(
        walk_successor(&sandbox, DOC_ACCOUNT, 100),
        before,
        "nothing changed"
    );
    let stats = sandbox.stats();
    assert_eq!(
        (&stats["sends"], &stats["newConversations"]),
        (&stats_before["sends"], &stats_before["newConversations"])
    );

    assert_eq!(
        cs_send(
            &sandbox,
            json!({"conversationUrn": DOC_THREAD, "message": "existing threads are fine"})
        )
        .0,
        200
    );
    let other =
        json!({"accountId": PRIYA_ACCOUNT, "recipientProfileId": STRANGER_SLUG, "message": "hi"});
    assert_eq!(cs_send(&sandbox, other).0, 200, "the quota is per account");
    let settings = sandbox.control("POST", "settings", Some(json!({"sendLimit": 3})));
    assert_eq!(settings["sendLimit"], 3);
    assert_eq!(
        cs_send(
            &sandbox,
            json!({"recipientProfileId": STRANGER_SLUG, "message": "hi"})
        )
        .0,
        200
    );
    assert_eq!(sandbox.stats()["sendLimit"], 3);
}
