//! The operator's doctor (`POST /v1/doctor`): which checks an account's credentials get. One
//! per provider the account uses, each with lists and threads routed to that provider, titled
//! by provider and LinkupAPI version only (the operator named the account; no id is repeated).
//! The checks themselves are the core's (`linkedin_inbox::contract::checkup`), run by the
//! account's object (`gate/doctor.rs`).

use linkedin_inbox::contract::PAGE_SIZE;
use linkedin_inbox::{credit_cost, Backend, Provider, Routes};

use crate::rules::admission::{Billing, Cost};

/// One doctor run per account per this many seconds: each run spends a few calls or credits
/// of the account's day, shared by every client of the account.
#[cfg(target_arch = "wasm32")]
pub const DOCTOR_INTERVAL_SECS: u64 = 600;

/// One provider's checks: its title, its provider and the backend routed to it.
pub struct Plan {
    pub title: &'static str,
    pub provider: Provider,
    pub backend: Backend,
}

/// The checks of `backend` (an account's, as the settings build it), ConnectSafely first.
pub fn plans(backend: &Backend) -> Vec<Plan> {
    let Backend::Direct {
        connectsafely,
        linkup,
        account_id,
        ..
    } = backend
    else {
        return Vec::new();
    };
    let routed = |provider| Backend::Direct {
        connectsafely: connectsafely.clone(),
        linkup: linkup.clone(),
        account_id: account_id.clone(),
        routes: Routes {
            list: Some(provider),
            threads: Some(provider),
        },
    };
    let mut plans = Vec::new();
    if connectsafely.is_some() {
        plans.push(Plan {
            title: "ConnectSafely",
            provider: Provider::ConnectSafely,
            backend: routed(Provider::ConnectSafely),
        });
    }
    if let Some(linkup) = linkup {
        plans.push(Plan {
            title: match linkup.v2_account_id() {
                Some(_) => "LinkupAPI v2",
                None => "LinkupAPI v1",
            },
            provider: Provider::Linkup,
            backend: routed(Provider::Linkup),
        });
    }
    plans
}

/// What each of the doctor's calls costs, like any read: a ConnectSafely call, or LinkupAPI's
/// credits for a page of `PAGE_SIZE`.
pub fn call_cost(plan: &Plan) -> Cost {
    Cost::call(plan.provider, u64::from(credit_cost(PAGE_SIZE))).billed(Billing::of(&plan.backend))
}

#[cfg(test)]
mod tests;
