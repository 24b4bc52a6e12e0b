//! The page cache (`pages`): one consistent copy wherever the Worker runs (the Cache API does
//! nothing on `*.workers.dev`). A page is fresh for its TTL and kept, for stale answers, for
//! the stale window after it; expired rows are pruned a few at a time on each write.

use linkedin_inbox::{Message, MessagePage};
use serde::Deserialize;

use super::sql::{int, text, uint, Result, Sql};
use super::Store;

/// Expired rows deleted per write, so pruning stays bounded.
const PRUNE_BATCH: i64 = 20;

/// A stored page and how old it is.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    pub body: String,
    pub age_secs: u64,
    /// Seconds it stays fresh (0 when read as stale).
    pub remaining_secs: u64,
}

#[derive(Deserialize)]
struct Row {
    body: String,
    stored_at: f64,
    ttl_secs: f64,
}

impl<S: Sql> Store<S> {
    /// The page under `key` within its stale window, and its TTL.
    fn read_page(&self, key: &str, now_ms: u64) -> Result<Option<(Stored, u64)>> {
        let row = self.sql.first_row::<Row>(
            "SELECT body, stored_at, ttl_secs FROM pages WHERE key = ? AND expires_at > ?",
            vec![text(key), uint(now_ms)],
        )?;
        Ok(row.map(|row| {
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
    pub fn fresh_page(&self, key: &str, now_ms: u64) -> Result<Option<Stored>> {
        Ok(self.read_page(key, now_ms)?.and_then(|(page, ttl)| {
            (page.age_secs < ttl).then(|| Stored {
                remaining_secs: ttl - page.age_secs,
                ..page
            })
        }))
    }

    /// The page under `key` however old, within its stale window.
    pub fn stale_page(&self, key: &str, now_ms: u64) -> Result<Option<Stored>> {
        Ok(self.read_page(key, now_ms)?.map(|(page, _)| page))
    }

    /// Puts a message (one the account sent, or one a provider pushed) into the stored head
    /// pages whose keys match `pattern` (SQL `LIKE`), in its place by time (newest first), so
    /// the thread shows it at once without an upstream call. A message already there is left.
    pub fn splice_message(&self, pattern: &str, message: &Message) -> Result<()> {
        #[derive(Deserialize)]
        struct Keyed {
            key: String,
            body: String,
        }
        let rows = self.sql.rows::<Keyed>(
            "SELECT key, body FROM pages WHERE key LIKE ?",
            vec![text(pattern)],
        )?;
        let id = linkedin_inbox::message_id(&message.id);
        for row in rows {
            let Ok(mut page) = serde_json::from_str::<MessagePage>(&row.body) else {
                continue;
            };
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
            self.sql.run(
                "UPDATE pages SET body = ? WHERE key = ?",
                vec![text(&serde_json::to_string(&page)?), text(&row.key)],
            )?;
        }
        Ok(())
    }

    /// A fresh head page of a thread holding the whole thread (no older page) in at most
    /// `count` messages, among the head pages of any size whose keys are `prefix` + `<count>:-`
    /// (the same thread and generation): it answers a request for `count` as well as its own.
    pub fn whole_thread_page(
        &self,
        prefix: &str,
        count: usize,
        now_ms: u64,
    ) -> Result<Option<Stored>> {
        #[derive(Deserialize)]
        struct Keyed {
            key: String,
            body: String,
            stored_at: f64,
            ttl_secs: f64,
        }
        // By prefix, not LIKE: Durable Objects' SQLite caps LIKE patterns at 50 bytes.
        let rows = self.sql.rows::<Keyed>(
            "SELECT key, body, stored_at, ttl_secs FROM pages WHERE substr(key, 1, ?) = ? AND expires_at > ?",
            vec![int(prefix.chars().count() as i64), text(prefix), uint(now_ms)],
        )?;
        Ok(rows.into_iter().find_map(|row| {
            let size = row.key.get(prefix.len()..)?.strip_suffix(":-")?;
            if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let age_secs = now_ms.saturating_sub(row.stored_at as u64) / 1000;
            let ttl = row.ttl_secs as u64;
            let page = serde_json::from_str::<MessagePage>(&row.body).ok()?;
            (age_secs < ttl && page.next_cursor.is_none() && page.items.len() <= count).then(|| {
                Stored {
                    body: row.body,
                    age_secs,
                    remaining_secs: ttl - age_secs,
                }
            })
        }))
    }

    /// Stores `body` under `key`: fresh for `ttl_secs`, kept `keep_secs` more for stale answers.
    pub fn put_page(
        &self,
        key: &str,
        body: &str,
        ttl_secs: u64,
        keep_secs: u64,
        now_ms: u64,
    ) -> Result<()> {
        let expires_at =
            now_ms.saturating_add(ttl_secs.saturating_add(keep_secs).saturating_mul(1000));
        self.sql.run(
            "INSERT OR REPLACE INTO pages (key, body, stored_at, ttl_secs, expires_at) VALUES (?, ?, ?, ?, ?)",
            vec![text(key), text(body), uint(now_ms), uint(ttl_secs), uint(expires_at)],
        )?;
        self.sql.run(
            "DELETE FROM pages WHERE key IN (SELECT key FROM pages WHERE expires_at <= ? LIMIT ?)",
            vec![uint(now_ms), int(PRUNE_BATCH)],
        )
    }

    /// Deletes every expired page.
    pub fn prune_pages(&self, now_ms: u64) -> Result<()> {
        self.sql.run(
            "DELETE FROM pages WHERE expires_at <= ?",
            vec![uint(now_ms)],
        )
    }

    /// Deletes every page of the account (its personal data).
    pub fn wipe_pages(&self) -> Result<()> {
        self.sql.run("DELETE FROM pages", vec![])
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
