//! The account's health (`account_health`, one row): its state as `rules/account_health.rs`
//! decides it, and the change number of its last change shown (a health change is a change of
//! the feed: it takes the next number of the account's change counter).

use linkedin_inbox::Provider;
use serde::Deserialize;

use super::sql::{int, text, text_or_null, uint, Result, Sql, Value};
use super::Store;
use crate::rules::account_health::{Health, HealthState};

/// The schema version that keeps the account's health.
pub const HEALTH_VERSION: u32 = 8;

#[derive(Deserialize)]
struct Row {
    state: String,
    provider: Option<String>,
    since: f64,
    until: Option<f64>,
    credential: Option<String>,
    probe_at: f64,
    changed_seq: f64,
}

fn opt_uint(value: Option<u64>) -> Value {
    value.map_or(Value::Null, uint)
}

impl<S: Sql> Store<S> {
    fn keeps_health(&self) -> bool {
        self.version >= HEALTH_VERSION
    }

    /// The stored health and the change number it was last shown under (`ok` since always,
    /// 0, before anything was recorded).
    pub fn account_health(&self) -> Result<(Health, i64)> {
        if !self.keeps_health() {
            return Ok((Health::default(), 0));
        }
        let row = self.sql.first_row::<Row>(
            "SELECT state, provider, since, until, credential, probe_at, changed_seq
             FROM account_health WHERE id = 1",
            vec![],
        )?;
        Ok(row.map_or((Health::default(), 0), |r| {
            (
                Health {
                    state: HealthState::from_name(&r.state),
                    provider: r.provider.as_deref().and_then(Provider::from_name),
                    since: r.since as u64,
                    until: r.until.map(|u| u as u64),
                    credential: r.credential,
                    probe_at: r.probe_at as u64,
                },
                r.changed_seq as i64,
            )
        }))
    }

    /// Keeps `health`: when it shows differently from the stored one it takes the next change
    /// number (true: it changed); otherwise only its bookkeeping (credential, probe) is kept.
    pub fn put_account_health(&self, health: &Health) -> Result<bool> {
        if !self.keeps_health() {
            return Ok(false);
        }
        let (stored, seq) = self.account_health()?;
        if stored == *health {
            return Ok(false);
        }
        let changed = stored.shows_differently(health);
        let seq = if changed { self.take_seqs(1)? } else { seq };
        self.sql.run(
            "INSERT OR REPLACE INTO account_health
             (id, state, provider, since, until, credential, probe_at, changed_seq)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(health.state.as_str()),
                text_or_null(health.provider.map(Provider::as_str)),
                uint(health.since),
                opt_uint(health.until),
                text_or_null(health.credential.as_deref()),
                uint(health.probe_at),
                int(seq),
            ],
        )?;
        Ok(changed)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
