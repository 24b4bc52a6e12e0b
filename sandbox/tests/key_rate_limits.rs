//! Per-API-key rate limits (`--key-rate-limits`, `keyRateLimits` in `/__sandbox/settings`):
//! off by default, shared by the accounts of a key, the providers' documented 429s, refilled
//! by time, one limiter per key, counted per key digest in stats.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{json, Value};

/// SHA-256 of the demo keys, first 8 hex digits (`printf %s KEY | sha256sum`).
const CS_KEY_DIGEST: &str = "e3703ed8";
const LINKUP_KEY_DIGEST: &str = "9fb11859";

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// GET one conversation of `account`'s list with `key` (fewer than the daily limit of 150
/// calls per account in every test).
fn cs_list(sandbox: &Sandbox, account: &str, key: &str) -> ureq::Response {
    let path = format!("/conversations?count=1&accountId={account}");
    let result = agent()
        .get(&format!("{}/linkedin{path}", sandbox.base))
        .set("authorization", &format!("Bearer {key}"))
        .call();
    match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    }
}

fn settings(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    sandbox.control_status("POST", "settings", Some(&body.to_string()))
}

fn key_stats(sandbox: &Sandbox, provider: &str, digest: &str) -> (u64, u64) {
    let entry = &sandbox.stats()["keyRateLimits"][provider][digest];
    (
        entry["calls"].as_u64().unwrap(),
        entry["limited"].as_u64().unwrap(),
    )
}

#[test]
fn off_by_default_but_calls_are_counted_per_key_digest() {
    let sandbox = Sandbox::start();
    for _ in 0..110 {
        assert_eq!(cs_list(&sandbox, DOC_ACCOUNT, CS_KEY).status(), 200);
    }
    for _ in 0..5 {
        let (status, _) = inbox(&sandbox, json!({"login_token": TITOUAN_TOKEN}));
        assert_eq!(status, 200);
    }
    let stats = sandbox.stats();
    assert_eq!(
        stats["keyRateLimits"],
        json!({
            "connectsafely": {CS_KEY_DIGEST: {"calls": 110, "limited": 0}},
            "linkup": {LINKUP_KEY_DIGEST: {"calls": 5, "limited": 0}},
        })
    );
    let text = stats.to_string();
    assert!(
        !text.contains(CS_KEY) && !text.contains(LINKUP_KEY),
        "{text}"
    );
    let (status, echoed) = settings(&sandbox, json!({}));
    assert_eq!((status, &echoed["keyRateLimits"]), (200, &Value::Null));
}

#[test]
fn the_flag_switches_on_the_documented_limits_and_null_switches_them_off() {
    let sandbox = Sandbox::start_with(&["--key-rate-limits"]);
    let documented = json!({
        "connectsafely": {"perMinute": 60, "burst": 100, "burstWindowSecs": 10},
        "linkup": {"perMinute": 300},
    });
    let (_, echoed) = settings(&sandbox, json!({}));
    assert_eq!(echoed["keyRateLimits"], documented);
    // 100 calls at once pass (the burst), the 101st does not.
    for i in 0..100 {
        assert_eq!(
            cs_list(&sandbox, DOC_ACCOUNT, CS_KEY).status(),
            200,
            "call {i}"
        );
    }
    let refused = cs_list(&sandbox, DOC_ACCOUNT, CS_KEY);
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.header("x-ratelimit-limit"), Some("100"));
    let (_, echoed) = settings(&sandbox, json!({"keyRateLimits": null}));
    assert_eq!(echoed["keyRateLimits"], Value::Null);
    assert_eq!(cs_list(&sandbox, DOC_ACCOUNT, CS_KEY).status(), 200);
    assert_eq!(
        key_stats(&sandbox, "connectsafely", CS_KEY_DIGEST),
        (102, 1)
    );
    // Bad numbers and unknown fields are refused, and change nothing.
    for bad in [
        json!({"keyRateLimits": {"linkup": {"perMinute": 0}}}),
        json!({"keyRateLimits": {"linkup": {"perMinute": 3, "perHour": 9}}}),
    ] {
        assert_eq!(settings(&sandbox, bad.clone()).0, 400, "{bad}");
    }
    assert_eq!(
        settings(&sandbox, json!({})).1["keyRateLimits"],
        Value::Null
    );
}

#[test]
fn connectsafely_burst_is_shared_by_the_accounts_of_a_key_and_refills() {
    let sandbox = Sandbox::start();
    let limits = json!({"keyRateLimits": {"connectsafely": {"perMinute": 600, "burst": 5, "burstWindowSecs": 1}}});
    assert_eq!(settings(&sandbox, limits).0, 200);
    for account in [
        DOC_ACCOUNT,
        TITOUAN_ACCOUNT,
        PRIYA_ACCOUNT,
        DOC_ACCOUNT,
        TITOUAN_ACCOUNT,
    ] {
        assert_eq!(cs_list(&sandbox, account, CS_KEY).status(), 200);
    }
    let before = now_ms();
    let refused = cs_list(&sandbox, PRIYA_ACCOUNT, CS_KEY);
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    let reset = iso_to_ms(refused.header("x-ratelimit-reset").unwrap());
    assert!(
        (before..=before + 1_100).contains(&reset),
        "reset {reset} within the burst window after {before}"
    );
    let body: Value = serde_json::from_str(&refused.into_string().unwrap()).unwrap();
    assert_eq!(body["success"], false);
    assert!(
        body["error"].as_str().unwrap().contains("Rate limit"),
        "{body}"
    );
    // The other endpoints of the provider, in their own error style, share the limit.
    let (status, _) = sandbox.cs_post(
        "/messaging/mark-seen",
        &json!({"conversationUrn": DOC_THREAD}),
        Some(CS_KEY),
    );
    assert_eq!(status, 429);
    assert_eq!(sandbox.recent("count=1", Some(CS_KEY)).0, 429);
    // Not LinkupAPI's.
    assert_eq!(
        inbox(&sandbox, json!({"login_token": TITOUAN_TOKEN})).0,
        200
    );

    std::thread::sleep(Duration::from_millis(1_100));
    for _ in 0..5 {
        assert_eq!(cs_list(&sandbox, TITOUAN_ACCOUNT, CS_KEY).status(), 200);
    }
    assert_eq!(cs_list(&sandbox, TITOUAN_ACCOUNT, CS_KEY).status(), 429);
    assert_eq!(key_stats(&sandbox, "connectsafely", CS_KEY_DIGEST), (14, 4));
}

#[test]
fn connectsafely_sustained_rate_refills_a_token_at_a_time() {
    let sandbox = Sandbox::start();
    // Burst 3 per second, then 60 per minute: an emptied window gives back one call a second.
    let limits = json!({"keyRateLimits": {"connectsafely": {"perMinute": 60, "burst": 3, "burstWindowSecs": 1}}});
    assert_eq!(settings(&sandbox, limits).0, 200);
    for _ in 0..3 {
        assert_eq!(cs_list(&sandbox, DOC_ACCOUNT, CS_KEY).status(), 200);
    }
    std::thread::sleep(Duration::from_millis(1_100));
    assert_eq!(cs_list(&sandbox, DOC_ACCOUNT, CS_KEY).status(), 200);
    let refused = cs_list(&sandbox, DOC_ACCOUNT, CS_KEY);
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.header("x-ratelimit-limit"), Some("60"));
}

#[test]
fn linkup_limit_covers_v1_and_v2_and_bills_v1_only() {
    let sandbox = Sandbox::start();
    let limits = json!({"keyRateLimits": {"linkup": {"perMinute": 3}}});
    assert_eq!(settings(&sandbox, limits).0, 200);
    assert_eq!(
        inbox(&sandbox, json!({"login_token": TITOUAN_TOKEN})).0,
        200
    );
    assert_eq!(
        sandbox
            .v2(V2_TITOUAN_ACCOUNT, "list_inbox", json!({"count": 10}))
            .0,
        200
    );
    let send = json!({"login_token": TITOUAN_TOKEN, "linkedin_url": DOC_PROFILE_URL, "message_text": "hi"});
    assert_eq!(
        sandbox
            .linkup_post("/v1/messages/send-message", &send, Some(LINKUP_KEY))
            .0,
        200
    );
    let spent = sandbox.stats()["creditsSpent"].as_u64().unwrap();
    assert_eq!(spent, 3);

    let result = agent()
        .post(&format!("{}/v1/messages/inbox", sandbox.base))
        .set("x-api-key", LINKUP_KEY)
        .send_string(&json!({"login_token": TITOUAN_TOKEN, "total_results": 20}).to_string());
    let (status, retry_after, text) = status_header_text(result, "retry-after");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (status, &body["status"], &body["code"]),
        (429, &json!("error"), &json!("RATE_LIMITED"))
    );
    let wait: u64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        spent + 2,
        "a v1 429 is billed (2 credits for 20 results)"
    );

    let (status, body) = sandbox.v2(
        V2_TITOUAN_ACCOUNT,
        "get_conversation",
        json!({"conversation_id": LINKUP_DOC_THREAD}),
    );
    assert_eq!((status, &body["success"]), (429, &json!(false)));
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    assert_eq!(
        (
            &body["metadata"]["action"],
            &body["metadata"]["credits_consumed"]
        ),
        (&json!("get_conversation"), &json!(0))
    );
    assert_eq!(
        sandbox.stats()["creditsSpent"],
        spent + 2,
        "v2 errors are never billed"
    );
    assert_eq!(key_stats(&sandbox, "linkup", LINKUP_KEY_DIGEST), (5, 2));
    // An unknown key is refused as before, not limited or counted.
    let (status, body) = sandbox.linkup_post(
        "/v1/messages/inbox",
        &json!({"login_token": TITOUAN_TOKEN}),
        Some("nope"),
    );
    assert_eq!((status, &body["code"]), (403, &json!("INVALID_API_KEY")));
    assert_eq!(key_stats(&sandbox, "linkup", LINKUP_KEY_DIGEST), (5, 2));
}

#[test]
fn two_keys_have_two_limiters() {
    let dir = std::env::temp_dir().join(format!("sandbox-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.json");
    let body = json!({
        "connectsafelyKeys": [
            {"key": "cs-key-one", "accounts": [DOC_ACCOUNT, TITOUAN_ACCOUNT]},
            {"key": "cs-key-two", "accounts": [TITOUAN_ACCOUNT]},
        ],
        "linkupKeys": ["lk-key-one", "lk-key-two"],
        "keyRateLimits": {
            "connectsafely": {"perMinute": 60, "burst": 2, "burstWindowSecs": 10},
            "linkup": {"perMinute": 2},
        },
    });
    std::fs::write(&config, body.to_string()).unwrap();
    let sandbox = Sandbox::start_with(&["--config", config.to_str().unwrap()]);
    for _ in 0..2 {
        assert_eq!(
            cs_list(&sandbox, TITOUAN_ACCOUNT, "cs-key-one").status(),
            200
        );
    }
    assert_eq!(
        cs_list(&sandbox, TITOUAN_ACCOUNT, "cs-key-one").status(),
        429
    );
    // The same account through the other key is not limited.
    for _ in 0..2 {
        assert_eq!(
            cs_list(&sandbox, TITOUAN_ACCOUNT, "cs-key-two").status(),
            200
        );
    }
    assert_eq!(
        cs_list(&sandbox, TITOUAN_ACCOUNT, "cs-key-two").status(),
        429
    );
    let open = json!({"login_token": TITOUAN_TOKEN});
    for key in ["lk-key-one", "lk-key-two"] {
        for expected in [200, 200, 429] {
            let (status, _) = sandbox.linkup_post("/v1/messages/inbox", &open, Some(key));
            assert_eq!(status, expected, "{key}");
        }
    }
    assert_eq!(
        sandbox.stats()["keyRateLimits"],
        json!({
            "connectsafely": {"10e287cd": {"calls": 3, "limited": 1}, "3060ec80": {"calls": 3, "limited": 1}},
            "linkup": {"a24b0db0": {"calls": 3, "limited": 1}, "30ffd8d8": {"calls": 3, "limited": 1}},
        })
    );
    let _ = std::fs::remove_dir_all(&dir);
}
