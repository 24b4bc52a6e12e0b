//! What a client's merged inbox (the `InboxIndex` object, `store/inbox_index/`) takes from
//! this account's store: the conversations changed and the message texts stored since the
//! marks it holds, and which indexes hold this account (`index_subscribers`), each with the
//! marks it was last handed.
//!
//! Marks compare as a whole: a wipe (the wipe epoch) or a retention pass that deleted rows
//! (the prune count) cannot be told as changes, so the feed then starts again (`reset`) and
//! the index replaces the account's rows.

use serde::{Deserialize, Serialize};

use super::ledger::Mark;
use super::sql::{int, text, Result, Sql, StoreError};
use super::Store;
use crate::rules::budgets::SpentToday;

/// The schema version with `index_subscribers`.
pub const INDEX_FEED_VERSION: u32 = 9;

/// Bits of a feed epoch that count the store's wipes; the store's id is above them (the
/// epoch stays below 2^53: exact as a JSON and SQLite number).
const WIPE_BITS: u32 = 24;
/// Store ids are drawn below this.
const STORE_IDS: u64 = 1 << 28;

/// A new store's id (`Mark::StoreId`): 1 to 2^28 - 1, at random.
pub(super) fn draw_store_id() -> Result<u64> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| StoreError(format!("no randomness: {e}")))?;
    Ok(u64::from_le_bytes(bytes) % (STORE_IDS - 1) + 1)
}

/// Where the store stands for its indexes ([`Store::feed_state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedState {
    pub marks: FeedMarks,
    pub spent: SpentToday,
}

/// Where an index stands in this account's feed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedMarks {
    /// The store's wipe epoch.
    pub epoch: u64,
    /// Retention passes that deleted rows.
    pub prunes: u64,
    /// The last conversation change handed over.
    pub seq: i64,
    /// The last message row handed over.
    pub message_seq: i64,
}

/// One answer of the feed, as JSON text (`marks`, `reset`, `more`, `complete`, `synced`,
/// `headAt`, `conversations` and `messages`), with its marks.
pub struct Feed {
    pub marks: FeedMarks,
    pub json: String,
}

#[derive(Deserialize)]
struct Item {
    n: f64,
    item: String,
}

#[derive(Deserialize)]
struct Number {
    n: Option<f64>,
}

#[derive(Deserialize)]
struct Subscriber {
    client: String,
    epoch: f64,
    prunes: f64,
    seq: f64,
    message_seq: f64,
}

impl<S: Sql> Store<S> {
    /// The feed after `since` (`None`: from the start), at most `limit` conversations and
    /// `4 × limit` message texts, with the account's health and what it spent on the day of
    /// `now_ms`.
    pub fn index_feed(&self, since: Option<&FeedMarks>, limit: u32, now_ms: u64) -> Result<Feed> {
        let epoch = self.feed_epoch()?;
        let prunes = self.mark(Mark::InboxPrunes)?;
        let latest = self.latest_seq()?;
        let latest_message = self
            .sql
            .first_row::<Number>("SELECT MAX(rowid) AS n FROM messages", vec![])?
            .and_then(|n| n.n)
            .map_or(0, |n| n as i64);
        let reset = since.is_none_or(|s| {
            s.epoch != epoch
                || s.prunes != prunes
                || s.seq > latest
                || s.message_seq > latest_message
        });
        // From the start, rows stored before changes were numbered (0) come too.
        let (after, after_message) = match (since, reset) {
            (Some(s), false) => (s.seq, s.message_seq),
            _ => (-1, -1),
        };
        let shown = self.shown_json("c");
        let conversations = self.sql.rows::<Item>(
            &format!("SELECT c.changed_seq AS n, '{{\"t\":' || json_quote(c.thread_id) || ',\"a\":' || c.last_activity_at
               || ',\"u\":' || c.unread || ',\"x\":' || json_quote(coalesce(t.text, ''))
               || ',\"m\":' || json_quote(coalesce((SELECT group_concat(json_extract(p.value, '$.profileId'), ' ')
                    FROM json_each(c.json, '$.participants') p), ''))
               || ',\"j\":' || {shown} || '}}' AS item
             FROM conversations c LEFT JOIN conversation_text t ON t.rowid = c.rowid
             WHERE c.changed_seq > ? ORDER BY c.changed_seq LIMIT ?"),
            vec![int(after), int(i64::from(limit) + 1)],
        )?;
        let message_limit = limit.saturating_mul(4);
        let messages = self.sql.rows::<Item>(
            "SELECT m.rowid AS n, '{\"t\":' || json_quote(m.thread_id) || ',\"s\":' || m.sent_at || ',\"x\":' || json_quote(t.text) || '}' AS item
             FROM messages m JOIN message_text t ON t.rowid = m.rowid
             WHERE m.rowid > ? ORDER BY m.rowid LIMIT ?",
            vec![int(after_message), int(i64::from(message_limit) + 1)],
        )?;
        let more = conversations.len() > limit as usize || messages.len() > message_limit as usize;
        let conversations = &conversations[..conversations.len().min(limit as usize)];
        let messages = &messages[..messages.len().min(message_limit as usize)];
        let marks = FeedMarks {
            epoch,
            prunes,
            seq: conversations.last().map_or(after.max(0), |c| c.n as i64),
            message_seq: messages.last().map_or(after_message.max(0), |m| m.n as i64),
        };
        // Caught up: the marks stand where the store does (rows without text move nothing).
        let marks = match more {
            true => marks,
            false => FeedMarks {
                seq: marks.seq.max(latest),
                message_seq: marks.message_seq.max(latest_message),
                ..marks
            },
        };
        let state = self.sync_state()?;
        let join = |items: &[Item]| {
            items
                .iter()
                .map(|i| i.item.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let health = self.account_health()?.0.shown();
        let spent = serde_json::to_string(&self.spent_today(now_ms)?)?;
        let json = format!(
            "{{\"marks\":{},\"reset\":{reset},\"more\":{more},\"complete\":{},\"synced\":{},\"headAt\":{},\"health\":{health},\"spent\":{spent},\"prunedBefore\":{},\"conversations\":[{}],\"messages\":[{}]}}",
            serde_json::to_string(&marks)?,
            state.as_ref().is_some_and(|s| s.is_complete()),
            state.is_some(),
            state.as_ref().map_or(0, |s| s.head_at as u64),
            self.mark(Mark::MessagesPrunedBefore)?,
            join(conversations),
            join(messages),
        );
        Ok(Feed { marks, json })
    }

    /// Records that `client`'s index holds this account up to `marks`.
    pub fn subscribe_index(&self, client: &str, marks: &FeedMarks) -> Result<()> {
        self.sql.run(
            "INSERT INTO index_subscribers (client, epoch, prunes, seq, message_seq) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (client) DO UPDATE SET epoch = excluded.epoch, prunes = excluded.prunes,
               seq = excluded.seq, message_seq = excluded.message_seq",
            vec![
                text(client),
                int(i64::try_from(marks.epoch).unwrap_or(i64::MAX)),
                int(i64::try_from(marks.prunes).unwrap_or(i64::MAX)),
                int(marks.seq),
                int(marks.message_seq),
            ],
        )
    }

    /// The indexes that hold this account, with the marks each was last handed.
    pub fn index_subscribers(&self) -> Result<Vec<(String, FeedMarks)>> {
        if self.version < INDEX_FEED_VERSION {
            return Ok(Vec::new());
        }
        Ok(self
            .sql
            .rows::<Subscriber>(
                "SELECT client, epoch, prunes, seq, message_seq FROM index_subscribers ORDER BY client",
                vec![],
            )?
            .into_iter()
            .map(|s| {
                let marks = FeedMarks {
                    epoch: s.epoch as u64,
                    prunes: s.prunes as u64,
                    seq: s.seq as i64,
                    message_seq: s.message_seq as i64,
                };
                (s.client, marks)
            })
            .collect())
    }

    /// Forgets `client`'s index (it no longer lists this account).
    pub fn unsubscribe_index(&self, client: &str) -> Result<()> {
        self.sql.run(
            "DELETE FROM index_subscribers WHERE client = ?",
            vec![text(client)],
        )
    }

    /// Where the store stands for its indexes (what a change during a request is told by):
    /// the feed's position, and what the account spent today (a spending alone is pushed too:
    /// the budgets of a client's account list).
    pub fn feed_state(&self, now_ms: u64) -> Result<FeedState> {
        Ok(FeedState {
            marks: self.feed_position()?,
            spent: self.spent_today(now_ms)?,
        })
    }

    /// The feed's epoch: the store's id above the count of its wipes (a wipe, or another
    /// store, starts the feed again).
    fn feed_epoch(&self) -> Result<u64> {
        let wipes = self.wipe_epoch()? & ((1 << WIPE_BITS) - 1);
        Ok(self.mark(Mark::StoreId)? << WIPE_BITS | wipes)
    }

    /// Where the feed stands: the marks an index that took all of it holds; nowhere for a
    /// store held below [`INDEX_FEED_VERSION`] (the upgrade tests' older schemas).
    pub fn feed_position(&self) -> Result<FeedMarks> {
        if self.version < INDEX_FEED_VERSION {
            return Ok(FeedMarks::default());
        }
        let latest_message = self
            .sql
            .first_row::<Number>("SELECT MAX(rowid) AS n FROM messages", vec![])?
            .and_then(|n| n.n)
            .map_or(0, |n| n as i64);
        Ok(FeedMarks {
            epoch: self.feed_epoch()?,
            prunes: self.mark(Mark::InboxPrunes)?,
            seq: self.latest_seq()?,
            message_seq: latest_message,
        })
    }

    /// Numbers the conversations stored before changes were numbered (the upgrade to
    /// [`INDEX_FEED_VERSION`]): every row then has a place in the feed.
    pub(super) fn number_unnumbered(sql: &S) -> Result<()> {
        let Some(n) = sql
            .first_row::<Number>(
                "SELECT COUNT(*) AS n FROM conversations WHERE changed_seq = 0",
                vec![],
            )?
            .and_then(|n| n.n)
            .filter(|n| *n > 0.0)
        else {
            return Ok(());
        };
        let n = n as i64;
        let last = sql
            .first_row::<Number>(
                "INSERT INTO ledger (key, value) VALUES ('change_seq', ?)
                 ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value AS n",
                vec![int(n)],
            )?
            .and_then(|v| v.n)
            .map_or(n, |v| v as i64);
        sql.run(
            "UPDATE conversations SET changed_seq = ? + r.k FROM
               (SELECT rowid AS id, ROW_NUMBER() OVER (ORDER BY rowid) - 1 AS k FROM conversations WHERE changed_seq = 0) r
             WHERE conversations.rowid = r.id",
            vec![int(last - n + 1)],
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
