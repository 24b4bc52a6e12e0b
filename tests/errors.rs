//! Every error body maps to its stable code; no secret ever reaches an error.
#![cfg(not(target_arch = "wasm32"))]

use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, Error, ErrorCode, HttpResponse, Linkup, LoginToken,
    MessageQuery,
};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn list_error(response: HttpResponse) -> Error {
    let client = ConnectSafely::new(ApiKey::new("k")).unwrap();
    client
        .parse_list_conversations(&ConversationQuery::default(), &response)
        .unwrap_err()
}

fn messages_error(response: HttpResponse) -> Error {
    let client = Linkup::new(ApiKey::new("lk_key"), LoginToken::new("AQEDSECRET")).unwrap();
    let query = MessageQuery {
        conversation_id: Some("2-a".into()),
        ..Default::default()
    };
    client.parse_list_messages(&query, &response).unwrap_err()
}

#[test]
fn documented_401_and_500_bodies() {
    let unauthorized = list_error(HttpResponse::new(401, fixture("connectsafely_401.json")));
    assert_eq!(unauthorized.code(), ErrorCode::Unauthorized);
    assert_eq!(
        unauthorized.to_string(),
        "unauthorized by provider (HTTP 401): Unauthorized - Invalid credentials"
    );
    let server = list_error(HttpResponse::new(500, fixture("connectsafely_500.json")));
    assert_eq!(server.code(), ErrorCode::UpstreamError);
    assert_eq!(server.upstream_status(), Some(500));
    assert!(server
        .to_string()
        .contains("Failed to get LinkedIn authentication credentials"));
}

#[test]
fn malformed_bodies_keep_the_json_path_and_status() {
    let cases = [
        ("{not json", "."),
        ("", "."),
        ("   ", "."),
        (
            r#"{"success":true,"conversations":[{"conversationUrn":"u","unreadCount":"three"}]}"#,
            ".conversations[0].unreadCount",
        ),
        (
            r#"{"success":true,"conversations":[{"participants":[]}]}"#,
            ".conversations[0]",
        ),
        (r#"{"success":true,"conversations":{}}"#, ".conversations"),
        (r#"{"success":true} trailing"#, "."),
        ("[1,2]", ".[0]"),
    ];
    for (body, path) in cases {
        let err = list_error(HttpResponse::new(200, body));
        assert_eq!(err.code(), ErrorCode::MalformedResponse, "{body}");
        let Error::MalformedResponse {
            path: got, status, ..
        } = &err
        else {
            unreachable!()
        };
        assert_eq!((got.as_str(), *status), (path, 200), "{body}");
    }
    let html = list_error(HttpResponse::new(200, fixture("html_error.html")));
    assert_eq!(html.code(), ErrorCode::MalformedResponse);
    let wrong_type = messages_error(HttpResponse::new(
        200,
        r#"{"status":"success","data":{"messages":[{"timestamp":"soon","entity_urn":"x"}]}}"#,
    ));
    let Error::MalformedResponse { path, .. } = wrong_type else {
        panic!("expected malformed")
    };
    assert_eq!(path, ".data.messages[0].timestamp");
}

#[test]
fn status_driven_codes_for_both_providers() {
    let cases = [
        (
            HttpResponse::new(502, fixture("html_error.html")),
            ErrorCode::UpstreamError,
        ),
        (
            HttpResponse::new(429, "").with_header("Retry-After", "30"),
            ErrorCode::RateLimited,
        ),
        (
            HttpResponse::new(
                403,
                r#"{"status":"error","code":"INVALID_API_KEY","message":"Invalid API key"}"#,
            ),
            ErrorCode::Unauthorized,
        ),
        (
            HttpResponse::new(
                401,
                r#"{"status":"error","code":"INVALID_LOGIN_TOKEN","message":"session expired"}"#,
            ),
            ErrorCode::Unauthorized,
        ),
        (
            HttpResponse::new(
                402,
                r#"{"status":"error","code":"INSUFFICIENT_CREDITS","message":"Not enough credits"}"#,
            ),
            ErrorCode::InsufficientCredits,
        ),
        (
            HttpResponse::new(
                404,
                r#"{"status":"error","message":"Conversation not found"}"#,
            ),
            ErrorCode::NotFound,
        ),
        (
            HttpResponse::new(200, fixture("linkup_error_envelope.json")),
            ErrorCode::UpstreamError,
        ),
        (HttpResponse::new(307, ""), ErrorCode::UpstreamError),
    ];
    for (response, code) in cases {
        let status = response.status;
        assert_eq!(
            messages_error(response.clone()).code(),
            code,
            "linkup {status}"
        );
        assert_eq!(list_error(response).code(), code, "connectsafely {status}");
    }
    let limited = messages_error(HttpResponse::new(429, "{}").with_header("retry-after", "30"));
    assert_eq!(limited.retry_after_secs(), Some(30));
    let success_false = list_error(HttpResponse::new(
        200,
        r#"{"success":false,"message":"Account not connected"}"#,
    ));
    assert_eq!(success_false.code(), ErrorCode::UpstreamError);
}

#[test]
fn no_secret_from_a_body_reaches_an_error_message() {
    let envelope = messages_error(HttpResponse::new(
        200,
        fixture("linkup_error_envelope.json"),
    ));
    let malformed = messages_error(HttpResponse::new(
        200,
        r#"{"login_token":"AQEDSECRET","status":"success","data":{"messages":[{"timestamp":"AQEDSECRET"}]}}"#,
    ));
    for err in [envelope, malformed] {
        let printed = format!("{err} {err:?}");
        assert!(!printed.contains("AQEDSECRET"), "{printed}");
    }
}

#[test]
fn codes_are_stable_strings() {
    let codes = [
        ErrorCode::InvalidInput,
        ErrorCode::InvalidCursor,
        ErrorCode::Unauthorized,
        ErrorCode::RateLimited,
        ErrorCode::InsufficientCredits,
        ErrorCode::NotFound,
        ErrorCode::UpstreamError,
        ErrorCode::MalformedResponse,
    ];
    assert_eq!(
        codes.map(|c| c.as_str()),
        [
            "INVALID_INPUT",
            "INVALID_CURSOR",
            "UNAUTHORIZED",
            "RATE_LIMITED",
            "INSUFFICIENT_CREDITS",
            "NOT_FOUND",
            "UPSTREAM_ERROR",
            "MALFORMED_RESPONSE"
        ]
    );
}
