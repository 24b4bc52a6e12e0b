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
            config.contract_check_interval_secs,
        ),
        (
            30,
            300,
            90 * 86_400,
            10_000,
            0,
            5_000,
            86_400,
            300,
            "ACCOUNT_GATE",
            900,
            0,
            300,
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
    assert!(
        config.star_on_linkedin,
        "stars are mirrored on LinkedIn by default"
    );
    let local = Config::from_lookup(&env(&[("STAR_ON_LINKEDIN", "0")])).unwrap();
    assert!(!local.star_on_linkedin);
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
    let client = &config.env_clients[0];
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
    let missing =
        entry("a", '1', "[]").replace(r#""linkupLoginToken":"t-a""#, r#""linkupLoginToken":" ""#);
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
    } = config.backend(&config.env_clients[0].accounts[0]).unwrap()
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

/// `worker/wrangler.toml` is what a deployment starts from: each of its `[vars]` must be a
/// setting this code reads, with the same value as the code's default, so the two homes of a
/// default cannot drift apart.
#[test]
fn wrangler_toml_vars_are_the_defaults() {
    let wrangler: toml::Table = include_str!("../../../wrangler.toml").parse().unwrap();
    let vars = wrangler["vars"].as_table().unwrap();
    assert!(
        vars.len() >= 20,
        "the deployment's settings: {}",
        vars.len()
    );
    let secrets = env(&[]);
    let read: std::cell::RefCell<Vec<String>> = Default::default();
    let with_vars = Config::from_lookup(&|name| {
        read.borrow_mut().push(name.to_owned());
        match vars.get(name) {
            Some(value) => Some(value.as_str().expect("[vars] are strings").to_owned()),
            None => secrets(name),
        }
    })
    .unwrap();
    for name in vars.keys() {
        assert!(
            read.borrow().contains(name),
            "wrangler.toml sets {name}, which no setting reads"
        );
    }
    // The secrets' defaults (the test environment) hold no [vars]: what remains is the code's.
    let defaults = config();
    assert_eq!(format!("{with_vars:?}"), format!("{defaults:?}"));
}

#[test]
fn the_owner_known_names_connectsafely_conversations_by_their_documented_urn() {
    let config = config();
    let account = &config.env_clients[0].accounts[0];
    let reply = linkedin_inbox::Draft {
        conversation_id: Some("2-ODFkYjU4M2I=".into()),
        profile_url: None,
        text: "hello".into(),
        attachments: Vec::new(),
    };
    let body = |owner: Option<&str>| {
        let backend = config.backend_for_owner(account, owner).unwrap();
        backend.build_send(&reply, "-").unwrap().body.unwrap()
    };
    let owner = "urn:li:fsd_profile:ACoAAB1234567890abcdefghijklmnopqrstuv";
    assert!(
        body(Some(owner)).contains(&format!(
            "\"conversationUrn\":\"urn:li:msg_conversation:({owner},2-ODFkYjU4M2I=)\""
        )),
        "{}",
        body(Some(owner))
    );
    // Unknown, or not a profile URN: the thread URN form, as before.
    for unknown in [None, Some("not a profile")] {
        assert!(
            body(unknown).contains("urn:li:messagingThread:2-ODFkYjU4M2I="),
            "{}",
            body(unknown)
        );
    }
    // A first message to a profile names its member as documented, owner or not.
    let first = linkedin_inbox::Draft {
        conversation_id: None,
        profile_url: Some("https://www.linkedin.com/in/jane-doe-123/".into()),
        text: "hi".into(),
        attachments: Vec::new(),
    };
    let sent = config
        .backend_for_owner(account, Some(owner))
        .unwrap()
        .build_send(&first, "-")
        .unwrap()
        .body
        .unwrap();
    assert!(
        sent.contains("\"recipientProfileId\":\"jane-doe-123\""),
        "{sent}"
    );
    assert!(!sent.contains("recipientProfileUrl"), "{sent}");
}

/// The settings only the runtime reads (the admin API, the registry, key gates, sends,
/// sockets, retention): each taken from its own variable.
#[test]
fn every_runtime_setting_is_read_from_its_variable() {
    let clients = r#"[{"name":"alex","tokenSha256":"0000000000000000000000000000000000000000000000000000000000000000","accounts":[{"id":"a1","connectsafelyAccountId":"acct-1","linkupLoginToken":"li-at-1","linkupWebhookSecret":"lk-webhook-secret-0123456789abcdef"},{"id":"a2","connectsafelyAccountId":"acct-2"}]}]"#;
    let admin = "admin-token-of-the-tests-0123456789";
    let config = Config::from_lookup(&env(&[
        ("CLIENTS", clients),
        ("ADMIN_TOKEN", admin),
        (
            "REGISTRY_KEYS",
            "k2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ),
        ("REGISTRY_CACHE_SECS", "20"),
        ("REGISTRY_BINDING", "REG"),
        ("LINKUP_MONITORING_CREDITS_PER_DAY", "7"),
        ("CONNECTSAFELY_KEY_PER_MINUTE", "61"),
        ("LINKUP_KEY_BURST", "9"),
        ("KEY_LEASE_MAX", "3"),
        ("KEY_LEASE_MS", "900"),
        ("KEY_ACTIVE_MS", "1500"),
        ("SEND_SETTLE_SECS", "45"),
        ("LIVE_SOCKET_LIFETIME_SECS", "120"),
        ("RETENTION_DAYS", "30"),
        ("MAX_THREADS", "500"),
        ("PRUNE_INTERVAL_SECS", "3600"),
        ("SCHEMA_VERSION_CAP", "4"),
        ("KEY_GATE_BINDING", "KEYS"),
    ]))
    .unwrap();
    assert!(config
        .admin_token
        .as_ref()
        .is_some_and(|t| t.admits(Some(&format!("Bearer {admin}")))));
    assert_eq!(
        config.registry_keys.as_ref().map(|k| k.current_kid()),
        Some("k2")
    );
    assert_eq!(
        (
            config.registry_cache_ms,
            config.registry_binding.as_str(),
            config.key_gate_binding.as_str(),
            config.send_settle_secs,
            config.socket_lifetime_secs,
            config.retention_days,
            config.max_threads,
            config.prune_interval_secs,
            config.schema_version_cap,
        ),
        (20_000, "REG", "KEYS", 45, 120, 30, 500, 3600, Some(4))
    );
    let connectsafely = config.key_limits.policy(Provider::ConnectSafely);
    let linkup = config.key_limits.policy(Provider::Linkup);
    assert_eq!(
        (connectsafely.rates.per_minute, linkup.rates.burst),
        (61, 9)
    );
    assert_eq!(
        (linkup.lease_max, linkup.lease_ms, linkup.active_ms),
        (3, 900, 1500)
    );
    // The accounts a webhook names, and what their LinkupAPI monitoring costs a day.
    let found: Vec<&Account> = config.accounts_with_id("a1").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(config.monitoring_credits(found[0]), 7);
    let other = config.accounts_with_id("a2").next().unwrap();
    assert_eq!(config.monitoring_credits(other), 0);
    assert_eq!(config.accounts_with_id("a3").count(), 0);
}
