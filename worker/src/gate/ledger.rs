//! The account's ledger as the object uses it: the store's ledger (`store/ledger.rs`, where
//! its SQL and the admission of upstream calls are) with the object's batch of answer tallies
//! not written yet, the account's LinkupAPI monitoring credits, and its permits of the
//! providers' keys (`key_permits.rs`), which every upstream call takes.

use std::cell::RefCell;
use std::rc::Rc;

use linkedin_inbox::{Error, Provider};

use super::clock::arrival_ms;
use super::key_permits::{KeyPermits, Patience, Permit};
use crate::rules::admission::{self, CallKind, Cost, LedgerReading, Limits};
use crate::rules::request_limits::Rate;
use crate::rules::send_caps::{SendCaps, SendKind, SendSpend};
pub use crate::store::ledger::Mark;
use crate::store::ledger::{Admission, Counters, Tallies, Tally};
use crate::store::sql_storage::ObjectStore;

/// An upstream call let go by [`Ledger::admit_call`]: the key's permit to make it under, and
/// the account's admission to settle with its outcome.
pub struct Admitted {
    pub permit: Permit,
    pub admission: Admission,
}

/// The account's ledger: cheap to clone, every clone on the same store and tallies.
#[derive(Clone)]
pub struct Ledger {
    store: ObjectStore,
    /// The object's tallies (`AccountGate::tallies`).
    tallies: Rc<RefCell<Tallies>>,
    /// The account's permits of its providers' keys.
    permits: KeyPermits,
    /// LinkupAPI credits the account's webhook monitoring costs a day (0: not monitored).
    monitoring_credits: u64,
    /// The account's credential digest, once a request or alarm named the account
    /// (`AccountGate::credential`).
    credential: Rc<RefCell<Option<String>>>,
}

impl Ledger {
    pub fn new(
        store: ObjectStore,
        tallies: Rc<RefCell<Tallies>>,
        permits: KeyPermits,
        monitoring_credits: u64,
        credential: Rc<RefCell<Option<String>>>,
    ) -> Self {
        Self {
            store,
            tallies,
            permits,
            monitoring_credits,
            credential,
        }
    }

    /// The store under the ledger (the account's health lives there too: `health.rs`).
    pub(super) fn store_ref(&self) -> &ObjectStore {
        &self.store
    }

    /// The account's credential digest (`rules::account_health::credential_digest`).
    pub(super) fn credential(&self) -> Option<String> {
        self.credential.borrow().clone()
    }

    /// The account's permits of its providers' keys.
    pub fn permits(&self) -> &KeyPermits {
        &self.permits
    }

    /// Spends one of today's sends (and of its new conversations when it may open one), or
    /// answers the refusal of a cap. Nothing awaited: concurrent sends are counted in turn.
    pub fn try_spend_sends(
        &self,
        now_ms: u64,
        caps: SendCaps,
        kind: SendKind,
        writer: Provider,
    ) -> worker::Result<Result<SendSpend, Error>> {
        Ok(self.store.try_spend_sends(now_ms, caps, kind, writer)?)
    }

    /// A send that did not happen gives today's back.
    pub fn give_back_send(&self, now_ms: u64, spend: SendSpend) -> worker::Result<()> {
        Ok(self.store.give_back_send(now_ms, spend)?)
    }

    /// New ConnectSafely conversations opened today.
    pub fn new_conversations_today(&self, now_ms: u64) -> worker::Result<u64> {
        Ok(self.store.new_conversations_today(now_ms)?)
    }

    /// Messages sent today.
    pub fn sends_today(&self, now_ms: u64) -> worker::Result<u64> {
        Ok(self.store.sends_today(now_ms)?)
    }

    /// A mark of the object, read now (nothing awaited).
    pub fn get_now(&self, mark: Mark) -> worker::Result<u64> {
        Ok(self.store.mark(mark)?)
    }

    /// Sets a mark of the object now (nothing awaited).
    pub fn set_now(&self, mark: Mark, value: u64) -> worker::Result<()> {
        Ok(self.store.set_mark(mark, value)?)
    }

    /// How many times the account's store was wiped: work that began before a wipe stores
    /// nothing after it (read and compared with no await in between).
    pub fn wipe_epoch(&self) -> worker::Result<u64> {
        Ok(self.store.wipe_epoch()?)
    }

    pub fn record_wipe(&self) -> worker::Result<()> {
        Ok(self.store.record_wipe()?)
    }

    pub async fn generation(&self) -> worker::Result<u64> {
        Ok(self.store.generation()?)
    }

    /// Whether a call costing `cost` may go upstream at `now_ms`, spent if so (see
    /// `store/ledger/spend.rs`).
    fn admit(
        &self,
        cost: Cost,
        limits: &Limits,
        now_ms: u64,
    ) -> worker::Result<Result<Admission, Error>> {
        let limits = limits.monitored(self.monitoring_credits);
        Ok(self.store.admit(cost, &limits, now_ms)?)
    }

    /// Whether [`Ledger::admit`] would let a call costing `cost` go at `now_ms`, spending
    /// nothing: asked before a key permit is taken, so a call the account's own limits refuse
    /// never takes one of the key's.
    fn would_admit(
        &self,
        cost: Cost,
        limits: &Limits,
        now_ms: u64,
    ) -> worker::Result<Result<(), Error>> {
        // A refused session waits for its next probe (`health.rs`), spending nothing.
        if self.session_hold(cost.provider, now_ms)?.is_some() {
            return Ok(Err(Error::Unauthorized {
                status: 401,
                message: "the provider refused this LinkedIn account's session".into(),
            }));
        }
        let limits = limits.monitored(self.monitoring_credits);
        let reading = self.store.reading(cost.provider, &limits, now_ms)?;
        let verdict = admission::admit(reading, cost, limits, now_ms).map(|_| ());
        if let Err(Error::BudgetExhausted { .. }) = verdict {
            self.note_budget_refusal(cost.provider, now_ms)?;
        }
        Ok(verdict)
    }

    /// The one way an upstream call is let go, in this order: the account's own limits asked
    /// first, spending nothing (a call they refuse takes no permit of the key); the key's
    /// permit, waited for with `patience`; then the spend, written at the permit's arrival.
    /// The caller makes the call under the permit and settles the admission with its outcome
    /// ([`Ledger::settle`]). `Ok(Err(_))`: refused (the account's limits, or the key's), with
    /// nothing spent; a permit taken before a refusal goes back to the account's lease.
    pub async fn admit_call(
        &self,
        cost: Cost,
        limits: &Limits,
        patience: Patience,
        now_ms: u64,
    ) -> worker::Result<Result<Admitted, Error>> {
        if let Err(refusal) = self.would_admit(cost, limits, now_ms)? {
            return Ok(Err(refusal));
        }
        let permit = match self.permits.take(cost.provider, patience).await {
            Ok(permit) => permit,
            Err(refusal) => return Ok(Err(refusal)),
        };
        match self.admit(cost, limits, arrival_ms())? {
            Ok(admission) => Ok(Ok(Admitted { permit, admission })),
            // The account's limits refused at the permit's arrival (another call of the
            // account spent what was left during the wait, say): the permit goes back to the
            // account's lease, not lost to the key's other accounts.
            Err(refusal) => {
                self.permits.give_back(cost.provider, permit);
                Ok(Err(refusal))
            }
        }
    }

    /// The account's ConnectSafely calls of `kind` in the last minute (`limit`: its
    /// per-minute figure, the length of the ring they are counted in).
    pub fn calls_last_minute(
        &self,
        kind: CallKind,
        limit: u64,
        now_ms: u64,
    ) -> worker::Result<u64> {
        Ok(self.store.calls_last_minute(kind, limit, now_ms)?)
    }

    /// What admission reads for a call to `provider` at `now_ms`.
    pub fn reading(
        &self,
        provider: Provider,
        limits: &Limits,
        now_ms: u64,
    ) -> worker::Result<LedgerReading> {
        Ok(self
            .store
            .reading(provider, &limits.monitored(self.monitoring_credits), now_ms)?)
    }

    /// An admitted call answered at `arrived_ms` with `outcome` (the LinkupAPI credits it was
    /// charged, or its error).
    pub fn settle(
        &self,
        admission: Admission,
        outcome: Result<u64, &Error>,
        arrived_ms: u64,
    ) -> worker::Result<()> {
        Ok(self.store.settle(admission, outcome, arrived_ms)?)
    }

    pub async fn record_miss(&self) -> worker::Result<()> {
        Ok(self.store.record_miss()?)
    }

    /// Takes one request of `client`'s bucket, or answers the seconds to wait.
    pub async fn take_request(
        &self,
        client: &str,
        rate: Rate,
        now_ms: u64,
    ) -> worker::Result<Result<(), u64>> {
        Ok(self.store.take_request(client, rate, now_ms)?)
    }

    /// Records a refresh now, or answers the seconds until one is allowed.
    pub async fn try_refresh(
        &self,
        now_ms: u64,
        interval_secs: u64,
    ) -> worker::Result<Result<u64, u64>> {
        Ok(self.store.try_refresh(now_ms, interval_secs)?)
    }

    /// A cache hit or a coalesced answer: what the call would have cost is saved.
    pub async fn record_saved(&self, credits: u64, coalesced: bool) -> worker::Result<()> {
        if credits > 0 {
            self.tally(Tally::CreditsSaved, credits)?;
        }
        self.tally(
            if coalesced {
                Tally::Coalesced
            } else {
                Tally::Hits
            },
            1,
        )
    }

    pub async fn record_stale(&self) -> worker::Result<()> {
        self.tally(Tally::Stale, 1)
    }

    /// Tallies in memory; writes the batch once it is full.
    fn tally(&self, tally: Tally, amount: u64) -> worker::Result<()> {
        let full = self.tallies.borrow_mut().add(tally, amount);
        if let Some(batch) = full {
            self.store.add_tallies(batch)?;
        }
        Ok(())
    }

    pub async fn counters(&self, now_ms: u64) -> worker::Result<Counters> {
        Ok(self.store.counters(now_ms, &self.tallies.borrow())?)
    }
}
