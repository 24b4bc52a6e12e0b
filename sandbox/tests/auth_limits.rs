//! Auth failures, the ConnectSafely daily limit and LinkupAPI credits.

mod common;

use common::*;
use serde_json::json;

fn by_id_body(token: &str, total_results: u64) -> serde_json::Value {
    json!({"conversation_id": "2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==", "total_results": total_results, "login_token": token})
}

#[test]
fn connectsafely_account_must_belong_to_the_key_and_params_are_checked() {
    let sandbox = Sandbox::start();
    let (status, body) = sandbox.recent("accountId=000000000000000000000000", Some(CS_KEY));
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("ACCOUNT_NOT_FOUND"))
    );
    for query in [
        "count=0",
        "count=101",
        "count=abc",
        "read=maybe",
        "nextCursor=%%%",
    ] {
        let (status, body) = sandbox.recent(query, Some(CS_KEY));
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["success"], false);
    }
}

#[test]
fn linkup_auth_and_request_errors_in_the_provider_style() {
    let sandbox = Sandbox::start();
    let good = by_id_body(TITOUAN_TOKEN, 5);
    let cases = [
        (None, good.clone(), 403, "INVALID_API_KEY"),
        (Some("wrong"), good.clone(), 403, "INVALID_API_KEY"),
        (
            Some(LINKUP_KEY),
            json!({"conversation_id": "2-x", "total_results": 5}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            by_id_body("stolen-cookie", 5),
            401,
            "INVALID_LOGIN_TOKEN",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "conversation_id": "2-a", "linkedin_url": DOC_PROFILE_URL}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "conversation_id": "2-nope"}),
            404,
            "CONVERSATION_NOT_FOUND",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "linkedin_url": "https://www.linkedin.com/in/nobody-here"}),
            404,
            "CONVERSATION_NOT_FOUND",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "country": "XX"}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "total_results": 0}),
            400,
            "INVALID_PARAMS",
        ),
        (
            Some(LINKUP_KEY),
            json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "cursor": "yesterday"}),
            400,
            "INVALID_PARAMS",
        ),
    ];
    // LinkupAPI v1 bills every answer but a 500: each refusal to a known key costs the call's
    // credit (one per 10 results asked, 10 when the count is absent or invalid).
    let billed = cases
        .iter()
        .filter(|(key, ..)| *key == Some(LINKUP_KEY))
        .count();
    for (key, body, status, code) in cases {
        let (got_status, got) = sandbox.conversation(&body, key);
        assert_eq!(
            (got_status, got["code"].as_str(), got["status"].as_str()),
            (status, Some(code), Some("error")),
            "{body}"
        );
    }
    let (status, _) = sandbox.conversation(
        &json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "country": "US"}),
        Some(LINKUP_KEY),
    );
    assert_eq!(status, 200);
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        billed + 1,
        "every refusal to a known key, and the success, charged"
    );
}

#[test]
fn the_daily_limit_answers_429_with_retry_after_until_the_utc_reset() {
    let sandbox = Sandbox::start_with(&["--daily-limit", "3"]);
    for _ in 0..3 {
        assert_eq!(sandbox.recent("count=1", Some(CS_KEY)).0, 200);
    }
    let response = agent()
        .get(&format!(
            "{}/linkedin/messaging/recent-messages",
            sandbox.base
        ))
        .set("authorization", &format!("Bearer {CS_KEY}"))
        .call();
    let Err(ureq::Error::Status(429, response)) = response else {
        panic!("expected 429")
    };
    let retry_after: i64 = response.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&retry_after));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("0"));
    let other_account = sandbox.recent("accountId=6a7b8c9d0e1f2a3b4c5d6e7f", Some(CS_KEY));
    assert_eq!(other_account.0, 200, "the limit is per account");
    sandbox.control("POST", "reset", None);
    assert_eq!(sandbox.recent("", Some(CS_KEY)).0, 200);
}

#[test]
fn credits_are_one_per_ten_results_and_run_out_with_402() {
    let sandbox = Sandbox::start_with(&["--credits", "5"]);
    assert_eq!(
        sandbox
            .conversation(&by_id_body(TITOUAN_TOKEN, 10), Some(LINKUP_KEY))
            .0,
        200
    );
    assert_eq!(
        sandbox
            .conversation(&by_id_body(TITOUAN_TOKEN, 11), Some(LINKUP_KEY))
            .0,
        200
    );
    assert_eq!(sandbox.stats()["creditsSpent"], 3);
    let (status, body) = sandbox.conversation(&by_id_body(TITOUAN_TOKEN, 30), Some(LINKUP_KEY));
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("INSUFFICIENT_CREDITS"))
    );
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        3,
        "failed calls cost nothing"
    );
    assert_eq!(
        sandbox
            .conversation(&by_id_body(TITOUAN_TOKEN, 20), Some(LINKUP_KEY))
            .0,
        200
    );
    assert_eq!(sandbox.stats()["creditsSpent"], 5);
}
