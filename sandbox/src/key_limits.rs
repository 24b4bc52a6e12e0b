//! Per-API-key rate limits as the providers document them, shared by every LinkedIn account
//! on the key. Off unless switched on (`--key-rate-limits`, `keyRateLimits` in `--config` or
//! `POST /__sandbox/settings`): the demo and most tests make many calls on one key.
//!
//! - ConnectSafely (CS-mirror overview; CS-cookbook `docs/rate-limits.md`): 60 requests per
//!   minute per key, bursts of up to 100 per 10 s. Two plain windows cannot say both (100 in
//!   10 s is more than 60 in a minute), so: a token bucket of `burst` tokens refilled at
//!   `perMinute` per 60 s (the sustained rate; an idle key can burst), and a sliding window
//!   of at most `burst` admitted calls in any `burstWindowSecs`.
//! - LinkupAPI (docs.linkupapi.com api-reference/introduction): "300 requests per minute per
//!   API key": a sliding window of at most `perMinute` admitted calls in any 60 s.
//!
//! A refused call takes no token and no window slot. Keys are counted by digest only.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

const MINUTE_MS: i64 = 60_000;

/// The `keyRateLimits` setting: a provider left out (or `null`) is not limited.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyRateLimits {
    #[serde(default)]
    pub connectsafely: Option<ConnectSafelyLimit>,
    #[serde(default)]
    pub linkup: Option<LinkupLimit>,
}

/// ConnectSafely's limit per key.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectSafelyLimit {
    pub per_minute: u32,
    pub burst: u32,
    pub burst_window_secs: u64,
}

/// LinkupAPI's limit per key (v1 and v2 share it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkupLimit {
    pub per_minute: u32,
}

impl KeyRateLimits {
    /// The documented numbers (`--key-rate-limits`).
    pub const DOCUMENTED: Self = Self {
        connectsafely: Some(ConnectSafelyLimit {
            per_minute: 60,
            burst: 100,
            burst_window_secs: 10,
        }),
        linkup: Some(LinkupLimit { per_minute: 300 }),
    };

    /// Every number at least 1.
    pub fn validate(&self) -> Result<(), String> {
        let cs_ok = self
            .connectsafely
            .is_none_or(|l| l.per_minute > 0 && l.burst > 0 && l.burst_window_secs > 0);
        let linkup_ok = self.linkup.is_none_or(|l| l.per_minute > 0);
        if cs_ok && linkup_ok {
            Ok(())
        } else {
            Err("keyRateLimits: perMinute, burst and burstWindowSecs must be at least 1".into())
        }
    }
}

/// A refused call: the limit that refused it and when the next call will be admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: u32,
    pub reset_ms: i64,
}

/// One key's calls, limited calls and limiter state.
#[derive(Debug, Default)]
pub struct KeyUsage {
    /// Calls that reached the limiter (admitted or not), limits on or off.
    pub calls: u64,
    /// Calls answered 429 by the limiter.
    pub limited: u64,
    /// Admitted calls (epoch ms) still inside the sliding window.
    admitted: VecDeque<i64>,
    /// ConnectSafely's bucket: tokens left and when they were counted (`None`: full).
    bucket: Option<(f64, i64)>,
}

impl KeyUsage {
    /// Forgets the limiter state (a changed setting starts afresh); the counters stay.
    pub fn restart(&mut self) {
        self.admitted.clear();
        self.bucket = None;
    }

    /// Counts a call at `now` and admits it under `limit`, or says when to come back.
    pub fn admit(&mut self, limit: Limit, now: i64) -> Result<(), Refused> {
        self.calls += 1;
        let verdict = match limit {
            Limit::ConnectSafely(l) => self.admit_connectsafely(l, now),
            Limit::Linkup(l) => self.admit_window(l.per_minute, MINUTE_MS, now),
            Limit::Off => Ok(()),
        };
        if verdict.is_err() {
            self.limited += 1;
        }
        verdict
    }

    fn admit_connectsafely(&mut self, l: ConnectSafelyLimit, now: i64) -> Result<(), Refused> {
        let (burst, rate_per_ms) = (f64::from(l.burst), f64::from(l.per_minute) / 60_000.0);
        let tokens = match self.bucket {
            None => burst,
            Some((tokens, at)) => (tokens + (now - at).max(0) as f64 * rate_per_ms).min(burst),
        };
        self.bucket = Some((tokens, now));
        let window_ms = i64::try_from(l.burst_window_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.prune(now, window_ms);
        let window_full = self.admitted.len() >= l.burst as usize;
        if tokens >= 1.0 && !window_full {
            self.bucket = Some((tokens - 1.0, now));
            self.admitted.push_back(now);
            return Ok(());
        }
        let token_wait = ((1.0 - tokens).max(0.0) / rate_per_ms).ceil() as i64;
        let window_wait = match self.admitted.front() {
            Some(oldest) if window_full => oldest + window_ms - now,
            _ => 0,
        };
        Err(Refused {
            limit: if window_wait >= token_wait {
                l.burst
            } else {
                l.per_minute
            },
            reset_ms: now + token_wait.max(window_wait).max(1),
        })
    }

    fn admit_window(&mut self, limit: u32, window_ms: i64, now: i64) -> Result<(), Refused> {
        self.prune(now, window_ms);
        if self.admitted.len() < limit as usize {
            self.admitted.push_back(now);
            return Ok(());
        }
        let oldest = self.admitted.front().copied().unwrap_or(now);
        Err(Refused {
            limit,
            reset_ms: (oldest + window_ms).max(now + 1),
        })
    }

    /// Drops admitted calls older than `window_ms`.
    fn prune(&mut self, now: i64, window_ms: i64) {
        while self
            .admitted
            .front()
            .is_some_and(|at| *at <= now.saturating_sub(window_ms))
        {
            self.admitted.pop_front();
        }
    }
}

/// The limit that applies to one provider's key right now.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    ConnectSafely(ConnectSafelyLimit),
    Linkup(LinkupLimit),
    Off,
}

/// A key as stats show it: the first 8 hex digits of its SHA-256, never the key.
pub fn key_digest(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CS: ConnectSafelyLimit = ConnectSafelyLimit {
        per_minute: 60,
        burst: 100,
        burst_window_secs: 10,
    };

    #[test]
    fn connectsafely_bursts_100_then_one_per_second() {
        let mut usage = KeyUsage::default();
        for _ in 0..100 {
            assert_eq!(usage.admit(Limit::ConnectSafely(CS), 0), Ok(()));
        }
        let refused = usage.admit(Limit::ConnectSafely(CS), 0).unwrap_err();
        assert_eq!(
            refused.reset_ms, 10_000,
            "the burst window frees first at 10 s"
        );
        // 10 s later the window is empty and 10 tokens have come back: 10 calls, not 100.
        let admitted = (0..100)
            .filter(|_| usage.admit(Limit::ConnectSafely(CS), 10_000).is_ok())
            .count();
        assert_eq!(admitted, 10);
        let refused = usage.admit(Limit::ConnectSafely(CS), 10_000).unwrap_err();
        assert_eq!((refused.limit, refused.reset_ms), (60, 11_000));
        assert_eq!((usage.calls, usage.limited), (202, 92));
    }

    #[test]
    fn linkup_is_a_sliding_minute() {
        let mut usage = KeyUsage::default();
        let limit = Limit::Linkup(LinkupLimit { per_minute: 300 });
        for t in 0..300 {
            assert!(usage.admit(limit, t * 100).is_ok());
        }
        let refused = usage.admit(limit, 30_000).unwrap_err();
        assert_eq!((refused.limit, refused.reset_ms), (300, 60_000));
        assert!(
            usage.admit(limit, 60_000).is_ok(),
            "the first call left the window"
        );
        assert!(usage.admit(limit, 60_001).is_err());
        assert_eq!(key_digest("demo-linkup-key").len(), 8);
    }
}
