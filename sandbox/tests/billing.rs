//! LinkupAPI billing, by the sandbox's own credit count: v1 bills every answer but a 500
//! (docs.linkupapi.com api-reference/introduction), v2 `list_inbox` 1 credit per 10 results
//! returned (api-reference/v2/messages/list-inbox), v2 errors never (api-reference/v2/error-codes).

mod common;

use common::*;
use serde_json::{json, Value};

fn spent(sandbox: &Sandbox) -> u64 {
    sandbox.stats()["creditsSpent"].as_u64().unwrap()
}

#[test]
fn v1_errors_are_billed_on_every_endpoint_but_a_500() {
    let sandbox = Sandbox::start();
    let send = json!({"login_token": TITOUAN_TOKEN, "linkedin_url": "https://example.com/x", "message_text": "hi"});
    let cases = [
        // (path, body, status, credits): the call's own cost.
        ("/v1/messages/send-message", send, 400, 1),
        (
            "/v1/messages/send-message",
            json!({"login_token": "stolen", "linkedin_url": DOC_PROFILE_URL, "message_text": "hi"}),
            401,
            1,
        ),
        ("/v1/messages/send-message", json!([1]), 400, 1),
        (
            "/v1/messages/inbox",
            json!({"login_token": TITOUAN_TOKEN, "total_results": 30, "country": "XX"}),
            400,
            3,
        ),
        (
            "/v1/messages/conversation",
            json!({"login_token": TITOUAN_TOKEN, "conversation_id": "2-nope", "total_results": 11}),
            404,
            2,
        ),
    ];
    let mut expected = 0;
    for (path, body, status, credits) in cases {
        let (got, answer) = sandbox.linkup_post(path, &body, Some(LINKUP_KEY));
        assert_eq!(
            (got, &answer["status"]),
            (status, &json!("error")),
            "{path} {body}"
        );
        expected += credits;
        assert_eq!(spent(&sandbox), expected, "{path} {body}");
    }
    sandbox.fault(json!({"mode": "status", "status": 500, "endpoint": "linkup", "count": 3}));
    for path in [
        "/v1/messages/send-message",
        "/v1/messages/inbox",
        "/v1/messages/conversation",
    ] {
        let body = json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "message_text": "hi"});
        assert_eq!(sandbox.linkup_post(path, &body, Some(LINKUP_KEY)).0, 500);
    }
    assert_eq!(spent(&sandbox), expected, "500s are not billed");
}

#[test]
fn v2_list_inbox_bills_per_ten_returned() {
    let sandbox = Sandbox::start();
    let (_, total) = walk_inbox(&sandbox, 100);
    let before = spent(&sandbox);
    let mut cursor = Value::Null;
    let (mut returned, mut billed) = (0, 0);
    loop {
        let (status, body) = sandbox.v2(
            V2_TITOUAN_ACCOUNT,
            "list_inbox",
            json!({"count": 100, "cursor": cursor}),
        );
        assert_eq!(status, 200, "{body}");
        let n = body["data"]["conversations"].as_array().unwrap().len() as u64;
        let consumed = body["metadata"]["credits_consumed"].as_u64().unwrap();
        assert_eq!(consumed, n.div_ceil(10), "{n} returned of 100 requested");
        assert!(
            consumed < 10,
            "requested 100, billed {consumed}: by what came back"
        );
        (returned, billed) = (returned + n, billed + consumed);
        cursor = body["data"]["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(returned, total);
    assert_eq!(spent(&sandbox) - before, billed);
}

#[test]
fn v2_errors_are_never_billed() {
    let sandbox = Sandbox::start();
    let errors = [
        (
            "get_conversation",
            json!({"conversation_id": "2-nope"}),
            400,
        ),
        ("get_conversation", json!({}), 400),
        ("list_inbox", json!({"count": 0}), 400),
        (
            "send",
            json!({"profile_url": "https://example.com/x", "message_text": "hi"}),
            400,
        ),
        ("nope", json!({}), 400),
    ];
    for (action, params, status) in errors {
        let (got, body) = sandbox.v2(V2_TITOUAN_ACCOUNT, action, params.clone());
        assert_eq!(
            (got, &body["success"]),
            (status, &json!(false)),
            "{action} {params}"
        );
    }
    sandbox.fault(json!({"mode": "status", "status": 429, "endpoint": "linkup", "count": 1}));
    assert_eq!(
        sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({})).0,
        429
    );
    assert_eq!(spent(&sandbox), 0);
    // The same key's successful call is billed: the count above could move.
    assert_eq!(
        sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({})).0,
        200
    );
    assert_eq!(spent(&sandbox), 1);
}
