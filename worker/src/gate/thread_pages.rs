//! One page through the object: the cache, coalescing of identical in-flight calls,
//! admission against the budget and credit cap, the upstream call and the stale fallback.

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{select, Either, FutureExt};
use linkedin_inbox::{Error, MessagePage, Page, Provider};
use worker::{Delay, Response, ResponseBody};

use super::clock::arrival_ms;
use super::contract_watch::ContractWatch;
use super::exchange_driver::{fetch_admitted, Meter, Upstream};
use super::key_permits::Patience;
use super::ledger::Ledger;
use super::pages::{PageAnswer, Stored};
use super::{misconfigured, with_generation, AccountGate, Fetched, PageCall};
use crate::respond::{self, page_response};
use crate::rules::admission::{Billing, Cost, Limits};
use crate::rules::client_auth::account_digest;
use crate::rules::page_plan::{
    any_size_prefix, clamp_retry_after, stale_allowed, PageRequest, Plan, Source,
};
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::store::sql_storage::ObjectStore;

impl AccountGate {
    /// A thread's stored head page past its TTL that is still current: the list, synced within
    /// `HEAD_TTL_SECS`, shows no activity in the thread after its newest stored message. The
    /// store already knows when a thread changed: no credits are spent to find out.
    pub(super) fn unchanged_thread(
        &self,
        config: &Config,
        page: &PageRequest,
        plan: &Plan,
        pages: &ObjectStore,
        now: u64,
    ) -> worker::Result<Option<Stored>> {
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
        let store = self.store()?;
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
        let Some(stored) = pages.stale_page(&plan.key, now)? else {
            return Ok(None);
        };
        let newest = serde_json::from_str::<MessagePage>(&stored.body)
            .ok()
            .and_then(|p| p.items.first().map(|m| m.sent_at));
        Ok(newest
            .filter(|newest| *newest >= last_activity)
            .map(|_| stored))
    }

    pub(super) async fn page(
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

    pub(super) async fn answer(
        &self,
        config: &Config,
        account: &Account,
        page: &PageRequest,
        plan: &Plan,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Response> {
        let pages = self.store()?;
        if let Some(hit) = pages.fresh_page(&plan.key, now)? {
            ledger.record_saved(plan.credits, false).await?;
            return hit.hit(plan);
        }
        // A thread stored whole in fewer messages (a conversation a send just opened).
        let whole = match (page, any_size_prefix(&plan.key)) {
            (PageRequest::Messages(_), Some((prefix, count))) if plan.is_head => {
                pages.whole_thread_page(&prefix, count, now)?
            }
            _ => None,
        };
        if let Some(whole) = whole {
            ledger.record_saved(plan.credits, false).await?;
            return whole.hit(plan);
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
        let backend = match self.backend(config, account) {
            Ok(backend) => backend,
            Err(_) => return misconfigured(),
        };
        let epoch = ledger.wipe_epoch()?;
        let meter = Meter {
            page: Cost::call(plan.provider, plan.credits).billed(Billing::of(&backend)),
            limits: Limits::of(config),
        };
        let (max_pause_secs, key, account) = (
            config.max_pause_secs,
            config.cursor_key.clone(),
            account_digest(account),
        );
        let media_key = config.media_key.clone();
        let upstream = Upstream {
            backend,
            operation: page.operation(),
            timeout_ms: config.upstream_timeout_ms,
        };
        let watch = ContractWatch::new(self.store()?, config);
        // Inside the shared future (in the in-flight map before anything awaits): the
        // admission, the call and its settlement.
        let fetch = fetch_admitted(
            upstream,
            ledger.clone(),
            meter,
            watch,
            Patience::Client,
            now,
        );
        let shared = fetch
            .map(move |result| {
                result
                    .map_err(|e| clamp_retry_after(e, max_pause_secs))
                    .and_then(|(mut page, spent)| {
                        // Cursors leave signed for this account (waiters share the body).
                        let cursor = page.next_cursor_mut();
                        *cursor = cursor.take().map(|c| key.seal(&account, &c));
                        // Files leave with sealed refs, never the provider's URL.
                        if let Page::Messages(thread) = &mut page {
                            media_key.seal_messages(&mut thread.items, &account, now);
                        }
                        let body =
                            serde_json::to_string(&page).map_err(|e| Error::Unavailable {
                                message: format!("page could not be serialized: {e}"),
                            })?;
                        Ok(Fetched {
                            body,
                            credits: spent.total,
                        })
                    })
            })
            .boxed_local()
            .shared();
        let lead = self.page_calls.lead(plan.key.clone(), shared.clone(), now);
        let result = shared.await;
        let arrived = arrival_ms();
        // A page fetched before a wipe of the store is answered, not kept (nor one whose
        // epoch cannot be read: the entry below must go whatever happens here).
        let kept = ledger.wipe_epoch().is_ok_and(|current| current == epoch);
        if let (Ok(fetched), true) = (&result, kept) {
            // Stored before the in-flight entry goes, so no request falls between the two.
            if let Err(e) = pages.put_page(
                &plan.key,
                &fetched.body,
                plan.ttl_secs,
                config.stale_window_secs,
                arrived,
            ) {
                worker::console_error!("page store failed: {e}");
            }
        }
        lead.finish();
        match result {
            Ok(fetched) => {
                // A thread's messages become searchable in the account's inbox.
                let thread = serde_json::from_str::<MessagePage>(&fetched.body).ok();
                if let (Some(thread), true) = (thread, kept) {
                    let indexed = self
                        .store()
                        .and_then(|store| Ok(store.index_messages(&thread)?));
                    if let Err(e) = indexed {
                        worker::console_error!("message index failed: {e}");
                    }
                }
                ledger.record_miss().await?;
                page_response(
                    ResponseBody::Body(fetched.body.into_bytes()),
                    Source::Miss,
                    plan.browser_max_age(plan.ttl_secs),
                    None,
                    fetched.credits,
                    0,
                )
            }
            Err(error) => self.fallback(plan, &error, ledger, now).await,
        }
    }

    /// The in-flight call for `key`, unless it is older than any call can last (a leader
    /// that was cancelled never finishes its entry).
    pub(super) fn joinable(&self, key: &str, now: u64, config: &Config) -> Option<PageCall> {
        let limit = config.upstream_timeout_ms + 2_000;
        self.page_calls.join(key, now, Some(limit))
    }

    /// A stale page within the stale window when the provider failed, else the error.
    pub(super) async fn fallback(
        &self,
        plan: &Plan,
        error: &Error,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Response> {
        // A refused session: the store answers, else the wait for the next probe.
        if let Some(held) = self.held_answer(plan, ledger, now).await? {
            return Ok(held);
        }
        if stale_allowed(error) {
            if let Some(stale) = self.store()?.stale_page(&plan.key, now)? {
                ledger.record_stale().await?;
                return stale.stale();
            }
        }
        respond::core_error(error)
    }
}
