//! `/__sandbox/simulate` and the demo data: a simulated message is the newest in every view of
//! both providers, bumps unread (not from the owner), opens deterministic new conversations,
//! and bad input is a 400 naming the field.

mod common;

use common::*;
use serde_json::{json, Value};

const JOHN: &str = "John Doe";

/// The documented conversation's entry in ConnectSafely's list.
fn listed_doc_thread(sandbox: &Sandbox) -> Value {
    walk_successor(sandbox, DOC_ACCOUNT, 100)
        .into_iter()
        .find(|c| c["conversationId"] == DOC_THREAD)
        .expect("the documented thread is listed")
}

#[test]
fn a_simulated_message_is_the_newest_in_every_view_and_bumps_unread() {
    let sandbox = Sandbox::start();
    let before = listed_doc_thread(&sandbox)["unreadCount"].as_u64().unwrap();
    let (status, answer) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "Are you free at 3?"}),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["conversation"], DOC_THREAD);
    let message = &answer["message"];
    let urn = message["messageUrn"].as_str().unwrap();
    assert!(urn.starts_with("urn:li:msg_message:(urn:li:fsd_profile:"));
    assert_eq!(
        (&message["senderName"], &message["isSentByOwner"]),
        (&json!(JOHN), &json!(false))
    );
    let sent_at = message["sentAt"].as_i64().unwrap();

    // ConnectSafely: the list, the thread, the seed page.
    let (_, list) = sandbox.cs_get("/conversations?count=1", Some(CS_KEY));
    let first = &list["conversations"][0];
    assert_eq!(first["conversationId"], DOC_THREAD);
    assert_eq!(first["unreadCount"], before + 1);
    assert_eq!(first["latestMessage"]["text"], "Are you free at 3?");
    assert_eq!(first["latestMessage"]["sentAt"], sent_at);
    let (_, thread) = sandbox.cs_get(&thread_path(DOC_THREAD, "count=2"), Some(CS_KEY));
    assert_eq!(thread["messages"][0]["messageUrn"], urn);
    assert_eq!(thread["messages"][0]["isSentByOwner"], false);
    assert_eq!(thread["messages"][1]["text"], "Hello, how are you?");
    let (_, seed) = sandbox.recent("count=1", Some(CS_KEY));
    let first = &seed["conversations"][0];
    assert_eq!(first["latestMessage"]["messageUrn"], urn);
    assert_eq!(
        (&first["isRead"], &first["unreadCount"]),
        (&json!(false), &json!(before + 1))
    );
    assert_eq!(
        sandbox.recent("count=1&read=false", Some(CS_KEY)).1["conversations"][0]["latestMessage"]
            ["messageUrn"],
        urn
    );

    // LinkupAPI: v1 inbox and thread, v2 inbox and thread.
    let (_, v1_inbox) = inbox(
        &sandbox,
        json!({"login_token": ALEX_TOKEN, "total_results": 1}),
    );
    let first = &v1_inbox["data"]["conversations"][0];
    assert!(first["conversation_id"]
        .as_str()
        .unwrap()
        .ends_with(&format!(",{DOC_THREAD})")));
    assert_eq!(
        (&first["unread"], &first["last_message"]["time"]),
        (&json!(1), &json!(sent_at))
    );
    let (_, v1) = sandbox.conversation(
        &json!({"login_token": ALEX_TOKEN, "conversation_id": DOC_THREAD, "total_results": 1}),
        Some(LINKUP_KEY),
    );
    assert_eq!(v1["data"]["messages"][0]["entity_urn"], urn);
    assert_eq!(v1["data"]["unread_count"], before + 1);
    assert_eq!(v1["data"]["last_seen_message"], false);
    let (_, v2_list) = sandbox.v2(V2_DOC_ACCOUNT, "list_inbox", json!({"count": 1}));
    let first = &v2_list["data"]["conversations"][0];
    assert!(first["conversation_id"]
        .as_str()
        .unwrap()
        .ends_with(&format!(",{DOC_THREAD})")));
    assert_eq!(first["unread"], json!(1));
    assert_eq!(first["last_message"]["sender"]["is_me"], false);
    let (_, v2_thread) = sandbox.v2(
        V2_DOC_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": DOC_THREAD, "count": 1}),
    );
    assert_eq!(v2_thread["data"]["messages"][0]["entity_urn"], urn);
    assert_eq!(sandbox.stats()["simulated"], 1);
}

#[test]
fn a_message_from_the_owner_does_not_bump_unread() {
    let sandbox = Sandbox::start();
    sandbox.cs_post(
        "/messaging/mark-seen",
        &json!({"conversationUrn": DOC_THREAD}),
        Some(CS_KEY),
    );
    for from in ["owner", "Owner", "Alex Morgan"] {
        let (status, answer) = sandbox.simulate(
            json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "my reply", "from": from}),
        );
        assert_eq!(status, 200, "{answer}");
        assert_eq!(
            (
                &answer["message"]["isSentByOwner"],
                &answer["message"]["senderName"]
            ),
            (&json!(true), &json!("Alex Morgan"))
        );
        let listed = listed_doc_thread(&sandbox);
        assert_eq!(listed["unreadCount"], 0, "{from}");
        assert_eq!(listed["latestMessage"]["text"], "my reply");
        let (_, seed) = sandbox.recent("count=1", Some(CS_KEY));
        assert_eq!(seed["conversations"][0]["isRead"], true);
    }
    let (_, answer) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "from John", "from": "john doe"}),
    );
    assert_eq!(answer["message"]["senderName"], JOHN);
    assert_eq!(listed_doc_thread(&sandbox)["unreadCount"], 1);
}

#[test]
fn the_owner_writing_in_an_unread_conversation_reads_it() {
    let sandbox = Sandbox::start();
    for text in ["one", "two"] {
        sandbox.simulate(
            json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": text, "from": "john doe"}),
        );
    }
    assert_eq!(listed_doc_thread(&sandbox)["unreadCount"], 2);
    let (status, _) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "my answer", "from": "owner"}),
    );
    assert_eq!(status, 200);
    // As on LinkedIn (and as a send through the API): the owner's message reads it.
    let listed = listed_doc_thread(&sandbox);
    assert_eq!(
        (&listed["unreadCount"], &listed["latestMessage"]["text"]),
        (&json!(0), &json!("my answer"))
    );
    let (_, seed) = sandbox.recent("count=1", Some(CS_KEY));
    assert_eq!(seed["conversations"][0]["isRead"], true);
}

#[test]
fn without_a_conversation_a_new_person_opens_a_deterministic_one() {
    let sandbox = Sandbox::start();
    let before = walk_successor(&sandbox, DOC_ACCOUNT, 100).len();
    let run = |sandbox: &Sandbox| {
        let (status, named) = sandbox
            .simulate(json!({"account": DOC_ACCOUNT, "text": "Hi Alex!", "from": "Jane Roe"}));
        assert_eq!(status, 200, "{named}");
        let (_, generated) =
            sandbox.simulate(json!({"account": DOC_ACCOUNT, "text": "Hello there"}));
        (named, generated)
    };
    let (named, generated) = run(&sandbox);
    let (thread_a, thread_b) = (
        named["conversation"].as_str().unwrap(),
        generated["conversation"].as_str().unwrap(),
    );
    assert!(thread_a.starts_with("2-") && thread_b.starts_with("2-") && thread_a != thread_b);
    assert_eq!(named["message"]["senderName"], "Jane Roe");
    let list = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    assert_eq!(list.len(), before + 2);
    assert_eq!(list[0]["conversationId"], thread_b);
    assert_eq!(list[1]["conversationId"], thread_a);
    assert_eq!(list[1]["participants"][0]["name"], "Jane Roe");
    assert_eq!(
        (&list[0]["unreadCount"], &list[1]["unreadCount"]),
        (&json!(1), &json!(1))
    );
    let generated_name = list[0]["participants"][0]["name"].clone();
    assert_eq!(generated["message"]["senderName"], generated_name);

    // The same simulates after a reset: the same threads and people (new message times).
    sandbox.control("POST", "reset", None);
    let (named_again, generated_again) = run(&sandbox);
    assert_eq!(named_again["conversation"], thread_a);
    assert_eq!(generated_again["conversation"], thread_b);
    assert_eq!(generated_again["message"]["senderName"], generated_name);
    assert_eq!(
        named_again["message"]["senderProfileId"],
        named["message"]["senderProfileId"]
    );

    // A new conversation the owner starts: read, the new member its participant.
    let (_, own) = sandbox.simulate(
        json!({"account": DOC_ACCOUNT, "text": "Hi, we met at RustConf", "from": "owner"}),
    );
    assert_eq!(own["message"]["isSentByOwner"], true);
    let first = &walk_successor(&sandbox, DOC_ACCOUNT, 1)[0];
    assert_eq!(
        (&first["conversationId"], &first["unreadCount"]),
        (&own["conversation"], &json!(0))
    );
}

#[test]
fn message_urns_are_unique_and_times_strictly_increase() {
    let sandbox = Sandbox::start();
    let urns: Vec<String> = (0..5)
        .map(|i| {
            let (_, answer) = sandbox.simulate(
                json!({"account": TITOUAN_ACCOUNT, "conversation": LINKUP_DOC_THREAD, "text": format!("burst {i}")}),
            );
            answer["message"]["messageUrn"].as_str().unwrap().to_owned()
        })
        .collect();
    let mut unique = urns.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5);
    let (_, thread) = sandbox.cs_get(
        &thread_path(
            LINKUP_DOC_THREAD,
            &format!("count=5&accountId={TITOUAN_ACCOUNT}"),
        ),
        Some(CS_KEY),
    );
    let messages = thread["messages"].as_array().unwrap();
    let newest_first: Vec<&str> = messages
        .iter()
        .map(|m| m["messageUrn"].as_str().unwrap())
        .collect();
    assert_eq!(
        newest_first,
        urns.iter().rev().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(messages
        .windows(2)
        .all(|w| w[0]["sentAt"].as_i64() > w[1]["sentAt"].as_i64()));
}

#[test]
fn bad_input_is_400_naming_the_field_never_a_panic() {
    let sandbox = Sandbox::start();
    let cases: [(String, &str); 13] = [
        (json!({"account": DOC_ACCOUNT}).to_string(), "text"),
        (json!({"account": DOC_ACCOUNT, "text": "   "}).to_string(), "text"),
        (json!({"account": DOC_ACCOUNT, "text": "x".repeat(8_001)}).to_string(), "text"),
        (json!({"account": DOC_ACCOUNT, "text": 5}).to_string(), "invalid type"),
        (json!({"text": "hi"}).to_string(), "account"),
        (json!({"account": "nobody", "text": "hi"}).to_string(), "unknown account"),
        (json!({"account": DOC_ACCOUNT, "conversation": "2-nope", "text": "hi"}).to_string(), "conversation"),
        (json!({"account": PRIYA_ACCOUNT, "conversation": DOC_THREAD, "text": "hi"}).to_string(), "conversation"),
        (json!({"account": DOC_ACCOUNT, "conversation": DOC_THREAD, "text": "hi", "from": "Nobody"}).to_string(), "John Doe"),
        (json!({"account": DOC_ACCOUNT, "text": "hi", "from": " "}).to_string(), "from"),
        (json!({"account": DOC_ACCOUNT, "text": "hi", "deliver": {"delayMs": 600_001}}).to_string(), "delayMs"),
        (json!({"account": DOC_ACCOUNT, "text": "hi", "deliver": {"retry": true}}).to_string(), "unknown field"),
        ("{not json".to_owned(), "bad simulate request"),
    ];
    for (body, expected) in cases {
        let (status, answer) = sandbox.control_status("POST", "simulate", Some(&body));
        assert_eq!(status, 400, "{body}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains(expected), "{body}: {error}");
    }
    let (status, answer) = sandbox.simulate(json!({"account": DOC_ACCOUNT, "text": "hi"}));
    assert_eq!(status, 200, "still serving: {answer}");
    assert_eq!(
        sandbox.stats()["simulated"],
        1,
        "refused simulates change nothing"
    );
}
