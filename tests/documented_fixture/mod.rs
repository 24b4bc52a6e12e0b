//! The providers' documented examples (`tests/fixtures/documented/`, each source named in its
//! `SOURCES.md`), for the core's tests that read them.

use serde_json::Value;

/// The documented example `name`, parsed.
pub fn documented(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/documented/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
