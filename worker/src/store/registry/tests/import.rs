use super::*;
use crate::rules::registry::parse;

const DIGEST_1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const DIGEST_2: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const DIGEST_3: &str = "3333333333333333333333333333333333333333333333333333333333333333";

/// Today's `CLIENTS`, both forms: a client listing accounts, one with its single account at its
/// top level, and one sharing an account with the first.
fn clients_json() -> String {
    let b = json!({"id": "b", "linkupAccountId": "lk_b", "linkupWebhookSecret": "whsec-b", "linkupCountry": "FR"});
    json!([
        {"name": "team", "tokenSha256": DIGEST_1, "allowedOrigins": ["https://app.example"], "accounts": [
            {"id": "a", "label": "A", "connectsafelyAccountId": "cs-a", "connectsafelyWebhookSecret": "whsec-a",
             "linkupLoginToken": "li-a", "threadsVia": "linkup"},
            b,
        ]},
        {"name": "solo", "tokenSha256": DIGEST_2.to_uppercase(), "connectsafelyAccountId": "cs-solo",
         "linkupLoginToken": "li-solo", "listVia": "connectsafely"},
        {"name": "shared", "tokenSha256": DIGEST_3, "accounts": [b]},
    ])
    .to_string()
}

#[test]
fn an_import_gives_the_clients_clients_gives() {
    let mut f = fixture();
    let json = clients_json();
    let reply = f.call_raw("POST", "/import", json.clone().into_bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, json!({"clients": 3, "accounts": 3}));
    assert!(f.registry.is_active().unwrap());
    for expected in parse(&json).unwrap() {
        let digest = expected.token_sha256.to_lowercase();
        let stored = f
            .registry
            .client_by_token_digest(&f.keys, &expected.token_sha256)
            .unwrap()
            .unwrap_or_else(|| panic!("{} is found", expected.name));
        assert_eq!(stored.name, expected.name);
        assert_eq!(stored.token_sha256, digest);
        assert_eq!(stored.allowed_origins, expected.allowed_origins);
        assert_eq!(stored.accounts, expected.accounts, "{}", expected.name);
        let view = f.ok(
            "GET",
            &format!("/clients/{}", expected.name),
            Value::Null,
            200,
        );
        assert_eq!(view["role"], "member");
    }
    let dump = f.dump();
    for secret in ["whsec-a", "whsec-b", "li-a", "li-solo"] {
        assert!(
            !dump.contains(&format!("\"{secret}\"")),
            "{secret} in {dump}"
        );
    }
    let audit = f.ok("GET", "/audit", Value::Null, 200);
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(audit["items"][0]["action"], "registry.import");
    assert_eq!(
        audit["items"][0]["detail"]["clients"],
        json!(["team", "solo", "shared"])
    );
}

#[test]
fn an_import_is_all_or_nothing() {
    let mut f = fixture();
    f.call_raw("POST", "/import", clients_json().into_bytes());
    let before = f.dump();
    let again = f.call_raw("POST", "/import", clients_json().into_bytes());
    assert_eq!((again.status, field(&again)), (409, "name"));
    assert!(again.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("team"));
    let new_client_old_account = json!([
        {"name": "fresh", "tokenSha256": "4".repeat(64), "accounts": [
            {"id": "new", "connectsafelyAccountId": "cs-new"},
            {"id": "a", "connectsafelyAccountId": "cs-a"},
        ]},
    ]);
    let reply = f.call("POST", "/import", new_client_old_account);
    assert_eq!((reply.status, field(&reply)), (409, "id"));
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("account a"));
    let same_digest =
        json!([{"name": "fresh", "tokenSha256": DIGEST_1, "connectsafelyAccountId": "x"}]);
    let reply = f.call("POST", "/import", same_digest);
    assert_eq!((reply.status, field(&reply)), (409, "tokenSha256"));
    let same_linkedin_account = json!([{"name": "fresh", "tokenSha256": "4".repeat(64), "accounts": [{"id": "other", "connectsafelyAccountId": "cs-a"}]}]);
    let reply = f.call("POST", "/import", same_linkedin_account);
    assert_eq!(
        (reply.status, field(&reply)),
        (409, "connectsafelyAccountId")
    );
    let invalid = json!([{"name": "fresh", "tokenSha256": "short"}]);
    let reply = f.call("POST", "/import", invalid);
    assert_eq!((reply.status, field(&reply)), (400, "body"));
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("tokenSha256"));
    let reply = f.call_raw("POST", "/import", vec![b'[', 0xff, b']']);
    assert_eq!((reply.status, field(&reply)), (400, "body"));
    assert_eq!(f.dump(), before);
}

#[test]
fn a_single_account_shared_with_other_credentials_is_refused() {
    let mut f = fixture();
    let json = json!([
        {"name": "one", "tokenSha256": DIGEST_1, "connectsafelyAccountId": "cs-1", "linkupLoginToken": "li-1"},
        {"name": "two", "tokenSha256": DIGEST_2, "connectsafelyAccountId": "cs-1", "linkupLoginToken": "li-2"},
    ]);
    let reply = f.call("POST", "/import", json);
    assert_eq!(
        (reply.status, field(&reply)),
        (400, "body"),
        "{}",
        reply.body
    );
    assert!(!f.registry.is_active().unwrap());
}
