//! The proxy's settings: environment bindings read into one struct, once per isolate (and once
//! per Durable Object instance). Pure: it reads through a lookup function, so it is unit-tested
//! natively; `env.rs` plugs in the Workers `Env`.

use linkedin_inbox::{ApiKey, Backend, ConnectSafely, Country, Linkup, LoginToken, Routes};

use crate::rules::registry::{self, Account, Client};
use crate::rules::request_limits::Rate;
use crate::rules::seal::{CursorKey, MIN_SECRET_LEN};

#[derive(Debug)]
pub struct Config {
    /// Required when a client uses ConnectSafely.
    pub connectsafely_key: Option<ApiKey>,
    /// Required when a client uses LinkupAPI.
    pub linkup_key: Option<ApiKey>,
    /// Who may call the proxy, and their accounts.
    pub clients: Vec<Client>,
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
    /// LinkupAPI credits an account may spend per UTC day (0: no cap).
    pub linkup_daily_credit_cap: u64,
    /// Messages each account may send per UTC day through the proxy (0: no limit).
    pub send_daily_limit: u64,
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
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub schema_version_cap: Option<u32>,
    /// Signs the cursors the proxy hands out (`CURSOR_SECRET`).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub cursor_key: CursorKey,
    /// The Durable Object binding of the account gates.
    pub gate_binding: String,
    /// The longest pause an upstream `Retry-After` may impose on a provider.
    pub max_pause_secs: u64,
    /// Pauses set before this time (epoch ms) are ignored: the operator's reset.
    pub clear_pauses_before_ms: u64,
}

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
        let clients = registry::parse(&required(lookup, "CLIENTS")?)?;
        let config = Self {
            connectsafely_key: lookup("CONNECTSAFELY_API_KEY")
                .filter(|v| !v.is_empty())
                .map(ApiKey::new),
            linkup_key: lookup("LINKUP_API_KEY")
                .filter(|v| !v.is_empty())
                .map(ApiKey::new),
            clients,
            connectsafely_base_url: lookup("CONNECTSAFELY_BASE_URL")
                .unwrap_or_else(|| linkedin_inbox::CONNECTSAFELY_BASE_URL.into()),
            linkup_base_url: lookup("LINKUP_BASE_URL")
                .unwrap_or_else(|| linkedin_inbox::LINKUP_BASE_URL.into()),
            head_ttl_secs: number(lookup, "HEAD_TTL_SECS", 30)?,
            cursor_ttl_secs: number(lookup, "CURSOR_TTL_SECS", 300)?,
            // Older messages do not change: kept (and never fetched again) for the retention.
            history_ttl_secs: number(lookup, "HISTORY_TTL_SECS", 90 * 86_400)?,
            upstream_timeout_ms: number(lookup, "UPSTREAM_TIMEOUT_MS", 10_000)?,
            daily_limit: number(lookup, "CONNECTSAFELY_DAILY_LIMIT", 150)?,
            coalesce_wait_ms: number(lookup, "COALESCE_WAIT_MS", 5_000)?,
            stale_window_secs: number(lookup, "STALE_WINDOW_SECS", 86_400)?,
            linkup_daily_credit_cap: number(lookup, "LINKUP_DAILY_CREDIT_CAP", 300)?,
            send_daily_limit: number(lookup, "SEND_DAILY_LIMIT", 150)?,
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
            gate_binding: lookup("ACCOUNT_GATE_BINDING").unwrap_or_else(|| "ACCOUNT_GATE".into()),
            max_pause_secs: number(lookup, "MAX_PAUSE_SECS", 900)?,
            clear_pauses_before_ms: number(lookup, "CLEAR_PAUSES_BEFORE_MS", 0)?,
        };
        for account in config.clients.iter().flat_map(|c| &c.accounts) {
            config.backend(account)?;
        }
        Ok(config)
    }

    /// The accounts with this id, whoever lists them (webhooks name the account, not a
    /// client; single-account clients of one LinkedIn account may hold other credentials).
    pub fn accounts_with_id<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Account> {
        self.clients
            .iter()
            .flat_map(|c| &c.accounts)
            .filter(move |a| a.id == id)
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
                Linkup::with_base_url(key, LoginToken::new(token.clone()), &self.linkup_base_url)
                    .map_err(failed)?
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

/// `scheme://host[:port]` exactly as a browser sends it in `Origin` (no path, no trailing
/// slash, lower-case, no default port); extension origins are `scheme://id`.
pub(crate) fn is_exact_origin(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    match url.scheme() {
        "http" | "https" => url.origin().ascii_serialization() == origin,
        "chrome-extension" | "moz-extension" | "safari-web-extension" => url
            .host_str()
            .is_some_and(|id| format!("{}://{id}", url.scheme()) == origin),
        _ => false,
    }
}

/// The kind of JSON error only: its message could quote a token.
pub(crate) fn classify(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "JSON syntax error",
        serde_json::error::Category::Data => "wrong field or type",
        serde_json::error::Category::Eof => "unexpected end",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const CLIENTS: &str = r#"[{"name":"alex","tokenSha256":"0000000000000000000000000000000000000000000000000000000000000000","connectsafelyAccountId":"acct-1","linkupLoginToken":"li-at-secret-1","allowedOrigins":["https://app.example"]}]"#;

    pub fn env(extra: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let mut vars: Vec<(String, String)> = vec![
            ("CONNECTSAFELY_API_KEY".into(), "cs-key-secret".into()),
            ("LINKUP_API_KEY".into(), "lk-key-secret".into()),
            ("CLIENTS".into(), CLIENTS.into()),
            (
                "CURSOR_SECRET".into(),
                "cursor-secret-for-tests-0123456789".into(),
            ),
        ];
        for (k, v) in extra {
            vars.retain(|(name, _)| name != k);
            vars.push(((*k).into(), (*v).into()));
        }
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    pub fn config() -> Config {
        Config::from_lookup(&env(&[])).unwrap()
    }

    #[test]
    fn defaults_apply_and_numbers_are_read() {
        let config = config();
        assert_eq!(
            (
                config.head_ttl_secs,
                config.cursor_ttl_secs,
                config.history_ttl_secs,
                config.upstream_timeout_ms,
                config.daily_limit,
                config.coalesce_wait_ms,
                config.stale_window_secs,
                config.linkup_daily_credit_cap,
                config.gate_binding.as_str(),
                config.max_pause_secs,
                config.clear_pauses_before_ms,
            ),
            (
                30,
                300,
                90 * 86_400,
                10_000,
                150,
                5_000,
                86_400,
                300,
                "ACCOUNT_GATE",
                900,
                0,
            )
        );
        assert_eq!(
            (config.client_rate, config.refresh_interval_secs),
            (
                Rate {
                    per_minute: 120,
                    burst: 60
                },
                10
            )
        );
        assert_eq!(
            config.connectsafely_base_url,
            linkedin_inbox::CONNECTSAFELY_BASE_URL
        );
        assert_eq!(config.linkup_base_url, linkedin_inbox::LINKUP_BASE_URL);
        let custom = Config::from_lookup(&env(&[("HEAD_TTL_SECS", " 5 ")])).unwrap();
        assert_eq!(custom.head_ttl_secs, 5);
    }

    #[test]
    fn problems_name_the_setting_never_a_secret() {
        let missing = Config::from_lookup(&env(&[("LINKUP_API_KEY", "")])).unwrap_err();
        assert_eq!(missing, ConfigError("LINKUP_API_KEY is not set".into()));
        let short = Config::from_lookup(&env(&[("CURSOR_SECRET", "guessable")])).unwrap_err();
        assert!(short.0.contains("CURSOR_SECRET must be") && !short.0.contains("guessable"));
        let missing = Config::from_lookup(&env(&[("CURSOR_SECRET", "")])).unwrap_err();
        assert_eq!(missing, ConfigError("CURSOR_SECRET is not set".into()));
        let renamed = Config::from_lookup(&env(&[("LINKUP_CREDIT_CAP", "100")])).unwrap_err();
        assert!(renamed.0.contains("LINKUP_DAILY_CREDIT_CAP"));
        let bad = Config::from_lookup(&env(&[("HEAD_TTL_SECS", "soon")])).unwrap_err();
        assert!(bad.0.contains("HEAD_TTL_SECS"));
        let leaky = r#"[{"name":"a","tokenSha256":"x","connectsafelyAccountId":"1","linkupLoginToken":"li-at-secret-9","oops":1}]"#;
        let err = Config::from_lookup(&env(&[("CLIENTS", leaky)])).unwrap_err();
        assert!(
            !err.0.contains("li-at-secret-9") && err.0.contains("CLIENTS"),
            "{}",
            err.0
        );
    }

    #[test]
    fn each_client_gets_both_providers_with_its_own_session() {
        let config = config();
        let client = &config.clients[0];
        assert_eq!(client.allowed_origins, ["https://app.example"]);
        let account = &client.accounts[0];
        assert!(account.linkup_country.is_none() && !client.token_sha256.is_empty());
        let backend = config.backend(account).unwrap();
        let list = backend.prepare(linkedin_inbox::Operation::ListConversations(
            Default::default(),
        ));
        let request = backend.build(&list).unwrap();
        assert!(request.url.contains("accountId=acct-1"), "{}", request.url);
        let bad_country = r#"[{"name":"b","tokenSha256":"1111111111111111111111111111111111111111111111111111111111111111","accounts":[{"id":"b1","connectsafelyAccountId":"1","linkupLoginToken":"t","linkupCountry":"ZZ"}]}]"#;
        let err = with_clients(bad_country).unwrap_err();
        assert!(err.0.contains("linkupCountry of account b1"), "{}", err.0);
    }

    fn with_clients(clients: &str) -> Result<Config, ConfigError> {
        Config::from_lookup(&env(&[("CLIENTS", clients)]))
    }

    fn entry(name: &str, digest_digit: char, origins: &str) -> String {
        format!(
            r#"{{"name":"{name}","tokenSha256":"{}","connectsafelyAccountId":"a-{name}","linkupLoginToken":"t-{name}","allowedOrigins":{origins}}}"#,
            digest_digit.to_string().repeat(64)
        )
    }

    #[test]
    fn a_registry_that_could_mix_up_clients_is_refused() {
        let ok = format!("[{},{}]", entry("a", '1', "[]"), entry("b", '2', "[]"));
        assert!(with_clients(&ok).is_ok());
        let cases = [
            (
                format!("[{},{}]", entry("me", '1', "[]"), entry("me", '2', "[]")),
                "name is used",
            ),
            (
                format!("[{},{}]", entry("a", '1', "[]"), entry("b", '1', "[]")),
                "tokenSha256 is used",
            ),
            (format!("[{}]", entry("a", 'g', "[]")), "64 hex"),
            (format!("[{}]", entry("", '1', "[]")), "name must be"),
            (format!("[{}]", entry("a b", '1', "[]")), "name must be"),
            (format!("[{}]", entry("é", '1', "[]")), "name must be"),
        ];
        for (clients, expected) in cases {
            let err = with_clients(&clients).unwrap_err();
            assert!(err.0.contains(expected), "{} / {expected}", err.0);
        }
        let shared_session = format!(
            "[{},{}]",
            entry("a", '1', "[]"),
            entry("b", '2', "[]").replace("t-b", "t-a")
        );
        assert!(with_clients(&shared_session)
            .unwrap_err()
            .0
            .contains("is used by an earlier entry of another"));
        let missing = entry("a", '1', "[]")
            .replace(r#""linkupLoginToken":"t-a""#, r#""linkupLoginToken":" ""#);
        assert!(with_clients(&format!("[{missing}]"))
            .unwrap_err()
            .0
            .contains("an account field is empty"));
        let shared_v2 = r#"[{"name":"a","tokenSha256":"1111111111111111111111111111111111111111111111111111111111111111","connectsafelyAccountId":"x","linkupAccountId":"lk_1"},{"name":"b","tokenSha256":"2222222222222222222222222222222222222222222222222222222222222222","connectsafelyAccountId":"y","linkupAccountId":"lk_1"}]"#;
        assert!(with_clients(shared_v2)
            .unwrap_err()
            .0
            .contains("is used by an earlier entry of another"));
        let nothing = r#"[{"name":"n","tokenSha256":"1111111111111111111111111111111111111111111111111111111111111111"}]"#;
        assert!(with_clients(nothing)
            .unwrap_err()
            .0
            .contains("give connectsafelyAccountId"));
    }

    #[test]
    fn a_single_provider_account_needs_only_its_key_and_gets_only_its_provider() {
        let linkup_only = r#"[{"name":"l","tokenSha256":"1111111111111111111111111111111111111111111111111111111111111111","linkupAccountId":"lk_acc_1"}]"#;
        let config = Config::from_lookup(&env(&[
            ("CLIENTS", linkup_only),
            ("CONNECTSAFELY_API_KEY", ""),
        ]))
        .unwrap();
        let Backend::Direct {
            connectsafely,
            linkup,
            ..
        } = config.backend(&config.clients[0].accounts[0]).unwrap()
        else {
            unreachable!()
        };
        assert!(connectsafely.is_none() && linkup.unwrap().v2_account_id() == Some("lk_acc_1"));
        let needs_key = Config::from_lookup(&env(&[("LINKUP_API_KEY", "")])).unwrap_err();
        assert_eq!(needs_key, ConfigError("LINKUP_API_KEY is not set".into()));
        let both = r#"[{"name":"b","tokenSha256":"1111111111111111111111111111111111111111111111111111111111111111","linkupAccountId":"a","linkupLoginToken":"t"}]"#;
        assert!(with_clients(both).unwrap_err().0.contains("not both"));
    }

    #[test]
    fn origins_must_be_exact() {
        for good in [
            r#"["https://app.example"]"#,
            r#"["http://127.0.0.1:8080","chrome-extension://abcdefghijklmnop"]"#,
        ] {
            assert!(
                with_clients(&format!("[{}]", entry("a", '1', good))).is_ok(),
                "{good}"
            );
        }
        for bad in [
            r#"["https://app.example/"]"#,
            r#"["https://app.example/inbox"]"#,
            r#"["https://APP.example"]"#,
            r#"["https://app.example:443"]"#,
            r#"["app.example"]"#,
            r#"["chrome-extension://abc/"]"#,
            r#"["ftp://files.example"]"#,
        ] {
            let err = with_clients(&format!("[{}]", entry("a", '1', bad))).unwrap_err();
            assert!(err.0.contains("allowedOrigins"), "{bad}: {}", err.0);
        }
    }

    #[test]
    fn debug_output_redacts_the_login_token() {
        let config = config();
        let text = format!("{config:?}");
        for secret in [
            "li-at-secret-1",
            "cs-key-secret",
            "lk-key-secret",
            "cursor-secret-for-tests",
        ] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
