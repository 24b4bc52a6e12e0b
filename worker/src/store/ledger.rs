//! The account's ledger (`ledger` table): the day's ConnectSafely calls, LinkupAPI credits and
//! sends, provider pauses, client request buckets, answer tallies, the refresh generation, the
//! wipe count and the object's marks (when retention runs next, where the push channel
//! stands). Every read-modify-write is one statement or a run of them with nothing awaited
//! between, so no other request of the account interleaves. A wipe of the inbox leaves it.
//! Admission and settlement of upstream calls are in `ledger/spend.rs`; the batch of answer
//! tallies kept in memory in `ledger/tallies.rs`.

mod spend;
mod tallies;

use std::borrow::Cow;

use linkedin_inbox::Provider;
use serde::{Deserialize, Serialize};

use super::sql::{text, uint, Result, Sql};
use super::Store;
use crate::rules::admission::CallKind;
use crate::rules::budgets::SpentToday;
use crate::rules::request_limits::{refresh_wait, Bucket, Rate};
use crate::rules::send_caps::{SendCaps, SendKind, SendSpend, SendsToday};

pub use spend::Admission;
pub use tallies::{Tallies, Tally};

/// A row of the ledger. The names are the stored keys, the same since the ledger lived in
/// the key-value API (`schema::legacy_rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    /// ConnectSafely calls counted on a UTC day (epoch ms / day).
    CallsOn(u64),
    /// LinkupAPI credits held or spent on a UTC day.
    CreditsOn(u64),
    /// Messages sent on a UTC day.
    SendsOn(u64),
    /// New ConnectSafely conversations opened on a UTC day.
    NewConversationsOn(u64),
    /// LinkupAPI credits spent, all days.
    CreditsSpent,
    /// Upstream answers stored (cache misses).
    Misses,
    /// An answer tally, batched in memory (see [`Tallies`]).
    Tallied(Tally),
    /// The refresh generation: stored pages older than it are not served as fresh.
    Generation,
    /// How many times the inbox was wiped.
    Wipes,
    /// When the last refresh was let through, epoch ms.
    RefreshedAt,
    /// When a provider's current pause was set, epoch ms.
    PausedAt(Provider),
    /// When a provider's pause ends, epoch ms.
    PausedUntil(Provider),
    /// A client's request bucket: its tokens (thousandths)...
    BucketTokens(&'a str),
    /// ...and when they were counted, epoch ms.
    BucketAt(&'a str),
    /// A mark of the object.
    Mark(Mark),
    /// When the account made a ConnectSafely call of this kind, by slot of a ring as long as
    /// its per-minute limit (`ledger/spend.rs`)...
    RecentCall(CallKind, u64),
    /// ...and how many such calls it made (the next slot is this modulo the limit).
    RecentCalls(CallKind),
}

/// A value the object keeps for itself between requests and alarms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// When retention runs next, epoch ms.
    PruneDueAt,
    /// 1 while a provider event asked for a head sync not run yet.
    SyncRequested,
    /// The earliest time of the next pushed head sync, epoch ms.
    PushedSyncNotBefore,
    /// The last change number pushed to the live sockets.
    PushedSeq,
    /// When LinkupAPI last reported the account's session disconnected, epoch ms.
    LinkupDisconnectedAt,
    /// When the operator's doctor last ran, epoch ms.
    DoctorRanAt,
    /// Retention passes that deleted conversations or the newest message (the client indexes
    /// then take the inbox again).
    InboxPrunes,
    /// Messages sent before this time (epoch ms) were deleted by retention.
    MessagesPrunedBefore,
    /// The store's own random id, drawn when it was created (0: created before ids were
    /// drawn): part of the feed's epoch, so an index never applies one store's feed from marks
    /// another store handed it (an account's credentials moved to another object).
    StoreId,
    /// When a spending alone (no change of the store) was last pushed to the indexes, epoch ms.
    SpendingPushedAt,
}

impl Key<'_> {
    /// The stored key.
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            Key::CallsOn(day) => format!("cs:{day}").into(),
            Key::CreditsOn(day) => format!("lk:{day}").into(),
            Key::SendsOn(day) => format!("sends:{day}").into(),
            Key::NewConversationsOn(day) => format!("new_conversations:{day}").into(),
            Key::CreditsSpent => "credits_spent".into(),
            Key::Misses => "misses".into(),
            Key::Tallied(tally) => tally.name().into(),
            Key::Generation => "generation".into(),
            Key::Wipes => "wipes".into(),
            Key::RefreshedAt => "refreshed_at".into(),
            Key::PausedAt(provider) => format!("paused_at:{}", provider.as_str()).into(),
            Key::PausedUntil(provider) => format!("paused_until:{}", provider.as_str()).into(),
            Key::BucketTokens(client) => format!("bucket:{client}:tokens").into(),
            Key::BucketAt(client) => format!("bucket:{client}:at").into(),
            Key::Mark(Mark::PruneDueAt) => "prune_due_at".into(),
            Key::Mark(Mark::SyncRequested) => "sync_requested".into(),
            Key::Mark(Mark::PushedSyncNotBefore) => "pushed_sync_not_before".into(),
            Key::Mark(Mark::PushedSeq) => "pushed_seq".into(),
            Key::Mark(Mark::LinkupDisconnectedAt) => "linkup_disconnected_at".into(),
            Key::Mark(Mark::DoctorRanAt) => "doctor_ran_at".into(),
            Key::Mark(Mark::InboxPrunes) => "inbox_prunes".into(),
            Key::Mark(Mark::MessagesPrunedBefore) => "messages_pruned_before".into(),
            Key::Mark(Mark::StoreId) => "store_id".into(),
            Key::Mark(Mark::SpendingPushedAt) => "spending_pushed_at".into(),
            Key::RecentCall(kind, slot) => format!("{}:{slot}", kind_name(*kind)).into(),
            Key::RecentCalls(kind) => format!("{}:n", kind_name(*kind)).into(),
        }
    }
}

fn kind_name(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Read => "cs_reads",
        CallKind::Write => "cs_writes",
    }
}

/// The UTC day of `now_ms` (epoch ms / day).
fn day(now_ms: u64) -> u64 {
    crate::rules::utc_day::day_of(now_ms)
}

/// The ledger's counters, as the usage route shows them.
#[derive(Debug, Serialize, PartialEq, Eq)]
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

#[derive(Deserialize)]
struct Value {
    value: f64,
}

impl<S: Sql> Store<S> {
    /// A row of the ledger (0 when absent).
    pub fn ledger_value(&self, key: Key) -> Result<u64> {
        Ok(self
            .sql
            .first_row::<Value>(
                "SELECT value FROM ledger WHERE key = ?",
                vec![text(&key.name())],
            )?
            .map_or(0, |v| v.value as u64))
    }

    fn set_ledger_value(&self, key: Key, value: u64) -> Result<()> {
        self.sql.run(
            "INSERT OR REPLACE INTO ledger (key, value) VALUES (?, ?)",
            vec![text(&key.name()), uint(value)],
        )
    }

    fn add_to_ledger(&self, key: Key, amount: u64) -> Result<()> {
        self.sql.run(
            "INSERT INTO ledger (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
            vec![text(&key.name()), uint(amount)],
        )
    }

    /// Takes `amount` off `key`, down to 0.
    fn subtract_from_ledger(&self, key: Key, amount: u64) -> Result<()> {
        let left = self.ledger_value(key)?.saturating_sub(amount);
        self.set_ledger_value(key, left)
    }

    fn delete_from_ledger(&self, key: Key) -> Result<()> {
        self.sql
            .run("DELETE FROM ledger WHERE key = ?", vec![text(&key.name())])
    }

    /// A mark of the object (0 when never set).
    pub fn mark(&self, mark: Mark) -> Result<u64> {
        self.ledger_value(Key::Mark(mark))
    }

    pub fn set_mark(&self, mark: Mark, value: u64) -> Result<()> {
        self.set_ledger_value(Key::Mark(mark), value)
    }

    /// Spends one of the day's sends (and of its new conversations when it may open one), or
    /// answers the refusal of a cap (`rules/send_caps.rs`).
    pub fn try_spend_sends(
        &self,
        now_ms: u64,
        caps: SendCaps,
        kind: SendKind,
        writer: Provider,
    ) -> Result<std::result::Result<SendSpend, linkedin_inbox::Error>> {
        let today = SendsToday {
            sends: self.sends_today(now_ms)?,
            new_conversations: self.new_conversations_today(now_ms)?,
        };
        let spend = match caps.admit(kind, writer, today, now_ms) {
            Ok(spend) => spend,
            Err(refusal) => return Ok(Err(refusal)),
        };
        self.add_to_ledger(Key::SendsOn(day(now_ms)), 1)?;
        if spend.new_conversation {
            self.add_to_ledger(Key::NewConversationsOn(day(now_ms)), 1)?;
        }
        Ok(Ok(spend))
    }

    /// A send that did not happen gives the day's back (its new conversation too).
    pub fn give_back_send(&self, now_ms: u64, spend: SendSpend) -> Result<()> {
        let mut keys = vec![Key::SendsOn(day(now_ms))];
        if spend.new_conversation {
            keys.push(Key::NewConversationsOn(day(now_ms)));
        }
        for key in keys {
            self.sql.run(
                "UPDATE ledger SET value = max(value - 1, 0) WHERE key = ?",
                vec![text(&key.name())],
            )?;
        }
        Ok(())
    }

    /// New ConnectSafely conversations opened on the day of `now_ms`.
    pub fn new_conversations_today(&self, now_ms: u64) -> Result<u64> {
        self.ledger_value(Key::NewConversationsOn(day(now_ms)))
    }

    /// What the account spent on the day of `now_ms` (its budgets' counts).
    pub fn spent_today(&self, now_ms: u64) -> Result<SpentToday> {
        let today = day(now_ms);
        Ok(SpentToday {
            day: today,
            calls: self.ledger_value(Key::CallsOn(today))?,
            credits: self.ledger_value(Key::CreditsOn(today))?,
            sends: self.ledger_value(Key::SendsOn(today))?,
        })
    }

    /// Messages sent on the day of `now_ms`.
    pub fn sends_today(&self, now_ms: u64) -> Result<u64> {
        self.ledger_value(Key::SendsOn(day(now_ms)))
    }

    /// How many times the account's store was wiped: work that began before a wipe stores
    /// nothing after it (read and compared with no await in between).
    pub fn wipe_epoch(&self) -> Result<u64> {
        self.ledger_value(Key::Wipes)
    }

    pub fn record_wipe(&self) -> Result<()> {
        self.add_to_ledger(Key::Wipes, 1)
    }

    pub fn generation(&self) -> Result<u64> {
        self.ledger_value(Key::Generation)
    }

    pub fn bump_generation(&self) -> Result<u64> {
        self.add_to_ledger(Key::Generation, 1)?;
        self.generation()
    }

    pub fn record_miss(&self) -> Result<()> {
        self.add_to_ledger(Key::Misses, 1)
    }

    /// Writes a full batch of answer tallies.
    pub fn add_tallies(&self, batch: Vec<(Tally, u64)>) -> Result<()> {
        for (tally, amount) in batch {
            self.add_to_ledger(Key::Tallied(tally), amount)?;
        }
        Ok(())
    }

    /// Takes one request of `client`'s bucket, or answers the seconds to wait.
    pub fn take_request(
        &self,
        client: &str,
        rate: Rate,
        now_ms: u64,
    ) -> Result<std::result::Result<(), u64>> {
        if rate.per_minute == 0 {
            return Ok(Ok(())); // no limit: no state to keep
        }
        let (tokens_key, at_key) = (Key::BucketTokens(client), Key::BucketAt(client));
        let bucket = match self.ledger_value(at_key)? {
            0 => rate.full(now_ms),
            at_ms => Bucket {
                milli_tokens: self.ledger_value(tokens_key)?,
                at_ms,
            },
        };
        match rate.take(bucket, now_ms) {
            Ok(bucket) => {
                self.set_ledger_value(tokens_key, bucket.milli_tokens)?;
                self.set_ledger_value(at_key, bucket.at_ms)?;
                Ok(Ok(()))
            }
            Err(wait) => Ok(Err(wait)),
        }
    }

    /// Records a refresh at `now_ms` and answers the new generation, or answers the seconds
    /// until one is allowed.
    pub fn try_refresh(
        &self,
        now_ms: u64,
        interval_secs: u64,
    ) -> Result<std::result::Result<u64, u64>> {
        let last = Some(self.ledger_value(Key::RefreshedAt)?).filter(|at| *at > 0);
        if let Some(wait) = refresh_wait(last, now_ms, interval_secs) {
            return Ok(Err(wait));
        }
        self.set_ledger_value(Key::RefreshedAt, now_ms)?;
        Ok(Ok(self.bump_generation()?))
    }

    /// The counters on the day of `now_ms`, with the tallies not written yet.
    pub fn counters(&self, now_ms: u64, unsaved: &Tallies) -> Result<Counters> {
        let tallied = |tally| -> Result<u64> {
            Ok(self.ledger_value(Key::Tallied(tally))? + unsaved.unsaved(tally))
        };
        Ok(Counters {
            connectsafely_calls_today: self.ledger_value(Key::CallsOn(day(now_ms)))?,
            linkup_credits_spent: self.ledger_value(Key::CreditsSpent)?,
            linkup_credits_today: self.ledger_value(Key::CreditsOn(day(now_ms)))?,
            linkup_credits_saved: tallied(Tally::CreditsSaved)?,
            cache_hits: tallied(Tally::Hits)?,
            cache_misses: self.ledger_value(Key::Misses)?,
            coalesced: tallied(Tally::Coalesced)?,
            stale: tallied(Tally::Stale)?,
            generation: self.generation()?,
        })
    }

    /// Whether the ledger the object kept in the key-value API, before this table, was
    /// copied in.
    pub fn legacy_ledger_imported(&self) -> Result<bool> {
        Ok(self
            .sql
            .first_row::<Value>(
                "SELECT value FROM meta WHERE key = 'ledger_imported'",
                vec![],
            )?
            .is_some())
    }

    /// Copies the rows of a legacy key-value ledger in (rows already in the table win) and
    /// marks the import done.
    pub fn import_legacy_ledger(&self, rows: &[(String, u64)]) -> Result<()> {
        for (key, value) in rows {
            self.sql.run(
                "INSERT OR IGNORE INTO ledger (key, value) VALUES (?, ?)",
                vec![text(key), uint(*value)],
            )?;
        }
        self.sql.run(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('ledger_imported', 1)",
            vec![],
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
