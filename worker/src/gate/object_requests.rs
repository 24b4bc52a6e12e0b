//! What the account's object serves: the edge's calls (`edge/account_object.rs`) and the providers'
//! events, dispatched by path, each with the account checked against the registry.

use std::rc::Rc;

use linkedin_inbox::ErrorCode;
use serde_json::json;
use worker::{Request, Response};

use super::protocol::{
    GateMark, GateRequest, GateSend, SyncAsk, ACCOUNT_HEADER, CLIENT_HEADER, TOKEN_TAG_HEADER,
};
use super::{live, with_generation, AccountGate};
use crate::respond::{self};
use crate::rules::budgets;
use crate::rules::page_plan::PageRequest;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::utc_day::next_reset_ms;
use crate::store::ledger::Mark;

impl AccountGate {
    /// Serves one request of the edge or a provider; `now`: when it arrived.
    pub(super) async fn serve(
        &self,
        mut req: Request,
        config: &Rc<Config>,
        own: Option<&Account>,
        now: u64,
    ) -> worker::Result<Response> {
        let config = config.clone();
        self.import_legacy_ledger().await?;
        let ledger = self.ledger()?;
        let account_id = req.headers().get(ACCOUNT_HEADER)?.unwrap_or_default();
        // Provider events name the account, not a client (the Worker checked the signature).
        if let Some(provider) = req.path().strip_prefix("/webhook/") {
            // `own`: the account of this id the registry gives this very object.
            let Some(account) = own else {
                return respond::refuse(ErrorCode::NotFound, "no such account");
            };
            let body = req.bytes().await?;
            return live::pushed(&self.state, &config, account, provider, &body, now).await;
        }
        let name = req.headers().get(CLIENT_HEADER)?.unwrap_or_default();
        let Some(client) = crate::directory::client_named(&self.env, &config, &name).await? else {
            return respond::refuse(ErrorCode::Unauthorized, "unknown client");
        };
        let Some(account) = client.accounts.iter().find(|a| a.id == account_id) else {
            return respond::refuse(ErrorCode::NotFound, "no such account");
        };
        // This object serves one account: a request for another account is refused, whatever
        // routed it here.
        if !self.serves(&config, account)? {
            return respond::refuse(
                ErrorCode::Unauthorized,
                "this account gate serves another account",
            );
        }
        // The client's merged index asks for its feed on the client's behalf; the index bounds
        // these asks (a head older than the TTL, a few older pages per merged page, each
        // upstream call admitted by the ledger), so they are not counted as the client's
        // requests.
        if req.path() == "/index/sync" {
            return match req.json::<SyncAsk>().await {
                Ok(ask) => {
                    self.index_sync(&config, &client.name, account, &ask, &ledger, now)
                        .await
                }
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not an index ask"),
            };
        }
        if let Err(wait) = ledger
            .take_request(&client.name, config.client_rate, now)
            .await?
        {
            return respond::refuse_for(
                ErrorCode::RateLimited,
                "this client is over its request rate",
                wait,
            );
        }
        match req.path().as_str() {
            "/page" => {
                let request: GateRequest = req.json().await?;
                if let PageRequest::Conversations(query) = &request.page {
                    let generation = ledger.generation().await?;
                    let response = self
                        .list(
                            &config,
                            account,
                            (query, request.view.as_ref()),
                            &ledger,
                            generation,
                            now,
                        )
                        .await?;
                    return with_generation(response, generation);
                }
                self.page(&config, account, &request.page, &ledger, now)
                    .await
            }
            "/send" => match req.json::<GateSend>().await {
                Ok(request) => {
                    self.send(&config, &client.name, account, request, now)
                        .await
                }
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a send"),
            },
            "/media" => match req.json::<crate::rules::media_ref::MediaClaim>().await {
                Ok(claim) => self.media(&config, account, claim, now).await,
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a media claim"),
            },
            "/mark" => match req.json::<GateMark>().await {
                Ok(request) => self.mark(&config, account, request, now).await,
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a read-state change"),
            },
            "/triage" => match req.json::<super::triage::GateTriage>().await {
                Ok(request) => {
                    self.triage(&config, &client.name, account, request, now)
                        .await
                }
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a triage request"),
            },
            "/labels" => self.labels(),
            "/labels/rename" | "/labels/delete" => {
                match req.json::<super::triage::GateLabel>().await {
                    Ok(request) => self.relabel(&client.name, request, now),
                    Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a label request"),
                }
            }
            "/data" => {
                ledger.record_wipe()?;
                let store = self.store()?;
                store.wipe_pages()?;
                store.wipe_inbox()?;
                // Listeners reload: their sockets close (4001); a client's next `changes`
                // answers `reset`.
                live::close_all(&self.state, 4001, "store wiped: reload");
                Ok(Response::empty()?.with_status(204))
            }
            "/refresh" => match ledger
                .try_refresh(now, config.refresh_interval_secs)
                .await?
            {
                Ok(generation) => respond::json(200, &json!({ "generation": generation })),
                Err(wait) => respond::refuse_for(
                    ErrorCode::RateLimited,
                    "this account was refreshed moments ago",
                    wait,
                ),
            },
            "/changes" => match req.json::<live::ChangesRequest>().await {
                Ok(request) => {
                    let health = ledger.health(now)?;
                    live::changes(&self.state, account, &request, &health)
                }
                Err(_) => respond::refuse(ErrorCode::InvalidInput, "not a changes request"),
            },
            "/live" => {
                let tag = req.headers().get(TOKEN_TAG_HEADER)?.unwrap_or_default();
                live::accept(&self.state, &config, &client, &tag, account, now)
            }
            "/doctor" => self.doctor(&config, account, &ledger).await,
            "/locate" => {
                let thread: String = req.json().await?;
                let found = self.store()?.last_activity(&thread)?.is_some();
                respond::json(200, &json!({ "found": found }))
            }
            "/summary" => {
                let spent = self.store()?.spent_today(now)?;
                respond::json(
                    200,
                    &json!({
                        "unreadTotal": self.store()?.unread_total()?,
                        "health": ledger.health(now)?.shown(),
                        "budgetLeftToday": budgets::left_today(&config, account, &spent, now),
                    }),
                )
            }
            // The account's health, for the admin API's account list.
            "/health" => respond::json(200, &ledger.health(now)?.shown()),
            "/usage" => {
                let counters = ledger.counters(now).await?;
                let resets_at = next_reset_ms(now);
                respond::json(
                    200,
                    &json!({
                        "connectsafely": {
                            "callsToday": counters.connectsafely_calls_today,
                            "dailyLimit": config.daily_limit,
                            "resetsAt": resets_at,
                        },
                        "linkup": {
                            "creditsSpent": counters.linkup_credits_spent,
                            "creditsToday": counters.linkup_credits_today,
                            "dailyCreditCap": config.linkup_daily_credit_cap,
                            "creditsSaved": counters.linkup_credits_saved,
                            "resetsAt": resets_at,
                        },
                        "sends": {
                            "today": ledger.sends_today(now)?,
                            "dailyLimit": config.send_daily_limit,
                            "newConversationsToday": ledger.new_conversations_today(now)?,
                            "newConversationDailyLimit": config.new_conversation_daily_limit,
                            "resetsAt": resets_at,
                        },
                        "cache": { "hits": counters.cache_hits, "misses": counters.cache_misses, "coalesced": counters.coalesced, "stale": counters.stale },
                        "generation": counters.generation,
                        "contractDrift": self.store()?.contract_drift()?,
                        "disconnectedAt": Some(ledger.get_now(Mark::LinkupDisconnectedAt)?).filter(|at| *at > 0),
                        "limits": self.limits_usage(&config, account, &ledger, now).await?,
                    }),
                )
            }
            _ => respond::refuse(ErrorCode::NotFound, "no such route"),
        }
    }
}
