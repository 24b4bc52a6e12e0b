//! `AccountGate`: one Durable Object per account. Every upstream call of the account goes
//! through it: freshness generation, cache lookup, coalescing of identical in-flight calls,
//! the ConnectSafely daily budget, the LinkupAPI credit cap, an upstream 429 pause, and
//! stale pages when the provider fails.

mod exchange_driver;
pub(crate) mod forward;
mod inbox;
mod ledger;
mod list;
mod live;
mod pages;
mod sends;
mod sql_values;
pub(crate) mod upstream;

use std::cell::RefCell;
use std::collections::HashMap;
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either, FutureExt, LocalBoxFuture, Shared};
use linkedin_inbox::{Error, ErrorCode, MessagePage, Provider};
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{
    durable_object, Date, Delay, DurableObject, Env, Request, Response, ResponseBody, State,
    WebSocket, WebSocketIncomingMessage,
};

pub use forward::{forward_page, forward_simple, forward_write, gate_call};
use ledger::{Ledger, Reservation};
pub use sends::{GateMark, GateSend};

use crate::respond::{self, page_response};
use crate::rules::client_auth::account_digest;
use crate::rules::page_plan::{
    clamp_retry_after, may_have_been_charged, stale_allowed, PageRequest, Plan, Source,
};
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::utc_day::{next_reset_ms, secs_until, secs_until_reset};
use exchange_driver::{fetch_page, Meter};
use pages::Pages;

/// The header that names the calling client on every request the Worker sends its gate.
pub const CLIENT_HEADER: &str = "X-Gate-Client";
/// The header that names the account (its registry id) the request is for.
pub const ACCOUNT_HEADER: &str = "X-Gate-Account";

/// What the Worker sends the gate for one page.
#[derive(Serialize, Deserialize)]
pub struct GateRequest {
    pub client: String,
    pub page: PageRequest,
}

/// A page fetched upstream: its JSON (cursors sealed) and the LinkupAPI credits it cost.
#[derive(Clone)]
struct Fetched {
    body: String,
    credits: u64,
}

type UpstreamResult = Result<Fetched, Error>;

/// A list sync: the credits it cost.
pub(super) type SyncResult = Result<u64, Error>;

struct InFlight {
    result: Shared<LocalBoxFuture<'static, UpstreamResult>>,
    started_ms: u64,
}

#[durable_object]
pub struct AccountGate {
    state: State,
    env: Env,
    in_flight: RefCell<HashMap<String, InFlight>>,
    /// List syncs in flight, shared by identical requests.
    syncs: RefCell<HashMap<String, Shared<LocalBoxFuture<'static, SyncResult>>>>,
    /// Sends in flight, by scoped idempotency key.
    sends: RefCell<HashMap<String, sends::SendFuture>>,
}

impl DurableObject for AccountGate {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            in_flight: RefCell::new(HashMap::new()),
            syncs: RefCell::new(HashMap::new()),
            sends: RefCell::new(HashMap::new()),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let config = match crate::env::config(&self.env) {
            Ok(config) => config,
            Err(_) => return misconfigured(),
        };
        pages::cap_schema(config.schema_version_cap);
        let now = Date::now().as_millis();
        let account = self.own_account(&config)?;
        // A provider said the inbox changed: one head sync for however many events came, at
        // most one per REFRESH_MIN_INTERVAL_SECS, and only while the day's budget keeps its
        // reserve for the account's own requests.
        let interval_ms = config.refresh_interval_secs.saturating_mul(1000);
        let mut next = None;
        match live::take_sync_request(&self.state, now, interval_ms)? {
            live::PushedSync::Now => {
                if let Some(account) = &account {
                    if self.pushed_sync_affordable(&config, account, now).await? {
                        let generation = Ledger::of(&self.state).generation().await?;
                        if let Err(e) = self.sync(&config, account, generation, None, now).await? {
                            worker::console_error!("pushed head sync failed: {}", e.code());
                        }
                    } else {
                        worker::console_warn!("pushed head sync skipped: budget reserve");
                    }
                }
            }
            live::PushedSync::Later(at) => next = Some(at),
            live::PushedSync::None => {}
        }
        // Retention on its own daily schedule, whatever else wakes the alarm.
        let ledger = Ledger::of(&self.state);
        if now >= ledger.get_now("prune_due_at")? {
            self.prune(&config, now)?;
            ledger.set_now(
                "prune_due_at",
                now.saturating_add(config.prune_interval_secs.saturating_mul(1000)),
            )?;
        }
        let prune_at = ledger.get_now("prune_due_at")?;
        let at = next.map_or(prune_at, |n| n.min(prune_at));
        self.state
            .storage()
            .set_alarm(Duration::from_millis(at.saturating_sub(now)))
            .await?;
        if let Some(account) = &account {
            live::broadcast(&self.state, &config, account, Date::now().as_millis())?;
        }
        Response::empty()
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let config = match crate::env::config(&self.env) {
            Ok(config) => config,
            Err(_) => return misconfigured(),
        };
        pages::cap_schema(config.schema_version_cap);
        let account_id = req.headers().get(ACCOUNT_HEADER)?.unwrap_or_default();
        let response = self.serve(req, &config).await;
        // Whatever this request changed in the store goes out to the open sockets.
        let account = config
            .accounts_with_id(&account_id)
            .find(|a| self.serves(&config, a).unwrap_or(false));
        if let Some(account) = account {
            if let Err(e) = live::broadcast(&self.state, &config, account, Date::now().as_millis())
            {
                worker::console_error!("broadcast failed: {e}");
            }
        }
        response
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        // The channel is one-way; a ping is answered so clients can check it (by the runtime's
        // auto-response once the object set it; here otherwise). Anything else closes it.
        match message {
            WebSocketIncomingMessage::String(text) if text == "ping" => {
                ws.send_with_str(live::PONG)?;
            }
            _ => {
                let _ = ws.close(Some(1003), Some("this channel only answers ping"));
            }
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        let code = u16::try_from(code)
            .ok()
            .filter(|c| *c == 1000 || (3000..5000).contains(c));
        let _ = ws.close(code.or(Some(1000)), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        Ok(())
    }
}

impl AccountGate {
    async fn serve(&self, mut req: Request, config: &Rc<Config>) -> worker::Result<Response> {
        let config = config.clone();
        let now = Date::now().as_millis();
        ledger::import_legacy(&self.state.storage(), &self.state.id().to_string()).await?;
        let ledger = Ledger::of(&self.state);
        let account_id = req.headers().get(ACCOUNT_HEADER)?.unwrap_or_default();
        // Provider events name the account, not a client (the Worker checked the signature).
        if let Some(provider) = req.path().strip_prefix("/webhook/") {
            let Some(account) = config.accounts_with_id(&account_id).next() else {
                return respond::refuse(ErrorCode::NotFound, "no such account");
            };
            if !self.serves(&config, account)? {
                return respond::refuse(
                    ErrorCode::Unauthorized,
                    "this account gate serves another account",
                );
            }
            let body = req.bytes().await?;
            return live::pushed(&self.state, account, provider, &body, now).await;
        }
        let name = req.headers().get(CLIENT_HEADER)?.unwrap_or_default();
        let Some(client) = config.clients.iter().find(|c| c.name == name) else {
            return respond::refuse(ErrorCode::Unauthorized, "unknown client");
        };
        let Some(account) = client.accounts.iter().find(|a| a.id == account_id) else {
            return respond::refuse(ErrorCode::NotFound, "no such account");
        };
        // This object serves one account: a request for another account is refused, whatever
        // routed it here.
        if !self.serves(&config, account)? {
            return respond::refuse(
                ErrorCode::Unauthorized,
                "this account gate serves another account",
            );
        }
        if let Err(wait) = ledger
            .take_request(&client.name, config.client_rate, now)
            .await?
        {
            return respond::refuse_for(
                ErrorCode::RateLimited,
                "this client is over its request rate",
                wait,
            );
        }
        match req.path().as_str() {
            "/page" => {
                let request: GateRequest = req.json().await?;
                if let PageRequest::Conversations(query) = &request.page {
                    let generation = ledger.generation().await?;
                    let response = self
                        .list(&config, account, query, &ledger, generation, now)
                        .await?;
                    return with_generation(response, generation);
                }
                self.page(&config, account, &request.page, &ledger, now)
                    .await
            }
            "/send" => match req.json::<sends::GateSend>().await {
                Ok(request) => {
                    self.send(&config, &client.name, account, request, now)
                        .await
                }
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a send"),
            },
            "/mark" => match req.json::<sends::GateMark>().await {
                Ok(request) => self.mark(&config, account, request, now).await,
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a read-state change"),
            },
            "/data" => {
                ledger.record_wipe()?;
                Pages::of(&self.state)?.wipe()?;
                inbox::Inbox::of(&self.state)?.wipe()?;
                // Listeners reload: their sockets close (4001); a client's next `changes`
                // answers `reset`.
                live::close_all(&self.state, 4001, "store wiped: reload");
                Ok(Response::empty()?.with_status(204))
            }
            "/refresh" => match ledger
                .try_refresh(now, config.refresh_interval_secs)
                .await?
            {
                Ok(generation) => respond::json(200, &json!({ "generation": generation })),
                Err(wait) => respond::refuse_for(
                    ErrorCode::RateLimited,
                    "this account was refreshed moments ago",
                    wait,
                ),
            },
            "/changes" => match req.json::<live::ChangesRequest>().await {
                Ok(request) => live::changes(&self.state, account, &request),
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a changes request"),
            },
            "/live" => live::accept(&self.state, &config, &client.name, account, now),
            "/locate" => {
                let thread: String = req.json().await?;
                let found = inbox::Inbox::of(&self.state)?
                    .last_activity(&thread)?
                    .is_some();
                respond::json(200, &json!({ "found": found }))
            }
            "/summary" => {
                let counters = ledger.counters(now).await?;
                let left =
                    |limit: u64, spent: u64| (limit > 0).then(|| limit.saturating_sub(spent));
                let providers = account.providers();
                respond::json(
                    200,
                    &json!({
                        "unreadTotal": inbox::Inbox::of(&self.state)?.unread_total()?,
                        "budgetLeftToday": {
                            "connectsafelyCalls": providers.contains(&Provider::ConnectSafely)
                                .then(|| left(u64::from(config.daily_limit), counters.connectsafely_calls_today))
                                .flatten(),
                            "linkupCredits": providers.contains(&Provider::Linkup)
                                .then(|| left(config.linkup_daily_credit_cap, counters.linkup_credits_today))
                                .flatten(),
                            "sends": left(config.send_daily_limit, ledger.sends_today(now)?),
                        },
                    }),
                )
            }
            "/usage" => {
                let counters = ledger.counters(now).await?;
                let resets_at = next_reset_ms(now);
                respond::json(
                    200,
                    &json!({
                        "connectsafely": {
                            "callsToday": counters.connectsafely_calls_today,
                            "dailyLimit": config.daily_limit,
                            "resetsAt": resets_at,
                        },
                        "linkup": {
                            "creditsSpent": counters.linkup_credits_spent,
                            "creditsToday": counters.linkup_credits_today,
                            "dailyCreditCap": config.linkup_daily_credit_cap,
                            "creditsSaved": counters.linkup_credits_saved,
                            "resetsAt": resets_at,
                        },
                        "sends": {
                            "today": ledger.sends_today(now)?,
                            "dailyLimit": config.send_daily_limit,
                            "resetsAt": resets_at,
                        },
                        "cache": { "hits": counters.cache_hits, "misses": counters.cache_misses, "coalesced": counters.coalesced, "stale": counters.stale },
                        "generation": counters.generation,
                    }),
                )
            }
            _ => respond::refuse(ErrorCode::NotFound, "no such route"),
        }
    }
}

impl AccountGate {
    /// The account this object serves, as its last webhook named it, if the registry still
    /// lists that id for this very object.
    fn own_account(&self, config: &Config) -> worker::Result<Option<Account>> {
        let Some(id) = inbox::Inbox::of(&self.state)?.remembered_account()? else {
            return Ok(None);
        };
        let own = config
            .accounts_with_id(&id)
            .find(|a| self.serves(config, a).unwrap_or(false))
            .cloned();
        Ok(own)
    }

    /// Whether the list provider's budget of the day still has more than its reserve.
    async fn pushed_sync_affordable(
        &self,
        config: &Config,
        account: &Account,
        now: u64,
    ) -> worker::Result<bool> {
        let counters = Ledger::of(&self.state).counters(now).await?;
        let lists_by_linkup = match account.list_via {
            Some(provider) => provider == Provider::Linkup,
            None => account.connectsafely_account_id.is_none(),
        };
        Ok(match lists_by_linkup {
            true => crate::rules::webhook_events::pushed_sync_allowed(
                counters.linkup_credits_today,
                config.linkup_daily_credit_cap,
            ),
            false => crate::rules::webhook_events::pushed_sync_allowed(
                counters.connectsafely_calls_today,
                u64::from(config.daily_limit),
            ),
        })
    }

    fn serves(&self, config: &Config, account: &Account) -> worker::Result<bool> {
        let namespace = self.env.durable_object(&config.gate_binding)?;
        let own = namespace.id_from_name(&account_digest(account))?;
        Ok(own.to_string() == self.state.id().to_string())
    }

    /// Keeps the retention alarm scheduled (once a day while the account is used).
    pub(super) async fn schedule_pruning(&self, config: &Config) -> worker::Result<()> {
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none() {
            // A Duration is an offset from now (an i64 would be too).
            storage
                .set_alarm(Duration::from_secs(config.prune_interval_secs))
                .await?;
        }
        Ok(())
    }

    /// The retention pass: old and surplus conversations and messages, expired pages.
    fn prune(&self, config: &Config, now: u64) -> worker::Result<()> {
        let oldest = now.saturating_sub(config.retention_days.saturating_mul(86_400_000));
        inbox::Inbox::of(&self.state)?
            .prune(i64::try_from(oldest).unwrap_or(0), config.max_threads)?;
        sends::prune(&self.state.storage(), now)?;
        live::prune_events(&self.state, now)?;
        Pages::of(&self.state)?.prune(now)
    }

    /// A thread's stored head page past its TTL that is still current: the list, synced within
    /// `HEAD_TTL_SECS`, shows no activity in the thread after its newest stored message. The
    /// store already knows when a thread changed: no credits are spent to find out.
    fn unchanged_thread(
        &self,
        config: &Config,
        page: &PageRequest,
        plan: &Plan,
        pages: &Pages,
        now: u64,
    ) -> worker::Result<Option<pages::Stored>> {
        let PageRequest::Messages(query) = page else {
            return Ok(None);
        };
        let Some(id) = query
            .conversation_id
            .as_deref()
            .filter(|_| query.cursor.is_none())
        else {
            return Ok(None);
        };
        let store = inbox::Inbox::of(&self.state)?;
        let list_fresh = store.sync_state()?.is_some_and(|s| {
            now < (s.head_at as u64).saturating_add(config.head_ttl_secs.saturating_mul(1000))
        });
        let thread = linkedin_inbox::thread_id(id).unwrap_or(id);
        // An unknown activity time (0) proves nothing.
        let (true, Some(last_activity)) = (
            list_fresh,
            store.last_activity(thread)?.filter(|at| *at > 0),
        ) else {
            return Ok(None);
        };
        let Some(stored) = pages.stale(&plan.key, now)? else {
            return Ok(None);
        };
        let newest = serde_json::from_str::<MessagePage>(&stored.body)
            .ok()
            .and_then(|p| p.items.first().map(|m| m.sent_at));
        Ok(newest
            .filter(|newest| *newest >= last_activity)
            .map(|_| stored))
    }

    async fn page(
        &self,
        config: &Config,
        account: &Account,
        page: &PageRequest,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Response> {
        let generation = ledger.generation().await?;
        let provider = match config.backend(account) {
            Ok(backend) => backend.provider_of(&page.operation()),
            Err(_) => return misconfigured(),
        };
        let plan = match provider.and_then(|p| {
            let provider = p.unwrap_or(Provider::ConnectSafely);
            page.plan(config, &account_digest(account), generation, provider)
        }) {
            Ok(plan) => plan,
            Err(e) => return respond::core_error(&e),
        };
        let response = self
            .answer(config, account, page, &plan, ledger, now)
            .await?;
        with_generation(response, generation)
    }

    async fn answer(
        &self,
        config: &Config,
        account: &Account,
        page: &PageRequest,
        plan: &Plan,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Response> {
        let pages = Pages::of(&self.state)?;
        if let Some(hit) = pages.fresh(&plan.key, now)? {
            ledger.record_saved(plan.credits, false).await?;
            return hit.hit(plan);
        }
        if let Some(unchanged) = self.unchanged_thread(config, page, plan, &pages, now)? {
            ledger.record_saved(plan.credits, false).await?;
            return unchanged.hit(plan);
        }
        if let Some(shared) = self.joinable(&plan.key, now, config) {
            let wait = pin!(Delay::from(Duration::from_millis(config.coalesce_wait_ms)));
            return match select(shared, wait).await {
                Either::Left((Ok(fetched), _)) => {
                    ledger.record_saved(fetched.credits, true).await?;
                    page_response(
                        ResponseBody::Body(fetched.body.into_bytes()),
                        Source::Coalesced,
                        plan.browser_max_age(plan.ttl_secs),
                        None,
                        0,
                        fetched.credits,
                    )
                }
                Either::Left((Err(error), _)) => self.fallback(plan, &error, ledger, now).await,
                // The identical call is still out: a stale page beats a timeout.
                Either::Right(_) => {
                    let waited = Error::Network {
                        message: "an identical request is still waiting for the provider".into(),
                    };
                    self.fallback(plan, &waited, ledger, now).await
                }
            };
        }
        let backend = match config.backend(account) {
            Ok(backend) => backend,
            Err(_) => return misconfigured(),
        };
        let epoch = ledger.wipe_epoch()?;
        let reservation = match Self::admit(config, plan, ledger, now).await? {
            Ok(reservation) => reservation,
            Err(refusal) => return self.fallback(plan, &refusal, ledger, now).await,
        };
        let (max_pause_secs, key, account) = (
            config.max_pause_secs,
            config.cursor_key.clone(),
            account_digest(account),
        );
        let meter = Meter {
            is_connectsafely: plan.is_connectsafely,
            daily_limit: u64::from(config.daily_limit),
            credit_cap: config.linkup_daily_credit_cap,
            page_credits: plan.credits,
        };
        let fetch = fetch_page(
            backend,
            page.operation(),
            config.upstream_timeout_ms,
            Ledger::of(&self.state),
            meter,
        );
        let shared = fetch
            .map(move |result| {
                result
                    .map_err(|e| clamp_retry_after(e, max_pause_secs))
                    .and_then(|(mut page, credits)| {
                        // Cursors leave signed for this account (waiters share the body).
                        let cursor = page.next_cursor_mut();
                        *cursor = cursor.take().map(|c| key.seal(&account, &c));
                        let body =
                            serde_json::to_string(&page).map_err(|e| Error::Unavailable {
                                message: format!("page could not be serialized: {e}"),
                            })?;
                        Ok(Fetched { body, credits })
                    })
            })
            .boxed_local()
            .shared();
        self.in_flight.borrow_mut().insert(
            plan.key.clone(),
            InFlight {
                result: shared.clone(),
                started_ms: now,
            },
        );
        let result = shared.await;
        // A page fetched before a wipe of the store is answered, not kept.
        let kept = ledger.wipe_epoch()? == epoch;
        if let (Ok(fetched), true) = (&result, kept) {
            // Stored before the in-flight entry goes, so no request falls between the two.
            if let Err(e) = pages.put(
                &plan.key,
                &fetched.body,
                plan.ttl_secs,
                config.stale_window_secs,
                Date::now().as_millis(),
            ) {
                worker::console_error!("page store failed: {e}");
            }
        }
        self.in_flight
            .borrow_mut()
            .retain(|key, flight| !(key == &plan.key && flight.started_ms == now));
        match result {
            Ok(fetched) => {
                // A thread's messages become searchable in the account's inbox.
                let thread = serde_json::from_str::<MessagePage>(&fetched.body).ok();
                if let (Some(thread), true) = (thread, kept) {
                    let indexed = inbox::Inbox::of(&self.state)
                        .and_then(|inbox| inbox.index_messages(&thread));
                    if let Err(e) = indexed {
                        worker::console_error!("message index failed: {e}");
                    }
                }
                ledger.record_miss().await?;
                if let Some(reservation) = reservation {
                    ledger.settle(reservation, plan.credits).await?;
                }
                page_response(
                    ResponseBody::Body(fetched.body.into_bytes()),
                    Source::Miss,
                    plan.browser_max_age(plan.ttl_secs),
                    None,
                    fetched.credits,
                    0,
                )
            }
            Err(error) => {
                let arrived = Date::now().as_millis();
                if let Some(reservation) = reservation {
                    match may_have_been_charged(&error) {
                        true => ledger.settle(reservation, plan.credits).await?,
                        false => ledger.refund(reservation, arrived).await?,
                    }
                }
                // Already clamped to MAX_PAUSE_SECS inside the shared call; counted from when
                // the 429 arrived.
                if let Error::RateLimited {
                    retry_after_secs: Some(pause),
                } = error
                {
                    let until = arrived.saturating_add(pause.saturating_mul(1000));
                    ledger.pause_until(plan.provider(), arrived, until).await?;
                }
                self.fallback(plan, &error, ledger, now).await
            }
        }
    }

    /// The in-flight call for `key`, unless it is older than any call can last (a leader
    /// that was cancelled never removes its entry).
    fn joinable(
        &self,
        key: &str,
        now: u64,
        config: &Config,
    ) -> Option<Shared<LocalBoxFuture<'static, UpstreamResult>>> {
        let mut in_flight = self.in_flight.borrow_mut();
        let limit = config.upstream_timeout_ms + 2_000;
        in_flight.retain(|_, flight| now.saturating_sub(flight.started_ms) < limit);
        in_flight.get(key).map(|flight| flight.result.clone())
    }

    /// Whether this call may go upstream now: not while its provider is paused, nor past the
    /// ConnectSafely daily budget (one call is spent here) or the LinkupAPI daily credit cap
    /// (its credits are reserved here). Only storage is awaited, so concurrent calls of the
    /// account are counted one after another.
    async fn admit(
        config: &Config,
        plan: &Plan,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Result<Option<Reservation>, Error>> {
        let paused_until = ledger
            .paused_until(plan.provider(), config.clear_pauses_before_ms)
            .await?;
        if paused_until > now {
            return Ok(Err(Error::RateLimited {
                retry_after_secs: Some(secs_until(paused_until, now)),
            }));
        }
        let until_reset = Some(secs_until_reset(now));
        if plan.is_connectsafely {
            return Ok(
                match ledger
                    .try_spend_call(now, u64::from(config.daily_limit))
                    .await?
                {
                    true => Ok(None),
                    false => Err(Error::BudgetExhausted {
                        retry_after_secs: until_reset,
                    }),
                },
            );
        }
        let cap = config.linkup_daily_credit_cap;
        if cap > 0 && plan.credits > cap {
            return Ok(Err(Error::InvalidInput {
                field: "count",
                reason: format!(
                    "this page costs {} LinkupAPI credits, more than the daily cap of {cap}",
                    plan.credits
                ),
            }));
        }
        Ok(
            match ledger.reserve_credits(now, plan.credits, cap).await? {
                Some(reservation) => Ok(Some(reservation)),
                None => Err(Error::BudgetExhausted {
                    retry_after_secs: until_reset,
                }),
            },
        )
    }

    /// A stale page within the stale window when the provider failed, else the error.
    async fn fallback(
        &self,
        plan: &Plan,
        error: &Error,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Response> {
        if stale_allowed(error) {
            if let Some(stale) = Pages::of(&self.state)?.stale(&plan.key, now)? {
                ledger.record_stale().await?;
                return stale.stale();
            }
        }
        respond::core_error(error)
    }
}

fn with_generation(mut response: Response, generation: u64) -> worker::Result<Response> {
    response
        .headers_mut()
        .set("X-Generation", &generation.to_string())?;
    Ok(response)
}

fn misconfigured() -> worker::Result<Response> {
    respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured")
}
