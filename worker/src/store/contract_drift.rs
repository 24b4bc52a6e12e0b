//! Drift from the providers' documented answers (`rules/contract_drift.rs`): counted per
//! endpoint, JSON path and kind, at most `MAX_PATHS_PER_ENDPOINT` distinct paths per endpoint,
//! with when each endpoint's answers were last checked. No value of an answer is kept. Like the
//! ledger, it is not personal data: `DELETE /v1/data` leaves it.

use serde::{Deserialize, Serialize};

use super::sql::{text, text_or_null, uint, Result, Sql};
use super::Store;
use crate::rules::contract_drift::{check_due, Drift, MAX_PATHS_PER_ENDPOINT};

/// The schema version that has the drift tables: a store kept at an older one (the upgrade
/// tests' `SCHEMA_VERSION_CAP`) counts nothing and shows nothing.
const CONTRACT_DRIFT_VERSION: u32 = 6;

/// One counted difference, as `GET /v1/usage` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftCount {
    pub endpoint: String,
    pub path: String,
    pub difference: String,
    pub breaks: Option<String>,
    pub count: u64,
    pub last_seen_at: u64,
}

#[derive(Deserialize)]
struct Row {
    endpoint: String,
    path: String,
    difference: String,
    breaks: Option<String>,
    count: f64,
    last_seen_at: f64,
}

#[derive(Deserialize)]
struct CheckedAt {
    checked_at: f64,
}

impl<S: Sql> Store<S> {
    /// Whether an answer of `endpoint` is checked now (see `check_due`); when it is, the check
    /// is recorded as made at `now_ms`.
    pub fn take_contract_check(
        &self,
        endpoint: &str,
        now_ms: u64,
        interval_ms: u64,
    ) -> Result<bool> {
        if self.version < CONTRACT_DRIFT_VERSION {
            return Ok(false);
        }
        let last = self
            .sql
            .first_row::<CheckedAt>(
                "SELECT checked_at FROM contract_checks WHERE endpoint = ?",
                vec![text(endpoint)],
            )?
            .map(|r| r.checked_at as u64);
        if !check_due(last, now_ms, interval_ms) {
            return Ok(false);
        }
        self.sql.run(
            "INSERT OR REPLACE INTO contract_checks (endpoint, checked_at) VALUES (?, ?)",
            vec![text(endpoint), uint(now_ms)],
        )?;
        Ok(true)
    }

    /// Counts each difference once more, seen at `now_ms`; a path new to an endpoint that
    /// already has `MAX_PATHS_PER_ENDPOINT` is not kept.
    pub fn record_drift(&self, drifts: &[Drift], now_ms: u64) -> Result<()> {
        if self.version < CONTRACT_DRIFT_VERSION {
            return Ok(());
        }
        for drift in drifts {
            let counted = self.sql.rows::<serde_json::Value>(
                "UPDATE contract_drift SET count = count + 1, last_seen_at = ?
                 WHERE endpoint = ? AND path = ? AND difference = ? RETURNING count",
                vec![
                    uint(now_ms),
                    text(drift.endpoint),
                    text(&drift.path),
                    text(&drift.difference),
                ],
            )?;
            if !counted.is_empty() {
                continue;
            }
            self.sql.run(
                "INSERT INTO contract_drift (endpoint, path, difference, breaks, count, last_seen_at)
                 SELECT ?, ?, ?, ?, 1, ?
                 WHERE (SELECT COUNT(DISTINCT path) FROM contract_drift WHERE endpoint = ?) < ?",
                vec![
                    text(drift.endpoint),
                    text(&drift.path),
                    text(&drift.difference),
                    text_or_null(drift.breaks),
                    uint(now_ms),
                    text(drift.endpoint),
                    uint(u64::from(MAX_PATHS_PER_ENDPOINT)),
                ],
            )?;
        }
        Ok(())
    }

    /// Every counted difference: by endpoint, the most frequent first.
    pub fn contract_drift(&self) -> Result<Vec<DriftCount>> {
        if self.version < CONTRACT_DRIFT_VERSION {
            return Ok(Vec::new());
        }
        let rows = self.sql.rows::<Row>(
            "SELECT endpoint, path, difference, breaks, count, last_seen_at FROM contract_drift
             ORDER BY endpoint, count DESC, path, difference",
            vec![],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| DriftCount {
                endpoint: r.endpoint,
                path: r.path,
                difference: r.difference,
                breaks: r.breaks,
                count: r.count as u64,
                last_seen_at: r.last_seen_at as u64,
            })
            .collect())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
