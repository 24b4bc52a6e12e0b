//! `KeyGate`: one Durable Object per provider API key, named by the key's SHA-256 (never the
//! key), shared by every account that uses the key. Each account's `AccountGate` asks it for
//! permits before its upstream calls (`gate/key_permits.rs`); it answers from the key's log
//! (`store/key_log.rs`) with the pure rule of `rules/key_limits.rs`: the provider's stated
//! rates, a fair share per asking account, the key paused on an upstream 429. Thin: it reads
//! the clock once per request, asks the rule and logs the grant, nothing awaited between.

use std::cell::RefCell;

use linkedin_inbox::{ErrorCode, Provider};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use crate::respond;
use crate::rules::key_limits::{KeyLimiter, KeyPolicy};
use crate::rules::settings::Config;
use crate::store::key_log::KeyLog;

/// An account's ask for permits of its provider's key.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyAsk {
    pub provider: Provider,
    /// The asking account's tag (its gate's object id, never a credential).
    pub account: String,
    /// Permits wanted (a lease is granted only while the account is alone on the key).
    pub want: u64,
}

/// An upstream 429 seen on the key: every account of it waits until `until_ms`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPause {
    pub provider: Provider,
    pub until_ms: u64,
    pub at_ms: u64,
}

/// A key's SHA-256, in hex: how the key is named anywhere but in its upstream requests.
pub fn key_digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The key gate's name for `provider`'s key: the provider and the key's digest.
pub fn gate_name(provider: Provider, key: &str) -> String {
    format!("{}:{}", provider.as_str(), key_digest(key))
}

/// The provider's key as configured, if any.
pub fn provider_key(config: &Config, provider: Provider) -> Option<&str> {
    let key = match provider {
        Provider::ConnectSafely => config.connectsafely_key.as_ref(),
        Provider::Linkup => config.linkup_key.as_ref(),
    };
    key.map(|k| k.expose())
}

#[durable_object]
pub struct KeyGate {
    state: State,
    env: Env,
    /// The key's log and its state in memory, loaded by the first request.
    limiter: RefCell<Option<(KeyLog<SqlStorage>, KeyLimiter)>>,
}

impl DurableObject for KeyGate {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            limiter: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let Ok(config) = crate::env::config(&self.env) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let path = req.path();
        let body = req.text().await?;
        let now = worker::Date::now().as_millis();
        match path.as_str() {
            "/ask" => {
                let Ok(ask) = serde_json::from_str::<KeyAsk>(&body) else {
                    return respond::refuse(ErrorCode::InvalidInput, "not a key ask");
                };
                let policy = config.key_limits.policy(ask.provider);
                let decision = self.with_limiter(&config, &policy, now, |log, limiter| {
                    let decision = limiter.ask(&policy, &ask.account, ask.want, now);
                    if let (true, Some(grant)) = (decision.granted > 0, limiter.grants.last()) {
                        log.record(grant, now.saturating_sub(policy.horizon_ms()))?;
                    }
                    Ok(decision)
                })?;
                respond::json(200, &serde_json::to_value(decision)?)
            }
            "/pause" => {
                let Ok(pause) = serde_json::from_str::<KeyPause>(&body) else {
                    return respond::refuse(ErrorCode::InvalidInput, "not a key pause");
                };
                let policy = config.key_limits.policy(pause.provider);
                self.with_limiter(&config, &policy, now, |log, limiter| {
                    limiter.pause(pause.until_ms);
                    log.pause(limiter.paused_until_ms, pause.at_ms)
                })?;
                Ok(Response::empty()?.with_status(204))
            }
            "/usage" => {
                let Ok(ask) = serde_json::from_str::<KeyAsk>(&body) else {
                    return respond::refuse(ErrorCode::InvalidInput, "not a usage ask");
                };
                let policy = config.key_limits.policy(ask.provider);
                let usage = self.with_limiter(&config, &policy, now, |_, limiter| {
                    limiter.forget(&policy, now);
                    Ok(limiter.usage(&policy, &ask.account, now))
                })?;
                respond::json(200, &serde_json::to_value(usage)?)
            }
            _ => respond::refuse(ErrorCode::NotFound, "no such route"),
        }
    }
}

impl KeyGate {
    /// Runs `work` on the key's log and state, loading them on first use.
    fn with_limiter<T>(
        &self,
        config: &Config,
        policy: &KeyPolicy,
        now: u64,
        work: impl FnOnce(&KeyLog<SqlStorage>, &mut KeyLimiter) -> crate::store::sql::Result<T>,
    ) -> worker::Result<T> {
        let mut slot = self.limiter.borrow_mut();
        if slot.is_none() {
            let log = KeyLog::open(self.state.storage().sql())?;
            let since = now.saturating_sub(policy.horizon_ms());
            let limiter = log.load(since, config.clear_pauses_before_ms)?;
            *slot = Some((log, limiter));
        }
        let (log, limiter) = slot.as_mut().expect("loaded above");
        Ok(work(log, limiter)?)
    }
}
