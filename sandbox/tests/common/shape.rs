//! Comparing the sandbox's answers with the providers' documented examples
//! (`tests/fixtures/documented/`, sources in its `SOURCES.md`): the same keys, the same value
//! types.

use serde_json::{json, Value};

/// A body's shape: its keys, and each value's type (a string and `null` alike; an array by
/// its first item).
pub fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::String(_) | Value::Null => json!("string|null"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
    }
}

/// A documented example of `tests/fixtures/documented/`.
pub fn documented(name: &str) -> Value {
    let path = format!(
        "{}/../tests/fixtures/documented/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Asserts that `got` has the shape of the documented `example`, except at `placeholders`
/// (JSON pointers to what the example leaves as a placeholder, `{}` or `"example_value"`):
/// there both must merely have the key.
pub fn assert_documented_shape(got: &Value, example: &Value, placeholders: &[&str]) {
    let (mut got, mut example) = (shape(got), shape(example));
    for pointer in placeholders {
        for body in [&mut got, &mut example] {
            let at = body.pointer_mut(pointer);
            assert!(at.is_some(), "{pointer} missing in {body}");
            *at.unwrap() = json!("placeholder");
        }
    }
    assert_eq!(got, example);
}
