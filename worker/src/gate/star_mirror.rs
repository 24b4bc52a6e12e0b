//! The star mirrored on LinkedIn, one call at a time per conversation. Each star
//! change the store writes pending takes the conversation's next intent number; one mirror at
//! a time (the conversation's chain) tells ConnectSafely the stored star and settles the
//! pending mirror only when no star change came meanwhile. Otherwise it goes round again: when
//! the stored star is what LinkedIn was last told, it settles with no call; else one more call.
//! Mirrors left pending by an object that stopped mid-call settle when the object starts again
//! (its first request or alarm): asked again (star and unstar set a state: asked twice is one
//! star). The rules of the states: `rules/star_mirror.rs`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::lock::Mutex;
use linkedin_inbox::{Backend, Error};

use super::AccountGate;
use crate::rules::admission::Cost;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::star_mirror::is_pending;
use crate::rules::triage::TriageState;

/// A conversation's mirror chain: its star changes counted, and what LinkedIn was last told
/// (`None`: not known, the last call failed or none was made), held by the mirror under way.
#[derive(Default)]
struct Chain {
    intents: Cell<u64>,
    told: Mutex<Option<bool>>,
}

/// The object's star mirrors, by conversation.
#[derive(Default)]
pub(super) struct StarMirrors {
    chains: RefCell<HashMap<String, Rc<Chain>>>,
    /// Whether this object settled the mirrors an earlier one left pending.
    resumed: Cell<bool>,
}

impl StarMirrors {
    fn chain(&self, thread: &str) -> Rc<Chain> {
        Rc::clone(
            self.chains
                .borrow_mut()
                .entry(thread.to_owned())
                .or_default(),
        )
    }

    /// A star change of `thread` was written pending: the mirror under way will not settle it.
    pub(super) fn changed(&self, thread: &str) {
        let chain = self.chain(thread);
        chain.intents.set(chain.intents.get() + 1);
    }

    /// Whether `thread` has a mirror under way or waiting.
    pub(super) fn under_way(&self, thread: &str) -> bool {
        self.chains.borrow().contains_key(thread)
    }

    fn release(&self, thread: &str, chain: Rc<Chain>) {
        drop(chain);
        let mut chains = self.chains.borrow_mut();
        if chains.get(thread).is_some_and(|c| Rc::strong_count(c) == 1) {
            chains.remove(thread);
        }
    }
}

impl AccountGate {
    /// Settles `thread`'s pending star mirror, after the mirror under way if any: its state
    /// then (`None`: no such conversation).
    pub(super) async fn settle_star(
        &self,
        config: &Config,
        account: &Account,
        thread: &str,
        now_ms: u64,
    ) -> worker::Result<Option<TriageState>> {
        let chain = self.star_mirrors.chain(thread);
        let settled = self
            .run_chain(config, account, thread, &chain, now_ms)
            .await;
        self.star_mirrors.release(thread, chain);
        settled
    }

    async fn run_chain(
        &self,
        config: &Config,
        account: &Account,
        thread: &str,
        chain: &Chain,
        now_ms: u64,
    ) -> worker::Result<Option<TriageState>> {
        let mut told = chain.told.lock().await;
        loop {
            let Some(state) = self.store()?.triage_state(thread)? else {
                return Ok(None);
            };
            if !is_pending(&state) {
                return Ok(Some(state));
            }
            let (starred, intent) = (state.starred, chain.intents.get());
            let outcome = match *told == Some(starred) {
                true => Ok(()),
                false => {
                    self.ask_star(config, account, thread, starred, now_ms)
                        .await
                }
            };
            *told = outcome.is_ok().then_some(starred);
            if chain.intents.get() == intent {
                let store = self.store()?;
                return Ok(store.settle_star_mirror(
                    thread,
                    starred,
                    outcome.as_ref().map(|_| ()),
                )?);
            }
        }
    }

    /// Once per object, before its first request or alarm is served: the mirrors an object
    /// that stopped mid-call left pending are settled.
    pub(super) async fn resume_star_mirrors(
        &self,
        config: &Config,
        account: &Account,
        now_ms: u64,
    ) -> worker::Result<()> {
        if self.star_mirrors.resumed.replace(true) {
            return Ok(());
        }
        for thread in self.store()?.pending_star_mirrors()? {
            if !self.star_mirrors.under_way(&thread) {
                self.settle_star(config, account, &thread, now_ms).await?;
            }
        }
        Ok(())
    }

    /// Stars (`starred`) or unstars `thread` on LinkedIn through ConnectSafely, as a write of
    /// the account (the key's permit, its limits, a 429 pausing the key).
    async fn ask_star(
        &self,
        config: &Config,
        account: &Account,
        thread: &str,
        starred: bool,
        now_ms: u64,
    ) -> Result<(), Error> {
        let Ok(Backend::Direct {
            connectsafely: Some(cs),
            account_id,
            ..
        }) = self.backend(config, account)
        else {
            return Err(Error::NotSupported {
                message: "the account has no ConnectSafely to star with".into(),
            });
        };
        let request = cs.build_star(thread, starred, account_id.as_deref())?;
        let parse = |response: &_| cs.parse_star(response, starred);
        self.connectsafely_action(config, &request, Cost::star(), &parse, now_ms)
            .await
            .unwrap_or_else(|e| {
                Err(Error::Unavailable {
                    message: format!("the star could not be mirrored: {e}"),
                })
            })
    }
}
