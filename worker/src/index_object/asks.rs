//! What the index asks the accounts' objects: their feeds after the lanes' marks (with a
//! head sync or an older page first when asked), each applied from the marks it was asked
//! from, within the asks one request may make.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures_util::future::join_all;
use worker::{Method, Response, SqlStorage};

use super::InboxIndex;
use crate::gate::protocol::SyncAsk;
use crate::respond;
use crate::rules::page_plan::Source;
use crate::rules::registry::{Account, Client};
use crate::rules::settings::Config;
use crate::store::inbox_index::{FeedAnswer, InboxIndex as IndexStore, Lane};

use super::FEED_ROUNDS;

/// What the accounts' objects answered while a page was made.
#[derive(Default)]
pub(super) struct Asked {
    pub(super) source: Option<Source>,
    pub(super) credits: u64,
}

impl Asked {
    pub(super) fn note(&mut self, source: Source, credits: u64) {
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

/// One request's (or alarm's) asks: to whom, how many more it may make, what they answered.
pub(super) struct Asking<'a> {
    pub config: &'a Rc<Config>,
    pub index: &'a IndexStore<SqlStorage>,
    pub client: &'a Client,
    /// Asks left: each is a subrequest of this request, within the platform's cap.
    pub left: Cell<u32>,
    pub asked: RefCell<Asked>,
}

impl<'a> Asking<'a> {
    /// A request's asks, `MAX_ASKS_PER_PAGE` of them, none made yet.
    pub(super) fn new(
        config: &'a Rc<Config>,
        index: &'a IndexStore<SqlStorage>,
        client: &'a Client,
    ) -> Self {
        Self {
            config,
            index,
            client,
            left: Cell::new(super::MAX_ASKS_PER_PAGE),
            asked: RefCell::new(Asked::default()),
        }
    }
}

impl InboxIndex {
    /// Asks the objects of `lanes` for their feeds (with the syncs `ask` names), together,
    /// and applies each from the marks it was asked from. One account's refusal (its rate,
    /// its budget, its session, with nothing stored) is the answer.
    pub(super) async fn take(
        &self,
        asking: &Asking<'_>,
        lanes: &[Lane],
        ask: &SyncAsk,
    ) -> worker::Result<Result<(), Response>> {
        let answers = join_all(lanes.iter().filter_map(|lane| {
            let account = asking
                .client
                .accounts
                .iter()
                .find(|a| a.id == lane.account)?;
            Some(self.take_lane(asking, account, ask))
        }))
        .await;
        for answer in answers {
            match answer? {
                Ok((source, credits)) => asking.asked.borrow_mut().note(source, credits),
                Err(refusal) => return Ok(Err(refusal)),
            }
        }
        Ok(Ok(()))
    }

    /// One account's feed after the lane's marks, taken to its end (bounded).
    async fn take_lane(
        &self,
        asking: &Asking<'_>,
        account: &Account,
        first: &SyncAsk,
    ) -> worker::Result<Result<(Source, u64), Response>> {
        let (index, asks) = (asking.index, &asking.left);
        let (mut source, mut credits) = (Source::Hit, 0);
        for round in 0..FEED_ROUNDS {
            // Each ask is a subrequest of this request: within the platform's cap.
            if asks.get() == 0 {
                break;
            }
            asks.set(asks.get() - 1);
            // A lane the client dropped meanwhile is not asked for again.
            let Some(lane) = index.lane(&account.id)? else {
                break;
            };
            let marks = lane.marks;
            let ask = SyncAsk {
                marks,
                head: first.head && round == 0,
                tail: first.tail && round == 0,
            };
            let sent = crate::edge::account_object::send(
                &self.env,
                asking.config,
                Some(&asking.client.name),
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
