//! The `limits` object of `GET /v1/usage`: every figure that holds the account's upstream
//! calls, as configured, with what is used of it now: per provider key (named by its
//! digest's first 8 hex, never the key) from the key's gate, per account from its ledger.

use linkedin_inbox::Provider;
use serde_json::{json, Value};

use super::ledger::Ledger;
use super::AccountGate;
use crate::rules::admission::CallKind;
use crate::rules::registry::Account;
use crate::rules::settings::Config;

impl AccountGate {
    /// The account's limits and their use at `now`.
    pub(super) async fn limits_usage(
        &self,
        config: &Config,
        account: &Account,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Value> {
        let providers = account.providers();
        let mut keys = Vec::new();
        for provider in &providers {
            if let Some(key) = ledger.permits().usage(*provider).await {
                keys.push(key);
            }
        }
        let (reads, writes) = (
            config.account_reads_per_minute,
            config.account_writes_per_minute,
        );
        let connectsafely = providers.contains(&Provider::ConnectSafely).then(|| {
            Ok::<_, worker::Error>(json!({
                "readsPerMinute": reads,
                "readsLastMinute": ledger.calls_last_minute(CallKind::Read, reads, now)?,
                "writesPerMinute": writes,
                "writesLastMinute": ledger.calls_last_minute(CallKind::Write, writes, now)?,
                "dailyCalls": config.daily_limit,
            }))
        });
        let linkup = providers.contains(&Provider::Linkup).then(|| {
            json!({
                "dailyCreditCap": config.linkup_daily_credit_cap,
                "monitoringCreditsPerDay": config.monitoring_credits(account),
            })
        });
        Ok(json!({
            "keys": keys,
            "account": {
                "connectsafely": connectsafely.transpose()?,
                "linkup": linkup,
            },
        }))
    }
}
