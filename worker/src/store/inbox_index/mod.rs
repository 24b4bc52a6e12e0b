//! A client's merged inbox on its own Durable Object's SQLite (`InboxIndex`,
//! `index_object/`): one row per conversation of every account the client lists, fed from
//! the accounts' stores (`store/index_feed.rs`), so a merged page and a merged search are
//! one query in one place whatever the number of accounts, and the merged
//! cursor is one position. Derived data: each account's lane holds the marks of the feed it
//! applied, so the index can be rebuilt from the stores at any time (a lane without marks
//! takes the account's whole inbox). Generic over [`Sql`] like the account store.
//! - `apply.rs`: the accounts listed (lanes, their order), a feed applied to a lane;
//! - `lanes.rs`: the lanes a page reads;
//! - `page.rs`: **the merged order**, pages after a position up to a bound, counts.

mod apply;
mod changes;
mod lanes;
mod page;
mod retake;

pub use apply::FeedAnswer;
#[cfg(target_arch = "wasm32")]
pub use apply::Lane;
#[cfg(target_arch = "wasm32")]
pub use changes::AccountChanges;
pub use lanes::Lanes;

use super::sql::{Result, Sql};

/// The index's tables. Entries are ordered by last activity (newest first), then the
/// client's account order (`rank`), then thread id; their search texts (and the accounts'
/// stored message texts) are searched as in an account's store.
const STATEMENTS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS lanes (
        account TEXT PRIMARY KEY,
        rank INTEGER NOT NULL,
        joined INTEGER NOT NULL,
        behind INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        prunes INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        message_seq INTEGER NOT NULL,
        complete INTEGER NOT NULL,
        synced INTEGER NOT NULL,
        head_at INTEGER NOT NULL,
        health TEXT,
        changed_seq INTEGER NOT NULL DEFAULT 0,
        pruned_before INTEGER NOT NULL DEFAULT 0,
        stored INTEGER NOT NULL DEFAULT 0,
        unread_count INTEGER NOT NULL DEFAULT 0
    )",
    "CREATE TABLE IF NOT EXISTS entries (
        rowid INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        last_activity_at INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        unread INTEGER NOT NULL,
        json TEXT NOT NULL,
        changed_seq INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, thread_id)
    )",
    "CREATE INDEX IF NOT EXISTS entries_changed ON entries (changed_seq)",
    "CREATE INDEX IF NOT EXISTS entries_order ON entries (last_activity_at DESC, rank, thread_id)",
    "CREATE INDEX IF NOT EXISTS entries_lane ON entries (account, last_activity_at, thread_id)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS entry_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
    // The LinkedIn members in each conversation (their profile ids): the people view.
    "CREATE TABLE IF NOT EXISTS entry_members (entry INTEGER NOT NULL, member TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entry_members_member ON entry_members (member, entry)",
    "CREATE INDEX IF NOT EXISTS entry_members_entry ON entry_members (entry)",
    "CREATE TABLE IF NOT EXISTS messages (
        rowid INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        sent_at INTEGER NOT NULL DEFAULT 0
    )",
    "CREATE INDEX IF NOT EXISTS messages_thread ON messages (account, thread_id)",
    "CREATE INDEX IF NOT EXISTS messages_age ON messages (account, sent_at)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS message_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
    // What each account spent today, as last fed (`/v1/accounts`' budgets).
    "CREATE TABLE IF NOT EXISTS lane_spent (account TEXT PRIMARY KEY, json TEXT NOT NULL)",
    // The client the index serves (its alarm has no request to name it).
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

#[derive(serde::Deserialize)]
struct Meta {
    value: String,
}

/// A client's merged inbox, on its object's SQLite.
pub struct InboxIndex<S: Sql> {
    sql: S,
}

impl<S: Sql> InboxIndex<S> {
    /// The index on `sql`, its tables created if new. Run once per object.
    pub fn open(sql: S) -> Result<Self> {
        for statement in STATEMENTS {
            sql.run(statement, vec![])?;
        }
        retake::upgrade(&sql)?;
        Ok(Self { sql })
    }

    /// Records the client the index serves.
    pub fn set_client(&self, client: &str) -> Result<()> {
        self.sql.run(
            "INSERT INTO meta (key, value) VALUES ('client', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![super::sql::text(client)],
        )
    }

    /// The client the index serves, once a request named it.
    pub fn client(&self) -> Result<Option<String>> {
        Ok(self
            .sql
            .first_row::<Meta>("SELECT value FROM meta WHERE key = 'client'", vec![])?
            .map(|m| m.value))
    }

    /// Takes one request of the client's merged views from its bucket (`rate`): the wait in
    /// whole seconds when it is empty. The index keeps the bucket: a merged page is one request
    /// of the client's, whatever the number of accounts it asks.
    pub fn take_request(
        &self,
        rate: crate::rules::request_limits::Rate,
        now_ms: u64,
    ) -> Result<std::result::Result<(), u64>> {
        if rate.per_minute == 0 {
            return Ok(Ok(()));
        }
        let bucket = self
            .sql
            .first_row::<Meta>("SELECT value FROM meta WHERE key = 'bucket'", vec![])?
            .and_then(|m| serde_json::from_str(&m.value).ok())
            .unwrap_or_else(|| rate.full(now_ms));
        match rate.take(bucket, now_ms) {
            Ok(bucket) => {
                self.sql.run(
                    "INSERT INTO meta (key, value) VALUES ('bucket', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    vec![super::sql::text(&serde_json::to_string(&bucket)?)],
                )?;
                Ok(Ok(()))
            }
            Err(wait) => Ok(Err(wait)),
        }
    }

    /// Forgets every account's inbox (the lanes stay, holding nothing): the next read, or the
    /// alarm, takes them again; a page in flight finds its lanes not whole, never empty.
    pub fn clear(&self) -> Result<()> {
        self.next_epoch()?;
        self.sql.run(
            "UPDATE lanes SET joined = 0, behind = 0, epoch = 0, prunes = 0, seq = 0, message_seq = 0,
               complete = 0, synced = 0, head_at = 0, stored = 0, unread_count = 0",
            vec![],
        )?;
        for table in [
            "entries",
            "entry_text",
            "entry_members",
            "messages",
            "message_text",
        ] {
            self.sql.run(&format!("DELETE FROM {table}"), vec![])?;
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
