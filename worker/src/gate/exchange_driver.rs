//! One upstream operation of the gate, as the core's [`Exchange`] leads it: redirects
//! followed, and for a list the provider cannot filter, further upstream pages, each admitted
//! by the ledger before it is fetched (a ConnectSafely call of the daily budget, or LinkupAPI
//! credits under the daily cap). Out of budget mid-walk, the page answers with what it has and
//! a cursor.

use linkedin_inbox::{Backend, Error, Exchange, Operation, Page, Step};

use super::clock::arrival_ms;
use super::contract_watch::ContractWatch;
use super::ledger::Ledger;
use crate::gate::upstream;
use crate::rules::admission::{Cost, Limits};

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

/// Runs `operation`: the page and the LinkupAPI credits it cost. A failure after a filtered
/// walk gathered matches answers with them (the failed page settled like any call: refunded
/// when the provider refused it, a 429 pausing the provider); a failure of the first page is
/// the error, settled by the caller that admitted it.
pub async fn fetch_page(
    backend: Backend,
    operation: Operation,
    timeout_ms: u64,
    ledger: Ledger,
    meter: Meter,
    watch: ContractWatch,
) -> Result<(Page, u64), Error> {
    let (mut exchange, mut request) = Exchange::start(backend, operation)?;
    // The admission of the further page in flight.
    let mut further = None;
    let outcome = loop {
        let sent = upstream::send(&request, timeout_ms).await;
        let arrived = arrival_ms();
        let step = match sent {
            Ok(response) => {
                let step = exchange.receive(&response);
                watch.observe(&request, &response, &step, arrived);
                step
            }
            Err(e) => Err(e),
        };
        match step {
            Ok(Step::Done(page)) => break Ok(page),
            Ok(Step::Follow(next)) => request = next,
            Ok(Step::Send(next)) => {
                // The page before was answered: its credits are spent.
                if let Some(answered) = further.take() {
                    let _ = ledger.settle(answered, Ok(meter.page.units), arrived);
                }
                match ledger.admit(meter.page, &meter.limits, arrived) {
                    Ok(Ok(admission)) => {
                        further = Some(admission);
                        request = next;
                    }
                    Ok(Err(_)) => {
                        break exchange.finish().ok_or_else(|| Error::Unavailable {
                            message: "the walk ended without a page".into(),
                        })
                    }
                    Err(e) => break Err(unavailable(e)),
                }
            }
            Err(error) => {
                if let Some(failed) = further.take() {
                    let _ = ledger.settle(failed, Err(&error), arrived);
                }
                break exchange.recover(error);
            }
        }
    };
    if let Some(answered) = further {
        let _ = ledger.settle(answered, Ok(meter.page.units), arrival_ms());
    }
    let credits = u64::from(exchange_credits(&outcome));
    outcome.map(|page| (page, credits))
}

/// The credits a finished page reports (the exchange's total, carried in the page).
fn exchange_credits(outcome: &Result<Page, Error>) -> u32 {
    match outcome {
        Ok(Page::Conversations(p)) => p.credit_cost,
        Ok(Page::Messages(p)) => p.credit_cost,
        Err(_) => 0,
    }
}
