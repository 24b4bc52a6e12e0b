//! The pure planning of one page request: its cache key, freshness and cost, the core
//! operation that fetches it, when a stale copy may answer, and the headers of the answer.
//! No I/O: unit-tested natively.

use linkedin_inbox::{ConversationQuery, Error, MessageQuery, Operation, Provider};
use serde::{Deserialize, Serialize};

use crate::rules::settings::Config;

/// A page the proxy serves, as the Worker hands it to the account's gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "query", rename_all = "camelCase")]
pub enum PageRequest {
    Conversations(ConversationQuery),
    Messages(MessageQuery),
}

/// Where a page lives in the cache, how long it is fresh, what it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub key: String,
    pub ttl_secs: u64,
    pub credits: u64,
    pub is_connectsafely: bool,
    /// A head page (no cursor): it changes with every new message.
    pub is_head: bool,
}

/// The longest a browser may keep an older (cursor) page; head pages it must revalidate, so
/// `POST /v1/refresh` always reaches what a client shows.
pub const BROWSER_MAX_AGE_SECS: u64 = 60;

impl Plan {
    /// The provider this page costs calls of (its pause and budget).
    pub fn provider(&self) -> &'static str {
        if self.is_connectsafely {
            "connectsafely"
        } else {
            "linkup"
        }
    }

    /// How long a browser may keep this page, given how long it stays fresh here
    /// (0: revalidate every time).
    pub fn browser_max_age(&self, fresh_secs: u64) -> u64 {
        match self.is_head {
            true => 0,
            false => fresh_secs.min(BROWSER_MAX_AGE_SECS),
        }
    }
}

/// How long an upstream `Retry-After` pauses the provider: clamped to the operator's cap, so
/// a hostile or broken value cannot lock the account.
pub fn pause_secs(retry_after_secs: u64, max_pause_secs: u64) -> u64 {
    // At least a second: `Retry-After: 0` (or a date in the past) must not loop on the provider.
    retry_after_secs.min(max_pause_secs).max(1)
}

/// Whether a failed upstream call may still have been billed (the request was sent and no
/// error status came back: a timeout, or a 2xx answer we could not read). Only calls the
/// provider refused with an error status are refunded.
pub fn may_have_been_charged(error: &Error) -> bool {
    matches!(
        error,
        Error::Network { .. } | Error::MalformedResponse { .. } | Error::Unavailable { .. }
    )
}

/// The pause after an upstream 429 that named no `Retry-After`.
pub const DEFAULT_PAUSE_SECS: u64 = 30;

/// An upstream error with its `Retry-After` clamped like the pause it causes, so no answer
/// (the leader's or a coalesced waiter's) passes a hostile value on; a 429 without one gets
/// the default pause, so every 429 tells the client when to come back.
pub fn clamp_retry_after(error: Error, max_pause_secs: u64) -> Error {
    match error {
        Error::RateLimited { retry_after_secs } => Error::RateLimited {
            retry_after_secs: Some(pause_secs(
                retry_after_secs.unwrap_or(DEFAULT_PAUSE_SECS),
                max_pause_secs,
            )),
        },
        other => other,
    }
}

impl PageRequest {
    /// Head pages (no cursor) carry the account's freshness generation in their key, so
    /// `POST /v1/refresh` makes them miss everywhere while older cursor pages stay cached.
    /// `provider`: the one that serves this page for the account (its budget or credits).
    pub fn plan(
        &self,
        config: &Config,
        account: &str,
        generation: u64,
        provider: Provider,
    ) -> Result<Plan, Error> {
        let is_connectsafely = provider == Provider::ConnectSafely;
        let (cache_key, is_head, ttl_secs, credits) = match self {
            Self::Conversations(q) => {
                let head = q.cursor.is_none();
                let ttl = if head {
                    config.head_ttl_secs
                } else {
                    config.cursor_ttl_secs
                };
                // LinkupAPI's inbox: 1 credit per 10 requested (10 by default), per page read.
                let credits = match is_connectsafely {
                    true => 0,
                    false => u64::from(linkedin_inbox::credit_cost(q.count.unwrap_or(10))),
                };
                (q.cache_key()?, head, ttl, credits)
            }
            Self::Messages(q) => {
                let head = !q.is_history_page();
                let ttl = if head {
                    config.head_ttl_secs
                } else {
                    config.history_ttl_secs
                };
                let credits = match is_connectsafely {
                    true => 0,
                    false => u64::from(q.credit_cost()?),
                };
                (q.cache_key()?, head, ttl, credits)
            }
        };
        // Bodies hold cursors signed with the current key: a new CURSOR_SECRET starts afresh.
        let kid = config.cursor_key.key_id();
        let key = if is_head {
            format!("{account}/{kid}/g{generation}/{cache_key}")
        } else {
            format!("{account}/{kid}/{cache_key}")
        };
        Ok(Plan {
            key,
            ttl_secs,
            credits,
            is_connectsafely,
            is_head,
        })
    }

    /// The core operation that fetches this page upstream.
    pub fn operation(&self) -> Operation {
        match self {
            Self::Conversations(q) => Operation::ListConversations(q.clone()),
            Self::Messages(q) => Operation::ListMessages(q.clone()),
        }
    }
}

/// Where the list sync goes after the older page read at `previous`: the page's next cursor,
/// unless there is none, it is empty, or it is the one just read (a provider repeating a
/// cursor would otherwise be asked for the same page on every request): then the list ends.
pub fn next_tail<'a>(previous: &str, next: Option<&'a str>) -> Option<&'a str> {
    next.filter(|n| !n.is_empty() && *n != previous)
}

/// The SQL `LIKE` pattern of the stored head pages of a thread opened by its id (whatever
/// their size and generation): where a sent message is put at once.
pub fn thread_head_pattern(thread_id: &str) -> Option<String> {
    let query = linkedin_inbox::MessageQuery {
        conversation_id: Some(thread_id.to_owned()),
        count: Some(1),
        ..Default::default()
    };
    let key = query.cache_key().ok()?;
    let prefix = key.strip_suffix("1:-")?;
    Some(format!("%/{prefix}%:-"))
}

/// How a page was answered (`X-Cache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Hit,
    Miss,
    Coalesced,
    Stale,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "HIT",
            Self::Miss => "MISS",
            Self::Coalesced => "COALESCED",
            Self::Stale => "STALE",
        }
    }
}

/// The headers of a page answer: `X-Cache`, `Cache-Control` (`private, max-age=N`, or
/// `private, no-cache` for 0 and for stale pages), `Age` and the credit headers.
pub fn page_headers(
    source: Source,
    browser_max_age: u64,
    age: Option<u64>,
    spent: u64,
    saved: u64,
) -> Vec<(&'static str, String)> {
    let cache_control = match (source, browser_max_age) {
        (Source::Stale, _) | (_, 0) => "private, no-cache".to_owned(),
        (_, secs) => format!("private, max-age={secs}"),
    };
    let mut headers = vec![
        ("Content-Type", "application/json".to_owned()),
        ("X-Cache", source.as_str().to_owned()),
        ("Cache-Control", cache_control),
        ("X-Credits-Spent", spent.to_string()),
        ("X-Credits-Saved", saved.to_string()),
    ];
    if let Some(age) = age {
        headers.push(("Age", age.to_string()));
    }
    headers
}

/// Whether a failure may be answered with a stale page: the provider failed, not the request.
pub fn stale_allowed(error: &Error) -> bool {
    matches!(
        error,
        Error::UpstreamError { .. }
            | Error::Network { .. }
            | Error::MalformedResponse { .. }
            | Error::RateLimited { .. }
            | Error::BudgetExhausted { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::settings::tests::config;

    fn conversations(cursor: Option<&str>) -> PageRequest {
        PageRequest::Conversations(ConversationQuery {
            account_id: Some("acct-1".into()),
            count: Some(20),
            cursor: cursor.map(str::to_owned),
            ..Default::default()
        })
    }

    fn messages(count: u32) -> PageRequest {
        PageRequest::Messages(MessageQuery {
            conversation_id: Some("2-abc".into()),
            count: Some(count),
            ..Default::default()
        })
    }

    /// SQL `LIKE` as SQLite reads it (`%` any run, `_` any one character), for the test.
    fn like(pattern: &str, text: &str) -> bool {
        fn go(p: &[char], t: &[char]) -> bool {
            match p {
                [] => t.is_empty(),
                ['%', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..])),
                ['_', rest @ ..] => !t.is_empty() && go(rest, &t[1..]),
                [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
            }
        }
        go(
            &pattern.chars().collect::<Vec<_>>(),
            &text.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_tail_that_does_not_move_ends_the_list() {
        assert_eq!(next_tail("c1", Some("c2")), Some("c2"));
        assert_eq!(next_tail("c1", Some("c1")), None);
        assert_eq!(next_tail("c1", Some("")), None);
        assert_eq!(next_tail("c1", None), None);
    }

    #[test]
    fn a_threads_head_pattern_matches_its_head_pages_only() {
        let config = config();
        let pattern = thread_head_pattern("2-abc").unwrap();
        for (count, generation) in [(10, 0), (100, 7)] {
            let key = messages(count)
                .plan(&config, "acct", generation, Provider::Linkup)
                .unwrap()
                .key;
            assert!(like(&pattern, &key), "{pattern} ~ {key}");
        }
        let other = PageRequest::Messages(MessageQuery {
            conversation_id: Some("2-abd".into()),
            count: Some(10),
            ..Default::default()
        });
        let key = other
            .plan(&config, "acct", 0, Provider::Linkup)
            .unwrap()
            .key;
        assert!(!like(&pattern, &key));
        assert_eq!(thread_head_pattern("not a thread"), None);
    }

    #[test]
    fn head_pages_carry_the_generation_and_the_head_ttl() {
        let plan = conversations(None)
            .plan(&config(), "acct", 7, Provider::ConnectSafely)
            .unwrap();
        let kid = config().cursor_key.key_id();
        assert!(
            plan.key.starts_with(&format!("acct/{kid}/g7/cs:")),
            "{}",
            plan.key
        );
        assert_eq!(
            (plan.ttl_secs, plan.credits, plan.is_connectsafely),
            (30, 0, true)
        );
        let next = conversations(None)
            .plan(&config(), "acct", 8, Provider::ConnectSafely)
            .unwrap();
        assert_ne!(plan.key, next.key, "a refresh changes the head key");
    }

    #[test]
    fn browsers_revalidate_head_pages_and_keep_older_pages_briefly() {
        let head = conversations(None)
            .plan(&config(), "acct", 0, Provider::ConnectSafely)
            .unwrap();
        assert_eq!(head.browser_max_age(30), 0);
        let history = Plan {
            is_head: false,
            ..head
        };
        assert_eq!(history.browser_max_age(86_400), BROWSER_MAX_AGE_SECS);
        assert_eq!(history.browser_max_age(5), 5);
    }

    #[test]
    fn message_pages_cost_credits_per_ten() {
        let plan = messages(25)
            .plan(&config(), "acct", 0, Provider::Linkup)
            .unwrap();
        assert_eq!(
            (plan.credits, plan.ttl_secs, plan.is_connectsafely),
            (3, 30, false)
        );
    }

    #[test]
    fn keys_hold_no_secret_and_differ_by_account() {
        let a = messages(10)
            .plan(&config(), "acct-a", 0, Provider::Linkup)
            .unwrap();
        let b = messages(10)
            .plan(&config(), "acct-b", 0, Provider::Linkup)
            .unwrap();
        assert_ne!(a.key, b.key);
        for secret in ["li-at-secret-1", "cs-key-secret", "lk-key-secret"] {
            assert!(!a.key.contains(secret));
        }
    }

    #[test]
    fn a_foreign_cursor_is_refused_before_any_plan() {
        let err = conversations(Some("garbage"))
            .plan(&config(), "acct", 0, Provider::ConnectSafely)
            .unwrap_err();
        assert_eq!(err.code(), linkedin_inbox::ErrorCode::InvalidCursor);
    }

    #[test]
    fn the_operation_is_the_query_itself() {
        assert_eq!(messages(10).operation().name(), "listMessages");
        assert_eq!(conversations(None).operation().name(), "listConversations");
    }

    #[test]
    fn pauses_are_clamped_and_per_provider() {
        assert_eq!(pause_secs(999_999_999, 900), 900);
        assert_eq!(pause_secs(30, 900), 30);
        assert_eq!(
            pause_secs(0, 900),
            1,
            "a zero pause would loop on the provider"
        );
        assert!(may_have_been_charged(&Error::Network {
            message: String::new()
        }));
        assert!(!may_have_been_charged(&Error::UpstreamError {
            status: 500,
            message: String::new()
        }));
        let clamped = clamp_retry_after(
            Error::RateLimited {
                retry_after_secs: Some(u64::MAX),
            },
            900,
        );
        assert_eq!(clamped.retry_after_secs(), Some(900));
        let unnamed = clamp_retry_after(
            Error::RateLimited {
                retry_after_secs: None,
            },
            900,
        );
        assert_eq!(unnamed.retry_after_secs(), Some(DEFAULT_PAUSE_SECS));
        let other = clamp_retry_after(
            Error::Network {
                message: String::new(),
            },
            900,
        );
        assert_eq!(other.retry_after_secs(), None);
        let cs = conversations(None)
            .plan(&config(), "a", 0, Provider::ConnectSafely)
            .unwrap();
        let lk = messages(10)
            .plan(&config(), "a", 0, Provider::Linkup)
            .unwrap();
        assert_eq!((cs.provider(), lk.provider()), ("connectsafely", "linkup"));
    }

    #[test]
    fn stale_pages_are_not_kept_by_browsers() {
        let headers = page_headers(Source::Stale, 30, Some(90), 0, 0);
        assert!(headers.contains(&("Cache-Control", "private, no-cache".into())));
        assert!(headers.contains(&("Age", "90".into())));
        let miss = page_headers(Source::Miss, 30, None, 3, 0);
        assert!(miss.contains(&("Cache-Control", "private, max-age=30".into())));
        assert!(miss.contains(&("X-Credits-Spent", "3".into())));
        assert_eq!(Source::Coalesced.as_str(), "COALESCED");
        let head = page_headers(Source::Hit, 0, None, 0, 0);
        assert!(head.contains(&("Cache-Control", "private, no-cache".into())));
        let hit = page_headers(Source::Hit, 12, None, 0, 2);
        assert!(hit.contains(&("X-Cache", "HIT".into())));
        assert!(hit.contains(&("X-Credits-Saved", "2".into())));
    }

    #[test]
    fn only_provider_failures_may_be_served_stale() {
        assert!(stale_allowed(&Error::Network {
            message: String::new()
        }));
        assert!(stale_allowed(&Error::RateLimited {
            retry_after_secs: None
        }));
        assert!(!stale_allowed(&Error::NotFound {
            message: String::new()
        }));
        assert!(!stale_allowed(&Error::InvalidCursor {
            reason: String::new()
        }));
    }
}
