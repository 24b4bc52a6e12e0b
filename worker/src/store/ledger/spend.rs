//! Upstream calls on the ledger: admitted (the counters read, `rules/admission.rs` asked and
//! what the call spends written, with nothing awaited between, so concurrent calls of the
//! account are counted one after another), then settled when they answer.

use linkedin_inbox::{Error, Provider};

use super::{day, Key};
use crate::rules::admission::{
    self, Billing, CallKind, Cost, LedgerReading, Limits, Settlement, Spend,
};
use crate::rules::utc_day::DAY_MS;
use crate::store::sql::{Result, Sql};
use crate::store::Store;

/// An upstream call let through: what it spent, until it settles.
#[derive(Debug)]
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

impl<S: Sql> Store<S> {
    /// Whether a call costing `cost` may go upstream at `now_ms`: what it spent, to settle
    /// when it answers, or the refusal to answer.
    pub fn admit(
        &self,
        cost: Cost,
        limits: &Limits,
        now_ms: u64,
    ) -> Result<std::result::Result<Admission, Error>> {
        let reading = self.reading(cost.provider, limits, now_ms)?;
        let spend = match admission::admit(reading, cost, *limits, now_ms) {
            Ok(spend) => spend,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if cost.provider == Provider::ConnectSafely {
            self.record_recent(cost.kind, per_minute(limits, cost.kind), now_ms)?;
        }
        // The first spend of a day drops the day before's count.
        let yesterday = day(now_ms.saturating_sub(DAY_MS));
        match spend {
            Spend::Calls(0) => {}
            Spend::Calls(calls) => {
                self.add_to_ledger(Key::CallsOn(day(now_ms)), calls)?;
                if reading.connectsafely_calls_today == 0 {
                    let _ = self.delete_from_ledger(Key::CallsOn(yesterday));
                }
            }
            Spend::Credits(credits) => {
                self.add_to_ledger(Key::CreditsOn(day(now_ms)), credits)?;
                self.add_to_ledger(Key::CreditsSpent, credits)?;
                if reading.linkup_credits_today == 0 {
                    let _ = self.delete_from_ledger(Key::CreditsOn(yesterday));
                }
            }
        }
        Ok(Ok(Admission {
            provider: cost.provider,
            spend,
            day: day(now_ms),
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
    ) -> Result<LedgerReading> {
        Ok(LedgerReading {
            paused_until_ms: self.paused_until(provider, limits.clear_pauses_before_ms)?,
            connectsafely_calls_today: self.ledger_value(Key::CallsOn(day(now_ms)))?,
            linkup_credits_today: self.ledger_value(Key::CreditsOn(day(now_ms)))?,
            oldest_of_last_reads_ms: self.oldest_recent(CallKind::Read, limits.reads_per_minute)?,
            oldest_of_last_writes_ms: self
                .oldest_recent(CallKind::Write, limits.writes_per_minute)?,
        })
    }

    /// The time of the call `limit` calls of `kind` back (the slot the next one takes; 0:
    /// none). The ring is as long as the per-minute limit: a sliding minute exactly, in
    /// `limit` rows (a changed limit reads the old ring's slots for a minute).
    fn oldest_recent(&self, kind: CallKind, limit: u64) -> Result<u64> {
        if limit == 0 {
            return Ok(0);
        }
        let next = self.ledger_value(Key::RecentCalls(kind))? % limit;
        self.ledger_value(Key::RecentCall(kind, next))
    }

    /// The account's ConnectSafely calls of `kind` in the minute before `now_ms` (as far as
    /// its ring of the last `limit` holds them).
    pub fn calls_last_minute(&self, kind: CallKind, limit: u64, now_ms: u64) -> Result<u64> {
        let since = now_ms.saturating_sub(crate::rules::key_limits::MINUTE_MS);
        let mut calls = 0;
        for slot in 0..limit {
            if self.ledger_value(Key::RecentCall(kind, slot))? > since {
                calls += 1;
            }
        }
        Ok(calls)
    }

    /// A ConnectSafely call of `kind` at `now_ms`, in the ring of the last `limit`.
    fn record_recent(&self, kind: CallKind, limit: u64, now_ms: u64) -> Result<()> {
        if limit == 0 {
            return Ok(());
        }
        let count = self.ledger_value(Key::RecentCalls(kind))?;
        self.set_ledger_value(Key::RecentCall(kind, count % limit), now_ms)?;
        self.set_ledger_value(Key::RecentCalls(kind), count.wrapping_add(1))
    }

    /// An admitted call answered at `arrived_ms` with `outcome` (the LinkupAPI credits it was
    /// charged, or its error): held credits are kept or given back, and a 429 pauses the
    /// call's provider (only that one).
    pub fn settle(
        &self,
        admission: Admission,
        outcome: std::result::Result<u64, &Error>,
        arrived_ms: u64,
    ) -> Result<()> {
        if let Spend::Credits(held) = admission.spend {
            let day_key = Key::CreditsOn(admission.day);
            match admission::settlement(held, admission.day, outcome, admission.billing, arrived_ms)
            {
                Settlement::Charged { unused: 0 } => {}
                Settlement::Charged { unused } => self.give_back(day_key, unused)?,
                Settlement::Refunded {
                    from_day_count: true,
                } => self.give_back(day_key, held)?,
                Settlement::Refunded {
                    from_day_count: false,
                } => self.subtract_from_ledger(Key::CreditsSpent, held)?,
            }
        }
        if let Some(until) = admission::pause_until(outcome, arrived_ms, admission.max_pause_secs) {
            self.set_ledger_value(Key::PausedAt(admission.provider), arrived_ms)?;
            self.set_ledger_value(Key::PausedUntil(admission.provider), until)?;
        }
        Ok(())
    }

    fn give_back(&self, day_key: Key, credits: u64) -> Result<()> {
        self.subtract_from_ledger(day_key, credits)?;
        self.subtract_from_ledger(Key::CreditsSpent, credits)
    }

    /// When `provider`'s pause ends, unless it was set before `cleared_before_ms`.
    fn paused_until(&self, provider: Provider, cleared_before_ms: u64) -> Result<u64> {
        if self.ledger_value(Key::PausedAt(provider))? < cleared_before_ms {
            return Ok(0);
        }
        self.ledger_value(Key::PausedUntil(provider))
    }
}

fn per_minute(limits: &Limits, kind: CallKind) -> u64 {
    match kind {
        CallKind::Read => limits.reads_per_minute,
        CallKind::Write => limits.writes_per_minute,
    }
}
