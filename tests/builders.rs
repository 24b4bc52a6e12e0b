//! Builders: exact method, URL, headers and body for each parameter combination.
#![cfg(not(target_arch = "wasm32"))]

use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, Country, Cursor, ErrorCode, Linkup, LoginToken,
    MessageQuery, Method, Provider,
};
use pretty_assertions::assert_eq;

fn connectsafely() -> ConnectSafely {
    ConnectSafely::new(ApiKey::new("cs_key_1")).unwrap()
}

fn linkup() -> Linkup {
    Linkup::new(ApiKey::new("lk_key_1"), LoginToken::new("AQEDtoken")).unwrap()
}

#[test]
fn list_conversations_without_parameters_matches_the_documented_curl() {
    let request = connectsafely()
        .build_list_conversations(&ConversationQuery::default())
        .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(
        request.url,
        "https://api.connectsafely.ai/linkedin/messaging/recent-messages"
    );
    assert_eq!(
        request.headers,
        vec![
            ("accept".to_owned(), "application/json".to_owned()),
            ("authorization".to_owned(), "Bearer cs_key_1".to_owned()),
        ]
    );
    assert_eq!(request.body, None);
}

#[test]
fn list_conversations_sends_every_parameter_percent_encoded() {
    let query = ConversationQuery {
        account_id: Some("696ce9e780e0483585e4e553".into()),
        count: Some(25),
        keywords: Some(" R&D lead = café 🚀 ".into()),
        unread: Some(true),
        cursor: None,
        label_id: None,
    };
    let request = connectsafely().build_list_conversations(&query).unwrap();
    assert_eq!(
        request.url,
        "https://api.connectsafely.ai/linkedin/messaging/recent-messages?accountId=696ce9e780e0483585e4e553&count=25&keywords=R%26D%20lead%20%3D%20caf%C3%A9%20%F0%9F%9A%80&read=false"
    );
    let read_only = ConversationQuery {
        unread: Some(false),
        ..Default::default()
    };
    assert!(connectsafely()
        .build_list_conversations(&read_only)
        .unwrap()
        .url
        .ends_with("?read=true"));
}

#[test]
fn list_conversations_unwraps_the_opaque_cursor_and_encodes_the_upstream_one() {
    let first = ConversationQuery {
        keywords: Some("sales".into()),
        ..Default::default()
    };
    let fingerprint = cursor_fingerprint_of(&first);
    let opaque = Cursor {
        provider: Provider::ConnectSafely,
        fingerprint,
        upstream: "a+b/c==".into(),
        skip: 0,
    }
    .encode();
    let next = ConversationQuery {
        cursor: Some(opaque),
        count: Some(10),
        ..first
    };
    let request = connectsafely().build_list_conversations(&next).unwrap();
    assert_eq!(
        request.url,
        "https://api.connectsafely.ai/linkedin/messaging/recent-messages?nextCursor=a%2Bb%2Fc%3D%3D&count=10&keywords=sales"
    );
}

/// The fingerprint the parser binds to a query's cursors, read back from a parsed page.
fn cursor_fingerprint_of(query: &ConversationQuery) -> String {
    let body = r#"{"success":true,"conversations":[],"nextCursor":"x"}"#;
    let page = connectsafely()
        .parse_list_conversations(query, &linkedin_inbox::HttpResponse::new(200, body))
        .unwrap();
    Cursor::decode(&page.next_cursor.unwrap())
        .unwrap()
        .fingerprint
}

#[test]
fn a_cursor_from_other_filters_or_another_provider_is_rejected() {
    let sales = ConversationQuery {
        keywords: Some("sales".into()),
        ..Default::default()
    };
    let opaque = Cursor {
        provider: Provider::ConnectSafely,
        fingerprint: cursor_fingerprint_of(&sales),
        upstream: "x".into(),
        skip: 0,
    }
    .encode();
    let other_filter = ConversationQuery {
        keywords: Some("hiring".into()),
        cursor: Some(opaque.clone()),
        ..Default::default()
    };
    assert_eq!(
        connectsafely()
            .build_list_conversations(&other_filter)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidCursor
    );
    let messages = MessageQuery {
        conversation_id: Some("2-abc".into()),
        cursor: Some(opaque),
        ..Default::default()
    };
    assert_eq!(
        linkup().build_list_messages(&messages).unwrap_err().code(),
        ErrorCode::InvalidCursor
    );
}

#[test]
fn the_base_url_is_configurable_for_the_sandbox() {
    let client =
        ConnectSafely::with_base_url(ApiKey::new("k"), "http://127.0.0.1:8787/linkedin/").unwrap();
    let request = client
        .build_list_conversations(&ConversationQuery::default())
        .unwrap();
    assert_eq!(
        request.url,
        "http://127.0.0.1:8787/linkedin/messaging/recent-messages"
    );
    for bad in [
        "ftp://x",
        "127.0.0.1",
        "https://user@host",
        "https://host/?q=1",
        "",
    ] {
        let err = ConnectSafely::with_base_url(ApiKey::new("k"), bad).unwrap_err();
        assert_eq!(err.field(), Some("baseUrl"), "{bad}");
    }
}

#[test]
fn list_messages_by_conversation_id_has_the_exact_body_and_headers() {
    let urn = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAADxnv0oB_dN-NfpvEBlsVPU_W1omM-Xu24o,2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==)";
    let query = MessageQuery {
        conversation_id: Some(urn.into()),
        count: Some(5),
        ..Default::default()
    };
    let request = linkup()
        .with_country(Country::US)
        .build_list_messages(&query)
        .unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://api.linkupapi.com/v1/messages/conversation"
    );
    assert_eq!(request.header("x-api-key"), Some("lk_key_1"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.body.unwrap(),
        format!(
            r#"{{"conversation_id":"{urn}","total_results":5,"country":"US","login_token":"AQEDtoken"}}"#
        )
    );
}

#[test]
fn list_messages_by_profile_url_with_cursor_and_default_page_size() {
    let url = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";
    let first = MessageQuery {
        profile_url: Some(url.into()),
        ..Default::default()
    };
    let page = linkup()
        .parse_list_messages(
            &first,
            &linkedin_inbox::HttpResponse::new(200, include_str!("fixtures/linkup_200.json")),
        )
        .unwrap();
    let next = MessageQuery {
        cursor: page.next_cursor,
        ..first
    };
    let request = linkup().build_list_messages(&next).unwrap();
    assert_eq!(
        request.body.unwrap(),
        format!(
            r#"{{"linkedin_url":"{url}","total_results":10,"cursor":"1745266498889","login_token":"AQEDtoken"}}"#
        )
    );
}

#[test]
fn credit_cost_is_one_per_ten_rounded_up() {
    assert_eq!(
        [1, 10, 11, 20, 100, 300].map(linkedin_inbox::credit_cost),
        [1, 1, 2, 2, 10, 30]
    );
    let query = MessageQuery {
        conversation_id: Some("2-a".into()),
        count: Some(25),
        ..Default::default()
    };
    assert_eq!(query.credit_cost().unwrap(), 3);
    let default_size = MessageQuery {
        conversation_id: Some("2-a".into()),
        ..Default::default()
    };
    assert_eq!(default_size.credit_cost().unwrap(), 1);
}

#[test]
fn invalid_input_names_the_field_before_any_request_is_built() {
    let cases: Vec<(MessageQuery, &str)> = vec![
        (MessageQuery::default(), "conversationId"),
        (
            MessageQuery {
                conversation_id: Some("2-a".into()),
                profile_url: Some("https://linkedin.com/in/x".into()),
                ..Default::default()
            },
            "conversationId",
        ),
        (
            MessageQuery {
                profile_url: Some("https://evil.com/in/x".into()),
                ..Default::default()
            },
            "profileUrl",
        ),
        (
            MessageQuery {
                conversation_id: Some("https://evil.com".into()),
                ..Default::default()
            },
            "conversationId",
        ),
        (
            MessageQuery {
                conversation_id: Some("2-a".into()),
                count: Some(0),
                ..Default::default()
            },
            "count",
        ),
        (
            MessageQuery {
                conversation_id: Some("2-a".into()),
                count: Some(10_000),
                ..Default::default()
            },
            "count",
        ),
    ];
    for (query, field) in cases {
        let err = linkup().build_list_messages(&query).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidInput, Some(field)),
            "{query:?}"
        );
    }
    let bad_account = ConversationQuery {
        account_id: Some("../admin".into()),
        ..Default::default()
    };
    assert_eq!(
        connectsafely()
            .build_list_conversations(&bad_account)
            .unwrap_err()
            .field(),
        Some("accountId")
    );
    assert_eq!(
        "XX".parse::<Country>().unwrap_err().field(),
        Some("country")
    );
    assert_eq!("us".parse::<Country>().unwrap(), Country::US);
    assert_eq!(
        Linkup::new(ApiKey::new("k"), LoginToken::new(" "))
            .unwrap_err()
            .field(),
        Some("loginToken")
    );
}

#[test]
fn debug_output_of_requests_and_clients_hides_secrets() {
    let query = MessageQuery {
        conversation_id: Some("2-a".into()),
        ..Default::default()
    };
    let printed = format!(
        "{:?} {:?}",
        linkup(),
        linkup().build_list_messages(&query).unwrap()
    );
    let printed_cs = format!(
        "{:?} {:?}",
        connectsafely(),
        connectsafely()
            .build_list_conversations(&ConversationQuery::default())
            .unwrap()
    );
    for secret in ["lk_key_1", "AQEDtoken"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(!printed_cs.contains("cs_key_1"), "{printed_cs}");
}

#[test]
fn cache_keys_are_canonical_and_secret_free() {
    let a = ConversationQuery {
        keywords: Some(" sales ".into()),
        count: Some(20),
        ..Default::default()
    };
    let b = ConversationQuery {
        keywords: Some("sales".into()),
        count: Some(20),
        ..Default::default()
    };
    let c = ConversationQuery {
        keywords: Some("sales".into()),
        count: Some(21),
        ..Default::default()
    };
    assert_eq!(a.cache_key().unwrap(), b.cache_key().unwrap());
    assert_ne!(b.cache_key().unwrap(), c.cache_key().unwrap());
    let m = MessageQuery {
        conversation_id: Some("2-a".into()),
        ..Default::default()
    };
    assert!(m.cache_key().unwrap().starts_with("lk:"));
}
