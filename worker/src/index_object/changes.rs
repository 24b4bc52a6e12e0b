//! `GET /v1/changes` for a client of more accounts than a change token can hold a mark of
//! each (`rules/change_tokens.rs`): one mark in the client's index, whatever the number of
//! accounts (`store/inbox_index/changes.rs`). No upstream call: lanes not in yet are taken
//! from the stores as they stand.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use worker::{Response, SqlStorage};

use super::asks::{Asked, Asking};
use super::{InboxIndex, MAX_ASKS_PER_PAGE};
use crate::gate::index_feed::SyncAsk;
use crate::rules::settings::Config;
use crate::store::inbox_index::{ChangesMark, InboxIndex as IndexStore, Lane, Lanes};

/// Conversations one answer holds (`more` says others follow).
const CHANGES_LIMIT: u32 = 500;

/// What the edge asks (the token opened there).
#[derive(Serialize, Deserialize)]
pub struct ChangesAsk {
    pub client: String,
    pub since: Option<ChangesMark>,
}

/// The index's answer: the mark to seal, and the body around where the token goes.
#[derive(Serialize, Deserialize)]
pub struct ChangesAnswer {
    pub mark: ChangesMark,
    /// `{"unreadTotal":…,"accounts":[…],"more":…,"reset":…,"conversations":[…]}`
    pub body: String,
}

impl InboxIndex {
    pub(super) async fn changes(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        ask: &ChangesAsk,
    ) -> worker::Result<Response> {
        let client = match self.client_request(config, index, &ask.client).await? {
            Ok(client) => client,
            Err(refusal) => return Ok(refusal),
        };
        let asking = Asking {
            config,
            index,
            client: &client,
            left: Cell::new(MAX_ASKS_PER_PAGE),
            asked: RefCell::new(Asked::default()),
        };
        let mut due: Vec<Lane> = index.lanes_where(Lanes::Unready)?;
        due.truncate(MAX_ASKS_PER_PAGE as usize);
        // As the stores stand: no head is synced for a change feed.
        let feeds = SyncAsk {
            marks: None,
            head: false,
            tail: false,
        };
        if let Err(refusal) = self.take(&asking, &due, &feeds).await? {
            return Ok(refusal);
        }
        if let Err(building) = self.whole(index).await? {
            return Ok(building);
        }
        let changes = index.changes_since(ask.since, CHANGES_LIMIT)?;
        let accounts: Vec<serde_json::Value> = changes
            .accounts
            .iter()
            .map(|(id, unread, health)| {
                serde_json::json!({ "id": id, "unreadTotal": unread, "health": health })
            })
            .collect();
        let total: u64 = changes.accounts.iter().filter_map(|(_, u, _)| *u).sum();
        let body = format!(
            "{{\"unreadTotal\":{total},\"accounts\":{},\"more\":{},\"reset\":{},\"conversations\":[{}]}}",
            serde_json::Value::Array(accounts),
            changes.more,
            changes.reset,
            changes.conversations
        );
        Response::from_json(&ChangesAnswer {
            mark: changes.mark,
            body,
        })
    }
}
