//! The change feed: every write to a conversation takes the next change number, read back
//! since a number; provider events remembered once (webhook de-duplication).

use serde::Deserialize;

use super::Inbox;
use crate::gate::sql_values::{int, text};

impl Inbox {
    /// The first of `n` fresh numbers of the change feed (the counter lives in the ledger, so
    /// a wipe never hands out a number twice).
    pub(super) fn take_seqs(&self, n: i64) -> worker::Result<i64> {
        #[derive(Deserialize)]
        struct Counter {
            value: f64,
        }
        let last = self
            .0
            .exec(
                "INSERT INTO ledger (key, value) VALUES ('change_seq', ?)
                 ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value",
                vec![int(n)],
            )?
            .to_array::<Counter>()?
            .first()
            .map_or(n, |c| c.value as i64);
        Ok(last - n + 1)
    }

    /// The change feed's last number (0 before any change).
    pub fn latest_seq(&self) -> worker::Result<i64> {
        #[derive(Deserialize)]
        struct Counter {
            value: f64,
        }
        Ok(self
            .0
            .exec("SELECT value FROM ledger WHERE key = 'change_seq'", None)?
            .to_array::<Counter>()?
            .first()
            .map_or(0, |c| c.value as i64))
    }

    /// Conversations changed after `since`, oldest change first, at most `limit`: their JSON
    /// (with `"account"` first, joined by commas), the number of the last one, and whether
    /// more follow.
    pub fn changes_since(
        &self,
        since: i64,
        limit: u32,
        account: &str,
    ) -> worker::Result<(String, i64, bool)> {
        #[derive(Deserialize)]
        struct Changed {
            changed_seq: f64,
            json: String,
        }
        if !crate::rules::registry::is_safe_name(account) {
            return Err(worker::Error::RustError(
                "an account id out of its alphabet".into(),
            ));
        }
        let rows = self
            .0
            .exec(
                &format!(
                    "SELECT changed_seq, '{{\"account\":\"{account}\",' || substr(json, 2) AS json
                     FROM conversations WHERE changed_seq > ? ORDER BY changed_seq LIMIT ?"
                ),
                vec![int(since), int(i64::from(limit) + 1)],
            )?
            .to_array::<Changed>()?;
        let more = rows.len() > limit as usize;
        let shown = &rows[..rows.len().min(limit as usize)];
        let last = shown.last().map_or(since, |r| r.changed_seq as i64);
        let joined = shown
            .iter()
            .map(|r| r.json.as_str())
            .collect::<Vec<_>>()
            .join(",");
        Ok((joined, last, more))
    }

    /// Records a provider event `id` once: false when it was already handled.
    pub fn first_event(&self, id: &str, now_ms: u64) -> worker::Result<bool> {
        let rows = self
            .0
            .exec(
                "INSERT INTO events (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
                vec![text(id), int(i64::try_from(now_ms).unwrap_or(i64::MAX))],
            )?
            .to_array::<serde_json::Value>()?;
        Ok(!rows.is_empty())
    }

    /// Forgets a provider event whose work failed (its retry is then not a duplicate).
    pub fn forget_event(&self, id: &str) -> worker::Result<()> {
        self.0
            .exec("DELETE FROM events WHERE id = ?", vec![text(id)])?;
        Ok(())
    }
}
