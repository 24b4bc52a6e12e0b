//! Admission of an upstream call, as a pure decision over what the account's ledger holds:
//! refused while its provider is paused (an upstream 429), past the account's ConnectSafely
//! reads or writes of the last minute, and past the day's ConnectSafely call budget (if the
//! operator set one) or LinkupAPI credit cap (the webhook's monitoring credits counted), else
//! admitted with what it spends (one call counted, or its credits held). Then its settlement: the credits kept or given back, and the pause a
//! 429 starts. The ledger (`store/ledger/spend.rs`) reads the counters, asks here and writes.

use linkedin_inbox::{Backend, Error, Provider};

use crate::rules::key_limits::account_minute;
use crate::rules::page_plan::{may_have_been_charged, pause_secs, DEFAULT_PAUSE_SECS};
use crate::rules::settings::Config;
use crate::rules::utc_day::{secs_until_reset, DAY_MS};
use linkedin_inbox::{retry_after_secs_for, secs_until};

/// What admission reads from the ledger, for the call's provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerReading {
    /// When the provider's pause ends, epoch ms (0: not paused).
    pub paused_until_ms: u64,
    /// ConnectSafely calls counted today.
    pub connectsafely_calls_today: u64,
    /// LinkupAPI credits held or spent today.
    pub linkup_credits_today: u64,
    /// When the account's ConnectSafely read (or write) as many back as its per-minute limit
    /// went, epoch ms (0: fewer so far).
    pub oldest_of_last_reads_ms: u64,
    pub oldest_of_last_writes_ms: u64,
}

/// What one upstream call takes from its provider's day: ConnectSafely calls, or LinkupAPI
/// credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub provider: Provider,
    /// ConnectSafely calls of the day's budget, or LinkupAPI credits.
    pub units: u64,
    /// Which failures of the call are billed anyway.
    pub billing: Billing,
    /// A read or a write, for the account's per-minute figures.
    pub kind: CallKind,
}

/// What a call does at the provider, as its per-account rates count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// A page (list or thread), or a read-state change counted with them.
    Read,
    /// A message sent, or a conversation starred or unstarred.
    Write,
}

/// Which answers of a LinkupAPI call cost its credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Billing {
    /// Successful answers only (LinkupAPI v2: its errors are free).
    #[default]
    Successes,
    /// Every answer but a 500 (LinkupAPI v1: "All API calls consume credits regardless of the
    /// status code returned (except for 500 server errors)").
    AllBut500,
}

impl Billing {
    /// How the LinkupAPI client of `backend` is billed: v1 (a `login_token`) or v2.
    pub fn of(backend: &Backend) -> Self {
        match backend {
            Backend::Direct {
                linkup: Some(linkup),
                ..
            } if linkup.v2_account_id().is_none() => Self::AllBut500,
            _ => Self::Successes,
        }
    }
}

impl Cost {
    /// A read (a page, or a read-state change): one ConnectSafely call, or the page's LinkupAPI
    /// credits.
    pub fn call(provider: Provider, linkup_credits: u64) -> Self {
        let units = match provider {
            Provider::ConnectSafely => 1,
            Provider::Linkup => linkup_credits,
        };
        Self {
            provider,
            units,
            billing: Billing::Successes,
            kind: CallKind::Read,
        }
    }

    /// The same cost, its failures billed as `billing` says.
    pub fn billed(self, billing: Billing) -> Self {
        Self { billing, ..self }
    }

    /// A conversation's star or unstar on LinkedIn: one ConnectSafely call of the day's
    /// budget, counted with the sends in the account's writes per minute.
    pub fn star() -> Self {
        Self {
            kind: CallKind::Write,
            ..Self::call(Provider::ConnectSafely, 0)
        }
    }

    /// A send: no ConnectSafely call of the read budget (sends have their own daily limit),
    /// or the one LinkupAPI credit it costs.
    pub fn send(provider: Provider) -> Self {
        let units = match provider {
            Provider::ConnectSafely => 0,
            Provider::Linkup => 1,
        };
        Self {
            provider,
            units,
            billing: Billing::Successes,
            kind: CallKind::Write,
        }
    }
}

/// The operator's limits on upstream calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// ConnectSafely calls a day (0: no cap).
    pub daily_calls: u64,
    /// ConnectSafely reads and writes of the account in any minute (0: no limit).
    pub reads_per_minute: u64,
    pub writes_per_minute: u64,
    /// LinkupAPI credits a day (0: no cap).
    pub daily_credit_cap: u64,
    /// LinkupAPI credits the account's webhook monitoring costs a day, counted as spent from
    /// the start of each day (0: the account is not monitored).
    pub monitoring_credits: u64,
    /// Pauses set before this instant (epoch ms) are ignored: the operator cleared them.
    pub clear_pauses_before_ms: u64,
    /// The longest pause an upstream `Retry-After` starts.
    pub max_pause_secs: u64,
}

impl Limits {
    /// The operator's limits; an account's monitoring credits are added by
    /// [`Limits::monitored`].
    pub fn of(config: &Config) -> Self {
        Self {
            daily_calls: u64::from(config.daily_limit),
            reads_per_minute: config.account_reads_per_minute,
            writes_per_minute: config.account_writes_per_minute,
            daily_credit_cap: config.linkup_daily_credit_cap,
            monitoring_credits: 0,
            clear_pauses_before_ms: config.clear_pauses_before_ms,
            max_pause_secs: config.max_pause_secs,
        }
    }
}

impl Limits {
    /// The same limits for an account whose LinkupAPI webhook costs `credits` a day.
    pub fn monitored(self, credits: u64) -> Self {
        Self {
            monitoring_credits: credits,
            ..self
        }
    }

    /// LinkupAPI credits of today as the cap counts them: held or spent, and monitoring.
    pub fn linkup_day(&self, reading: &LedgerReading) -> u64 {
        reading
            .linkup_credits_today
            .saturating_add(self.monitoring_credits)
    }
}

/// What an admitted call spends, to write now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    /// ConnectSafely calls counted on today's budget (none for a send).
    Calls(u64),
    /// LinkupAPI credits held on today's cap until the call settles.
    Credits(u64),
}

/// Whether a call costing `cost` may go upstream at `now_ms`: what it spends, or the error
/// to answer (`RATE_LIMITED` while its provider is paused or the account's ConnectSafely
/// reads or writes of the last minute are used up, `BUDGET_EXHAUSTED` until the UTC midnight
/// reset, `INVALID_INPUT` for a page dearer than the whole credit cap).
pub fn admit(
    reading: LedgerReading,
    cost: Cost,
    limits: Limits,
    now_ms: u64,
) -> Result<Spend, Error> {
    if reading.paused_until_ms > now_ms {
        return Err(Error::RateLimited {
            retry_after_secs: Some(secs_until(reading.paused_until_ms, now_ms)),
        });
    }
    let exhausted = || budget_exhausted(now_ms);
    match cost.provider {
        Provider::ConnectSafely => {
            let (limit, oldest) = match cost.kind {
                CallKind::Read => (limits.reads_per_minute, reading.oldest_of_last_reads_ms),
                CallKind::Write => (limits.writes_per_minute, reading.oldest_of_last_writes_ms),
            };
            if let Err(wait_ms) = account_minute(limit, oldest, now_ms) {
                return Err(Error::RateLimited {
                    retry_after_secs: Some(retry_after_secs_for(wait_ms)),
                });
            }
            let over = limits.daily_calls > 0
                && reading.connectsafely_calls_today.saturating_add(cost.units)
                    > limits.daily_calls;
            match cost.units > 0 && over {
                true => Err(exhausted()),
                false => Ok(Spend::Calls(cost.units)),
            }
        }
        Provider::Linkup => {
            let cap = limits.daily_credit_cap;
            if cap > 0 && cost.units > cap {
                return Err(Error::InvalidInput {
                    field: "count",
                    reason: format!(
                        "this page costs {} LinkupAPI credits, more than the daily cap of {cap}",
                        cost.units
                    ),
                });
            }
            match cap > 0 && limits.linkup_day(&reading).saturating_add(cost.units) > cap {
                true => Err(exhausted()),
                false => Ok(Spend::Credits(cost.units)),
            }
        }
    }
}

/// Whether a sync no one asked for (a provider's webhook said the inbox changed) may spend
/// `provider`'s day: it keeps a third of the day's call budget or credit cap (0: none) for
/// the account's own requests, so a chatty provider cannot starve them.
pub fn keeps_reserve(reading: LedgerReading, provider: Provider, limits: Limits) -> bool {
    let (spent, limit) = match provider {
        Provider::ConnectSafely => (reading.connectsafely_calls_today, limits.daily_calls),
        Provider::Linkup => (limits.linkup_day(&reading), limits.daily_credit_cap),
    };
    limit == 0 || spent.saturating_mul(3) < limit.saturating_mul(2)
}

/// The refusal of a call past a daily budget: `BUDGET_EXHAUSTED`, to retry once the budgets
/// reset at the next UTC midnight.
pub fn budget_exhausted(now_ms: u64) -> Error {
    Error::BudgetExhausted {
        retry_after_secs: Some(secs_until_reset(now_ms)),
    }
}

/// What becomes of credits held for a call once it answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The call was (or may have been) charged: the part not charged goes back to the day's
    /// count and to the total spent.
    Charged { unused: u64 },
    /// The provider refused the call: nothing was charged. All of it comes off the total
    /// spent, and off the day's count while that day lasts (yesterday's is gone at midnight).
    Refunded { from_day_count: bool },
}

/// The settlement of `held` credits, held on the UTC day `held_on_day` (epoch ms / day), for
/// a call whose `outcome` (the credits the provider charged, or its error) arrived at
/// `arrived_ms`. A failure that may still have been billed is charged in full.
pub fn settlement(
    held: u64,
    held_on_day: u64,
    outcome: Result<u64, &Error>,
    billing: Billing,
    arrived_ms: u64,
) -> Settlement {
    match outcome {
        Ok(charged) => Settlement::Charged {
            unused: held.saturating_sub(charged),
        },
        Err(error) if may_have_been_charged(error, billing) => Settlement::Charged { unused: 0 },
        Err(_) => Settlement::Refunded {
            from_day_count: arrived_ms / DAY_MS == held_on_day,
        },
    }
}

/// Until when (epoch ms) the call's provider is paused after this outcome: an upstream 429
/// pauses it for its `Retry-After` (the default pause when it names none), clamped to
/// `max_pause_secs`, counted from its arrival.
pub fn pause_until<T>(
    outcome: Result<T, &Error>,
    arrived_ms: u64,
    max_pause_secs: u64,
) -> Option<u64> {
    match outcome {
        Err(Error::RateLimited { retry_after_secs }) => {
            let secs = pause_secs(
                retry_after_secs.unwrap_or(DEFAULT_PAUSE_SECS),
                max_pause_secs,
            );
            Some(arrived_ms.saturating_add(secs.saturating_mul(1000)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
