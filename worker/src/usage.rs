//! Per-account usage counters, kept in this isolate's memory.
//!
//! An isolate is one of many: these figures are per isolate until the account's Durable
//! Object (issue "Worker at scale") holds them.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;

const DAY_MS: u64 = 86_400_000;

#[derive(Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub connectsafely_calls_today: u32,
    #[serde(skip)]
    pub day: u64,
    pub linkup_credits_spent: u64,
    pub linkup_credits_saved: u64,
    pub cache_hits: u64,
    pub cache_misses: u64,
}

thread_local! {
    static USAGE: RefCell<HashMap<String, Usage>> = RefCell::new(HashMap::new());
}

/// Applies `change` to the account's counters (rolled over at the UTC day) and returns them.
pub fn update(account: &str, now_ms: u64, change: impl FnOnce(&mut Usage)) -> Usage {
    USAGE.with(|all| {
        let mut all = all.borrow_mut();
        let usage = all.entry(account.to_owned()).or_default();
        let today = now_ms / DAY_MS;
        if usage.day != today {
            usage.day = today;
            usage.connectsafely_calls_today = 0;
        }
        change(usage);
        usage.clone()
    })
}

/// The next UTC midnight, epoch ms.
pub fn next_reset_ms(now_ms: u64) -> u64 {
    (now_ms / DAY_MS + 1) * DAY_MS
}
