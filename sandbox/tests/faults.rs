//! Fault injection: every mode, counted and ratio faults, endpoint and account targeting.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn raw_recent(
    sandbox: &Sandbox,
    agent: &ureq::Agent,
) -> Result<(u16, String, Option<String>, Option<String>), String> {
    let result = agent
        .get(&format!(
            "{}/linkedin/messaging/recent-messages?count=2",
            sandbox.base
        ))
        .set("authorization", &format!("Bearer {CS_KEY}"))
        .call();
    match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => {
            let (status, ct, ra) = (
                r.status(),
                r.header("content-type").map(str::to_owned),
                r.header("retry-after").map(str::to_owned),
            );
            Ok((status, r.into_string().unwrap(), ct, ra))
        }
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn each_fault_mode_answers_as_specified_then_recovers() {
    let sandbox = Sandbox::start();
    let agent = agent();
    sandbox.fault(json!({"mode": "status", "status": 500, "count": 1}));
    let (status, body, ..) = raw_recent(&sandbox, &agent).unwrap();
    assert_eq!(
        (status, body.as_str()),
        (
            500,
            r#"{"error":"Failed to get LinkedIn authentication credentials","success":false}"#
        )
    );

    sandbox.fault(json!({"mode": "status", "status": 429, "retryAfter": 7, "count": 1}));
    let (status, _, _, retry_after) = raw_recent(&sandbox, &agent).unwrap();
    assert_eq!((status, retry_after.as_deref()), (429, Some("7")));

    sandbox.fault(json!({"mode": "echo", "count": 1}));
    let (status, body, ..) = raw_recent(&sandbox, &agent).unwrap();
    assert_eq!(status, 500);
    assert!(
        body.contains(&format!("Bearer {CS_KEY}")),
        "the echo fault quotes the request's key: {body}"
    );

    sandbox.fault(json!({"mode": "malformed", "count": 1}));
    let (status, body, ..) = raw_recent(&sandbox, &agent).unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());

    sandbox.fault(json!({"mode": "html", "count": 1}));
    let (status, body, content_type, _) = raw_recent(&sandbox, &agent).unwrap();
    assert_eq!(status, 502);
    assert!(body.starts_with("<!DOCTYPE html>") && content_type.unwrap().starts_with("text/html"));

    sandbox.fault(json!({"mode": "truncated", "count": 1}));
    let (status, body, ..) = raw_recent(&sandbox, &agent).unwrap();
    let (_, full, ..) = raw_recent(&sandbox, &agent).unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
    assert!(full.starts_with(&body) && body.len() < full.len());

    sandbox.fault(json!({"mode": "latency", "latencyMs": 300, "count": 1}));
    let started = Instant::now();
    assert_eq!(raw_recent(&sandbox, &agent).unwrap().0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    sandbox.fault(json!({"mode": "hang", "count": 1}));
    let impatient = ureq::AgentBuilder::new()
        .timeout(Duration::from_millis(400))
        .build();
    let started = Instant::now();
    assert!(
        raw_recent(&sandbox, &impatient).is_err(),
        "a hung call never answers"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    assert_eq!(raw_recent(&sandbox, &agent).unwrap().0, 200, "recovered");
    assert_eq!(sandbox.stats()["faultsPending"], 0);
}

#[test]
fn counted_faults_fire_exactly_n_times_and_ratios_are_shares() {
    let sandbox = Sandbox::start_with(&["--daily-limit", "10000"]);
    let agent = agent();
    sandbox.fault(json!({"mode": "status", "status": 502, "count": 3}));
    let statuses: Vec<u16> = (0..5)
        .map(|_| raw_recent(&sandbox, &agent).unwrap().0)
        .collect();
    assert_eq!(statuses, [502, 502, 502, 200, 200]);

    sandbox.fault(json!({"mode": "status", "status": 500, "ratio": 0.5}));
    let failures = (0..200)
        .filter(|_| raw_recent(&sandbox, &agent).unwrap().0 == 500)
        .count();
    assert!((60..=140).contains(&failures), "{failures} of 200");
    sandbox.control("DELETE", "faults", None);
    assert!((0..20).all(|_| raw_recent(&sandbox, &agent).unwrap().0 == 200));
}

#[test]
fn faults_target_one_endpoint_or_account() {
    let sandbox = Sandbox::start();
    sandbox.fault(json!({"mode": "status", "status": 500, "endpoint": "linkup"}));
    assert_eq!(sandbox.recent("", Some(CS_KEY)).0, 200);
    let body = json!({"linkedin_url": DOC_PROFILE_URL, "login_token": TITOUAN_TOKEN});
    assert_eq!(sandbox.conversation(&body, Some(LINKUP_KEY)).0, 500);
    sandbox.control("DELETE", "faults", None);

    sandbox.fault(json!({"mode": "status", "status": 503, "account": "6a7b8c9d0e1f2a3b4c5d6e7f"}));
    assert_eq!(sandbox.recent("", Some(CS_KEY)).0, 200);
    assert_eq!(
        sandbox
            .recent("accountId=6a7b8c9d0e1f2a3b4c5d6e7f", Some(CS_KEY))
            .0,
        503
    );
    assert_eq!(sandbox.conversation(&body, Some(LINKUP_KEY)).0, 200);
}

#[test]
fn counters_count_calls_per_endpoint_and_account_and_reset() {
    let sandbox = Sandbox::start();
    sandbox.recent("", Some(CS_KEY));
    sandbox.recent("accountId=6a7b8c9d0e1f2a3b4c5d6e7f", Some(CS_KEY));
    sandbox.recent("", Some("bad"));
    sandbox.conversation(
        &json!({"linkedin_url": DOC_PROFILE_URL, "login_token": TITOUAN_TOKEN}),
        Some(LINKUP_KEY),
    );
    let stats = sandbox.stats();
    assert_eq!(
        (
            stats["calls"]["connectsafely"].as_u64(),
            stats["calls"]["linkup"].as_u64()
        ),
        (Some(3), Some(1))
    );
    let by_account = stats["callsByAccount"].as_array().unwrap();
    assert!(by_account
        .iter()
        .any(|r| r["account"] == "6a7b8c9d0e1f2a3b4c5d6e7f" && r["calls"] == 1));
    assert!(
        !stats.to_string().contains(CS_KEY) && !stats.to_string().contains(TITOUAN_TOKEN),
        "no secrets in stats"
    );
    sandbox.control("POST", "reset", None);
    assert_eq!(sandbox.calls("total"), 0);
}

#[test]
fn a_faulted_429_can_state_its_wait_only_as_x_ratelimit_reset() {
    let sandbox = Sandbox::start();
    let agent = ureq::AgentBuilder::new().build();
    let reset_of = |form: &str| {
        sandbox.fault(json!({"mode": "status", "status": 429, "retryAfter": 120, "rateLimitReset": form, "count": 1}));
        let result = agent
            .get(&format!(
                "{}/linkedin/messaging/recent-messages?count=2",
                sandbox.base
            ))
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call();
        let Err(ureq::Error::Status(429, response)) = result else {
            panic!("a 429")
        };
        assert_eq!(response.header("retry-after"), None);
        response.header("x-ratelimit-reset").unwrap().to_owned()
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let epoch: u64 = reset_of("epoch").parse().unwrap();
    assert!(
        (now_ms / 1000 + 110..=now_ms / 1000 + 130).contains(&epoch),
        "{epoch}"
    );
    let iso = reset_of("iso");
    let at = linkedin_inbox::parse_iso8601(&iso).unwrap() as u64;
    assert!((now_ms + 110_000..=now_ms + 130_000).contains(&at), "{iso}");
}
