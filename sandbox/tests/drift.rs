//! The sandbox's answers meet the core's contract of each documented endpoint (every account,
//! every conversation), and each drift switch reshapes only its own part, in a form the core
//! still reads where it can.

mod common;

use common::*;
use linkedin_inbox::contract::{check, Endpoint};
use serde_json::{json, Value};

const ACCOUNTS: [(&str, &str, &str); 2] = [
    (DOC_ACCOUNT, ALEX_TOKEN, V2_DOC_ACCOUNT),
    (TITOUAN_ACCOUNT, TITOUAN_TOKEN, V2_TITOUAN_ACCOUNT),
];

fn assert_meets(endpoint: Endpoint, body: &Value) {
    let findings: Vec<String> = check(endpoint, &body.to_string())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(findings.is_empty(), "{}: {findings:#?}", endpoint.name());
}

#[test]
fn every_answer_meets_its_documented_contract() {
    let sandbox = Sandbox::start();
    for (account, token, v2_account) in ACCOUNTS {
        let (_, seed) = sandbox.recent(&format!("accountId={account}&count=100"), Some(CS_KEY));
        assert_meets(Endpoint::ConnectSafelyRecentMessages, &seed);
        let (_, listed) = sandbox.cs_get(
            &format!("/conversations?accountId={account}&count=100"),
            Some(CS_KEY),
        );
        assert_meets(Endpoint::ConnectSafelyConversations, &listed);
        let (_, v1) = inbox(
            &sandbox,
            json!({"login_token": token, "total_results": 100}),
        );
        assert_meets(Endpoint::LinkupV1Inbox, &v1);
        let (_, v2) = sandbox.v2(v2_account, "list_inbox", json!({"count": 100}));
        assert_meets(Endpoint::LinkupV2ListInbox, &v2);
        for conversation in seed["conversations"].as_array().unwrap().iter().take(6) {
            let urn = conversation["conversationUrn"].as_str().unwrap();
            let thread = conversation["conversationId"].as_str().unwrap();
            let query = format!("accountId={account}&count=100");
            let (_, cs) = sandbox.cs_get(&thread_path(urn, &query), Some(CS_KEY));
            assert_meets(Endpoint::ConnectSafelyThreadMessages, &cs);
            let body = json!({"login_token": token, "conversation_id": urn, "total_results": 100});
            let (_, v1) = sandbox.conversation(&body, Some(LINKUP_KEY));
            assert_meets(Endpoint::LinkupV1Conversation, &v1);
            let params = json!({"conversation_id": thread, "count": 100});
            let (_, v2) = sandbox.v2(v2_account, "get_conversation", params);
            assert_meets(Endpoint::LinkupV2GetConversation, &v2);
        }
    }
}

fn drift(sandbox: &Sandbox, names: &[&str]) {
    let answer = sandbox.control("POST", "settings", Some(json!({ "drift": names })));
    assert_eq!(answer["drift"], json!(names));
}

#[test]
fn each_drift_reshapes_its_part_and_nothing_else() {
    let sandbox = Sandbox::start();
    let v1_body = json!({"login_token": ALEX_TOKEN, "total_results": 3});
    let (_, documented_v1) = inbox(&sandbox, v1_body.clone());
    let (_, documented_v2) = sandbox.v2(V2_DOC_ACCOUNT, "list_inbox", json!({"count": 3}));
    let thread = json!({"conversation_id": DOC_THREAD, "count": 3});
    let (_, documented_thread) = sandbox.v2(V2_DOC_ACCOUNT, "get_conversation", thread.clone());

    drift(&sandbox, &["unread-boolean"]);
    let (_, v1) = inbox(&sandbox, v1_body.clone());
    let (_, v2) = sandbox.v2(V2_DOC_ACCOUNT, "list_inbox", json!({"count": 3}));
    for (drifted, documented) in [(&v1, &documented_v1), (&v2, &documented_v2)] {
        let first = &drifted["data"]["conversations"][0];
        let was = documented["data"]["conversations"][0]["unread"]
            .as_u64()
            .unwrap();
        assert_eq!(first["unread"], json!(was > 0));
        let mut back = drifted.clone();
        back["data"]["conversations"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .zip(documented["data"]["conversations"].as_array().unwrap())
            .for_each(|(c, d)| c["unread"] = d["unread"].clone());
        if let Some(stamp) = documented.pointer("/metadata/timestamp") {
            back["metadata"]["timestamp"] = stamp.clone(); // the time of each answer
        }
        assert_eq!(&back, documented, "only `unread` changed");
    }

    drift(&sandbox, &["sender-name"]);
    let (_, v1) = inbox(&sandbox, v1_body.clone());
    let documented_sender = &documented_v1["data"]["conversations"][0]["last_message"]["sender"];
    assert_eq!(
        v1["data"]["conversations"][0]["last_message"]["sender"],
        documented_sender["name"]
    );

    drift(&sandbox, &["bare-ids"]);
    let (_, v2) = sandbox.v2(V2_DOC_ACCOUNT, "list_inbox", json!({"count": 3}));
    assert_eq!(
        v2["data"]["conversations"][0]["conversation_id"],
        DOC_THREAD
    );

    drift(&sandbox, &["page-flag"]);
    let (_, paged) = sandbox.v2(V2_DOC_ACCOUNT, "get_conversation", thread.clone());
    assert!(paged["data"].get("next_cursor").is_none());
    assert_eq!(paged["data"]["has_next_page"], true);
    assert_eq!(
        paged["data"]["messages"],
        documented_thread["data"]["messages"]
    );

    drift(&sandbox, &["list-renamed"]);
    let (_, listed) = sandbox.cs_get(
        &format!("/conversations?accountId={DOC_ACCOUNT}&count=2"),
        Some(CS_KEY),
    );
    assert!(listed.get("conversations").is_none());
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);

    // Several at once; an empty list and a reset restore the documented shapes.
    drift(&sandbox, &["unread-boolean", "sender-name"]);
    let (_, both) = inbox(&sandbox, v1_body.clone());
    assert!(both["data"]["conversations"][0]["unread"].is_boolean());
    assert!(both["data"]["conversations"][0]["last_message"]["sender"].is_string());
    drift(&sandbox, &[]);
    assert_eq!(inbox(&sandbox, v1_body.clone()).1, documented_v1);
    drift(&sandbox, &["unread-boolean"]);
    sandbox.control("POST", "reset", None);
    assert_eq!(inbox(&sandbox, v1_body).1, documented_v1);
}

#[test]
fn the_core_reads_the_drifted_forms_it_accepts() {
    let sandbox =
        Sandbox::start_with(&["--drift", "unread-boolean,sender-name,bare-ids,page-flag"]);
    let (_, v1) = inbox(
        &sandbox,
        json!({"login_token": ALEX_TOKEN, "total_results": 20}),
    );
    let linkup = linkedin_inbox::Linkup::with_base_url(
        linkedin_inbox::ApiKey::new(LINKUP_KEY),
        linkedin_inbox::LoginToken::new(ALEX_TOKEN),
        &sandbox.base,
    )
    .unwrap();
    let query = linkedin_inbox::ConversationQuery {
        count: Some(20),
        ..Default::default()
    };
    let page = linkup
        .parse_inbox(&query, &send(&linkup.build_inbox(&query).unwrap()))
        .unwrap();
    let unread_rows = v1["data"]["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["unread"] == true)
        .count();
    assert!(unread_rows > 0);
    assert_eq!(
        page.items.iter().filter(|c| c.is_unread()).count(),
        unread_rows
    );
}

#[test]
fn an_unknown_drift_is_refused_with_the_known_names() {
    let error = linkedin_inbox_sandbox::config::from_args(&["--drift".into(), "nope".into()])
        .err()
        .unwrap();
    assert!(error.contains("unknown nope"), "{error}");
    assert!(error.contains("unread-boolean, sender-name, bare-ids, page-flag, list-renamed"));
    let sandbox = Sandbox::start();
    let (status, _) = sandbox.control_status("POST", "settings", Some(r#"{"drift":["nope"]}"#));
    assert_eq!(status, 400);
}
