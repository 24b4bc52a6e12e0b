//! Contract tests: the seed docs' curl examples replayed against the sandbox, compared with
//! the documented example bodies byte for byte.

mod common;

use common::*;
use serde_json::json;

#[test]
fn recent_messages_curl_returns_the_documented_conversation_byte_for_byte() {
    let sandbox = Sandbox::start();
    let doc = doc_fixture("connectsafely_200.json");
    let (status, body) = sandbox.recent("", Some(CS_KEY));
    assert_eq!(status, 200);
    for field in ["success", "accountId", "profileUrn"] {
        assert_eq!(body[field], doc[field], "{field}");
    }
    let documented = serde_json::to_string(&doc["conversations"][0]).unwrap();
    let served = serde_json::to_string(&body["conversations"][0]).unwrap();
    assert_eq!(served, documented);
    assert_eq!(
        body["conversations"].as_array().unwrap().len(),
        20,
        "default page size"
    );
    assert!(body["total"].as_u64().unwrap() >= 60);
    assert!(body["nextCursor"].is_string());
}

#[test]
fn recent_messages_401_is_the_documented_body() {
    let sandbox = Sandbox::start();
    let doc = doc_fixture("connectsafely_401.json");
    for key in [None, Some("wrong-key")] {
        let (status, body) = sandbox.recent("", key);
        assert_eq!((status, body.clone()), (401, doc.clone()));
    }
}

#[test]
fn conversation_curl_returns_the_documented_messages_byte_for_byte() {
    let sandbox = Sandbox::start();
    let doc = doc_fixture("linkup_200.json");
    let request =
        json!({"linkedin_url": DOC_PROFILE_URL, "total_results": 3, "login_token": TITOUAN_TOKEN});
    let (status, body) = sandbox.conversation(&request, Some(LINKUP_KEY));
    assert_eq!(status, 200);
    assert_eq!(body["status"], "success");
    let (data, documented) = (&body["data"], &doc["data"]);
    assert_eq!(
        serde_json::to_string(&data["messages"]).unwrap(),
        serde_json::to_string(&documented["messages"]).unwrap()
    );
    for field in [
        "conversation_id",
        "profile_url",
        "total_other_member_message_count",
        "unread_count",
        "last_seen_message",
        "last_seen_at",
    ] {
        assert_eq!(data[field], documented[field], "{field}");
    }
    assert_eq!(
        data["pagination"]["next_cursor"],
        documented["pagination"]["next_cursor"]
    );
    assert_eq!(data["pagination"]["has_next_page"], true);
    let keys: Vec<_> = data.as_object().unwrap().keys().cloned().collect();
    let documented_keys: Vec<_> = documented.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, documented_keys, "same fields in the same order");
}

#[test]
fn profile_url_names_the_other_member_also_when_opened_by_id() {
    let sandbox = Sandbox::start();
    let doc = doc_fixture("linkup_200.json");
    let by_id =
        json!({"conversation_id": doc["data"]["conversation_id"], "login_token": TITOUAN_TOKEN});
    let (status, body) = sandbox.conversation(&by_id, Some(LINKUP_KEY));
    assert_eq!(status, 200);
    // The documented answer always names the profile (here: the documented member's).
    assert_eq!(body["data"]["profile_url"], doc["data"]["profile_url"]);
    assert_eq!(
        body["data"]["messages"].as_array().unwrap().len(),
        10,
        "default total_results"
    );
    let loose_url = json!({"linkedin_url": "https://linkedin.com/in/Alés-Préw-aa0262324", "total_results": 1, "login_token": TITOUAN_TOKEN});
    let (status, body) = sandbox.conversation(&loose_url, Some(LINKUP_KEY));
    assert_eq!(
        (status, &body["data"]["conversation_id"]),
        (200, &doc["data"]["conversation_id"])
    );
}
