//! The change feed: every write to a conversation takes the next change number (a counter in
//! `ledger`, so a wipe never hands out a number twice), read back since a number; provider
//! events remembered once (`events`, webhook de-duplication).

use serde::Deserialize;

use super::list_query::checked_account;
use super::sql::{int, text, uint, Result, Sql};
use super::Store;

/// A provider event, remembered by the store for de-duplication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderEvent<'a> {
    /// A ConnectSafely message event, by its LinkedIn message id (one message whatever URN
    /// form names it: see [`linkedin_inbox::message_id`]).
    ConnectSafelyMessage(&'a str),
    /// A LinkupAPI event, by its id.
    Linkup(&'a str),
}

impl ProviderEvent<'_> {
    /// The event's row id in `events`.
    fn key(self) -> String {
        match self {
            Self::ConnectSafelyMessage(id) => format!("cs:{}", linkedin_inbox::message_id(id)),
            Self::Linkup(id) => format!("lk:{id}"),
        }
    }
}

#[derive(Deserialize)]
struct Counter {
    value: f64,
}

impl<S: Sql> Store<S> {
    /// The first of `n` fresh numbers of the change feed.
    pub(super) fn take_seqs(&self, n: i64) -> Result<i64> {
        let last = self
            .sql
            .first_row::<Counter>(
                "INSERT INTO ledger (key, value) VALUES ('change_seq', ?)
                 ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value",
                vec![int(n)],
            )?
            .map_or(n, |c| c.value as i64);
        Ok(last - n + 1)
    }

    /// The change feed's last number (0 before any change).
    pub fn latest_seq(&self) -> Result<i64> {
        Ok(self
            .sql
            .first_row::<Counter>("SELECT value FROM ledger WHERE key = 'change_seq'", vec![])?
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
    ) -> Result<(String, i64, bool)> {
        #[derive(Deserialize)]
        struct Changed {
            changed_seq: f64,
            json: String,
        }
        let account = checked_account(account)?;
        let shown = self.shown_json("conversations");
        let rows = self.sql.rows::<Changed>(
            &format!(
                "SELECT changed_seq, '{{\"account\":\"{account}\",' || substr({shown}, 2) AS json
                 FROM conversations WHERE changed_seq > ? ORDER BY changed_seq LIMIT ?"
            ),
            vec![int(since), int(i64::from(limit) + 1)],
        )?;
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

    /// Records a provider event once: false when it was already handled.
    pub fn first_event(&self, event: ProviderEvent<'_>, now_ms: u64) -> Result<bool> {
        let rows = self.sql.rows::<serde_json::Value>(
            "INSERT INTO events (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
            vec![text(&event.key()), uint(now_ms)],
        )?;
        Ok(!rows.is_empty())
    }

    /// Forgets a provider event whose work failed (its retry is then not a duplicate).
    pub fn forget_event(&self, event: ProviderEvent<'_>) -> Result<()> {
        self.sql
            .run("DELETE FROM events WHERE id = ?", vec![text(&event.key())])
    }

    /// Forgets provider events received before `oldest_ms` (past the de-duplication window).
    pub fn prune_events(&self, oldest_ms: u64) -> Result<()> {
        self.sql.run(
            "DELETE FROM events WHERE received_at < ?",
            vec![uint(oldest_ms)],
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
