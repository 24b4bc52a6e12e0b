//! Daily budgets reset at UTC midnight, and every wait the proxy announces (`Retry-After`) is
//! in whole seconds, rounded up: the one home of both rules.

/// A day, in ms.
pub const DAY_MS: u64 = 86_400_000;

/// The next UTC midnight, epoch ms.
pub fn next_reset_ms(now_ms: u64) -> u64 {
    (now_ms / DAY_MS + 1) * DAY_MS
}

/// Whole seconds from `now_ms` until `until_ms`, rounded up (0 once it has passed).
pub fn secs_until(until_ms: u64, now_ms: u64) -> u64 {
    until_ms.saturating_sub(now_ms).div_ceil(1000)
}

/// Whole seconds until the daily budgets reset (at least 1: a reset is never "now").
pub fn secs_until_reset(now_ms: u64) -> u64 {
    secs_until(next_reset_ms(now_ms), now_ms).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_reset_at_the_next_utc_midnight() {
        // 2026-12-06T10:00:00Z.
        let now = 1_796_551_200_000;
        assert_eq!(next_reset_ms(now), 1_796_601_600_000);
        assert_eq!(secs_until_reset(now), 14 * 3600);
        // One ms before midnight: one second, not zero.
        assert_eq!(secs_until_reset(1_796_601_599_999), 1);
        // At midnight exactly: the next day's midnight.
        assert_eq!(next_reset_ms(1_796_601_600_000), 1_796_601_600_000 + DAY_MS);
    }

    #[test]
    fn waits_round_up_and_never_go_negative() {
        assert_eq!(secs_until(10_001, 10_000), 1);
        assert_eq!(secs_until(11_000, 10_000), 1);
        assert_eq!(secs_until(11_001, 10_000), 2);
        assert_eq!(secs_until(9_000, 10_000), 0);
    }
}
