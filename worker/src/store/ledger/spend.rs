//! Upstream calls on the ledger: admitted (the counters read, `rules/admission.rs` asked and
//! what the call spends written, with nothing awaited between, so concurrent calls of the
//! account are counted one after another), then settled when they answer.

use linkedin_inbox::{Error, Provider};

use super::{day, Key};
use crate::rules::admission::{self, Billing, Cost, LedgerReading, Limits, Settlement, Spend};
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
        })
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
