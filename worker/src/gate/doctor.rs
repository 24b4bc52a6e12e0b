//! The operator's doctor in the account's object (`POST /v1/doctor`): the core's read-only
//! checks (`linkedin_inbox::contract::Checkup`, the CLI doctor's) run with the account's stored
//! credentials, one per provider it uses (`rules/doctor.rs`). Every request they send is
//! admitted and settled by the account's ledger like any read (today's budget or credit cap,
//! a provider's pause; a 429 pauses it). It runs at most once per `DOCTOR_INTERVAL_SECS` per
//! account, and not once a provider's day is down to the third kept for the account's own
//! requests (429 either way, with Retry-After). The answer is the redacted report as JSON:
//! endpoints, statuses, JSON paths, forms and error codes, never a value.

use linkedin_inbox::contract::{Checkup, Next, Report, Section};
use linkedin_inbox::Error;
use worker::Response;

use super::clock::arrival_ms;
use super::key_permits::Patience;
use super::ledger::Ledger;
use super::{misconfigured, AccountGate};
use crate::respond;
use crate::rules::admission::{self, budget_exhausted, Limits};
use crate::rules::doctor::{call_cost, plans, Plan, DOCTOR_INTERVAL_SECS};
use crate::rules::registry::Account;
use crate::rules::request_limits::refresh_wait;
use crate::rules::settings::Config;
use crate::store::ledger::Mark;

impl AccountGate {
    /// Runs every check of `account` in turn and answers the report.
    pub(super) async fn doctor(
        &self,
        config: &Config,
        account: &Account,
        ledger: &Ledger,
    ) -> worker::Result<Response> {
        let Ok(backend) = config.backend(account) else {
            return misconfigured();
        };
        let now = arrival_ms();
        let last = Some(ledger.get_now(Mark::DoctorRanAt)?).filter(|at| *at > 0);
        if let Some(wait) = refresh_wait(last, now, DOCTOR_INTERVAL_SECS) {
            return respond::core_error(&Error::RateLimited {
                retry_after_secs: Some(wait),
            });
        }
        let limits = Limits::of(config);
        let plans = plans(&backend);
        for plan in &plans {
            let reading = ledger.reading(plan.provider, &limits, now)?;
            if !admission::keeps_reserve(reading, plan.provider, limits) {
                return respond::core_error(&budget_exhausted(now));
            }
        }
        ledger.set_now(Mark::DoctorRanAt, now)?;
        let mut sections = Vec::new();
        for plan in plans {
            sections.push(checkup(plan, config, ledger).await?);
        }
        let mut response = respond::json(200, &Report { sections }.to_json())?;
        response.headers_mut().set("Cache-Control", "no-store")?;
        Ok(response)
    }
}

/// One provider's checks, each request metered.
async fn checkup(plan: Plan, config: &Config, ledger: &Ledger) -> worker::Result<Section> {
    let cost = call_cost(&plan);
    let limits = Limits::of(config);
    let (mut checkup, mut next) = Checkup::start(plan.title.to_owned(), plan.backend);
    loop {
        let request = match next {
            Next::Done(section) => return Ok(section),
            Next::Send(request) => request,
        };
        // The account's own limits, then a permit of the provider's key, then the spend.
        let permit = match ledger.would_admit(cost, &limits, arrival_ms())? {
            Ok(()) => ledger.permits().take(cost.provider, Patience::Client).await,
            Err(refusal) => Err(refusal),
        };
        let admitted = match permit {
            Ok(permit) => ledger
                .admit(cost, &limits, arrival_ms())?
                .map(|admission| (permit, admission)),
            Err(refusal) => Err(refusal),
        };
        let (permit, admission) = match admitted {
            Ok(admitted) => admitted,
            Err(refusal) => {
                next = checkup.refuse(&refusal);
                continue;
            }
        };
        // Under the key's permit; a 429 pauses the key for every account.
        let answer = ledger
            .permits()
            .send_upstream(
                cost.provider,
                Some(permit),
                Patience::Client,
                &request,
                config.upstream_timeout_ms,
                config.max_pause_secs,
            )
            .await;
        let arrived = arrival_ms();
        let unanswered = answer.as_ref().err().cloned();
        next = checkup.receive(answer.map_err(|e| e.code().as_str().to_owned()));
        let failure = unanswered.as_ref().or(checkup.last_error());
        ledger.settle(admission, failure.map_or(Ok(cost.units), Err), arrived)?;
    }
}
