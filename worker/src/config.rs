//! Environment bindings, read once per request into one struct.

use linkedin_inbox::{ApiKey, ConnectSafely, Country, Linkup, LoginToken};
use serde::Deserialize;
use worker::Env;

/// One client of the proxy, as the `CLIENTS` secret lists it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientEntry {
    pub name: String,
    /// Hex SHA-256 of the client's token; the token itself is never stored.
    pub token_sha256: String,
    pub connectsafely_account_id: String,
    pub linkup_login_token: String,
    #[serde(default)]
    pub linkup_country: Option<String>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

impl std::fmt::Debug for ClientEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientEntry")
            .field("name", &self.name)
            .field("login_token", &"[redacted]")
            .finish()
    }
}

pub struct Config {
    pub connectsafely_key: ApiKey,
    pub linkup_key: ApiKey,
    pub clients: Vec<ClientEntry>,
    pub connectsafely_base_url: String,
    pub linkup_base_url: String,
    pub head_ttl_secs: u64,
    pub cursor_ttl_secs: u64,
    pub history_ttl_secs: u64,
    pub upstream_timeout_ms: u64,
    pub daily_limit: u32,
    /// How long a request waits for an identical one in flight before answering 504.
    pub coalesce_wait_ms: u64,
    /// How long a page may be served stale when the provider fails.
    pub stale_window_secs: u64,
    /// LinkupAPI credits an account may spend in all (0: no cap).
    pub linkup_credit_cap: u64,
    /// The Durable Object binding of the account gates.
    pub gate_binding: String,
}

/// A configuration problem: the operator's, never the client's; its text names no secret.
pub struct ConfigError(pub String);

fn text(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
}

fn required(env: &Env, name: &str) -> Result<String, ConfigError> {
    text(env, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ConfigError(format!("{name} is not set")))
}

fn number<T: std::str::FromStr>(env: &Env, name: &str, default: T) -> Result<T, ConfigError> {
    match text(env, name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| ConfigError(format!("{name} must be a number"))),
    }
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let clients: Vec<ClientEntry> =
            serde_json::from_str(&required(env, "CLIENTS")?).map_err(|e| {
                ConfigError(format!(
                    "CLIENTS is not a valid client list: {}",
                    e.classify_text()
                ))
            })?;
        Ok(Self {
            connectsafely_key: ApiKey::new(required(env, "CONNECTSAFELY_API_KEY")?),
            linkup_key: ApiKey::new(required(env, "LINKUP_API_KEY")?),
            clients,
            connectsafely_base_url: text(env, "CONNECTSAFELY_BASE_URL")
                .unwrap_or_else(|| linkedin_inbox::CONNECTSAFELY_BASE_URL.into()),
            linkup_base_url: text(env, "LINKUP_BASE_URL")
                .unwrap_or_else(|| linkedin_inbox::LINKUP_BASE_URL.into()),
            head_ttl_secs: number(env, "HEAD_TTL_SECS", 30)?,
            cursor_ttl_secs: number(env, "CURSOR_TTL_SECS", 300)?,
            history_ttl_secs: number(env, "HISTORY_TTL_SECS", 86_400)?,
            upstream_timeout_ms: number(env, "UPSTREAM_TIMEOUT_MS", 10_000)?,
            daily_limit: number(env, "CONNECTSAFELY_DAILY_LIMIT", 150)?,
            coalesce_wait_ms: number(env, "COALESCE_WAIT_MS", 5_000)?,
            stale_window_secs: number(env, "STALE_WINDOW_SECS", 86_400)?,
            linkup_credit_cap: number(env, "LINKUP_CREDIT_CAP", 0)?,
            gate_binding: text(env, "ACCOUNT_GATE_BINDING")
                .unwrap_or_else(|| "ACCOUNT_GATE".into()),
        })
    }

    pub fn connectsafely(&self) -> Result<ConnectSafely, ConfigError> {
        ConnectSafely::with_base_url(self.connectsafely_key.clone(), &self.connectsafely_base_url)
            .map_err(|e| ConfigError(format!("ConnectSafely settings: {e}")))
    }

    pub fn linkup(&self, client: &ClientEntry) -> Result<Linkup, ConfigError> {
        let token = LoginToken::new(client.linkup_login_token.clone());
        let linkup = Linkup::with_base_url(self.linkup_key.clone(), token, &self.linkup_base_url)
            .map_err(|e| {
            ConfigError(format!(
                "LinkupAPI settings of client {}: {}",
                client.name,
                e.code()
            ))
        })?;
        match client.linkup_country.as_deref() {
            None => Ok(linkup),
            Some(code) => code
                .parse::<Country>()
                .map(|country| linkup.with_country(country))
                .map_err(|_| {
                    ConfigError(format!(
                        "linkupCountry of client {} is not a LinkupAPI country",
                        client.name
                    ))
                }),
        }
    }
}

trait ClassifyText {
    fn classify_text(&self) -> &'static str;
}

impl ClassifyText for serde_json::Error {
    /// The kind of JSON error only: its message could quote a token.
    fn classify_text(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "JSON syntax error",
            serde_json::error::Category::Data => "wrong field or type",
            serde_json::error::Category::Eof => "unexpected end",
        }
    }
}
