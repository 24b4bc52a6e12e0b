//! **The account's health**, as its providers' answers show it: `ok`, `session_expired` (a
//! provider refuses the account's LinkedIn session), `provider_paused` (an upstream 429, until
//! its wait ends), `over_budget` (a daily cap reached, until the UTC reset), `disabled` (set by
//! the operator; these rules never set or clear it). Pure: the object passes the answers, the
//! account's credential digest and `now` in, and keeps the result in its store.
//!
//! What counts as a session refusal follows what the providers document
//! (`shared/provider-contracts.md`): LinkupAPI v2 answers `403 ACCOUNT_INACTIVE` for an account
//! whose LinkedIn session is gone (docs.linkupapi.com `.../v2/error-codes`), v1 a 401 about the
//! `login_token` (the v1 session; a refused `x-api-key` is `403 INVALID_API_KEY`). ConnectSafely
//! documents its 401 and 403 only as refusals of our API key or subscription, never of one
//! account's session: those leave the account's health alone.

use linkedin_inbox::{retry_after_secs_for, Error, HttpResponse, Provider};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::admission::pause_until;
use super::registry::Account;

/// While the session is refused, the provider is asked with it at most once per this long.
pub const PROBE_INTERVAL_MS: u64 = 60_000;

/// The account's health state, as `GET /v1/accounts` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Ok,
    SessionExpired,
    ProviderPaused,
    OverBudget,
    Disabled,
}

impl HealthState {
    /// The state's name in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::SessionExpired => "session_expired",
            Self::ProviderPaused => "provider_paused",
            Self::OverBudget => "over_budget",
            Self::Disabled => "disabled",
        }
    }

    /// A stored name back (an unknown one reads as `ok`).
    pub fn from_name(name: &str) -> Self {
        [
            Self::SessionExpired,
            Self::ProviderPaused,
            Self::OverBudget,
            Self::Disabled,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
        .unwrap_or(Self::Ok)
    }
}

/// The account's health, with what the object needs to keep it: which provider set it, the
/// digest of the credentials it refused, and when the refused session was last tried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    pub state: HealthState,
    pub provider: Option<Provider>,
    /// Since when the account is in this state, epoch ms (0: always).
    pub since: u64,
    /// When the state ends by itself (a pause's end, the budgets' reset), epoch ms.
    pub until: Option<u64>,
    /// [`credential_digest`] of the credentials a provider refused.
    pub credential: Option<String>,
    /// The last upstream call made with the refused session, epoch ms.
    pub probe_at: u64,
}

impl Default for Health {
    fn default() -> Self {
        Self::ok(0)
    }
}

/// What one upstream answer says about the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx: the session works.
    Good,
    /// The provider refuses the account's session.
    SessionRefused,
    /// An upstream 429: paused until then.
    Paused { until: u64 },
    /// Anything else (a server error, our API key refused): no news about the account.
    Other,
}

impl Health {
    pub fn ok(since: u64) -> Self {
        Self {
            state: HealthState::Ok,
            provider: None,
            since,
            until: None,
            credential: None,
            probe_at: 0,
        }
    }

    fn entered(state: HealthState, provider: Provider, until: Option<u64>, now: u64) -> Self {
        Self {
            state,
            provider: Some(provider),
            since: now,
            until,
            credential: None,
            probe_at: 0,
        }
    }

    /// The health as the API shows it: `{"state", "since", "until"?}`.
    pub fn shown(&self) -> serde_json::Value {
        let mut shown = serde_json::json!({ "state": self.state.as_str(), "since": self.since });
        if let Some(until) = self.until {
            shown["until"] = until.into();
        }
        shown
    }

    /// Whether the API would show a difference (a change of the feed).
    pub fn shows_differently(&self, other: &Self) -> bool {
        (self.state, self.since, self.until) != (other.state, other.since, other.until)
    }

    /// Whether the account's stored answers stand in for `provider`'s (its session is refused).
    pub fn answers_from_store(&self, provider: Provider) -> bool {
        self.state == HealthState::SessionExpired && self.provider == Some(provider)
    }
}

/// A digest of the credentials the account's providers see (ConnectSafely's account id,
/// LinkupAPI's login token or v2 account): another value means the account was reconnected.
/// Secret-free, like `client_auth::account_digest`, but over the session as well.
pub fn credential_digest(account: &Account) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"credentials\0");
    let parts = [
        account.connectsafely_account_id.as_deref(),
        account.linkup_login_token.as_ref().map(|t| t.expose()),
        account.linkup_account_id.as_deref(),
    ];
    for part in parts {
        hasher.update(part.unwrap_or("").as_bytes());
        hasher.update(b"\0");
    }
    hex::encode(&hasher.finalize()[..12])
}

/// What `provider`'s answer `response` (arrived at `now`) says about the account; a 429's
/// pause ends as the ledger's does (`admission::pause_until`, clamped to `max_pause_secs`).
pub fn read_answer(
    provider: Provider,
    response: &HttpResponse,
    max_pause_secs: u64,
    now: u64,
) -> Answer {
    match response.status {
        200..=299 if !linkup_v2_failure(provider, response) => Answer::Good,
        429 => {
            let limited = Error::RateLimited {
                retry_after_secs: response.wait_secs(now),
            };
            let until = pause_until::<()>(Err(&limited), now, max_pause_secs).unwrap_or(now);
            Answer::Paused { until }
        }
        _ if session_refused(provider, response) => Answer::SessionRefused,
        _ => Answer::Other,
    }
}

/// LinkupAPI v2 may answer an error envelope (`success: false`) with a 2xx.
fn linkup_v2_failure(provider: Provider, response: &HttpResponse) -> bool {
    provider == Provider::Linkup
        && serde_json::from_str::<serde_json::Value>(&response.body)
            .is_ok_and(|v| v.get("success") == Some(&serde_json::Value::Bool(false)))
}

/// Whether `response` refuses the account's session (not our API key): see the module docs.
pub fn session_refused(provider: Provider, response: &HttpResponse) -> bool {
    if provider != Provider::Linkup {
        return false;
    }
    let body: Option<serde_json::Value> = serde_json::from_str(&response.body).ok();
    let code = body
        .as_ref()
        .and_then(|b| b.pointer("/error/code").or_else(|| b.get("code")))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_ascii_uppercase();
    if code.contains("API_KEY") {
        return false;
    }
    code == "ACCOUNT_INACTIVE" || code.contains("LOGIN_TOKEN") || response.status == 401
}

/// The stored health as of `now`, for an account whose credentials now digest to
/// `credential`: a refused session is over once the credentials changed, a pause or an
/// exhausted budget once its `until` passed.
pub fn current(stored: &Health, credential: &str, now: u64) -> Health {
    let over = match stored.state {
        HealthState::SessionExpired => stored
            .credential
            .as_deref()
            .is_some_and(|refused| refused != credential),
        HealthState::ProviderPaused | HealthState::OverBudget => {
            stored.until.is_none_or(|until| now >= until)
        }
        HealthState::Ok | HealthState::Disabled => false,
    };
    if over {
        Health::ok(now)
    } else {
        stored.clone()
    }
}

/// A health as shown (`Health::shown`), as of `now`: a pause or an exhausted budget is over
/// once its `until` passed (what [`current`] does for the object, for a copy kept elsewhere:
/// the client's index). Anything else, and `null` (never fed), as it is.
pub fn shown_as_of(shown: &serde_json::Value, now: u64) -> serde_json::Value {
    let state = HealthState::from_name(shown["state"].as_str().unwrap_or_default());
    let until = shown["until"].as_u64();
    match (state, until) {
        (HealthState::ProviderPaused | HealthState::OverBudget, Some(until)) if now >= until => {
            Health::ok(until).shown()
        }
        _ => shown.clone(),
    }
}

/// The health after `provider` answered `answer` at `now` (the credentials used digest to
/// `credential`). A refused session outranks a pause or a budget: it needs a person.
pub fn after_answer(
    health: &Health,
    provider: Provider,
    answer: Answer,
    credential: &str,
    now: u64,
) -> Health {
    let same_provider = health.provider.is_none_or(|p| p == provider);
    match (health.state, answer) {
        (HealthState::Disabled, _) => health.clone(),
        (HealthState::SessionExpired, Answer::SessionRefused) if same_provider => Health {
            credential: Some(credential.to_owned()),
            probe_at: now,
            ..health.clone()
        },
        (_, Answer::SessionRefused) => Health {
            credential: Some(credential.to_owned()),
            probe_at: now,
            ..Health::entered(HealthState::SessionExpired, provider, None, now)
        },
        (HealthState::SessionExpired, _) if !same_provider => health.clone(),
        (HealthState::SessionExpired, Answer::Paused { .. } | Answer::Other) => health.clone(),
        (HealthState::ProviderPaused, Answer::Paused { until }) if same_provider => Health {
            until: Some(until),
            ..health.clone()
        },
        (_, Answer::Paused { until }) => {
            Health::entered(HealthState::ProviderPaused, provider, Some(until), now)
        }
        (HealthState::Ok, Answer::Good) => health.clone(),
        (_, Answer::Good) if same_provider => Health::ok(now),
        _ => health.clone(),
    }
}

/// The health after the account's own daily cap for `provider` refused a call at `now`
/// (`until`: the reset). A refused session or a pause stays what is shown.
pub fn after_budget_refusal(health: &Health, provider: Provider, until: u64, now: u64) -> Health {
    match health.state {
        HealthState::Ok => Health::entered(HealthState::OverBudget, provider, Some(until), now),
        HealthState::OverBudget => Health {
            until: Some(until),
            ..health.clone()
        },
        _ => health.clone(),
    }
}

/// Whether a call to `provider` may go upstream at `now`: `Ok(true)` when it is the one
/// probe of a refused session this minute (the caller records it), `Ok(false)` for a call
/// nothing holds, `Err(wait_secs)` while the refused session waits for its next probe.
pub fn may_call(health: &Health, provider: Provider, now: u64) -> Result<bool, u64> {
    if !health.answers_from_store(provider) {
        return Ok(false);
    }
    let next = health.probe_at.saturating_add(PROBE_INTERVAL_MS);
    if now >= next {
        Ok(true)
    } else {
        Err(retry_after_secs_for(next - now))
    }
}

#[cfg(test)]
mod tests;
