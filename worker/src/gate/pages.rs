//! The account's pages in its Durable Object's SQLite database: one consistent copy wherever
//! the Worker runs (the Cache API does nothing on `*.workers.dev`). A page is fresh for its
//! TTL and kept, for stale answers, for the stale window after it; expired rows are pruned a
//! few at a time on each write. SQL calls are synchronous: no request interleaves with them.

use super::sql_values::uint;
use linkedin_inbox::{Message, MessagePage};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue, Storage};

use crate::respond::page_response;
use crate::rules::page_plan::{Plan, Source};
use crate::store::schema;

/// Expired rows deleted per write, so pruning stays bounded.
const PRUNE_BATCH: i64 = 20;

/// A stored page and how old it is.
pub struct Stored {
    pub body: String,
    pub age_secs: u64,
    pub remaining_secs: u64,
}

impl Stored {
    /// The page as a fresh HIT; the plan's credits are what the upstream call would have cost.
    pub fn hit(self, plan: &Plan) -> worker::Result<worker::Response> {
        page_response(
            worker::ResponseBody::Body(self.body.into_bytes()),
            Source::Hit,
            plan.browser_max_age(self.remaining_secs),
            Some(self.age_secs),
            0,
            plan.credits,
        )
    }

    /// The page as STALE (served because the provider failed or the budget is spent).
    pub fn stale(self) -> worker::Result<worker::Response> {
        page_response(
            worker::ResponseBody::Body(self.body.into_bytes()),
            Source::Stale,
            0,
            Some(self.age_secs),
            0,
            0,
        )
    }
}

#[derive(Deserialize)]
struct Row {
    body: String,
    stored_at: f64,
    ttl_secs: f64,
}

/// The pages of one account.
pub struct Pages(SqlStorage);

#[derive(Deserialize)]
struct Version {
    value: f64,
}

thread_local! {
    /// The newest schema version to migrate to (`SCHEMA_VERSION_CAP`, upgrade tests only).
    static SCHEMA_CAP: std::cell::Cell<u32> = const { std::cell::Cell::new(schema::LATEST) };
}

/// Whether the store's schema goes as far as `version` (only an upgrade test stops it short).
pub fn schema_reaches(version: u32) -> bool {
    SCHEMA_CAP.with(std::cell::Cell::get) >= version
}

/// Sets how far migrations go (the latest version unless an upgrade test says otherwise).
pub fn cap_schema(version: Option<u32>) {
    SCHEMA_CAP.with(|cap| cap.set(version.unwrap_or(schema::LATEST).min(schema::LATEST)));
}

thread_local! {
    /// Objects (by id) of this isolate whose schema is known to be current: checked once.
    static MIGRATED: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// The account's database, its schema migrated to the latest version (checked once per object
/// and isolate; `object` is the Durable Object's id).
pub fn migrated_once(storage: &Storage, object: &str) -> worker::Result<SqlStorage> {
    if MIGRATED.with(|m| m.borrow().contains(object)) {
        return Ok(storage.sql());
    }
    let sql = migrated(storage)?;
    if SCHEMA_CAP.with(std::cell::Cell::get) == schema::LATEST {
        MIGRATED.with(|m| m.borrow_mut().insert(object.to_owned()));
    }
    Ok(sql)
}

/// The account's database, its schema migrated to the latest version.
pub fn migrated(storage: &Storage) -> worker::Result<SqlStorage> {
    let target = SCHEMA_CAP.with(std::cell::Cell::get);
    let sql = storage.sql();
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        None,
    )?;
    // The ledger is older than every schema version (it lived in the key-value API, see
    // `ledger_import::import_legacy`): it exists whatever version the store is at.
    sql.exec(
        "CREATE TABLE IF NOT EXISTS ledger (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        None,
    )?;
    let version = sql
        .exec("SELECT value FROM meta WHERE key = 'schema_version'", None)?
        .to_array::<Version>()?
        .first()
        .map_or(0, |v| v.value as u32);
    if version >= target {
        return Ok(sql);
    }
    for (to, statements) in schema::pending(version).filter(|(to, _)| *to <= target) {
        for statement in statements.split(';').filter(|s| !s.trim().is_empty()) {
            sql.exec(statement, None)?;
        }
        sql.exec(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            vec![SqlStorageValue::Integer(i64::from(*to))],
        )?;
    }
    Ok(sql)
}

impl Pages {
    /// The pages of a database already migrated.
    pub fn from_sql(sql: SqlStorage) -> Self {
        Self(sql)
    }

    /// The store of this object, its schema checked once per isolate.
    pub fn of(state: &worker::State) -> worker::Result<Self> {
        Ok(Self(migrated_once(
            &state.storage(),
            &state.id().to_string(),
        )?))
    }

    fn read(&self, key: &str, now_ms: u64) -> worker::Result<Option<(Stored, u64)>> {
        let rows = self
            .0
            .exec(
                "SELECT body, stored_at, ttl_secs FROM pages WHERE key = ? AND expires_at > ?",
                vec![SqlStorageValue::String(key.to_owned()), uint(now_ms)],
            )?
            .to_array::<Row>()?;
        Ok(rows.into_iter().next().map(|row| {
            let age_secs = now_ms.saturating_sub(row.stored_at as u64) / 1000;
            let page = Stored {
                body: row.body,
                age_secs,
                remaining_secs: 0,
            };
            (page, row.ttl_secs as u64)
        }))
    }

    /// The page under `key` if it is younger than its TTL.
    pub fn fresh(&self, key: &str, now_ms: u64) -> worker::Result<Option<Stored>> {
        Ok(self.read(key, now_ms)?.and_then(|(page, ttl)| {
            (page.age_secs < ttl).then(|| Stored {
                remaining_secs: ttl - page.age_secs,
                ..page
            })
        }))
    }

    /// The page under `key` however old, within its stale window.
    pub fn stale(&self, key: &str, now_ms: u64) -> worker::Result<Option<Stored>> {
        Ok(self.read(key, now_ms)?.map(|(page, _)| page))
    }

    /// Puts a message (one the account sent, or one a provider pushed) into the stored head
    /// pages whose keys match `pattern` (SQL `LIKE`), in its place by time (newest first), so
    /// the thread shows it at once without an upstream call. A message already there is left.
    pub fn splice_message(&self, pattern: &str, message: &Message) -> worker::Result<()> {
        #[derive(Deserialize)]
        struct Keyed {
            key: String,
            body: String,
        }
        let rows = self
            .0
            .exec(
                "SELECT key, body FROM pages WHERE key LIKE ?",
                vec![SqlStorageValue::String(pattern.to_owned())],
            )?
            .to_array::<Keyed>()?;
        for row in rows {
            let Ok(mut page) = serde_json::from_str::<MessagePage>(&row.body) else {
                continue;
            };
            let id = linkedin_inbox::message_id(&message.id);
            if page
                .items
                .iter()
                .any(|m| linkedin_inbox::message_id(&m.id) == id)
            {
                continue;
            }
            let at = page
                .items
                .iter()
                .position(|m| m.sent_at < message.sent_at)
                .unwrap_or(page.items.len());
            page.items.insert(at, message.clone());
            self.0.exec(
                "UPDATE pages SET body = ? WHERE key = ?",
                vec![
                    SqlStorageValue::String(serde_json::to_string(&page)?),
                    SqlStorageValue::String(row.key),
                ],
            )?;
        }
        Ok(())
    }

    /// Stores `body` under `key`: fresh for `ttl_secs`, kept `keep_secs` more for stale answers.
    pub fn put(
        &self,
        key: &str,
        body: &str,
        ttl_secs: u64,
        keep_secs: u64,
        now_ms: u64,
    ) -> worker::Result<()> {
        let expires_at =
            now_ms.saturating_add(ttl_secs.saturating_add(keep_secs).saturating_mul(1000));
        self.0.exec(
            "INSERT OR REPLACE INTO pages (key, body, stored_at, ttl_secs, expires_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                SqlStorageValue::String(key.to_owned()),
                SqlStorageValue::String(body.to_owned()),
                uint(now_ms),
                uint(ttl_secs),
                uint(expires_at),
            ],
        )?;
        self.0.exec(
            "DELETE FROM pages WHERE key IN (SELECT key FROM pages WHERE expires_at <= ? LIMIT ?)",
            vec![uint(now_ms), SqlStorageValue::Integer(PRUNE_BATCH)],
        )?;
        Ok(())
    }

    /// Deletes every expired page.
    pub fn prune(&self, now_ms: u64) -> worker::Result<()> {
        self.0.exec(
            "DELETE FROM pages WHERE expires_at <= ?",
            vec![uint(now_ms)],
        )?;
        Ok(())
    }

    /// Deletes every page of the account (its personal data); the ledger is elsewhere and stays.
    pub fn wipe(&self) -> worker::Result<()> {
        self.0.exec("DELETE FROM pages", None)?;
        Ok(())
    }
}
