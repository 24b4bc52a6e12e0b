//! Lowercasing for the keyword filter (`ConversationQuery::matches`): Unicode's full mapping.
//!
//! Rust's `str::to_lowercase` carries Unicode's case tables: 7.9 KB of gzip in the npm
//! package's .wasm, 5% of it (docs/npm.md, "Build alternatives"). With the default feature
//! `unicode-case` the core uses it. Without it (the npm build), the host hands in its own
//! mapping once with [`set_lowercase`]: the npm package gives the JS engine's
//! `String.prototype.toLowerCase`, the same Unicode mapping. Until a host does, only ASCII
//! letters are lowered.

#[cfg(not(feature = "unicode-case"))]
static HOST: std::sync::OnceLock<fn(&str) -> String> = std::sync::OnceLock::new();

/// `text` lowercased (see the module documentation).
#[cfg(feature = "unicode-case")]
pub(crate) fn lowercase(text: &str) -> String {
    text.to_lowercase()
}

/// `text` lowercased (see the module documentation).
#[cfg(not(feature = "unicode-case"))]
pub(crate) fn lowercase(text: &str) -> String {
    match HOST.get() {
        Some(lowercase) => lowercase(text),
        None => text.to_ascii_lowercase(),
    }
}

/// Sets the Unicode lowercase mapping of a build without the `unicode-case` feature (the first
/// call wins). With the feature, the core has its own and ignores this.
pub fn set_lowercase(lowercase: fn(&str) -> String) {
    #[cfg(not(feature = "unicode-case"))]
    let _ = HOST.set(lowercase);
    #[cfg(feature = "unicode-case")]
    let _ = lowercase;
}
