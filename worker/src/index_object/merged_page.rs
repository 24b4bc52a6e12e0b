//! A merged page of the client's index: the lanes brought up to date where their heads are
//! old or their inboxes not in yet (within the asks one request may make), then one query,
//! extended by older pages where the walk reaches the end of what an account's store holds.

use std::rc::Rc;
use std::time::Duration;

use linkedin_inbox::ConversationPage;
use worker::{Delay, Response, ResponseBody, SqlStorage};

use super::asks::Asking;
use super::{ready, InboxIndex, PageAsk, BUILD_STEP_MS, MAX_ASKS_PER_PAGE, TAIL_ROUNDS};
use crate::gate::protocol::SyncAsk;
use crate::respond;
use crate::rules::merged_walk;
use crate::rules::merged_walk::IndexPosition;
use crate::rules::page_body::page_with_items;
use crate::rules::page_plan::{Source, BROWSER_MAX_AGE_SECS};
use crate::rules::settings::Config;
use crate::rules::triage::ViewFilter;
use crate::store::inbox_index::{InboxIndex as IndexStore, Lane, Lanes};
use crate::store::Filters;

impl InboxIndex {
    /// A merged page: lanes brought up to date where needed, then one query.
    pub(super) async fn page(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        ask: &PageAsk,
    ) -> worker::Result<Response> {
        let client = match self.client_request(config, index, &ask.client).await? {
            Ok(client) => client,
            Err(refusal) => return Ok(refusal),
        };
        let now = worker::Date::now().as_millis();
        let ttl_ms = config.head_ttl_secs.saturating_mul(1000);
        // Lanes never taken (or not whole), and heads older than the TTL: their objects sync
        // and answer, as many as one request may ask (the rest: the next page).
        let asking = Asking::new(config, index, &client);
        let mut due = index.lanes_where(Lanes::Due {
            head_before: now.saturating_sub(ttl_ms),
        })?;
        due.sort_by_key(|l| (ready(l), l.head_at));
        let later = due.split_off(due.len().min(MAX_ASKS_PER_PAGE as usize));
        let heads = SyncAsk {
            marks: None,
            head: true,
            tail: false,
        };
        let taken = self.take(&asking, &due, &heads).await?;
        if let Err(refusal) = taken {
            return Ok(refusal);
        }
        if !later.is_empty() {
            asking.asked.borrow_mut().note(Source::Stale, 0);
        }
        if let Err(building) = self.whole(index).await? {
            return Ok(building);
        }
        let filters = Filters {
            unread: ask.unread,
            keywords: ask.keywords.as_deref().filter(|k| !k.trim().is_empty()),
            person: ask.person.as_deref(),
            view: ask.view.as_ref(),
            now_ms: i64::try_from(now).unwrap_or(i64::MAX),
        };
        let count = ask.count.clamp(1, 100);
        let searchable = filters
            .keywords
            .is_none_or(|k| crate::rules::fts_query::fts_query(k).is_some());
        // Triage lives on stored conversations, all in the index: such a view needs no tail.
        let stored_only = ask.view.as_ref().is_some_and(ViewFilter::stored_only);
        let mut rounds = 0;
        let (page, bounded) = loop {
            let open: Vec<(Lane, Option<IndexPosition>)> = index
                .lanes_where(Lanes::Incomplete)?
                .into_iter()
                .map(|l| {
                    let end = index.lane_end(&l.account)?;
                    Ok((l, end))
                })
                .collect::<crate::store::sql::Result<_>>()?;
            let bound = match stored_only {
                true => None,
                false => earliest(&open),
            };
            let page = match &bound {
                Some(None) => None,
                Some(Some(b)) => Some(index.page(&filters, ask.after.as_ref(), Some(b), count)?),
                None => Some(index.page(&filters, ask.after.as_ref(), None, count)?),
            };
            let full = page.as_ref().is_some_and(|p| p.matched > count);
            let out_of_asks = asking.left.get() == 0;
            if stored_only {
                break (page, false);
            }
            if full || open.is_empty() || !searchable || rounds == TAIL_ROUNDS || out_of_asks {
                break (page, !open.is_empty());
            }
            // The page ends at a store's end: the accounts whose stored list ends before what
            // the page would show next sync an older page.
            let unbounded = index.page(&filters, ask.after.as_ref(), None, count)?;
            let cutoff = (unbounded.matched > count)
                .then_some(unbounded.last)
                .flatten();
            let extend: Vec<Lane> = open
                .into_iter()
                .filter(|(_, end)| match (end, &cutoff) {
                    (Some(end), Some(cutoff)) => end.before(cutoff),
                    _ => true,
                })
                .map(|(lane, _)| lane)
                .collect();
            let tails = SyncAsk {
                marks: None,
                head: false,
                tail: true,
            };
            let taken = self.take(&asking, &extend, &tails).await?;
            if let Err(refusal) = taken {
                return Ok(refusal);
            }
            rounds += 1;
        };
        let asked = asking.asked.into_inner();
        let (json, matched, last) = match page {
            Some(p) => (p.json, p.matched, p.last),
            None => (String::new(), 0, None),
        };
        let more = matched > count || (bounded && searchable);
        let stored = u64::try_from(index.change_number()?).unwrap_or(0);
        let next_cursor = more.then(|| {
            let position = last.or(ask.after.clone()).unwrap_or(IndexPosition {
                at: i64::MAX,
                rank: -1,
                thread_id: String::new(),
            });
            let text = merged_walk::encode(&ask.fingerprint, stored, &position);
            config
                .cursor_key
                .seal(&merged_walk::scope(&ask.client), &text)
        });
        let total = (!bounded).then(|| index.count(&filters)).transpose()?;
        let merged = ConversationPage {
            items: Vec::new(),
            next_cursor,
            total,
            account_id: None,
            owner_profile_urn: None,
            filters_applied: true,
            credit_cost: u32::try_from(asked.credits).unwrap_or(u32::MAX),
        };
        let body = page_with_items(merged, &json);
        // Lanes never synced (a wiped store, one fed only by webhooks) have no head's age.
        let oldest_head = index.oldest_head()?.unwrap_or(now);
        let age = now.saturating_sub(oldest_head) / 1000;
        let source = asked.source.unwrap_or(Source::Hit);
        let browser_max_age = match ask.continued {
            false => 0,
            true => BROWSER_MAX_AGE_SECS.min(config.head_ttl_secs),
        };
        respond::page_response(
            ResponseBody::Body(body.into_bytes()),
            source,
            browser_max_age,
            matches!(source, Source::Hit | Source::Stale).then_some(age),
            asked.credits,
            0,
        )
    }

    /// Waits until every lane is whole: more accounts not in than one request may ask are
    /// taken by the alarm, each run with its own subrequests (a first page of a large client).
    /// `Err`: still building past the wait, the 503 to answer.
    pub(super) async fn whole(
        &self,
        index: &IndexStore<SqlStorage>,
    ) -> worker::Result<Result<(), Response>> {
        let mut waited_ms = 0;
        loop {
            let (lanes, unready) = index.lane_counts()?;
            if unready == 0 {
                return Ok(Ok(()));
            }
            if waited_ms >= BUILD_WAIT_MS {
                return Ok(Err(building(lanes - unready, lanes)?));
            }
            if self.state.storage().get_alarm().await?.is_none() {
                self.state
                    .storage()
                    .set_alarm(Duration::from_millis(BUILD_STEP_MS))
                    .await?;
            }
            Delay::from(Duration::from_millis(BUILD_POLL_MS)).await;
            waited_ms += BUILD_POLL_MS;
        }
    }
}

/// How long a page waits for the alarm to take the accounts' inboxes it could not ask itself.
const BUILD_WAIT_MS: u64 = 20_000;
/// How often the waiting page looks.
const BUILD_POLL_MS: u64 = 100;

/// A merged page cannot be answered until every account's inbox is in the index (a first
/// page, or one after the index was lost): asked again in a moment, it goes on.
fn building(ready: usize, total: usize) -> worker::Result<Response> {
    let mut response = respond::core_error(&linkedin_inbox::Error::Unavailable {
        message: format!(
            "the merged inbox is being built ({ready} of {total} accounts in): ask again in a moment"
        ),
    })?;
    response.headers_mut().set("Retry-After", "1")?;
    Ok(response)
}

/// The earliest end among accounts whose lists go on: `None` when every list is whole,
/// `Some(None)` when one has nothing stored yet (nothing may be shown before it syncs).
fn earliest(open: &[(Lane, Option<IndexPosition>)]) -> Option<Option<IndexPosition>> {
    let mut bound: Option<Option<IndexPosition>> = None;
    for (_, end) in open {
        bound = Some(match (bound, end) {
            (Some(None), _) | (_, None) => None,
            (None, Some(end)) => Some(end.clone()),
            (Some(Some(current)), Some(end)) => Some(match end.before(&current) {
                true => end.clone(),
                false => current,
            }),
        });
    }
    bound
}
