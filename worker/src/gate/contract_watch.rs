//! Drift visible in production: each successful upstream answer of a documented endpoint is
//! compared with its contract (`linkedin_inbox::contract::check`, at most once per
//! `CONTRACT_CHECK_INTERVAL_SECS` per endpoint) and an answer the core refused as malformed
//! always is; the differences are counted in the account's store (`store/contract_drift.rs`)
//! by endpoint, path and kind. Watching never fails or delays the call it watches: a store
//! error is logged and dropped.

use crate::rules::contract_drift::{self, Drift};
use crate::rules::settings::Config;
use crate::store::sql_storage::ObjectStore;
use linkedin_inbox::contract::{self, Endpoint};
use linkedin_inbox::{Error, HttpRequest, HttpResponse, Step};

/// Watches the answers of one account's upstream calls.
pub struct ContractWatch {
    store: ObjectStore,
    interval_ms: u64,
}

impl ContractWatch {
    pub fn new(store: ObjectStore, config: &Config) -> Self {
        Self {
            store,
            interval_ms: config.contract_check_interval_secs.saturating_mul(1000),
        }
    }

    /// Looks at one answer to `request` and what the core made of it (`step`).
    pub fn observe(
        &self,
        request: &HttpRequest,
        response: &HttpResponse,
        step: &Result<Step, Error>,
        now_ms: u64,
    ) {
        if let Err(e) = self.try_observe(request, response, step, now_ms) {
            worker::console_error!("contract drift not recorded: {e}");
        }
    }

    fn try_observe(
        &self,
        request: &HttpRequest,
        response: &HttpResponse,
        step: &Result<Step, Error>,
        now_ms: u64,
    ) -> worker::Result<()> {
        if !(200..300).contains(&response.status) {
            return Ok(());
        }
        let Some(endpoint) = Endpoint::of(request) else {
            return Ok(());
        };
        let unreadable = step
            .as_ref()
            .err()
            .and_then(|e| contract_drift::of_error(endpoint, e));
        let checked = unreadable.is_some()
            || self
                .store
                .take_contract_check(endpoint.name(), now_ms, self.interval_ms)?;
        if !checked {
            return Ok(());
        }
        let mut drifts: Vec<Drift> =
            contract_drift::of_findings(endpoint, &contract::check(endpoint, &response.body));
        drifts.extend(unreadable);
        if !drifts.is_empty() {
            self.store.record_drift(&drifts, now_ms)?;
        }
        Ok(())
    }
}
