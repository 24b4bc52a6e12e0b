//! The account's side of its clients' merged indexes (`index_object/`): the feed an index
//! asks for (after a head sync when its copy of the head is old, or an older page when a
//! merged walk reaches the end of what is stored), and, after every request or alarm that
//! changed the store, the changes pushed to every index that holds the account, each from the
//! marks it was last handed (`store/index_feed.rs`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::join_all;

use worker::{Env, Method, Request, RequestInit, Response};

use super::key_permits::Patience;
use super::ledger::Ledger;
use super::protocol::SyncAsk;
use super::AccountGate;
use crate::index_object::{index_stub, ApplyAnswer};
use crate::rules::page_plan::Source;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::store::index_feed::{FeedMarks, FeedState};
use crate::store::ledger::Mark;
use crate::store::sql_storage::ObjectStore;

/// Conversations per feed answer (message texts: four times as many).
const FEED_LIMIT: u32 = 500;
/// Feed answers one push hands an index before the rest waits for the next change.
const PUSH_ROUNDS: usize = 8;
/// Pushes one request or alarm makes, to all indexes together: each is a subrequest
/// (Cloudflare allows 50 per request on the Free plan; the request's own calls come first). An index left out is handed its
/// changes by the next request that changes the store, or takes them itself when its copy
/// of the head is older than `HEAD_TTL_SECS`.
const MAX_PUSHES_PER_REQUEST: usize = 24;
/// A spending alone (the budgets of `/v1/accounts`) is pushed at most this often.
const SPENDING_PUSH_INTERVAL_MS: u64 = 60_000;

impl AccountGate {
    /// `/index/sync`: the syncs asked for, then the feed after the index's marks; the
    /// client's index is recorded as holding the account up to the answer.
    pub(super) async fn index_sync(
        &self,
        config: &Rc<Config>,
        client: &str,
        account: &Account,
        ask: &SyncAsk,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Response> {
        let inbox = self.store()?;
        let generation = ledger.generation().await?;
        let (mut source, mut credits, mut stale) = (Source::Hit, 0, false);
        let mut state = inbox.sync_state()?;
        if ask.head {
            match self
                .fresh_head(config, account, ledger, generation, now)
                .await?
            {
                Ok(head) => {
                    (source, credits, stale) = (head.source, head.credits, head.stale);
                    state = head.state;
                }
                Err(refusal) => return Ok(refusal),
            }
        }
        let tail = state
            .as_ref()
            .filter(|s| !s.is_complete())
            .and_then(|s| s.tail.clone());
        if let (true, false, Some(tail)) = (ask.tail, stale, tail) {
            let synced = self
                .sync(
                    config,
                    account,
                    generation,
                    Some(tail),
                    now,
                    Patience::Client,
                )
                .await?;
            if let Ok((_, spent)) = synced {
                source = Source::Miss;
                credits += spent;
            }
        }
        let feed = inbox.index_feed(ask.marks.as_ref(), FEED_LIMIT, now)?;
        inbox.subscribe_index(client, &feed.marks)?;
        let source = if stale { Source::Stale } else { source };
        let mut response = Response::ok(feed.json)?;
        let headers = response.headers_mut();
        headers.set("Content-Type", "application/json")?;
        headers.set("X-Cache", source.as_str())?;
        headers.set("X-Credit-Cost", &credits.to_string())?;
        Ok(response)
    }
}

/// Hands every index that holds the account what changed since the marks it was last handed
/// (when `before`, where the store stood as the request or alarm began, has moved, or only
/// what the account spent today), all of
/// them at once. An index that holds other marks (it was rebuilt) is answered from its own;
/// one whose client no longer lists the account is forgotten. `asker`: the client whose index
/// asked in this very request (its answer carries the changes). A failed push is retried by
/// the next change, or answered by the index's own ask when its copy of the head is old.
pub async fn push(
    env: &Env,
    inbox: &ObjectStore,
    account: &Account,
    before: &FeedState,
    asker: Option<&str>,
    now: u64,
) -> worker::Result<()> {
    let standing = inbox.feed_state(now)?;
    if standing == *before {
        return Ok(());
    }
    let spending_only = standing.marks == before.marks;
    if spending_only && now < inbox.mark(Mark::SpendingPushedAt)? + SPENDING_PUSH_INTERVAL_MS {
        return Ok(());
    }
    let position = standing.marks;
    let mut subscribers = inbox.index_subscribers()?;
    subscribers.retain(|(client, _)| Some(client.as_str()) != asker);
    // The furthest behind first: those a bounded request left out last time come first now.
    subscribers.sort_by_key(|(_, m)| (m.epoch, m.prunes, m.seq, m.message_seq));
    if spending_only {
        // All at the same marks: another part of them each time, so every index hears.
        inbox.set_mark(Mark::SpendingPushedAt, now)?;
        let turn = (now / SPENDING_PUSH_INTERVAL_MS) as usize;
        let len = subscribers.len().max(1);
        subscribers.rotate_left(turn.wrapping_mul(MAX_PUSHES_PER_REQUEST) % len);
    }
    let pushing = Pushing {
        env,
        inbox,
        account,
        position,
        now,
        left: Cell::new(MAX_PUSHES_PER_REQUEST),
        bodies: RefCell::default(),
    };
    let pushed = join_all(
        subscribers
            .iter()
            .map(|(client, marks)| push_one(&pushing, client, *marks)),
    )
    .await;
    pushed.into_iter().collect()
}

/// A push's body, and the marks it takes an index to.
type PushBody = Rc<(FeedMarks, String)>;

/// One request's pushes: where the store stands, the pushes left, and each feed body made
/// once for every index that stands at the same marks (the usual case: all of them).
struct Pushing<'a> {
    env: &'a Env,
    inbox: &'a ObjectStore,
    account: &'a Account,
    position: FeedMarks,
    now: u64,
    left: Cell<usize>,
    bodies: RefCell<HashMap<Option<FeedMarks>, PushBody>>,
}

impl Pushing<'_> {
    /// The push body after `from`, and the marks it takes an index to.
    fn body(&self, from: Option<FeedMarks>) -> worker::Result<PushBody> {
        if let Some(made) = self.bodies.borrow().get(&from) {
            return Ok(made.clone());
        }
        let feed = self.inbox.index_feed(from.as_ref(), FEED_LIMIT, self.now)?;
        let body = format!(
            "{{\"account\":{},\"from\":{},\"feed\":{}}}",
            serde_json::to_string(&self.account.id)?,
            serde_json::to_string(&from)?,
            feed.json
        );
        let made = Rc::new((feed.marks, body));
        self.bodies.borrow_mut().insert(from, made.clone());
        Ok(made)
    }
}

/// One index's pushes, in order, until it holds where the store stands (or the request's
/// pushes are spent).
async fn push_one(pushing: &Pushing<'_>, client: &str, marks: FeedMarks) -> worker::Result<()> {
    let (env, inbox, left) = (pushing.env, pushing.inbox, &pushing.left);
    let mut from = Some(marks);
    for _ in 0..PUSH_ROUNDS {
        if left.get() == 0 {
            return Ok(());
        }
        left.set(left.get() - 1);
        let made = pushing.body(from)?;
        let (feed_marks, body) = (made.0, made.1.clone());
        match send_apply(env, client, body).await {
            Err(e) => {
                worker::console_warn!("index push failed: {e}");
                return Ok(());
            }
            Ok(ApplyAnswer::Applied) => {
                inbox.subscribe_index(client, &feed_marks)?;
                if pushing.position == feed_marks {
                    return Ok(());
                }
                from = Some(feed_marks);
            }
            // The index holds other marks: answer from them.
            Ok(ApplyAnswer::Behind { marks }) => from = marks,
            Ok(ApplyAnswer::NotListed) => return Ok(inbox.unsubscribe_index(client)?),
        }
    }
    Ok(())
}

async fn send_apply(env: &Env, client: &str, body: String) -> worker::Result<ApplyAnswer> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init("https://inbox-index/apply", &init)?;
    let mut response = index_stub(env, client)?.fetch_with_request(request).await?;
    response.json::<ApplyAnswer>().await
}
