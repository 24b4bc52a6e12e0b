//! The send endpoints: ConnectSafely `POST /linkedin/conversations/send`, LinkupAPI
//! `POST /v1/messages/send` and v2 `send`: shapes, auth, validation, where a sent message
//! shows up in both providers' views, the daily quota of new conversations, credits.

mod common;

use common::*;
use serde_json::{json, Value};

const JOHN_URL: &str = "https://www.linkedin.com/in/john-doe-883467181/";
const JOHN_URN: &str = "urn:li:fsd_profile:ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU";
const STRANGER_URL: &str = "https://www.linkedin.com/in/jane-doe-4b2a1/";

fn cs_send(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.cs_post("/conversations/send", &body, Some(CS_KEY))
}

fn v1_send(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.linkup_post("/v1/messages/send", &body, Some(LINKUP_KEY))
}

#[test]
fn cs_send_answers_the_documented_shape_and_shows_in_every_view() {
    let sandbox = Sandbox::start();
    let (status, body) = cs_send(
        &sandbox,
        json!({"conversationUrn": DOC_THREAD, "message": "Sounds good, see you then"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        keys(&body),
        [
            "success",
            "message",
            "recipientProfileUrn",
            "sentMessage",
            "threadId"
        ]
    );
    assert_eq!(
        (&body["success"], &body["message"], &body["threadId"]),
        (&true.into(), &"Message sent".into(), &DOC_THREAD.into())
    );
    assert_eq!(body["recipientProfileUrn"], JOHN_URN);
    let sent = &body["sentMessage"];
    assert_eq!(
        keys(sent),
        [
            "messageUrn",
            "text",
            "sentAt",
            "senderProfileId",
            "senderName",
            "senderPhoto",
            "isSentByOwner"
        ]
    );
    let urn = sent["messageUrn"].as_str().unwrap();
    assert!(
        urn.starts_with(
            "urn:li:msg_message:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,2-"
        ),
        "{urn}"
    );
    assert_eq!(
        (&sent["text"], &sent["senderName"], &sent["isSentByOwner"]),
        (
            &"Sounds good, see you then".into(),
            &"Alex Morgan".into(),
            &true.into()
        )
    );
    let sent_at = sent["sentAt"].as_i64().unwrap();

    // ConnectSafely: the thread (newest first), the list, the seed page.
    let (_, thread) = sandbox.cs_get(&thread_path(DOC_THREAD, "count=2"), Some(CS_KEY));
    assert_eq!(thread["messages"][0]["messageUrn"], urn);
    assert_eq!(thread["messages"][0]["isSentByOwner"], true);
    assert_eq!(thread["messages"][1]["text"], "Hello, how are you?");
    let (_, list) = sandbox.cs_get("/conversations?count=1", Some(CS_KEY));
    let first = &list["conversations"][0];
    assert_eq!(first["conversationId"], DOC_THREAD);
    assert_eq!(first["latestMessage"]["sentAt"], sent_at);
    let (_, seed) = sandbox.recent("count=1", Some(CS_KEY));
    let first = &seed["conversations"][0];
    assert_eq!(first["latestMessage"]["messageUrn"], urn);
    assert_eq!(first["lastActivityAt"], sent_at);
    assert_eq!(
        sandbox
            .recent("count=1&keywords=see%20you%20then", Some(CS_KEY))
            .1["total"],
        1
    );

    // LinkupAPI, same account: v1 inbox and thread, v2 inbox and thread.
    let (_, inbox) = inbox(
        &sandbox,
        json!({"login_token": ALEX_TOKEN, "total_results": 1}),
    );
    let first = &inbox["data"]["conversations"][0];
    assert!(first["conversation_id"]
        .as_str()
        .unwrap()
        .ends_with(&format!(",{DOC_THREAD})")));
    assert_eq!(first["last_message"]["time"], sent_at);
    assert_eq!(first["last_message"]["sender"], "Alex Morgan");
    let (_, v1) = sandbox.conversation(
        &json!({"login_token": ALEX_TOKEN, "conversation_id": DOC_THREAD, "total_results": 1}),
        Some(LINKUP_KEY),
    );
    assert_eq!(v1["data"]["messages"][0]["entity_urn"], urn);
    let (_, v2_list) = sandbox.v2(V2_DOC_ACCOUNT, "list_inbox", json!({"count": 1}));
    let first = &v2_list["data"]["conversations"][0];
    assert_eq!(first["conversation_id"], DOC_THREAD);
    assert_eq!(first["last_message"]["sender"]["is_me"], true);
    let (_, v2_thread) = sandbox.v2(
        V2_DOC_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": DOC_THREAD, "count": 1}),
    );
    assert_eq!(v2_thread["data"]["messages"][0]["entity_urn"], urn);

    let stats = sandbox.stats();
    assert_eq!(stats["sends"], 1);
    assert_eq!(
        stats["sendsByEndpoint"],
        json!({"cs.send": 1, "lk.send": 0, "lk.v2.send": 0})
    );
    assert_eq!(stats["callsByEndpoint"]["cs.send"], 1);
    sandbox.control("POST", "reset", None);
    let (_, thread) = sandbox.cs_get(&thread_path(DOC_THREAD, "count=1"), Some(CS_KEY));
    assert_eq!(
        thread["messages"][0]["text"], "Hello, how are you?",
        "reset restores the data"
    );
}

#[test]
fn cs_send_accepts_every_thread_id_form_and_keeps_messages_strictly_ordered() {
    let sandbox = Sandbox::start();
    let full = format!("urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,{DOC_THREAD})");
    let forms = [
        full,
        format!("urn:li:messagingThread:{DOC_THREAD}"),
        DOC_THREAD.to_owned(),
    ];
    for (i, urn) in forms.iter().enumerate() {
        let (status, body) = cs_send(
            &sandbox,
            json!({"conversationUrn": urn, "message": format!("form {i}")}),
        );
        assert_eq!(
            (status, body["threadId"].as_str()),
            (200, Some(DOC_THREAD)),
            "{urn}"
        );
    }
    let (_, thread) = sandbox.cs_get(&thread_path(DOC_THREAD, "count=4"), Some(CS_KEY));
    let messages = thread["messages"].as_array().unwrap();
    let texts: Vec<&str> = messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["form 2", "form 1", "form 0", "Hello, how are you?"]);
    assert!(messages
        .windows(2)
        .all(|w| w[0]["sentAt"].as_i64() > w[1]["sentAt"].as_i64()));
    let (status, body) = cs_send(
        &sandbox,
        json!({"conversationUrn": DOC_THREAD, "message": "elsewhere", "accountId": PRIYA_ACCOUNT}),
    );
    assert_eq!(
        (status, &body["success"]),
        (404, &false.into()),
        "another account's thread"
    );
}

#[test]
fn cs_send_to_a_profile_reuses_the_thread_or_opens_a_deterministic_one() {
    let sandbox = Sandbox::start();
    let before = walk_successor(&sandbox, DOC_ACCOUNT, 100).len();
    let (status, body) = cs_send(
        &sandbox,
        json!({"recipientProfileUrl": JOHN_URL, "message": "hi John"}),
    );
    assert_eq!((status, body["threadId"].as_str()), (200, Some(DOC_THREAD)));
    assert_eq!(body["recipientProfileUrn"], JOHN_URN);

    let (status, body) = cs_send(
        &sandbox,
        json!({"recipientProfileUrl": STRANGER_URL, "message": "hi Jane"}),
    );
    assert_eq!(status, 200, "{body}");
    let new_thread = body["threadId"].as_str().unwrap().to_owned();
    assert!(new_thread.starts_with("2-") && new_thread != DOC_THREAD);
    let list = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    assert_eq!(list.len(), before + 1);
    assert_eq!(list[0]["conversationId"], new_thread.as_str());
    assert_eq!(list[0]["participants"][0]["name"], "Jane Doe");
    assert_eq!(
        list[0]["participants"][0]["profileId"],
        body["recipientProfileUrn"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:li:fsd_profile:")
    );
    let (_, thread) = sandbox.cs_get(&thread_path(&new_thread, ""), Some(CS_KEY));
    assert_eq!(thread["messages"].as_array().unwrap().len(), 1);

    let (_, again) = cs_send(
        &sandbox,
        json!({"recipientProfileUrl": "https://linkedin.com/in/Jane-Doe-4b2a1", "message": "again"}),
    );
    assert_eq!(
        again["threadId"],
        new_thread.as_str(),
        "the same member, the same thread"
    );
    assert_eq!(walk_successor(&sandbox, DOC_ACCOUNT, 100).len(), before + 1);
    assert_eq!(sandbox.stats()["newConversations"], json!({DOC_ACCOUNT: 1}));

    sandbox.control("POST", "reset", None);
    let (_, replay) = cs_send(
        &sandbox,
        json!({"recipientProfileUrl": STRANGER_URL, "message": "hi Jane"}),
    );
    assert_eq!(
        replay["threadId"],
        new_thread.as_str(),
        "deterministic thread id"
    );
}

#[test]
fn cs_send_checks_auth_and_validates_like_connectsafely() {
    let sandbox = Sandbox::start();
    let good = json!({"conversationUrn": DOC_THREAD, "message": "hi"});
    let (status, body) = sandbox.cs_post("/conversations/send", &good, None);
    assert_eq!(
        (status, body),
        (401, json!({"error": "Unauthorized - Invalid credentials"}))
    );
    let (status, _) = sandbox.cs_post("/conversations/send", &good, Some("wrong"));
    assert_eq!(status, 401);
    let (status, body) = cs_send(
        &sandbox,
        json!({"accountId": "000000000000000000000000", "conversationUrn": DOC_THREAD, "message": "hi"}),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("ACCOUNT_NOT_FOUND"))
    );

    let too_long = "x".repeat(8_001);
    let invalid = [
        json!({"message": "hi"}),
        json!({"conversationUrn": DOC_THREAD, "recipientProfileUrl": JOHN_URL, "message": "hi"}),
        json!({"conversationUrn": DOC_THREAD}),
        json!({"conversationUrn": DOC_THREAD, "message": "  \n\t "}),
        json!({"conversationUrn": DOC_THREAD, "message": 42}),
        json!({"conversationUrn": DOC_THREAD, "message": too_long}),
        json!({"conversationUrn": 7, "message": "hi"}),
        json!({"recipientProfileUrl": "https://example.com/jane", "message": "hi"}),
        json!(["not", "an", "object"]),
    ];
    for request in invalid {
        let (status, body) = cs_send(&sandbox, request.clone());
        assert_eq!(status, 400, "{request}: {body}");
        assert_eq!(body["success"], false, "{body}");
        assert!(
            body["message"].is_string() && body["issues"].is_array(),
            "{body}"
        );
    }
    let (status, body) = cs_send(
        &sandbox,
        json!({"conversationUrn": "2-nope", "message": "hi"}),
    );
    assert_eq!(
        (status, &body["success"], body["message"].is_string()),
        (404, &false.into(), true)
    );
    let exactly = "é".repeat(8_000);
    assert_eq!(
        cs_send(
            &sandbox,
            json!({"conversationUrn": DOC_THREAD, "message": exactly})
        )
        .0,
        200
    );
    assert_eq!(
        sandbox.stats()["sends"],
        1,
        "only the valid send was committed"
    );
}

#[test]
fn the_new_conversation_quota_answers_429_with_headers_and_changes_nothing() {
    let sandbox = Sandbox::start_with(&["--send-limit", "2"]);
    for slug in ["ada-one-1", "bo-two-2"] {
        let url = format!("https://www.linkedin.com/in/{slug}/");
        assert_eq!(
            cs_send(
                &sandbox,
                json!({"recipientProfileUrl": url, "message": "hi"})
            )
            .0,
            200
        );
    }
    let before = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    let stats_before = sandbox.stats();
    let request = json!({"recipientProfileUrl": STRANGER_URL, "message": "hi"}).to_string();
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
        json!({"accountId": PRIYA_ACCOUNT, "recipientProfileUrl": STRANGER_URL, "message": "hi"});
    assert_eq!(cs_send(&sandbox, other).0, 200, "the quota is per account");
    let settings = sandbox.control("POST", "settings", Some(json!({"sendLimit": 3})));
    assert_eq!(settings["sendLimit"], 3);
    assert_eq!(
        cs_send(
            &sandbox,
            json!({"recipientProfileUrl": STRANGER_URL, "message": "hi"})
        )
        .0,
        200
    );
    assert_eq!(sandbox.stats()["sendLimit"], 3);
}

#[test]
fn linkup_v1_send_answers_its_shape_costs_a_credit_and_shows_in_connectsafely() {
    let sandbox = Sandbox::start();
    let (status, body) = v1_send(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "country": "FR", "linkedin_url": DOC_PROFILE_URL, "message_text": "Merci !"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["status", "data"]);
    assert_eq!(body["status"], "success");
    let data = &body["data"];
    assert_eq!(
        keys(data),
        ["conversation_id", "entity_urn", "timestamp", "text"]
    );
    let owner = "urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o";
    assert_eq!(
        data["conversation_id"],
        format!("urn:li:msg_conversation:({owner},{LINKUP_DOC_THREAD})")
    );
    assert!(data["entity_urn"]
        .as_str()
        .unwrap()
        .starts_with(&format!("urn:li:msg_message:({owner},2-")));
    assert_eq!(data["text"], "Merci !");
    assert_eq!(sandbox.stats()["creditsSpent"], 1);

    let by_id = v1_send(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "conversation_id": LINKUP_DOC_THREAD, "message_text": "bare id"}),
    );
    assert_eq!(by_id.0, 200);
    let by_urn = v1_send(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "conversation_id": data["conversation_id"], "message_text": "full URN"}),
    );
    assert_eq!(by_urn.0, 200);
    let (_, thread) = sandbox.cs_get(
        &thread_path(
            LINKUP_DOC_THREAD,
            &format!("count=3&accountId={TITOUAN_ACCOUNT}"),
        ),
        Some(CS_KEY),
    );
    let texts: Vec<&Value> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["text"])
        .collect();
    assert_eq!(
        texts,
        [&json!("full URN"), &json!("bare id"), &json!("Merci !")]
    );
    assert_eq!(thread["messages"][2]["messageUrn"], data["entity_urn"]);
    assert_eq!(thread["messages"][2]["sentAt"], data["timestamp"]);
    let (_, v1) = sandbox.conversation(
        &json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "total_results": 1}),
        Some(LINKUP_KEY),
    );
    assert_eq!(v1["data"]["messages"][0]["text"], "full URN");
    let stats = sandbox.stats();
    // 3 sends and the 1-result conversation read.
    assert_eq!(
        (
            &stats["creditsSpent"],
            &stats["sends"],
            &stats["sendsByEndpoint"]["lk.send"]
        ),
        (&4.into(), &3.into(), &3.into())
    );
}

#[test]
fn linkup_v1_send_errors_in_the_v1_style_and_cost_nothing() {
    let sandbox = Sandbox::start();
    let good = json!({"login_token": TITOUAN_TOKEN, "conversation_id": LINKUP_DOC_THREAD, "message_text": "hi"});
    let with = |patch: Value| {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (None, good.clone(), 403, "INVALID_API_KEY"),
        (Some("wrong"), good.clone(), 403, "INVALID_API_KEY"),
        (
            Some(LINKUP_KEY),
            json!({"conversation_id": LINKUP_DOC_THREAD, "message_text": "hi"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"login_token": "stolen-cookie"})),
            401,
            "INVALID_LOGIN_TOKEN",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"linkedin_url": DOC_PROFILE_URL})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"conversation_id": null})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"message_text": " "})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"message_text": null})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"message_text": "x".repeat(8_001)})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"country": "XX"})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"conversation_id": "2-nope"})),
            404,
            "CONVERSATION_NOT_FOUND",
        ),
    ];
    for (key, body, status, code) in cases {
        let (got_status, got) = sandbox.linkup_post("/v1/messages/send", &body, key);
        assert_eq!(
            (got_status, got["status"].as_str(), got["code"].as_str()),
            (status, Some("error"), Some(code)),
            "{body}"
        );
    }
    let stats = sandbox.stats();
    assert_eq!(
        (&stats["creditsSpent"], &stats["sends"]),
        (&0.into(), &0.into())
    );
    sandbox.control("POST", "settings", Some(json!({"linkupCredits": 0})));
    let (status, body) = v1_send(&sandbox, good);
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("INSUFFICIENT_CREDITS"))
    );
    assert_eq!(sandbox.stats()["sends"], 0, "nothing sent without credit");
}

#[test]
fn linkup_v2_send_answers_the_envelope_and_refuses_conversation_id() {
    let sandbox = Sandbox::start();
    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": DOC_PROFILE_URL, "message_text": "v2 hello"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["success", "data", "metadata"]);
    let data = &body["data"];
    assert_eq!(
        keys(data),
        ["entityUrn", "conversation_id", "deliveredAt", "text"]
    );
    assert_eq!(
        (&data["conversation_id"], &data["text"]),
        (&LINKUP_DOC_THREAD.into(), &"v2 hello".into())
    );
    let delivered = iso_to_ms(data["deliveredAt"].as_str().unwrap());
    let metadata = &body["metadata"];
    assert_eq!(
        (
            &metadata["action"],
            &metadata["account_id"],
            &metadata["credits_consumed"]
        ),
        (&"send".into(), &V2_TITOUAN_ACCOUNT.into(), &1.into())
    );
    let (_, thread) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": LINKUP_DOC_THREAD, "count": 1}),
    );
    let newest = &thread["data"]["messages"][0];
    assert_eq!(newest["entity_urn"], data["entityUrn"]);
    assert_eq!(iso_to_ms(newest["timestamp"].as_str().unwrap()), delivered);

    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": STRANGER_URL, "message_text": "new"}),
    );
    assert_eq!(status, 200);
    let (_, list) = sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({"count": 1}));
    assert_eq!(
        list["data"]["conversations"][0]["conversation_id"],
        body["data"]["conversation_id"]
    );
    assert_eq!(
        list["data"]["conversations"][0]["participant"]["name"],
        "Jane Doe"
    );

    let spent = sandbox.stats()["creditsSpent"].clone();
    for params in [
        json!({"conversation_id": LINKUP_DOC_THREAD, "message_text": "hi"}),
        json!({"conversation_id": LINKUP_DOC_THREAD, "profile_url": DOC_PROFILE_URL, "message_text": "hi"}),
        json!({"message_text": "hi"}),
        json!({"profile_url": DOC_PROFILE_URL}),
        json!({"profile_url": DOC_PROFILE_URL, "message_text": ""}),
        json!({"profile_url": "not a profile", "message_text": "hi"}),
    ] {
        let (status, body) = sandbox.v2(V2_TITOUAN_ACCOUNT, "send", params.clone());
        assert_eq!(
            (status, &body["success"], body["error"]["code"].as_str()),
            (400, &false.into(), Some("INVALID_PARAMS")),
            "{params}"
        );
    }
    let stats = sandbox.stats();
    assert_eq!(
        (
            &stats["creditsSpent"],
            &stats["sendsByEndpoint"]["lk.v2.send"]
        ),
        (&spent, &2.into())
    );
    sandbox.control("POST", "settings", Some(json!({"linkupCredits": 0})));
    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": DOC_PROFILE_URL, "message_text": "hi"}),
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (402, Some("INSUFFICIENT_CREDITS"))
    );
}
