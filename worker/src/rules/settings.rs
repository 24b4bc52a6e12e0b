//! The proxy's settings: environment bindings read into one struct, once per isolate (and once
//! per Durable Object instance). Pure: it reads through a lookup function, so it is unit-tested
//! natively; `env.rs` plugs in the Workers `Env`.

use crate::rules::media_ref::MediaKey;
use linkedin_inbox::{ApiKey, Backend, ConnectSafely, Country, Linkup, Provider, Routes};

use crate::rules::client_auth::{AdminToken, MIN_ADMIN_TOKEN_LEN};
use crate::rules::credential_seal::CredentialKeys;
use crate::rules::key_limits::{KeyPolicy, KeyRates};
use crate::rules::registry::{self, Account, Client};
use crate::rules::request_limits::Rate;
use crate::rules::seal::{CursorKey, MIN_SECRET_LEN};

#[derive(Debug)]
pub struct Config {
    /// Required when a client uses ConnectSafely.
    pub connectsafely_key: Option<ApiKey>,
    /// Required when a client uses LinkupAPI.
    pub linkup_key: Option<ApiKey>,
    /// The `CLIENTS` secret's registry: who may call the proxy, and their accounts, until an
    /// operator writes to the stored registry (`registry_object/`; then it is not read).
    pub env_clients: Vec<Client>,
    /// The operator's bearer token for `/admin/v1/` (`ADMIN_TOKEN`), as its digest; `None`:
    /// the admin API is off.
    pub admin_token: Option<AdminToken>,
    /// The keys the stored registry seals credentials with (`REGISTRY_KEYS`); `None`: the
    /// stored registry cannot be written or read (the `CLIENTS` secret still answers).
    pub registry_keys: Option<CredentialKeys>,
    /// How long an isolate keeps a registry answer (`REGISTRY_CACHE_SECS`): the bound on how
    /// late a revoked token, a disabled account or an unlink takes effect in other isolates.
    pub registry_cache_ms: u64,
    /// The Durable Object binding of the stored registry.
    pub registry_binding: String,
    pub connectsafely_base_url: String,
    pub linkup_base_url: String,
    pub head_ttl_secs: u64,
    pub cursor_ttl_secs: u64,
    pub history_ttl_secs: u64,
    pub upstream_timeout_ms: u64,
    /// ConnectSafely calls per account per UTC day (0: no cap, the provider states none for
    /// inbox reads).
    pub daily_limit: u32,
    /// ConnectSafely calls per account in any minute: reads (pages) and writes (sends, read
    /// state); 0: no limit.
    pub account_reads_per_minute: u64,
    pub account_writes_per_minute: u64,
    /// Whether a star is mirrored on LinkedIn through ConnectSafely (`STAR_ON_LINKEDIN`, on
    /// unless `0`); off, stars stay in the proxy (`starredOn: "local"`).
    pub star_on_linkedin: bool,
    /// LinkupAPI credits a monitored account's webhook costs a day, counted in its daily
    /// figures.
    pub linkup_monitoring_credits: u64,
    /// The per-key limits the whole fleet keeps (`key_gate/`).
    pub key_limits: KeyLimits,
    /// How long a request waits for an identical one in flight before answering 504.
    pub coalesce_wait_ms: u64,
    /// How long a page may be served stale when the provider fails.
    pub stale_window_secs: u64,
    /// LinkupAPI credits an account may spend per UTC day (0: no cap).
    pub linkup_daily_credit_cap: u64,
    /// Messages each account may send per UTC day through the proxy, replies included (0: no
    /// limit, the default: ConnectSafely documents replies as unlimited).
    pub send_daily_limit: u64,
    /// New conversations each account may open through ConnectSafely per UTC day (its
    /// documented 150; 0: no limit). LinkupAPI documents no such cap.
    pub new_conversation_daily_limit: u64,
    /// After a send's outcome is unknown, how long past its timeout the provider may still be
    /// finishing it (no second send before then).
    pub send_settle_secs: u64,
    /// Requests per minute (and burst) each client may make (per_minute 0: no limit).
    pub client_rate: Rate,
    /// The shortest time between two `POST /v1/refresh` of an account (and between two head
    /// syncs a provider webhook asks for).
    pub refresh_interval_secs: u64,
    /// How long a push channel socket lives before the client must open a new one.
    pub socket_lifetime_secs: u64,
    /// Stored messages older than this many days are pruned (conversations by `max_threads`).
    pub retention_days: u64,
    /// Stored conversations beyond the newest this many are pruned.
    pub max_threads: u32,
    /// How often the retention alarm runs.
    pub prune_interval_secs: u64,
    /// Upgrade tests only: migrate the store's schema no further than this version.
    pub schema_version_cap: Option<u32>,
    /// Signs the cursors the proxy hands out (`CURSOR_SECRET`).
    pub cursor_key: CursorKey,
    /// Seals the media refs the proxy hands out (derived from `CURSOR_SECRET` under its own
    /// label, `rules/media_ref.rs`).
    pub media_key: crate::rules::media_ref::MediaKey,
    /// The Durable Object binding of the account gates.
    pub gate_binding: String,
    /// The Durable Object binding of the key gates (one per provider key).
    pub key_gate_binding: String,
    /// The longest pause an upstream `Retry-After` may impose on a provider.
    pub max_pause_secs: u64,
    /// Pauses set before this time (epoch ms) are ignored: the operator's reset.
    pub clear_pauses_before_ms: u64,
    /// How often an endpoint's successful answers are checked against its documented contract
    /// (0: every answer); an answer the core cannot read is always checked.
    pub contract_check_interval_secs: u64,
}

/// The limits a provider states per API key, and how the key gate hands out permits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyLimits {
    pub connectsafely: KeyRates,
    pub linkup: KeyRates,
    /// The most permits an account gets per ask while no other account of the key asks.
    pub lease_max: u64,
    /// How long a leased permit may be used.
    pub lease_ms: u64,
    /// How long after its last ask (or its wait) an account keeps its fair share.
    pub active_ms: u64,
    /// The longest a client's request waits for a permit; past it, `429 RATE_LIMITED`.
    pub wait_max_ms: u64,
    /// The longest a sync no client waits for (a provider's webhook asked) waits for one.
    pub background_wait_max_ms: u64,
}

impl KeyLimits {
    /// How `provider`'s key gate hands out permits.
    pub fn policy(&self, provider: Provider) -> KeyPolicy {
        KeyPolicy {
            rates: match provider {
                Provider::ConnectSafely => self.connectsafely,
                Provider::Linkup => self.linkup,
            },
            lease_max: self.lease_max,
            lease_ms: self.lease_ms,
            active_ms: self.active_ms,
        }
    }
}

/// The longest `REGISTRY_CACHE_SECS` taken (a longer one would delay revocations more).
pub const MAX_REGISTRY_CACHE_SECS: u64 = 300;

/// A configuration problem: the operator's, never the client's; its text names no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

fn required(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<String, ConfigError> {
    lookup(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ConfigError(format!("{name} is not set")))
}

fn number<T: std::str::FromStr>(
    lookup: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    match lookup(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| ConfigError(format!("{name} must be a number"))),
    }
}

impl Config {
    /// Reads every setting through `lookup` (a secret or variable by name).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        // An all-time cap had no reset to tell clients; the daily cap replaced it.
        if lookup("LINKUP_CREDIT_CAP").is_some() {
            return Err(ConfigError(
                "LINKUP_CREDIT_CAP was replaced by LINKUP_DAILY_CREDIT_CAP (credits per UTC day)"
                    .into(),
            ));
        }
        // Optional since the registry can be stored: a deployment may start with no client.
        let env_clients = match lookup("CLIENTS").filter(|v| !v.trim().is_empty()) {
            Some(json) => registry::parse(&json)?,
            None => Vec::new(),
        };
        let admin_token = match lookup("ADMIN_TOKEN").filter(|v| !v.is_empty()) {
            Some(token) => Some(AdminToken::new(&token).ok_or_else(|| {
                ConfigError(format!(
                    "ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_LEN} characters"
                ))
            })?),
            None => None,
        };
        let config = Self {
            connectsafely_key: lookup("CONNECTSAFELY_API_KEY")
                .filter(|v| !v.is_empty())
                .map(ApiKey::new),
            linkup_key: lookup("LINKUP_API_KEY")
                .filter(|v| !v.is_empty())
                .map(ApiKey::new),
            env_clients,
            admin_token,
            registry_keys: match lookup("REGISTRY_KEYS").filter(|v| !v.trim().is_empty()) {
                Some(keys) => Some(CredentialKeys::parse(&keys)?),
                None => None,
            },
            // At most 5 minutes: the bound on how late a revocation takes effect.
            registry_cache_ms: number::<u64>(lookup, "REGISTRY_CACHE_SECS", 10)?
                .min(MAX_REGISTRY_CACHE_SECS)
                .saturating_mul(1000),
            registry_binding: lookup("REGISTRY_BINDING").unwrap_or_else(|| "REGISTRY".into()),
            connectsafely_base_url: lookup("CONNECTSAFELY_BASE_URL")
                .unwrap_or_else(|| linkedin_inbox::CONNECTSAFELY_BASE_URL.into()),
            linkup_base_url: lookup("LINKUP_BASE_URL")
                .unwrap_or_else(|| linkedin_inbox::LINKUP_BASE_URL.into()),
            head_ttl_secs: number(lookup, "HEAD_TTL_SECS", 30)?,
            cursor_ttl_secs: number(lookup, "CURSOR_TTL_SECS", 300)?,
            // Older messages do not change: kept (and never fetched again) for the retention.
            history_ttl_secs: number(lookup, "HISTORY_TTL_SECS", 90 * 86_400)?,
            upstream_timeout_ms: number(lookup, "UPSTREAM_TIMEOUT_MS", 10_000)?,
            daily_limit: number(lookup, "CONNECTSAFELY_DAILY_LIMIT", 0)?,
            account_reads_per_minute: number(lookup, "CONNECTSAFELY_ACCOUNT_READS_PER_MINUTE", 30)?,
            account_writes_per_minute: number(
                lookup,
                "CONNECTSAFELY_ACCOUNT_WRITES_PER_MINUTE",
                15,
            )?,
            star_on_linkedin: number::<u8>(lookup, "STAR_ON_LINKEDIN", 1)? != 0,
            linkup_monitoring_credits: number(lookup, "LINKUP_MONITORING_CREDITS_PER_DAY", 10)?,
            key_limits: KeyLimits {
                connectsafely: KeyRates {
                    per_minute: number(lookup, "CONNECTSAFELY_KEY_PER_MINUTE", 60)?,
                    burst: number(lookup, "CONNECTSAFELY_KEY_BURST", 100)?,
                    burst_window_secs: number(lookup, "CONNECTSAFELY_KEY_BURST_WINDOW_SECS", 10)?,
                },
                linkup: KeyRates {
                    per_minute: number(lookup, "LINKUP_KEY_PER_MINUTE", 300)?,
                    burst: number(lookup, "LINKUP_KEY_BURST", 0)?,
                    burst_window_secs: number(lookup, "LINKUP_KEY_BURST_WINDOW_SECS", 10)?,
                },
                lease_max: number(lookup, "KEY_LEASE_MAX", 4)?,
                lease_ms: number(lookup, "KEY_LEASE_MS", 1_000)?,
                active_ms: number(lookup, "KEY_ACTIVE_MS", 2_000)?,
                wait_max_ms: number(lookup, "KEY_WAIT_MAX_MS", 2_000)?,
                background_wait_max_ms: number(lookup, "KEY_BACKGROUND_WAIT_MAX_MS", 60_000)?,
            },
            coalesce_wait_ms: number(lookup, "COALESCE_WAIT_MS", 5_000)?,
            stale_window_secs: number(lookup, "STALE_WINDOW_SECS", 86_400)?,
            linkup_daily_credit_cap: number(lookup, "LINKUP_DAILY_CREDIT_CAP", 300)?,
            send_daily_limit: number(lookup, "SEND_DAILY_LIMIT", 0)?,
            new_conversation_daily_limit: number(lookup, "NEW_CONVERSATION_DAILY_LIMIT", 150)?,
            send_settle_secs: number(lookup, "SEND_SETTLE_SECS", 60)?,
            client_rate: Rate {
                per_minute: number(lookup, "RATE_LIMIT_PER_MINUTE", 120)?,
                burst: number(lookup, "RATE_LIMIT_BURST", 60)?,
            },
            refresh_interval_secs: number(lookup, "REFRESH_MIN_INTERVAL_SECS", 10)?,
            socket_lifetime_secs: number(lookup, "LIVE_SOCKET_LIFETIME_SECS", 3_600)?,
            retention_days: number(lookup, "RETENTION_DAYS", 90)?,
            max_threads: number(lookup, "MAX_THREADS", 2_000)?,
            prune_interval_secs: number(lookup, "PRUNE_INTERVAL_SECS", 86_400)?,
            schema_version_cap: match lookup("SCHEMA_VERSION_CAP") {
                Some(v) if !v.trim().is_empty() => Some(number(lookup, "SCHEMA_VERSION_CAP", 0)?),
                _ => None,
            },
            cursor_key: CursorKey::new(&required(lookup, "CURSOR_SECRET")?).ok_or_else(|| {
                ConfigError(format!(
                    "CURSOR_SECRET must be at least {MIN_SECRET_LEN} characters"
                ))
            })?,
            media_key: MediaKey::derive(&required(lookup, "CURSOR_SECRET")?),
            gate_binding: lookup("ACCOUNT_GATE_BINDING").unwrap_or_else(|| "ACCOUNT_GATE".into()),
            key_gate_binding: lookup("KEY_GATE_BINDING").unwrap_or_else(|| "KEY_GATE".into()),
            max_pause_secs: number(lookup, "MAX_PAUSE_SECS", 900)?,
            clear_pauses_before_ms: number(lookup, "CLEAR_PAUSES_BEFORE_MS", 0)?,
            contract_check_interval_secs: number(lookup, "CONTRACT_CHECK_INTERVAL_SECS", 300)?,
        };
        for account in config.env_clients.iter().flat_map(|c| &c.accounts) {
            config.backend(account)?;
        }
        Ok(config)
    }

    /// The accounts with this id, whoever lists them (webhooks name the account, not a
    /// client; single-account clients of one LinkedIn account may hold other credentials).
    pub fn accounts_with_id<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Account> {
        self.env_clients
            .iter()
            .flat_map(|c| &c.accounts)
            .filter(move |a| a.id == id)
    }

    /// LinkupAPI credits `account`'s webhook monitoring costs a day: the setting for an
    /// account with a LinkupAPI webhook (a `linkupWebhookSecret`), else 0.
    pub fn monitoring_credits(&self, account: &Account) -> u64 {
        match account.linkup_webhook_secret {
            Some(_) => self.linkup_monitoring_credits,
            None => 0,
        }
    }

    fn connectsafely(&self) -> Result<ConnectSafely, ConfigError> {
        let key = self
            .connectsafely_key
            .clone()
            .ok_or_else(|| ConfigError("CONNECTSAFELY_API_KEY is not set".into()))?;
        ConnectSafely::with_base_url(key, &self.connectsafely_base_url)
            .map_err(|e| ConfigError(format!("ConnectSafely settings: {}", e.code())))
    }

    fn linkup(&self, client: &Account) -> Result<Linkup, ConfigError> {
        let key = self
            .linkup_key
            .clone()
            .ok_or_else(|| ConfigError("LINKUP_API_KEY is not set".into()))?;
        let failed = |e: linkedin_inbox::Error| {
            ConfigError(format!(
                "LinkupAPI settings of account {}: {}",
                client.id,
                e.code()
            ))
        };
        let linkup = match (&client.linkup_login_token, &client.linkup_account_id) {
            (Some(token), None) => {
                Linkup::with_base_url(key, token.clone(), &self.linkup_base_url).map_err(failed)?
            }
            (None, Some(account)) => {
                Linkup::v2(key, account, &self.linkup_base_url).map_err(failed)?
            }
            _ => {
                return Err(ConfigError(format!(
                    "account {}: give linkupLoginToken or linkupAccountId, not both",
                    client.id
                )))
            }
        };
        match client.linkup_country.as_deref() {
            None => Ok(linkup),
            Some(code) => code
                .parse::<Country>()
                .map(|country| linkup.with_country(country))
                .map_err(|_| {
                    ConfigError(format!(
                        "linkupCountry of account {} is not a LinkupAPI country",
                        client.id
                    ))
                }),
        }
    }

    /// The providers that serve the account, as the core's direct backend: the ones its entry
    /// has credentials for.
    pub fn backend(&self, client: &Account) -> Result<Backend, ConfigError> {
        let uses_linkup = client.linkup_login_token.is_some() || client.linkup_account_id.is_some();
        Ok(Backend::Direct {
            connectsafely: client
                .connectsafely_account_id
                .as_ref()
                .map(|_| self.connectsafely())
                .transpose()?,
            linkup: uses_linkup.then(|| self.linkup(client)).transpose()?,
            account_id: client.connectsafely_account_id.clone(),
            routes: Routes {
                list: client.list_via,
                threads: client.threads_via,
            },
        })
    }
}

impl Config {
    /// The account's backend knowing its owner (`owner`: the profile URN a ConnectSafely list
    /// answer names, `profileUrn`): ConnectSafely then names a conversation, in a reply, a
    /// thread read or a read-state call, by the documented
    /// `urn:li:msg_conversation:(<owner>,<thread id>)` URN rather than a `messagingThread` one.
    /// An owner that is not a profile URN is ignored.
    pub fn backend_for_owner(
        &self,
        account: &Account,
        owner: Option<&str>,
    ) -> Result<Backend, ConfigError> {
        let mut backend = self.backend(account)?;
        if let (
            Backend::Direct {
                connectsafely: Some(connectsafely),
                ..
            },
            Some(owner),
        ) = (&mut backend, owner)
        {
            if let Ok(known) = connectsafely.clone().with_owner_profile_urn(owner) {
                *connectsafely = known;
            }
        }
        Ok(backend)
    }
}

mod inputs;
pub(crate) use inputs::{classify, is_exact_origin};

#[cfg(test)]
pub(crate) mod tests;
