//! `InboxIndex`: one Durable Object per client, its merged inbox over every
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
use std::time::Duration;

use linkedin_inbox::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, SqlStorage, State, Stub, WebSocket,
    WebSocketIncomingMessage,
};

use crate::gate::protocol::SyncAsk;
use crate::gate::protocol::{CLIENT_HEADER, TOKEN_TAG_HEADER};

mod asks;
mod changes;
mod merged_page;
mod stream;

pub use changes::{ChangesAnswer, ChangesAsk};

use crate::respond;
use crate::rules::merged_walk::IndexPosition;
use crate::rules::registry::Client;
use crate::rules::settings::Config;
use crate::store::inbox_index::{FeedAnswer, InboxIndex as IndexStore, Lane};
use crate::store::index_feed::FeedMarks;
use asks::Asking;

/// The binding of the index objects (`wrangler.toml`).
pub const INDEX_BINDING: &str = "INBOX_INDEX";
/// Rounds of older pages a merged page may ask for before it ends where the stores end.
pub(super) const TAIL_ROUNDS: usize = 3;
/// The account objects one merged page may ask (each ask is a subrequest: Cloudflare allows
/// 50 per request on the Free plan, 1,000 on paid plans; a few are kept for the directory).
pub(super) const MAX_ASKS_PER_PAGE: u32 = 40;
/// How soon the alarm goes on building an index that is not whole.
pub(super) const BUILD_STEP_MS: u64 = 50;
/// Feed answers one lane takes in one request (the rest on the next).
pub(super) const FEED_ROUNDS: usize = 40;

/// The client's index object.
pub fn index_stub(env: &Env, client: &str) -> worker::Result<Stub> {
    env.durable_object(INDEX_BINDING)?
        .id_from_name(&format!("client:{client}"))?
        .get_stub()
}

/// Asks the client's index (`path`: `/page`, `/changes`, `/accounts`) with `body`: its answer
/// (headers mutable), or 503 UNAVAILABLE when the index cannot be reached.
pub async fn ask(env: &Env, client: &str, path: &str, body: String) -> worker::Result<Response> {
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_body(Some(body.into()));
    let url = format!("https://inbox-index{path}");
    let answered = match (index_stub(env, client), Request::new_with_init(&url, &init)) {
        (Ok(stub), Ok(request)) => stub.fetch_with_request(request).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match answered {
        Ok(response) => Ok(crate::respond::mutable(response)),
        Err(e) => {
            worker::console_error!("inbox index failed: {e}");
            respond::core_error(&linkedin_inbox::Error::Unavailable {
                message: "the merged inbox is unavailable".into(),
            })
        }
    }
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
    /// A member's profile id: their conversations only.
    #[serde(default)]
    pub person: Option<String>,
    /// The triage view (`rules/triage.rs`), on the `triage` the entries' JSON carries.
    #[serde(default)]
    pub view: Option<crate::rules::triage::ViewFilter>,
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

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let Ok(config) = crate::env::config(&self.env) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        if req.path() == "/live/recheck" {
            // The registry changed (an admin write): its answers are asked again.
            crate::directory::forget_all();
        }
        let index = self.store()?;
        let response = self.serve(req, &config, &index).await;
        // Whatever this request changed in the index goes out to the client's stream.
        let now = worker::Date::now().as_millis();
        if let Err(e) = stream::broadcast(&self.state, &self.env, &config, &index, now).await {
            worker::console_error!("index broadcast failed: {e}");
        }
        response
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        crate::gate::live::on_message(&ws, message)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        crate::gate::live::on_close(&ws, code);
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        Ok(())
    }

    /// Goes on taking the inboxes of accounts not in yet (a first build, or a rebuild), as
    /// many as one invocation may ask, until every lane is whole.
    async fn alarm(&self) -> worker::Result<Response> {
        let Ok(config) = crate::env::config(&self.env) else {
            return Response::empty();
        };
        let index = self.store()?;
        let Some(name) = index.client()? else {
            return Response::empty();
        };
        let Some(client) = crate::directory::client_named(&self.env, &config, &name).await? else {
            return Response::empty();
        };
        let ids: Vec<&str> = client.accounts.iter().map(|a| a.id.as_str()).collect();
        index.set_accounts(&ids)?;
        let due: Vec<Lane> = index.lanes()?.into_iter().filter(|l| !ready(l)).collect();
        let asking = Asking::new(&config, &index, &client);
        // A first build syncs the heads older than `HEAD_TTL_SECS` (an account never synced
        // has nothing to show otherwise): the calls a first merged page would make.
        let heads = SyncAsk {
            marks: None,
            head: true,
            tail: false,
        };
        let before: Vec<_> = due.iter().map(|l| l.marks).collect();
        let taken = self.take(&asking, &due, &heads).await?;
        let lanes = index.lanes()?;
        let unready = lanes.iter().any(|l| !ready(l));
        let moved = due.iter().zip(&before).any(|(lane, marks)| {
            lanes
                .iter()
                .find(|l| l.account == lane.account)
                .is_some_and(|l| l.marks != *marks)
        });
        // Refused accounts (nothing stored, no session), or objects that answered nothing new,
        // wait for the next page to ask again: the alarm goes on only while it gets somewhere.
        if unready && moved && taken.is_ok() {
            self.state
                .storage()
                .set_alarm(Duration::from_millis(BUILD_STEP_MS))
                .await?;
        }
        let now = worker::Date::now().as_millis();
        if let Err(e) = stream::broadcast(&self.state, &self.env, &config, &index, now).await {
            worker::console_error!("index broadcast failed: {e}");
        }
        Response::empty()
    }
}

impl InboxIndex {
    /// One request of an account's object (`/apply`), of the edge (`/page`, `/changes`,
    /// `/live`) or of the admin (`/clear`, `/live/recheck`).
    async fn serve(
        &self,
        mut req: Request,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
    ) -> worker::Result<Response> {
        match req.path().as_str() {
            "/apply" => {
                let body = req.text().await?;
                let push: ApplyRequest<'_> = serde_json::from_str(&body)?;
                // The client may have dropped the account (or be gone): its rows go now, and
                // the account's object stops pushing.
                if !self.still_listed(config, index, &push.account).await? {
                    return Response::from_json(&ApplyAnswer::NotListed);
                }
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
                self.page(config, index, &ask).await
            }
            "/changes" => {
                let ask: ChangesAsk = req.json().await?;
                self.changes(config, index, &ask).await
            }
            "/accounts" => {
                let client: String = req.json().await?;
                self.accounts(config, index, &client).await
            }
            "/live" => {
                let name = req.headers().get(CLIENT_HEADER)?.unwrap_or_default();
                let Some(client) = crate::directory::client_named(&self.env, config, &name).await?
                else {
                    return respond::refuse(ErrorCode::Unauthorized, "unknown client");
                };
                let ids: Vec<&str> = client.accounts.iter().map(|a| a.id.as_str()).collect();
                index.set_accounts(&ids)?;
                index.set_client(&client.name)?;
                // An index not whole goes on building; its pushes follow as lanes come in.
                if index.lanes()?.iter().any(|l| !ready(l)) {
                    self.state
                        .storage()
                        .set_alarm(Duration::from_millis(BUILD_STEP_MS))
                        .await?;
                }
                let tag = req.headers().get(TOKEN_TAG_HEADER)?.unwrap_or_default();
                let now = worker::Date::now().as_millis();
                stream::accept(&self.state, config, index, &client, &tag, now)
            }
            "/live/recheck" => {
                // A client deleted: its merged inbox goes with it (sockets: the broadcast).
                if let Some(name) = index.client()? {
                    if crate::directory::client_named(&self.env, config, &name)
                        .await?
                        .is_none()
                    {
                        index.set_accounts(&[])?;
                    }
                }
                Ok(Response::empty()?.with_status(204))
            }
            "/clear" => {
                // The admin's rebuild: the next page (or the alarm) takes every inbox again.
                index.clear()?;
                self.state
                    .storage()
                    .set_alarm(Duration::from_millis(BUILD_STEP_MS))
                    .await?;
                Ok(Response::empty()?.with_status(204))
            }
            _ => respond::refuse(ErrorCode::NotFound, "no such route"),
        }
    }

    /// Whether the index's client still lists `account` (the directory's answer, kept in the
    /// isolate for `REGISTRY_CACHE_SECS`); if not, the lanes follow the client's list (a client
    /// gone: nothing is kept).
    async fn still_listed(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        account: &str,
    ) -> worker::Result<bool> {
        let Some(name) = index.client()? else {
            return Ok(false);
        };
        let ids: Vec<String> =
            match crate::directory::client_named(&self.env, config, &name).await? {
                Some(client) => client.accounts.iter().map(|a| a.id.clone()).collect(),
                None => Vec::new(),
            };
        if ids.iter().any(|id| id == account) {
            return Ok(true);
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        index.set_accounts(&ids)?;
        Ok(false)
    }

    /// What every request of the client's begins with: the client as the directory has it (its
    /// lanes following its account list), and one request taken from its bucket, whatever the
    /// number of accounts it asks; else the refusal to answer.
    async fn client_request(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        name: &str,
    ) -> worker::Result<Result<Rc<Client>, Response>> {
        let Some(client) = crate::directory::client_named(&self.env, config, name).await? else {
            return Ok(Err(respond::refuse(
                ErrorCode::Unauthorized,
                "unknown client",
            )?));
        };
        let ids: Vec<&str> = client.accounts.iter().map(|a| a.id.as_str()).collect();
        index.set_accounts(&ids)?;
        index.set_client(&client.name)?;
        let now = worker::Date::now().as_millis();
        if let Err(wait) = index.take_request(config.client_rate, now)? {
            let refusal = respond::refuse_for(
                ErrorCode::RateLimited,
                "this client is over its request rate",
                wait,
            )?;
            return Ok(Err(refusal));
        }
        Ok(Ok(client))
    }

    fn store(&self) -> worker::Result<Rc<IndexStore<SqlStorage>>> {
        if let Some(store) = self.store.borrow().as_ref() {
            return Ok(store.clone());
        }
        let store = Rc::new(IndexStore::open(self.state.storage().sql())?);
        *self.store.borrow_mut() = Some(store.clone());
        Ok(store)
    }
}

/// Whether a lane holds its account's whole inbox as of its marks.
pub(super) fn ready(lane: &Lane) -> bool {
    lane.marks.is_some() && !lane.behind
}
