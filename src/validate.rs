//! Validation of caller input, before any request is built. Every error names its field.
//!
//! Hand-written on purpose: the checks are small, and the `url` crate's IDNA tables would
//! dominate the size of the wasm build.

use crate::error::{Error, Result};

/// Smallest page size accepted (`count`, `total_results`).
pub const MIN_COUNT: u32 = 1;
/// Largest page size accepted.
pub const MAX_COUNT: u32 = 100;
/// Longest id, account id or profile URL accepted, in bytes.
pub const MAX_ID_LEN: usize = 512;
/// Longest search text accepted, in characters.
pub const MAX_KEYWORDS_LEN: usize = 200;
/// The longest message text accepted, in characters (LinkedIn's own limit for a message).
pub const MAX_MESSAGE_LEN: usize = 8000;

pub(crate) fn count(field: &'static str, value: Option<u32>) -> Result<Option<u32>> {
    match value {
        Some(n) if !(MIN_COUNT..=MAX_COUNT).contains(&n) => Err(Error::invalid(
            field,
            format!("must be between {MIN_COUNT} and {MAX_COUNT}, got {n}"),
        )),
        other => Ok(other),
    }
}

pub(crate) fn non_empty_secret(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.len() > 8192 || value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "is too long or holds control characters",
        ));
    }
    Ok(())
}

pub(crate) fn account_id(value: &str) -> Result<&str> {
    let value = value.trim();
    if value.is_empty() || value.len() > 128 {
        return Err(Error::invalid("accountId", "must be 1..=128 characters"));
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(Error::invalid(
            "accountId",
            "may hold only letters, digits, '-', '_' and '.'",
        ));
    }
    Ok(value)
}

pub(crate) fn keywords(value: Option<&str>) -> Result<Option<&str>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > MAX_KEYWORDS_LEN {
        return Err(Error::invalid(
            "keywords",
            format!("must be at most {MAX_KEYWORDS_LEN} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            "keywords",
            "must not hold control characters",
        ));
    }
    Ok(Some(value))
}

/// A message's text: trimmed, non-empty, at most [`MAX_MESSAGE_LEN`] characters, and no
/// control characters but newlines and tabs.
pub(crate) fn message_text(value: &str) -> Result<&str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid("text", "must not be empty"));
    }
    if value.chars().count() > MAX_MESSAGE_LEN {
        return Err(Error::invalid(
            "text",
            format!("must be at most {MAX_MESSAGE_LEN} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::invalid(
            "text",
            "must not hold control characters (newlines and tabs are fine)",
        ));
    }
    // Bidirectional overrides and isolates can disguise what a message says (Trojan Source).
    if value
        .chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return Err(Error::invalid(
            "text",
            "must not hold bidirectional override or isolate characters",
        ));
    }
    Ok(value)
}

/// An absolute `http(s)` base URL without query, returned without its trailing `/`.
pub(crate) fn base_url(value: &str) -> Result<String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or_default());
    match host {
        Some(host) if !host.is_empty() && !value.contains(['?', '#', '@', ' ']) => {
            Ok(value.to_owned())
        }
        _ => Err(Error::invalid(
            "baseUrl",
            "must be an absolute http(s) URL without query or credentials",
        )),
    }
}

/// A conversation URN (`urn:li:msg_conversation:(...)`) or a bare thread id (`2-...`).
pub(crate) fn conversation_id(value: &str) -> Result<&str> {
    const FIELD: &str = "conversationId";
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            FIELD,
            format!("must be 1..={MAX_ID_LEN} characters"),
        ));
    }
    let is_urn = value.starts_with("urn:li:")
        && !value.contains("//")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b":(),_-=+/.".contains(&b));
    let is_thread_id = value.as_bytes()[0].is_ascii_digit()
        && value.as_bytes().get(1) == Some(&b'-')
        && value.len() > 2
        && value[2..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b));
    if is_urn || is_thread_id {
        Ok(value)
    } else {
        Err(Error::invalid(
            FIELD,
            "must be a LinkedIn conversation URN (urn:li:msg_conversation:...) or thread id",
        ))
    }
}

/// A LinkedIn profile URL: `http(s)://[www.|xx.]linkedin.com/in/<slug>[/]`, no query.
pub(crate) fn profile_url(value: &str) -> Result<&str> {
    const FIELD: &str = "profileUrl";
    const EXPECTED: &str =
        "must be a LinkedIn profile URL like https://www.linkedin.com/in/<name>/";
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            FIELD,
            format!("must be 1..={MAX_ID_LEN} characters"),
        ));
    }
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| Error::invalid(FIELD, EXPECTED))?;
    let (host, path) = rest
        .split_once('/')
        .ok_or_else(|| Error::invalid(FIELD, EXPECTED))?;
    let host_ok = host == "linkedin.com"
        || host.strip_suffix(".linkedin.com").is_some_and(|sub| {
            sub == "www" || (sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_lowercase()))
        });
    let slug = path
        .strip_prefix("in/")
        .map(|s| s.strip_suffix('/').unwrap_or(s));
    let slug_ok = slug.is_some_and(|s| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
    });
    if host_ok && slug_ok {
        Ok(value)
    } else {
        Err(Error::invalid(FIELD, EXPECTED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_outside_the_range_name_the_field() {
        assert_eq!(count("count", Some(0)).unwrap_err().field(), Some("count"));
        assert_eq!(
            count("count", Some(101)).unwrap_err().field(),
            Some("count")
        );
        assert_eq!(count("count", Some(100)).unwrap(), Some(100));
        assert_eq!(count("count", None).unwrap(), None);
    }

    #[test]
    fn profile_urls() {
        for ok in [
            "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/",
            "https://linkedin.com/in/example",
            "http://fr.linkedin.com/in/jean-dupont",
        ] {
            assert_eq!(profile_url(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "linkedin.com/in/x",
            "https://evil.com/in/x",
            "https://www.linkedin.com.evil.com/in/x",
            "https://user@www.linkedin.com/in/x",
            "https://www.linkedin.com/company/x",
            "https://www.linkedin.com/in/",
            "https://www.linkedin.com/in/x?next=https://evil.com",
            "https://www.linkedin.com/in/x/y",
        ] {
            assert_eq!(
                profile_url(bad).unwrap_err().field(),
                Some("profileUrl"),
                "{bad}"
            );
        }
    }

    #[test]
    fn conversation_ids() {
        let urn = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAA_x-1,2-OTFj==)";
        assert_eq!(conversation_id(urn).unwrap(), urn);
        assert_eq!(conversation_id("2-ODFk+/=").unwrap(), "2-ODFk+/=");
        for bad in [
            "",
            "https://evil.com",
            "urn:li:x@evil.com",
            "urn:li://evil.com",
            "2-",
            "x-abc",
            "urn:li:a b",
        ] {
            assert_eq!(
                conversation_id(bad).unwrap_err().field(),
                Some("conversationId"),
                "{bad}"
            );
        }
        assert!(conversation_id(&format!("urn:li:{}", "a".repeat(10_000))).is_err());
    }

    #[test]
    fn keywords_are_trimmed_and_bounded() {
        assert_eq!(keywords(Some("  ")).unwrap(), None);
        assert_eq!(keywords(Some(" a & b ")).unwrap(), Some("a & b"));
        assert!(keywords(Some(&"x".repeat(201))).is_err());
        assert!(keywords(Some("a\u{0}b")).is_err());
    }

    #[test]
    fn account_ids() {
        assert_eq!(
            account_id("696ce9e780e0483585e4e553").unwrap(),
            "696ce9e780e0483585e4e553"
        );
        assert!(account_id("a/../b").is_err());
        assert!(account_id("").is_err());
    }
}
