//! How settings' texts are judged: origins as browsers send them, JSON errors by kind only.

/// `scheme://host[:port]` exactly as a browser sends it in `Origin` (no path, no trailing
/// slash, lower-case, no default port); extension origins are `scheme://id`.
pub(crate) fn is_exact_origin(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    match url.scheme() {
        "http" | "https" => url.origin().ascii_serialization() == origin,
        "chrome-extension" | "moz-extension" | "safari-web-extension" => url
            .host_str()
            .is_some_and(|id| format!("{}://{id}", url.scheme()) == origin),
        _ => false,
    }
}

/// The kind of JSON error only: its message could quote a token.
pub(crate) fn classify(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "JSON syntax error",
        serde_json::error::Category::Data => "wrong field or type",
        serde_json::error::Category::Eof => "unexpected end",
    }
}
