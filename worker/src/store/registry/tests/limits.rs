//! At most `MAX_LINKED_ACCOUNTS_PER_CLIENT` accounts per client, `MAX_CLIENTS_PER_ACCOUNT`
//! clients per account: a link beyond either is a 409 that changes nothing.

use super::super::{MAX_CLIENTS_PER_ACCOUNT, MAX_LINKED_ACCOUNTS_PER_CLIENT};
use super::*;

#[test]
fn the_link_limits_are_kept() {
    let mut f = fixture();
    for i in 0..=MAX_LINKED_ACCOUNTS_PER_CLIENT {
        f.ok("POST", "/accounts", connectsafely(&format!("a{i:03}")), 201);
    }
    let ids: Vec<String> = (0..MAX_LINKED_ACCOUNTS_PER_CLIENT)
        .map(|i| format!("a{i:03}"))
        .collect();
    f.ok(
        "POST",
        "/clients",
        json!({"name": "big", "accounts": ids}),
        201,
    );
    let before = f.dump();
    let reply = f.call(
        "PUT",
        &format!("/clients/big/accounts/a{MAX_LINKED_ACCOUNTS_PER_CLIENT:03}"),
        Value::Null,
    );
    assert_eq!((reply.status, field(&reply)), (409, "accounts"));
    assert_eq!(f.dump(), before);

    for i in 1..MAX_CLIENTS_PER_ACCOUNT {
        f.ok(
            "POST",
            "/clients",
            json!({"name": format!("c{i}"), "accounts": ["a000"]}),
            201,
        );
    }
    f.ok("POST", "/clients", json!({"name": "last"}), 201);
    let before = f.dump();
    let reply = f.call("PUT", "/clients/last/accounts/a000", Value::Null);
    assert_eq!((reply.status, field(&reply)), (409, "id"));
    let reply = f.call(
        "POST",
        "/clients",
        json!({"name": "more", "accounts": ["a000"]}),
    );
    assert_eq!((reply.status, field(&reply)), (409, "accounts"));
    assert_eq!(f.dump(), before);
}
