//! The tape against its oracle, JSON: every value must hydrate to what `JSON.parse` makes of
//! its `serde_json` text (run in Node by wasm-bindgen-test-runner).

use std::collections::BTreeMap;

use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::convert::to_js;
use linkedin_inbox::{ConnectSafely, ConversationQuery, HttpResponse, Linkup, MessageQuery};

/// `JSON.stringify` of the hydrated value equals that of `JSON.parse(serde_json text)`.
fn assert_like_json<T: Serialize>(value: &T) {
    let expected = js_sys::JSON::parse(&serde_json::to_string(value).unwrap()).unwrap();
    let actual = to_js(value).unwrap();
    let text = |v: &JsValue| js_sys::JSON::stringify(v).unwrap().as_string().unwrap();
    assert_eq!(text(&actual), text(&expected));
}

#[derive(Serialize)]
enum Kind {
    Unit,
    Newtype(u8),
    Tuple(i32, String),
    Struct { inner: Option<bool> },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Everything {
    empty: String,
    escapes: String,
    emoji_then_ascii: Vec<String>,
    numbers: (i64, i64, u64, f64, f32, u8),
    not_finite: [f64; 2],
    flags: [bool; 2],
    missing: Option<u32>,
    unit: (),
    kinds: Vec<Kind>,
    map: BTreeMap<String, Vec<u16>>,
    nested: Vec<Vec<Option<String>>>,
    bytes: serde_bytes_like::Bytes,
    letter: char,
}

/// `serialize_bytes` without a dependency: a byte string serialized as bytes.
mod serde_bytes_like {
    pub struct Bytes(pub &'static [u8]);
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }
}

#[wasm_bindgen_test]
fn every_serde_shape_hydrates_like_its_json() {
    let value = Everything {
        empty: String::new(),
        escapes: "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7}".into(),
        emoji_then_ascii: vec![
            "🙏 then ascii".into(),
            "plain".into(),
            "こんにちは、Мария, Chloé 👩🏽‍💻".into(),
            "after".into(),
        ],
        numbers: (
            -9_007_199_254_740_991,
            9_007_199_254_740_991,
            0,
            1.5,
            -0.25,
            255,
        ),
        not_finite: [f64::NAN, f64::INFINITY],
        flags: [true, false],
        missing: None,
        unit: (),
        kinds: vec![
            Kind::Unit,
            Kind::Newtype(7),
            Kind::Tuple(-3, "é".into()),
            Kind::Struct { inner: Some(false) },
            Kind::Struct { inner: None },
        ],
        map: BTreeMap::from([
            ("a b".into(), vec![1, 2]),
            ("ü".into(), vec![]),
            ("__proto__".into(), vec![3]),
        ]),
        nested: vec![vec![], vec![None, Some("x".into())]],
        bytes: serde_bytes_like::Bytes(b"\x00\xff"),
        letter: '€',
    };
    assert_like_json(&value);
    assert_like_json(&vec![Kind::Unit, Kind::Unit]);
    assert_like_json(&"a lone string");
    assert_like_json(&Option::<u8>::None);
}

#[wasm_bindgen_test]
fn integers_a_js_number_would_round_are_refused() {
    assert!(to_js(&9_007_199_254_740_992_i64).is_err());
    assert!(to_js(&-9_007_199_254_740_992_i64).is_err());
    assert!(to_js(&u64::MAX).is_err());
}

#[wasm_bindgen_test]
fn parsed_fixture_pages_hydrate_like_their_json() {
    let response = |body: &str| HttpResponse {
        status: 200,
        headers: vec![],
        body: body.into(),
    };
    let connectsafely = ConnectSafely::new(linkedin_inbox::ApiKey::new("key")).unwrap();
    for fixture in [
        include_str!("../../../tests/fixtures/connectsafely_200.json"),
        include_str!("../../../tests/fixtures/connectsafely_edge.json"),
    ] {
        let page = connectsafely
            .parse_list_conversations(&ConversationQuery::default(), &response(fixture))
            .unwrap();
        assert_like_json(&page);
    }
    let linkup = Linkup::new(
        linkedin_inbox::ApiKey::new("key"),
        linkedin_inbox::LoginToken::new("token"),
    )
    .unwrap();
    let query = MessageQuery {
        conversation_id: Some("2-abc".into()),
        ..MessageQuery::default()
    };
    for fixture in [
        include_str!("../../../tests/fixtures/linkup_200.json"),
        include_str!("../../../tests/fixtures/linkup_edge.json"),
    ] {
        let page = linkup
            .parse_list_messages(&query, &response(fixture))
            .unwrap();
        assert_like_json(&page);
    }
}
