//! LinkupAPI's sends: v1 `POST /v1/messages/send-message` (to a profile URL or profile id; the
//! old `/v1/messages/send` is an unknown path) and v2 `send`: the documented shapes, validation,
//! where a sent message shows up, credits.

mod common;

use common::*;
use serde_json::{json, Value};

const STRANGER_URL: &str = "https://www.linkedin.com/in/jane-doe-4b2a1/";

fn v1_send(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.linkup_post("/v1/messages/send-message", &body, Some(LINKUP_KEY))
}

/// The profile id of the member of the LinkupAPI documented thread (Titouan's account).
fn doc_member_profile_id(sandbox: &Sandbox) -> String {
    let query = format!("count=1&accountId={TITOUAN_ACCOUNT}");
    let (_, thread) = sandbox.cs_get(&thread_path(LINKUP_DOC_THREAD, &query), Some(CS_KEY));
    thread["participants"][0]["profileId"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn linkup_v1_send_message_answers_the_documented_shape_costs_a_credit_and_shows_everywhere() {
    let sandbox = Sandbox::start();
    let (status, body) = v1_send(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "country": "FR", "linkedin_url": DOC_PROFILE_URL, "message_text": "Merci !"}),
    );
    assert_eq!(status, 200, "{body}");
    // docs.linkupapi.com api-reference/linkup/Messages/send, verbatim.
    assert_documented_shape(&body, &documented("linkup_v1_send_message_200.json"), &[]);
    assert_eq!(keys(&body), ["status", "message", "data"]);
    let data = &body["data"];
    assert_eq!(keys(data), ["entityUrn", "conversation_id", "deliveredAt"]);
    let owner = "urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o";
    assert_eq!(
        data["conversation_id"],
        format!("urn:li:msg_conversation:({owner},{LINKUP_DOC_THREAD})")
    );
    assert!(data["entityUrn"]
        .as_str()
        .unwrap()
        .starts_with(&format!("urn:li:msg_message:({owner},2-")));
    assert_eq!(sandbox.stats()["creditsSpent"], 1);

    // linkedin_url may be the member's profile id: the same thread.
    let profile_id = doc_member_profile_id(&sandbox);
    let by_id = v1_send(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "linkedin_url": profile_id, "message_text": "by profile id"}),
    );
    assert_eq!(
        (by_id.0, &by_id.1["data"]["conversation_id"]),
        (200, &data["conversation_id"])
    );
    let query = format!("count=2&accountId={TITOUAN_ACCOUNT}");
    let (_, thread) = sandbox.cs_get(&thread_path(LINKUP_DOC_THREAD, &query), Some(CS_KEY));
    let texts: Vec<&Value> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["text"])
        .collect();
    assert_eq!(texts, [&json!("by profile id"), &json!("Merci !")]);
    assert_eq!(thread["messages"][1]["messageUrn"], data["entityUrn"]);
    assert_eq!(thread["messages"][1]["sentAt"], data["deliveredAt"]);
    let (_, v1) = sandbox.conversation(
        &json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "total_results": 1}),
        Some(LINKUP_KEY),
    );
    assert_eq!(v1["data"]["messages"][0]["text"], "by profile id");
    // A new member: a new thread, named after the URL's slug.
    let (status, body) = v1_send(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "linkedin_url": STRANGER_URL, "message_text": "new"}),
    );
    assert_eq!(status, 200, "{body}");
    let (_, inbox) = inbox(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "total_results": 1}),
    );
    let first = &inbox["data"]["conversations"][0];
    assert_eq!(first["conversation_id"], body["data"]["conversation_id"]);
    assert_eq!(first["participant"]["name"], "Jane Doe");
    let stats = sandbox.stats();
    // 3 sends and the 1-result conversation and inbox reads.
    assert_eq!(
        (
            &stats["creditsSpent"],
            &stats["sends"],
            &stats["sendsByEndpoint"]["lk.send"]
        ),
        (&5.into(), &3.into(), &3.into())
    );
}

#[test]
fn linkup_v1_send_message_errors_in_the_v1_style_and_are_billed() {
    let sandbox = Sandbox::start();
    let good = json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "message_text": "hi"});
    let with = |patch: Value| {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let without_url = json!({"login_token": TITOUAN_TOKEN, "message_text": "hi"});
    let cases = [
        (None, good.clone(), 403, "INVALID_API_KEY"),
        (Some("wrong"), good.clone(), 403, "INVALID_API_KEY"),
        (
            Some(LINKUP_KEY),
            json!({"linkedin_url": DOC_PROFILE_URL, "message_text": "hi"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"login_token": "stolen-cookie"})),
            401,
            "INVALID_LOGIN_TOKEN",
        ),
        // Not a parameter of send-message, with or without linkedin_url, even null.
        (
            Some(LINKUP_KEY),
            with(json!({"conversation_id": LINKUP_DOC_THREAD})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "conversation_id": LINKUP_DOC_THREAD, "message_text": "hi"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"conversation_id": null})),
            400,
            "INVALID_PARAMS",
        ),
        (Some(LINKUP_KEY), without_url, 400, "INVALID_PARAMS"),
        (
            Some(LINKUP_KEY),
            with(json!({"linkedin_url": "https://example.com/in/jane"})),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            with(json!({"linkedin_url": "jane"})),
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
    ];
    let cases_with_key = cases.iter().filter(|c| c.0 == Some(LINKUP_KEY)).count();
    assert_eq!(cases_with_key, 12);
    for (key, body, status, code) in cases {
        let (got_status, got) = sandbox.linkup_post("/v1/messages/send-message", &body, key);
        assert_eq!(
            (got_status, got["status"].as_str(), got["code"].as_str()),
            (status, Some("error"), Some(code)),
            "{body}"
        );
    }
    // The old path is an unknown path, as any other.
    let unknown = sandbox.linkup_post("/v1/messages/nope", &good, Some(LINKUP_KEY));
    let old = sandbox.linkup_post("/v1/messages/send", &good, Some(LINKUP_KEY));
    assert_eq!((old.0, &old.1), (404, &unknown.1));
    // v1 bills every answer but a 500 (docs.linkupapi.com api-reference/introduction): each
    // refusal to the demo key costs the send's credit; none without a known key to bill.
    let billed = cases_with_key as u64;
    let stats = sandbox.stats();
    assert_eq!(
        (&stats["creditsSpent"], &stats["sends"]),
        (&billed.into(), &0.into())
    );
    sandbox.fault(json!({"mode": "status", "status": 500, "route": "lk.send", "count": 1}));
    assert_eq!(v1_send(&sandbox, good.clone()).0, 500);
    sandbox.fault(json!({"mode": "status", "status": 429, "route": "lk.send", "count": 1}));
    assert_eq!(v1_send(&sandbox, good.clone()).0, 429);
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        billed + 1,
        "the injected 429 is billed, the 500 is not"
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
    assert_eq!(newest["timestamp"].as_i64(), Some(delivered));

    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "send",
        json!({"profile_url": STRANGER_URL, "message_text": "new"}),
    );
    assert_eq!(status, 200);
    let (_, list) = sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({"count": 1}));
    // The send names the thread bare (its documented form), the list by its URN.
    let listed = list["data"]["conversations"][0]["conversation_id"]
        .as_str()
        .unwrap();
    let sent = body["data"]["conversation_id"].as_str().unwrap();
    assert!(listed.ends_with(&format!(",{sent})")), "{sent} in {listed}");
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
