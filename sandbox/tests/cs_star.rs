//! ConnectSafely's star and unstar (CS-mirror `PATCH /conversations/:urn/star`, `/unstar`):
//! opened as `mark-unread` (key, `?accountId`, any thread id form), the star shown in
//! `/__sandbox/stats` (`starred`), 404 for an unknown conversation, and the action faults.

mod common;

use common::*;
use serde_json::json;

fn star_path(urn: &str, action: &str) -> String {
    format!(
        "/conversations/{}/{action}?accountId={DOC_ACCOUNT}",
        urlencode(urn)
    )
}

#[test]
fn star_and_unstar_change_the_star_the_stats_show() {
    let sandbox = Sandbox::start();
    let (_, listed) = sandbox.recent("count=1", Some(CS_KEY));
    let first = &listed["conversations"][0];
    let thread = first["conversationId"].as_str().unwrap().to_owned();
    let urn = first["conversationUrn"].as_str().unwrap().to_owned();
    assert_eq!(sandbox.stats()["starred"], json!({}));

    let (status, body) = sandbox.cs_patch(&star_path(&urn, "star"), Some(CS_KEY));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"success": true, "conversationUrn": urn, "starred": true, "message": "Conversation starred"})
    );
    assert_eq!(sandbox.stats()["starred"], json!({ DOC_ACCOUNT: [thread] }));
    // Starring twice keeps one star; the bare id and the messagingThread URN name it too.
    let messaging = format!("urn:li:messagingThread:{thread}");
    assert_eq!(
        sandbox
            .cs_patch(&star_path(&messaging, "star"), Some(CS_KEY))
            .0,
        200
    );
    assert_eq!(sandbox.stats()["starred"], json!({ DOC_ACCOUNT: [thread] }));

    let (status, body) = sandbox.cs_patch(&star_path(&thread, "unstar"), Some(CS_KEY));
    assert_eq!((status, &body["starred"]), (200, &false.into()), "{body}");
    assert_eq!(sandbox.stats()["starred"], json!({}));
    let endpoints = &sandbox.stats()["callsByEndpoint"];
    assert_eq!(
        (&endpoints["cs.star"], &endpoints["cs.unstar"]),
        (&2.into(), &1.into())
    );
}

#[test]
fn star_checks_the_key_and_the_conversation_and_takes_the_action_faults() {
    let sandbox = Sandbox::start();
    let (status, _) = sandbox.cs_patch(&star_path(DOC_THREAD, "star"), Some("wrong"));
    assert_eq!(status, 401);
    let (status, body) = sandbox.cs_patch(&star_path("2-nope", "star"), Some(CS_KEY));
    assert_eq!(
        (status, &body["success"], body["message"].is_string()),
        (404, &false.into(), true)
    );
    let (status, body) = sandbox.cs_patch(
        "/conversations/2-nope/unstar?accountId=000000000000000000000000",
        Some(CS_KEY),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("ACCOUNT_NOT_FOUND"))
    );

    sandbox.fault(json!({"mode": "status", "status": 500, "route": "cs.star", "count": 1}));
    let (status, body) = sandbox.cs_patch(&star_path(DOC_THREAD, "star"), Some(CS_KEY));
    assert_eq!((status, &body["success"]), (500, &false.into()), "{body}");
    assert_eq!(
        sandbox.stats()["starred"],
        json!({}),
        "a failed star stars nothing"
    );
    sandbox.fault(
        json!({"mode": "status", "status": 429, "retryAfter": 2, "route": "cs.unstar", "count": 1}),
    );
    let (status, _) = sandbox.cs_patch(&star_path(DOC_THREAD, "unstar"), Some(CS_KEY));
    assert_eq!(status, 429);
    let (status, _) = sandbox.cs_patch(&star_path(DOC_THREAD, "star"), Some(CS_KEY));
    assert_eq!(status, 200);
    assert_eq!(
        sandbox.stats()["starred"],
        json!({ DOC_ACCOUNT: [DOC_THREAD] })
    );
}

#[test]
fn without_account_id_the_star_goes_to_the_keys_account_that_holds_the_conversation() {
    let sandbox = Sandbox::start();
    let query = format!("count=1&accountId={TITOUAN_ACCOUNT}");
    let (_, listed) = sandbox.recent(&query, Some(CS_KEY));
    let thread = listed["conversations"][0]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = |action: &str| format!("/conversations/{}/{action}", urlencode(&thread));
    let (status, body) = sandbox.cs_patch(&path("star"), Some(CS_KEY));
    assert_eq!(
        status, 200,
        "the key's first account does not hold it: {body}"
    );
    assert_eq!(
        sandbox.stats()["starred"],
        json!({ TITOUAN_ACCOUNT: [thread] })
    );
    assert_eq!(sandbox.cs_patch(&path("unstar"), Some(CS_KEY)).0, 200);
    assert_eq!(sandbox.stats()["starred"], json!({}));
    let unread = format!("/conversations/{}/mark-unread", urlencode(&thread));
    assert_eq!(sandbox.cs_patch(&unread, Some(CS_KEY)).0, 200);
}

#[test]
fn the_star_answers_in_the_form_the_settings_choose_and_stars_all_the_same() {
    let sandbox = Sandbox::start();
    let forms = [
        ("empty", 204, json!("")),
        ("is-starred", 200, json!({"isStarred": true})),
        ("text", 200, json!("OK")),
    ];
    for (form, status, body) in forms {
        let set = sandbox.control("POST", "settings", Some(json!({ "starAnswer": form })));
        assert_eq!(set["starAnswer"], form);
        let answer = sandbox.cs_patch(&star_path(DOC_THREAD, "star"), Some(CS_KEY));
        assert_eq!(answer, (status, body), "{form}");
        assert_eq!(
            sandbox.stats()["starred"],
            json!({ DOC_ACCOUNT: [DOC_THREAD] })
        );
        assert_eq!(
            sandbox
                .cs_patch(&star_path(DOC_THREAD, "unstar"), Some(CS_KEY))
                .0,
            status
        );
    }
}
