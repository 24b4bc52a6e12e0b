//! The limits a provider states per API key (ConnectSafely: 60 requests a minute, bursts of
//! 100 per 10 s; LinkupAPI: 300 a minute), kept for every account that shares the key, as
//! pure decisions over the key's log of grants: sliding windows, a fair share per account
//! among those asking, leases of a few permits, and the pause an upstream 429 starts. The
//! key's Durable Object (`key_gate/`) keeps the log and asks here; nothing here reads a clock.

use serde::{Deserialize, Serialize};

use crate::rules::page_plan::{pause_secs, DEFAULT_PAUSE_SECS};

/// The rates a provider states for one key (0: that limit is off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRates {
    /// Calls in any 60 s.
    pub per_minute: u64,
    /// Calls in any `burst_window_secs`.
    pub burst: u64,
    pub burst_window_secs: u64,
}

/// How a key's permits are handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPolicy {
    pub rates: KeyRates,
    /// The most permits one ask gets while no other account is asking.
    pub lease_max: u64,
    /// How long a granted permit may be used; it counts in every window for this much longer
    /// than the window itself, so a call sent late in its lease still fits.
    pub lease_ms: u64,
    /// An account counts as asking (its fair share is kept for it) this long after it asked,
    /// or after the wait it was told ends.
    pub active_ms: u64,
}

pub const MINUTE_MS: u64 = 60_000;
/// The shortest wait a refusal names (re-asking sooner cannot change the answer).
pub const MIN_WAIT_MS: u64 = 50;

/// Permits granted to one account at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub at_ms: u64,
    pub account: String,
    pub permits: u64,
}

/// The answer to an ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// Permits granted now (0: refused).
    pub granted: u64,
    /// When refused: how long until asking again may succeed.
    pub wait_ms: u64,
    /// When the key's pause ends, epoch ms (0: not paused).
    pub paused_until_ms: u64,
}

/// A key's state: the grants still inside a window, its pause, and who asked lately.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLimiter {
    /// Oldest first.
    pub grants: Vec<Grant>,
    pub paused_until_ms: u64,
    /// Accounts asking, and until when each counts as asking (epoch ms): `active_ms` after
    /// its last ask, or after the end of the wait it was told.
    pub askers: Vec<(String, u64)>,
}

/// What a key's usage shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyUse {
    pub used_last_minute: u64,
    pub used_in_burst_window: u64,
    pub accounts_asking: u64,
    pub fair_share_per_minute: u64,
    pub account_used_last_minute: u64,
    pub paused_until: Option<u64>,
}

impl KeyPolicy {
    /// How long a grant counts in a window of `window_ms`.
    fn counts_for(&self, window_ms: u64) -> u64 {
        window_ms.saturating_add(self.lease_ms)
    }

    /// The longest any grant counts: older ones can be forgotten.
    pub fn horizon_ms(&self) -> u64 {
        self.counts_for(MINUTE_MS.max(self.rates.burst_window_secs.saturating_mul(1000)))
    }
}

impl KeyLimiter {
    /// Drops grants no window counts any more, and askers gone quiet.
    pub fn forget(&mut self, policy: &KeyPolicy, now_ms: u64) {
        let horizon = policy.horizon_ms();
        self.grants
            .retain(|g| g.at_ms.saturating_add(horizon) > now_ms);
        self.askers.retain(|(_, until)| *until > now_ms);
    }

    /// Grants (of `account`, or all) counting in a window of `window_ms` at `now_ms`.
    fn in_window<'a>(
        &'a self,
        policy: &KeyPolicy,
        window_ms: u64,
        now_ms: u64,
        account: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Grant> + 'a {
        let span = policy.counts_for(window_ms);
        self.grants.iter().filter(move |g| {
            g.at_ms.saturating_add(span) > now_ms && account.is_none_or(|a| g.account == a)
        })
    }

    fn used(&self, policy: &KeyPolicy, window_ms: u64, now_ms: u64, account: Option<&str>) -> u64 {
        self.in_window(policy, window_ms, now_ms, account)
            .map(|g| g.permits)
            .sum()
    }

    /// When the oldest grant (of `account`, or any) in the window stops counting.
    fn next_expiry(
        &self,
        policy: &KeyPolicy,
        window_ms: u64,
        now_ms: u64,
        account: Option<&str>,
    ) -> Option<u64> {
        let span = policy.counts_for(window_ms);
        self.in_window(policy, window_ms, now_ms, account)
            .map(|g| g.at_ms.saturating_add(span))
            .min()
    }

    fn active(&self, now_ms: u64) -> impl Iterator<Item = &str> {
        self.askers
            .iter()
            .filter(move |(_, until)| *until > now_ms)
            .map(|(account, _)| account.as_str())
    }

    /// Each asking account's share of a minute (max-min: the minute's calls split evenly).
    fn fair_share(&self, policy: &KeyPolicy, now_ms: u64) -> u64 {
        let asking = (self.active(now_ms).count() as u64).max(1);
        (policy.rates.per_minute / asking).max(1)
    }

    /// The key's windows in force: (limit, window ms) for the minute and the burst window.
    fn windows(policy: &KeyPolicy) -> impl Iterator<Item = (u64, u64)> {
        let rates = policy.rates;
        [
            (rates.per_minute, MINUTE_MS),
            (rates.burst, rates.burst_window_secs.saturating_mul(1000)),
        ]
        .into_iter()
        .filter(|(limit, window_ms)| *limit > 0 && *window_ms > 0)
    }

    /// What `account` may take of a window of `limit` calls: what is free less what the
    /// other asking accounts still have of their fair share of it (max-min: what accounts no
    /// longer asking did not use is split evenly among those asking; what one leaves goes to
    /// whoever asks).
    /// And, when that is nothing, when it may be something again: over its share, when its
    /// own oldest grant leaves the window; else when any grant does.
    fn room(
        &self,
        policy: &KeyPolicy,
        (limit, window_ms): (u64, u64),
        account: &str,
        now_ms: u64,
    ) -> (u64, Option<u64>) {
        let used = |who: Option<&str>| self.used(policy, window_ms, now_ms, who);
        let asking: Vec<(&str, u64)> = self.active(now_ms).map(|a| (a, used(Some(a)))).collect();
        let used_all = used(None);
        // What accounts no longer asking used is gone for everyone; the rest is shared.
        let used_asking: u64 = asking.iter().map(|(_, n)| n).sum();
        let left_to_share = limit.saturating_sub(used_all.saturating_sub(used_asking));
        let own = asking
            .iter()
            .find(|(a, _)| *a == account)
            .map_or(0, |(_, n)| *n);
        if left_to_share < asking.len() as u64 {
            // Fewer calls to share than accounts asking, so no account's share is a whole
            // call: one call at a time, to the accounts that have had the fewest in the window.
            let fewest = asking.iter().map(|(_, n)| *n).min().unwrap_or(0);
            if own <= fewest && used_all < limit {
                return (1, None);
            }
            return (0, self.next_expiry(policy, window_ms, now_ms, None));
        }
        let share = (left_to_share / (asking.len() as u64).max(1)).max(1);
        let kept_for_others: u64 = asking
            .iter()
            .filter(|(a, _)| *a != account)
            .map(|(_, n)| share.saturating_sub(*n))
            .sum();
        let room = limit
            .saturating_sub(used_all)
            .saturating_sub(kept_for_others);
        if room > 0 {
            return (room, None);
        }
        let owner = (own >= share).then_some(account);
        (0, self.next_expiry(policy, window_ms, now_ms, owner))
    }

    /// `account` asks for up to `want` permits at `now_ms`: granted (and recorded) or refused
    /// with the wait. While the key is paused nobody gets one. Otherwise an account may take
    /// what every window ([`KeyLimiter::room`]) has for it: under contention each asking
    /// account gets its share in turn. Alone, an ask gets up to `lease_max` permits; with
    /// others asking, one at a time.
    pub fn ask(&mut self, policy: &KeyPolicy, account: &str, want: u64, now_ms: u64) -> Decision {
        self.forget(policy, now_ms);
        self.asking(account, now_ms.saturating_add(policy.active_ms));
        if self.paused_until_ms > now_ms {
            return Decision {
                granted: 0,
                wait_ms: self.paused_until_ms - now_ms,
                paused_until_ms: self.paused_until_ms,
            };
        }
        let rooms: Vec<(u64, Option<u64>)> = Self::windows(policy)
            .map(|window| self.room(policy, window, account, now_ms))
            .collect();
        let alone = self.active(now_ms).count() <= 1;
        let lease = if alone { policy.lease_max.max(1) } else { 1 };
        let granted = rooms
            .iter()
            .map(|(room, _)| *room)
            .fold(want.max(1).min(lease), u64::min);
        if granted > 0 {
            self.grants.push(Grant {
                at_ms: now_ms,
                account: account.to_owned(),
                permits: granted,
            });
            return Decision {
                granted,
                wait_ms: 0,
                paused_until_ms: 0,
            };
        }
        // Refused: ask again once every window that blocks may have room.
        let at = rooms.iter().filter_map(|(_, at)| *at).max();
        let wait_ms = at
            .map_or(policy.active_ms, |at| at.saturating_sub(now_ms))
            .max(MIN_WAIT_MS);
        // A waiting account is still asking: its share is kept through the wait.
        let until = now_ms
            .saturating_add(wait_ms)
            .saturating_add(policy.active_ms);
        self.asking(account, until);
        Decision {
            granted: 0,
            wait_ms,
            paused_until_ms: 0,
        }
    }

    /// `account` counts as asking until `until_ms` (or later, if it already did).
    fn asking(&mut self, account: &str, until_ms: u64) {
        match self.askers.iter_mut().find(|(a, _)| a == account) {
            Some(asker) => asker.1 = asker.1.max(until_ms),
            None => self.askers.push((account.to_owned(), until_ms)),
        }
    }

    /// An upstream 429 on this key: nobody calls until `until_ms`.
    pub fn pause(&mut self, until_ms: u64) {
        self.paused_until_ms = self.paused_until_ms.max(until_ms);
    }

    /// The key's figures at `now_ms`, and `account`'s part of them.
    pub fn usage(&self, policy: &KeyPolicy, account: &str, now_ms: u64) -> KeyUse {
        let burst_ms = policy.rates.burst_window_secs.saturating_mul(1000);
        KeyUse {
            used_last_minute: self.used(policy, MINUTE_MS, now_ms, None),
            used_in_burst_window: self.used(policy, burst_ms, now_ms, None),
            accounts_asking: self.active(now_ms).count() as u64,
            fair_share_per_minute: self.fair_share(policy, now_ms),
            account_used_last_minute: self.used(policy, MINUTE_MS, now_ms, Some(account)),
            paused_until: (self.paused_until_ms > now_ms).then_some(self.paused_until_ms),
        }
    }
}

/// Until when (epoch ms) an upstream 429 that arrived at `arrived_ms` pauses its key: the
/// wait it states (`Retry-After` or `X-RateLimit-Reset`, the default pause when neither),
/// clamped to `max_pause_secs`, like the account's own pause.
pub fn key_pause_until(wait_secs: Option<u64>, arrived_ms: u64, max_pause_secs: u64) -> u64 {
    let secs = pause_secs(wait_secs.unwrap_or(DEFAULT_PAUSE_SECS), max_pause_secs);
    arrived_ms.saturating_add(secs.saturating_mul(1000))
}

/// Whether an account's calls of one kind may go on at `now_ms`, when the call `limit` calls
/// back (the oldest of the last `limit`) was at `oldest_of_last_ms` (0: fewer than `limit`
/// so far): `Ok` or the ms to wait. `limit` 0: no limit. A sliding minute, exactly.
pub fn account_minute(limit: u64, oldest_of_last_ms: u64, now_ms: u64) -> Result<(), u64> {
    if limit == 0 || oldest_of_last_ms == 0 {
        return Ok(());
    }
    let frees_at = oldest_of_last_ms.saturating_add(MINUTE_MS);
    match frees_at > now_ms {
        true => Err(frees_at - now_ms),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests;
