//! LinkupAPI's `POST /v1/messages/inbox`: shape, walks, errors and credits.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{json, Value};

#[test]
fn inbox_shape_matches_the_seed_and_walks_every_conversation_once() {
    let sandbox = Sandbox::start();
    let seed = seed_list(&sandbox, TITOUAN_ACCOUNT);
    let (status, body) = inbox(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "country": "US", "category": "INBOX"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["status", "data"]);
    assert_eq!(body["status"], "success");
    assert_eq!(
        keys(&body["data"]),
        ["conversations", "total_results", "next_cursor"]
    );
    assert_eq!(
        body["data"]["conversations"].as_array().unwrap().len(),
        10,
        "default page size"
    );
    assert_eq!(
        body["data"]["total_results"].as_u64(),
        Some(seed.len() as u64)
    );
    for size in [1, 10, 33, 100] {
        let (walked, total) = walk_inbox(&sandbox, size);
        assert_eq!(total as usize, seed.len());
        let ids: Vec<&Value> = walked.iter().map(|c| &c["conversation_id"]).collect();
        let seed_ids: Vec<&Value> = seed.iter().map(|c| &c["conversationUrn"]).collect();
        assert_eq!(
            ids, seed_ids,
            "page size {size}: the seed's conversations, in order"
        );
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), seed.len());
    }
    let (walked, _) = walk_inbox(&sandbox, 100);
    for (c, s) in walked.iter().zip(&seed) {
        assert_eq!(
            keys(c),
            [
                "conversation_id",
                "participant",
                "last_message",
                "unread",
                "type"
            ]
        );
        assert_eq!(
            keys(&c["participant"]),
            ["name", "headline", "profile_url", "profile_picture"]
        );
        assert_eq!(keys(&c["last_message"]), ["text", "time", "sender"]);
        let other = &s["participants"][0];
        assert_eq!(
            (&c["participant"]["name"], &c["participant"]["headline"]),
            (&other["name"], &other["headline"])
        );
        assert_eq!(c["participant"]["profile_picture"], other["profilePicture"]);
        assert!(c["participant"]["profile_url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.linkedin.com/in/"));
        let latest = &s["latestMessage"];
        assert_eq!(
            (
                &c["last_message"]["text"],
                &c["last_message"]["time"],
                &c["last_message"]["sender"]["name"]
            ),
            (&latest["text"], &latest["sentAt"], &latest["senderName"])
        );
        // `0` or `1`, as every documented example shows.
        let unread = u64::from(s["unreadCount"].as_u64().unwrap() > 0);
        assert_eq!(c["unread"], unread);
        assert_eq!(c["type"], "MEMBER_TO_MEMBER");
    }
    assert!(walked
        .iter()
        .any(|c| c["participant"]["profile_url"] == DOC_PROFILE_URL));
    assert!(walked.iter().any(|c| c["unread"] == 1) && walked.iter().any(|c| c["unread"] == 0));
}

#[test]
fn inbox_errors_in_the_v1_style_and_credits_shared_with_the_seed() {
    // Nine refusals below, each billed one credit (LinkupAPI v1 bills every answer but a 500),
    // then five for the successful pages.
    let sandbox = Sandbox::start_with(&["--credits", "14"]);
    let good = json!({"login_token": TITOUAN_TOKEN, "total_results": 5});
    for key in [None, Some("wrong")] {
        let (status, body) = sandbox.linkup_post("/v1/messages/inbox", &good, key);
        assert_eq!(
            (status, &body["code"], &body["status"]),
            (403, &"INVALID_API_KEY".into(), &"error".into())
        );
    }
    let cases = [
        (json!([1, 2]), 400, "INVALID_PARAMS"),
        (json!({"total_results": 5}), 400, "INVALID_PARAMS"),
        (
            json!({"login_token": "stolen-cookie"}),
            401,
            "INVALID_LOGIN_TOKEN",
        ),
        (
            json!({"login_token": TITOUAN_TOKEN, "total_results": 0}),
            400,
            "INVALID_PARAMS",
        ),
        (
            json!({"login_token": TITOUAN_TOKEN, "total_results": 101}),
            400,
            "INVALID_PARAMS",
        ),
        (
            json!({"login_token": TITOUAN_TOKEN, "next_cursor": "%%%"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            json!({"login_token": TITOUAN_TOKEN, "next_cursor": 12}),
            400,
            "INVALID_PARAMS",
        ),
        (
            json!({"login_token": TITOUAN_TOKEN, "country": "XX"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            json!({"login_token": TITOUAN_TOKEN, "category": 3}),
            400,
            "INVALID_PARAMS",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = inbox(&sandbox, body.clone());
        assert_eq!(
            (got, answer["code"].as_str(), answer["status"].as_str()),
            (status, Some(code), Some("error")),
            "{body}"
        );
    }
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        9,
        "each refusal to a known key costs the call's credit; an unknown key nothing"
    );
    let spend = |size: u64| {
        inbox(
            &sandbox,
            json!({"login_token": TITOUAN_TOKEN, "total_results": size, "category": "anything"}),
        )
        .0
    };
    assert_eq!((spend(10), spend(11)), (200, 200));
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        12,
        "1 per 10 requested, rounded up"
    );
    let (status, body) = inbox(
        &sandbox,
        json!({"login_token": TITOUAN_TOKEN, "total_results": 30}),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("INSUFFICIENT_CREDITS"))
    );
    assert_eq!(spend(20), 200);
    assert_eq!(sandbox.stats()["creditsSpent"], 14);
    let seed = sandbox.conversation(
        &json!({"linkedin_url": DOC_PROFILE_URL, "total_results": 1, "login_token": TITOUAN_TOKEN}),
        Some(LINKUP_KEY),
    );
    assert_eq!(seed.0, 402, "one credit balance for both endpoints");
}
