//! The list's head, synced when older than `HEAD_TTL_SECS`: shared by a page of the
//! account's own list and by the merged indexes' asks (`gate/index_feed.rs`).

use std::rc::Rc;

use worker::Response;

use super::super::key_permits::Patience;
use super::super::ledger::Ledger;
use super::super::AccountGate;
use crate::respond;
use crate::rules::page_plan::{stale_allowed, Source};
use crate::rules::registry::Account;
use crate::rules::settings::Config;

/// The list's head after [`AccountGate::fresh_head`].
pub(in crate::gate) struct FreshHead {
    pub state: Option<crate::store::SyncState>,
    pub source: Source,
    pub credits: u64,
    pub stale: bool,
}

impl AccountGate {
    /// The list's head synced when older than `HEAD_TTL_SECS` (or another refresh
    /// generation): where the sync stands after it, how it was answered and its credits, and
    /// whether the stored list answers stale (the sync failed); the refusal to answer when
    /// nothing is stored and the sync failed.
    pub(in crate::gate) async fn fresh_head(
        &self,
        config: &Rc<Config>,
        account: &Account,
        ledger: &Ledger,
        generation: u64,
        now: u64,
    ) -> worker::Result<Result<FreshHead, Response>> {
        let inbox = self.store()?;
        let state = inbox.sync_state()?;
        let head_fresh = state.as_ref().is_some_and(|s| {
            s.generation as u64 == generation
                && now
                    < (s.head_at as u64).saturating_add(config.head_ttl_secs.saturating_mul(1000))
        });
        let mut head = FreshHead {
            state,
            source: Source::Hit,
            credits: 0,
            stale: false,
        };
        if head_fresh {
            return Ok(Ok(head));
        }
        match self
            .sync(config, account, generation, None, now, Patience::Client)
            .await?
        {
            Ok((how, spent)) => {
                head.source = how;
                head.credits = spent;
                head.state = inbox.sync_state()?;
                self.schedule_pruning(config).await?;
            }
            Err(error) if head.state.is_some() && stale_allowed(&error) => head.stale = true,
            // A refused session: the stored inbox answers, else the wait for its probe.
            Err(error) => match self.list_held(config, account, ledger, now)? {
                Some(_) if head.state.is_some() => head.stale = true,
                Some(refusal) => return Ok(Err(refusal)),
                None => return Ok(Err(respond::core_error(&error)?)),
            },
        }
        Ok(Ok(head))
    }
}
