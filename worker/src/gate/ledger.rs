//! The account's ledger (budget, credits, pauses, request buckets, counters, the refresh
//! generation) in the `ledger` table of the object's SQLite database, next to its inbox. Every
//! read-modify-write is one SQL statement or a run of them with nothing awaited between, so no
//! other request of the account interleaves. A wipe of the inbox (`DELETE /v1/data`) leaves it.
//! Objects from before this table kept it in the key-value API: `ledger_import.rs` copies that
//! once.

use crate::store::sql_storage::{text, uint};
use serde::{Deserialize, Serialize};
use worker::{SqlStorage, Storage};

use crate::rules::request_limits::{refresh_wait, Bucket, Rate};
use crate::rules::utc_day::DAY_MS;

/// A value column read back.
#[derive(Deserialize)]
pub(super) struct Value {
    pub(super) value: f64,
}

/// The account's ledger; its schema is the object's (see `store/schema.rs`).
pub struct Ledger {
    storage: Storage,
    /// The object's id: its unsaved tallies are kept under it.
    object: String,
}

/// Answer tallies (hits, coalesced, stale, credits saved) kept in memory and written in
/// batches of this many answers: a store answer then writes nothing. Statistics only (no
/// limit depends on them); an object evicted before a batch is written loses at most this
/// many answers' tallies.
const TALLY_BATCH: u64 = 16;

thread_local! {
    /// Unsaved tallies per object id: counter key → amount.
    static UNSAVED: std::cell::RefCell<std::collections::HashMap<String, Vec<(&'static str, u64)>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub connectsafely_calls_today: u64,
    pub linkup_credits_spent: u64,
    pub linkup_credits_today: u64,
    pub linkup_credits_saved: u64,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub coalesced: u64,
    pub stale: u64,
    pub generation: u64,
}

fn day_key(now_ms: u64) -> String {
    format!("cs:{}", now_ms / DAY_MS)
}

fn credit_day_key(now_ms: u64) -> String {
    format!("lk:{}", now_ms / DAY_MS)
}

fn send_day_key(now_ms: u64) -> String {
    format!("sends:{}", now_ms / DAY_MS)
}

/// Credits held for one upstream call until it settles.
#[must_use = "a reservation is settled or refunded"]
pub struct Reservation {
    credits: u64,
    day_key: String,
}

impl Ledger {
    pub fn of(state: &worker::State) -> Self {
        Self::from_storage(state.storage(), state.id().to_string())
    }

    /// The ledger of the object `object` (its id) whose storage this is.
    pub fn from_storage(storage: Storage, object: String) -> Self {
        Self { storage, object }
    }

    /// Spends one of today's sends, or answers `false` when `limit` (0: none) are spent.
    /// One statement each way, nothing awaited: concurrent sends are counted in turn.
    pub fn try_spend_send(&self, now_ms: u64, limit: u64) -> worker::Result<bool> {
        let key = send_day_key(now_ms);
        if limit > 0 && self.value(&key)? >= limit {
            return Ok(false);
        }
        self.add_now(&key, 1)?;
        Ok(true)
    }

    /// A send that did not happen gives today's back.
    pub fn give_back_send(&self, now_ms: u64) -> worker::Result<()> {
        self.sql().exec(
            "UPDATE ledger SET value = max(value - 1, 0) WHERE key = ?",
            vec![text(&send_day_key(now_ms))],
        )?;
        Ok(())
    }

    /// Messages sent today.
    pub fn sends_today(&self, now_ms: u64) -> worker::Result<u64> {
        self.value(&send_day_key(now_ms))
    }

    /// A counter or mark of the object, read now (nothing awaited).
    pub fn get_now(&self, key: &str) -> worker::Result<u64> {
        self.value(key)
    }

    /// Sets a counter or mark of the object now (nothing awaited).
    pub fn set_now(&self, key: &str, value: u64) -> worker::Result<()> {
        self.sql().exec(
            "INSERT OR REPLACE INTO ledger (key, value) VALUES (?, ?)",
            vec![text(key), uint(value)],
        )?;
        Ok(())
    }

    fn value(&self, key: &str) -> worker::Result<u64> {
        Ok(self
            .sql()
            .exec("SELECT value FROM ledger WHERE key = ?", vec![text(key)])?
            .to_array::<Value>()?
            .first()
            .map_or(0, |v| v.value as u64))
    }

    fn sql(&self) -> SqlStorage {
        self.storage.sql()
    }

    /// Tallies `amount` on `key` in memory; writes the object's tallies once a batch is full.
    fn tally(&self, key: &'static str, amount: u64) -> worker::Result<()> {
        let full = UNSAVED.with(|unsaved| {
            let mut unsaved = unsaved.borrow_mut();
            let tallies = unsaved.entry(self.object.clone()).or_default();
            match tallies.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => *total += amount,
                None => tallies.push((key, amount)),
            }
            let answers: u64 = tallies
                .iter()
                .filter(|(k, _)| *k != "credits_saved")
                .map(|(_, n)| n)
                .sum();
            (answers >= TALLY_BATCH).then(|| unsaved.remove(&self.object).unwrap_or_default())
        });
        for (key, amount) in full.unwrap_or_default() {
            self.add_now(key, amount)?;
        }
        Ok(())
    }

    /// What is tallied on `key` and not yet written.
    fn unsaved(&self, key: &str) -> u64 {
        UNSAVED.with(|unsaved| {
            unsaved.borrow().get(&self.object).map_or(0, |tallies| {
                tallies
                    .iter()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, n)| n)
                    .sum()
            })
        })
    }

    async fn get(&self, key: &str) -> worker::Result<u64> {
        self.value(key)
    }

    async fn put(&self, key: &str, value: u64) -> worker::Result<()> {
        self.sql().exec(
            "INSERT OR REPLACE INTO ledger (key, value) VALUES (?, ?)",
            vec![text(key), uint(value)],
        )?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> worker::Result<()> {
        self.sql()
            .exec("DELETE FROM ledger WHERE key = ?", vec![text(key)])?;
        Ok(())
    }

    async fn add(&self, key: &str, amount: u64) -> worker::Result<()> {
        self.add_now(key, amount)
    }

    fn add_now(&self, key: &str, amount: u64) -> worker::Result<()> {
        self.sql().exec(
            "INSERT INTO ledger (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
            vec![text(key), uint(amount)],
        )?;
        Ok(())
    }

    /// How many times the account's store was wiped: work that began before a wipe stores
    /// nothing after it (read and compared with no await in between).
    pub fn wipe_epoch(&self) -> worker::Result<u64> {
        Ok(self
            .sql()
            .exec("SELECT value FROM ledger WHERE key = 'wipes'", None)?
            .to_array::<Value>()?
            .first()
            .map_or(0, |v| v.value as u64))
    }

    pub fn record_wipe(&self) -> worker::Result<()> {
        self.add_now("wipes", 1)
    }

    pub async fn generation(&self) -> worker::Result<u64> {
        self.get("generation").await
    }

    pub async fn bump_generation(&self) -> worker::Result<u64> {
        self.add("generation", 1).await?;
        self.generation().await
    }

    /// Spends one ConnectSafely call of today's budget, or answers `false` when it is spent.
    pub async fn try_spend_call(&self, now_ms: u64, limit: u64) -> worker::Result<bool> {
        let key = day_key(now_ms);
        let used = self.get(&key).await?;
        if used >= limit {
            return Ok(false);
        }
        self.put(&key, used + 1).await?;
        if used == 0 {
            let _ = self.delete(&day_key(now_ms.saturating_sub(DAY_MS))).await;
        }
        Ok(true)
    }

    /// Holds `credits` of today's LinkupAPI cap before the call (`None` when they would pass
    /// `daily_cap`; 0 means no cap). Only storage is awaited between the read and the write, so
    /// concurrent calls cannot all pass the same check.
    pub async fn reserve_credits(
        &self,
        now_ms: u64,
        credits: u64,
        daily_cap: u64,
    ) -> worker::Result<Option<Reservation>> {
        let day_key = credit_day_key(now_ms);
        let today = self.get(&day_key).await?;
        if daily_cap > 0 && today.saturating_add(credits) > daily_cap {
            return Ok(None);
        }
        self.put(&day_key, today + credits).await?;
        self.add("credits_spent", credits).await?;
        if today == 0 {
            let _ = self
                .delete(&credit_day_key(now_ms.saturating_sub(DAY_MS)))
                .await;
        }
        Ok(Some(Reservation { credits, day_key }))
    }

    /// A call answered: `charged` of the reservation is spent, the rest returned.
    pub async fn settle(&self, reservation: Reservation, charged: u64) -> worker::Result<()> {
        let unused = reservation.credits.saturating_sub(charged);
        if unused > 0 {
            self.give_back(&reservation.day_key, unused).await?;
        }
        Ok(())
    }

    pub async fn record_miss(&self) -> worker::Result<()> {
        self.add("misses", 1).await
    }

    /// A call the provider refused costs nothing: the whole reservation is returned (to the
    /// day's count only while that day lasts; yesterday's count is gone at midnight).
    pub async fn refund(&self, reservation: Reservation, now_ms: u64) -> worker::Result<()> {
        if reservation.day_key != credit_day_key(now_ms) {
            let spent = self.get("credits_spent").await?;
            return self
                .put("credits_spent", spent.saturating_sub(reservation.credits))
                .await;
        }
        self.give_back(&reservation.day_key, reservation.credits)
            .await
    }

    async fn give_back(&self, day_key: &str, credits: u64) -> worker::Result<()> {
        let today = self.get(day_key).await?;
        self.put(day_key, today.saturating_sub(credits)).await?;
        let spent = self.get("credits_spent").await?;
        self.put("credits_spent", spent.saturating_sub(credits))
            .await
    }

    /// Takes one request of `client`'s bucket, or answers the seconds to wait.
    pub async fn take_request(
        &self,
        client: &str,
        rate: Rate,
        now_ms: u64,
    ) -> worker::Result<Result<(), u64>> {
        if rate.per_minute == 0 {
            return Ok(Ok(())); // no limit: no state to keep
        }
        let (tokens_key, at_key) = (
            format!("bucket:{client}:tokens"),
            format!("bucket:{client}:at"),
        );
        let at_ms = self.get(&at_key).await?;
        let bucket = match at_ms {
            0 => rate.full(now_ms),
            at_ms => Bucket {
                milli_tokens: self.get(&tokens_key).await?,
                at_ms,
            },
        };
        match rate.take(bucket, now_ms) {
            Ok(bucket) => {
                self.put(&tokens_key, bucket.milli_tokens).await?;
                self.put(&at_key, bucket.at_ms).await?;
                Ok(Ok(()))
            }
            Err(wait) => Ok(Err(wait)),
        }
    }

    /// Records a refresh now, or answers the seconds until one is allowed.
    pub async fn try_refresh(
        &self,
        now_ms: u64,
        interval_secs: u64,
    ) -> worker::Result<Result<u64, u64>> {
        let last = Some(self.get("refreshed_at").await?).filter(|at| *at > 0);
        if let Some(wait) = refresh_wait(last, now_ms, interval_secs) {
            return Ok(Err(wait));
        }
        self.put("refreshed_at", now_ms).await?;
        Ok(Ok(self.bump_generation().await?))
    }

    /// A cache hit or a coalesced answer: what the call would have cost is saved.
    pub async fn record_saved(&self, credits: u64, coalesced: bool) -> worker::Result<()> {
        if credits > 0 {
            self.tally("credits_saved", credits)?;
        }
        self.tally(if coalesced { "coalesced" } else { "hits" }, 1)
    }

    pub async fn record_stale(&self) -> worker::Result<()> {
        self.tally("stale", 1)
    }

    /// When the provider's pause ends, unless it was set before `cleared_before_ms`.
    pub async fn paused_until(
        &self,
        provider: &str,
        cleared_before_ms: u64,
    ) -> worker::Result<u64> {
        let set_at = self.get(&format!("paused_at:{provider}")).await?;
        if set_at < cleared_before_ms {
            return Ok(0);
        }
        self.get(&format!("paused_until:{provider}")).await
    }

    /// Pauses calls to one provider (only that one) until `until_ms`.
    pub async fn pause_until(
        &self,
        provider: &str,
        now_ms: u64,
        until_ms: u64,
    ) -> worker::Result<()> {
        self.put(&format!("paused_at:{provider}"), now_ms).await?;
        self.put(&format!("paused_until:{provider}"), until_ms)
            .await
    }

    pub async fn counters(&self, now_ms: u64) -> worker::Result<Counters> {
        Ok(Counters {
            connectsafely_calls_today: self.get(&day_key(now_ms)).await?,
            linkup_credits_spent: self.get("credits_spent").await?,
            linkup_credits_today: self.get(&credit_day_key(now_ms)).await?,
            linkup_credits_saved: self.get("credits_saved").await? + self.unsaved("credits_saved"),
            cache_hits: self.get("hits").await? + self.unsaved("hits"),
            cache_misses: self.get("misses").await?,
            coalesced: self.get("coalesced").await? + self.unsaved("coalesced"),
            stale: self.get("stale").await? + self.unsaved("stale"),
            generation: self.generation().await?,
        })
    }
}
