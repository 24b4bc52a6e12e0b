//! Every request the core builds, against the documented request it stands for
//! (`tests/fixtures/documented/requests.json`, one entry per documented request with its
//! source): the method, the path, and only documented query or body fields, the required
//! ones present. The finer points (which field carries what) are in `documented_requests.rs`,
//! `documented_media.rs`, `builders.rs` and `successors.rs`.
#![cfg(not(target_arch = "wasm32"))]

use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, Draft, DraftFile, HttpRequest, Linkup, LoginToken,
    MessageQuery,
};
use serde_json::Value;

const BASE: &str = "http://127.0.0.1:9";
const CS_BASE: &str = "http://127.0.0.1:9/linkedin";
const PROFILE: &str = "https://www.linkedin.com/in/john-doe-123/";
const THREAD: &str = "2-NzkzMDFlNzAtZjU2OS00MjIwLWE2ZDctYzZkMWE1ZDljZDAyXzEwMA==";
const ACCOUNT: &str = "65fa0000000000000000c0";
const MEDIA: &str = "https://www.linkedin.com/dms/prv/image/v2/D4E/messaging-image/0/1?m=AQ";

fn entries() -> Vec<Value> {
    let text = include_str!("fixtures/documented/requests.json");
    let doc: Value = serde_json::from_str(text).expect("requests.json is JSON");
    doc["requests"].as_array().unwrap().clone()
}

fn entry(name: &str) -> Value {
    entries()
        .into_iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no documented request named {name}"))
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// `fields` are documented, and the required ones are there.
fn check_fields(what: &str, fields: &[String], spec: &Value) {
    let (documented, required) = (names(&spec["documented"]), names(&spec["required"]));
    for field in fields {
        assert!(
            documented.contains(field),
            "{what}: `{field}` is not documented ({documented:?})"
        );
    }
    for field in &required {
        assert!(
            fields.contains(field),
            "{what}: the required `{field}` is missing"
        );
    }
}

/// `path` with its `{…}` parameters matches `actual` segment by segment.
fn same_path(pattern: &str, actual: &str) -> bool {
    let (p, a): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), actual.split('/').collect());
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| p.starts_with('{') || p == a)
}

fn check(name: &str, base: &str, request: &HttpRequest) {
    let spec = entry(name);
    assert_eq!(request.method.as_str(), spec["method"], "{name}: method");
    let rest = request.url.strip_prefix(base).expect("under the base URL");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    assert!(
        same_path(spec["path"].as_str().unwrap(), path),
        "{name}: path {path}"
    );
    let query_fields: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split('=').next().unwrap().to_owned())
        .collect();
    if spec.get("query").is_some() {
        check_fields(name, &query_fields, &spec["query"]);
    } else {
        assert!(
            query_fields.is_empty(),
            "{name}: undocumented query {query}"
        );
    }
    if spec.get("body").is_some() {
        let body: Value = serde_json::from_str(request.body.as_deref().expect("a body")).unwrap();
        let keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
        check_fields(name, &keys, &spec["body"]);
        if let Some(action) = spec.get("action") {
            assert_eq!(&body["action"], action, "{name}: action");
            let params: Vec<String> = body["params"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            check_fields(name, &params, &spec["params"]);
        }
    }
}

fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), CS_BASE).unwrap()
}

fn v1() -> Linkup {
    Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at"), BASE).unwrap()
}

fn v2() -> Linkup {
    Linkup::v2(ApiKey::new("lk-key"), "lk_acc_1", BASE).unwrap()
}

fn every_query() -> Vec<ConversationQuery> {
    let full = ConversationQuery {
        account_id: Some(ACCOUNT.into()),
        count: Some(25),
        keywords: Some("hello".into()),
        unread: Some(true),
        cursor: None,
        ..Default::default()
    };
    vec![ConversationQuery::default(), full]
}

fn thread_queries() -> Vec<MessageQuery> {
    let by_id = MessageQuery {
        conversation_id: Some(THREAD.into()),
        count: Some(20),
        ..Default::default()
    };
    let by_profile = MessageQuery {
        profile_url: Some(PROFILE.into()),
        ..Default::default()
    };
    vec![by_id, by_profile]
}

fn drafts() -> Vec<Draft> {
    let reply = Draft {
        conversation_id: Some(THREAD.into()),
        profile_url: Some(PROFILE.into()),
        text: "Hi".into(),
        ..Draft::default()
    };
    let pdf = DraftFile {
        name: "cv.pdf".into(),
        media_type: "application/pdf".into(),
        byte_size: 5,
        asset_urn: Some("urn:li:digitalmediaAsset:D4E".into()),
        link: None,
        data: Some("JVBERi0=".into()),
    };
    let with_file = Draft {
        attachments: vec![pdf],
        ..reply.clone()
    };
    let to_profile = Draft {
        conversation_id: None,
        ..reply.clone()
    };
    vec![reply, with_file, to_profile]
}

#[test]
fn every_connectsafely_request_is_a_documented_one() {
    let cs = cs();
    for query in every_query() {
        check(
            "connectsafely recent messages",
            CS_BASE,
            &cs.build_list_conversations(&query).unwrap(),
        );
        if let Ok(request) = cs.build_conversations(&query) {
            check("connectsafely conversations", CS_BASE, &request);
        }
    }
    for query in thread_queries().iter().take(1) {
        for account in [None, Some(ACCOUNT)] {
            check(
                "connectsafely thread messages",
                CS_BASE,
                &cs.build_thread_messages(query, account).unwrap(),
            );
        }
    }
    for draft in drafts() {
        for account in [None, Some(ACCOUNT)] {
            check(
                "connectsafely send",
                CS_BASE,
                &cs.build_send(&draft, account).unwrap(),
            );
        }
    }
    for account in [None, Some(ACCOUNT)] {
        check(
            "connectsafely mark seen",
            CS_BASE,
            &cs.build_mark(THREAD, true, account).unwrap(),
        );
        check(
            "connectsafely mark unread",
            CS_BASE,
            &cs.build_mark(THREAD, false, account).unwrap(),
        );
        check(
            "connectsafely star",
            CS_BASE,
            &cs.build_star(THREAD, true, account).unwrap(),
        );
        check(
            "connectsafely unstar",
            CS_BASE,
            &cs.build_star(THREAD, false, account).unwrap(),
        );
        check(
            "connectsafely download media",
            CS_BASE,
            &cs.build_download_media(MEDIA, account).unwrap(),
        );
        let upload = cs
            .build_upload_attachment("cv.pdf", "application/pdf", 5, account)
            .unwrap();
        check("connectsafely upload attachment", CS_BASE, &upload);
    }
}

#[test]
fn every_linkup_request_is_a_documented_one() {
    for (client, version) in [(v1(), "v1"), (v2(), "v2")] {
        let (inbox, thread, send) = match version {
            "v1" => (
                "linkup v1 inbox",
                "linkup v1 conversation",
                "linkup v1 send",
            ),
            _ => (
                "linkup v2 list_inbox",
                "linkup v2 get_conversation",
                "linkup v2 send",
            ),
        };
        for query in every_query() {
            if let Ok(request) = client.build_inbox(&query) {
                check(inbox, BASE, &request);
            }
        }
        for query in thread_queries() {
            check(thread, BASE, &client.build_list_messages(&query).unwrap());
        }
        for draft in drafts() {
            check(send, BASE, &client.build_send(&draft).unwrap());
        }
    }
}

#[test]
fn every_documented_request_has_a_source_and_a_test_above() {
    let tested = [
        "connectsafely recent messages",
        "connectsafely conversations",
        "connectsafely thread messages",
        "connectsafely send",
        "connectsafely mark seen",
        "connectsafely mark unread",
        "connectsafely star",
        "connectsafely unstar",
        "connectsafely download media",
        "connectsafely upload attachment",
        "linkup v1 inbox",
        "linkup v1 conversation",
        "linkup v1 send",
        "linkup v2 list_inbox",
        "linkup v2 get_conversation",
        "linkup v2 send",
    ];
    let all = entries();
    assert_eq!(all.len(), tested.len());
    for e in &all {
        assert!(
            tested.contains(&e["name"].as_str().unwrap()),
            "{}",
            e["name"]
        );
        assert!(!e["source"].as_str().unwrap().is_empty());
    }
}
