use super::super::MAX_LINKED_ACCOUNTS_PER_CLIENT;
use super::*;

/// A registry with accounts `a` (both providers) and `b`, and client `ana` linking `a`.
fn seeded() -> Fixture {
    let mut f = fixture();
    f.ok("POST", "/accounts", both("a"), 201);
    f.ok("POST", "/accounts", connectsafely("b"), 201);
    f.ok(
        "POST",
        "/clients",
        json!({"name": "ana", "accounts": ["a"]}),
        201,
    );
    f
}

#[test]
fn every_bad_input_is_refused_naming_its_field_and_changes_nothing() {
    let mut f = seeded();
    let long = "x".repeat(65);
    let many: Vec<String> = (0..=MAX_LINKED_ACCOUNTS_PER_CLIENT)
        .map(|i| format!("a{i}"))
        .collect();
    let cases: Vec<(&str, String, String, u16, &str)> = vec![
        ("POST", "/clients".into(), "not json".into(), 400, "body"),
        ("POST", "/clients".into(), "[]".into(), 400, "body"),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","extra":1}"#.into(),
            400,
            "extra",
        ),
        ("POST", "/clients".into(), "{}".into(), 400, "name"),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"bad name"}"#.into(),
            400,
            "name",
        ),
        (
            "POST",
            "/clients".into(),
            format!(r#"{{"name":"{long}"}}"#),
            400,
            "name",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":5}"#.into(),
            400,
            "name",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","allowedOrigins":["https://a.example/p"]}"#.into(),
            400,
            "allowedOrigins",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","allowedOrigins":"https://a.example"}"#.into(),
            400,
            "allowedOrigins",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","allowedOrigins":["https://a.example","https://a.example"]}"#.into(),
            400,
            "allowedOrigins",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","role":"admin"}"#.into(),
            400,
            "role",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","accounts":["zz"]}"#.into(),
            404,
            "accounts",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","accounts":["a","a"]}"#.into(),
            400,
            "accounts",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"x","accounts":["bad id"]}"#.into(),
            400,
            "accounts",
        ),
        (
            "POST",
            "/clients".into(),
            json!({"name": "x", "accounts": many}).to_string(),
            400,
            "accounts",
        ),
        (
            "POST",
            "/clients".into(),
            r#"{"name":"ana"}"#.into(),
            409,
            "name",
        ),
        (
            "GET",
            "/clients?limit=0".into(),
            String::new(),
            400,
            "limit",
        ),
        (
            "GET",
            "/clients?limit=101".into(),
            String::new(),
            400,
            "limit",
        ),
        (
            "GET",
            "/accounts?limit=abc".into(),
            String::new(),
            400,
            "limit",
        ),
        (
            "GET",
            "/clients?limit=5&limit=6".into(),
            String::new(),
            400,
            "limit",
        ),
        ("GET", "/clients?foo=1".into(), String::new(), 400, "foo"),
        (
            "GET",
            "/accounts?after=bad%20name".into(),
            String::new(),
            400,
            "after",
        ),
        (
            "GET",
            "/clients/bad name".into(),
            String::new(),
            400,
            "name",
        ),
        ("GET", "/clients/zz".into(), String::new(), 404, "name"),
        (
            "PATCH",
            "/clients/ana".into(),
            r#"{"name":"x"}"#.into(),
            400,
            "name",
        ),
        (
            "PATCH",
            "/clients/ana".into(),
            r#"{"disabled":"yes"}"#.into(),
            400,
            "disabled",
        ),
        ("PATCH", "/clients/zz".into(), "{}".into(), 404, "name"),
        (
            "POST",
            "/clients/ana/token".into(),
            r#"{"x":1}"#.into(),
            400,
            "x",
        ),
        ("DELETE", "/clients/zz".into(), String::new(), 404, "name"),
        (
            "PUT",
            "/clients/ana/accounts/all".into(),
            String::new(),
            404,
            "id",
        ),
        (
            "PUT",
            "/clients/ana/accounts/a b".into(),
            String::new(),
            400,
            "id",
        ),
        ("PUT", "/clients".into(), String::new(), 405, ""),
        ("GET", "/nothing".into(), String::new(), 404, ""),
        ("GET", "/clients/ana/token/x".into(), String::new(), 404, ""),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"all","connectsafelyAccountId":"x"}"#.into(),
            400,
            "id",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"connectsafelyAccountId":"x"}"#.into(),
            400,
            "id",
        ),
        (
            "POST",
            "/accounts".into(),
            format!(r#"{{"id":"{long}","connectsafelyAccountId":"x"}}"#),
            400,
            "id",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n"}"#.into(),
            400,
            "connectsafelyAccountId",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","connectsafelyAccountId":" "}"#.into(),
            400,
            "connectsafelyAccountId",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","connectsafelyAccountId":"x","listVia":"linkup"}"#.into(),
            400,
            "listVia",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","connectsafelyAccountId":"x","threadsVia":"other"}"#.into(),
            400,
            "threadsVia",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","linkupLoginToken":"t","linkupCountry":"Narnia"}"#.into(),
            400,
            "linkupCountry",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","label":"","connectsafelyAccountId":"x"}"#.into(),
            400,
            "label",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","connectsafelyAccountId":"x","linkupWebhookSecret":"s"}"#.into(),
            400,
            "linkupWebhookSecret",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","connectsafelyAccountId":"cs-a"}"#.into(),
            409,
            "connectsafelyAccountId",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"n","linkupLoginToken":"li-session-a"}"#.into(),
            409,
            "linkupLoginToken",
        ),
        (
            "POST",
            "/accounts".into(),
            r#"{"id":"a","connectsafelyAccountId":"cs-a"}"#.into(),
            409,
            "id",
        ),
        (
            "PATCH",
            "/accounts/a".into(),
            r#"{"id":"z"}"#.into(),
            400,
            "id",
        ),
        (
            "PATCH",
            "/accounts/b".into(),
            r#"{"connectsafelyAccountId":"cs-a"}"#.into(),
            409,
            "connectsafelyAccountId",
        ),
        (
            "PATCH",
            "/accounts/a".into(),
            r#"{"connectsafelyAccountId":null,"linkupLoginToken":null}"#.into(),
            400,
            "connectsafelyAccountId",
        ),
        (
            "PATCH",
            "/accounts/a".into(),
            r#"{"disabled":1}"#.into(),
            400,
            "disabled",
        ),
        (
            "PATCH",
            "/accounts/a".into(),
            r#"{"label":5}"#.into(),
            400,
            "label",
        ),
        ("PATCH", "/accounts/zz".into(), "{}".into(), 404, "id"),
        ("DELETE", "/accounts/a".into(), String::new(), 409, "id"),
        (
            "POST",
            "/accounts/zz/webhook-secret/linkup".into(),
            String::new(),
            404,
            "id",
        ),
        ("POST", "/import".into(), "not json".into(), 400, "body"),
        ("GET", "/audit?after=x".into(), String::new(), 400, "after"),
        (
            "GET",
            "/audit?limit=500".into(),
            String::new(),
            400,
            "limit",
        ),
        ("POST", "/reseal".into(), r#"{"x":1}"#.into(), 400, "x"),
        ("GET", "/reseal".into(), String::new(), 405, ""),
    ];
    let before = f.dump();
    for (method, path, body, status, expected) in cases {
        let reply = f.call_raw(method, &path, body.clone().into_bytes());
        assert_eq!(
            (reply.status, field(&reply)),
            (status, expected),
            "{method} {path} {body}: {}",
            reply.body
        );
        let code = reply.body["error"]["code"].as_str().unwrap();
        let want = match status {
            400 => "INVALID_INPUT",
            404 => "NOT_FOUND",
            405 => "METHOD_NOT_ALLOWED",
            _ => "CONFLICT",
        };
        assert_eq!(code, want, "{method} {path}");
        assert!(reply.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert_eq!(
            f.dump(),
            before,
            "{method} {path} {body} changed the registry"
        );
    }
}
