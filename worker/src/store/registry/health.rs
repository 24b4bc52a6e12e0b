//! Each account's health as its own object last reported it (`gate/health.rs` keeps the
//! state; this is its copy, pushed on every change, so the admin list reads it in one query
//! instead of asking every account's object).

use serde::Deserialize;
use serde_json::Value;

use super::super::sql::{int, text, Result, Sql};
use super::Registry;

#[derive(Deserialize)]
struct HealthRow {
    health: String,
}

impl<S: Sql> Registry<S> {
    /// Records `health` (the object's JSON) for account `id`, replacing the last report.
    pub fn record_health(&self, id: &str, health: &Value, now_ms: u64) -> Result<()> {
        self.sql.run(
            "INSERT INTO account_health (id, health, reported_at) VALUES (?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET health = excluded.health,
             reported_at = excluded.reported_at",
            vec![text(id), text(&health.to_string()), int(now_ms as i64)],
        )
    }

    /// The last health reported for account `id`, if any (`account_health` primary key).
    pub(super) fn health_of(&self, id: &str) -> Result<Option<Value>> {
        let row = self.sql.first_row::<HealthRow>(
            "SELECT health FROM account_health WHERE id = ?",
            vec![text(id)],
        )?;
        Ok(row.and_then(|r| serde_json::from_str(&r.health).ok()))
    }
}
