//! The account's ledger (budget, credits, pauses, request buckets, counters, the refresh
//! generation) in the `ledger` table of the object's SQLite database, next to its inbox. Every
//! read-modify-write is one SQL statement or a run of them with nothing awaited between, so no
//! other request of the account interleaves. A wipe of the inbox (`DELETE /v1/data`) leaves it.
//! Objects from before this table kept it in the key-value API: `ledger_import.rs` copies that
//! once.

use crate::store::sql_storage::{text, uint};
use linkedin_inbox::{Error, Provider};
use serde::{Deserialize, Serialize};
use worker::{SqlStorage, Storage};

use crate::rules::admission::{self, Billing, Cost, LedgerReading, Limits, Settlement, Spend};
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

/// An upstream call let through: what it spent, until it settles.
#[must_use = "an admission is settled once the call answers"]
pub struct Admission {
    provider: Provider,
    spend: Spend,
    /// The UTC day (epoch ms / day) it was spent on.
    day: u64,
    /// The longest pause a 429 answering it starts.
    max_pause_secs: u64,
    /// Which failures still cost its credits.
    billing: Billing,
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

    fn delete(&self, key: &str) -> worker::Result<()> {
        self.sql()
            .exec("DELETE FROM ledger WHERE key = ?", vec![text(key)])?;
        Ok(())
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
        self.value("generation")
    }

    pub async fn bump_generation(&self) -> worker::Result<u64> {
        self.add_now("generation", 1)?;
        self.generation().await
    }

    /// Whether a call costing `cost` may go upstream at `now_ms` (see `rules/admission.rs`):
    /// the counters are read, the rule asked and what the call spends written, with nothing
    /// awaited between, so concurrent calls of the account are counted one after another.
    pub fn admit(
        &self,
        cost: Cost,
        limits: &Limits,
        now_ms: u64,
    ) -> worker::Result<Result<Admission, Error>> {
        let reading = self.reading(cost.provider, limits, now_ms)?;
        let spend = match admission::admit(reading, cost, *limits, now_ms) {
            Ok(spend) => spend,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let yesterday = now_ms.saturating_sub(DAY_MS);
        match spend {
            Spend::Calls(0) => {}
            Spend::Calls(calls) => {
                self.add_now(&day_key(now_ms), calls)?;
                if reading.connectsafely_calls_today == 0 {
                    let _ = self.delete(&day_key(yesterday));
                }
            }
            Spend::Credits(credits) => {
                self.add_now(&credit_day_key(now_ms), credits)?;
                self.add_now("credits_spent", credits)?;
                if reading.linkup_credits_today == 0 {
                    let _ = self.delete(&credit_day_key(yesterday));
                }
            }
        }
        Ok(Ok(Admission {
            provider: cost.provider,
            spend,
            day: now_ms / DAY_MS,
            max_pause_secs: limits.max_pause_secs,
            billing: cost.billing,
        }))
    }

    /// What admission reads for a call to `provider` at `now_ms`.
    pub fn reading(
        &self,
        provider: Provider,
        limits: &Limits,
        now_ms: u64,
    ) -> worker::Result<LedgerReading> {
        Ok(LedgerReading {
            paused_until_ms: self.paused_until(provider, limits.clear_pauses_before_ms)?,
            connectsafely_calls_today: self.value(&day_key(now_ms))?,
            linkup_credits_today: self.value(&credit_day_key(now_ms))?,
        })
    }

    /// An admitted call answered at `arrived_ms` with `outcome` (the LinkupAPI credits it was
    /// charged, or its error): held credits are kept or given back, and a 429 pauses the
    /// call's provider (only that one).
    pub fn settle(
        &self,
        admission: Admission,
        outcome: Result<u64, &Error>,
        arrived_ms: u64,
    ) -> worker::Result<()> {
        if let Spend::Credits(held) = admission.spend {
            let day_key = credit_day_key(admission.day * DAY_MS);
            match admission::settlement(held, admission.day, outcome, admission.billing, arrived_ms)
            {
                Settlement::Charged { unused: 0 } => {}
                Settlement::Charged { unused } => self.give_back(&day_key, unused)?,
                Settlement::Refunded {
                    from_day_count: true,
                } => self.give_back(&day_key, held)?,
                Settlement::Refunded {
                    from_day_count: false,
                } => self.subtract("credits_spent", held)?,
            }
        }
        if let Some(until) = admission::pause_until(outcome, arrived_ms, admission.max_pause_secs) {
            let provider = admission.provider.as_str();
            self.set_now(&format!("paused_at:{provider}"), arrived_ms)?;
            self.set_now(&format!("paused_until:{provider}"), until)?;
        }
        Ok(())
    }

    pub async fn record_miss(&self) -> worker::Result<()> {
        self.add_now("misses", 1)
    }

    fn give_back(&self, day_key: &str, credits: u64) -> worker::Result<()> {
        self.subtract(day_key, credits)?;
        self.subtract("credits_spent", credits)
    }

    /// Takes `amount` off `key`, down to 0.
    fn subtract(&self, key: &str, amount: u64) -> worker::Result<()> {
        let left = self.value(key)?.saturating_sub(amount);
        self.set_now(key, left)
    }

    /// When `provider`'s pause ends, unless it was set before `cleared_before_ms`.
    fn paused_until(&self, provider: Provider, cleared_before_ms: u64) -> worker::Result<u64> {
        let provider = provider.as_str();
        if self.value(&format!("paused_at:{provider}"))? < cleared_before_ms {
            return Ok(0);
        }
        self.value(&format!("paused_until:{provider}"))
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
        let at_ms = self.value(&at_key)?;
        let bucket = match at_ms {
            0 => rate.full(now_ms),
            at_ms => Bucket {
                milli_tokens: self.value(&tokens_key)?,
                at_ms,
            },
        };
        match rate.take(bucket, now_ms) {
            Ok(bucket) => {
                self.set_now(&tokens_key, bucket.milli_tokens)?;
                self.set_now(&at_key, bucket.at_ms)?;
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
        let last = Some(self.value("refreshed_at")?).filter(|at| *at > 0);
        if let Some(wait) = refresh_wait(last, now_ms, interval_secs) {
            return Ok(Err(wait));
        }
        self.set_now("refreshed_at", now_ms)?;
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

    pub async fn counters(&self, now_ms: u64) -> worker::Result<Counters> {
        Ok(Counters {
            connectsafely_calls_today: self.value(&day_key(now_ms))?,
            linkup_credits_spent: self.value("credits_spent")?,
            linkup_credits_today: self.value(&credit_day_key(now_ms))?,
            linkup_credits_saved: self.value("credits_saved")? + self.unsaved("credits_saved"),
            cache_hits: self.value("hits")? + self.unsaved("hits"),
            cache_misses: self.value("misses")?,
            coalesced: self.value("coalesced")? + self.unsaved("coalesced"),
            stale: self.value("stale")? + self.unsaved("stale"),
            generation: self.generation().await?,
        })
    }
}
