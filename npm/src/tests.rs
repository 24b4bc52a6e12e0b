//! Boundary conversions, run in Node by wasm-bindgen-test-runner
//! (`cargo test --target wasm32-unknown-unknown --features wasm --lib`).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::client::InboxClient;
use super::convert::{body_text, from_js, js_error, to_js};
use super::sans_io::{build_request, credit_cost, parse_response};
use linkedin_inbox::{ConversationPage, ConversationQuery, Error};

fn get(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap()
}

fn object(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn proxy_config() -> JsValue {
    object(r#"{"proxy":{"url":"https://proxy.example","token":"tok"}}"#)
}

#[wasm_bindgen_test]
fn js_objects_become_queries_and_unknown_fields_are_invalid_input() {
    let query: ConversationQuery = from_js(
        &object(r#"{"count":5,"keywords":"a b","unread":true}"#),
        "query",
    )
    .unwrap();
    assert_eq!(
        (query.count, query.keywords.as_deref(), query.unread),
        (Some(5), Some("a b"), Some(true))
    );
    assert_eq!(
        from_js::<ConversationQuery>(&JsValue::UNDEFINED, "query").unwrap(),
        ConversationQuery::default()
    );
    let err = from_js::<ConversationQuery>(&object(r#"{"cuont":5}"#), "query").unwrap_err();
    assert_eq!(err.field(), Some("query"));
}

#[wasm_bindgen_test]
fn models_become_plain_objects_with_camel_case_fields() {
    let page = ConversationPage {
        items: vec![],
        next_cursor: Some("abc".into()),
        total: Some(3),
        account_id: None,
        owner_profile_urn: None,
        filters_applied: false,
        credit_cost: 2,
    };
    let js = to_js(&page).unwrap();
    assert_eq!(get(&js, "filtersApplied").as_bool(), Some(false));
    assert_eq!(get(&js, "creditCost").as_f64(), Some(2.0));
    assert_eq!(get(&js, "nextCursor").as_string().as_deref(), Some("abc"));
    assert_eq!(get(&js, "total").as_f64(), Some(3.0));
    assert!(Array::is_array(&get(&js, "items")));
    assert!(get(&js, "accountId").is_null());
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_code_field_retry_after_and_status() {
    let invalid = js_error(&Error::InvalidInput {
        field: "count",
        reason: "too big".into(),
    });
    assert!(invalid.is_instance_of::<js_sys::Error>());
    assert_eq!(
        get(&invalid, "code").as_string().as_deref(),
        Some("INVALID_INPUT")
    );
    assert_eq!(get(&invalid, "field").as_string().as_deref(), Some("count"));
    assert_eq!(
        get(&invalid, "name").as_string().as_deref(),
        Some("InboxError")
    );
    let limited = js_error(&Error::RateLimited {
        retry_after_secs: Some(30),
    });
    assert_eq!(
        (
            get(&limited, "retryAfter").as_f64(),
            get(&limited, "status").as_f64()
        ),
        (Some(30.0), Some(429.0))
    );
    assert!(get(&limited, "field").is_undefined());
}

#[wasm_bindgen_test]
fn sans_io_exports_build_and_parse() {
    let request = build_request(
        proxy_config(),
        "listConversations",
        object(r#"{"count":2}"#),
    )
    .unwrap();
    assert_eq!(
        get(&request, "url").as_string().as_deref(),
        Some("https://proxy.example/v1/conversations?count=2")
    );
    let headers: Array = get(&request, "headers").dyn_into().unwrap();
    let auth = headers
        .iter()
        .find(|pair| Array::from(pair).get(0).as_string().as_deref() == Some("authorization"))
        .unwrap();
    assert_eq!(
        Array::from(&auth).get(1).as_string().as_deref(),
        Some("Bearer tok")
    );
    let response = object(
        r#"{"status":200,"body":"{\"items\":[],\"nextCursor\":null,\"total\":0,\"accountId\":null,\"ownerProfileUrn\":null}"}"#,
    );
    let page = parse_response(
        proxy_config(),
        "listConversations",
        JsValue::UNDEFINED,
        response,
    )
    .unwrap();
    assert!(get(&page, "nextCursor").is_null());
    let failed = object(
        r#"{"status":401,"body":"{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"unknown client\"}}"}"#,
    );
    let err = parse_response(
        proxy_config(),
        "listConversations",
        JsValue::UNDEFINED,
        failed,
    )
    .unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("UNAUTHORIZED")
    );
    assert_eq!(credit_cost(21), 3);
}

#[wasm_bindgen_test]
fn bad_configs_throw_invalid_input_naming_the_field() {
    for (config, field) in [
        (Object::new().into(), "config"),
        (
            object(r#"{"proxy":{"url":"ftp://x","token":"t"}}"#),
            "baseUrl",
        ),
        (
            object(r#"{"linkup":{"apiKey":"k","loginToken":"t","country":"XX"}}"#),
            "country",
        ),
        (
            object(
                r#"{"proxy":{"url":"https://x","token":"t"},"linkup":{"apiKey":"k","loginToken":"t"}}"#,
            ),
            "config",
        ),
    ] {
        let err = InboxClient::new(config).err().expect("rejected");
        assert_eq!(get(&err, "field").as_string().as_deref(), Some(field));
    }
}

#[wasm_bindgen_test]
fn string_bodies_become_utf8_in_one_copy() {
    let long_ascii = "a".repeat(100_000);
    for text in [
        "",
        "plain ascii",
        "é ü 🙏 こんにちは",
        "ends in 🙏",
        &long_ascii,
    ] {
        assert_eq!(body_text(&JsValue::from_str(text)).as_deref(), Some(text));
    }
    // A lone surrogate (no Rust string can hold one) becomes U+FFFD, as TextEncoder does.
    let lone = object(r#""a\ud800b""#);
    assert_eq!(body_text(&lone).as_deref(), Some("a\u{FFFD}b"));
    assert_eq!(body_text(&JsValue::from_f64(42.0)), None);
}
