//! ConnectSafely's read-state endpoints (`mark-seen`, `mark-unread`) as every view shows
//! them, and the `commit-drop`/`commit-hang` faults that commit a send and lose its answer.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// The conversation `thread` in the seed list, `/conversations`, v1 inbox and v2 thread.
fn read_state_everywhere(sandbox: &Sandbox, thread: &str) -> (Value, Value, Value, Value) {
    let seed = seed_list(sandbox, DOC_ACCOUNT);
    let seed = seed
        .into_iter()
        .find(|c| c["conversationId"] == thread)
        .unwrap();
    let listed = walk_successor(sandbox, DOC_ACCOUNT, 100);
    let listed = listed
        .into_iter()
        .find(|c| c["conversationId"] == thread)
        .unwrap();
    let (_, v1) = inbox(
        sandbox,
        json!({"login_token": ALEX_TOKEN, "total_results": 100}),
    );
    let v1 = v1["data"]["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["conversation_id"]
                .as_str()
                .unwrap()
                .ends_with(&format!(",{thread})"))
        })
        .unwrap()
        .clone();
    let (_, v2) = sandbox.v2(
        V2_DOC_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": thread, "count": 1}),
    );
    (seed, listed, v1, v2["data"].clone())
}

#[test]
fn mark_seen_and_mark_unread_change_the_read_state_in_every_view() {
    let sandbox = Sandbox::start();
    let (_, unread) = sandbox.recent("read=false&count=1", Some(CS_KEY));
    let unread = &unread["conversations"][0];
    let thread = unread["conversationId"].as_str().unwrap().to_owned();
    let urn = unread["conversationUrn"].as_str().unwrap().to_owned();
    let (seed, listed, v1, v2) = read_state_everywhere(&sandbox, &thread);
    assert!(seed["unreadCount"].as_u64().unwrap() >= 1 && seed["isRead"] == false);
    assert!(
        listed["unreadCount"].as_u64().unwrap() >= 1
            && v1["unread"] == 1
            && v2["last_seen_message"] == false
    );

    let (status, body) = sandbox.cs_post(
        "/messaging/mark-seen",
        &json!({"conversationUrn": urn}),
        Some(CS_KEY),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"success": true, "accountId": DOC_ACCOUNT, "conversationUrn": urn, "message": "Conversation marked as seen"})
    );
    assert_eq!(
        keys(&body),
        ["success", "accountId", "conversationUrn", "message"]
    );
    let (seed, listed, v1, v2) = read_state_everywhere(&sandbox, &thread);
    assert_eq!(
        (&seed["unreadCount"], &seed["isRead"]),
        (&0.into(), &true.into())
    );
    assert!(seed["lastReadAt"].as_i64() >= seed["lastActivityAt"].as_i64());
    assert_eq!(
        (&listed["unreadCount"], &v1["unread"]),
        (&0.into(), &0.into())
    );
    assert_eq!(
        (&v2["unread_count"], &v2["last_seen_message"]),
        (&0.into(), &true.into())
    );
    let (_, still_unread) = sandbox.recent("read=false&count=100", Some(CS_KEY));
    assert!(still_unread["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["conversationId"] != thread.as_str()));

    let path = format!(
        "/conversations/{}/mark-unread?accountId={DOC_ACCOUNT}",
        urlencode(&urn)
    );
    let (status, body) = sandbox.cs_patch(&path, Some(CS_KEY));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"success": true, "conversationUrn": urn, "message": "Conversation marked as unread"})
    );
    assert_eq!(keys(&body), ["success", "conversationUrn", "message"]);
    let (seed, listed, v1, v2) = read_state_everywhere(&sandbox, &thread);
    assert!(seed["unreadCount"].as_u64().unwrap() >= 1 && seed["isRead"] == false);
    assert!(listed["unreadCount"].as_u64().unwrap() >= 1 && v1["unread"] == 1);
    assert_eq!(v2["last_seen_message"], false);

    // A read thread (the documented one, bare id) becomes unread, then read again.
    let (status, _) = sandbox.cs_patch(
        &format!("/conversations/{}/mark-unread", urlencode(DOC_THREAD)),
        Some(CS_KEY),
    );
    assert_eq!(status, 200);
    assert_eq!(
        read_state_everywhere(&sandbox, DOC_THREAD).0["isRead"],
        false
    );
    sandbox.cs_post(
        "/messaging/mark-seen",
        &json!({"conversationUrn": DOC_THREAD}),
        Some(CS_KEY),
    );
    assert_eq!(
        read_state_everywhere(&sandbox, DOC_THREAD).0["isRead"],
        true
    );
    let endpoints = &sandbox.stats()["callsByEndpoint"];
    assert_eq!(
        (&endpoints["cs.mark-seen"], &endpoints["cs.mark-unread"]),
        (&2.into(), &2.into())
    );
}

#[test]
fn read_state_endpoints_check_auth_and_answer_404_for_unknown_conversations() {
    let sandbox = Sandbox::start();
    let seen = json!({"conversationUrn": DOC_THREAD});
    let (status, body) = sandbox.cs_post("/messaging/mark-seen", &seen, None);
    assert_eq!(
        (status, body),
        (401, json!({"error": "Unauthorized - Invalid credentials"}))
    );
    let (status, _) = sandbox.cs_patch(
        &format!("/conversations/{}/mark-unread", urlencode(DOC_THREAD)),
        Some("wrong"),
    );
    assert_eq!(status, 401);
    let (status, body) = sandbox.cs_post(
        "/messaging/mark-seen",
        &json!({"conversationUrn": "2-nope"}),
        Some(CS_KEY),
    );
    assert_eq!(
        (status, &body["success"], body["message"].is_string()),
        (404, &false.into(), true)
    );
    let (status, body) = sandbox.cs_patch("/conversations/2-nope/mark-unread", Some(CS_KEY));
    assert_eq!(
        (status, &body["success"], body["message"].is_string()),
        (404, &false.into(), true)
    );
    let other = json!({"conversationUrn": DOC_THREAD, "accountId": PRIYA_ACCOUNT});
    assert_eq!(
        sandbox
            .cs_post("/messaging/mark-seen", &other, Some(CS_KEY))
            .0,
        404,
        "another account's thread"
    );
    let stranger = json!({"conversationUrn": DOC_THREAD, "accountId": "000000000000000000000000"});
    let (status, body) = sandbox.cs_post("/messaging/mark-seen", &stranger, Some(CS_KEY));
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("ACCOUNT_NOT_FOUND"))
    );
    for body in [json!({}), json!({"conversationUrn": 5}), json!("x")] {
        let (status, answer) = sandbox.cs_post("/messaging/mark-seen", &body, Some(CS_KEY));
        assert_eq!((status, &answer["success"]), (400, &false.into()), "{body}");
    }
}

/// A raw ConnectSafely send: `Err` when no answer came.
fn raw_send(sandbox: &Sandbox, agent: &ureq::Agent, text: &str) -> Result<u16, String> {
    let body = json!({"conversationUrn": DOC_THREAD, "message": text}).to_string();
    let result = agent
        .post(&format!("{}/linkedin/conversations/send", sandbox.base))
        .set("authorization", &format!("Bearer {CS_KEY}"))
        .send_string(&body);
    match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => Ok(r.status()),
        Err(e) => Err(e.to_string()),
    }
}

fn copies_in_thread(sandbox: &Sandbox, thread: &str, account: &str, text: &str) -> usize {
    let (_, body) = sandbox.cs_get(
        &thread_path(thread, &format!("count=20&accountId={account}")),
        Some(CS_KEY),
    );
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["text"] == text)
        .count()
}

#[test]
fn commit_drop_commits_exactly_one_message_and_answers_nothing() {
    let sandbox = Sandbox::start();
    sandbox.fault(json!({"mode": "commit-drop", "count": 1}));
    assert_eq!(
        sandbox.cs_get("/conversations?count=1", Some(CS_KEY)).0,
        200,
        "reads are not affected"
    );
    assert_eq!(
        sandbox.stats()["faultsPending"],
        1,
        "the fault waits for a send"
    );

    let outcome = raw_send(&sandbox, &agent(), "did it arrive?");
    assert!(outcome.is_err(), "no response at all: {outcome:?}");
    assert_eq!(
        copies_in_thread(&sandbox, DOC_THREAD, DOC_ACCOUNT, "did it arrive?"),
        1
    );
    let stats = sandbox.stats();
    assert_eq!(
        (
            &stats["sends"],
            &stats["callsByEndpoint"]["cs.send"],
            &stats["faultsPending"]
        ),
        (&1.into(), &1.into(), &0.into())
    );
    assert_eq!(
        raw_send(&sandbox, &agent(), "retry"),
        Ok(200),
        "the next send answers"
    );

    // Filtered to LinkupAPI: the ConnectSafely send answers, the v2 send is dropped.
    sandbox.fault(json!({"mode": "commit-drop", "endpoint": "linkup", "count": 1}));
    assert_eq!(raw_send(&sandbox, &agent(), "cs answers"), Ok(200));
    let body = json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "send", "params": {"profile_url": DOC_PROFILE_URL, "message_text": "v2 dropped"}});
    let result = agent()
        .post(&format!("{}/v2/messages", sandbox.base))
        .set("x-api-key", LINKUP_KEY)
        .send_string(&body.to_string());
    assert!(
        matches!(result, Err(ureq::Error::Transport(_))),
        "no response"
    );
    assert_eq!(
        copies_in_thread(&sandbox, LINKUP_DOC_THREAD, TITOUAN_ACCOUNT, "v2 dropped"),
        1
    );
    let stats = sandbox.stats();
    assert_eq!(
        (
            &stats["sendsByEndpoint"]["lk.v2.send"],
            &stats["creditsSpent"]
        ),
        (&1.into(), &1.into()),
        "committed and charged"
    );

    // By route: only the v1 send.
    sandbox.fault(json!({"mode": "commit-drop", "route": "lk.send", "count": 1}));
    let v1 = json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "message_text": "v1 dropped"});
    assert_eq!(
        sandbox
            .v2(
                V2_TITOUAN_ACCOUNT,
                "send",
                json!({"profile_url": DOC_PROFILE_URL, "message_text": "v2 ok"})
            )
            .0,
        200
    );
    let result = agent()
        .post(&format!("{}/v1/messages/send-message", sandbox.base))
        .set("x-api-key", LINKUP_KEY)
        .send_string(&v1.to_string());
    assert!(
        matches!(result, Err(ureq::Error::Transport(_))),
        "no response"
    );
    assert_eq!(
        copies_in_thread(&sandbox, LINKUP_DOC_THREAD, TITOUAN_ACCOUNT, "v1 dropped"),
        1
    );
}

#[test]
fn commit_hang_commits_then_never_answers() {
    let sandbox = Sandbox::start();
    sandbox.fault(json!({"mode": "commit-hang", "endpoint": "connectsafely", "count": 1}));
    let impatient = ureq::AgentBuilder::new()
        .timeout(Duration::from_millis(400))
        .build();
    let started = Instant::now();
    assert!(raw_send(&sandbox, &impatient, "hung but sent").is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        copies_in_thread(&sandbox, DOC_THREAD, DOC_ACCOUNT, "hung but sent"),
        1
    );
    assert_eq!(sandbox.stats()["sends"], 1);
}

#[test]
fn commit_faults_are_refused_for_routes_that_do_not_send() {
    let sandbox = Sandbox::start();
    for spec in [
        json!({"mode": "commit-drop", "route": "cs.conversations"}),
        json!({"mode": "commit-hang", "route": "cs.mark-seen"}),
        json!({"mode": "status", "route": "cs.nowhere"}),
    ] {
        let answer = sandbox.control("POST", "faults", Some(spec.clone()));
        assert!(answer["error"].is_string(), "{spec}: {answer}");
    }
    assert_eq!(sandbox.stats()["faultsPending"], 0);
    // Ordinary faults reach the new routes, in their error style.
    sandbox.fault(json!({"mode": "status", "status": 503, "route": "cs.mark-seen", "count": 1}));
    let (status, body) = sandbox.cs_post(
        "/messaging/mark-seen",
        &json!({"conversationUrn": DOC_THREAD}),
        Some(CS_KEY),
    );
    assert_eq!((status, &body["success"]), (503, &false.into()));
    assert_eq!(
        sandbox
            .cs_post(
                "/messaging/mark-seen",
                &json!({"conversationUrn": DOC_THREAD}),
                Some(CS_KEY)
            )
            .0,
        200
    );
    sandbox.fault(
        json!({"mode": "status", "status": 429, "retryAfter": 9, "route": "cs.send", "count": 1}),
    );
    let (status, body) = sandbox.cs_post(
        "/conversations/send",
        &json!({"conversationUrn": DOC_THREAD, "message": "x"}),
        Some(CS_KEY),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("RATE_LIMIT_EXCEEDED"))
    );
    assert_eq!(
        sandbox.stats()["sends"],
        0,
        "an injected error sends nothing"
    );
}
