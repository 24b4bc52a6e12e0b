use super::*;

/// Every kind of write once, with the secrets it handled.
fn every_write(f: &mut Fixture) -> Vec<String> {
    let mut secrets = vec!["li-session-a".to_owned(), "li-rotated".to_owned()];
    f.ok("POST", "/accounts", both("a"), 201);
    f.ok("POST", "/accounts", connectsafely("b"), 201);
    let created = f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "accounts": ["a"]}),
        201,
    );
    secrets.push(created["token"].as_str().unwrap().to_owned());
    f.ok("PUT", "/clients/ana/accounts/b", Value::Null, 200);
    f.ok("PATCH", "/clients/ana", json!({"role": "operator"}), 200);
    let token = f.ok("POST", "/clients/ana/token", Value::Null, 200);
    secrets.push(token["token"].as_str().unwrap().to_owned());
    let hook = f.ok(
        "POST",
        "/accounts/a/webhook-secret/linkup",
        Value::Null,
        200,
    );
    secrets.push(hook["secret"].as_str().unwrap().to_owned());
    f.ok(
        "PATCH",
        "/accounts/a",
        json!({"linkupLoginToken": "li-rotated"}),
        200,
    );
    f.ok("DELETE", "/clients/ana/accounts/b", Value::Null, 200);
    f.ok("DELETE", "/accounts/b", Value::Null, 200);
    f.ok("DELETE", "/clients/ana", Value::Null, 200);
    let import = json!([{"name": "old", "tokenSha256": "1".repeat(64), "accounts": [
        {"id": "c", "connectsafelyAccountId": "cs-c", "connectsafelyWebhookSecret": "whsec-imported"}]}]);
    secrets.push("whsec-imported".into());
    f.ok("POST", "/import", import, 200);
    f.ok("POST", "/reseal", Value::Null, 200);
    secrets
}

#[test]
fn every_write_is_one_secret_free_audit_entry_oldest_first() {
    let mut f = fixture();
    let secrets = every_write(&mut f);
    let mut items: Vec<Value> = Vec::new();
    let mut after = String::new();
    loop {
        let page = f.ok("GET", &format!("/audit?limit=5{after}"), Value::Null, 200);
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    let actions: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["action"].as_str().unwrap(), i["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("account.create", "a"),
            ("account.create", "b"),
            ("client.create", "ana"),
            ("client.link", "ana"),
            ("client.update", "ana"),
            ("client.rotate_token", "ana"),
            ("account.rotate_webhook_secret", "a"),
            ("account.rotate_session", "a"),
            ("client.unlink", "ana"),
            ("account.delete", "b"),
            ("client.delete", "ana"),
            ("registry.import", "registry"),
            ("registry.reseal", "registry"),
        ]
    );
    let seqs: Vec<u64> = items.iter().map(|i| i["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    for item in &items {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert!(
            keys.iter()
                .all(|k| ["seq", "at", "actor", "action", "target", "detail"].contains(&k.as_str())),
            "{item}"
        );
        assert!(item["at"].as_u64().unwrap() > 1_700_000_000_000);
    }
    let all = json!(items).to_string();
    let dump = f.dump();
    for secret in &secrets {
        assert!(!all.contains(secret.as_str()), "{secret} in the audit");
        assert!(!dump.contains(secret.as_str()), "{secret} in a table");
    }
}

#[test]
fn no_table_holds_a_credential_in_plaintext() {
    let mut f = fixture();
    let secrets = every_write(&mut f);
    f.ok(
        "POST",
        "/accounts",
        json!({"id": "v2", "linkupAccountId": "lk_2", "linkupLoginToken": "li-v2-secret"}),
        201,
    );
    let hook = f.ok(
        "POST",
        "/accounts/v2/webhook-secret/linkup",
        Value::Null,
        200,
    );
    let dump = f.dump();
    for secret in secrets
        .iter()
        .map(String::as_str)
        .chain(["li-v2-secret", hook["secret"].as_str().unwrap()])
    {
        assert!(!dump.contains(secret), "{secret} in {dump}");
    }
    let rows: Vec<Map<String, Value>> = f
        .registry
        .sql()
        .rows("SELECT * FROM accounts", vec![])
        .unwrap();
    for row in rows {
        for (column, _) in super::super::records::SEALED_FIELDS {
            if let Some(value) = row[column].as_str() {
                assert!(value.starts_with("v1.k1."), "{column}: {value}");
            }
        }
    }
}

#[test]
fn a_reseal_moves_every_credential_to_the_current_key() {
    let mut f = fixture();
    f.ok("POST", "/accounts", both("a"), 201);
    f.ok(
        "POST",
        "/accounts/a/webhook-secret/connectsafely",
        Value::Null,
        200,
    );
    f.ok("POST", "/accounts", connectsafely("b"), 201);
    f.ok(
        "POST",
        "/accounts",
        json!({"id": "c", "linkupLoginToken": "li-c"}),
        201,
    );
    let a = f.registry.account(&f.keys, "a").unwrap().unwrap();

    // A key missing: nothing opens, nothing is written.
    f.keys = CredentialKeys::parse(&key("k2", 2)).unwrap();
    let before = f.dump();
    let reply = f.call("POST", "/reseal", Value::Null);
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(f.dump(), before);

    f.keys = CredentialKeys::parse(&format!("{},{}", key("k2", 2), key("k1", 1))).unwrap();
    assert_eq!(
        f.registry.account(&f.keys, "a").unwrap().as_ref(),
        Some(&a),
        "the old key still opens"
    );
    let reply = f.ok("POST", "/reseal", Value::Null, 200);
    assert_eq!(reply, json!({"resealed": 3}));
    assert!(!f.dump().contains("v1.k1."));
    f.keys = CredentialKeys::parse(&key("k2", 2)).unwrap();
    assert_eq!(f.registry.account(&f.keys, "a").unwrap().as_ref(), Some(&a));
    assert_eq!(
        f.ok("POST", "/reseal", Value::Null, 200),
        json!({"resealed": 0})
    );
}
