//! Where the list sync stands, and the account id the object last served.

use serde::Deserialize;

use super::Inbox;
use crate::gate::sql_values::text;

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

impl Inbox {
    pub fn sync_state(&self) -> worker::Result<Option<SyncState>> {
        Ok(self
            .0
            .exec(
                "SELECT head_at, generation, tail, complete, account_id, owner FROM list_sync WHERE id = 1",
                None,
            )?
            .to_array::<SyncState>()?
            .into_iter()
            .next())
    }

    /// The account this object serves, as its last webhook named it (for its alarm).
    pub fn remember_account(&self, account: &str) -> worker::Result<()> {
        self.0.exec(
            "INSERT INTO identity (id, account) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET account = excluded.account WHERE account IS NOT excluded.account",
            vec![text(account)],
        )?;
        Ok(())
    }

    pub fn remembered_account(&self) -> worker::Result<Option<String>> {
        #[derive(Deserialize)]
        struct Identity {
            account: String,
        }
        Ok(self
            .0
            .exec("SELECT account FROM identity WHERE id = 1", None)?
            .to_array::<Identity>()?
            .into_iter()
            .next()
            .map(|i| i.account))
    }
}
