//! The account object's SQLite store: its schema and migrations, and the SQL of each table
//! group, generic over [`sql::Sql`] so the same statements run on the Durable Object's
//! storage and, in the tests, on an in-memory SQLite. Times come in as arguments (`now_ms`);
//! nothing here reads a clock. One file per table group:
//! - `conversations.rs`: the synced list, pushed and sent messages, read state;
//! - `list_query.rs`: **where the `unread` and `keywords` filters are applied**, positions;
//! - `list_sync.rs`: where the list sync stands, the account the object serves;
//! - `change_feed.rs`: change numbers and provider events seen;
//! - `inbox_index/`: a client's merged inbox, on its own object's SQLite (not an account's);
//! - `index_feed.rs`: what the client indexes that hold the account take from it, and who they are;
//! - `account_health.rs`: the account's health, a change of the feed when it shows differently;
//! - `contract_drift.rs`: differences of provider answers from their documented contracts;
//! - `triage.rs`: triage per conversation (archived, snoozed, starred, labels, note), labels;
//! - `search.rs`: message texts indexed for search, retention and the inbox's wipe;
//! - `message_ids.rs`: the upgrade of stored message ids to their one identity;
//! - `pages.rs`: the page cache;
//! - `sends.rs`: sends by idempotency key, recorded before the upstream call and after it;
//! - `ledger.rs`: the account's ledger (the day's calls, credits and sends, pauses, request
//!   buckets, tallies, marks), and in `ledger/spend.rs` **where an upstream call is admitted
//!   and settled** on it.

mod account_health;
mod change_feed;
mod contract_drift;
mod conversations;
pub mod inbox_index;
pub mod index_feed;
pub mod key_log;
pub mod ledger;
mod list_query;
mod list_sync;
mod message_ids;
mod pages;
pub mod registry;
pub mod schema;
mod search;
mod sends;
pub mod sql;
mod triage;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod native_sql;
#[cfg(target_arch = "wasm32")]
pub mod sql_storage;

pub use change_feed::ProviderEvent;
pub use conversations::opened_conversation;
pub use list_query::{Filters, Position};
#[cfg(target_arch = "wasm32")]
pub use list_sync::SyncState;
pub use pages::Stored;
pub use sends::{SendRecord, SendState};
use sql::{int, Result, Sql};
#[cfg(target_arch = "wasm32")]
pub use triage::{LabelOutcome, TriageOutcome};

/// The schema version that numbers changes (`conversations.changed_seq`).
const CHANGE_FEED_VERSION: u32 = 5;

/// One account's store: its SQLite, at a known schema version.
#[derive(Clone)]
pub struct Store<S> {
    sql: S,
    version: u32,
}

#[derive(serde::Deserialize)]
struct RowId {
    rowid: f64,
}

#[derive(serde::Deserialize)]
struct Version {
    value: f64,
}

impl<S: Sql> Store<S> {
    /// The store on `sql`, migrated up to `target` (the latest version, but for the upgrade
    /// tests' `SCHEMA_VERSION_CAP`, which builds the older schemas an upgrade starts from).
    /// Run once per object: when its first request or alarm opens it.
    pub fn open(sql: S, target: u32) -> Result<Self> {
        sql.run(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            vec![],
        )?;
        // The ledger is older than every schema version (it lived in the key-value API, see
        // `gate/ledger_import.rs`): it exists whatever version the store is at.
        sql.run(
            "CREATE TABLE IF NOT EXISTS ledger (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            vec![],
        )?;
        let mut version = Self::stored_version(&sql)?;
        let created = version == 0;
        let target = target.min(schema::LATEST);
        for (to, statements) in schema::pending(version).filter(|(to, _)| *to <= target) {
            for statement in statements.split(';').filter(|s| !s.trim().is_empty()) {
                sql.run(statement, vec![])?;
            }
            if *to == schema::MESSAGE_IDS_VERSION {
                message_ids::normalize(&sql)?;
            }
            if *to == index_feed::INDEX_FEED_VERSION {
                Self::number_unnumbered(&sql)?;
            }
            sql.run(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                vec![int(i64::from(*to))],
            )?;
            version = *to;
        }
        let store = Self { sql, version };
        if created {
            store.set_mark(ledger::Mark::StoreId, index_feed::draw_store_id()?)?;
        }
        Ok(store)
    }

    /// The store on `sql` as [`Store::open`] left it (the object opened it already): its
    /// version is read, nothing is migrated.
    pub fn opened(sql: S) -> Result<Self> {
        let version = Self::stored_version(&sql)?;
        Ok(Self { sql, version })
    }

    fn stored_version(sql: &S) -> Result<u32> {
        Ok(sql
            .first_row::<Version>(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                vec![],
            )?
            .map_or(0, |v| v.value as u32))
    }

    fn numbers_changes(&self) -> bool {
        self.version >= CHANGE_FEED_VERSION
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
