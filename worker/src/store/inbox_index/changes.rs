//! The merged index's own change feed, for clients of more accounts than the per-account
//! change tokens hold (`GET /v1/changes`): every entry (and every lane whose health moved)
//! applied takes the index's next change number; an account's rows replaced (a wipe, a
//! pruning pass, an index emptied) move the index's epoch, and a client's next ask is a reset.

use serde::{Deserialize, Serialize};

use super::InboxIndex;
use crate::store::sql::{int, text, Result, Sql};

/// Where a client stood in the index's feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesMark {
    pub epoch: u64,
    pub seq: i64,
}

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
        let now = ChangesMark {
            epoch: self.counter("epoch")? as u64,
            seq: self.counter("seq")?,
        };
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
            .map(|l| {
                let unread = (l.synced != 0.0 || l.stored > 0.0).then_some(l.unread as u64);
                let health = l
                    .health
                    .and_then(|h| serde_json::from_str(&h).ok())
                    .unwrap_or(serde_json::Value::Null);
                (l.account, unread, health)
            })
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
