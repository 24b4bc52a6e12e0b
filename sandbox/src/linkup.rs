//! `POST /v1/messages/conversation`, as LinkupAPI serves it, and what every LinkupAPI
//! endpoint shares: key, login token, country, credits, profile lookup.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::call::{self, Proceed};
use crate::data::{Account, Conversation, Person};
use crate::respond::{labelled, linkup_error, ok_json};
use crate::route::Route;
use crate::state::AppState;
use crate::wire::{LinkupData, LinkupMessage, LinkupPagination, LinkupResponse};

const COUNTRIES: [&str; 11] = [
    "US", "UK", "FR", "DE", "NL", "IT", "IL", "CA", "BR", "ES", "IN",
];
const DEFAULT_TOTAL_RESULTS: u64 = 10;
const MAX_TOTAL_RESULTS: u64 = 1000;

#[derive(Deserialize)]
struct RequestBody {
    linkedin_url: Option<String>,
    conversation_id: Option<String>,
    total_results: Option<Value>,
    cursor: Option<Value>,
    country: Option<String>,
    login_token: Option<String>,
}

impl V1Request for RequestBody {
    const DEFAULT_COST: u64 = DEFAULT_TOTAL_RESULTS.div_ceil(10);

    fn login_token(&self) -> Option<&str> {
        self.login_token.as_deref()
    }

    fn cost(&self) -> u64 {
        requested_cost(
            self.total_results.as_ref(),
            DEFAULT_TOTAL_RESULTS,
            MAX_TOTAL_RESULTS,
        )
    }
}

pub async fn conversation(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::LkConversation;
    let opened = match open_v1::<RequestBody>(&state, route, &headers, &body) {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let label = opened.account.account_id.as_str();
    let truncate = match call::begin(&state, route, label, &opened.secrets()).await {
        Proceed::Answer(response) => return labelled(opened.bill(&state, response), label),
        Proceed::Serve { truncate } => truncate,
    };
    let response = answer(
        &state,
        opened.api_key,
        &opened.account,
        &opened.request,
        truncate,
    )
    .unwrap_or_else(|response| opened.bill(&state, response));
    labelled(response, label)
}

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

/// The request's `x-api-key`, if it is a configured key.
pub fn api_key<'a>(state: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok())?;
    state
        .config
        .linkup_keys
        .iter()
        .any(|k| k == key)
        .then_some(key)
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

fn answer(
    state: &AppState,
    api_key: &str,
    account: &Account,
    request: &RequestBody,
    truncate: bool,
) -> Result<Response, Response> {
    let invalid = |message: &str| linkup_error(400, "INVALID_PARAMS", message);
    let total_results = match &request.total_results {
        None | Some(Value::Null) => DEFAULT_TOTAL_RESULTS,
        Some(value) => value
            .as_u64()
            .filter(|n| (1..=MAX_TOTAL_RESULTS).contains(n))
            .ok_or_else(|| invalid("total_results must be an integer between 1 and 1000"))?,
    };
    let cursor = match &request.cursor {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            s.parse::<i64>()
                .map_err(|_| invalid("cursor must be a timestamp in milliseconds"))?,
        ),
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .ok_or_else(|| invalid("cursor must be a timestamp in milliseconds"))?,
        ),
        Some(_) => return Err(invalid("cursor must be a timestamp in milliseconds")),
    };
    if !country_ok(request.country.as_deref()) {
        return Err(invalid(COUNTRY_ERROR));
    }
    let url = request.linkedin_url.as_deref().filter(|s| !s.is_empty());
    let id = request.conversation_id.as_deref().filter(|s| !s.is_empty());
    let conversation = match (url, id) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "Provide either linkedin_url or conversation_id, not both",
            ))
        }
        (None, None) => {
            return Err(invalid(
                "Either linkedin_url or conversation_id is required",
            ))
        }
        (Some(url), None) => find_by_profile(account, url),
        (None, Some(id)) => account
            .conversations
            .iter()
            .find(|c| c.urn() == id || c.thread_id == id),
    }
    .ok_or_else(|| {
        linkup_error(
            404,
            "CONVERSATION_NOT_FOUND",
            "No conversation found for this profile or id",
        )
    })?;

    if !charge(state, api_key, credit_cost(total_results), truncate) {
        return Err(insufficient_credits());
    }
    let (page, has_next_page) = conversation.messages_between(cursor, None, total_results as usize);
    let body = LinkupResponse {
        status: "success",
        data: LinkupData {
            conversation_id: conversation.urn(),
            // The other member's profile: the documented answer always names it.
            profile_url: Some(url.map_or_else(
                || conversation.participants[0].vanity_url.clone(),
                str::to_owned,
            )),
            total_results: page.len(),
            total_other_member_message_count: conversation
                .messages
                .iter()
                .filter(|m| m.sender.is_some())
                .count(),
            unread_count: conversation.unread_count,
            last_seen_message: conversation
                .last_seen_message
                .unwrap_or(conversation.is_read()),
            last_seen_at: conversation
                .last_seen_at
                .unwrap_or(conversation.last_read_at),
            messages: page
                .iter()
                .map(|m| LinkupMessage::new(account, conversation, m))
                .collect(),
            pagination: LinkupPagination {
                count: page.len(),
                has_next_page,
                next_cursor: page
                    .last()
                    .filter(|_| has_next_page)
                    .map(|m| m.timestamp.to_string()),
            },
        },
    };
    Ok(ok_json(&body, truncate))
}

pub const COUNTRY_ERROR: &str = "country must be one of US, UK, FR, DE, NL, IT, IL, CA, BR, ES, IN";

/// An absent country, or one of the documented ones.
pub fn country_ok(country: Option<&str>) -> bool {
    country.is_none_or(|c| COUNTRIES.contains(&c))
}

/// 1 credit per 10 results "or fraction thereof" (requested or returned: each caller says).
pub fn credit_cost(requested: u64) -> u64 {
    requested.div_ceil(10)
}

/// Charges `cost` credits to `api_key`; `false` (nothing charged) when the balance is short.
/// A truncated answer (an injected fault) is checked but not charged.
pub fn charge(state: &AppState, api_key: &str, cost: u64, truncate: bool) -> bool {
    let mut m = state.lock();
    let spent = m.credits_spent.get(api_key).copied().unwrap_or(0);
    if m.linkup_credits.saturating_sub(spent) < cost {
        return false;
    }
    if !truncate {
        *m.credits_spent.entry(api_key.to_owned()).or_default() += cost;
    }
    true
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

/// Matches a profile URL against participants' vanity and id URLs: scheme, `www.`, case,
/// percent-encoding and a trailing slash do not matter.
pub fn find_by_profile<'a>(account: &'a Account, url: &str) -> Option<&'a Conversation> {
    let wanted = profile_slug(url)?;
    account
        .conversations
        .iter()
        .find(|c| c.participants.iter().any(|p| is_profile(p, &wanted)))
}

/// Whether `person` is the member a profile URL's [`profile_slug`] names (vanity or id).
pub fn is_profile(person: &Person, slug: &str) -> bool {
    profile_slug(&person.vanity_url).as_deref() == Some(slug)
        || person.profile_id.to_lowercase() == slug
}

/// The member part of a `linkedin.com/in/<slug>` URL, percent-decoded and lowercased.
pub fn profile_slug(url: &str) -> Option<String> {
    let (_, after) = url.split_once("linkedin.com/in/")?;
    let slug = after.split(['/', '?', '#']).next()?;
    let decoded = percent_encoding::percent_decode_str(slug)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty()).then(|| decoded.to_lowercase())
}
