use super::*;
use crate::rules::client_auth::token_sha256_hex;

#[test]
fn a_client_is_created_viewed_updated_and_deleted() {
    let mut f = fixture();
    f.ok("POST", "/accounts", connectsafely("a"), 201);
    f.ok("POST", "/accounts", connectsafely("b"), 201);
    let created = f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "allowedOrigins": ["https://app.example"], "accounts": ["b", "a"]}),
        201,
    );
    let token = created["token"].as_str().unwrap();
    assert!(
        token.starts_with("lic_") && token.len() == 4 + 43,
        "{token}"
    );
    let at = created["client"]["createdAt"].as_u64().unwrap();
    assert_eq!(
        created["client"],
        json!({
            "name": "ana",
            "allowedOrigins": ["https://app.example"],
            "accounts": ["b", "a"],
            "role": "member",
            "disabled": false,
            "createdAt": at,
            "updatedAt": at,
        })
    );
    assert!(!f.dump().contains(token), "only the digest is kept");
    assert!(f.dump().contains(&token_sha256_hex(token)));
    assert_eq!(
        f.ok("GET", "/clients/ana", Value::Null, 200),
        created["client"]
    );

    let patched = f.ok(
        "PATCH",
        "/clients/ana",
        json!({"allowedOrigins": ["chrome-extension://abcdef"], "role": "operator"}),
        200,
    );
    assert_eq!(
        patched["allowedOrigins"],
        json!(["chrome-extension://abcdef"])
    );
    assert_eq!(patched["role"], "operator");
    assert_eq!(patched["createdAt"].as_u64(), Some(at));
    assert!(patched["updatedAt"].as_u64().unwrap() > at);
    assert!(f
        .registry
        .any_client_allows("chrome-extension://abcdef")
        .unwrap());
    assert!(!f.registry.any_client_allows("https://app.example").unwrap());

    let account = f.ok("GET", "/accounts/a", Value::Null, 200);
    assert_eq!(account["clients"], json!(["ana"]));
    assert_eq!(
        f.ok("DELETE", "/clients/ana", Value::Null, 200),
        json!({"deleted": "ana"})
    );
    assert_eq!(f.call("GET", "/clients/ana", Value::Null).status, 404);
    let account = f.ok("GET", "/accounts/a", Value::Null, 200);
    assert_eq!(account["clients"], json!([]));
    assert!(!f
        .registry
        .any_client_allows("chrome-extension://abcdef")
        .unwrap());
    let dump = f.dump();
    assert!(dump.contains("clients: []"), "{dump}");
    assert!(dump.contains("links: []"), "{dump}");
}

#[test]
fn links_are_idempotent_ordered_and_unlinked() {
    let mut f = fixture();
    for id in ["a", "b", "c"] {
        f.ok("POST", "/accounts", connectsafely(id), 201);
    }
    f.ok("POST", "/clients", json!({"name": "ana"}), 201);
    for id in ["c", "a", "b"] {
        f.ok(
            "PUT",
            &format!("/clients/ana/accounts/{id}"),
            Value::Null,
            200,
        );
    }
    let before = f.dump();
    let view = f.ok("PUT", "/clients/ana/accounts/a", Value::Null, 200);
    assert_eq!(view["accounts"], json!(["c", "a", "b"]));
    assert_eq!(f.dump(), before, "linked already: nothing written");
    let view = f.ok("DELETE", "/clients/ana/accounts/a", Value::Null, 200);
    assert_eq!(view["accounts"], json!(["c", "b"]));
    let reply = f.call("DELETE", "/clients/ana/accounts/a", Value::Null);
    assert_eq!((reply.status, field(&reply)), (404, "id"));
    let view = f.ok("PUT", "/clients/ana/accounts/a", Value::Null, 200);
    assert_eq!(
        view["accounts"],
        json!(["c", "b", "a"]),
        "linked again: last"
    );
    let reply = f.call("PUT", "/clients/ana/accounts/zz", Value::Null);
    assert_eq!((reply.status, field(&reply)), (404, "id"));
    let reply = f.call("PUT", "/clients/bob/accounts/a", Value::Null);
    assert_eq!((reply.status, field(&reply)), (404, "name"));
}

#[test]
fn pages_of_clients_and_accounts_follow_after_and_limit() {
    let mut f = fixture();
    for i in 0..120 {
        f.ok(
            "POST",
            "/accounts",
            connectsafely(&format!("acct-{i:03}")),
            201,
        );
        f.ok(
            "POST",
            "/clients",
            json!({"name": format!("client-{i:03}")}),
            201,
        );
    }
    for (resource, key) in [("clients", "name"), ("accounts", "id")] {
        let mut seen: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        let mut sizes = Vec::new();
        loop {
            let path = match &after {
                None => format!("/{resource}"),
                Some(after) => format!("/{resource}?after={after}"),
            };
            let page = f.ok("GET", &path, Value::Null, 200);
            let items = page["items"].as_array().unwrap();
            sizes.push(items.len());
            seen.extend(items.iter().map(|i| i[key].as_str().unwrap().to_owned()));
            match page["next"].as_str() {
                Some(next) => {
                    assert_eq!(next, seen.last().unwrap());
                    after = Some(next.to_owned());
                }
                None => break,
            }
        }
        assert_eq!(sizes, [50, 50, 20], "{resource}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(seen, sorted);
        assert_eq!(seen.len(), 120);
        let page = f.ok("GET", &format!("/{resource}?limit=100"), Value::Null, 200);
        assert_eq!(page["items"].as_array().unwrap().len(), 100);
        let page = f.ok(
            "GET",
            &format!("/{resource}?limit=1&after={}", seen[118]),
            Value::Null,
            200,
        );
        assert_eq!(page["items"][0][key], json!(seen[119]));
        assert_eq!(page["next"], Value::Null, "the last item: no next page");
        let page = f.ok(
            "GET",
            &format!("/{resource}?limit=7&after=zzz"),
            Value::Null,
            200,
        );
        assert_eq!(page, json!({"items": [], "next": null}));
    }
}
