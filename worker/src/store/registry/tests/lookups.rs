use super::*;
use crate::rules::client_auth::token_sha256_hex;

#[test]
fn the_registry_is_active_from_its_first_write() {
    let mut f = fixture();
    assert!(!f.registry.is_active().unwrap());
    f.ok("GET", "/clients", Value::Null, 200);
    f.call("POST", "/accounts", json!({"id": "bad id"}));
    assert!(
        !f.registry.is_active().unwrap(),
        "reads and refusals write nothing"
    );
    f.ok("POST", "/accounts", connectsafely("a"), 201);
    assert!(f.registry.is_active().unwrap());
}

#[test]
fn a_client_is_found_by_its_token_with_its_enabled_accounts_in_link_order() {
    let mut f = fixture();
    for id in ["c", "a", "b"] {
        f.ok("POST", "/accounts", both(id), 201);
    }
    let created = f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "allowedOrigins": ["https://app.example"], "accounts": ["c", "a"]}),
        201,
    );
    f.ok("PUT", "/clients/ana/accounts/b", Value::Null, 200);
    let token = created["token"].as_str().unwrap();
    let digest = token_sha256_hex(token);
    let client = f
        .registry
        .client_by_token_digest(&f.keys, &digest.to_uppercase())
        .unwrap()
        .unwrap();
    assert_eq!(client.name, "ana");
    assert_eq!(client.token_sha256, digest);
    assert_eq!(client.allowed_origins, ["https://app.example"]);
    let ids: Vec<&str> = client.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["c", "a", "b"]);
    let a = &client.accounts[1];
    assert_eq!(
        a.linkup_login_token.as_ref().unwrap().expose(),
        "li-session-a"
    );
    assert_eq!(a.connectsafely_account_id.as_deref(), Some("cs-a"));
    assert_eq!(a.linkup_country.as_deref(), Some("FR"));
    assert_eq!(a.label, "a");
    let by_name = f.registry.client_by_name(&f.keys, "ana").unwrap().unwrap();
    assert_eq!(by_name.accounts, client.accounts);
    assert_eq!(f.registry.account(&f.keys, "a").unwrap().as_ref(), Some(a));
    assert!(f.registry.any_client_allows("https://app.example").unwrap());
    assert!(!f
        .registry
        .any_client_allows("https://other.example")
        .unwrap());

    // A disabled account is left out; a disabled client is not found.
    f.ok("PATCH", "/accounts/a", json!({"disabled": true}), 200);
    let client = f.registry.client_by_name(&f.keys, "ana").unwrap().unwrap();
    assert_eq!(client.accounts.len(), 2);
    assert!(f.registry.account(&f.keys, "a").unwrap().is_none());
    f.ok("PATCH", "/clients/ana", json!({"disabled": true}), 200);
    assert!(f
        .registry
        .client_by_token_digest(&f.keys, &digest)
        .unwrap()
        .is_none());
    assert!(f.registry.client_by_name(&f.keys, "ana").unwrap().is_none());
    assert!(!f.registry.any_client_allows("https://app.example").unwrap());
    f.ok("PATCH", "/clients/ana", json!({"disabled": false}), 200);
    assert!(f
        .registry
        .client_by_token_digest(&f.keys, &digest)
        .unwrap()
        .is_some());
    assert!(f
        .registry
        .client_by_name(&f.keys, "nobody")
        .unwrap()
        .is_none());
    assert!(f.registry.account(&f.keys, "nobody").unwrap().is_none());
}

#[test]
fn a_new_token_retires_the_old_one() {
    let mut f = fixture();
    let first = f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "role": "operator"}),
        201,
    );
    let old = token_sha256_hex(first["token"].as_str().unwrap());
    let second = f.ok("POST", "/clients/ana/token", Value::Null, 200);
    let new = token_sha256_hex(second["token"].as_str().unwrap());
    assert_ne!(old, new);
    assert!(f
        .registry
        .client_by_token_digest(&f.keys, &old)
        .unwrap()
        .is_none());
    let client = f
        .registry
        .client_by_token_digest(&f.keys, &new)
        .unwrap()
        .unwrap();
    assert_eq!(client.name, "ana");
    assert!(client.accounts.is_empty());
    assert_eq!(
        second["client"],
        f.ok("GET", "/clients/ana", Value::Null, 200)
    );
}

#[test]
fn a_credential_that_does_not_open_is_an_error_not_a_gap() {
    let mut f = fixture();
    f.ok("POST", "/accounts", both("a"), 201);
    f.keys = CredentialKeys::parse(&key("k2", 2)).unwrap();
    assert!(f.registry.account(&f.keys, "a").is_err());
}

/// The objects an admin write tells to recheck their sockets: a client's accounts' (in link
/// order, at most the limit) or one account's, named as the Worker names them.
#[test]
fn the_objects_a_write_touches_are_named_by_their_accounts_digests() {
    let mut f = fixture();
    for id in ["c", "a", "b"] {
        f.ok("POST", "/accounts", both(id), 201);
    }
    f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "accounts": ["c", "a"]}),
        201,
    );
    let object = |id: &str| {
        let account = f.registry.account(&f.keys, id).unwrap().unwrap();
        (
            id.to_owned(),
            crate::rules::client_auth::account_digest(&account),
        )
    };
    let (c, a, b) = (object("c"), object("a"), object("b"));
    assert_eq!(
        f.registry.gates_of(Some("ana"), None, 10).unwrap(),
        [c.clone(), a]
    );
    assert_eq!(f.registry.gates_of(Some("ana"), None, 1).unwrap(), [c]);
    assert_eq!(f.registry.gates_of(None, Some("b"), 10).unwrap(), [b]);
    assert!(f.registry.gates_of(None, None, 10).unwrap().is_empty());
}
