//! The accounts an index lists (its lanes, in the client's order) and the account feeds
//! applied to them. Nothing here awaits, so nothing interleaves with a feed being applied (the
//! object's writes between two awaits also commit together; a statement that fails midway
//! leaves the lane's marks where they were, and the feed is asked again).

use crate::rules::page_body::with_first_field;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::InboxIndex;
use crate::rules::budgets::SpentToday;
use crate::store::index_feed::FeedMarks;
use crate::store::list_query::checked_account;
use crate::store::sql::{int, text, uint, Result, Sql};
use crate::store::RowId;

/// One account's lane: where its feed stands, and what its store said of its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub account: String,
    pub rank: i64,
    /// The feed's marks applied (`None`: the account's inbox was never taken).
    pub marks: Option<FeedMarks>,
    /// The last feed answer applied said more follows: the lane is not whole yet.
    pub behind: bool,
    /// The account's health as last fed (JSON).
    pub health: Option<String>,
    /// The store holds the account's whole list.
    pub complete: bool,
    /// The store synced the list at least once.
    pub synced: bool,
    /// When the store last synced the list's head, epoch ms.
    pub head_at: u64,
}

/// An account's feed as its store answers it (`Store::index_feed`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedAnswer<'a> {
    pub marks: FeedMarks,
    pub reset: bool,
    pub more: bool,
    pub complete: bool,
    pub synced: bool,
    pub head_at: u64,
    /// The account's health as `/v1/accounts` shows it.
    #[serde(default)]
    pub health: serde_json::Value,
    /// What the account spent today (its budgets in `/v1/accounts`).
    #[serde(default)]
    pub spent: Option<SpentToday>,
    /// Messages sent before this time were deleted by the store's retention.
    #[serde(default)]
    pub pruned_before: u64,
    #[serde(borrow)]
    pub conversations: Vec<FedConversation<'a>>,
    pub messages: Vec<FedMessage>,
}

/// A conversation as the feed hands it: thread, activity key, unread, search text, JSON.
#[derive(Deserialize)]
pub struct FedConversation<'a> {
    t: String,
    a: i64,
    u: i64,
    x: String,
    /// The members' profile ids, separated by spaces.
    #[serde(default)]
    m: String,
    #[serde(borrow)]
    j: &'a RawValue,
}

/// A stored message's text, for search, and when it was sent.
#[derive(Deserialize)]
pub struct FedMessage {
    t: String,
    #[serde(default)]
    s: i64,
    x: String,
}

#[derive(Deserialize)]
pub(super) struct LaneRow {
    account: String,
    rank: f64,
    joined: f64,
    behind: f64,
    health: Option<String>,
    epoch: f64,
    prunes: f64,
    seq: f64,
    message_seq: f64,
    complete: f64,
    synced: f64,
    head_at: f64,
}

impl From<LaneRow> for Lane {
    fn from(row: LaneRow) -> Self {
        Self {
            account: row.account,
            rank: row.rank as i64,
            marks: (row.joined != 0.0).then_some(FeedMarks {
                epoch: row.epoch as u64,
                prunes: row.prunes as u64,
                seq: row.seq as i64,
                message_seq: row.message_seq as i64,
            }),
            behind: row.behind != 0.0,
            health: row.health,
            complete: row.complete != 0.0,
            synced: row.synced != 0.0,
            head_at: row.head_at as u64,
        }
    }
}

impl<S: Sql> InboxIndex<S> {
    /// The client's accounts, in its order: new ones get a lane (not joined yet), moved ones
    /// their new rank, and the lanes of accounts no longer listed go with their rows. Answers
    /// the accounts removed.
    pub fn set_accounts(&self, accounts: &[&str]) -> Result<Vec<String>> {
        // The same list as last time (every page asks): nothing to compare row by row.
        let listed = accounts.join(",");
        let known = self
            .sql
            .first_row::<super::Meta>("SELECT value FROM meta WHERE key = 'accounts'", vec![])?;
        if known.is_some_and(|k| k.value == listed) {
            return Ok(Vec::new());
        }
        let lanes = self.lanes()?;
        let mut removed = Vec::new();
        for lane in &lanes {
            if !accounts.contains(&lane.account.as_str()) {
                self.drop_rows(&lane.account)?;
                for table in ["lanes", "lane_spent"] {
                    self.sql.run(
                        &format!("DELETE FROM {table} WHERE account = ?"),
                        vec![text(&lane.account)],
                    )?;
                }
                removed.push(lane.account.clone());
            }
        }
        for (rank, account) in accounts.iter().enumerate() {
            let account = checked_account(account)?;
            let rank = rank as i64;
            match lanes.iter().find(|l| l.account == account) {
                Some(lane) if lane.rank == rank => {}
                Some(_) => {
                    self.sql.run(
                        "UPDATE lanes SET rank = ? WHERE account = ?",
                        vec![int(rank), text(account)],
                    )?;
                    self.sql.run(
                        "UPDATE entries SET rank = ? WHERE account = ?",
                        vec![int(rank), text(account)],
                    )?;
                }
                None => self.sql.run(
                    "INSERT INTO lanes (account, rank, joined, behind, epoch, prunes, seq, message_seq, complete, synced, head_at)
                     VALUES (?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
                    vec![text(account), int(rank)],
                )?,
            }
        }
        self.sql.run(
            "INSERT INTO meta (key, value) VALUES ('accounts', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![text(&listed)],
        )?;
        Ok(removed)
    }

    /// One lane, if the client lists the account.
    pub fn lane(&self, account: &str) -> Result<Option<Lane>> {
        Ok(self
            .sql
            .first_row::<LaneRow>(
                "SELECT account, rank, joined, behind, health, epoch, prunes, seq, message_seq, complete, synced, head_at
                 FROM lanes WHERE account = ?",
                vec![text(account)],
            )?
            .map(Lane::from))
    }

    /// Applies an account's feed to its lane (none: the client does not list the account, and
    /// nothing is written). A reset replaces the account's rows.
    pub fn apply(&self, account: &str, feed: &FeedAnswer<'_>) -> Result<bool> {
        let account = checked_account(account)?;
        let Some(lane) = self.lane(account)? else {
            return Ok(false);
        };
        // The same store starting its feed again (its retention deleted rows) is taken again
        // in place; a wipe, or another store, replaces the rows (`retake.rs`).
        let same_store = lane.marks.is_some_and(|m| m.epoch == feed.marks.epoch);
        match (feed.reset, same_store) {
            (true, true) => self.begin_retake(account)?,
            (true, false) => self.drop_rows(account)?,
            (false, _) => {}
        }
        let (take, sweeping) = self.take_of(account)?;
        let account_id = serde_json::Value::from(account);
        for conversation in &feed.conversations {
            // The stored JSON with the account first, as every merged item carries it.
            let json = with_first_field(conversation.j.get(), "account", &account_id);
            let unread = conversation.u != 0;
            let (thread, at) = (conversation.t.as_str(), conversation.a);
            if sweeping && self.kept_as_is(account, thread, at, unread, &json, take)? {
                continue;
            }
            let seq = self.next_seq()?;
            let row = self.sql.first_row::<RowId>(
                "INSERT INTO entries (account, thread_id, last_activity_at, rank, unread, json, changed_seq, taken) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (account, thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                   rank = excluded.rank, unread = excluded.unread, json = excluded.json,
                   changed_seq = excluded.changed_seq, taken = excluded.taken
                 RETURNING rowid AS rowid",
                vec![
                    text(account),
                    text(&conversation.t),
                    int(conversation.a),
                    int(lane.rank),
                    int(i64::from(unread)),
                    text(&json),
                    int(seq),
                    int(take),
                ],
            )?;
            if let Some(row) = row {
                let rowid = int(row.rowid as i64);
                self.sql.run(
                    "DELETE FROM entry_text WHERE rowid = ?",
                    vec![rowid.clone()],
                )?;
                self.sql.run(
                    "INSERT INTO entry_text (rowid, text) VALUES (?, ?)",
                    vec![rowid.clone(), text(&conversation.x)],
                )?;
                self.sql.run(
                    "DELETE FROM entry_members WHERE entry = ?",
                    vec![rowid.clone()],
                )?;
                let mut members: Vec<&str> = conversation
                    .m
                    .split(' ')
                    .filter(|m| !m.is_empty())
                    .collect();
                members.sort_unstable();
                members.dedup();
                for member in members {
                    self.sql.run(
                        "INSERT INTO entry_members (entry, member) VALUES (?, ?)",
                        vec![rowid.clone(), text(member)],
                    )?;
                }
            }
        }
        for message in &feed.messages {
            let row = self.sql.first_row::<RowId>(
                "INSERT INTO messages (account, thread_id, sent_at) VALUES (?, ?, ?) RETURNING rowid AS rowid",
                vec![text(account), text(&message.t), int(message.s)],
            )?;
            if let Some(row) = row {
                self.sql.run(
                    "INSERT INTO message_text (rowid, text) VALUES (?, ?)",
                    vec![int(row.rowid as i64), text(&message.x)],
                )?;
            }
        }
        // What the store's retention deleted goes here too (the same rule: sent before).
        if feed.pruned_before > 0 {
            let before = uint(feed.pruned_before);
            self.sql.run(
                "DELETE FROM message_text WHERE rowid IN (SELECT rowid FROM messages WHERE account = ? AND sent_at < ?)",
                vec![text(account), before.clone()],
            )?;
            self.sql.run(
                "DELETE FROM messages WHERE account = ? AND sent_at < ?",
                vec![text(account), before],
            )?;
        }
        // A change of the account's health is a change of the index's feed.
        let health = feed.health.to_string();
        if !feed.health.is_null() && lane.health.as_deref() != Some(health.as_str()) {
            let seq = self.next_seq()?;
            self.sql.run(
                "UPDATE lanes SET health = ?, changed_seq = ? WHERE account = ?",
                vec![text(&health), int(seq), text(account)],
            )?;
        }
        if let Some(spent) = &feed.spent {
            self.sql.run(
                "INSERT INTO lane_spent (account, json) VALUES (?, ?)
                 ON CONFLICT (account) DO UPDATE SET json = excluded.json",
                vec![text(account), text(&serde_json::to_string(spent)?)],
            )?;
        }
        if sweeping && !feed.more {
            self.finish_retake(account, take)?;
        }
        // Each lane's counts, kept as it changes: the merged totals are then a sum over the
        // lanes, not a count over every account's rows.
        self.sql.run(
            "UPDATE lanes SET stored = (SELECT COUNT(*) FROM entries WHERE account = ?1),
               unread_count = (SELECT COUNT(*) FROM entries WHERE account = ?1 AND unread = 1)
             WHERE account = ?1",
            vec![text(account)],
        )?;
        let marks = &feed.marks;
        self.sql.run(
            "UPDATE lanes SET joined = 1, behind = ?, epoch = ?, prunes = ?, seq = ?, message_seq = ?, complete = ?, synced = ?, head_at = ?
             WHERE account = ?",
            vec![
                int(i64::from(feed.more)),
                uint(marks.epoch),
                uint(marks.prunes),
                int(marks.seq),
                int(marks.message_seq),
                int(i64::from(feed.complete)),
                int(i64::from(feed.synced)),
                uint(feed.head_at),
                text(account),
            ],
        )?;
        Ok(true)
    }

    /// Deletes an account's rows and search texts (its lane stays); when it held any, the
    /// index's feed starts again (its epoch moves).
    fn drop_rows(&self, account: &str) -> Result<()> {
        if self.lane_end(account)?.is_some() {
            self.next_epoch()?;
        }
        self.sql.run(
            "DELETE FROM entry_members WHERE entry IN (SELECT rowid FROM entries WHERE account = ?)",
            vec![text(account)],
        )?;
        self.sql.run(
            "DELETE FROM entry_text WHERE rowid IN (SELECT rowid FROM entries WHERE account = ?)",
            vec![text(account)],
        )?;
        self.sql
            .run("DELETE FROM entries WHERE account = ?", vec![text(account)])?;
        self.drop_messages(account)
    }

    /// Deletes an account's stored message texts (search only).
    pub(super) fn drop_messages(&self, account: &str) -> Result<()> {
        self.sql.run(
            "DELETE FROM message_text WHERE rowid IN (SELECT rowid FROM messages WHERE account = ?)",
            vec![text(account)],
        )?;
        self.sql.run(
            "DELETE FROM messages WHERE account = ?",
            vec![text(account)],
        )
    }
}
