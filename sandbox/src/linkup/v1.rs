//! What every LinkupAPI v1 endpoint shares (`x-api-key` plus a `login_token` in the JSON
//! body): one opening for all of them ([`open_v1`]: key, rate limit, body, login token) and
//! v1 billing: every answer but a 500 costs the call's credits (docs.linkupapi.com
//! api-reference/introduction).

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{api_key, charge, credit_cost};
use crate::call;
use crate::data::Account;
use crate::respond::{labelled, linkup_error};
use crate::route::Route;
use crate::state::AppState;

const COUNTRIES: [&str; 11] = [
    "US", "UK", "FR", "DE", "NL", "IT", "IL", "CA", "BR", "ES", "IN",
];

/// A LinkupAPI v1 request body: its login token and what the call costs.
pub trait V1Request: DeserializeOwned {
    /// What a call whose body is not this type's JSON costs.
    const DEFAULT_COST: u64;

    fn login_token(&self) -> Option<&str>;

    /// The credits the call costs, answered or refused (but for a 500).
    fn cost(&self) -> u64;
}

/// A v1 call whose key, rate limit, body and login token passed.
pub struct V1Call<'h, R> {
    pub api_key: &'h str,
    pub account: Arc<Account>,
    pub request: R,
    /// What the call costs if its handler does not charge it ([`V1Call::bill`]).
    pub cost: u64,
}

impl<R: V1Request> V1Call<'_, R> {
    /// The credentials the request carried (what the `echo` fault quotes).
    pub fn secrets(&self) -> [&str; 2] {
        [self.api_key, self.request.login_token().unwrap_or_default()]
    }

    /// Bills an answer the handler did not charge ([`bill_v1_unpaid`]); returns it.
    pub fn bill(&self, state: &AppState, response: Response) -> Response {
        bill_v1_unpaid(state, self.api_key, self.cost, response)
    }
}

/// The opening every v1 endpoint shares: the `x-api-key` (403 `INVALID_API_KEY`, not
/// billed: no key to bill), the key's rate limit (429), the JSON body (400) and the
/// `login_token` (400, 401). A refusal after the key is billed as v1 bills every answer
/// but a 500, counted under the account `-`, and labelled for the access log.
pub fn open_v1<'h, R: V1Request>(
    state: &AppState,
    route: Route,
    headers: &'h HeaderMap,
    body: &[u8],
) -> Result<V1Call<'h, R>, Response> {
    let refuse = |response: Response| {
        state.lock().record_call(route, "-");
        labelled(response, "-")
    };
    let Some(api_key) = api_key(state, headers) else {
        return Err(refuse(invalid_api_key()));
    };
    let parsed = serde_json::from_slice::<R>(body);
    let cost = parsed.as_ref().map_or(R::DEFAULT_COST, R::cost);
    let billed = |response: Response| refuse(bill_v1_unpaid(state, api_key, cost, response));
    call::admit_key(state, route, api_key).map_err(billed)?;
    let request = parsed.map_err(|_| billed(not_an_object()))?;
    let account = login(state, request.login_token()).map_err(billed)?;
    Ok(V1Call {
        api_key,
        account,
        request,
        cost,
    })
}

pub fn invalid_api_key() -> Response {
    linkup_error(403, "INVALID_API_KEY", "Invalid or missing API key")
}

pub fn not_an_object() -> Response {
    linkup_error(400, "INVALID_PARAMS", "Request body must be a JSON object")
}

/// The demo account a `login_token` opens.
pub fn login(state: &AppState, token: Option<&str>) -> Result<Arc<Account>, Response> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| linkup_error(400, "INVALID_PARAMS", "login_token is required"))?;
    state
        .config
        .login_tokens
        .iter()
        .find(|entry| entry.token == token)
        .and_then(|entry| state.account(&entry.account))
        .ok_or_else(|| {
            linkup_error(
                401,
                "INVALID_LOGIN_TOKEN",
                "LinkedIn session invalid or expired: log in again",
            )
        })
}

pub const COUNTRY_ERROR: &str = "country must be one of US, UK, FR, DE, NL, IT, IL, CA, BR, ES, IN";

/// An absent country, or one of the documented ones.
pub fn country_ok(country: Option<&str>) -> bool {
    country.is_none_or(|c| COUNTRIES.contains(&c))
}

/// The credits a v1 call asking for `total_results` (at most `max`, `default` when absent or
/// invalid) would cost.
pub fn requested_cost(total_results: Option<&Value>, default: u64, max: u64) -> u64 {
    let requested = total_results
        .and_then(Value::as_u64)
        .filter(|n| (1..=max).contains(n))
        .unwrap_or(default);
    credit_cost(requested)
}

/// LinkupAPI v1 bills every answer but a 500 ("All API calls consume credits regardless of
/// the status code returned (except for 500 server errors)"): an answer to a known key that
/// its handler did not charge (an error, or an injected fault) costs what the call would have
/// (`cost`). Returns the answer.
pub fn bill_v1_unpaid(state: &AppState, api_key: &str, cost: u64, response: Response) -> Response {
    if response.status().as_u16() != 500 {
        let _ = charge(state, api_key, cost, false);
    }
    response
}

pub fn insufficient_credits() -> Response {
    linkup_error(
        402,
        "INSUFFICIENT_CREDITS",
        "Insufficient credits: top up your LinkupAPI balance",
    )
}
