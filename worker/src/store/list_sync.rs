//! Where the list sync stands (`list_sync`), and the account the object serves (`identity`).

use linkedin_inbox::ConversationPage;
use serde::Deserialize;

use super::sql::{int, text, text_or_null, uint, Result, Sql};
use super::Store;

/// Where the list sync stands.
#[derive(Debug, Clone, Deserialize)]
pub struct SyncState {
    pub head_at: f64,
    pub generation: f64,
    /// The upstream cursor of the next older page not yet stored.
    pub tail: Option<String>,
    pub complete: f64,
    pub account_id: Option<String>,
    pub owner: Option<String>,
}

impl SyncState {
    pub fn is_complete(&self) -> bool {
        self.complete != 0.0
    }
}

impl<S: Sql> Store<S> {
    pub fn sync_state(&self) -> Result<Option<SyncState>> {
        self.sql.first_row(
            "SELECT head_at, generation, tail, complete, account_id, owner FROM list_sync WHERE id = 1",
            vec![],
        )
    }

    /// Records a head sync: when, for which refresh generation, and (on the first sync) where
    /// the older pages start.
    pub fn record_head(&self, page: &ConversationPage, now_ms: u64, generation: u64) -> Result<()> {
        let account = text_or_null(page.account_id.as_deref());
        let owner = text_or_null(page.owner_profile_urn.as_deref());
        match self.sync_state()? {
            None => self.sql.run(
                "INSERT INTO list_sync (id, head_at, generation, tail, complete, account_id, owner) VALUES (1, ?, ?, ?, ?, ?, ?)",
                vec![
                    uint(now_ms),
                    uint(generation),
                    text_or_null(page.next_cursor.as_deref()),
                    int(i64::from(page.next_cursor.is_none())),
                    account,
                    owner,
                ],
            ),
            Some(_) => self.sql.run(
                "UPDATE list_sync SET head_at = ?, generation = ?, account_id = COALESCE(?, account_id), owner = COALESCE(?, owner) WHERE id = 1",
                vec![uint(now_ms), uint(generation), account, owner],
            ),
        }
    }

    /// Records an older page read from `previous`: the next one starts at its cursor (none, or
    /// the same one again, ends the list).
    pub fn record_tail(&self, page: &ConversationPage, previous: &str) -> Result<()> {
        let next = crate::rules::page_plan::next_tail(previous, page.next_cursor.as_deref());
        self.sql.run(
            "UPDATE list_sync SET tail = ?, complete = ? WHERE id = 1",
            vec![text_or_null(next), int(i64::from(next.is_none()))],
        )
    }

    /// The account this object serves, as its last webhook named it (for its alarm).
    pub fn remember_account(&self, account: &str) -> Result<()> {
        self.sql.run(
            "INSERT INTO identity (id, account) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET account = excluded.account WHERE account IS NOT excluded.account",
            vec![text(account)],
        )
    }

    pub fn remembered_account(&self) -> Result<Option<String>> {
        #[derive(Deserialize)]
        struct Identity {
            account: String,
        }
        Ok(self
            .sql
            .first_row::<Identity>("SELECT account FROM identity WHERE id = 1", vec![])?
            .map(|i| i.account))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
