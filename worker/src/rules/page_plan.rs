//! The pure planning of one page request: its cache key, freshness and cost, the core
//! operation that fetches it, when a stale copy may answer, and the headers of the answer.
//! No I/O: unit-tested natively.

use linkedin_inbox::{ConversationQuery, Error, MessageQuery, Operation, Provider};
use serde::{Deserialize, Serialize};

use crate::rules::admission::Billing;
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
    /// The provider that serves it (its pause, and its daily budget or credit cap).
    pub provider: Provider,
    /// A head page (no cursor): it changes with every new message.
    pub is_head: bool,
}

/// The longest a browser may keep an older (cursor) page; head pages it must revalidate, so
/// `POST /v1/refresh` always reaches what a client shows.
pub const BROWSER_MAX_AGE_SECS: u64 = 60;

impl Plan {
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

/// Whether a failed upstream call may still have been billed: the request was sent and no
/// error status came back (a timeout, or a 2xx answer we could not read), or, for a provider
/// billing every answer but a 500 (LinkupAPI v1), any error status but 500. Other calls the
/// provider refused with an error status are refunded.
pub fn may_have_been_charged(error: &Error, billing: Billing) -> bool {
    match error {
        Error::Network { .. } | Error::MalformedResponse { .. } | Error::Unavailable { .. } => true,
        _ => billing == Billing::AllBut500 && error.upstream_status().is_some_and(|s| s != 500),
    }
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
        let (cache_key, is_head, ttl_secs, credits) = match self {
            Self::Conversations(q) => {
                let head = q.cursor.is_none();
                let ttl = if head {
                    config.head_ttl_secs
                } else {
                    config.cursor_ttl_secs
                };
                // LinkupAPI's inbox: 1 credit per 10 requested (10 by default), per page read.
                let credits = match provider {
                    Provider::ConnectSafely => 0,
                    Provider::Linkup => {
                        u64::from(linkedin_inbox::credit_cost(q.count.unwrap_or(10)))
                    }
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
                let credits = match provider {
                    Provider::ConnectSafely => 0,
                    Provider::Linkup => u64::from(q.credit_cost()?),
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
            provider,
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

/// For a thread head page's key (`…:<count>:-`), the prefix its keys share in any size (up
/// to the count), and the count asked: a stored page of the whole thread in fewer messages
/// answers it too.
pub fn any_size_prefix(key: &str) -> Option<(String, usize)> {
    let rest = key.strip_suffix(":-")?;
    let (prefix, count) = rest.rsplit_once(':')?;
    let count = count.parse().ok()?;
    Some((format!("{prefix}:"), count))
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
mod tests;
