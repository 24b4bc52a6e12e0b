//! Sandbox configuration: keys, tokens, limits. Built-in demo defaults; a JSON file or flags
//! override them.

use serde::{Deserialize, Serialize};

use crate::data::{big_account_id, big_account_token, MAX_BIG_ACCOUNTS};
use crate::key_limits::KeyRateLimits;
use crate::webhooks::{parse_http_url, parse_webhook_flag, WebhookSecret, WebhookTarget};

/// A ConnectSafely API key and the LinkedIn accounts it may use (the first is the default).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectSafelyKey {
    pub key: String,
    pub accounts: Vec<String>,
}

/// A LinkupAPI `login_token` and the demo account (LinkedIn session) it opens.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginTokenEntry {
    pub token: String,
    pub account: String,
}

/// What ConnectSafely's deprecated seed path `GET /linkedin/messaging/recent-messages` does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedMode {
    /// Answer it, as the seed docs show.
    #[default]
    Serve,
    /// Answer 307 to `/linkedin/conversations` with the same query string, as production does.
    Redirect,
}

impl SeedMode {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "serve" => Some(Self::Serve),
            "redirect" => Some(Self::Redirect),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Config {
    /// Seed of the demo data.
    pub seed: u64,
    pub connectsafely_keys: Vec<ConnectSafelyKey>,
    pub linkup_keys: Vec<String>,
    pub login_tokens: Vec<LoginTokenEntry>,
    /// ConnectSafely calls per account per UTC day.
    pub daily_limit: u32,
    /// New conversations ConnectSafely's send may open per account per UTC day.
    pub send_limit: u32,
    /// LinkupAPI credit balance of each key.
    pub linkup_credits: u64,
    /// Latency added to every provider call, in ms.
    pub latency_ms: u64,
    /// Serve `/__sandbox/*` (counters, reset, faults).
    pub test_controls: bool,
    /// Answer CORS for any origin (browser tests only; the real providers do not).
    pub cors: bool,
    /// Serve or redirect the ConnectSafely seed path.
    pub connectsafely_seed: SeedMode,
    /// Conversations of an extra, large demo account (0: none), for benchmarks.
    #[serde(default)]
    pub big_account: usize,
    /// How many such large accounts (`--big-accounts K`, 1 to `MAX_BIG_ACCOUNTS`; default 1).
    #[serde(default = "one")]
    pub big_accounts: usize,
    /// Serve `/__sandbox/simulate` and `/__sandbox/webhooks` (also on with `test_controls`
    /// or any webhook).
    pub simulate: bool,
    /// Webhook targets registered at start (`--webhook`), restored by `/__sandbox/reset`.
    pub webhooks: Vec<WebhookTarget>,
    /// Answers reshaped away from the documented shapes (`--drift a,b`; none by default).
    pub drift: Vec<crate::drift::Drift>,
    /// Per-API-key rate limits (`--key-rate-limits`: the documented ones; off by default).
    pub key_rate_limits: Option<KeyRateLimits>,
}

fn one() -> usize {
    1
}

pub const DEMO_CONNECTSAFELY_KEY: &str = "demo-connectsafely-key";
pub const DEMO_LINKUP_KEY: &str = "demo-linkup-key";

impl Default for Config {
    fn default() -> Self {
        let accounts = [
            "696ce9e780e0483585e4e553",
            "5f1b2c3d4e5f60718293a4b5",
            "6a7b8c9d0e1f2a3b4c5d6e7f",
        ];
        let tokens = [
            "demo-login-token-alex",
            "demo-login-token-titouan",
            "demo-login-token-priya",
        ];
        Self {
            seed: 42,
            connectsafely_keys: vec![ConnectSafelyKey {
                key: DEMO_CONNECTSAFELY_KEY.into(),
                accounts: accounts.map(String::from).to_vec(),
            }],
            linkup_keys: vec![DEMO_LINKUP_KEY.into()],
            login_tokens: tokens
                .iter()
                .zip(accounts)
                .map(|(token, account)| LoginTokenEntry {
                    token: (*token).into(),
                    account: account.into(),
                })
                .collect(),
            daily_limit: 150,
            send_limit: 150,
            linkup_credits: 100_000,
            latency_ms: 0,
            test_controls: false,
            cors: false,
            connectsafely_seed: SeedMode::Serve,
            big_account: 0,
            big_accounts: 1,
            simulate: false,
            webhooks: Vec::new(),
            drift: Vec::new(),
            key_rate_limits: None,
        }
    }
}

/// Command line: `--port N --config FILE --seed N --daily-limit N --send-limit N --credits N --latency-ms N
/// --connectsafely-seed serve|redirect --drift NAME,... --test-controls --simulate --webhook-secret S
/// --webhook PROVIDER:ACCOUNT=URL --cors --key-rate-limits`. Returns the port and the configuration.
pub fn from_args(args: &[String]) -> Result<(u16, Config), String> {
    let mut port: u16 = std::env::var("SANDBOX_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8790);
    let mut config = Config::default();
    let mut overrides: Vec<(&str, &str)> = Vec::new();
    // Each `--webhook` with the number of `--webhook-secret`s before it.
    let mut webhooks: Vec<(usize, &str)> = Vec::new();
    let mut secrets: Vec<&str> = Vec::new();
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        match flag.as_str() {
            "--test-controls" => overrides.push(("test-controls", "")),
            "--simulate" => overrides.push(("simulate", "")),
            "--webhook" | "--webhook-secret" => {
                let value = iter
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                if flag == "--webhook" {
                    webhooks.push((secrets.len(), value.as_str()));
                } else {
                    secrets.push(value.as_str());
                }
            }
            "--cors" => overrides.push(("cors", "")),
            "--key-rate-limits" => overrides.push(("key-rate-limits", "")),
            "--help" | "-h" => return Err(USAGE.into()),
            "--port"
            | "--config"
            | "--seed"
            | "--daily-limit"
            | "--send-limit"
            | "--credits"
            | "--latency-ms"
            | "--connectsafely-seed"
            | "--drift"
            | "--big-account"
            | "--big-accounts" => {
                let value = iter
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                if flag == "--config" {
                    let text = std::fs::read_to_string(value)
                        .map_err(|e| format!("cannot read {value}: {e}"))?;
                    config = serde_json::from_str(&text)
                        .map_err(|e| format!("bad config {value}: {e}"))?;
                } else {
                    overrides.push((&flag[2..], value));
                }
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    for (name, value) in overrides {
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("--{name} needs a number, got {value}"))
        };
        match name {
            "port" => {
                port =
                    u16::try_from(number()?).map_err(|_| "--port must be 0..=65535".to_owned())?
            }
            "seed" => config.seed = number()?,
            "daily-limit" => {
                config.daily_limit =
                    u32::try_from(number()?).map_err(|_| "--daily-limit too large")?
            }
            "send-limit" => {
                config.send_limit =
                    u32::try_from(number()?).map_err(|_| "--send-limit too large")?
            }
            "credits" => config.linkup_credits = number()?,
            "latency-ms" => config.latency_ms = number()?,
            "big-account" => {
                config.big_account =
                    usize::try_from(number()?).map_err(|_| "--big-account too large")?;
            }
            "big-accounts" => {
                config.big_accounts = usize::try_from(number()?)
                    .ok()
                    .filter(|k| (1..=MAX_BIG_ACCOUNTS).contains(k))
                    .ok_or_else(|| format!("--big-accounts takes 1 to {MAX_BIG_ACCOUNTS}"))?;
            }
            "test-controls" => config.test_controls = true,
            "simulate" => config.simulate = true,
            "cors" => config.cors = true,
            "key-rate-limits" => config.key_rate_limits = Some(KeyRateLimits::DOCUMENTED),
            "connectsafely-seed" => {
                config.connectsafely_seed = SeedMode::parse(value).ok_or_else(|| {
                    format!("--connectsafely-seed must be serve or redirect, got {value}")
                })?
            }
            "drift" => config.drift = crate::drift::Drift::parse_list(value)?,
            _ => unreachable!("every flag above is matched"),
        }
    }
    for (secrets_before, spec) in webhooks {
        // The latest `--webhook-secret` before this `--webhook`, else the first one after it.
        let secret = secrets
            .get(secrets_before.saturating_sub(1))
            .ok_or_else(|| format!("--webhook {spec} needs a --webhook-secret\n{USAGE}"))?;
        let (provider, account, url) = parse_webhook_flag(spec)?;
        crate::webhooks::register(
            &mut config.webhooks,
            WebhookTarget {
                provider,
                account: account.to_owned(),
                url: url.to_owned(),
                secret: WebhookSecret((*secret).to_owned()),
            },
        );
    }
    if let Some(limits) = &config.key_rate_limits {
        limits.validate()?;
    }
    add_big_accounts(&mut config);
    check_webhooks(&mut config)?;
    Ok((port, config))
}

/// Registers the large accounts' ids and login tokens (none when `big_account` is 0).
fn add_big_accounts(config: &mut Config) {
    if config.big_account == 0 {
        return;
    }
    for k in 0..config.big_accounts.clamp(1, MAX_BIG_ACCOUNTS) {
        let id = big_account_id(k);
        if !config.connectsafely_keys[0].accounts.contains(&id) {
            config.connectsafely_keys[0].accounts.push(id.clone());
        }
        if !config.login_tokens.iter().any(|t| t.account == id) {
            config.login_tokens.push(LoginTokenEntry {
                token: big_account_token(k),
                account: id,
            });
        }
    }
}

/// Every configured webhook names a configured account (by its ConnectSafely id) and an
/// http URL, and has a secret; any webhook turns `simulate` on.
fn check_webhooks(config: &mut Config) -> Result<(), String> {
    let known: Vec<&str> = config
        .connectsafely_keys
        .iter()
        .flat_map(|k| k.accounts.iter())
        .chain(config.login_tokens.iter().map(|t| &t.account))
        .map(String::as_str)
        .collect();
    for target in &mut config.webhooks {
        let bare = target
            .account
            .strip_prefix("lk_acc_")
            .unwrap_or(&target.account);
        if !known.contains(&bare) {
            return Err(format!(
                "webhook account {:?} is not a sandbox account (one of {})",
                target.account,
                known.join(", ")
            ));
        }
        target.account = bare.to_owned();
        parse_http_url(&target.url).map_err(|e| format!("webhook {e}"))?;
        if target.secret.0.is_empty() {
            return Err("a webhook secret must not be empty".into());
        }
    }
    config.simulate |= !config.webhooks.is_empty();
    Ok(())
}

const USAGE: &str =
    "usage: sandbox [--port N (0 = any free port)] [--config FILE] [--seed N] [--daily-limit N] \
[--send-limit N] [--credits N] [--latency-ms N] [--connectsafely-seed serve|redirect] [--drift NAME,...] [--big-account N [--big-accounts K]] \
[--test-controls] [--simulate] [--webhook-secret S --webhook connectsafely|linkup:ACCOUNT=URL ...] [--cors] [--key-rate-limits]";
