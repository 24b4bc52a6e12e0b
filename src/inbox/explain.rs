//! What an error means to a person using an inbox, and what they can do about it. The popup
//! and the extension's options page show these texts; any UI may.

use serde::Serialize;

use crate::error::ErrorCode;

/// The kind of trouble, for styling and for what to offer (a link to settings, a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum ExplanationKind {
    /// The proxy or provider cannot be reached; cached data may still be shown.
    Offline,
    /// The client token or settings are wrong.
    Auth,
    /// The proxy does not allow this page's origin.
    Origin,
    /// A rate limit, budget or credit balance stops the request for now.
    Limited,
    /// Anything else.
    Other,
}

/// An error explained: its kind and one or two sentences for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Explanation {
    /// The kind of trouble.
    pub kind: ExplanationKind,
    /// What happened and what to do, in plain words.
    pub text: String,
}

fn wait_text(seconds: u64) -> String {
    match seconds {
        0..90 => format!("{seconds} s"),
        90..5400 => format!("{} min", (seconds + 30) / 60),
        _ => format!("{} h", seconds.saturating_add(1800) / 3600),
    }
}

/// Explains an error by its code, invalid field, `Retry-After` and message; `cached` says
/// whether what was loaded before is still on screen (the offline text then says so).
///
/// The popup keeps a copy of these texts in `www/explain.js` (it explains errors even when the
/// wasm cannot load); `www/test/explain.test.mjs` checks that copy against this function.
pub fn explain(
    code: ErrorCode,
    field: Option<&str>,
    retry_after_secs: Option<u64>,
    message: &str,
    cached: bool,
) -> Explanation {
    use ExplanationKind::*;
    let (kind, text) = match code {
        ErrorCode::Network | ErrorCode::Unavailable => (
            Offline,
            if cached {
                "Offline: the proxy cannot be reached. Showing what was loaded before."
            } else {
                "Offline: the proxy cannot be reached. Check your connection and try again."
            }
            .to_owned(),
        ),
        ErrorCode::Unauthorized => (
            Auth,
            "Bad token: the proxy does not know this client token.".to_owned(),
        ),
        ErrorCode::OriginNotAllowed => (
            Origin,
            "The proxy does not allow this extension. Ask its operator to add this extension's origin."
                .to_owned(),
        ),
        ErrorCode::RateLimited | ErrorCode::BudgetExhausted | ErrorCode::InsufficientCredits => {
            let what = match code {
                ErrorCode::BudgetExhausted => "Today's LinkedIn budget for this account is spent.",
                ErrorCode::InsufficientCredits => "The LinkupAPI credit balance is spent.",
                _ => "LinkedIn rate limit reached.",
            };
            let wait = retry_after_secs.map_or_else(
                || " Try again later.".to_owned(),
                |s| format!(" Try again in {}.", wait_text(s)),
            );
            (Limited, format!("{what}{wait}"))
        }
        ErrorCode::InvalidInput if matches!(field, Some("token" | "baseUrl" | "url")) => (
            Auth,
            "The proxy URL or token in the options is not valid.".to_owned(),
        ),
        ErrorCode::InvalidInput if message.is_empty() => {
            (Other, "Something went wrong. Try again.".to_owned())
        }
        ErrorCode::InvalidInput => (Other, message.to_owned()),
        // In an inbox UI the one thing a provider cannot do is read state (LinkupAPI).
        ErrorCode::NotSupported => (
            Other,
            "This account's provider cannot do that: LinkupAPI has no read state.".to_owned(),
        ),
        ErrorCode::IdempotencyKeyReused => (
            Other,
            "That message was already sent differently. Write it again.".to_owned(),
        ),
        ErrorCode::Misconfigured => (
            Other,
            "The proxy is misconfigured. Ask its operator to check its settings.".to_owned(),
        ),
        _ => (
            Other,
            "Something went wrong loading the inbox. Try again.".to_owned(),
        ),
    };
    Explanation { kind, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explanation() {
        for code in ErrorCode::ALL {
            let explained = explain(code, None, None, "detail", false);
            assert!(!explained.text.is_empty(), "{code}");
        }
    }

    #[test]
    fn limits_say_when_to_retry() {
        let e = explain(ErrorCode::BudgetExhausted, None, Some(7200), "", false);
        assert_eq!(e.kind, ExplanationKind::Limited);
        assert!(e.text.ends_with("Try again in 2 h."), "{}", e.text);
        assert!(explain(ErrorCode::RateLimited, None, Some(30), "", false)
            .text
            .ends_with("30 s."));
        assert!(explain(ErrorCode::RateLimited, None, None, "", false)
            .text
            .ends_with("later."));
    }

    #[test]
    fn bad_settings_point_at_the_options() {
        assert_eq!(
            explain(ErrorCode::InvalidInput, Some("token"), None, "x", false).kind,
            ExplanationKind::Auth
        );
        let other = explain(
            ErrorCode::InvalidInput,
            Some("count"),
            None,
            "invalid count",
            false,
        );
        assert_eq!(
            (other.kind, other.text.as_str()),
            (ExplanationKind::Other, "invalid count")
        );
        assert_eq!(
            explain(ErrorCode::Unauthorized, None, None, "", false).kind,
            ExplanationKind::Auth
        );
    }

    #[test]
    fn offline_says_whether_cached_data_is_shown() {
        let cached = explain(ErrorCode::Network, None, None, "", true);
        let bare = explain(ErrorCode::Unavailable, None, None, "", false);
        assert_eq!(
            (cached.kind, bare.kind),
            (ExplanationKind::Offline, ExplanationKind::Offline)
        );
        assert!(cached.text.ends_with("Showing what was loaded before."));
        assert!(bare.text.ends_with("Check your connection and try again."));
    }

    #[test]
    fn no_text_is_empty_and_huge_waits_do_not_overflow() {
        assert_eq!(
            explain(ErrorCode::InvalidInput, Some("count"), None, "", false).text,
            "Something went wrong. Try again."
        );
        assert!(
            explain(ErrorCode::RateLimited, None, Some(u64::MAX), "", false)
                .text
                .ends_with(" h.")
        );
        assert!(explain(ErrorCode::NotSupported, None, None, "", false)
            .text
            .contains("no read state"));
    }
}
