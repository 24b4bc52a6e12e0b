//! One ConnectSafely action on a conversation (a read-state change, a star): admitted by the
//! ledger (`Ledger::admit_call`: refused, nothing spent), the call under the key's permit (a
//! 429 pauses the key, `key_permits.rs`), its answer parsed, the admission settled with it.

use linkedin_inbox::{Error, HttpRequest, HttpResponse, Provider};

use super::clock::arrival_ms;
use super::key_permits::Patience;
use super::ledger::Admitted;
use super::AccountGate;
use crate::rules::admission::{Cost, Limits};
use crate::rules::settings::Config;

impl AccountGate {
    /// `request` to ConnectSafely for the client waiting on it, costing `cost`, its answer
    /// checked by `parse`: done, or the refusal (the key's, the account's limits', or the
    /// provider's). `parse` is a trait object: one copy of this future serves every action.
    pub(super) async fn connectsafely_action(
        &self,
        config: &Config,
        request: &HttpRequest,
        cost: Cost,
        parse: &dyn Fn(&HttpResponse) -> Result<(), Error>,
        now: u64,
    ) -> worker::Result<Result<(), Error>> {
        let ledger = self.ledger()?;
        let Admitted { permit, admission } = match ledger
            .admit_call(cost, &Limits::of(config), Patience::Client, now)
            .await?
        {
            Ok(admitted) => admitted,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let sent = ledger
            .send_upstream(
                Provider::ConnectSafely,
                Some(permit),
                Patience::Client,
                request,
                config.upstream_timeout_ms,
                config.max_pause_secs,
            )
            .await;
        let result = sent.and_then(|response| parse(&response));
        ledger.settle(admission, result.as_ref().map(|()| 0), arrival_ms())?;
        Ok(result)
    }
}
