//! One upstream operation of the gate, as the core's [`Exchange`] leads it: redirects
//! followed, and for a list the provider cannot filter, further upstream pages, each metered
//! before it is fetched (a ConnectSafely call of the daily budget, or LinkupAPI credits under
//! the daily cap). Out of budget mid-walk, the page answers with what it has and a cursor.

use linkedin_inbox::{Backend, Error, Exchange, Operation, Page, Step};
use worker::Date;

use super::ledger::{Ledger, Reservation};
use crate::gate::upstream;
use crate::rules::page_plan::may_have_been_charged;

/// What one more upstream page costs, and the limits it must fit.
#[derive(Clone, Copy)]
pub struct Meter {
    pub is_connectsafely: bool,
    pub daily_limit: u64,
    pub credit_cap: u64,
    pub page_credits: u64,
}

/// Spends one more page: `Ok(true)` when the budget allows it (its credits held in `extras`).
async fn spend(
    ledger: &Ledger,
    meter: Meter,
    extras: &mut Vec<Reservation>,
) -> worker::Result<bool> {
    let now = Date::now().as_millis();
    if meter.is_connectsafely {
        return ledger.try_spend_call(now, meter.daily_limit).await;
    }
    Ok(
        match ledger
            .reserve_credits(now, meter.page_credits, meter.credit_cap)
            .await?
        {
            Some(reservation) => {
                extras.push(reservation);
                true
            }
            None => false,
        },
    )
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
/// walk gathered matches answers with them (the failed page's credits refunded when the
/// provider refused it); a failure of the first page is the error.
pub async fn fetch_page(
    backend: Backend,
    operation: Operation,
    timeout_ms: u64,
    ledger: Ledger,
    meter: Meter,
) -> Result<(Page, u64), Error> {
    let (mut exchange, mut request) = Exchange::start(backend, operation)?;
    // Credits held for the extra page in flight.
    let mut pending = Vec::new();
    let outcome = loop {
        let step = match upstream::send(&request, timeout_ms).await {
            Ok(response) => exchange.receive(&response),
            Err(e) => Err(e),
        };
        match step {
            Ok(Step::Done(page)) => break Ok(page),
            Ok(Step::Follow(next)) => request = next,
            Ok(Step::Send(next)) => {
                pending.clear(); // the page before was answered: its credits are spent
                match spend(&ledger, meter, &mut pending).await {
                    Ok(true) => request = next,
                    Ok(false) => {
                        break exchange.finish().ok_or_else(|| Error::Unavailable {
                            message: "the walk ended without a page".into(),
                        })
                    }
                    Err(e) => break Err(unavailable(e)),
                }
            }
            Err(error) => {
                if !may_have_been_charged(&error) {
                    let now = Date::now().as_millis();
                    for reservation in pending.drain(..) {
                        let _ = ledger.refund(reservation, now).await;
                    }
                }
                break exchange.recover(error);
            }
        }
    };
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
