//! Across the successor endpoints: ids agree with the seeds, the `redirect` fault, faults in
//! each endpoint's error style, and `callsByEndpoint`.

mod common;

use common::*;
use serde_json::{json, Value};

/// One thread through LinkupAPI v1 in pages of `size`: (entity_urns, next_cursor) per page.
fn v1_pages(sandbox: &Sandbox, token: &str, urn: &str, size: u64) -> Vec<(Vec<Value>, Value)> {
    let (mut pages, mut cursor) = (Vec::new(), Value::Null);
    loop {
        let body = json!({"conversation_id": urn, "total_results": size, "cursor": cursor, "login_token": token});
        let (status, page) = sandbox.conversation(&body, Some(LINKUP_KEY));
        assert_eq!(status, 200, "{page}");
        let urns = page["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["entity_urn"].clone())
            .collect();
        cursor = page["data"]["pagination"]["next_cursor"].clone();
        pages.push((urns, cursor.clone()));
        if cursor.is_null() {
            return pages;
        }
    }
}

/// The same through v2 `get_conversation`.
fn v2_pages(sandbox: &Sandbox, account: &str, id: &str, size: u64) -> Vec<(Vec<Value>, Value)> {
    let (mut pages, mut cursor) = (Vec::new(), Value::Null);
    loop {
        let (status, page) = sandbox.v2(
            account,
            "get_conversation",
            json!({"conversation_id": id, "count": size, "cursor": cursor}),
        );
        assert_eq!(status, 200, "{page}");
        // The documented answer does not name the thread.
        assert!(page["data"].get("conversation_id").is_none());
        let urns = page["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["entity_urn"].clone())
            .collect();
        cursor = page["data"]["next_cursor"].clone();
        pages.push((urns, cursor.clone()));
        if cursor.is_null() {
            return pages;
        }
    }
}

#[test]
fn ids_agree_across_every_endpoint() {
    let sandbox = Sandbox::start_with(&["--daily-limit", "100000"]);
    let accounts = [
        (DOC_ACCOUNT, ALEX_TOKEN, V2_DOC_ACCOUNT),
        (TITOUAN_ACCOUNT, TITOUAN_TOKEN, V2_TITOUAN_ACCOUNT),
    ];
    for (account, token, v2_account) in accounts {
        let (_, seed) = sandbox.recent(&format!("count=100&accountId={account}"), Some(CS_KEY));
        let seed = seed["conversations"].as_array().unwrap();
        let successor = walk_successor(&sandbox, account, 100);
        let (_, v1) = sandbox.linkup_post(
            "/v1/messages/inbox",
            &json!({"login_token": token, "total_results": 100}),
            Some(LINKUP_KEY),
        );
        let (_, v2) = sandbox.v2(v2_account, "list_inbox", json!({"count": 100}));
        let (v1, v2) = (
            v1["data"]["conversations"].as_array().unwrap(),
            v2["data"]["conversations"].as_array().unwrap(),
        );
        assert!(seed.len() >= 60);
        assert_eq!(
            (successor.len(), v1.len(), v2.len()),
            (seed.len(), seed.len(), seed.len())
        );
        for (i, s) in seed.iter().enumerate() {
            let urn = s["conversationUrn"].as_str().unwrap();
            let thread = urn.rsplit_once(',').unwrap().1.strip_suffix(')').unwrap();
            assert_eq!(successor[i]["conversationUrn"], urn);
            assert_eq!(successor[i]["conversationId"], thread);
            assert_eq!(s["conversationId"], thread);
            assert_eq!(v1[i]["conversation_id"], urn);
            assert_eq!(v2[i]["conversation_id"], urn);
        }
        // Message ids: the same pages through ConnectSafely, LinkupAPI v1 and v2.
        for s in seed.iter().take(4) {
            let urn = s["conversationUrn"].as_str().unwrap();
            let thread = s["conversationId"].as_str().unwrap();
            for size in [7, 10] {
                let cs: Vec<(Vec<Value>, Value)> =
                    walk_thread(&sandbox, urn, account, size as usize)
                        .into_iter()
                        .map(|(page, cursor)| {
                            (
                                page.iter().map(|m| m["messageUrn"].clone()).collect(),
                                cursor,
                            )
                        })
                        .collect();
                let v1 = v1_pages(&sandbox, token, urn, size);
                let v2 = v2_pages(&sandbox, v2_account, thread, size);
                assert_eq!(
                    cs, v1,
                    "{urn}, page size {size}: messageUrn = entity_urn, cursors equal"
                );
                assert_eq!(v2, v1, "{thread}, page size {size}: v2 = v1");
                assert_eq!(cs[0].0[0], s["latestMessage"]["messageUrn"]);
            }
        }
    }
}

/// GET without following redirects: status, `Location`, body.
fn get_raw(url: &str) -> (u16, Option<String>, String) {
    status_header_text(
        no_redirect_agent()
            .get(url)
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call(),
        "location",
    )
}

#[test]
fn the_redirect_fault_sends_calls_to_another_host_and_a_second_hop() {
    let first = Sandbox::start();
    let second = Sandbox::start();
    let refused = first.control(
        "POST",
        "faults",
        Some(json!({"mode": "redirect", "count": 1})),
    );
    assert!(
        refused["error"].as_str().unwrap().contains("location"),
        "{refused}"
    );
    let refused = first.control(
        "POST",
        "faults",
        Some(json!({"mode": "redirect", "location": ""})),
    );
    assert!(refused["error"].is_string());

    let elsewhere = format!("{}/linkedin/conversations?count=2", second.base);
    first.fault(
        json!({"mode": "redirect", "location": elsewhere, "endpoint": "connectsafely", "count": 1}),
    );
    second.fault(
        json!({"mode": "redirect", "location": "/linkedin/conversations?count=1", "count": 1}),
    );
    let (status, location, body) = get_raw(&format!(
        "{}/linkedin/messaging/recent-messages?count=5",
        first.base
    ));
    assert_eq!(
        (status, location.as_deref(), body.as_str()),
        (307, Some(elsewhere.as_str()), "")
    );
    let (status, location, body) = get_raw(&elsewhere);
    assert_eq!(
        (status, location.as_deref(), body.as_str()),
        (307, Some("/linkedin/conversations?count=1"), "")
    );
    let (status, _, body) = get_raw(&format!("{}{}", second.base, location.unwrap()));
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(
        get_raw(&format!(
            "{}/linkedin/messaging/recent-messages",
            first.base
        ))
        .0,
        200,
        "one use only"
    );

    first.fault(json!({"mode": "redirect", "location": "https://api.linkupapi.com/v2/messages", "endpoint": "linkup", "count": 1}));
    let (status, location, body) = status_header_text(
        no_redirect_agent()
            .post(&format!("{}/v2/messages", first.base))
            .set("x-api-key", LINKUP_KEY)
            .send_string(
                &json!({"account_id": V2_TITOUAN_ACCOUNT, "action": "list_inbox"}).to_string(),
            ),
        "location",
    );
    assert_eq!(
        (status, location.as_deref(), body.as_str()),
        (307, Some("https://api.linkupapi.com/v2/messages"), "")
    );
    assert_eq!(
        first.stats()["creditsSpent"],
        0,
        "a redirected call costs nothing"
    );
}

#[test]
fn faults_cover_every_endpoint_of_a_provider_in_its_error_style() {
    let sandbox = Sandbox::start();
    let thread = thread_path(DOC_THREAD, "count=2");
    sandbox
        .fault(json!({"mode": "status", "status": 500, "endpoint": "connectsafely", "count": 2}));
    for path in ["/conversations", thread.as_str()] {
        let (status, body) = sandbox.cs_get(path, Some(CS_KEY));
        assert_eq!(
            (
                status,
                body.as_object().unwrap().len(),
                body["error"].is_string()
            ),
            (500, 1, true),
            "{path}"
        );
    }
    assert_eq!(
        sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({})).0,
        200,
        "a ConnectSafely fault spares LinkupAPI"
    );
    sandbox.fault(json!({"mode": "status", "status": 429, "retryAfter": 3, "endpoint": "connectsafely", "count": 1}));
    let (status, retry_after, text) = status_header_text(
        agent()
            .get(&format!("{}/linkedin/conversations", sandbox.base))
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call(),
        "retry-after",
    );
    assert_eq!((status, retry_after.as_deref()), (429, Some("3")));
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        json!({"error": "Too many requests"})
    );

    sandbox.fault(json!({"mode": "status", "status": 503, "endpoint": "linkup", "count": 1}));
    let (status, body) = sandbox.linkup_post(
        "/v1/messages/inbox",
        &json!({"login_token": TITOUAN_TOKEN}),
        Some(LINKUP_KEY),
    );
    assert_eq!(
        (status, &body["status"], &body["code"]),
        (503, &"error".into(), &"INTERNAL_ERROR".into())
    );
    sandbox.fault(json!({"mode": "echo", "endpoint": "linkup", "count": 1}));
    let (status, body) = sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({}));
    assert_eq!(
        (status, &body["success"], &body["error"]["code"]),
        (500, &false.into(), &"INTERNAL_ERROR".into())
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(LINKUP_KEY),
        "the echo fault quotes the key"
    );
    sandbox.fault(json!({"mode": "truncated", "endpoint": "connectsafely", "count": 1}));
    let cut = status_text(
        agent()
            .get(&format!("{}/linkedin{thread}", sandbox.base))
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call(),
    );
    let full = status_text(
        agent()
            .get(&format!("{}/linkedin{thread}", sandbox.base))
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call(),
    );
    assert_eq!((cut.0, full.0), (200, 200));
    assert!(full.1.starts_with(&cut.1) && cut.1.len() < full.1.len());
    assert_eq!(sandbox.stats()["faultsPending"], 0);
}

#[test]
fn calls_by_endpoint_counts_each_endpoint_and_keeps_the_totals() {
    let sandbox = Sandbox::start();
    let stats = sandbox.stats();
    let endpoints = stats["callsByEndpoint"].as_object().unwrap();
    assert!(
        endpoints.values().all(|n| n == 0),
        "every endpoint listed from the start"
    );
    sandbox.recent("count=1", Some(CS_KEY));
    sandbox.recent("", Some("wrong-key"));
    sandbox.cs_get("/conversations?count=1", Some(CS_KEY));
    sandbox.cs_get("/conversations", None);
    sandbox.cs_get(&thread_path(DOC_THREAD, "count=1"), Some(CS_KEY));
    sandbox.conversation(
        &json!({"linkedin_url": DOC_PROFILE_URL, "login_token": TITOUAN_TOKEN}),
        Some(LINKUP_KEY),
    );
    sandbox.linkup_post(
        "/v1/messages/inbox",
        &json!({"login_token": TITOUAN_TOKEN}),
        Some(LINKUP_KEY),
    );
    sandbox.v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({}));
    sandbox.v2(V2_INACTIVE_ACCOUNT, "list_inbox", json!({}));
    sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": LINKUP_DOC_THREAD}),
    );
    sandbox.v2(V2_TITOUAN_ACCOUNT, "send", json!({}));
    sandbox.control(
        "POST",
        "settings",
        Some(json!({"connectsafelySeed": "redirect"})),
    );
    status_header_text(
        no_redirect_agent()
            .get(&format!(
                "{}/linkedin/messaging/recent-messages",
                sandbox.base
            ))
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call(),
        "location",
    );
    let stats = sandbox.stats();
    assert_eq!(
        stats["callsByEndpoint"],
        json!({
            "cs.conversations": 2,
            "cs.download-media": 0,
            "cs.mark-seen": 0,
            "cs.mark-unread": 0,
            "cs.recent-messages": 2,
            "cs.recent-messages.redirect": 1,
            "cs.send": 0,
            "cs.star": 0,
            "cs.thread-messages": 1,
            "cs.unstar": 0,
            "cs.upload-attachment": 0,
            "lk.conversation": 1,
            "lk.inbox": 1,
            "lk.send": 0,
            "lk.v2": 0,
            "lk.v2.get_conversation": 1,
            "lk.v2.list_inbox": 2,
            "lk.v2.send": 1
        })
    );
    assert_eq!(
        (
            &stats["calls"]["connectsafely"],
            &stats["calls"]["linkup"],
            &stats["calls"]["total"]
        ),
        (&6.into(), &6.into(), &12.into())
    );
    let accounts = stats["callsByAccount"].as_array().unwrap();
    assert!(accounts
        .iter()
        .any(|r| r["endpoint"] == "linkup" && r["account"] == TITOUAN_ACCOUNT && r["calls"] == 5));
    sandbox.control("POST", "reset", None);
    assert!(sandbox.stats()["callsByEndpoint"]
        .as_object()
        .unwrap()
        .values()
        .all(|n| n == 0));
}
