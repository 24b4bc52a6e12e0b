//! The proxy's own limits, pure: a per-client token bucket (requests per minute with a burst)
//! and the refresh throttle. The account's Durable Object persists their state.

use linkedin_inbox::retry_after_secs_for;
use serde::{Deserialize, Serialize};

/// A client's request bucket as stored: tokens left (in thousandths) and when it was filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub milli_tokens: u64,
    pub at_ms: u64,
}

/// How requests of one client are metered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u64,
    pub burst: u64,
}

impl Rate {
    /// A full bucket (a client's first request).
    pub fn full(self, now_ms: u64) -> Bucket {
        Bucket {
            milli_tokens: self.burst.saturating_mul(1000),
            at_ms: now_ms,
        }
    }

    /// Takes one request from `bucket`: the bucket after it, or the whole seconds until a
    /// request would be allowed. A rate of 0 per minute means no limit.
    pub fn take(self, bucket: Bucket, now_ms: u64) -> Result<Bucket, u64> {
        if self.per_minute == 0 {
            return Ok(bucket);
        }
        let capacity = self.burst.max(1).saturating_mul(1000);
        // Tokens refill at per_minute / 60_000 per ms, i.e. per_minute thousandths per second.
        let elapsed = now_ms.saturating_sub(bucket.at_ms);
        let refilled = elapsed.saturating_mul(self.per_minute) / 60;
        let tokens = bucket.milli_tokens.saturating_add(refilled).min(capacity);
        if tokens >= 1000 {
            return Ok(Bucket {
                milli_tokens: tokens - 1000,
                at_ms: now_ms,
            });
        }
        let missing_ms = (1000 - tokens).saturating_mul(60).div_ceil(self.per_minute);
        Err(retry_after_secs_for(missing_ms))
    }
}

/// Seconds until another refresh is allowed, or `None` when it is allowed now.
pub fn refresh_wait(last_refresh_ms: Option<u64>, now_ms: u64, interval_secs: u64) -> Option<u64> {
    let next = last_refresh_ms?.saturating_add(interval_secs.saturating_mul(1000));
    (next > now_ms).then(|| retry_after_secs_for(next - now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        per_minute: 60,
        burst: 3,
    };

    #[test]
    fn a_burst_passes_then_the_bucket_refills_at_the_rate() {
        let mut bucket = RATE.full(0);
        for _ in 0..3 {
            bucket = RATE.take(bucket, 0).unwrap();
        }
        assert_eq!(RATE.take(bucket, 0), Err(1));
        assert_eq!(RATE.take(bucket, 500), Err(1));
        let after_one_second = RATE.take(bucket, 1000).unwrap();
        assert_eq!(RATE.take(after_one_second, 1000), Err(1));
        // Never more than the burst, however long the client was away.
        let mut rested = RATE.take(bucket, 3_600_000).unwrap();
        rested = RATE.take(rested, 3_600_000).unwrap();
        rested = RATE.take(rested, 3_600_000).unwrap();
        assert!(RATE.take(rested, 3_600_000).is_err());
    }

    #[test]
    fn slow_rates_ask_for_a_longer_wait_and_zero_means_unlimited() {
        let slow = Rate {
            per_minute: 2,
            burst: 1,
        };
        let empty = slow.take(slow.full(0), 0).unwrap();
        assert_eq!(slow.take(empty, 0), Err(30));
        let unlimited = Rate {
            per_minute: 0,
            burst: 0,
        };
        assert!(unlimited.take(unlimited.full(0), 0).is_ok());
    }

    #[test]
    fn clocks_going_backwards_never_panic() {
        let bucket = Bucket {
            milli_tokens: 0,
            at_ms: u64::MAX,
        };
        assert!(RATE.take(bucket, 0).is_err());
        assert_eq!(
            refresh_wait(Some(u64::MAX), 0, u64::MAX),
            Some(u64::MAX / 1000 + 1)
        );
    }

    #[test]
    fn refreshes_are_spaced_by_the_interval() {
        assert_eq!(refresh_wait(None, 5_000, 10), None);
        assert_eq!(refresh_wait(Some(0), 5_000, 10), Some(5));
        assert_eq!(refresh_wait(Some(0), 9_001, 10), Some(1));
        assert_eq!(refresh_wait(Some(0), 10_000, 10), None);
    }
}
