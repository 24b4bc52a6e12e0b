//! ConnectSafely's successors: `GET /linkedin/conversations` and
//! `GET /linkedin/conversations/{conversationUrn}/messages`, and the seed path's 307 mode.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::Value;

fn urns(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|c| c["conversationUrn"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn conversations_have_the_successor_shape_and_both_time_forms() {
    let sandbox = Sandbox::start();
    let (status, body) = sandbox.cs_get("/conversations?count=100", Some(CS_KEY));
    assert_eq!(status, 200);
    assert_eq!(
        keys(&body),
        [
            "success",
            "conversations",
            "accounts",
            "nextCursor",
            "hasMore",
            "fromCache"
        ]
    );
    assert_eq!(
        (&body["nextCursor"], &body["hasMore"], &body["fromCache"]),
        (&Value::Null, &Value::Bool(false), &Value::Bool(false))
    );
    let accounts: Vec<(&str, &str)> = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert_eq!(keys(a), ["id", "name"]);
            (a["id"].as_str().unwrap(), a["name"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        accounts,
        [
            (DOC_ACCOUNT, "Alex Morgan"),
            (TITOUAN_ACCOUNT, "Titouan Prioux"),
            (PRIYA_ACCOUNT, "Priya Iyer")
        ]
    );
    let conversations = body["conversations"].as_array().unwrap();
    let seed = seed_list(&sandbox, DOC_ACCOUNT);
    assert_eq!(
        urns(conversations),
        urns(&seed),
        "the seed's conversations, in order"
    );
    let (mut iso, mut epoch) = (0, 0);
    for (i, (c, s)) in conversations.iter().zip(&seed).enumerate() {
        assert_eq!(
            keys(c),
            [
                "conversationUrn",
                "conversationId",
                "lastActivityAt",
                "unreadCount",
                "participants",
                "latestMessage",
                "source",
                "salesNavThreadId"
            ]
        );
        let urn = c["conversationUrn"].as_str().unwrap();
        let id = c["conversationId"].as_str().unwrap();
        assert!(
            id.starts_with("2-") && urn.ends_with(&format!(",{id})")),
            "{urn}"
        );
        let at = match &c["lastActivityAt"] {
            Value::String(text) if i % 2 == 0 => {
                iso += 1;
                iso_to_ms(text)
            }
            Value::Number(n) if i % 2 == 1 => {
                epoch += 1;
                n.as_i64().unwrap()
            }
            other => panic!("position {i}: lastActivityAt {other}"),
        };
        assert_eq!(at, s["lastActivityAt"].as_i64().unwrap());
        assert_eq!(c["unreadCount"], s["unreadCount"]);
        assert_eq!(
            (&c["source"], &c["salesNavThreadId"]),
            (&"LINKEDIN".into(), &Value::Null)
        );
        let latest = &c["latestMessage"];
        assert_eq!(
            keys(latest),
            ["text", "sentAt", "senderName", "hasAttachment"]
        );
        for field in ["text", "sentAt", "senderName", "hasAttachment"] {
            assert_eq!(latest[field], s["latestMessage"][field], "{field}");
        }
        let participants = c["participants"].as_array().unwrap();
        assert_eq!(
            participants.len(),
            s["participants"].as_array().unwrap().len()
        );
        for (p, sp) in participants
            .iter()
            .zip(s["participants"].as_array().unwrap())
        {
            let fields = [
                "profileId",
                "name",
                "headline",
                "profileUrl",
                "profilePicture",
                "distance",
            ];
            assert_eq!(keys(p), fields);
            for field in fields {
                assert_eq!(p[field], sp[field], "{field}");
            }
        }
    }
    assert!(
        iso > 0 && epoch > 0,
        "both time forms: {iso} ISO, {epoch} epoch ms"
    );
    assert_eq!(
        conversations[0]["lastActivityAt"], "2026-02-24T16:25:46.603Z",
        "the documented conversation first, as ISO with milliseconds"
    );
    let (_, default_page) = sandbox.cs_get("/conversations", Some(CS_KEY));
    assert_eq!(default_page["conversations"].as_array().unwrap().len(), 20);
    assert_eq!(default_page["hasMore"], true);
}

#[test]
fn conversation_walks_match_the_seed_for_many_page_sizes_and_ignore_filters() {
    let sandbox = Sandbox::start_with(&["--daily-limit", "100000"]);
    for account in [DOC_ACCOUNT, PRIYA_ACCOUNT] {
        let seed = urns(&seed_list(&sandbox, account));
        for count in [1, 2, 7, 20, 33, 100] {
            let walked = walk_successor(&sandbox, account, count);
            assert_eq!(urns(&walked), seed, "{account}, page size {count}");
            assert_eq!(
                urns(&walked).into_iter().collect::<HashSet<_>>().len(),
                seed.len()
            );
            for (i, c) in walked.iter().enumerate() {
                assert_eq!(c["lastActivityAt"].is_string(), i % 2 == 0, "position {i}");
            }
        }
    }
    let (_, plain) = sandbox.cs_get("/conversations?count=5", Some(CS_KEY));
    let (_, filtered) = sandbox.cs_get(
        "/conversations?count=5&keywords=zzzz-no-such-text&read=false&labelId=42&labeledOnly=true",
        Some(CS_KEY),
    );
    assert_eq!(
        plain, filtered,
        "unknown parameters are ignored: no filtering"
    );
}

#[test]
fn conversation_errors_are_error_strings() {
    let sandbox = Sandbox::start();
    for key in [None, Some("wrong-key")] {
        let (status, body) = sandbox.cs_get("/conversations", key);
        assert_eq!(
            (status, body.to_string()),
            (
                401,
                r#"{"error":"Unauthorized - Invalid credentials"}"#.into()
            )
        );
    }
    let cases = [
        ("/conversations?accountId=000000000000000000000000", 404),
        ("/conversations?count=0", 400),
        ("/conversations?count=101", 400),
        ("/conversations?count=abc", 400),
        ("/conversations?nextCursor=%25%25%25", 400),
        ("/conversations?nextCursor=linkedin%3Anope", 400),
    ];
    for (path, status) in cases {
        let (got, body) = sandbox.cs_get(path, Some(CS_KEY));
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(keys(&body), ["error"], "{path}");
        assert!(body["error"].is_string());
    }
}

#[test]
fn thread_messages_shape_and_every_urn_form() {
    let sandbox = Sandbox::start();
    let full = format!(
        "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAATPlQ0Bc8wdg-Iy8wZgEDuSdIVWJiE1Aio,{DOC_THREAD})"
    );
    let (status, body) = sandbox.cs_get(&thread_path(&full, "count=5"), Some(CS_KEY));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        keys(&body),
        [
            "success",
            "messages",
            "participants",
            "hasMore",
            "cursor",
            "note"
        ]
    );
    assert!(body["note"].as_str().is_some_and(|n| !n.is_empty()));
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 5);
    let first = &messages[0];
    assert_eq!(
        keys(first),
        [
            "messageUrn",
            "text",
            "sentAt",
            "senderProfileId",
            "senderName",
            "senderPhoto",
            "isSentByOwner",
            "hasAttachment",
            "attachments"
        ]
    );
    let (_, seed) = sandbox.recent("count=1", Some(CS_KEY));
    let latest = &seed["conversations"][0]["latestMessage"];
    assert_eq!(first["messageUrn"], latest["messageUrn"]);
    assert_eq!(
        (&first["text"], &first["sentAt"]),
        (&latest["text"], &latest["sentAt"])
    );
    assert_eq!(
        (
            &first["senderName"],
            &first["senderProfileId"],
            &first["isSentByOwner"]
        ),
        (
            &"John Doe".into(),
            &"ACoAADSoo60BM6hxemTbnN2aA_Z1-WlNFRhRYhU".into(),
            &false.into()
        )
    );
    assert!(messages
        .iter()
        .any(|m| m["isSentByOwner"] == true && m["senderName"] == "Alex Morgan"));
    assert!(messages
        .iter()
        .all(|m| m["attachments"] == serde_json::json!([])));
    let participant = &body["participants"][0];
    assert_eq!(
        keys(participant),
        ["profileId", "name", "headline", "profilePicture"]
    );
    assert_eq!(participant["name"], "John Doe");
    assert_eq!(body["hasMore"], true);
    assert_eq!(body["cursor"], messages[4]["sentAt"].to_string());

    for other_form in [
        format!("urn:li:messagingThread:{DOC_THREAD}"),
        DOC_THREAD.to_owned(),
    ] {
        let (status, same) = sandbox.cs_get(&thread_path(&other_form, "count=5"), Some(CS_KEY));
        assert_eq!((status, &same), (200, &body), "{other_form}");
    }
    let (_, default_page) = sandbox.cs_get(&thread_path(DOC_THREAD, ""), Some(CS_KEY));
    assert_eq!(
        default_page["messages"].as_array().unwrap().len(),
        12,
        "default count 50; the documented thread has 12 messages"
    );
    assert_eq!(
        (&default_page["hasMore"], &default_page["cursor"]),
        (&false.into(), &Value::Null)
    );
}

#[test]
fn thread_cursor_is_strictly_older_and_since_strictly_newer() {
    let sandbox = Sandbox::start();
    let (_, list) = sandbox.cs_get("/conversations?count=3", Some(CS_KEY));
    for conversation in list["conversations"].as_array().unwrap() {
        let urn = conversation["conversationUrn"].as_str().unwrap();
        let reference: Vec<Value> = walk_thread(&sandbox, urn, DOC_ACCOUNT, 100)
            .into_iter()
            .flat_map(|(page, _)| page)
            .collect();
        let stamps: Vec<i64> = reference
            .iter()
            .map(|m| m["sentAt"].as_i64().unwrap())
            .collect();
        assert!(
            stamps.windows(2).all(|w| w[0] > w[1]),
            "strictly newest first"
        );
        assert_eq!(
            reference[0]["sentAt"],
            conversation["latestMessage"]["sentAt"]
        );
        for count in [1, 3, 10, 17, 50] {
            let walked: Vec<Value> = walk_thread(&sandbox, urn, DOC_ACCOUNT, count)
                .into_iter()
                .flat_map(|(page, _)| page)
                .collect();
            assert_eq!(walked, reference, "page size {count}");
        }
        let since = stamps[4];
        let (_, newer) = sandbox.cs_get(
            &thread_path(urn, &format!("count=2&since={since}")),
            Some(CS_KEY),
        );
        assert_eq!(newer["messages"].as_array().unwrap()[..], reference[..2]);
        assert_eq!(
            (&newer["hasMore"], &newer["cursor"]),
            (&true.into(), &stamps[1].to_string().into())
        );
        let query = format!("count=2&since={since}&cursor={}", stamps[1]);
        let (_, rest) = sandbox.cs_get(&thread_path(urn, &query), Some(CS_KEY));
        assert_eq!(rest["messages"].as_array().unwrap()[..], reference[2..4]);
        assert_eq!(
            (&rest["hasMore"], &rest["cursor"]),
            (&false.into(), &Value::Null)
        );
        let (_, older) = sandbox.cs_get(
            &thread_path(urn, &format!("count=1&cursor={}", stamps[3])),
            Some(CS_KEY),
        );
        assert_eq!(
            older["messages"][0], reference[4],
            "strictly older than the cursor"
        );
    }
}

#[test]
fn thread_errors_and_account_scoping() {
    let sandbox = Sandbox::start();
    for key in [None, Some("wrong-key")] {
        let (status, body) = sandbox.cs_get(&thread_path(DOC_THREAD, ""), key);
        assert_eq!((status, keys(&body)), (401, vec!["error"]));
    }
    let foreign_owner =
        format!("urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAnotTheOwner,{DOC_THREAD})");
    let cases = [
        (
            thread_path(DOC_THREAD, "accountId=000000000000000000000000"),
            404,
        ),
        (thread_path("2-nope", ""), 404),
        (thread_path(&foreign_owner, ""), 404),
        (thread_path(LINKUP_DOC_THREAD, ""), 404),
        (thread_path(DOC_THREAD, "count=0"), 400),
        (thread_path(DOC_THREAD, "count=101"), 400),
        (thread_path(DOC_THREAD, "cursor=yesterday"), 400),
        (thread_path(DOC_THREAD, "since=1.5"), 400),
    ];
    for (path, status) in cases {
        let (got, body) = sandbox.cs_get(&path, Some(CS_KEY));
        assert_eq!(
            (got, keys(&body)),
            (status, vec!["error"]),
            "{path}: {body}"
        );
    }
    let scoped = thread_path(
        LINKUP_DOC_THREAD,
        &format!("accountId={TITOUAN_ACCOUNT}&count=3&sync=false"),
    );
    let (status, body) = sandbox.cs_get(&scoped, Some(CS_KEY));
    assert_eq!((status, &body["messages"][0]["text"]), (200, &"😃".into()));
}
