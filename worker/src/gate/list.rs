//! `GET /v1/conversations` from the account's inbox store: the head of the unfiltered list is
//! synced from the provider when older than `HEAD_TTL_SECS` (or after `POST /v1/refresh`),
//! older pages only when a request reaches past what is stored; filters, ordering and search
//! are applied here, so they are right whatever the provider could filter, and changing them
//! costs no upstream call. Identical syncs in flight are shared. When a sync fails, the stored
//! inbox answers `STALE`.

use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either, FutureExt};
use linkedin_inbox::{ConversationPage, ConversationQuery, Cursor, Error, Page, Provider};
use worker::{Delay, Response, ResponseBody};

use super::clock::arrival_ms;
use super::contract_watch::ContractWatch;
use super::exchange_driver::{fetch_admitted, Meter, Upstream};
use super::key_permits::Patience;
use super::ledger::Ledger;
use super::{AccountGate, SyncResult};
use crate::respond::{self, page_response};
use crate::rules::admission::{Billing, Cost, Limits};
use crate::rules::client_auth::account_digest;
use crate::rules::page_body::page_with_items;
use crate::rules::page_plan::{clamp_retry_after, PageRequest, Source};
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::triage::{view_bound, ViewFilter};
use crate::store::{Filters, Position};

mod head;

/// Conversations asked of the provider per sync call (its maximum page).
const SYNC_PAGE: u32 = 100;
/// Older upstream pages one request may read to fill its page.
const TAIL_PAGES_PER_REQUEST: u32 = 5;
/// The page size when the query names none.
const DEFAULT_COUNT: u32 = 20;

fn invalid_cursor() -> Error {
    Error::InvalidCursor {
        reason: "not a position in this inbox".into(),
    }
}

impl AccountGate {
    /// Syncs the head (`tail` `None`) or the older page at `tail` into the inbox: how it was
    /// answered (`MISS`, or `COALESCED` when an identical sync was in flight) and its credits.
    /// `patience`: how long it may wait for its provider key's permits.
    pub(super) async fn sync(
        &self,
        config: &Rc<Config>,
        account: &Account,
        generation: u64,
        tail: Option<String>,
        now: u64,
        patience: Patience,
    ) -> worker::Result<Result<(Source, u64), Error>> {
        let epoch = self.ledger()?.wipe_epoch()?;
        let key = match &tail {
            None => format!("head:g{generation}:w{epoch}"),
            Some(cursor) => format!("tail:w{epoch}:{cursor}"),
        };
        // No age limit: a sync's entry lives while it runs (its leader finishes it).
        let joined = self.syncs.join(&key, now, None);
        if let Some(shared) = joined {
            let wait = pin!(Delay::from(Duration::from_millis(config.coalesce_wait_ms)));
            return Ok(match select(shared, wait).await {
                // The leader spent the credits; this request spent none.
                Either::Left((result, _)) => result.map(|_| (Source::Coalesced, 0)),
                Either::Right(_) => Err(Error::Network {
                    message: "an identical request is still waiting for the provider".into(),
                }),
            });
        }
        let backend = match config.backend(account) {
            Ok(backend) => backend,
            Err(_) => {
                return Ok(Err(Error::Unavailable {
                    message: "the proxy is misconfigured".into(),
                }))
            }
        };
        let query = ConversationQuery {
            account_id: account.connectsafely_account_id.clone(),
            count: Some(SYNC_PAGE),
            cursor: tail.clone(),
            ..Default::default()
        };
        let request = PageRequest::Conversations(query.clone());
        let provider = backend
            .provider_of(&request.operation())
            .ok()
            .flatten()
            .unwrap_or(Provider::ConnectSafely);
        let plan = match request.plan(config, &account_digest(account), generation, provider) {
            Ok(plan) => plan,
            Err(e) => return Ok(Err(e)),
        };
        let (config_rc, storage, read_from) = (config.clone(), self.state.storage(), tail.clone());
        let meter = Meter {
            page: Cost::call(plan.provider, plan.credits).billed(Billing::of(&backend)),
            limits: Limits::of(config),
        };
        let ledger = self.ledger()?;
        let watch = ContractWatch::new(self.store()?, config);
        let operation = request.operation();
        // Admission, the fetch and the upsert all happen inside the one shared future, so the
        // map entry exists before anything awaits.
        let shared = async move {
            let upstream = Upstream {
                backend,
                operation,
                timeout_ms: config_rc.upstream_timeout_ms,
            };
            let fetched = fetch_admitted(upstream, ledger.clone(), meter, watch, patience, now)
                .await
                .map_err(|e| clamp_retry_after(e, config_rc.max_pause_secs));
            let arrived = arrival_ms();
            let outcome = match fetched {
                // A page fetched before a wipe of the store is not kept.
                Ok((Page::Conversations(_), credits))
                    if ledger.wipe_epoch().is_ok_and(|now| now != epoch) =>
                {
                    Ok(credits)
                }
                Ok((Page::Conversations(page), credits)) => {
                    store(&storage, &page, read_from.as_deref(), arrived, generation)
                        .map(|()| credits)
                        .map_err(storage_error)
                }
                Ok(_) => Err(Error::Unavailable {
                    message: "the provider answered a list with something else".into(),
                }),
                Err(error) => Err(error),
            };
            if outcome.is_ok() {
                let _ = ledger.record_miss().await;
            }
            outcome
        }
        .boxed_local()
        .shared();
        let lead = self.syncs.lead(key.clone(), shared.clone(), now);
        let result: SyncResult = shared.await;
        lead.finish();
        Ok(result.map(|credits| (Source::Miss, credits.total)))
    }

    /// A page of the account's conversations from its inbox store.
    pub(super) async fn list(
        &self,
        config: &Rc<Config>,
        account: &Account,
        (query, view): (&ConversationQuery, Option<&ViewFilter>),
        ledger: &Ledger,
        generation: u64,
        now: u64,
    ) -> worker::Result<Response> {
        let inbox = self.store()?;
        let fingerprint = match query.fingerprint() {
            Ok(f) => f,
            Err(e) => return respond::core_error(&e),
        };
        // A cursor is bound to the triage view too, in its position (the core checks the
        // filters it knows).
        let view_mark = view.map(ViewFilter::fingerprint).unwrap_or_default();
        let (provider, after) = match query.cursor.as_deref().map(Cursor::decode).transpose() {
            Ok(Some(cursor)) => match (cursor.fingerprint == fingerprint
                && view_bound(&cursor.upstream, &view_mark))
            .then(|| Position::decode(&cursor.upstream))
            .flatten()
            {
                Some(position) => (cursor.provider, Some(position)),
                None => return respond::core_error(&invalid_cursor()),
            },
            Ok(None) => (Provider::ConnectSafely, None),
            Err(e) => return respond::core_error(&e),
        };
        let (mut state, mut source, mut credits, stale) = match self
            .fresh_head(config, account, ledger, generation, now)
            .await?
        {
            Ok(head) => (head.state, head.source, head.credits, head.stale),
            Err(refusal) => return Ok(refusal),
        };
        let filters = Filters {
            unread: query.unread,
            keywords: query.keywords.as_deref().filter(|k| !k.trim().is_empty()),
            person: None,
            view,
            now_ms: i64::try_from(now).unwrap_or(i64::MAX),
        };
        let count = query.count.unwrap_or(DEFAULT_COUNT);
        let mut end = inbox.page_end(&filters, after.as_ref(), count)?;
        let mut older = 0;
        // Keywords with no searchable word match nothing: no upstream page can change that.
        let searchable = filters
            .keywords
            .is_none_or(|k| crate::rules::fts_query::fts_query(k).is_some());
        // Triage lives on stored conversations only: older pages cannot add to such a view.
        let stored_only = view.is_some_and(ViewFilter::stored_only);
        while searchable
            && !stored_only
            && end.matched <= count
            && !stale
            && older < TAIL_PAGES_PER_REQUEST
        {
            let Some(tail) = state
                .as_ref()
                .filter(|s| !s.is_complete())
                .and_then(|s| s.tail.clone())
            else {
                break;
            };
            match self
                .sync(
                    config,
                    account,
                    generation,
                    Some(tail),
                    now,
                    Patience::Client,
                )
                .await?
            {
                Ok((_, spent)) => {
                    source = Source::Miss;
                    credits += spent;
                    state = inbox.sync_state()?;
                }
                Err(_) => break,
            }
            end = inbox.page_end(&filters, after.as_ref(), count)?;
            older += 1;
        }
        let complete = stored_only || state.as_ref().is_some_and(|s| s.is_complete());
        let more = end.matched > count;
        let provider = match query.cursor {
            Some(_) => provider,
            None => config
                .backend(account)
                .ok()
                .and_then(|b| {
                    b.provider_of(&PageRequest::Conversations(query.clone()).operation())
                        .ok()
                        .flatten()
                })
                .unwrap_or(Provider::ConnectSafely),
        };
        // When the position does not move (nothing matched yet), how many conversations are
        // stored makes the cursor differ from the one presented, so a walk goes on.
        let stored = match end.matched == 0 {
            true => inbox.count(&Filters {
                unread: None,
                keywords: None,
                person: None,
                view: None,
                now_ms: 0,
            })?,
            false => 0,
        };
        let next_cursor = match (more, complete) {
            (false, true) => None,
            _ => {
                // After the last item shown (or where this page started, with the number of
                // stored conversations so a repeat differs), bound to the filters and signed.
                // Nothing matched yet and nothing presented: from the top, so the walk goes on.
                let position = end.last.clone().or(after.clone()).or(Some(Position {
                    last_activity_at: i64::MAX,
                    thread_id: String::new(),
                }));
                position.map(|p| {
                    let core = Cursor {
                        provider,
                        fingerprint: fingerprint.clone(),
                        upstream: format!("{view_mark}{}", p.encode(stored)),
                        skip: 0,
                    }
                    .encode();
                    config.cursor_key.seal(&account_digest(account), &core)
                })
            }
        };
        let total = match complete {
            true => Some(inbox.count(&filters)?),
            false => None,
        };
        // The page with the stored items spliced in as they are.
        let page = ConversationPage {
            items: Vec::new(),
            next_cursor,
            total,
            account_id: state.as_ref().and_then(|s| s.account_id.clone()),
            owner_profile_urn: state.as_ref().and_then(|s| s.owner.clone()),
            filters_applied: true,
            credit_cost: u32::try_from(credits).unwrap_or(u32::MAX),
        };
        let items = inbox.joined_json(&filters, after.as_ref(), count, &account.id)?;
        let body = page_with_items(page, &items);
        let head_at = state.as_ref().map_or(now, |s| s.head_at as u64);
        let age = now.saturating_sub(head_at) / 1000;
        let source = if stale { Source::Stale } else { source };
        if source == Source::Hit || source == Source::Coalesced {
            ledger.record_saved(0, source == Source::Coalesced).await?;
        }
        if stale {
            ledger.record_stale().await?;
        }
        let browser_max_age = match after {
            None => 0,
            Some(_) => crate::rules::page_plan::BROWSER_MAX_AGE_SECS.min(config.head_ttl_secs),
        };
        page_response(
            ResponseBody::Body(body.into_bytes()),
            source,
            browser_max_age,
            matches!(source, Source::Hit | Source::Stale).then_some(age),
            credits,
            0,
        )
    }
}

fn storage_error(error: worker::Error) -> Error {
    worker::console_error!("inbox store failed: {error}");
    Error::Unavailable {
        message: "the account's store failed".into(),
    }
}

/// Stores a synced page of the list and where the sync stands.
fn store(
    storage: &worker::Storage,
    page: &ConversationPage,
    tail: Option<&str>,
    now: u64,
    generation: u64,
) -> worker::Result<()> {
    let inbox = super::store_of(storage)?;
    inbox.upsert_conversations(page)?;
    match tail {
        None => inbox.record_head(page, now, generation)?,
        Some(previous) => inbox.record_tail(page, previous)?,
    }
    Ok(())
}
