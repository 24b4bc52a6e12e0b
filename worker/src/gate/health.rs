//! The account's health as the object keeps it (`rules/account_health.rs` decides, the store
//! keeps it): every upstream answer read for it, a refused session held to one call a minute
//! (the others answered from the store, else refused with `Retry-After`), an exhausted daily
//! budget recorded, and the health as `/summary`, `/health`, the feed and the sockets show it.

use linkedin_inbox::{
    ConversationQuery, Error, ErrorCode, HttpRequest, HttpResponse, Operation, Provider,
};
use worker::Response;

use super::clock::arrival_ms;
use super::key_permits::{Patience, Permit};
use super::ledger::Ledger;
use super::pages::PageAnswer;
use super::AccountGate;
use crate::respond;
use crate::rules::account_health::{self as rule, Health, PROBE_INTERVAL_MS};
use crate::rules::page_plan::Plan;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::utc_day::next_reset_ms;
use crate::store::sql_storage::ObjectStore;

/// What a held call answers (the provider refused the session a moment ago).
const HELD: &str = "the provider refused this LinkedIn account's session: it must be \
reconnected (the provider is asked again at most once a minute)";

/// A held call fails as the refusal that holds it did: the provider refused the credentials
/// the proxy holds for the account (served `502 UPSTREAM_ERROR`, never the client's 401).
fn held() -> Error {
    Error::Unauthorized {
        status: 401,
        message: HELD.into(),
    }
}

impl Ledger {
    /// The account's health as of `now`: a refused session ends once the credentials
    /// changed, a pause or a spent budget once its time passed (kept, so the feed shows it).
    pub fn health(&self, now: u64) -> worker::Result<Health> {
        let (stored, _) = self.store_ref().account_health()?;
        let Some(credential) = self.credential() else {
            return Ok(stored);
        };
        let current = rule::current(&stored, &credential, now);
        if current != stored {
            self.store_ref().put_account_health(&current)?;
        }
        Ok(current)
    }

    /// The seconds a call to `provider` must wait while its session is refused (`None`: it may
    /// go, as the minute's one probe or because nothing holds it).
    pub fn session_hold(&self, provider: Provider, now: u64) -> worker::Result<Option<u64>> {
        Ok(rule::may_call(&self.health(now)?, provider, now).err())
    }

    /// The account's own daily cap refused a call to `provider`: over budget until the reset.
    pub fn note_budget_refusal(&self, provider: Provider, now: u64) -> worker::Result<()> {
        let health = self.health(now)?;
        let next = rule::after_budget_refusal(&health, provider, next_reset_ms(now), now);
        self.store_ref().put_account_health(&next)?;
        Ok(())
    }

    /// Sends `request` to `provider` under the key's permit, unless the account's refused
    /// session holds it (the minute's one probe is recorded); the answer is read for the
    /// account's health.
    pub async fn send_upstream(
        &self,
        provider: Provider,
        permit: Option<Permit>,
        patience: Patience,
        request: &HttpRequest,
        timeout_ms: u64,
        max_pause_secs: u64,
    ) -> Result<HttpResponse, Error> {
        let health_error = |e: worker::Error| Error::Unavailable {
            message: format!("the account's health could not be read: {e}"),
        };
        let now = arrival_ms();
        let health = self.health(now).map_err(health_error)?;
        match rule::may_call(&health, provider, now) {
            Err(_) => return Err(held()),
            Ok(true) => {
                let probe = Health {
                    probe_at: now,
                    ..health
                };
                self.store_ref()
                    .put_account_health(&probe)
                    .map_err(|e| health_error(e.into()))?;
            }
            Ok(false) => {}
        }
        let response = self
            .permits()
            .send_upstream(
                provider,
                permit,
                patience,
                request,
                timeout_ms,
                max_pause_secs,
            )
            .await?;
        let arrived = arrival_ms();
        let answer = rule::read_answer(provider, &response, max_pause_secs, arrived);
        if let Err(e) = self.note_answer(provider, answer, arrived) {
            worker::console_error!("the account's health could not be kept: {e}");
        }
        Ok(response)
    }

    /// What an answer of `provider` that did not come through [`Ledger::send_upstream`] says
    /// (a media upload's, or ConnectSafely's own answer to a download, whose bodies are not
    /// read as text): to the key (a 429 pauses it for every account) and to the account's
    /// health, as any answer does.
    pub async fn note_media_answer(
        &self,
        provider: Provider,
        response: &HttpResponse,
        max_pause_secs: u64,
    ) {
        self.permits()
            .after_answer(provider, response, max_pause_secs)
            .await;
        let arrived = arrival_ms();
        let answer = rule::read_answer(provider, response, max_pause_secs, arrived);
        if let Err(e) = self.note_answer(provider, answer, arrived) {
            worker::console_error!("the account's health could not be kept: {e}");
        }
    }

    /// Keeps what `provider`'s answer says about the account.
    fn note_answer(
        &self,
        provider: Provider,
        answer: rule::Answer,
        now: u64,
    ) -> worker::Result<()> {
        let health = self.health(now)?;
        let credential = self.credential().unwrap_or_default();
        let next = rule::after_answer(&health, provider, answer, &credential, now);
        self.store_ref().put_account_health(&next)?;
        Ok(())
    }
}

impl AccountGate {
    /// While `plan`'s provider refuses the account's session, a failed page is answered from
    /// the store (a stored page within the stale window), else refused with the wait until the
    /// next probe as `Retry-After`. `None`: the session is not refused.
    pub(super) async fn held_answer(
        &self,
        plan: &Plan,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Option<Response>> {
        let health = ledger.health(now)?;
        if !health.answers_from_store(plan.provider) {
            return Ok(None);
        }
        if let Some(stale) = self.store()?.stale_page(&plan.key, now)? {
            ledger.record_stale().await?;
            return Ok(Some(stale.stale()?));
        }
        Ok(Some(held_refusal(&health, plan.provider, now)?))
    }
}

impl AccountGate {
    /// While the provider that lists `account`'s inbox refuses its session: the refusal of a
    /// list with nothing stored (`Retry-After`: the next probe). `None`: the session is not
    /// refused.
    pub(super) fn list_held(
        &self,
        config: &Config,
        account: &Account,
        ledger: &Ledger,
        now: u64,
    ) -> worker::Result<Option<Response>> {
        let list = Operation::ListConversations(ConversationQuery::default());
        let Some(provider) = config
            .backend(account)
            .ok()
            .and_then(|backend| backend.provider_of(&list).ok().flatten())
        else {
            return Ok(None);
        };
        let health = ledger.health(now)?;
        if !health.answers_from_store(provider) {
            return Ok(None);
        }
        Ok(Some(held_refusal(&health, provider, now)?))
    }
}

/// The provider cut the account's session (LinkupAPI's `disconnection` event, which names the
/// account): the session the account has now is refused.
pub fn note_disconnection(store: &ObjectStore, account: &Account, now: u64) -> worker::Result<()> {
    let credential = rule::credential_digest(account);
    let (stored, _) = store.account_health()?;
    let health = rule::current(&stored, &credential, now);
    let next = rule::after_answer(
        &health,
        Provider::Linkup,
        rule::Answer::SessionRefused,
        &credential,
        now,
    );
    store.put_account_health(&next)?;
    Ok(())
}

/// `502 UPSTREAM_ERROR` (the provider refuses the proxy's credentials for the account, as the
/// refusal itself is served; a 401 would tell the client its own token is wrong) with
/// `Retry-After`: the seconds until the refused session's next probe.
pub fn held_refusal(health: &Health, provider: Provider, now: u64) -> worker::Result<Response> {
    let wait = rule::may_call(health, provider, now)
        .err()
        .unwrap_or(PROBE_INTERVAL_MS / 1000);
    respond::refuse_for(ErrorCode::UpstreamError, HELD, wait)
}
