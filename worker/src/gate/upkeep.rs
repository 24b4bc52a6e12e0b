//! The object's own upkeep: which account it serves, whether a pushed sync is affordable,
//! and retention on its alarm.

use std::time::Duration;

use linkedin_inbox::{ConversationQuery, Operation, Provider};

use super::{live, AccountGate};
use crate::rules::admission::{self, Limits};
use crate::rules::client_auth::account_digest;
use crate::rules::registry::Account;
use crate::rules::settings::Config;

impl AccountGate {
    /// The account this object serves, as its last webhook named it, if the registry still
    /// lists that id for this very object.
    pub(super) async fn own_account(&self, config: &Config) -> worker::Result<Option<Account>> {
        let Some(id) = self.store()?.remembered_account()? else {
            return Ok(None);
        };
        let accounts = crate::directory::accounts_with_id(&self.env, config, &id).await?;
        let own = accounts
            .iter()
            .find(|a| self.serves(config, a).unwrap_or(false))
            .cloned();
        Ok(own)
    }

    /// Whether the list provider's budget of the day still has more than its reserve.
    pub(super) fn pushed_sync_affordable(
        &self,
        config: &Config,
        account: &Account,
        now: u64,
    ) -> worker::Result<bool> {
        let list = Operation::ListConversations(ConversationQuery::default());
        let provider = config
            .backend(account)
            .ok()
            .and_then(|backend| backend.provider_of(&list).ok().flatten())
            .unwrap_or(Provider::ConnectSafely);
        let limits = Limits::of(config).monitored(config.monitoring_credits(account));
        let reading = self.ledger()?.reading(provider, &limits, now)?;
        Ok(admission::keeps_reserve(reading, provider, limits))
    }

    pub(super) fn serves(&self, config: &Config, account: &Account) -> worker::Result<bool> {
        let namespace = self.env.durable_object(&config.gate_binding)?;
        let own = namespace.id_from_name(&account_digest(account))?;
        Ok(own.to_string() == self.state.id().to_string())
    }

    /// Keeps the retention alarm scheduled (once a day while the account is used).
    pub(super) async fn schedule_pruning(&self, config: &Config) -> worker::Result<()> {
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none() {
            // A Duration is an offset from now (an i64 would be too).
            storage
                .set_alarm(Duration::from_secs(config.prune_interval_secs))
                .await?;
        }
        Ok(())
    }

    /// The retention pass: old and surplus conversations and messages, expired pages.
    pub(super) fn prune(&self, config: &Config, now: u64) -> worker::Result<()> {
        let oldest = now.saturating_sub(config.retention_days.saturating_mul(86_400_000));
        let store = self.store()?;
        store.prune_inbox(i64::try_from(oldest).unwrap_or(0), config.max_threads)?;
        store.prune_sends(now)?;
        live::prune_events(&store, now)?;
        Ok(store.prune_pages(now)?)
    }
}
