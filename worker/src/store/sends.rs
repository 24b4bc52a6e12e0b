//! Sends by idempotency key (`sends`): a send is recorded under its key before the upstream
//! call and its outcome after it, so a retry with the key never sends twice (the at-most-once
//! logic itself is in `gate/sends/`). Keys are kept [`KEY_RETENTION_MS`]; a wipe of the
//! inbox leaves them.

use serde::Deserialize;

use super::sql::{text, uint, Result, Sql};
use super::Store;

/// How long a send's key is kept: a retry within it never sends twice.
pub const KEY_RETENTION_MS: u64 = 7 * 86_400_000;

/// Where the send under a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SendState {
    /// Its upstream call is running (or was, when the object stopped).
    Pending,
    /// It reached LinkedIn: the answer is kept.
    Sent,
    /// It may or may not have reached LinkedIn.
    Unknown,
}

/// The send recorded under a key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SendRecord {
    /// What the request was (`gate/sends` `request_digest`): the same key with another
    /// request is refused.
    pub digest: String,
    pub state: SendState,
    /// The answer of a sent message, replayed to a retry.
    pub answer: Option<String>,
    /// When the key was first used, epoch ms.
    pub created_at: f64,
}

impl<S: Sql> Store<S> {
    /// The send recorded under `key`, if any.
    pub fn send_record(&self, key: &str) -> Result<Option<SendRecord>> {
        self.sql.first_row(
            "SELECT digest, state, answer, created_at FROM sends WHERE key = ?",
            vec![text(key)],
        )
    }

    /// Records a new send under `key`, pending, before its upstream call.
    pub fn record_send(&self, key: &str, digest: &str, now_ms: u64) -> Result<()> {
        self.sql.run(
            "INSERT INTO sends (key, digest, state, created_at) VALUES (?, ?, 'pending', ?)",
            vec![text(key), text(digest), uint(now_ms)],
        )
    }

    /// The send under `key` runs again (its earlier call stopped with the object, or its
    /// outcome is unknown).
    pub fn mark_send_pending(&self, key: &str) -> Result<()> {
        self.set_send_state(key, "pending")
    }

    /// The send under `key` may or may not have reached LinkedIn.
    pub fn mark_send_unknown(&self, key: &str) -> Result<()> {
        self.set_send_state(key, "unknown")
    }

    fn set_send_state(&self, key: &str, state: &str) -> Result<()> {
        self.sql.run(
            "UPDATE sends SET state = ? WHERE key = ?",
            vec![text(state), text(key)],
        )
    }

    /// The send under `key` reached LinkedIn: `answer` is replayed to its retries.
    pub fn mark_send_sent(&self, key: &str, answer: &str) -> Result<()> {
        self.sql.run(
            "UPDATE sends SET state = 'sent', answer = ? WHERE key = ?",
            vec![text(answer), text(key)],
        )
    }

    /// Frees `key`: nothing was sent under it.
    pub fn forget_send(&self, key: &str) -> Result<()> {
        self.sql
            .run("DELETE FROM sends WHERE key = ?", vec![text(key)])
    }

    /// Forgets keys first used more than [`KEY_RETENTION_MS`] before `now_ms`.
    pub fn prune_sends(&self, now_ms: u64) -> Result<()> {
        self.sql.run(
            "DELETE FROM sends WHERE created_at < ?",
            vec![uint(now_ms.saturating_sub(KEY_RETENTION_MS))],
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
