//! Identical work in flight, done once: the first request for a key leads (the account's
//! object keeps its shared future here), later ones for the same key join it and await the
//! leader's result. Each part of the gate owns one map for its kind of work: thread pages,
//! list syncs, sends. A leader's entry goes when it finishes or when it is dropped unfinished
//! (its request cancelled), so nothing joins an abandoned leader's work forever. Pure: the
//! value kept is the caller's (a shared future in the gate), the times are given.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Work in flight by key.
pub struct JoinedWork<V> {
    running: RefCell<HashMap<String, Running<V>>>,
    /// Tickets handed out so far: each leader's entry is its own.
    issued: Cell<u64>,
}

struct Running<V> {
    value: V,
    started_ms: u64,
    ticket: u64,
}

/// A leader's hold on its entry, until [`Lead::finish`] or until it is dropped (a leader whose
/// request was cancelled): then its entry goes, never one a later leader made after this
/// one's entry was dropped as too old.
#[must_use = "a leader finishes its entry"]
pub struct Lead<'a, V> {
    work: &'a JoinedWork<V>,
    key: String,
    ticket: u64,
}

impl<V> Lead<'_, V> {
    /// The leader's work is done: its entry goes.
    pub fn finish(self) {}
}

impl<V> Drop for Lead<'_, V> {
    fn drop(&mut self) {
        let removed = {
            let mut running = self.work.running.borrow_mut();
            match running.get(&self.key) {
                Some(work) if work.ticket == self.ticket => running.remove(&self.key),
                _ => None,
            }
        };
        // Dropped once the map is no longer borrowed: the value may be the last owner of work
        // whose own drop runs code.
        drop(removed);
    }
}

impl<V> Default for JoinedWork<V> {
    fn default() -> Self {
        Self {
            running: RefCell::new(HashMap::new()),
            issued: Cell::new(0),
        }
    }
}

impl<V: Clone> JoinedWork<V> {
    /// The work in flight for `key`, to join. `max_age_ms`: entries older than this are
    /// dropped first (a leader that outlived any call it could make); `None` for work whose
    /// entry must live as long as it runs (a list sync, a send).
    pub fn join(&self, key: &str, now_ms: u64, max_age_ms: Option<u64>) -> Option<V> {
        let mut running = self.running.borrow_mut();
        if let Some(limit) = max_age_ms {
            running.retain(|_, work| now_ms.saturating_sub(work.started_ms) < limit);
        }
        running.get(key).map(|work| work.value.clone())
    }

    /// `value` leads the work for `key` from `now_ms` (replacing an entry left behind).
    pub fn lead(&self, key: String, value: V, now_ms: u64) -> Lead<'_, V> {
        let ticket = self.issued.get() + 1;
        self.issued.set(ticket);
        let running = Running {
            value,
            started_ms: now_ms,
            ticket,
        };
        let replaced = self.running.borrow_mut().insert(key.clone(), running);
        drop(replaced);
        Lead {
            work: self,
            key,
            ticket,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_request_joins_the_first_until_it_finishes() {
        let work = JoinedWork::default();
        assert_eq!(work.join("page", 0, None), None);
        let lead = work.lead("page".into(), "leader's result", 0);
        assert_eq!(work.join("page", 5, None), Some("leader's result"));
        assert_eq!(work.join("other", 5, None), None, "another key");
        lead.finish();
        assert_eq!(work.join("page", 6, None), None);
    }

    #[test]
    fn an_entry_older_than_the_limit_is_dropped_and_its_late_leader_leaves_the_new_one() {
        let work = JoinedWork::default();
        let late = work.lead("page".into(), 1, 0);
        assert_eq!(work.join("page", 6_999, Some(7_000)), Some(1));
        assert_eq!(work.join("page", 7_000, Some(7_000)), None, "too old");
        let next = work.lead("page".into(), 2, 7_000);
        late.finish();
        assert_eq!(work.join("page", 7_001, Some(7_000)), Some(2), "kept");
        next.finish();
        assert_eq!(work.join("page", 7_002, Some(7_000)), None);
    }

    #[test]
    fn without_a_limit_an_entry_lives_until_its_leader_finishes() {
        let work = JoinedWork::default();
        let lead = work.lead("send".into(), "sending", 0);
        assert_eq!(work.join("send", u64::MAX, None), Some("sending"));
        lead.finish();
        assert_eq!(work.join("send", u64::MAX, None), None);
    }

    #[test]
    fn a_leader_dropped_before_finishing_takes_its_entry_with_it() {
        let work = JoinedWork::default();
        {
            let _cancelled = work.lead("sync".into(), "syncing", 0);
            assert_eq!(work.join("sync", 1, None), Some("syncing"));
        }
        assert_eq!(work.join("sync", 2, None), None, "nothing left to join");
    }
}
