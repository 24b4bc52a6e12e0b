//! Each command's exact method, path and body.

use linkedin_inbox_admin::{
    checked_base_url, page, parse, plan, ApiRequest, Command, Input, Parsed, Plan, Secret,
};
use serde_json::{json, Value};

fn command(line: &str) -> Command {
    match parse(line.split_whitespace().map(str::to_owned).collect()) {
        Ok(Parsed::Run(_, command)) => command,
        other => panic!("{line}: {other:?}"),
    }
}

fn one(line: &str, input: Input) -> (&'static str, String, Option<Value>) {
    match plan(&command(line), input) {
        Plan::One(ApiRequest { method, path, body }) => (
            method,
            path,
            body.map(|b| serde_json::from_str(&b).unwrap()),
        ),
        other => panic!("{line}: {other:?}"),
    }
}

fn no_input(line: &str) -> (&'static str, String, Option<Value>) {
    one(line, Input::None)
}

#[test]
fn client_requests() {
    assert_eq!(
        no_input("client add team --origin chrome-extension://abc --account alex --role member"),
        (
            "POST",
            "/admin/v1/clients".into(),
            Some(
                json!({"name": "team", "allowedOrigins": ["chrome-extension://abc"], "accounts": ["alex"], "role": "member"})
            )
        )
    );
    assert_eq!(no_input("client add solo").2, Some(json!({"name": "solo"})));
    assert_eq!(
        no_input("client show team"),
        ("GET", "/admin/v1/clients/team".into(), None)
    );
    assert_eq!(
        no_input("client disable team"),
        (
            "PATCH",
            "/admin/v1/clients/team".into(),
            Some(json!({"disabled": true}))
        )
    );
    assert_eq!(
        no_input("client enable team").2,
        Some(json!({"disabled": false}))
    );
    assert_eq!(
        no_input("client delete team"),
        ("DELETE", "/admin/v1/clients/team".into(), None)
    );
    assert_eq!(
        no_input("client rotate-token team"),
        ("POST", "/admin/v1/clients/team/token".into(), None)
    );
    assert_eq!(
        no_input("client rebuild-index team"),
        ("POST", "/admin/v1/clients/team/index/rebuild".into(), None)
    );
    assert_eq!(
        no_input("client origins team https://a.example"),
        (
            "PATCH",
            "/admin/v1/clients/team".into(),
            Some(json!({"allowedOrigins": ["https://a.example"]}))
        )
    );
    assert_eq!(
        no_input("client origins team").2,
        Some(json!({"allowedOrigins": []}))
    );
}

#[test]
fn account_requests() {
    assert_eq!(
        one(
            "account add alex --label Alex --connectsafely-account-id 696c --linkup-country FR --list-via connectsafely --threads-via linkup --linkup-session-stdin",
            Input::Session(Secret::new("li_at_value"))
        ),
        (
            "POST",
            "/admin/v1/accounts".into(),
            Some(json!({"id": "alex", "label": "Alex", "connectsafelyAccountId": "696c", "linkupCountry": "FR",
                "listVia": "connectsafely", "threadsVia": "linkup", "linkupLoginToken": "li_at_value"}))
        )
    );
    assert_eq!(
        no_input("account add v2 --linkup-account-id lk_1").2,
        Some(json!({"id": "v2", "linkupAccountId": "lk_1"}))
    );
    assert_eq!(
        no_input("account show alex"),
        ("GET", "/admin/v1/accounts/alex".into(), None)
    );
    assert_eq!(
        no_input("account disable alex"),
        (
            "PATCH",
            "/admin/v1/accounts/alex".into(),
            Some(json!({"disabled": true}))
        )
    );
    assert_eq!(
        no_input("account delete alex"),
        ("DELETE", "/admin/v1/accounts/alex".into(), None)
    );
    assert_eq!(
        no_input("account delete alex --unlink"),
        ("DELETE", "/admin/v1/accounts/alex?unlink=true".into(), None)
    );
    assert_eq!(
        one(
            "account rotate-session alex",
            Input::Session(Secret::new("new"))
        ),
        (
            "PATCH",
            "/admin/v1/accounts/alex".into(),
            Some(json!({"linkupLoginToken": "new"}))
        )
    );
    assert_eq!(
        no_input("account webhook-secret alex connectsafely"),
        (
            "POST",
            "/admin/v1/accounts/alex/webhook-secret/connectsafely".into(),
            None
        )
    );
}

#[test]
fn other_requests() {
    assert_eq!(
        no_input("link team alex"),
        ("PUT", "/admin/v1/clients/team/accounts/alex".into(), None)
    );
    assert_eq!(
        no_input("unlink team alex"),
        (
            "DELETE",
            "/admin/v1/clients/team/accounts/alex".into(),
            None
        )
    );
    assert_eq!(
        no_input("reseal"),
        ("POST", "/admin/v1/reseal".into(), None)
    );
    // The registry goes as it was read, byte for byte.
    let registry = "[{\"name\": \"a\",  \"tokenSha256\": \"00\"}]";
    match plan(&command("import f.json"), Input::Registry(registry.into())) {
        Plan::One(request) => {
            assert_eq!(
                (request.method, request.path.as_str()),
                ("POST", "/admin/v1/import")
            );
            assert_eq!(request.body.as_deref(), Some(registry));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn lists_walk_every_page() {
    assert_eq!(
        plan(&command("client list"), Input::None),
        Plan::AllPages("/admin/v1/clients")
    );
    assert_eq!(
        plan(&command("account list"), Input::None),
        Plan::AllPages("/admin/v1/accounts")
    );
    assert_eq!(
        plan(&command("audit --limit 3"), Input::None),
        Plan::AllPages("/admin/v1/audit")
    );
    assert_eq!(
        page("/admin/v1/clients", None).path,
        "/admin/v1/clients?limit=100"
    );
    assert_eq!(
        page("/admin/v1/audit", Some("42")).path,
        "/admin/v1/audit?limit=100&after=42"
    );
    assert_eq!(
        page("/admin/v1/clients", Some("a b&c")).path,
        "/admin/v1/clients?limit=100&after=a%20b%26c"
    );
}

#[test]
fn a_session_never_shows_in_debug() {
    let secret = Secret::new("li_at_value");
    assert_eq!(format!("{secret:?} {secret}"), "[redacted] [redacted]");
}

#[test]
fn the_token_goes_only_over_https_or_loopback() {
    for url in [
        "https://inbox.example.workers.dev",
        "https://w.example/",
        "http://127.0.0.1:8787",
        "http://localhost:8787/",
        "http://[::1]:8787",
        "http://localhost",
    ] {
        assert!(checked_base_url(url).is_ok(), "{url}");
    }
    assert_eq!(
        checked_base_url("https://w.example/").unwrap(),
        "https://w.example"
    );
    for url in [
        "http://w.example",
        "http://127.0.0.2:8787",
        "http://localhost.evil.example",
        "http://localhost:80@evil.example/",
        "https://user:pw@w.example",
        "ftp://w.example",
        "w.example",
        "https://",
        "https://w.example/?x=1",
    ] {
        let error = checked_base_url(url).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{url}");
    }
}
