//! The merged index's own change feed, for clients of more accounts than the per-account
//! change tokens hold (`GET /v1/changes`): every entry (and every lane whose health moved)
//! applied takes the index's next change number; an account's rows replaced (a wipe, a
//! pruning pass, an index emptied) move the index's epoch, and a client's next ask is a reset.

use serde::Deserialize;

use super::InboxIndex;
use crate::rules::budgets::SpentToday;
use crate::rules::change_tokens::ChangesMark;
use crate::store::sql::{int, text, Result, Sql};

/// What changed since a mark: the conversations (JSON, joined by commas), each lane's unread
/// total and health, and the mark after them.
#[derive(Debug, PartialEq, Eq)]
pub struct IndexChanges {
    pub mark: ChangesMark,
    pub reset: bool,
    pub more: bool,
    pub conversations: String,
    /// `(account, unread total (None before its store held any), health JSON)`, in the
    /// client's order.
    pub accounts: Vec<(String, Option<u64>, serde_json::Value)>,
}

#[derive(Deserialize)]
struct Counter {
    value: String,
}

#[derive(Deserialize)]
struct Changed {
    changed_seq: f64,
    json: String,
}

#[derive(Deserialize)]
struct LaneUnread {
    account: String,
    synced: f64,
    health: Option<String>,
    unread: f64,
    stored: f64,
}

impl<S: Sql> InboxIndex<S> {
    /// The index's change number: it moves with every change applied (a merged cursor whose
    /// position did not move still differs from the one presented once anything came in).
    pub fn change_number(&self) -> Result<i64> {
        self.counter("seq")
    }

    fn counter(&self, key: &str) -> Result<i64> {
        Ok(self
            .sql
            .first_row::<Counter>("SELECT value FROM meta WHERE key = ?", vec![text(key)])?
            .and_then(|c| c.value.parse().ok())
            .unwrap_or(0))
    }

    /// The next number of the index's feed.
    pub(super) fn next_seq(&self) -> Result<i64> {
        let next = self.counter("seq")? + 1;
        self.set_counter("seq", next)?;
        Ok(next)
    }

    /// Where the index's feed stands.
    pub fn standing_mark(&self) -> Result<ChangesMark> {
        Ok(ChangesMark {
            epoch: self.counter("epoch")? as u64,
            seq: self.counter("seq")?,
        })
    }

    /// Moves the index's epoch: rows were replaced, not changed.
    pub(super) fn next_epoch(&self) -> Result<()> {
        let next = self.counter("epoch")? + 1;
        self.set_counter("epoch", next)
    }

    fn set_counter(&self, key: &str, value: i64) -> Result<()> {
        self.sql.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![text(key), text(&value.to_string())],
        )
    }

    /// What changed after `since` (`None`: only where the feed stands), at most `limit`
    /// conversations, oldest change first.
    pub fn changes_since(&self, since: Option<ChangesMark>, limit: u32) -> Result<IndexChanges> {
        let now = self.standing_mark()?;
        let reset = since.is_some_and(|s| s.epoch != now.epoch || s.seq > now.seq);
        let (conversations, mark, more) = match since {
            Some(s) if !reset => {
                let rows = self.sql.rows::<Changed>(
                    "SELECT changed_seq, json FROM entries WHERE changed_seq > ? ORDER BY changed_seq LIMIT ?",
                    vec![int(s.seq), int(i64::from(limit) + 1)],
                )?;
                let more = rows.len() > limit as usize;
                let shown = &rows[..rows.len().min(limit as usize)];
                let seq = match more {
                    true => shown.last().map_or(s.seq, |r| r.changed_seq as i64),
                    false => now.seq,
                };
                let joined = shown
                    .iter()
                    .map(|r| r.json.as_str())
                    .collect::<Vec<_>>()
                    .join(",");
                (joined, ChangesMark { seq, ..now }, more)
            }
            _ => (String::new(), now, false),
        };
        let accounts = self
            .sql
            .rows::<LaneUnread>(
                "SELECT account, synced, health, unread_count AS unread, stored
                 FROM lanes ORDER BY rank",
                vec![],
            )?
            .into_iter()
            .map(lane_totals)
            .collect();
        Ok(IndexChanges {
            mark,
            reset,
            more,
            conversations,
            accounts,
        })
    }
}

/// What one push of the client's stream carries (`index_object/stream.rs`): the conversations
/// changed after a change number, with their account's unread total and health, and the lanes
/// whose health alone moved.
#[derive(Debug, PartialEq, Eq)]
pub struct StreamChanges {
    /// Where the index's feed stands after them.
    pub mark: ChangesMark,
    /// More changed than `limit`: the rest is in `GET /v1/changes`.
    pub more: bool,
    /// Per account that changed, in the client's order.
    pub accounts: Vec<AccountChanges>,
}

/// One account's part of a push.
#[derive(Debug, PartialEq, Eq)]
pub struct AccountChanges {
    pub account: String,
    pub unread: Option<u64>,
    pub health: serde_json::Value,
    /// The conversations' JSON, oldest change first.
    pub conversations: Vec<String>,
}

#[derive(Deserialize)]
struct ChangedEntry {
    account: String,
    changed_seq: f64,
    json: String,
}

impl<S: Sql> InboxIndex<S> {
    /// Where the client's stream last pushed to (`None` before its first push).
    pub fn pushed_mark(&self) -> Result<Option<ChangesMark>> {
        if self.counter("pushed")? == 0 {
            return Ok(None);
        }
        Ok(Some(ChangesMark {
            epoch: self.counter("pushed_epoch")? as u64,
            seq: self.counter("pushed_seq")?,
        }))
    }

    /// Records where the client's stream pushed to.
    pub fn set_pushed_mark(&self, mark: ChangesMark) -> Result<()> {
        self.set_counter("pushed_epoch", mark.epoch as i64)?;
        self.set_counter("pushed_seq", mark.seq)?;
        self.set_counter("pushed", 1)
    }

    /// The changes after `after` (the same epoch's change number), at most `limit`
    /// conversations, grouped by account.
    pub fn stream_since(&self, after: i64, limit: u32) -> Result<StreamChanges> {
        let now = self.standing_mark()?;
        let rows = self.sql.rows::<ChangedEntry>(
            "SELECT account, changed_seq, json FROM entries WHERE changed_seq > ? ORDER BY changed_seq LIMIT ?",
            vec![int(after), int(i64::from(limit) + 1)],
        )?;
        let more = rows.len() > limit as usize;
        let shown = &rows[..rows.len().min(limit as usize)];
        let seq = match more {
            true => shown.last().map_or(after, |r| r.changed_seq as i64),
            false => now.seq,
        };
        let lanes = self.sql.rows::<LaneUnread>(
            "SELECT account, synced, health, unread_count AS unread, stored
             FROM lanes WHERE changed_seq > ? OR account IN (
                 SELECT DISTINCT account FROM entries WHERE changed_seq > ? AND changed_seq <= ?)
             ORDER BY rank",
            vec![int(after), int(after), int(seq)],
        )?;
        let accounts = lanes
            .into_iter()
            .map(|lane| {
                let conversations = shown
                    .iter()
                    .filter(|r| r.account == lane.account)
                    .map(|r| r.json.clone())
                    .collect();
                let (account, unread, health) = lane_totals(lane);
                AccountChanges {
                    account,
                    unread,
                    health,
                    conversations,
                }
            })
            .collect();
        Ok(StreamChanges {
            mark: ChangesMark { seq, ..now },
            more,
            accounts,
        })
    }
}

/// One account of the client's list as the index holds it (`GET /v1/accounts`).
#[derive(Debug, PartialEq, Eq)]
pub struct AccountSummary {
    pub account: String,
    /// `None` before its store held any conversation.
    pub unread: Option<u64>,
    pub health: serde_json::Value,
    /// `None` before a feed said.
    pub spent: Option<SpentToday>,
}

#[derive(Deserialize)]
struct LaneSummary {
    account: String,
    synced: f64,
    health: Option<String>,
    unread: f64,
    stored: f64,
    spent: Option<String>,
}

impl<S: Sql> InboxIndex<S> {
    /// Every lane's totals and spending, in the client's order.
    pub fn account_summaries(&self) -> Result<Vec<AccountSummary>> {
        let rows = self.sql.rows::<LaneSummary>(
            "SELECT l.account, l.synced, l.health, l.unread_count AS unread, l.stored, s.json AS spent
             FROM lanes l LEFT JOIN lane_spent s ON s.account = l.account ORDER BY l.rank",
            vec![],
        )?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let spent = row.spent.and_then(|s| serde_json::from_str(&s).ok());
                let (account, unread, health) = lane_totals(LaneUnread {
                    account: row.account,
                    synced: row.synced,
                    health: row.health,
                    unread: row.unread,
                    stored: row.stored,
                });
                AccountSummary {
                    account,
                    unread,
                    health,
                    spent,
                }
            })
            .collect())
    }
}

/// A lane's account, unread total (`None` before its store held any) and health.
fn lane_totals(l: LaneUnread) -> (String, Option<u64>, serde_json::Value) {
    let unread = (l.synced != 0.0 || l.stored > 0.0).then_some(l.unread as u64);
    let health = l
        .health
        .and_then(|h| serde_json::from_str(&h).ok())
        .unwrap_or(serde_json::Value::Null);
    (l.account, unread, health)
}
