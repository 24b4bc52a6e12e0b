use linkedin_inbox::contract::{check, Endpoint};
use linkedin_inbox::Error;
use serde_json::Value;

use super::*;

fn documented(name: &str) -> Value {
    let path = format!(
        "{}/../tests/fixtures/documented/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_documented_answer_has_no_drift() {
    let body = documented("linkup_v1_inbox_200.json").to_string();
    let endpoint = Endpoint::LinkupV1Inbox;
    assert_eq!(of_findings(endpoint, &check(endpoint, &body)), vec![]);
}

#[test]
fn a_drifted_answer_is_counted_by_path_and_form_without_its_values() {
    let mut answer = documented("linkup_v1_inbox_200.json");
    answer["data"]["conversations"][0]["unread"] = Value::Bool(true);
    answer["data"]["conversations"][0]["secret_note"] = "a private word".into();
    let endpoint = Endpoint::LinkupV1Inbox;
    let drifts = of_findings(endpoint, &check(endpoint, &answer.to_string()));
    let unread = drifts
        .iter()
        .find(|d| d.path == "$.data.conversations[].unread")
        .unwrap();
    assert_eq!(unread.endpoint, "LinkupAPI POST /v1/messages/inbox");
    assert_eq!(unread.difference, "expected integer, seen boolean");
    assert!(unread.breaks.is_some());
    let extra = drifts
        .iter()
        .find(|d| d.path == "$.data.conversations[].secret_note")
        .unwrap();
    assert_eq!(
        (extra.difference.as_str(), extra.breaks),
        ("undocumented", None)
    );
    let shown = format!("{drifts:?}");
    assert!(!shown.contains("private"), "{shown}");
    assert!(!shown.contains("John"), "{shown}");
}

#[test]
fn an_unreadable_answer_keeps_its_path_with_positions_folded_and_no_reason() {
    let error = Error::MalformedResponse {
        status: 200,
        path: "data.conversations[17].unread".into(),
        reason: "invalid type: integer `0`, expected a boolean".into(),
        body_excerpt: "{\"secret\":\"x\"}".into(),
    };
    let drift = of_error(Endpoint::LinkupV2ListInbox, &error).unwrap();
    assert_eq!(drift.path, "$.data.conversations[].unread");
    assert_eq!(drift.difference, UNREADABLE);
    assert_eq!(drift.endpoint, "LinkupAPI POST /v2/messages list_inbox");
    let root = Error::MalformedResponse {
        status: 200,
        path: ".".into(),
        reason: "not JSON".into(),
        body_excerpt: String::new(),
    };
    assert_eq!(of_error(Endpoint::LinkupV1Inbox, &root).unwrap().path, "$");
    let other = Error::Network {
        message: "down".into(),
    };
    assert_eq!(of_error(Endpoint::LinkupV1Inbox, &other), None);
}

#[test]
fn an_endpoint_is_checked_once_per_interval() {
    assert!(check_due(None, 1_000, 300_000));
    assert!(!check_due(Some(1_000), 300_999, 300_000));
    assert!(check_due(Some(1_000), 301_000, 300_000));
    assert!(check_due(Some(1_000), 1_000, 0));
}
