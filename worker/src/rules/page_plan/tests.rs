use super::*;
use crate::rules::admission::Billing;
use crate::rules::settings::tests::config;

fn conversations(cursor: Option<&str>) -> PageRequest {
    PageRequest::Conversations(ConversationQuery {
        account_id: Some("acct-1".into()),
        count: Some(20),
        cursor: cursor.map(str::to_owned),
        ..Default::default()
    })
}

fn messages(count: u32) -> PageRequest {
    PageRequest::Messages(MessageQuery {
        conversation_id: Some("2-abc".into()),
        count: Some(count),
        ..Default::default()
    })
}

/// SQL `LIKE` as SQLite reads it (`%` any run, `_` any one character), for the test.
fn like(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p {
            [] => t.is_empty(),
            ['%', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..])),
            ['_', rest @ ..] => !t.is_empty() && go(rest, &t[1..]),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(
        &pattern.chars().collect::<Vec<_>>(),
        &text.chars().collect::<Vec<_>>(),
    )
}

#[test]
fn a_tail_that_does_not_move_ends_the_list() {
    assert_eq!(next_tail("c1", Some("c2")), Some("c2"));
    assert_eq!(next_tail("c1", Some("c1")), None);
    assert_eq!(next_tail("c1", Some("")), None);
    assert_eq!(next_tail("c1", None), None);
}

#[test]
fn a_threads_head_pattern_matches_its_head_pages_only() {
    let config = config();
    let pattern = thread_head_pattern("2-abc").unwrap();
    for (count, generation) in [(10, 0), (100, 7)] {
        let key = messages(count)
            .plan(&config, "acct", generation, Provider::Linkup)
            .unwrap()
            .key;
        assert!(like(&pattern, &key), "{pattern} ~ {key}");
    }
    let other = PageRequest::Messages(MessageQuery {
        conversation_id: Some("2-abd".into()),
        count: Some(10),
        ..Default::default()
    });
    let key = other
        .plan(&config, "acct", 0, Provider::Linkup)
        .unwrap()
        .key;
    assert!(!like(&pattern, &key));
    assert_eq!(thread_head_pattern("not a thread"), None);
}

#[test]
fn head_pages_carry_the_generation_and_the_head_ttl() {
    let plan = conversations(None)
        .plan(&config(), "acct", 7, Provider::ConnectSafely)
        .unwrap();
    let kid = config().cursor_key.key_id();
    assert!(
        plan.key.starts_with(&format!("acct/{kid}/g7/cs:")),
        "{}",
        plan.key
    );
    assert_eq!(
        (plan.ttl_secs, plan.credits, plan.provider),
        (30, 0, Provider::ConnectSafely)
    );
    let next = conversations(None)
        .plan(&config(), "acct", 8, Provider::ConnectSafely)
        .unwrap();
    assert_ne!(plan.key, next.key, "a refresh changes the head key");
}

#[test]
fn browsers_revalidate_head_pages_and_keep_older_pages_briefly() {
    let head = conversations(None)
        .plan(&config(), "acct", 0, Provider::ConnectSafely)
        .unwrap();
    assert_eq!(head.browser_max_age(30), 0);
    let history = Plan {
        is_head: false,
        ..head
    };
    assert_eq!(history.browser_max_age(86_400), BROWSER_MAX_AGE_SECS);
    assert_eq!(history.browser_max_age(5), 5);
}

#[test]
fn message_pages_cost_credits_per_ten() {
    let plan = messages(25)
        .plan(&config(), "acct", 0, Provider::Linkup)
        .unwrap();
    assert_eq!(
        (plan.credits, plan.ttl_secs, plan.provider),
        (3, 30, Provider::Linkup)
    );
}

#[test]
fn keys_hold_no_secret_and_differ_by_account() {
    let a = messages(10)
        .plan(&config(), "acct-a", 0, Provider::Linkup)
        .unwrap();
    let b = messages(10)
        .plan(&config(), "acct-b", 0, Provider::Linkup)
        .unwrap();
    assert_ne!(a.key, b.key);
    for secret in ["li-at-secret-1", "cs-key-secret", "lk-key-secret"] {
        assert!(!a.key.contains(secret));
    }
}

#[test]
fn a_foreign_cursor_is_refused_before_any_plan() {
    let err = conversations(Some("garbage"))
        .plan(&config(), "acct", 0, Provider::ConnectSafely)
        .unwrap_err();
    assert_eq!(err.code(), linkedin_inbox::ErrorCode::InvalidCursor);
}

#[test]
fn the_operation_is_the_query_itself() {
    assert_eq!(messages(10).operation().name(), "listMessages");
    assert_eq!(conversations(None).operation().name(), "listConversations");
}

#[test]
fn pauses_are_clamped_and_per_provider() {
    assert_eq!(pause_secs(999_999_999, 900), 900);
    assert_eq!(pause_secs(30, 900), 30);
    assert_eq!(
        pause_secs(0, 900),
        1,
        "a zero pause would loop on the provider"
    );
    assert!(may_have_been_charged(
        &Error::Network {
            message: String::new()
        },
        Billing::Successes
    ));
    assert!(!may_have_been_charged(
        &Error::UpstreamError {
            status: 500,
            message: String::new()
        },
        Billing::Successes
    ));
    let clamped = clamp_retry_after(
        Error::RateLimited {
            retry_after_secs: Some(u64::MAX),
        },
        900,
    );
    assert_eq!(clamped.retry_after_secs(), Some(900));
    let unnamed = clamp_retry_after(
        Error::RateLimited {
            retry_after_secs: None,
        },
        900,
    );
    assert_eq!(unnamed.retry_after_secs(), Some(DEFAULT_PAUSE_SECS));
    let other = clamp_retry_after(
        Error::Network {
            message: String::new(),
        },
        900,
    );
    assert_eq!(other.retry_after_secs(), None);
    let cs = conversations(None)
        .plan(&config(), "a", 0, Provider::ConnectSafely)
        .unwrap();
    let lk = messages(10)
        .plan(&config(), "a", 0, Provider::Linkup)
        .unwrap();
    assert_eq!(
        (cs.provider, lk.provider),
        (Provider::ConnectSafely, Provider::Linkup)
    );
}

#[test]
fn stale_pages_are_not_kept_by_browsers() {
    let headers = page_headers(Source::Stale, 30, Some(90), 0, 0);
    assert!(headers.contains(&("Cache-Control", "private, no-cache".into())));
    assert!(headers.contains(&("Age", "90".into())));
    let miss = page_headers(Source::Miss, 30, None, 3, 0);
    assert!(miss.contains(&("Cache-Control", "private, max-age=30".into())));
    assert!(miss.contains(&("X-Credits-Spent", "3".into())));
    assert_eq!(Source::Coalesced.as_str(), "COALESCED");
    let head = page_headers(Source::Hit, 0, None, 0, 0);
    assert!(head.contains(&("Cache-Control", "private, no-cache".into())));
    let hit = page_headers(Source::Hit, 12, None, 0, 2);
    assert!(hit.contains(&("X-Cache", "HIT".into())));
    assert!(hit.contains(&("X-Credits-Saved", "2".into())));
}

#[test]
fn only_provider_failures_may_be_served_stale() {
    assert!(stale_allowed(&Error::Network {
        message: String::new()
    }));
    assert!(stale_allowed(&Error::RateLimited {
        retry_after_secs: None
    }));
    assert!(!stale_allowed(&Error::NotFound {
        message: String::new()
    }));
    assert!(!stale_allowed(&Error::InvalidCursor {
        reason: String::new()
    }));
}

#[test]
fn linkup_v1_bills_every_answer_but_a_500_and_v2_only_successes() {
    let not_found = Error::NotFound {
        message: String::new(),
    };
    let refused = [
        Error::UpstreamError {
            status: 400,
            message: String::new(),
        },
        Error::Unauthorized {
            status: 401,
            message: String::new(),
        },
        Error::RateLimited {
            retry_after_secs: Some(5),
        },
        not_found,
    ];
    for error in &refused {
        assert!(
            may_have_been_charged(error, Billing::AllBut500),
            "{error:?}"
        );
        assert!(
            !may_have_been_charged(error, Billing::Successes),
            "{error:?}"
        );
    }
    let server_error = Error::UpstreamError {
        status: 500,
        message: String::new(),
    };
    assert!(!may_have_been_charged(&server_error, Billing::AllBut500));
    let invalid = Error::InvalidInput {
        field: "count",
        reason: String::new(),
    };
    assert!(
        !may_have_been_charged(&invalid, Billing::AllBut500),
        "never sent: never billed"
    );
}

#[test]
fn the_billing_follows_the_linkup_version_of_the_account() {
    use crate::rules::admission::Cost;
    use crate::rules::settings::{tests::env, Config};
    let billing = |extra: &[(&str, &str)]| {
        let config = Config::from_lookup(&env(extra)).unwrap();
        Billing::of(&config.backend(&config.env_clients[0].accounts[0]).unwrap())
    };
    assert_eq!(billing(&[]), Billing::AllBut500, "a login_token is v1");
    let v2 = r#"[{"name":"alex","tokenSha256":"0000000000000000000000000000000000000000000000000000000000000000","linkupAccountId":"lk_acc_1","allowedOrigins":[]}]"#;
    assert_eq!(billing(&[("CLIENTS", v2)]), Billing::Successes);
    assert_eq!(Cost::call(Provider::Linkup, 2).billing, Billing::Successes);
}

/// A LinkupAPI v1 500 is not billed whatever code its body names: read by the core's v1
/// client from the answer itself, a credit or rate code in a 500 is still a 500.
#[test]
fn a_linkup_v1_500_naming_a_credit_or_rate_code_is_refunded() {
    use crate::rules::admission::{pause_until, settlement, Settlement};
    use crate::rules::utc_day::DAY_MS;
    use linkedin_inbox::{Backend, HttpResponse, MessageQuery, Operation};
    const NOW: u64 = 1_796_551_200_000;
    let config = config();
    let backend = config.backend(&config.env_clients[0].accounts[0]).unwrap();
    let backend = match backend {
        Backend::Direct { linkup, .. } => Backend::Direct {
            connectsafely: None,
            linkup,
            account_id: None,
            routes: Default::default(),
        },
        other => other,
    };
    assert_eq!(Billing::of(&backend), Billing::AllBut500);
    let operation = Operation::ListMessages(MessageQuery {
        conversation_id: Some("2-abc".into()),
        count: Some(10),
        ..Default::default()
    });
    let day = NOW / DAY_MS;
    for body in [
        r#"{"status":"error","code":"INSUFFICIENT_CREDITS","message":"no credits"}"#,
        r#"{"status":"error","code":"RATE_LIMITED","message":"slow down"}"#,
        r#"{"success":false,"error":{"code":"INSUFFICIENT_CREDITS","message":"x"}}"#,
    ] {
        let error = backend
            .parse(&operation, &HttpResponse::new(500, body))
            .unwrap_err();
        assert_eq!(
            settlement(3, day, Err(&error), Billing::AllBut500, NOW),
            Settlement::Refunded {
                from_day_count: true
            },
            "{body}"
        );
        assert_eq!(
            pause_until::<()>(Err(&error), NOW, 900),
            None,
            "a 500 pauses nothing"
        );
    }
    // The same codes with their own statuses are billed by v1.
    let credits = backend
        .parse(
            &operation,
            &HttpResponse::new(402, r#"{"status":"error","code":"INSUFFICIENT_CREDITS"}"#),
        )
        .unwrap_err();
    assert_eq!(
        settlement(3, day, Err(&credits), Billing::AllBut500, NOW),
        Settlement::Charged { unused: 0 }
    );
}
