//! The account's side of its providers' key gates (`key_gate/`): a permit of the key before
//! each upstream call. Permits come from the key's `KeyGate` (one subrequest per ask), a few
//! at a time while the account is alone on the key (kept here as a lease, used for three
//! quarters of `KEY_LEASE_MS`; the last quarter is the margin for the call to reach the
//! provider), one at a time while others ask. A refused ask names its wait: a client's
//! request waits up to `KEY_WAIT_MAX_MS` and is then refused `RATE_LIMITED` with
//! `Retry-After`; a sync no client waits for waits up to `KEY_BACKGROUND_WAIT_MAX_MS`. An
//! upstream 429 pauses the whole key (`pause`).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use linkedin_inbox::{retry_after_secs_for, Error, HttpRequest, HttpResponse, Provider};
use serde::de::DeserializeOwned;
use serde_json::Value;
use worker::{Delay, Env, Method, Request, RequestInit};

use super::clock::arrival_ms;
use super::upstream;
use crate::key_gate::{gate_name, key_digest, provider_key, KeyAsk, KeyPause};
use crate::rules::key_lease::Lease;
pub use crate::rules::key_lease::Permit;
use crate::rules::key_limits::{key_pause_until, Decision};
use crate::rules::settings::Config;

/// The most asks one permit may take (each refused ask waits what the key gate said). Each
/// ask is a subrequest: a client's request may walk several pages, each with its ask, a
/// redirect and its call, under Cloudflare's 50 subrequests per invocation (free plan), so
/// a client's permit asks at most 4 times; a sync no client waits for (its own alarm
/// invocation, one page) at most 20.
const MAX_CLIENT_ASKS: u32 = 4;
const MAX_BACKGROUND_ASKS: u32 = 20;

/// How long a call may wait for its key permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// A client is waiting: `KEY_WAIT_MAX_MS`, then `RATE_LIMITED`.
    Client,
    /// No client waits (a sync a provider's webhook asked for): `KEY_BACKGROUND_WAIT_MAX_MS`.
    Background,
}

/// The account's permits of its providers' keys: cheap to clone, every clone on one lease.
#[derive(Clone)]
pub struct KeyPermits {
    env: Rc<Env>,
    /// The account's tag at the key gates: its object's id.
    account: Rc<str>,
    leases: Rc<RefCell<[Lease; 2]>>,
}

fn slot(provider: Provider) -> usize {
    match provider {
        Provider::ConnectSafely => 0,
        Provider::Linkup => 1,
    }
}

/// `provider`'s key, when its gate is to be asked: a key is configured and a rate of it is
/// on. With both rates at 0 the key gate is not asked at all (nor told of a 429: the account's
/// own pause still holds).
fn keyed(config: &Config, provider: Provider) -> Option<&str> {
    let rates = config.key_limits.policy(provider).rates;
    let on = rates.per_minute > 0 || rates.burst > 0;
    provider_key(config, provider).filter(|_| on)
}

/// A key gate that could not be asked (the runtime's text is not passed on).
fn unreachable_gate(_: worker::Error) -> Error {
    Error::Unavailable {
        message: "the provider key's limiter could not be reached".into(),
    }
}

impl KeyPermits {
    pub fn new(env: Env, account: String) -> Self {
        Self {
            env: Rc::new(env),
            account: account.into(),
            leases: Rc::default(),
        }
    }

    /// A permit for one call to `provider`, from the lease or the key gate, waiting as
    /// `patience` allows; refused: `RATE_LIMITED` with the wait (whole seconds, at least 1).
    /// No key configured, or no rate on it: granted at once without asking.
    pub async fn take(&self, provider: Provider, patience: Patience) -> Result<Permit, Error> {
        let config = self.config()?;
        let config = config.as_ref();
        let Some(key) = keyed(config, provider) else {
            return Ok(Permit::unlimited());
        };
        let (patience_ms, max_asks) = match patience {
            Patience::Client => (config.key_limits.wait_max_ms, MAX_CLIENT_ASKS),
            Patience::Background => (
                config.key_limits.background_wait_max_ms,
                MAX_BACKGROUND_ASKS,
            ),
        };
        let deadline = arrival_ms().saturating_add(patience_ms);
        for _ in 0..max_asks {
            let now = arrival_ms();
            let leased = self.leases.borrow_mut()[slot(provider)].take(now);
            let wait_ms = match leased {
                Ok(permit) => return Ok(permit),
                // A pause this account knows of needs no ask.
                Err(paused_until) if paused_until > now => paused_until - now,
                Err(_) => {
                    let decision = self.ask(config, key, provider).await?;
                    let granted = self.leases.borrow_mut()[slot(provider)].granted(
                        &decision,
                        now,
                        config.key_limits.lease_ms,
                    );
                    match granted {
                        Some(permit) => return Ok(permit),
                        None => decision.wait_ms,
                    }
                }
            };
            let now = arrival_ms();
            if now.saturating_add(wait_ms) > deadline {
                return Err(Error::RateLimited {
                    retry_after_secs: Some(retry_after_secs_for(wait_ms)),
                });
            }
            Delay::from(Duration::from_millis(wait_ms)).await;
        }
        Err(Error::RateLimited {
            retry_after_secs: Some(1),
        })
    }

    /// The isolate's settings (parsed once per isolate).
    fn config(&self) -> Result<Rc<Config>, Error> {
        crate::env::config(&self.env).map_err(|_| Error::Unavailable {
            message: "the proxy is misconfigured".into(),
        })
    }

    /// A permit taken and not used (the account's limits refused the call after its wait):
    /// back into this account's lease of `provider`'s key while it may still start a call.
    pub fn give_back(&self, provider: Provider, permit: Permit) {
        self.leases.borrow_mut()[slot(provider)].give_back(permit, arrival_ms());
    }

    /// One ask of the key gate.
    async fn ask(&self, config: &Config, key: &str, provider: Provider) -> Result<Decision, Error> {
        let ask = KeyAsk {
            provider,
            account: self.account.to_string(),
            want: config.key_limits.lease_max.max(1),
        };
        self.call(config, provider, key, "/ask", &ask).await
    }

    /// An upstream 429 on `provider`'s key: the key gate holds every account of the key
    /// until `until_ms`; this account's lease is dropped (nothing while the key's rates are
    /// off).
    pub async fn pause(&self, provider: Provider, until_ms: u64) -> Result<(), Error> {
        let config = self.config()?;
        let config = config.as_ref();
        let Some(key) = keyed(config, provider) else {
            return Ok(());
        };
        self.leases.borrow_mut()[slot(provider)].pause(until_ms);
        let pause = KeyPause {
            provider,
            until_ms,
            at_ms: arrival_ms(),
        };
        self.send(config, provider, key, "/pause", &pause)
            .await
            .map(|_| ())
    }

    /// Sends `request` to `provider` under a permit of its key (`permit`, when taken ahead,
    /// else one asked for now): no answer within `timeout_ms` is a `NETWORK_ERROR`, and an
    /// answered 429 pauses the key for every account (at most `max_pause_secs`).
    pub async fn send_upstream(
        &self,
        provider: Provider,
        permit: Option<Permit>,
        patience: Patience,
        request: &HttpRequest,
        timeout_ms: u64,
        max_pause_secs: u64,
    ) -> Result<HttpResponse, Error> {
        let _permit = match permit {
            Some(permit) => permit,
            None => self.take(provider, patience).await?,
        };
        let response = upstream::send(request, timeout_ms).await?;
        self.after_answer(provider, &response, max_pause_secs).await;
        Ok(response)
    }

    /// What an answer of `provider` tells its key: a 429 pauses the key for every account
    /// (its wait, at most `max_pause_secs`). Every upstream answer passes here: those of
    /// [`KeyPermits::send_upstream`], and a media upload's or download's
    /// (`Ledger::note_media_answer`), whose bodies are not read as text.
    pub async fn after_answer(
        &self,
        provider: Provider,
        response: &HttpResponse,
        max_pause_secs: u64,
    ) {
        if response.status != 429 {
            return;
        }
        let arrived = arrival_ms();
        let until = key_pause_until(response.wait_secs(arrived), arrived, max_pause_secs);
        if self.pause(provider, until).await.is_err() {
            worker::console_error!("the key's pause could not be recorded");
        }
    }

    /// `provider`'s key as `/v1/usage` shows it: the key by its digest's first 8 hex, its
    /// rates, what was used, this account's part and the pause (`None`: no key configured).
    pub async fn usage(&self, provider: Provider) -> Option<Value> {
        let config = self.config().ok()?;
        let config = config.as_ref();
        let key = provider_key(config, provider)?;
        let rates = config.key_limits.policy(provider).rates;
        let ask = KeyAsk {
            provider,
            account: self.account.to_string(),
            want: 0,
        };
        let used: Option<Value> = self.call(config, provider, key, "/usage", &ask).await.ok();
        let mut shown = serde_json::json!({
            "provider": provider,
            "key": key_digest(key)[..8],
            "perMinute": rates.per_minute,
            "burst": rates.burst,
            "burstWindowSecs": rates.burst_window_secs,
        });
        if let (Some(Value::Object(used)), Some(shown)) = (used, shown.as_object_mut()) {
            shown.extend(used);
        }
        Some(shown)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        config: &Config,
        provider: Provider,
        key: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, Error> {
        let text = self.send(config, provider, key, path, body).await?;
        serde_json::from_str(&text).map_err(|_| Error::Unavailable {
            message: "the provider key's limiter answered something else".into(),
        })
    }

    async fn send(
        &self,
        config: &Config,
        provider: Provider,
        key: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<String, Error> {
        let body = serde_json::to_string(body).map_err(|_| Error::Unavailable {
            message: "a key ask could not be written".into(),
        })?;
        let namespace = self
            .env
            .durable_object(&config.key_gate_binding)
            .map_err(unreachable_gate)?;
        let stub = namespace
            .id_from_name(&gate_name(provider, key))
            .and_then(|id| id.get_stub())
            .map_err(unreachable_gate)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(body.into()));
        let request = Request::new_with_init(&format!("https://key-gate{path}"), &init)
            .map_err(unreachable_gate)?;
        let mut response = stub
            .fetch_with_request(request)
            .await
            .map_err(unreachable_gate)?;
        if !(200..300).contains(&response.status_code()) {
            return Err(Error::Unavailable {
                message: "the provider key's limiter failed".into(),
            });
        }
        response.text().await.map_err(unreachable_gate)
    }
}
