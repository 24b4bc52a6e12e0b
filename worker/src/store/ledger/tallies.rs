//! Answer tallies (hits, coalesced, stale, credits saved) kept in memory and written in
//! batches: a store answer then writes nothing. Statistics only (no limit depends on them);
//! an object evicted before a batch is written loses at most one batch. The object owns one
//! [`Tallies`]; the ledger writes the batches it hands over.

/// An answer tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// Pages answered from the store.
    Hits,
    /// Answers shared with an identical call in flight.
    Coalesced,
    /// Stored pages answered because the provider failed.
    Stale,
    /// LinkupAPI credits the hits and coalesced answers saved.
    CreditsSaved,
}

impl Tally {
    /// Its ledger key.
    pub fn name(self) -> &'static str {
        match self {
            Tally::Hits => "hits",
            Tally::Coalesced => "coalesced",
            Tally::Stale => "stale",
            Tally::CreditsSaved => "credits_saved",
        }
    }
}

/// Answers tallied before a batch is written.
pub const TALLY_BATCH: u64 = 16;

/// The tallies not written yet.
#[derive(Debug, Default)]
pub struct Tallies {
    unsaved: Vec<(Tally, u64)>,
}

impl Tallies {
    /// Tallies `amount` on `tally`; once [`TALLY_BATCH`] answers are tallied, hands over the
    /// batch to write (and starts a new one).
    pub fn add(&mut self, tally: Tally, amount: u64) -> Option<Vec<(Tally, u64)>> {
        match self.unsaved.iter_mut().find(|(t, _)| *t == tally) {
            Some((_, total)) => *total += amount,
            None => self.unsaved.push((tally, amount)),
        }
        let answers: u64 = self
            .unsaved
            .iter()
            .filter(|(t, _)| *t != Tally::CreditsSaved)
            .map(|(_, n)| n)
            .sum();
        (answers >= TALLY_BATCH).then(|| std::mem::take(&mut self.unsaved))
    }

    /// What is tallied on `tally` and not written yet.
    pub fn unsaved(&self, tally: Tally) -> u64 {
        self.unsaved
            .iter()
            .filter(|(t, _)| *t == tally)
            .map(|(_, n)| n)
            .sum()
    }
}
