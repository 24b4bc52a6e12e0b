//! Daily budgets reset at UTC midnight: the one home of that rule. Every wait the proxy
//! announces (`Retry-After`) is in whole seconds, rounded up, as the core counts them
//! (`linkedin_inbox::secs_until`, `linkedin_inbox::retry_after_secs_for`).

use linkedin_inbox::retry_after_secs_for;

/// A day, in ms.
pub const DAY_MS: u64 = 86_400_000;

/// The UTC day of `now_ms` (epoch ms / day): what daily counts are kept under.
pub fn day_of(now_ms: u64) -> u64 {
    now_ms / DAY_MS
}

/// The next UTC midnight, epoch ms.
pub fn next_reset_ms(now_ms: u64) -> u64 {
    (now_ms / DAY_MS + 1) * DAY_MS
}

/// Whole seconds until the daily budgets reset (at least 1: a reset is never "now").
pub fn secs_until_reset(now_ms: u64) -> u64 {
    retry_after_secs_for(next_reset_ms(now_ms) - now_ms)
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
}
