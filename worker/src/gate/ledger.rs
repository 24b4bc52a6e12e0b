//! The account's counters in Durable Object storage. Each read-modify-write awaits only
//! storage operations, which the input gate keeps free of interleaved requests.

use serde::Serialize;
use worker::Storage;

use crate::limits::{refresh_wait, Bucket, Rate};

pub const DAY_MS: u64 = 86_400_000;

pub struct Ledger(pub Storage);

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

/// Credits held for one upstream call until it settles.
#[must_use = "a reservation is settled or refunded"]
pub struct Reservation {
    credits: u64,
    day_key: String,
}

impl Ledger {
    async fn get(&self, key: &str) -> worker::Result<u64> {
        Ok(self.0.get::<u64>(key).await?.unwrap_or(0))
    }

    async fn add(&self, key: &str, amount: u64) -> worker::Result<()> {
        let value = self.get(key).await? + amount;
        self.0.put(key, value).await
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
        self.0.put(&key, used + 1).await?;
        if used == 0 {
            let _ = self.0.delete(&day_key(now_ms.saturating_sub(DAY_MS))).await;
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
        self.0.put(&day_key, today + credits).await?;
        self.add("credits_spent", credits).await?;
        if today == 0 {
            let _ = self
                .0
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
                .0
                .put("credits_spent", spent.saturating_sub(reservation.credits))
                .await;
        }
        self.give_back(&reservation.day_key, reservation.credits)
            .await
    }

    async fn give_back(&self, day_key: &str, credits: u64) -> worker::Result<()> {
        let today = self.get(day_key).await?;
        self.0.put(day_key, today.saturating_sub(credits)).await?;
        let spent = self.get("credits_spent").await?;
        self.0
            .put("credits_spent", spent.saturating_sub(credits))
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
        let key = format!("bucket:{client}");
        let bucket = self
            .0
            .get::<Bucket>(&key)
            .await?
            .unwrap_or_else(|| rate.full(now_ms));
        match rate.take(bucket, now_ms) {
            Ok(bucket) => {
                self.0.put(&key, bucket).await?;
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
        let last = self.0.get::<u64>("refreshed_at").await?;
        if let Some(wait) = refresh_wait(last, now_ms, interval_secs) {
            return Ok(Err(wait));
        }
        self.0.put("refreshed_at", now_ms).await?;
        Ok(Ok(self.bump_generation().await?))
    }

    /// A cache hit or a coalesced answer: what the call would have cost is saved.
    pub async fn record_saved(&self, credits: u64, coalesced: bool) -> worker::Result<()> {
        self.add(if coalesced { "coalesced" } else { "hits" }, 1)
            .await?;
        if credits == 0 {
            return Ok(());
        }
        self.add("credits_saved", credits).await
    }

    pub async fn record_stale(&self) -> worker::Result<()> {
        self.add("stale", 1).await
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
        self.0.put(&format!("paused_at:{provider}"), now_ms).await?;
        self.0
            .put(&format!("paused_until:{provider}"), until_ms)
            .await
    }

    pub async fn counters(&self, now_ms: u64) -> worker::Result<Counters> {
        Ok(Counters {
            connectsafely_calls_today: self.get(&day_key(now_ms)).await?,
            linkup_credits_spent: self.get("credits_spent").await?,
            linkup_credits_today: self.get(&credit_day_key(now_ms)).await?,
            linkup_credits_saved: self.get("credits_saved").await?,
            cache_hits: self.get("hits").await?,
            cache_misses: self.get("misses").await?,
            coalesced: self.get("coalesced").await?,
            stale: self.get("stale").await?,
            generation: self.generation().await?,
        })
    }
}

/// The next UTC midnight, epoch ms.
pub fn next_reset_ms(now_ms: u64) -> u64 {
    (now_ms / DAY_MS + 1) * DAY_MS
}
