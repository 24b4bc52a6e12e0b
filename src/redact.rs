//! Masking of secrets in text we keep from upstream (error messages, body excerpts).

const SENSITIVE_KEY_PARTS: [&str; 7] = [
    "token",
    "api_key",
    "apikey",
    "api-key",
    "authorization",
    "cookie",
    "secret",
];
const MASK: &str = "[redacted]";
/// How much of a body is scanned before truncation.
const SCAN_LIMIT: usize = 4096;
/// How many characters of a body an error keeps.
pub(crate) const EXCERPT_CHARS: usize = 200;

fn is_sensitive_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SENSITIVE_KEY_PARTS.iter().any(|part| key.contains(part)) || key == "password"
}

/// Replaces the string values of sensitive JSON keys and `Bearer` credentials with a mask.
pub(crate) fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    let mut last_string_was_sensitive_key = false;
    let mut value_is_secret = false;
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let start = i + 1;
            let mut end = None;
            let mut escaped = false;
            for (j, d) in chars.by_ref() {
                match (escaped, d) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = Some(j);
                        break;
                    }
                    _ => {}
                }
            }
            let content = &text[start..end.unwrap_or(text.len())];
            if value_is_secret {
                out.push('"');
                out.push_str(MASK);
                out.push('"');
                value_is_secret = false;
                last_string_was_sensitive_key = false;
            } else {
                out.push('"');
                out.push_str(content);
                if end.is_some() {
                    out.push('"');
                }
                last_string_was_sensitive_key = is_sensitive_key(content);
            }
            continue;
        }
        if c == ':' && last_string_was_sensitive_key {
            value_is_secret = true;
            last_string_was_sensitive_key = false;
        } else if !c.is_whitespace() {
            value_is_secret = false;
            last_string_was_sensitive_key = false;
        }
        out.push(c);
    }
    redact_bearer(&out)
}

fn redact_bearer(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest_from = 0;
    let mut search_from = 0;
    while let Some(pos) = lower[search_from..].find("bearer ") {
        let token_start = search_from + pos + "bearer ".len();
        let token_end = text[token_start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == '\'')
            .map_or(text.len(), |n| token_start + n);
        out.push_str(&text[rest_from..token_start]);
        if token_end > token_start {
            out.push_str(MASK);
        }
        rest_from = token_end;
        search_from = token_end.max(token_start);
    }
    out.push_str(&text[rest_from..]);
    out
}

/// The start of a body for an error: scanned for secrets, then cut to a short excerpt.
pub(crate) fn body_excerpt(body: &str) -> String {
    let scanned = truncate_chars(body, SCAN_LIMIT);
    let redacted = redact_text(scanned);
    let short = truncate_chars(&redacted, EXCERPT_CHARS);
    let was_cut = scanned.len() < body.len() || short.len() < redacted.len();
    if was_cut {
        format!("{short}…")
    } else {
        short.to_owned()
    }
}

/// At most `max` characters of `text`, cut on a character boundary.
pub(crate) fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_sensitive_json_values_and_keeps_the_rest() {
        let text = r#"{"login_token": "AQEDcookie", "apiKey":"k-1", "name": "Ada", "count": 3}"#;
        assert_eq!(
            redact_text(text),
            r#"{"login_token": "[redacted]", "apiKey":"[redacted]", "name": "Ada", "count": 3}"#
        );
    }

    #[test]
    fn masks_bearer_credentials() {
        assert_eq!(
            redact_text("got Authorization: Bearer sk_live_1 from x"),
            "got Authorization: Bearer [redacted] from x"
        );
    }

    #[test]
    fn masks_a_secret_cut_by_truncation() {
        assert_eq!(
            redact_text(r#"{"login_token":"AQED"#),
            r#"{"login_token":"[redacted]""#
        );
    }

    #[test]
    fn excerpt_is_short_and_marks_the_cut() {
        let body = "x".repeat(1000);
        let excerpt = body_excerpt(&body);
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
        assert_eq!(body_excerpt("short"), "short");
    }
}
