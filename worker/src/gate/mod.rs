//! `AccountGate`: one Durable Object per account. Every upstream call of the account goes
//! through it: freshness generation, cache lookup, coalescing of identical in-flight calls,
//! the ConnectSafely daily budget, the LinkupAPI credit cap, an upstream 429 pause, and
//! stale pages when the provider fails.

mod clock;
pub(crate) mod contract_watch;
mod cs_action;
mod doctor;
mod exchange_driver;
mod health;
pub(crate) mod index_feed;
mod key_permits;
mod ledger;
mod ledger_import;
mod list;
pub(crate) mod live;
mod media;
mod object_requests;
mod pages;
pub(crate) mod protocol;
mod sends;
mod star_mirror;
mod thread_pages;
mod triage;
mod upkeep;
pub(crate) mod upstream;
mod usage_limits;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{LocalBoxFuture, Shared};
use linkedin_inbox::{Error, ErrorCode};
use worker::{
    durable_object, DurableObject, Env, Request, Response, State, WebSocket,
    WebSocketIncomingMessage,
};

use clock::arrival_ms;

use key_permits::KeyPermits;
use ledger::{Ledger, Mark};
use protocol::{ACCOUNT_HEADER, CLIENT_HEADER};

use crate::respond::{self};
use crate::rules::joined_work::JoinedWork;
use crate::rules::settings::Config;
use crate::store::ledger::Tallies;
use crate::store::sql_storage::ObjectStore;
use crate::store::{schema, Store};

/// A page fetched upstream: its JSON (cursors sealed) and the LinkupAPI credits it cost.
#[derive(Clone)]
struct Fetched {
    body: String,
    credits: u64,
}

type UpstreamResult = Result<Fetched, Error>;

/// A list sync: the credits it cost.
pub(super) type SyncResult = Result<exchange_driver::Credits, Error>;

/// A thread page's upstream call, shared by the requests that join it.
type PageCall = Shared<LocalBoxFuture<'static, UpstreamResult>>;

#[durable_object]
pub struct AccountGate {
    state: State,
    env: Env,
    /// Thread pages being fetched, by page key, joined by identical requests.
    page_calls: JoinedWork<PageCall>,
    /// List syncs in flight, joined by identical requests.
    syncs: JoinedWork<Shared<LocalBoxFuture<'static, SyncResult>>>,
    /// Sends in flight, by scoped idempotency key.
    sends: JoinedWork<sends::SendFuture>,
    /// Star mirrors this object has under way, one at a time per conversation; those an
    /// object that stopped mid-call left pending are settled by its first request or alarm.
    star_mirrors: star_mirror::StarMirrors,
    /// The object's store, opened and migrated by its first request or alarm.
    store: RefCell<Option<ObjectStore>>,
    /// Answer tallies not written to the ledger yet.
    tallies: Rc<RefCell<Tallies>>,
    /// Whether this object checked that its legacy key-value ledger is imported.
    legacy_ledger_checked: Cell<bool>,
    /// The account's permits of its providers' keys.
    permits: KeyPermits,
    /// LinkupAPI credits the account's webhook monitoring costs a day, once a request or
    /// alarm named the account.
    monitoring_credits: Cell<u64>,
    /// The account's credential digest (`rules::account_health::credential_digest`), once a
    /// request or alarm named the account: a refused session is over when it changes.
    credential: Rc<RefCell<Option<String>>>,
}

impl DurableObject for AccountGate {
    fn new(state: State, env: Env) -> Self {
        let permits = KeyPermits::new(env.clone(), state.id().to_string());
        Self {
            permits,
            monitoring_credits: Cell::new(0),
            credential: Rc::default(),
            state,
            env,
            page_calls: JoinedWork::default(),
            syncs: JoinedWork::default(),
            sends: JoinedWork::default(),
            star_mirrors: star_mirror::StarMirrors::default(),
            store: RefCell::new(None),
            tallies: Rc::default(),
            legacy_ledger_checked: Cell::new(false),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let config = match crate::env::config(&self.env) {
            Ok(config) => config,
            Err(_) => return misconfigured(),
        };
        self.open_store(&config)?;
        let now = arrival_ms();
        let feed_before = self.store()?.feed_state(now)?;
        let account = self.own_account(&config).await?;
        if let Some(account) = &account {
            self.monitoring_credits
                .set(config.monitoring_credits(account));
            self.name_account(account);
            self.resume_star_mirrors(&config, account, now).await?;
        }
        // A provider said the inbox changed: one head sync for however many events came, at
        // most one per REFRESH_MIN_INTERVAL_SECS, and only while the day's budget keeps its
        // reserve for the account's own requests.
        let interval_ms = config.refresh_interval_secs.saturating_mul(1000);
        let mut next = None;
        match live::take_sync_request(&self.state, now, interval_ms)? {
            live::PushedSync::Now => {
                if let Some(account) = &account {
                    if self.pushed_sync_affordable(&config, account, now)? {
                        let generation = self.ledger()?.generation().await?;
                        let patience = key_permits::Patience::Background;
                        let synced = self
                            .sync(&config, account, generation, None, now, patience)
                            .await?;
                        if let Err(e) = synced {
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
        let ledger = self.ledger()?;
        if now >= ledger.get_now(Mark::PruneDueAt)? {
            self.prune(&config, now)?;
            ledger.set_now(
                Mark::PruneDueAt,
                now.saturating_add(config.prune_interval_secs.saturating_mul(1000)),
            )?;
        }
        // Snoozes due come back to the inbox; the next one wakes the alarm again.
        let inbox = self.store()?;
        let now_ms = i64::try_from(now).unwrap_or(i64::MAX);
        inbox.wake_due_snoozes(now_ms)?;
        let snooze_at = inbox
            .next_snooze_at()?
            .map(|at| u64::try_from(at).unwrap_or(0));
        let prune_at = ledger.get_now(Mark::PruneDueAt)?;
        let at = [next, snooze_at]
            .into_iter()
            .flatten()
            .fold(prune_at, u64::min);
        self.state
            .storage()
            .set_alarm(Duration::from_millis(at.saturating_sub(now)))
            .await?;
        if let Some(account) = &account {
            live::broadcast(&self.state, &self.env, &config, account, now).await?;
            let inbox = self.store()?;
            if let Err(e) =
                index_feed::push(&self.env, &inbox, account, &feed_before, None, now).await
            {
                worker::console_warn!("index push failed: {e}");
            }
        }
        Response::empty()
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let config = match crate::env::config(&self.env) {
            Ok(config) => config,
            Err(_) => return misconfigured(),
        };
        self.open_store(&config)?;
        let now = arrival_ms();
        let account_id = req.headers().get(ACCOUNT_HEADER)?.unwrap_or_default();
        if req.path() == "/live/recheck" {
            // The registry changed (an admin write): its answers are asked again.
            crate::directory::forget_all();
        }
        let accounts = crate::directory::accounts_with_id(&self.env, &config, &account_id).await?;
        let own = accounts
            .iter()
            .find(|a| self.serves(&config, a).unwrap_or(false))
            .cloned();
        if let Some(account) = &own {
            self.monitoring_credits
                .set(config.monitoring_credits(account));
            self.name_account(account);
        }
        let (_, health_seq) = self.store()?.account_health()?;
        let feed_before = self.store()?.feed_state(now)?;
        let asker = match req.path() == "/index/sync" {
            true => req.headers().get(CLIENT_HEADER)?,
            false => None,
        };
        if let Some(account) = &own {
            self.resume_star_mirrors(&config, account, now).await?;
        }
        let response = match req.path().as_str() {
            "/live/recheck" => live::recheck(&self.state, &self.env, &config, own.as_ref(), now)
                .await
                .and_then(|()| Ok(Response::empty()?.with_status(204))),
            _ => self.serve(req, &config, own.as_ref(), now).await,
        };
        // Whatever this request changed in the store goes out to the open sockets, and a
        // change of the account's health to the registry (the admin list shows it).
        if let Some(account) = &own {
            if let Err(e) = live::broadcast(&self.state, &self.env, &config, account, now).await {
                worker::console_error!("broadcast failed: {e}");
            }
            let (health, seq) = self.store()?.account_health()?;
            if seq != health_seq {
                let reported = crate::registry_object::report_health(
                    &self.env,
                    &config,
                    &account.id,
                    health.shown(),
                );
                if let Err(e) = reported.await {
                    worker::console_warn!("health report to the registry failed: {e}");
                }
            }
            // And to the merged indexes of the clients that hold the account (the one whose
            // ask this request answered has the changes in its answer).
            let inbox = self.store()?;
            let asker = asker.as_deref();
            let pushed = index_feed::push(&self.env, &inbox, account, &feed_before, asker, now);
            if let Err(e) = pushed.await {
                worker::console_warn!("index push failed: {e}");
            }
        }
        response
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        live::on_message(&ws, message)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        live::on_close(&ws, code);
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        Ok(())
    }
}

impl AccountGate {
    /// Opens the object's store once, migrating it to the latest schema version, or only as
    /// far as `SCHEMA_VERSION_CAP`: the upgrade tests build an older schema with it to check
    /// that later versions migrate its data.
    fn open_store(&self, config: &Config) -> worker::Result<()> {
        if self.store.borrow().is_none() {
            let target = config.schema_version_cap.unwrap_or(schema::LATEST);
            let store = Store::open(self.state.storage().sql(), target)?;
            *self.store.borrow_mut() = Some(store);
        }
        Ok(())
    }

    /// The object's store (opened by `fetch` and `alarm` before anything else).
    fn store(&self) -> worker::Result<ObjectStore> {
        self.store
            .borrow()
            .clone()
            .ok_or_else(|| worker::Error::RustError("the store is not open yet".into()))
    }

    /// The account's backend, knowing its owner when the store does (from a ConnectSafely
    /// list answer): ConnectSafely then gets the documented conversation URN form.
    fn backend(
        &self,
        config: &Config,
        account: &crate::rules::registry::Account,
    ) -> Result<linkedin_inbox::Backend, crate::rules::settings::ConfigError> {
        let owner = self
            .store()
            .ok()
            .and_then(|store| store.sync_state().ok().flatten())
            .and_then(|state| state.owner);
        config.backend_for_owner(account, owner.as_deref())
    }

    /// The account's ledger, on the object's store and tallies.
    fn ledger(&self) -> worker::Result<Ledger> {
        Ok(Ledger::new(
            self.store()?,
            self.tallies.clone(),
            self.permits.clone(),
            self.monitoring_credits.get(),
            self.credential.clone(),
        ))
    }

    /// The account this object serves, as a request or alarm names it: its credential
    /// digest, against which a refused session is checked.
    fn name_account(&self, account: &crate::rules::registry::Account) {
        let digest = crate::rules::account_health::credential_digest(account);
        *self.credential.borrow_mut() = Some(digest);
    }

    /// Copies a ledger from before the `ledger` table in, the first time this object serves
    /// a request (see `ledger_import.rs`).
    async fn import_legacy_ledger(&self) -> worker::Result<()> {
        if !self.legacy_ledger_checked.get() {
            ledger_import::import_legacy(&self.state.storage(), &self.store()?).await?;
            self.legacy_ledger_checked.set(true);
        }
        Ok(())
    }
}

/// The store from code that runs apart from the object's methods (sends, the live inbox): the
/// object opened and migrated it already.
fn store_of(storage: &worker::Storage) -> worker::Result<ObjectStore> {
    Ok(Store::opened(storage.sql())?)
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
