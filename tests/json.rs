//! `linkedin_inbox::json::from_str` decodes as `serde_json::from_str` does, except that a
//! struct (or a struct variant) is read from a JSON object only, never from an array.

use std::collections::BTreeMap;

use linkedin_inbox::json;
use pretty_assertions::assert_eq;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Outer {
    name: String,
    count: Option<u32>,
    inner: Option<Inner>,
    items: Vec<Inner>,
    #[serde(default)]
    by_key: BTreeMap<String, Inner>,
    kind: Option<Kind>,
    either: Option<Either>,
    extra: Option<Value>,
    id: Option<Id>,
    pair: Option<(u8, String)>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Inner {
    a: Option<i64>,
    b: Option<bool>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Plain,
    Wrapped(Inner),
    Shaped { x: u8, inner: Inner },
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Either {
    Flag(bool),
    Count(u64),
    Thing(Inner),
}

#[derive(Debug, PartialEq, Deserialize)]
struct Id(String);

/// Both decoders' results, as `Ok(value)` or `Err(message)`.
fn both<T: DeserializeOwned>(text: &str) -> (Result<T, String>, Result<T, String>) {
    (
        serde_json::from_str::<T>(text).map_err(|e| e.to_string()),
        json::from_str::<T>(text).map_err(|e| e.to_string()),
    )
}

#[test]
fn objects_decode_as_serde_json_does() {
    let texts = [
        r#"{"name":"x","items":[]}"#,
        r#"{"name":"x","count":3,"inner":{"a":-1,"b":true,"zz":[1,{"q":2}]},"items":[{"a":1},{}],
           "byKey":{"k":{"b":false}},"kind":"plain","either":true,"extra":{"n":[1.5,null,"s"]},
           "id":"i1","pair":[7,"seven"],"unknown":{"deep":[[]]}}"#,
        r#"{"name":"x","items":[],"kind":{"wrapped":{"a":2}},"either":12,"extra":null}"#,
        r#"{"name":"x","items":[],"kind":{"shaped":{"x":1,"inner":{"a":3}}},"either":{"a":5}}"#,
        r#"{"name":"é \u00e9 \ud83d\ude00","items":[],"inner":null,"count":null}"#,
        // Failures: the same error, message and position.
        r#"{"name":1,"items":[]}"#,
        r#"{"name":"x","items":[{"a":"1"}]}"#,
        r#"{"name":"x","items":[],"count":-1}"#,
        r#"{"name":"x","items":[],"kind":"other"}"#,
        r#"{"name":"x","items":[],"either":"s"}"#,
        r#"{"name":"x"}"#,
        r#"{"name":"x","items":[]} trailing"#,
        r#"{"name":"x","items":[]"#,
        "",
    ];
    for text in texts {
        let (plain, objects) = both::<Outer>(text);
        assert_eq!(plain, objects, "{text}");
    }
    let (plain, objects) = both::<Value>(r#"[1,-2,3.5,"a",{"b":[true,null]}]"#);
    assert_eq!(plain, objects);
}

#[test]
fn a_struct_given_as_an_array_is_a_wrong_type() {
    // serde_json reads the fields by position; here that is an error like any other wrong type.
    let (plain, objects) = both::<Inner>("[1,true]");
    assert_eq!(
        plain,
        Ok(Inner {
            a: Some(1),
            b: Some(true)
        })
    );
    assert_eq!(
        objects,
        Err("invalid type: sequence, expected struct Inner at line 1 column 0".into())
    );
    let (plain, objects) = both::<Outer>(r#"{"name":"x","items":[[1,true]]}"#);
    assert!(plain.is_ok());
    assert!(objects
        .unwrap_err()
        .starts_with("invalid type: sequence, expected struct Inner"));
    let (plain, objects) = both::<Kind>(r#"{"shaped":[1,{"a":2}]}"#);
    assert!(plain.is_ok());
    assert!(objects
        .unwrap_err()
        .starts_with("invalid type: sequence, expected struct variant"));
}
