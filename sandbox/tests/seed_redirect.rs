//! `--connectsafely-seed serve|redirect` and `POST /__sandbox/settings {connectsafelySeed}`:
//! the seed path answers as documented, or 307 to `/linkedin/conversations` as production.

mod common;

use std::process::Command;

use common::*;
use serde_json::json;

/// GET the seed path without following redirects: status, `Location`, body text.
fn seed_raw(sandbox: &Sandbox, query: &str, key: &str) -> (u16, Option<String>, String) {
    let url = format!("{}/linkedin/messaging/recent-messages{query}", sandbox.base);
    status_header_text(
        no_redirect_agent()
            .get(&url)
            .set("authorization", &format!("Bearer {key}"))
            .call(),
        "location",
    )
}

const QUERIES: [&str; 5] = [
    "",
    "?count=3",
    "?count=7&keywords=hello&read=false",
    "?accountId=6a7b8c9d0e1f2a3b4c5d6e7f&count=100",
    "?count=0",
];

#[test]
fn serve_mode_answers_byte_for_byte_as_before_also_after_switching_back() {
    let default = Sandbox::start();
    let serve = Sandbox::start_with(&["--connectsafely-seed", "serve"]);
    let reference: Vec<_> = QUERIES
        .iter()
        .map(|q| seed_raw(&default, q, CS_KEY))
        .collect();
    assert_eq!(reference[0].0, 200);
    assert!(reference[0]
        .2
        .starts_with(r#"{"success":true,"accountId":"696ce9e780e0483585e4e553""#));
    for (query, expected) in QUERIES.iter().zip(&reference) {
        assert_eq!(&seed_raw(&serve, query, CS_KEY), expected, "{query}");
    }
    let settings = serve.control(
        "POST",
        "settings",
        Some(json!({"connectsafelySeed": "redirect"})),
    );
    assert_eq!(settings["connectsafelySeed"], "redirect");
    assert_eq!(seed_raw(&serve, "?count=3", CS_KEY).0, 307);
    let settings = serve.control(
        "POST",
        "settings",
        Some(json!({"connectsafelySeed": "serve"})),
    );
    assert_eq!(settings["connectsafelySeed"], "serve");
    for (query, expected) in QUERIES.iter().zip(&reference) {
        assert_eq!(
            &seed_raw(&serve, query, CS_KEY),
            expected,
            "{query} after switching back"
        );
    }
    let refused = serve.control(
        "POST",
        "settings",
        Some(json!({"connectsafelySeed": "maybe"})),
    );
    assert!(refused["error"].is_string(), "{refused}");
}

#[test]
fn redirect_mode_answers_307_to_the_successor_with_the_same_query() {
    let sandbox = Sandbox::start_with(&["--connectsafely-seed", "redirect"]);
    for query in QUERIES {
        let (status, location, body) = seed_raw(&sandbox, query, CS_KEY);
        assert_eq!(status, 307, "{query}");
        assert_eq!(location.unwrap(), format!("/linkedin/conversations{query}"));
        assert_eq!(body, "", "empty body");
    }
    // Following the Location with the key gives the successor's answer, filters ignored.
    let (_, location, _) = seed_raw(&sandbox, "?count=3&keywords=zzzz&read=true", CS_KEY);
    let followed = status_header_text(
        agent()
            .get(&format!("{}{}", sandbox.base, location.unwrap()))
            .set("authorization", &format!("Bearer {CS_KEY}"))
            .call(),
        "location",
    );
    let (status, direct) = sandbox.cs_get("/conversations?count=3", Some(CS_KEY));
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&followed.2).unwrap(),
        direct
    );
    assert_eq!(direct["conversations"].as_array().unwrap().len(), 3);

    let (status, _, body) = seed_raw(&sandbox, "?count=3", "wrong-key");
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"error":"Unauthorized - Invalid credentials"}"#)
    );
    let endpoints = &sandbox.stats()["callsByEndpoint"];
    assert_eq!(
        endpoints["cs.recent-messages.redirect"],
        QUERIES.len() as u64 + 1
    );
    assert_eq!(endpoints["cs.recent-messages"], 1, "the refused call");
    assert_eq!(endpoints["cs.conversations"], 2);

    let settings = sandbox.control(
        "POST",
        "settings",
        Some(json!({"connectsafelySeed": "serve"})),
    );
    assert_eq!(settings["connectsafelySeed"], "serve");
    assert_eq!(seed_raw(&sandbox, "?count=3", CS_KEY).0, 200);
    sandbox.control("POST", "reset", None);
    assert_eq!(
        seed_raw(&sandbox, "?count=3", CS_KEY).0,
        307,
        "reset restores the flag's mode"
    );
}

#[test]
fn the_daily_limit_follows_the_redirect_and_307s_do_not_spend_it() {
    let sandbox = Sandbox::start_with(&["--connectsafely-seed", "redirect", "--daily-limit", "2"]);
    for _ in 0..5 {
        assert_eq!(seed_raw(&sandbox, "?count=1", CS_KEY).0, 307);
    }
    assert_eq!(
        sandbox.cs_get("/conversations?count=1", Some(CS_KEY)).0,
        200
    );
    assert_eq!(
        sandbox.cs_get("/conversations?count=1", Some(CS_KEY)).0,
        200
    );
    let response = agent()
        .get(&format!("{}/linkedin/conversations", sandbox.base))
        .set("authorization", &format!("Bearer {CS_KEY}"))
        .call();
    let Err(ureq::Error::Status(429, response)) = response else {
        panic!("expected 429")
    };
    assert!(response.header("retry-after").is_some());
    assert_eq!(response.header("x-ratelimit-remaining"), Some("0"));
    let body: serde_json::Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    assert!(body["error"].as_str().unwrap().contains("Daily limit"));
    let (status, _) = sandbox.cs_get(&thread_path(DOC_THREAD, "count=1"), Some(CS_KEY));
    assert_eq!(
        status, 200,
        "reading one thread does not count against the listing limit"
    );
}

#[test]
fn the_flag_refuses_other_values() {
    let output = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["--port", "0", "--connectsafely-seed", "proxy"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--connectsafely-seed"));
}
