//! The operator's doctor in the account's object (`POST /v1/doctor`): the core's read-only
//! checks (`linkedin_inbox::contract::checkup`, the CLI doctor's) run with the account's stored
//! credentials, one per provider it uses (`rules/doctor.rs`). Every request they send is
//! admitted and settled by the account's ledger like any read (today's budget or credit cap,
//! a provider's pause; a 429 pauses it). It runs at most once per `DOCTOR_INTERVAL_SECS` per
//! account, and not once a provider's day is down to the third kept for the account's own
//! requests (429 either way, with Retry-After). The answer is the redacted report as JSON:
//! endpoints, statuses, JSON paths, forms and error codes, never a value.

use linkedin_inbox::contract::{self, Checker, Report, Section, Unsent};
use linkedin_inbox::{Error, HttpRequest, HttpResponse, Step};
use worker::Response;

use super::clock::arrival_ms;
use super::key_permits::{Patience, Permit};
use super::ledger::{Admitted, Ledger};
use super::{misconfigured, AccountGate};
use crate::respond;
use crate::rules::admission::{self, budget_exhausted, Cost, Limits};
use crate::rules::doctor::{call_cost, plans, Plan, DOCTOR_INTERVAL_SECS};
use crate::rules::registry::Account;
use crate::rules::request_limits::refresh_wait;
use crate::rules::settings::Config;
use crate::store::ledger::{Admission, Mark};

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

/// One provider's checks (the core's `checkup`, driven by the core's one driver), each
/// request metered.
async fn checkup(plan: Plan, config: &Config, ledger: &Ledger) -> worker::Result<Section> {
    let mut metered = Metered {
        config,
        ledger,
        cost: call_cost(&plan),
        limits: Limits::of(config),
        admission: None,
        failed: None,
    };
    let section = contract::checkup(plan.title.to_owned(), plan.backend, &mut metered).await;
    match metered.failed {
        Some(failed) => Err(failed),
        None => Ok(section),
    }
}

/// The checks' requests as the account sends them: the account's own limits, then a permit
/// of the provider's key, then the spend; each call settled with what the core made of its
/// answer.
struct Metered<'a> {
    config: &'a Config,
    ledger: &'a Ledger,
    cost: Cost,
    limits: Limits,
    /// The spend of the call in flight, until it is settled.
    admission: Option<Admission>,
    /// The ledger's own failure: the checks end, and the request fails with it.
    failed: Option<worker::Error>,
}

impl Metered<'_> {
    /// The admission of one more call, or the refusal that ends the checks.
    async fn admit(&mut self) -> worker::Result<Result<Permit, Error>> {
        let admitted = self
            .ledger
            .admit_call(self.cost, &self.limits, Patience::Client, arrival_ms())
            .await?;
        Ok(admitted.map(|Admitted { permit, admission }| {
            self.admission = Some(admission);
            permit
        }))
    }
}

impl Checker for Metered<'_> {
    async fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, Unsent> {
        let permit = match self.admit().await {
            Ok(Ok(permit)) => permit,
            Ok(Err(refusal)) => return Err(Unsent::Refused(refusal)),
            Err(failed) => {
                self.failed = Some(failed);
                return Err(Unsent::Refused(Error::Unavailable {
                    message: "the account's ledger failed".into(),
                }));
            }
        };
        // Under the key's permit; a 429 pauses the key for every account.
        self.ledger
            .permits()
            .send_upstream(
                self.cost.provider,
                Some(permit),
                Patience::Client,
                request,
                self.config.upstream_timeout_ms,
                self.config.max_pause_secs,
            )
            .await
            .map_err(|error| Unsent::Unreachable {
                kind: error.code().as_str().to_owned(),
                error,
            })
    }

    fn received(&mut self, step: &linkedin_inbox::Result<Step>) {
        let Some(admission) = self.admission.take() else {
            return;
        };
        let outcome = step.as_ref().map(|_| self.cost.units);
        if let Err(failed) = self.ledger.settle(admission, outcome, arrival_ms()) {
            self.failed.get_or_insert(failed);
        }
    }
}
