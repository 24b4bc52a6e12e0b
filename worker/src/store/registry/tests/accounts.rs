use super::*;

#[test]
fn an_account_view_says_which_credentials_are_set_never_their_values() {
    let mut f = fixture();
    let view = f.ok("POST", "/accounts", both("a"), 201);
    let at = view["createdAt"].as_u64().unwrap();
    assert_eq!(
        view,
        json!({
            "id": "a",
            "label": "a",
            "providers": ["connectsafely", "linkup"],
            "connectsafelyAccountId": "cs-a",
            "linkupCountry": "FR",
            "listVia": "connectsafely",
            "threadsVia": "linkup",
            "hasLinkupLoginToken": true,
            "webhooks": {"connectsafely": false, "linkup": false},
            "clients": [],
            "disabled": false,
            "createdAt": at,
            "updatedAt": at,
        })
    );
    let v2 = f.ok(
        "POST",
        "/accounts",
        json!({"id": "v2", "label": "Two", "linkupAccountId": "lk_acc_1"}),
        201,
    );
    assert_eq!(v2["providers"], json!(["linkup"]));
    assert_eq!(v2["linkupAccountId"], "lk_acc_1");
    assert_eq!(v2["hasLinkupLoginToken"], false);
    assert!(v2.get("connectsafelyAccountId").is_none() && v2.get("listVia").is_none());
    assert_eq!(f.ok("GET", "/accounts/v2", Value::Null, 200), v2);
}

#[test]
fn a_session_is_rotated_and_fields_cleared_by_patch() {
    let mut f = fixture();
    f.ok("POST", "/accounts", both("a"), 201);
    let view = f.ok(
        "PATCH",
        "/accounts/a",
        json!({"linkupLoginToken": "li-rotated", "label": "Ana"}),
        200,
    );
    assert_eq!(view["label"], "Ana");
    let account = f.registry.account(&f.keys, "a").unwrap().unwrap();
    assert_eq!(account.linkup_login_token.unwrap().expose(), "li-rotated");
    let audit = f.ok("GET", "/audit", Value::Null, 200);
    let last = audit["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "account.rotate_session");
    assert_eq!(
        last["detail"],
        json!({"fields": ["label", "linkupLoginToken"]})
    );

    let view = f.ok(
        "PATCH",
        "/accounts/a",
        json!({"linkupLoginToken": null, "linkupCountry": null, "threadsVia": null}),
        200,
    );
    assert_eq!(view["providers"], json!(["connectsafely"]));
    assert_eq!(view["hasLinkupLoginToken"], false);
    assert!(view.get("linkupCountry").is_none() && view.get("threadsVia").is_none());
    let account = f.registry.account(&f.keys, "a").unwrap().unwrap();
    assert!(account.linkup_login_token.is_none());
}

#[test]
fn webhook_secrets_are_new_shown_once_and_sealed() {
    let mut f = fixture();
    f.ok("POST", "/accounts", both("a"), 201);
    let reply = f.ok(
        "POST",
        "/accounts/a/webhook-secret/connectsafely",
        Value::Null,
        200,
    );
    let secret = reply["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        reply["url"],
        "https://proxy.example/v1/webhooks/connectsafely/a"
    );
    assert_eq!(
        reply["account"]["webhooks"],
        json!({"connectsafely": true, "linkup": false})
    );
    let again = f.ok("POST", "/accounts/a/webhook-secret/linkup", json!({}), 200);
    assert_eq!(again["url"], "https://proxy.example/v1/webhooks/linkup/a");
    let account = f.registry.account(&f.keys, "a").unwrap().unwrap();
    assert_eq!(
        account.connectsafely_webhook_secret.unwrap().expose(),
        secret
    );
    assert_eq!(
        account.linkup_webhook_secret.unwrap().expose(),
        again["secret"].as_str().unwrap()
    );
    let dump = f.dump();
    assert!(!dump.contains(&secret) && !dump.contains(again["secret"].as_str().unwrap()));

    f.ok(
        "POST",
        "/accounts",
        json!({"id": "v1", "linkupLoginToken": "li-x"}),
        201,
    );
    let before = f.dump();
    let reply = f.call(
        "POST",
        "/accounts/v1/webhook-secret/connectsafely",
        Value::Null,
    );
    assert_eq!((reply.status, field(&reply)), (400, "provider"));
    let reply = f.call("POST", "/accounts/v1/webhook-secret/other", Value::Null);
    assert_eq!((reply.status, field(&reply)), (400, "provider"));
    assert_eq!(f.dump(), before);
}

#[test]
fn a_linked_account_is_deleted_only_with_its_links() {
    let mut f = fixture();
    f.ok("POST", "/accounts", connectsafely("a"), 201);
    f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "accounts": ["a"]}),
        201,
    );
    let before = f.dump();
    let reply = f.call("DELETE", "/accounts/a", Value::Null);
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (409, Some("CONFLICT"))
    );
    let reply = f.call("DELETE", "/accounts/a?unlink=maybe", Value::Null);
    assert_eq!((reply.status, field(&reply)), (400, "unlink"));
    assert_eq!(f.dump(), before);
    assert_eq!(
        f.ok("DELETE", "/accounts/a?unlink=true", Value::Null, 200),
        json!({"deleted": "a"})
    );
    assert_eq!(
        f.ok("GET", "/clients/ana", Value::Null, 200)["accounts"],
        json!([])
    );
    assert_eq!(f.call("GET", "/accounts/a", Value::Null).status, 404);
    f.ok("POST", "/accounts", connectsafely("b"), 201);
    f.ok("DELETE", "/accounts/b", Value::Null, 200);
}
