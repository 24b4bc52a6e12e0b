//! One upstream operation of the gate, as the core's [`Exchange`] leads it and the core's
//! [`drive`] runs it: redirects followed, and for a list the provider cannot filter, further
//! upstream pages, each admitted by the ledger before it is fetched (a ConnectSafely call of
//! the daily budget, or LinkupAPI credits under the daily cap). Out of budget mid-walk, the
//! page answers with what it has and a cursor.

use linkedin_inbox::{
    drive, Backend, Error, Exchange, HttpRequest, HttpResponse, Operation, Page, Step, Transport,
};

use super::clock::arrival_ms;
use super::contract_watch::ContractWatch;
use super::key_permits::{Patience, Permit};
use super::ledger::{Admitted, Ledger};
use crate::rules::admission::{Cost, Limits};
use crate::store::ledger::Admission;

/// What each further upstream page of a walk costs, and the limits it must fit.
#[derive(Clone, Copy)]
pub struct Meter {
    pub page: Cost,
    pub limits: Limits,
}

fn unavailable(error: worker::Error) -> Error {
    Error::Unavailable {
        message: format!("the account's ledger failed: {}", error_kind(&error)),
    }
}

fn error_kind(error: &worker::Error) -> &'static str {
    match error {
        worker::Error::JsError(_) => "storage error",
        _ => "internal error",
    }
}

/// What an operation cost in LinkupAPI credits, as the answers say (v2's `credits_consumed`)
/// or else as planned: in all (what the client is told it spent), and the first page's share
/// (what the caller that admitted the first page settles: the walk settled each further page
/// at its planned cost, so the ledger's sum is the answers' total).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Credits {
    pub total: u64,
    pub first_page: u64,
}

/// The key permit of the next request, when taken with its admission, and how long a
/// request without one may wait for its own.
struct Keyed {
    permit: Option<Permit>,
    patience: Patience,
}

/// An operation to run upstream: what, against which backend, and within how long a request.
pub struct Upstream {
    pub backend: Backend,
    pub operation: Operation,
    pub timeout_ms: u64,
}

/// Runs `upstream` as one admitted call ([`Ledger::admit_call`]: refused, nothing spent and
/// nothing fetched): the page and the LinkupAPI credits it cost in all. The first request goes
/// under the admission's permit; each further page of a walk is admitted the same way before
/// it is fetched and settled at its planned cost once answered; the first page's admission is
/// settled last, with what the answers say it cost (so the ledger's sum is their total). A
/// failure after a filtered walk gathered matches answers with them (the failed page settled
/// like any call: refunded when the provider refused it, a 429 pausing the provider).
pub async fn fetch_admitted(
    upstream: Upstream,
    ledger: Ledger,
    meter: Meter,
    watch: ContractWatch,
    patience: Patience,
    now_ms: u64,
) -> Result<(Page, Credits), Error> {
    // A request that cannot be built is refused before anything is spent.
    let (exchange, request) = Exchange::start(upstream.backend, upstream.operation)?;
    let Admitted { permit, admission } = ledger
        .admit_call(meter.page, &meter.limits, patience, now_ms)
        .await
        .map_err(unavailable)??;
    let mut metered = Metered {
        timeout_ms: upstream.timeout_ms,
        ledger: ledger.clone(),
        meter,
        further: None,
        watch,
        answered: None,
        keyed: Keyed {
            permit: Some(permit),
            patience,
        },
        further_settled: 0,
    };
    let outcome = drive(exchange, request, &mut metered).await;
    if let Some(answered) = metered.further.take() {
        metered.settle_answered(answered, arrival_ms());
    }
    let total = u64::from(exchange_credits(&outcome));
    let credits = Credits {
        total,
        first_page: total.saturating_sub(metered.further_settled),
    };
    let first_page = outcome.as_ref().map(|_| credits.first_page);
    if let Err(e) = ledger.settle(admission, first_page, arrival_ms()) {
        worker::console_error!("ledger settle failed: {e}");
    }
    outcome.map(|page| (page, credits))
}

/// Workers `fetch`, each further page of a walk admitted by the ledger and settled once the
/// next step shows how it went, and each answer shown to the contract watch.
struct Metered {
    timeout_ms: u64,
    ledger: Ledger,
    meter: Meter,
    /// The admission of the further page in flight.
    further: Option<Admission>,
    watch: ContractWatch,
    /// The last request and its answer, until the exchange has read it.
    answered: Option<(HttpRequest, HttpResponse)>,
    /// The key permit of the next request, when taken ahead.
    keyed: Keyed,
    /// Credits of the further pages settled so far (each at its planned cost).
    further_settled: u64,
}

impl Metered {
    /// Settles an answered further page at its planned cost.
    fn settle_answered(&mut self, answered: Admission, arrived: u64) {
        let units = self.meter.page.units;
        if self.ledger.settle(answered, Ok(units), arrived).is_ok() {
            self.further_settled += units;
        }
    }
}

impl Transport for Metered {
    async fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, Error> {
        let response = self
            .ledger
            .send_upstream(
                self.meter.page.provider,
                self.keyed.permit.take(),
                self.keyed.patience,
                request,
                self.timeout_ms,
                self.meter.limits.max_pause_secs,
            )
            .await?;
        self.answered = Some((request.clone(), response.clone()));
        Ok(response)
    }

    fn received(&mut self, step: &Result<Step, Error>) {
        if let Some((request, response)) = self.answered.take() {
            self.watch.observe(&request, &response, step, arrival_ms());
        }
        if let (Err(error), Some(failed)) = (step, self.further.take()) {
            let _ = self.ledger.settle(failed, Err(error), arrival_ms());
        }
    }

    async fn before_next_page(&mut self) -> Result<bool, Error> {
        let arrived = arrival_ms();
        // The page before was answered: its credits are spent.
        if let Some(answered) = self.further.take() {
            self.settle_answered(answered, arrived);
        }
        // Refused (the account's limits, or the key's), the walk answers with what it has.
        let (meter, patience) = (self.meter, self.keyed.patience);
        match self
            .ledger
            .admit_call(meter.page, &meter.limits, patience, arrived)
            .await
        {
            Ok(Ok(Admitted { permit, admission })) => {
                self.further = Some(admission);
                self.keyed.permit = Some(permit);
                Ok(true)
            }
            Ok(Err(_)) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// The credits a finished page reports (the exchange's total, carried in the page).
fn exchange_credits(outcome: &Result<Page, Error>) -> u32 {
    match outcome {
        Ok(Page::Conversations(p)) => p.credit_cost,
        Ok(Page::Messages(p)) => p.credit_cost,
        Err(_) => 0,
    }
}
