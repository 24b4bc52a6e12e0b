use serde_json::{json, Value};

use super::*;
use crate::{
    ApiKey, ConnectSafely, ConversationQuery, Linkup, LoginToken, MessageQuery, LINKUP_BASE_URL,
};

fn documented(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/documented/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn findings(endpoint: Endpoint, value: &Value) -> Vec<String> {
    check(endpoint, &value.to_string())
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_documented_example_meets_its_contract() {
    let examples = [
        (
            "connectsafely_recent_messages_200.json",
            Endpoint::ConnectSafelyRecentMessages,
        ),
        (
            "connectsafely_conversation_messages_200.json",
            Endpoint::ConnectSafelyThreadMessages,
        ),
        ("linkup_v1_inbox_200.json", Endpoint::LinkupV1Inbox),
        ("linkup_v1_inbox_200_older.json", Endpoint::LinkupV1Inbox),
        (
            "linkup_v1_conversation_200.json",
            Endpoint::LinkupV1Conversation,
        ),
        ("linkup_v2_list_inbox_200.json", Endpoint::LinkupV2ListInbox),
        (
            "linkup_v2_get_conversation_200.json",
            Endpoint::LinkupV2GetConversation,
        ),
    ];
    for (name, endpoint) in examples {
        assert_eq!(
            findings(endpoint, &documented(name)),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn the_placeholder_successor_example_meets_its_contract_once_its_time_is_one() {
    let mut example = documented("connectsafely_conversations_200.json");
    // The docs show `lastActivityAt: "example_value"`, which is no time: the check says so.
    assert_eq!(
        findings(Endpoint::ConnectSafelyConversations, &example),
        [
            "$.conversations[].lastActivityAt: expected time (epoch ms or ISO-8601), seen string \
          (breaks: the order by last activity)"
        ]
    );
    example["conversations"][0]["lastActivityAt"] = json!("2026-02-24T16:25:46.603Z");
    assert!(findings(Endpoint::ConnectSafelyConversations, &example).is_empty());
}

#[test]
fn an_unread_flag_where_the_docs_show_a_count_breaks_the_unread_figures() {
    let mut example = documented("linkup_v1_inbox_200.json");
    example["data"]["conversations"][0]["unread"] = json!(true);
    assert_eq!(
        findings(Endpoint::LinkupV1Inbox, &example),
        [
            "$.data.conversations[].unread: expected integer, seen boolean \
          (breaks: unread counts, the Unread view and the badge)"
        ]
    );
}

#[test]
fn a_thread_paged_by_a_flag_instead_of_its_cursor_is_named_both_ways() {
    let mut example = documented("linkup_v2_get_conversation_200.json");
    let data = example["data"].as_object_mut().unwrap();
    data.remove("next_cursor");
    data.insert("has_next_page".into(), json!(true));
    assert_eq!(
        findings(Endpoint::LinkupV2GetConversation, &example),
        // The last page of a thread may leave its cursor out: only the flag is named.
        ["$.data.has_next_page: not in the documented answer"]
    );
}

#[test]
fn a_renamed_list_is_missing_and_undocumented_and_every_path_is_named_once() {
    let mut example = documented("connectsafely_recent_messages_200.json");
    let conversations = example["conversations"].take();
    let map = example.as_object_mut().unwrap();
    map.remove("conversations");
    map.insert("items".into(), conversations);
    let mut twice = documented("linkup_v1_inbox_200.json");
    let first = twice["data"]["conversations"][0].clone();
    twice["data"]["conversations"] = json!([first.clone(), first]);
    twice["data"]["conversations"][0]["unread"] = json!("1");
    twice["data"]["conversations"][1]["unread"] = json!("1");
    assert_eq!(
        findings(Endpoint::ConnectSafelyRecentMessages, &example),
        [
            "$.conversations: documented, absent (breaks: the inbox list)",
            "$.items: not in the documented answer",
        ]
    );
    assert_eq!(
        findings(Endpoint::LinkupV1Inbox, &twice),
        [
            "$.data.conversations[].unread: expected integer, seen string of digits \
          (breaks: unread counts, the Unread view and the badge)"
        ]
    );
}

#[test]
fn a_finding_names_forms_and_paths_never_values() {
    let mut example = documented("linkup_v1_conversation_200.json");
    example["data"]["session_cookie"] = json!("AQEDAR-secret-cookie");
    example["data"]["messages"][0]["text"] = json!({"private": "Call me on 555-0100"});
    let printed = findings(Endpoint::LinkupV1Conversation, &example).join("\n");
    assert!(printed.contains("$.data.session_cookie: not in the documented answer"));
    assert!(printed.contains("$.data.messages[].text: expected string or null, seen object"));
    assert!(!printed.contains("AQEDAR") && !printed.contains("555"));
}

#[test]
fn an_answer_that_is_not_a_json_object_is_one_finding() {
    for body in ["<html>Moved</html>", "[]", "null"] {
        let found = check(Endpoint::LinkupV1Inbox, body);
        assert_eq!(found.len(), 1, "{body}");
        assert_eq!(found[0].path, "$");
        assert!(found[0].breaks.is_some());
    }
}

#[test]
fn undescribed_contents_are_not_checked() {
    let mut example = documented("connectsafely_conversation_messages_200.json");
    example["messages"][0]["attachments"] = json!([{"assetUrn": "urn:li:x", "size": 1}]);
    assert!(findings(Endpoint::ConnectSafelyThreadMessages, &example).is_empty());
}

#[test]
fn the_endpoint_of_each_request_the_core_builds() {
    let cs = ConnectSafely::new(ApiKey::new("k")).unwrap();
    let query = ConversationQuery::default();
    let thread = MessageQuery {
        conversation_id: Some("2-abc".into()),
        ..Default::default()
    };
    let v1 = Linkup::new(ApiKey::new("k"), LoginToken::new("t")).unwrap();
    let v2 = Linkup::v2(ApiKey::new("k"), "acc", LINKUP_BASE_URL).unwrap();
    let built = [
        (
            cs.build_list_conversations(&query).unwrap(),
            Endpoint::ConnectSafelyRecentMessages,
        ),
        (
            cs.build_conversations(&query).unwrap(),
            Endpoint::ConnectSafelyConversations,
        ),
        (
            cs.build_thread_messages(&thread, None).unwrap(),
            Endpoint::ConnectSafelyThreadMessages,
        ),
        (v1.build_inbox(&query).unwrap(), Endpoint::LinkupV1Inbox),
        (
            v1.build_list_messages(&thread).unwrap(),
            Endpoint::LinkupV1Conversation,
        ),
        (v2.build_inbox(&query).unwrap(), Endpoint::LinkupV2ListInbox),
        (
            v2.build_list_messages(&thread).unwrap(),
            Endpoint::LinkupV2GetConversation,
        ),
    ];
    for (request, endpoint) in built {
        assert_eq!(Endpoint::of(&request), Some(endpoint), "{}", request.url);
    }
    let draft = crate::Draft {
        profile_url: Some("https://www.linkedin.com/in/jane-doe-42/".into()),
        text: "hi".into(),
        ..Default::default()
    };
    let send = v2.build_send(&draft).unwrap();
    assert_eq!(Endpoint::of(&send), None);
}

fn answer(name: &str) -> Result<crate::HttpResponse, Unsent> {
    answer_of(documented(name))
}

fn answer_of(body: Value) -> Result<crate::HttpResponse, Unsent> {
    Ok(crate::HttpResponse {
        status: 200,
        headers: vec![],
        body: body.to_string(),
    })
}

/// A checker that answers from a script, in order, and keeps the requests and what the core
/// made of each answer.
struct Scripted {
    answers: std::collections::VecDeque<Result<crate::HttpResponse, Unsent>>,
    sent: Vec<crate::HttpRequest>,
    received: Vec<bool>,
}

impl Checker for Scripted {
    async fn send(&mut self, request: &crate::HttpRequest) -> Result<crate::HttpResponse, Unsent> {
        self.sent.push(request.clone());
        self.answers.pop_front().expect("a scripted answer")
    }

    fn received(&mut self, step: &crate::Result<crate::Step>) {
        self.received.push(step.is_ok());
    }
}

/// The checks of a LinkupAPI v1 account, answered by `answers`.
fn linkup_v1_checkup(answers: Vec<Result<crate::HttpResponse, Unsent>>) -> (Section, Scripted) {
    let client = Linkup::with_base_url(
        ApiKey::new("lk-key-secret"),
        LoginToken::new("li-at-secret"),
        "https://api.linkupapi.com",
    )
    .unwrap();
    let backend = crate::Backend::Direct {
        connectsafely: None,
        linkup: Some(client),
        account_id: None,
        routes: crate::Routes {
            list: Some(crate::Provider::Linkup),
            threads: Some(crate::Provider::Linkup),
        },
    };
    let mut checker = Scripted {
        answers: answers.into(),
        sent: Vec::new(),
        received: Vec::new(),
    };
    let section = {
        let checks = std::pin::pin!(checkup("LinkupAPI v1".into(), backend, &mut checker));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match std::future::Future::poll(checks, &mut context) {
            std::task::Poll::Ready(section) => section,
            std::task::Poll::Pending => panic!("a scripted checker answers at once"),
        }
    };
    (section, checker)
}

#[test]
fn a_checkup_of_documented_answers_is_all_clear_and_its_json_holds_no_value() {
    let (section, checker) = linkup_v1_checkup(vec![
        answer("linkup_v1_inbox_200.json"),
        answer("linkup_v1_conversation_200.json"),
    ]);
    let endpoints: Vec<_> = checker.sent.iter().map(Endpoint::of).collect();
    assert_eq!(
        endpoints,
        [
            Some(Endpoint::LinkupV1Inbox),
            Some(Endpoint::LinkupV1Conversation)
        ],
        "the list, then the first conversation's thread: two calls in all"
    );
    assert_eq!(checker.received, [true, true]);
    let report = Report {
        sections: vec![section],
    };
    assert!(report.all_clear(), "{report}");
    let json = report.to_json().to_string();
    assert!(json.contains("\"allClear\":true"), "{json}");
    for value in ["secret", "John", "Titouan", "Hey Mike", "linkedin.com"] {
        assert!(!json.contains(value), "{value} in {json}");
    }
}

#[test]
fn a_checkup_names_each_drift_and_what_the_core_made_of_it() {
    let mut drifted = documented("linkup_v1_inbox_200.json");
    drifted["data"]["conversations"][0]["unread"] = json!(false);
    let unreachable = Unsent::Unreachable {
        kind: "timed out".into(),
        error: crate::Error::Network {
            message: "timed out".into(),
        },
    };
    let (section, checker) = linkup_v1_checkup(vec![answer_of(drifted), Err(unreachable)]);
    assert_eq!(
        checker.sent.len(),
        2,
        "a call without answer ends the checks"
    );
    assert_eq!(checker.received, [true, false]);
    let report = Report {
        sections: vec![section],
    };
    let json = report.to_json();
    assert_eq!(json["allClear"], json!(false));
    assert_eq!(json["failures"], json!(1));
    let first = &json["sections"][0]["calls"][0];
    assert_eq!(
        first["endpoint"],
        json!("LinkupAPI POST /v1/messages/inbox")
    );
    assert_eq!(
        first["findings"][0]["path"],
        json!("$.data.conversations[].unread")
    );
    assert_eq!(
        first["findings"][0]["difference"],
        json!("expected integer, seen boolean")
    );
    assert_eq!(
        json["sections"][0]["calls"][1]["outcome"]["kind"],
        json!("unreachable")
    );
}

#[test]
fn a_refused_call_ends_the_checks_with_its_code() {
    let refusal = crate::Error::BudgetExhausted {
        retry_after_secs: Some(60),
    };
    let (section, checker) = linkup_v1_checkup(vec![Err(Unsent::Refused(refusal))]);
    assert_eq!(checker.sent.len(), 1, "a refusal ends the checks");
    assert_eq!(section.calls.len(), 1);
    assert_eq!(
        section.calls[0].outcome,
        Outcome::NotSent("BUDGET_EXHAUSTED")
    );
}

#[test]
fn keys_that_hold_data_are_not_reported_and_findings_are_bounded() {
    let mut example = documented("linkup_v1_conversation_200.json");
    example["data"]["Jane Doe"] = json!(1);
    example["data"]["urn:li:fsd_profile:ACoAAB"] = json!(2);
    example["data"]["2-ODFkYjU4"] = json!(3);
    let printed = findings(Endpoint::LinkupV1Conversation, &example).join("\n");
    assert_eq!(printed, "$.data.<key>: not in the documented answer");
    let mut flood = documented("linkup_v1_inbox_200.json");
    for n in 0..10_000 {
        flood["data"][format!("extra_{n}")] = json!(n);
    }
    assert_eq!(
        check(Endpoint::LinkupV1Inbox, &flood.to_string()).len(),
        MAX_FINDINGS
    );
}
