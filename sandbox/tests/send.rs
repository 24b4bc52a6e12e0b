//! ConnectSafely's send, `POST /linkedin/conversations/send` (LinkupAPI's sends are in
//! `linkup_send.rs`): the documented request (`recipientProfileId` or `recipientProfileUrn`,
//! `conversationUrn`) and answer (`threadId` only for Sales Navigator), auth, validation, where
//! a sent message shows up in both providers' views, the daily quota of new conversations.

mod common;

use common::*;
use linkedin_inbox::{ApiKey, ConnectSafely, Draft, HttpResponse};
use serde_json::{json, Value};

const JOHN_SLUG: &str = "john-doe-883467181";
const JOHN_URN: &str = "urn:li:fsd_profile:ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU";
const STRANGER_URL: &str = "https://www.linkedin.com/in/jane-doe-4b2a1/";
const STRANGER_SLUG: &str = "jane-doe-4b2a1";

fn cs_send(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.cs_post("/conversations/send", &body, Some(CS_KEY))
}

/// The thread id of the account's newest conversation (where a send lands).
fn newest_thread(sandbox: &Sandbox) -> String {
    let (_, list) = sandbox.cs_get("/conversations?count=1", Some(CS_KEY));
    list["conversations"][0]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn cs_send_answers_the_documented_shape_and_shows_in_every_view() {
    let sandbox = Sandbox::start();
    let (status, body) = cs_send(
        &sandbox,
        json!({"conversationUrn": DOC_THREAD, "message": "Sounds good, see you then"}),
    );
    assert_eq!(status, 200, "{body}");
    // The documented example (its `sentMessage` a placeholder `{}`), without `threadId`: "only
    // for Sales Nav accounts", and the sandbox has no Sales Navigator conversation.
    let mut example = documented("connectsafely_send_200.json");
    example.as_object_mut().unwrap().remove("threadId");
    assert_documented_shape(&body, &example, &["/sentMessage"]);
    assert_eq!(
        keys(&body),
        ["success", "message", "recipientProfileUrn", "sentMessage"]
    );
    assert_eq!(
        (&body["success"], &body["message"]),
        (&true.into(), &"Message sent".into())
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
    assert_eq!(first["last_message"]["sender"]["name"], "Alex Morgan");
    let (_, v1) = sandbox.conversation(
        &json!({"login_token": ALEX_TOKEN, "conversation_id": DOC_THREAD, "total_results": 1}),
        Some(LINKUP_KEY),
    );
    assert_eq!(v1["data"]["messages"][0]["entity_urn"], urn);
    let (_, v2_list) = sandbox.v2(V2_DOC_ACCOUNT, "list_inbox", json!({"count": 1}));
    let first = &v2_list["data"]["conversations"][0];
    assert!(first["conversation_id"]
        .as_str()
        .unwrap()
        .ends_with(&format!(",{DOC_THREAD})")));
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
        assert_eq!((status, body.get("threadId")), (200, None), "{urn}");
    }
    // The documented example sends a recipient too: the conversation decides.
    let (status, _) = cs_send(
        &sandbox,
        json!({"recipientProfileId": STRANGER_SLUG, "conversationUrn": DOC_THREAD, "message": "form 3"}),
    );
    assert_eq!(
        (status, newest_thread(&sandbox)),
        (200, DOC_THREAD.to_owned())
    );
    let (_, thread) = sandbox.cs_get(&thread_path(DOC_THREAD, "count=5"), Some(CS_KEY));
    let messages = thread["messages"].as_array().unwrap();
    let texts: Vec<&str> = messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "form 3",
            "form 2",
            "form 1",
            "form 0",
            "Hello, how are you?"
        ]
    );
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
fn cs_send_to_a_profile_by_slug_or_urn_reuses_the_thread_or_opens_a_deterministic_one() {
    let sandbox = Sandbox::start();
    let before = walk_successor(&sandbox, DOC_ACCOUNT, 100).len();
    for recipient in [
        json!({"recipientProfileId": JOHN_SLUG}),
        json!({"recipientProfileUrn": JOHN_URN}),
        json!({"recipientProfileUrn": JOHN_URN, "recipientProfileId": "someone-else"}),
    ] {
        let mut request = recipient.clone();
        request["message"] = json!("hi John");
        let (status, body) = cs_send(&sandbox, request);
        assert_eq!((status, body.get("threadId")), (200, None), "{recipient}");
        assert_eq!(body["recipientProfileUrn"], JOHN_URN);
        assert_eq!(newest_thread(&sandbox), DOC_THREAD, "{recipient}");
    }

    let (status, body) = cs_send(
        &sandbox,
        json!({"recipientProfileId": STRANGER_SLUG, "message": "hi Jane"}),
    );
    assert_eq!(status, 200, "{body}");
    let new_thread = newest_thread(&sandbox);
    assert!(new_thread.starts_with("2-") && new_thread != DOC_THREAD);
    // Without `threadId` the core finds the thread in the message id, as LinkedIn's carry it.
    let core = ConnectSafely::with_base_url(ApiKey::new(CS_KEY), &sandbox.cs_base()).unwrap();
    let draft = Draft {
        profile_url: Some(STRANGER_URL.into()),
        text: "hi Jane".into(),
        ..Default::default()
    };
    let sent = core
        .parse_send(&draft, &HttpResponse::new(200, body.to_string()))
        .unwrap();
    assert_eq!(sent.message.conversation_id, new_thread);
    let list = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    assert_eq!(list.len(), before + 1);
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

    let (status, _) = cs_send(
        &sandbox,
        json!({"recipientProfileId": "Jane-Doe-4b2a1", "message": "again"}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        newest_thread(&sandbox),
        new_thread,
        "the same member, the same thread"
    );
    assert_eq!(walk_successor(&sandbox, DOC_ACCOUNT, 100).len(), before + 1);
    assert_eq!(sandbox.stats()["newConversations"], json!({DOC_ACCOUNT: 1}));

    // An unknown member by URN: a new thread with that member.
    let urn = "urn:li:fsd_profile:ACoAAUnknownMember0001";
    let (status, body) = cs_send(
        &sandbox,
        json!({"recipientProfileUrn": urn, "message": "hello"}),
    );
    assert_eq!((status, &body["recipientProfileUrn"]), (200, &json!(urn)));
    let list = walk_successor(&sandbox, DOC_ACCOUNT, 100);
    assert_eq!(
        list[0]["participants"][0]["profileId"],
        "ACoAAUnknownMember0001"
    );

    sandbox.control("POST", "reset", None);
    let (status, _) = cs_send(
        &sandbox,
        json!({"recipientProfileId": STRANGER_SLUG, "message": "hi Jane"}),
    );
    assert_eq!(
        (status, newest_thread(&sandbox)),
        (200, new_thread),
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

    // No conversation and no documented recipient (`recipientProfileUrl` is none).
    for request in [
        json!({"message": "hi"}),
        json!({"recipientProfileUrl": STRANGER_URL, "message": "hi"}),
        json!({"recipientProfileId": "", "message": "hi"}),
    ] {
        let (status, body) = cs_send(&sandbox, request.clone());
        assert_eq!(
            (status, body["message"].as_str()),
            (
                400,
                Some("Either recipientProfileId or recipientProfileUrn must be provided")
            ),
            "{request}"
        );
    }
    let too_long = "x".repeat(8_001);
    let invalid = [
        json!({"recipientProfileUrn": "john-doe", "message": "hi"}),
        json!({"recipientProfileId": 7, "message": "hi"}),
        json!({"conversationUrn": DOC_THREAD}),
        json!({"conversationUrn": DOC_THREAD, "message": "  \n\t "}),
        json!({"conversationUrn": DOC_THREAD, "message": 42}),
        json!({"conversationUrn": DOC_THREAD, "message": too_long}),
        json!({"conversationUrn": 7, "message": "hi"}),
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
