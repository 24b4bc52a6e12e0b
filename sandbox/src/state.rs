//! Shared sandbox state: the demo data, counters, limits and faults. Accounts are
//! copy-on-write (`Arc`): a call reads a snapshot, a send or read-state change swaps in an
//! edited copy, `reset` restores the generated data (and the configured webhook targets).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::config::{Config, SeedMode};
use crate::data::{demo_accounts, Account};
use crate::faults::{Endpoint, FaultSpec};
use crate::key_limits::{key_digest, KeyRateLimits, KeyUsage, Limit, Refused};
use crate::rng::Rng;
use crate::route::Route;
use crate::webhooks::delivery::{Batch, Outcome};
use crate::webhooks::WebhookTarget;

pub const DAY_MS: i64 = 86_400_000;

pub struct AppState {
    pub config: Config,
    /// The generated demo data, what `reset` restores.
    pristine: Vec<Arc<Account>>,
    mutable: Mutex<Mutable>,
}

pub struct Mutable {
    pub calls: BTreeMap<(Endpoint, String), u64>,
    pub calls_by_route: BTreeMap<Route, u64>,
    /// ConnectSafely calls per (account, UTC day number).
    pub daily_usage: BTreeMap<(String, i64), u32>,
    /// LinkupAPI credits spent per API key.
    pub credits_spent: BTreeMap<String, u64>,
    pub faults: Vec<FaultSpec>,
    pub rng: Rng,
    pub latency_ms: u64,
    pub daily_limit: u32,
    pub linkup_credits: u64,
    pub connectsafely_seed: SeedMode,
    /// Answers reshaped away from the documented shapes (`--drift`).
    pub drift: Vec<crate::drift::Drift>,
    /// The accounts as sends and read-state changes left them.
    pub accounts: Vec<Arc<Account>>,
    /// Messages committed per send route.
    pub sends: BTreeMap<Route, u64>,
    /// Conversations starred through ConnectSafely: (account, thread id).
    pub starred: BTreeSet<(String, String)>,
    /// The form of a done star's answer.
    pub star_answer: crate::connectsafely::star::StarAnswer,
    /// Files `upload-attachment` took, by asset URN: the account that uploaded and the file.
    pub uploads: BTreeMap<String, (String, crate::media::MediaFile)>,
    /// New conversations opened through ConnectSafely per (account, UTC day number).
    pub new_conversations: BTreeMap<(String, i64), u32>,
    /// New ConnectSafely conversations per account per UTC day.
    pub send_limit: u32,
    /// Where simulated messages' webhook events go, in the order registered.
    pub webhooks: Vec<WebhookTarget>,
    /// Deliveries a `hold` simulate kept back for the next simulate to send.
    pub held_deliveries: Vec<Batch>,
    /// Messages added by `/__sandbox/simulate` (their sequence number).
    pub simulated: u64,
    /// Webhook POSTs answered 2xx.
    pub webhooks_delivered: u64,
    /// Webhook POSTs answered otherwise, or not at all.
    pub webhooks_failed: u64,
    /// Per-key rate limits (`None`: off).
    pub key_rate_limits: Option<KeyRateLimits>,
    /// Calls and limiter state per (provider, [`key_digest`]).
    pub key_usage: BTreeMap<(Endpoint, String), KeyUsage>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub calls: BTreeMap<&'static str, u64>,
    pub calls_by_account: Vec<AccountCalls>,
    /// Calls per [`Route::name`], every route listed.
    pub calls_by_endpoint: BTreeMap<&'static str, u64>,
    pub credits_spent: u64,
    pub credits_remaining: BTreeMap<String, u64>,
    pub daily_usage: BTreeMap<String, u32>,
    pub daily_limit: u32,
    /// Messages committed by every send endpoint.
    pub sends: u64,
    /// Messages committed per send route ([`Route::name`]), every send route listed.
    pub sends_by_endpoint: BTreeMap<&'static str, u64>,
    /// New ConnectSafely conversations opened today, per account.
    pub new_conversations: BTreeMap<String, u32>,
    pub send_limit: u32,
    pub faults_pending: usize,
    /// Messages added by `/__sandbox/simulate`.
    pub simulated: u64,
    /// Webhook POSTs answered 2xx (each of a `twice` pair counts).
    pub webhooks_delivered: u64,
    /// Webhook POSTs answered with another status, or not answered.
    pub webhooks_failed: u64,
    /// Webhook POSTs held back (`hold`) until the next simulate.
    pub webhooks_held: usize,
    /// Per provider and key digest (first 8 hex of the key's SHA-256): calls that reached
    /// the key's rate limit (admitted or not, limits on or off) and those answered 429.
    pub key_rate_limits: BTreeMap<&'static str, BTreeMap<String, KeyCalls>>,
    /// Conversations starred through ConnectSafely's star, per account (thread ids): no
    /// documented answer shows the star.
    pub starred: BTreeMap<String, Vec<String>>,
}

#[derive(Serialize, Default, Clone, Copy)]
pub struct KeyCalls {
    pub calls: u64,
    pub limited: u64,
}

#[derive(Serialize)]
pub struct AccountCalls {
    pub endpoint: &'static str,
    pub account: String,
    pub calls: u64,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let mut accounts = demo_accounts(config.seed);
        if config.big_account > 0 {
            let shared = crate::data::shared_members(config.seed);
            for k in 0..config.big_accounts.clamp(1, crate::data::MAX_BIG_ACCOUNTS) {
                accounts.push(crate::data::big_account(
                    config.seed,
                    config.big_account,
                    k,
                    &shared,
                ));
            }
        }
        let pristine: Vec<Arc<Account>> = accounts.into_iter().map(Arc::new).collect();
        let mutable = Mutex::new(Mutable::fresh(&config, &pristine));
        Self {
            config,
            pristine,
            mutable,
        }
    }

    /// The lock is never held across an await.
    pub fn lock(&self) -> MutexGuard<'_, Mutable> {
        self.mutable
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A snapshot of the account `account_id`, as the latest write left it.
    pub fn account(&self, account_id: &str) -> Option<Arc<Account>> {
        self.find_account(|a| a.account_id == account_id)
    }

    /// A snapshot of the first account `wanted` accepts.
    pub fn find_account(&self, wanted: impl Fn(&Account) -> bool) -> Option<Arc<Account>> {
        self.lock().accounts.iter().find(|a| wanted(a)).cloned()
    }

    /// Counts a call on `key` (a configured key of `provider`) and applies the key's rate
    /// limit, when limits are on.
    pub fn admit_key(&self, provider: Endpoint, key: &str) -> Result<(), Refused> {
        let now = now_ms();
        let mut m = self.lock();
        let limits = m.key_rate_limits;
        let limit = match provider {
            Endpoint::ConnectSafely => limits
                .and_then(|l| l.connectsafely)
                .map_or(Limit::Off, Limit::ConnectSafely),
            Endpoint::Linkup => limits
                .and_then(|l| l.linkup)
                .map_or(Limit::Off, Limit::Linkup),
        };
        m.key_usage
            .entry((provider, key_digest(key)))
            .or_default()
            .admit(limit, now)
    }

    /// Every configured key's calls and 429s, by provider and key digest.
    fn key_calls(&self, m: &Mutable) -> BTreeMap<&'static str, BTreeMap<String, KeyCalls>> {
        let configured = self
            .config
            .connectsafely_keys
            .iter()
            .map(|k| (Endpoint::ConnectSafely, k.key.as_str()))
            .chain(
                self.config
                    .linkup_keys
                    .iter()
                    .map(|k| (Endpoint::Linkup, k.as_str())),
            );
        let mut by_provider: BTreeMap<&'static str, BTreeMap<String, KeyCalls>> = BTreeMap::from([
            ("connectsafely", BTreeMap::new()),
            ("linkup", BTreeMap::new()),
        ]);
        for (provider, key) in configured {
            let digest = key_digest(key);
            let usage = m.key_usage.get(&(provider, digest.clone()));
            let counts = KeyCalls {
                calls: usage.map_or(0, |u| u.calls),
                limited: usage.map_or(0, |u| u.limited),
            };
            by_provider
                .entry(provider.as_str())
                .or_default()
                .insert(digest, counts);
        }
        by_provider
    }

    pub fn reset(&self) {
        *self.lock() = Mutable::fresh(&self.config, &self.pristine);
    }

    pub fn stats(&self) -> Stats {
        let m = self.lock();
        let mut calls = BTreeMap::from([("connectsafely", 0), ("linkup", 0), ("total", 0)]);
        let mut calls_by_account = Vec::new();
        for ((endpoint, account), n) in &m.calls {
            *calls.entry(endpoint.as_str()).or_default() += n;
            *calls.entry("total").or_default() += n;
            calls_by_account.push(AccountCalls {
                endpoint: endpoint.as_str(),
                account: account.clone(),
                calls: *n,
            });
        }
        let today = now_ms() / DAY_MS;
        let key_rate_limits = self.key_calls(&m);
        Stats {
            key_rate_limits,
            calls,
            calls_by_account,
            calls_by_endpoint: Route::ALL
                .iter()
                .map(|r| (r.name(), m.calls_by_route.get(r).copied().unwrap_or(0)))
                .collect(),
            credits_spent: m.credits_spent.values().sum(),
            credits_remaining: self
                .config
                .linkup_keys
                .iter()
                .map(|k| {
                    (
                        redacted_key(k),
                        m.linkup_credits
                            .saturating_sub(m.credits_spent.get(k).copied().unwrap_or(0)),
                    )
                })
                .collect(),
            daily_usage: m
                .daily_usage
                .iter()
                .filter(|((_, d), _)| *d == today)
                .map(|((a, _), n)| (a.clone(), *n))
                .collect(),
            daily_limit: m.daily_limit,
            sends: m.sends.values().sum(),
            sends_by_endpoint: Route::ALL
                .iter()
                .filter(|r| r.sends())
                .map(|r| (r.name(), m.sends.get(r).copied().unwrap_or(0)))
                .collect(),
            new_conversations: m
                .new_conversations
                .iter()
                .filter(|((_, d), _)| *d == today)
                .map(|((a, _), n)| (a.clone(), *n))
                .collect(),
            send_limit: m.send_limit,
            starred: m.starred.iter().fold(BTreeMap::new(), |mut by, (a, t)| {
                by.entry(a.clone()).or_insert_with(Vec::new).push(t.clone());
                by
            }),
            faults_pending: m.faults.len(),
            simulated: m.simulated,
            webhooks_delivered: m.webhooks_delivered,
            webhooks_failed: m.webhooks_failed,
            webhooks_held: m
                .held_deliveries
                .iter()
                .flat_map(|b| &b.deliveries)
                .map(|d| if d.twice { 2 } else { 1 })
                .sum(),
        }
    }
}

impl Mutable {
    fn fresh(config: &Config, accounts: &[Arc<Account>]) -> Self {
        Self {
            calls: BTreeMap::new(),
            calls_by_route: BTreeMap::new(),
            daily_usage: BTreeMap::new(),
            credits_spent: BTreeMap::new(),
            faults: Vec::new(),
            rng: Rng::new(config.seed ^ 0xFA17),
            latency_ms: config.latency_ms,
            daily_limit: config.daily_limit,
            linkup_credits: config.linkup_credits,
            connectsafely_seed: config.connectsafely_seed,
            drift: config.drift.clone(),
            accounts: accounts.to_vec(),
            sends: BTreeMap::new(),
            starred: BTreeSet::new(),
            star_answer: Default::default(),
            uploads: BTreeMap::new(),
            new_conversations: BTreeMap::new(),
            send_limit: config.send_limit,
            webhooks: config.webhooks.clone(),
            held_deliveries: Vec::new(),
            simulated: 0,
            webhooks_delivered: 0,
            webhooks_failed: 0,
            key_rate_limits: config.key_rate_limits,
            key_usage: BTreeMap::new(),
        }
    }

    /// Sets the per-key rate limits (`None`: off); every key's limiter starts afresh.
    pub fn set_key_rate_limits(&mut self, limits: Option<KeyRateLimits>) {
        self.key_rate_limits = limits;
        self.key_usage.values_mut().for_each(KeyUsage::restart);
    }

    /// Counts one webhook POST by its outcome.
    pub fn count_webhook(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Delivered => self.webhooks_delivered += 1,
            Outcome::Rejected | Outcome::Failed => self.webhooks_failed += 1,
            Outcome::Held | Outcome::Scheduled => {}
        }
    }

    /// Charges `cost` credits to `api_key`; `false` (nothing charged) when the balance is short.
    pub fn try_charge(&mut self, api_key: &str, cost: u64) -> bool {
        let spent = self.credits_spent.get(api_key).copied().unwrap_or(0);
        if self.linkup_credits.saturating_sub(spent) < cost {
            return false;
        }
        *self.credits_spent.entry(api_key.to_owned()).or_default() += cost;
        true
    }

    /// The account `account_id` to edit in place (copied first if a call still reads it).
    pub fn account_mut(&mut self, account_id: &str) -> Option<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|a| a.account_id == account_id)
            .map(Arc::make_mut)
    }

    pub fn record_call(&mut self, route: Route, account: &str) {
        *self
            .calls
            .entry((route.provider(), account.to_owned()))
            .or_default() += 1;
        *self.calls_by_route.entry(route).or_default() += 1;
    }
}

/// Keys in stats are shown by their first 4 characters only.
fn redacted_key(key: &str) -> String {
    format!("{}…", key.chars().take(4).collect::<String>())
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
