//! `InboxIndex`: one Durable Object per client, its merged inbox (issue 33) over every
//! account it lists, on its own SQLite (`store/inbox_index/`). The accounts' objects push
//! what changed in their stores (`gate/index_feed.rs`); a merged page asks an account's
//! object only when its copy of that account's head is older than `HEAD_TTL_SECS`, or when
//! the walk reaches the end of what that account's store holds. So a merged page, a merged
//! search and their counts are one query here, whatever the number of accounts.
//!
//! Never wrong while it catches up: a lane applies an account's feed only from the marks it
//! holds (a push from other marks is answered with its own, a lane without marks takes the
//! whole inbox first), and no page reaches past the oldest stored conversation of an account
//! whose list goes on (it is synced further first, or the page ends there).

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::join_all;
use linkedin_inbox::{ConversationPage, ErrorCode};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, ResponseBody, SqlStorage, State,
    Stub,
};

use crate::gate::index_feed::SyncAsk;
use crate::respond;
use crate::rules::merged_walk;
use crate::rules::page_body::page_with_items;
use crate::rules::page_plan::{Source, BROWSER_MAX_AGE_SECS};
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::store::inbox_index::{FeedAnswer, InboxIndex as IndexStore, IndexPosition, Lane};
use crate::store::index_feed::FeedMarks;
use crate::store::Filters;

/// The binding of the index objects (`wrangler.toml`).
pub const INDEX_BINDING: &str = "INBOX_INDEX";
/// Rounds of older pages a merged page may ask for before it ends where the stores end.
const TAIL_ROUNDS: usize = 3;
/// Feed answers one lane takes in one request (the rest on the next).
const FEED_ROUNDS: usize = 40;

/// The client's index object.
pub fn index_stub(env: &Env, client: &str) -> worker::Result<Stub> {
    env.durable_object(INDEX_BINDING)?
        .id_from_name(&format!("client:{client}"))?
        .get_stub()
}

/// A push of an account's object (`gate/index_feed.rs`).
#[derive(Deserialize)]
struct ApplyRequest<'a> {
    account: String,
    from: Option<FeedMarks>,
    #[serde(borrow)]
    feed: FeedAnswer<'a>,
}

/// What the index answers a push.
#[derive(Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "camelCase")]
pub enum ApplyAnswer {
    Applied,
    /// The index holds other marks (or none): the push must start from them.
    Behind {
        marks: Option<FeedMarks>,
    },
    /// The client no longer lists the account.
    NotListed,
}

/// A merged page, as the edge asks it (the cursor opened and checked there).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageAsk {
    pub client: String,
    pub fingerprint: String,
    pub unread: Option<bool>,
    pub keywords: Option<String>,
    pub count: u32,
    pub after: Option<IndexPosition>,
    /// Whether a cursor was presented (the first page is never kept by the browser).
    pub continued: bool,
}

#[durable_object]
pub struct InboxIndex {
    state: State,
    env: Env,
    store: RefCell<Option<Rc<IndexStore<SqlStorage>>>>,
}

impl DurableObject for InboxIndex {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            store: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let Ok(config) = crate::env::config(&self.env) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let index = self.store()?;
        match req.path().as_str() {
            "/apply" => {
                let body = req.text().await?;
                let push: ApplyRequest<'_> = serde_json::from_str(&body)?;
                let answer = match index.lane(&push.account)? {
                    None => ApplyAnswer::NotListed,
                    Some(lane)
                        if lane.marks != push.from
                            || (lane.marks.is_none() && !push.feed.reset) =>
                    {
                        ApplyAnswer::Behind { marks: lane.marks }
                    }
                    Some(_) => {
                        index.apply(&push.account, &push.feed)?;
                        ApplyAnswer::Applied
                    }
                };
                Response::from_json(&answer)
            }
            "/page" => {
                let ask: PageAsk = req.json().await?;
                self.page(&config, &index, &ask).await
            }
            "/clear" => {
                index.clear()?;
                Ok(Response::empty()?.with_status(204))
            }
            _ => respond::refuse(ErrorCode::NotFound, "no such route"),
        }
    }
}

/// What the accounts' objects answered while a page was made.
#[derive(Default)]
struct Asked {
    source: Option<Source>,
    credits: u64,
}

impl Asked {
    fn note(&mut self, source: Source, credits: u64) {
        self.credits += credits;
        let rank = |s: Option<Source>| match s {
            Some(Source::Stale) => 3,
            Some(Source::Miss) => 2,
            Some(Source::Coalesced) => 1,
            _ => 0,
        };
        if rank(Some(source)) > rank(self.source) {
            self.source = Some(source);
        }
    }
}

impl InboxIndex {
    fn store(&self) -> worker::Result<Rc<IndexStore<SqlStorage>>> {
        if let Some(store) = self.store.borrow().as_ref() {
            return Ok(store.clone());
        }
        let store = Rc::new(IndexStore::open(self.state.storage().sql())?);
        *self.store.borrow_mut() = Some(store.clone());
        Ok(store)
    }

    /// A merged page: lanes brought up to date where needed, then one query.
    async fn page(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        ask: &PageAsk,
    ) -> worker::Result<Response> {
        let Some(client) = crate::directory::client_named(&self.env, config, &ask.client).await?
        else {
            return respond::refuse(ErrorCode::Unauthorized, "unknown client");
        };
        let ids: Vec<&str> = client.accounts.iter().map(|a| a.id.as_str()).collect();
        index.set_accounts(&ids)?;
        let now = worker::Date::now().as_millis();
        let ttl_ms = config.head_ttl_secs.saturating_mul(1000);
        let mut asked = Asked::default();
        // Lanes never taken, and heads older than the TTL: their objects sync and answer.
        let due: Vec<Lane> = index
            .lanes()?
            .into_iter()
            .filter(|l| l.marks.is_none() || !l.synced || now >= l.head_at.saturating_add(ttl_ms))
            .collect();
        let heads = SyncAsk {
            marks: None,
            head: true,
            tail: false,
        };
        if let Err(refusal) = self
            .take(
                config,
                index,
                &client.name,
                &client.accounts,
                &due,
                &heads,
                &mut asked,
            )
            .await?
        {
            return Ok(refusal);
        }
        let filters = Filters {
            unread: ask.unread,
            keywords: ask.keywords.as_deref().filter(|k| !k.trim().is_empty()),
        };
        let count = ask.count.clamp(1, 100);
        let searchable = filters
            .keywords
            .is_none_or(|k| crate::rules::fts_query::fts_query(k).is_some());
        let mut rounds = 0;
        let (page, bounded) = loop {
            let lanes = index.lanes()?;
            let open: Vec<(Lane, Option<IndexPosition>)> = lanes
                .into_iter()
                .filter(|l| !l.complete)
                .map(|l| {
                    let end = index.lane_end(&l.account)?;
                    Ok((l, end))
                })
                .collect::<crate::store::sql::Result<_>>()?;
            let bound = earliest(&open);
            let page = match &bound {
                Some(None) => None,
                Some(Some(b)) => Some(index.page(&filters, ask.after.as_ref(), Some(b), count)?),
                None => Some(index.page(&filters, ask.after.as_ref(), None, count)?),
            };
            let full = page.as_ref().is_some_and(|p| p.matched > count);
            if full || open.is_empty() || !searchable || rounds == TAIL_ROUNDS {
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
            if let Err(refusal) = self
                .take(
                    config,
                    index,
                    &client.name,
                    &client.accounts,
                    &extend,
                    &tails,
                    &mut asked,
                )
                .await?
            {
                return Ok(refusal);
            }
            rounds += 1;
        };
        let (json, matched, last) = match page {
            Some(p) => (p.json, p.matched, p.last),
            None => (String::new(), 0, None),
        };
        let more = matched > count || (bounded && searchable);
        let stored = index.count(&Filters::default())?;
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
        let oldest_head = index
            .lanes()?
            .iter()
            .map(|l| l.head_at)
            .min()
            .unwrap_or(now);
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

    /// Asks the objects of `lanes` for their feeds (with the syncs `ask` names), together,
    /// and applies each from the marks it was asked from. One account's refusal (its rate,
    /// its budget, its session, with nothing stored) is the answer.
    async fn take(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        client: &str,
        accounts: &[Account],
        lanes: &[Lane],
        ask: &SyncAsk,
        asked: &mut Asked,
    ) -> worker::Result<Result<(), Response>> {
        let answers = join_all(lanes.iter().filter_map(|lane| {
            let account = accounts.iter().find(|a| a.id == lane.account)?;
            Some(self.take_lane(config, index, client, account, ask))
        }))
        .await;
        for answer in answers {
            match answer? {
                Ok((source, credits)) => asked.note(source, credits),
                Err(refusal) => return Ok(Err(refusal)),
            }
        }
        Ok(Ok(()))
    }

    /// One account's feed after the lane's marks, taken to its end (bounded).
    async fn take_lane(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        client: &str,
        account: &Account,
        first: &SyncAsk,
    ) -> worker::Result<Result<(Source, u64), Response>> {
        let (mut source, mut credits) = (Source::Hit, 0);
        for round in 0..FEED_ROUNDS {
            let marks = index.lane(&account.id)?.and_then(|l| l.marks);
            let ask = SyncAsk {
                marks,
                head: first.head && round == 0,
                tail: first.tail && round == 0,
            };
            let sent = crate::gate::forward::send(
                &self.env,
                config,
                Some(client),
                account,
                "/index/sync",
                Method::Post,
                Some(serde_json::to_string(&ask)?),
            )
            .await;
            let mut response = match sent {
                Ok(response) => response,
                Err(e) => {
                    worker::console_error!("account gate failed: {e}");
                    return Ok(Err(respond::core_error(
                        &linkedin_inbox::Error::Unavailable {
                            message: "the account gate is unavailable".into(),
                        },
                    )?));
                }
            };
            if response.status_code() != 200 {
                let synced = index.lane(&account.id)?.is_some_and(|l| l.synced);
                return match synced {
                    // The stored inbox answers for an account that refused.
                    true => Ok(Ok((Source::Stale, credits))),
                    false => Ok(Err(response)),
                };
            }
            if round == 0 {
                source = match response.headers().get("X-Cache")?.as_deref() {
                    Some("MISS") => Source::Miss,
                    Some("STALE") => Source::Stale,
                    Some("COALESCED") => Source::Coalesced,
                    _ => Source::Hit,
                };
                credits += response
                    .headers()
                    .get("X-Credit-Cost")?
                    .and_then(|c| c.parse::<u64>().ok())
                    .unwrap_or(0);
            }
            let body = response.text().await?;
            let feed: FeedAnswer<'_> = serde_json::from_str(&body)?;
            // A push may have moved the lane while this answer came: it is then taken again.
            let now_marks = index.lane(&account.id)?.and_then(|l| l.marks);
            if now_marks != marks {
                continue;
            }
            index.apply(&account.id, &feed)?;
            if !feed.more {
                break;
            }
        }
        Ok(Ok((source, credits)))
    }
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
