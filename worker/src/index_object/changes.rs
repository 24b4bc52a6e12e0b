//! `GET /v1/changes` for a client of more accounts than a change token can hold a mark of
//! each (`rules/change_tokens.rs`): one mark in the client's index, whatever the number of
//! accounts (`store/inbox_index/changes.rs`), and `GET /v1/accounts` of such a client. The
//! request itself makes no upstream call (lanes not in yet are taken from the stores as they
//! stand); an index still being built (new, or rebuilt) goes on in its alarm, which syncs the
//! heads older than `HEAD_TTL_SECS` as a first merged page would.

use crate::rules::page_body::with_raw_array;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use worker::{Response, SqlStorage};

use super::asks::Asking;
use super::{InboxIndex, MAX_ASKS_PER_PAGE};
use crate::edge::all_accounts::listed_account;
use crate::gate::protocol::SyncAsk;
use crate::respond;
use crate::rules::account_health::shown_as_of;
use crate::rules::budgets;
use crate::rules::change_tokens::ChangesMark;
use crate::rules::registry::Client;
use crate::rules::settings::Config;
use crate::store::inbox_index::{InboxIndex as IndexStore, Lane, Lanes};

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
    /// The client's request taken from its bucket, and every lane whole (lanes not in yet taken
    /// from the stores as they stand, no head synced); else the refusal or the 503 to answer.
    async fn whole_as_stored(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        name: &str,
    ) -> worker::Result<Result<Rc<Client>, Response>> {
        let client = match self.client_request(config, index, name).await? {
            Ok(client) => client,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let asking = Asking::new(config, index, &client);
        let mut due: Vec<Lane> = index.lanes_where(Lanes::Unready)?;
        due.truncate(MAX_ASKS_PER_PAGE as usize);
        // As the stores stand: no head is synced for a change feed.
        let feeds = SyncAsk {
            marks: None,
            head: false,
            tail: false,
        };
        if let Err(refusal) = self.take(&asking, &due, &feeds).await? {
            return Ok(Err(refusal));
        }
        if let Err(building) = self.whole(index).await? {
            return Ok(Err(building));
        }
        Ok(Ok(client))
    }

    pub(super) async fn changes(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        ask: &ChangesAsk,
    ) -> worker::Result<Response> {
        if let Err(answer) = self.whole_as_stored(config, index, &ask.client).await? {
            return Ok(answer);
        }
        let changes = index.changes_since(ask.since, CHANGES_LIMIT)?;
        let now = worker::Date::now().as_millis();
        let accounts: Vec<serde_json::Value> = changes
            .accounts
            .iter()
            .map(|(id, unread, health)| {
                let health = shown_as_of(health, now);
                serde_json::json!({ "id": id, "unreadTotal": unread, "health": health })
            })
            .collect();
        let total: u64 = changes.accounts.iter().filter_map(|(_, u, _)| *u).sum();
        let head = serde_json::json!({
            "unreadTotal": total,
            "accounts": accounts,
            "more": changes.more,
            "reset": changes.reset,
        });
        let body = with_raw_array(&head, "conversations", &changes.conversations);
        Response::from_json(&ChangesAnswer {
            mark: changes.mark,
            body,
        })
    }

    /// `GET /v1/accounts` of a client of many accounts: each account's unread total, health
    /// and budgets left today, as the index was last fed them.
    pub(super) async fn accounts(
        &self,
        config: &Rc<Config>,
        index: &IndexStore<SqlStorage>,
        name: &str,
    ) -> worker::Result<Response> {
        let client = match self.whole_as_stored(config, index, name).await? {
            Ok(client) => client,
            Err(answer) => return Ok(answer),
        };
        let now = worker::Date::now().as_millis();
        let summaries = index.account_summaries()?;
        let listed: Option<Vec<serde_json::Value>> = client
            .accounts
            .iter()
            .map(|account| {
                let summary = summaries.iter().find(|s| s.account == account.id)?;
                let spent = summary.spent.unwrap_or_default();
                Some(listed_account(
                    account,
                    summary.unread.into(),
                    shown_as_of(&summary.health, now),
                    budgets::left_today(config, account, &spent, now),
                ))
            })
            .collect();
        match listed {
            Some(listed) => respond::json(200, &serde_json::json!({ "accounts": listed })),
            // The client's list changed while the index was catching up: ask again.
            None => respond::refuse_for(
                linkedin_inbox::ErrorCode::Unavailable,
                "the merged inbox is catching up with the client's accounts",
                1,
            ),
        }
    }
}
