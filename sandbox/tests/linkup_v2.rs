//! LinkupAPI's `POST /v2/messages` (`list_inbox`, `get_conversation`): the envelope, walks,
//! id forms, every error code and credits.

mod common;

use common::*;
use serde_json::{json, Value};

/// Every `list_inbox` page of `count` for Titouan's v2 account.
fn walk_v2_inbox(sandbox: &Sandbox, count: u64) -> Vec<Value> {
    let (mut items, mut cursor) = (Vec::new(), Value::Null);
    for _ in 0..500 {
        let (status, body) = sandbox.v2(
            V2_TITOUAN_ACCOUNT,
            "list_inbox",
            json!({"count": count, "cursor": cursor, "category": "INBOX"}),
        );
        assert_eq!(status, 200, "{body}");
        items.extend(
            body["data"]["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        cursor = body["data"]["next_cursor"].clone();
        if cursor.is_null() {
            return items;
        }
    }
    panic!("pagination did not end");
}

#[test]
fn v2_list_inbox_has_the_v2_shape_and_walks_like_v1() {
    let sandbox = Sandbox::start();
    let (status, body) = sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({}));
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["success", "data", "metadata"]);
    assert_eq!(body["success"], true);
    assert_eq!(
        keys(&body["data"]),
        ["conversations", "total_results", "next_cursor"]
    );
    assert_eq!(
        body["data"]["conversations"].as_array().unwrap().len(),
        10,
        "default count"
    );
    let metadata = &body["metadata"];
    assert_eq!(
        keys(metadata),
        ["action", "account_id", "credits_consumed", "timestamp"]
    );
    assert_eq!(
        (
            &metadata["action"],
            &metadata["account_id"],
            &metadata["credits_consumed"]
        ),
        (&"list_inbox".into(), &V2_TITOUAN_ACCOUNT.into(), &1.into())
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((iso_to_ms(metadata["timestamp"].as_str().unwrap()) - now).abs() < 60_000);

    let (v1, total) = walk_inbox(&sandbox, 100);
    assert_eq!(body["data"]["total_results"].as_u64(), Some(total));
    for count in [1, 10, 33, 100] {
        let v2 = walk_v2_inbox(&sandbox, count);
        assert_eq!(v2.len(), v1.len(), "count {count}");
        for (c2, c1) in v2.iter().zip(&v1) {
            // The documented v2 list names conversations by their full URN, as v1 does.
            assert_eq!(c2["conversation_id"], c1["conversation_id"]);
            assert_eq!(c2["participant"], c1["participant"]);
            assert_eq!((&c2["unread"], &c2["type"]), (&c1["unread"], &c1["type"]));
            let last = &c2["last_message"];
            assert_eq!(keys(last), ["text", "time", "sender"]);
            assert_eq!(last["text"], c1["last_message"]["text"]);
            assert_eq!(last["time"], c1["last_message"]["time"]);
            assert_eq!(
                keys(&last["sender"]),
                [
                    "name",
                    "headline",
                    "profile_url",
                    "profile_picture",
                    "is_me"
                ]
            );
            assert_eq!(last["sender"]["name"], c1["last_message"]["sender"]["name"]);
            assert_eq!(
                last["sender"]["is_me"],
                last["sender"]["name"] == "Titouan Prioux"
            );
        }
    }
}

#[test]
fn v2_get_conversation_shape_id_forms_and_walk() {
    let sandbox = Sandbox::start();
    let urn = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)";
    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": LINKUP_DOC_THREAD, "count": 3}),
    );
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    // The documented `data`: no `conversation_id`, no `has_next_page`, epoch-ms times.
    assert_eq!(
        keys(data),
        [
            "total_message_count",
            "unread_count",
            "last_seen_message",
            "last_seen_at",
            "messages",
            "next_cursor"
        ]
    );
    assert_eq!(data["total_message_count"], 63);
    assert_eq!(
        (&data["last_seen_message"], &data["unread_count"]),
        (&true.into(), &0.into())
    );
    assert_eq!(data["last_seen_at"], 1_749_403_535_456_i64);
    assert_eq!(data["next_cursor"], "1745266498889");
    let doc = doc_fixture("linkup_200.json");
    for (message, documented) in data["messages"]
        .as_array()
        .unwrap()
        .iter()
        .zip(doc["data"]["messages"].as_array().unwrap())
    {
        assert_eq!(
            keys(message),
            [
                "entity_urn",
                "text",
                "timestamp",
                "sender",
                "sender_info",
                "message_type"
            ]
        );
        assert_eq!(
            keys(&message["sender_info"]),
            ["first_name", "last_name", "profile_url"]
        );
        for field in ["entity_urn", "text", "sender", "message_type"] {
            assert_eq!(message[field], documented[field], "{field}");
        }
        assert_eq!(message["timestamp"], documented["timestamp"]);
        assert_eq!(
            message["sender_info"]["first_name"],
            documented["sender_info"]["first_name"]
        );
    }
    assert_eq!(body["metadata"]["action"], "get_conversation");
    for params in [
        json!({"conversation_id": urn, "count": 3}),
        json!({"conversation_id": format!("urn:li:messagingThread:{LINKUP_DOC_THREAD}"), "count": 3}),
        json!({"profile_url": DOC_PROFILE_URL, "count": 3}),
    ] {
        let (status, same) = sandbox.v2(V2_TITOUAN_ACCOUNT, "get_conversation", params.clone());
        assert_eq!((status, &same["data"]), (200, data), "{params}");
    }
    // Walks: every message once, newest first, the cursor strictly older.
    let walk = |count: u64| {
        let (mut items, mut cursor) = (Vec::new(), Value::Null);
        loop {
            let (status, page) = sandbox.v2(
                V2_TITOUAN_ACCOUNT,
                "get_conversation",
                json!({"conversation_id": LINKUP_DOC_THREAD, "count": count, "cursor": cursor}),
            );
            assert_eq!(status, 200, "{page}");
            let messages = page["data"]["messages"].as_array().unwrap().clone();
            items.extend(messages.iter().map(|m| m["entity_urn"].clone()));
            // A `next_cursor` means more; none means the thread's start.
            let next = page["data"]["next_cursor"].clone();
            if next.is_null() {
                return items;
            }
            assert_eq!(
                messages.last().unwrap()["timestamp"]
                    .as_i64()
                    .unwrap()
                    .to_string(),
                next.as_str().unwrap()
            );
            cursor = next;
        }
    };
    let reference = walk(100);
    assert_eq!(reference.len(), 63);
    for count in [1, 7, 10, 50] {
        assert_eq!(walk(count), reference, "count {count}");
    }
}

#[test]
fn v2_errors_have_their_status_and_code_and_cost_nothing() {
    let sandbox = Sandbox::start_with(&["--credits", "4"]);
    let list = json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "list_inbox", "params": {}});
    let thread = |params: Value| json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "get_conversation", "params": params});
    let cases = [
        (None, list.clone(), 403, "INVALID_API_KEY"),
        (Some("wrong"), list.clone(), 403, "INVALID_API_KEY"),
        (
            Some(LINKUP_KEY),
            json!({"account_id": "lk_acc_000000000000000000000000", "action": "list_inbox"}),
            404,
            "INVALID_ACCOUNT",
        ),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_INACTIVE_ACCOUNT, "action": "list_inbox"}),
            403,
            "ACCOUNT_INACTIVE",
        ),
        (
            Some(LINKUP_KEY),
            json!({"action": "list_inbox"}),
            400,
            "INVALID_PARAMS",
        ),
        (Some(LINKUP_KEY), json!("list_inbox"), 400, "INVALID_PARAMS"),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_TITOUAN_ACCOUNT}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "delete_everything"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "list_inbox", "params": [1]}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "list_inbox", "params": {"count": 0}}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "list_inbox", "params": {"count": 101}}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "list_inbox", "params": {"cursor": "%%%"}}),
            400,
            "INVALID_PARAMS",
        ),
        (Some(LINKUP_KEY), thread(json!({})), 400, "INVALID_PARAMS"),
        (
            Some(LINKUP_KEY),
            thread(json!({"conversation_id": LINKUP_DOC_THREAD, "profile_url": DOC_PROFILE_URL})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            thread(json!({"conversation_id": "2-nope"})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            thread(json!({"conversation_id": LINKUP_DOC_THREAD, "cursor": "yesterday"})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            thread(json!({"conversation_id": LINKUP_DOC_THREAD, "count": 50})),
            402,
            "INSUFFICIENT_CREDITS",
        ),
    ];
    for (key, body, status, code) in cases {
        let (got, answer) = sandbox.linkup_post("/v2/messages", &body, key);
        assert_eq!(
            (got, keys(&answer)),
            (status, vec!["success", "error"]),
            "{body}: {answer}"
        );
        assert_eq!(answer["success"], false);
        assert_eq!(keys(&answer["error"]), ["code", "message"]);
        assert_eq!(answer["error"]["code"], code, "{body}");
    }
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        0,
        "failed calls consume no credits"
    );

    sandbox.fault(
        json!({"mode": "status", "status": 429, "retryAfter": 9, "endpoint": "linkup", "count": 1}),
    );
    let (status, retry_after, text) = status_header_text(
        agent()
            .post(&format!("{}/v2/messages", sandbox.base))
            .set("x-api-key", LINKUP_KEY)
            .send_string(&list.to_string()),
        "retry-after",
    );
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (status, retry_after.as_deref(), &answer["error"]["code"]),
        (429, Some("9"), &"RATE_LIMITED".into())
    );
    assert_eq!(answer["success"], false);
    sandbox.fault(json!({"mode": "status", "status": 500, "endpoint": "linkup", "count": 1}));
    let (status, answer) = sandbox.linkup_post("/v2/messages", &list, Some(LINKUP_KEY));
    assert_eq!(
        (status, &answer["error"]["code"], &answer["success"]),
        (500, &"INTERNAL_ERROR".into(), &false.into())
    );
    assert_eq!(sandbox.stats()["creditsSpent"], 0);

    // Credits: 1 per 10 requested, rounded up, in the metadata and the shared balance.
    let (status, body) = sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({"count": 10}));
    assert_eq!(
        (status, &body["metadata"]["credits_consumed"]),
        (200, &1.into())
    );
    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": LINKUP_DOC_THREAD, "count": 25}),
    );
    assert_eq!(
        (status, &body["metadata"]["credits_consumed"]),
        (200, &3.into())
    );
    assert_eq!(sandbox.stats()["creditsSpent"], 4);
    let (status, body) = sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({"count": 1}));
    assert_eq!(
        (status, &body["error"]["code"]),
        (402, &"INSUFFICIENT_CREDITS".into())
    );
    assert_eq!(sandbox.stats()["creditsSpent"], 4);
}
