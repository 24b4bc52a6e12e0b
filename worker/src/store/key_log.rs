//! A key gate's own SQLite (not an account's): the grants of its provider key still inside a
//! window, and the key's pause. The log is what the key's limits are counted on, so it
//! survives the object being evicted or restarted; who is asking lives in memory only (a
//! restart forgets it for at most `KEY_ACTIVE_MS`).

use serde::Deserialize;

use super::sql::{text, uint, Result, Sql};
use crate::rules::key_limits::{Grant, KeyLimiter};

/// The key gate's log, on its object's SQLite.
pub struct KeyLog<S: Sql> {
    sql: S,
}

#[derive(Deserialize)]
struct GrantRow {
    at_ms: f64,
    account: String,
    permits: f64,
}

#[derive(Deserialize)]
struct PauseRow {
    paused_until_ms: f64,
    paused_at_ms: f64,
}

impl<S: Sql> KeyLog<S> {
    /// The log on `sql`, its tables created if new.
    pub fn open(sql: S) -> Result<Self> {
        sql.run(
            "CREATE TABLE IF NOT EXISTS key_grants (
                at_ms INTEGER NOT NULL, account TEXT NOT NULL, permits INTEGER NOT NULL)",
            vec![],
        )?;
        sql.run(
            "CREATE TABLE IF NOT EXISTS key_pause (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                paused_until_ms INTEGER NOT NULL, paused_at_ms INTEGER NOT NULL)",
            vec![],
        )?;
        Ok(Self { sql })
    }

    /// The key's state as logged: grants since `since_ms` (oldest first), and its pause
    /// unless it was set before `cleared_before_ms` (the operator's reset).
    pub fn load(&self, since_ms: u64, cleared_before_ms: u64) -> Result<KeyLimiter> {
        let grants = self
            .sql
            .rows::<GrantRow>(
                "SELECT at_ms, account, permits FROM key_grants WHERE at_ms >= ? ORDER BY at_ms",
                vec![uint(since_ms)],
            )?
            .into_iter()
            .map(|row| Grant {
                at_ms: row.at_ms as u64,
                account: row.account,
                permits: row.permits as u64,
            })
            .collect();
        let pause = self.sql.first_row::<PauseRow>(
            "SELECT paused_until_ms, paused_at_ms FROM key_pause WHERE id = 1",
            vec![],
        )?;
        let paused_until_ms = pause
            .filter(|p| p.paused_at_ms as u64 >= cleared_before_ms)
            .map_or(0, |p| p.paused_until_ms as u64);
        Ok(KeyLimiter {
            grants,
            paused_until_ms,
            askers: Vec::new(),
        })
    }

    /// Logs `grant`, forgetting grants older than `forget_before_ms`.
    pub fn record(&self, grant: &Grant, forget_before_ms: u64) -> Result<()> {
        self.sql.run(
            "DELETE FROM key_grants WHERE at_ms < ?",
            vec![uint(forget_before_ms)],
        )?;
        self.sql.run(
            "INSERT INTO key_grants (at_ms, account, permits) VALUES (?, ?, ?)",
            vec![uint(grant.at_ms), text(&grant.account), uint(grant.permits)],
        )
    }

    /// The key is paused until `until_ms` (set at `at_ms`).
    pub fn pause(&self, until_ms: u64, at_ms: u64) -> Result<()> {
        self.sql.run(
            "INSERT OR REPLACE INTO key_pause (id, paused_until_ms, paused_at_ms) VALUES (1, ?, ?)",
            vec![uint(until_ms), uint(at_ms)],
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
