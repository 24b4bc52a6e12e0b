use super::*;
use linkedin_inbox::LoginToken;

/// 2026-12-06T10:00:00Z.
const NOW: u64 = 1_796_551_200_000;

fn account(token: &str) -> Account {
    Account {
        id: "alex".into(),
        label: "Alex".into(),
        connectsafely_account_id: Some("696ce9e780e0483585e4e553".into()),
        linkup_login_token: Some(LoginToken::new(token)),
        linkup_account_id: None,
        linkup_country: None,
        list_via: None,
        threads_via: None,
        connectsafely_webhook_secret: None,
        linkup_webhook_secret: None,
    }
}

fn answer(status: u16, body: &str, headers: &[(&str, &str)]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.into(),
    }
}

/// LinkupAPI v2's documented error envelope (docs.linkupapi.com `.../v2/error-codes`).
fn v2_error(status: u16, code: &str) -> HttpResponse {
    answer(
        status,
        &format!(r#"{{"success":false,"error":{{"code":"{code}","message":"m"}}}}"#),
        &[],
    )
}

#[test]
fn session_refusals_are_the_documented_account_errors_never_our_api_key() {
    let lk = Provider::Linkup;
    assert!(session_refused(lk, &v2_error(403, "ACCOUNT_INACTIVE")));
    assert!(!session_refused(lk, &v2_error(403, "INVALID_API_KEY")));
    let v1 = |status, code: &str| {
        answer(
            status,
            &format!(r#"{{"status":"error","code":"{code}","message":"m"}}"#),
            &[],
        )
    };
    assert!(session_refused(lk, &v1(401, "INVALID_LOGIN_TOKEN")));
    assert!(session_refused(lk, &answer(401, "", &[])), "v1: a bare 401");
    assert!(!session_refused(lk, &v1(403, "INVALID_API_KEY")));
    assert!(!session_refused(lk, &v1(500, "INTERNAL_ERROR")));
    // ConnectSafely documents 401/403 as refusals of the API key or the subscription.
    let cs = answer(
        401,
        r#"{"error":"Unauthorized - Invalid credentials"}"#,
        &[],
    );
    assert!(!session_refused(Provider::ConnectSafely, &cs));
    assert_eq!(
        read_answer(Provider::ConnectSafely, &cs, 900, NOW),
        Answer::Other
    );
}

#[test]
fn answers_read_as_good_refused_paused_or_no_news() {
    let lk = Provider::Linkup;
    assert_eq!(
        read_answer(lk, &answer(200, "{}", &[]), 900, NOW),
        Answer::Good
    );
    assert_eq!(
        read_answer(lk, &v2_error(200, "ACCOUNT_INACTIVE"), 900, NOW),
        Answer::SessionRefused,
        "a v2 error envelope under a 200 is no good answer"
    );
    assert_eq!(
        read_answer(lk, &answer(429, "{}", &[("retry-after", "120")]), 900, NOW),
        Answer::Paused {
            until: NOW + 120_000
        }
    );
    assert_eq!(
        read_answer(lk, &answer(429, "{}", &[("retry-after", "7200")]), 900, NOW),
        Answer::Paused {
            until: NOW + 900_000
        },
        "clamped as the ledger's pause"
    );
    assert_eq!(
        read_answer(lk, &answer(502, "", &[]), 900, NOW),
        Answer::Other
    );
}

#[test]
fn a_refused_session_is_held_to_one_probe_a_minute_and_cleared_by_a_good_answer() {
    let digest = credential_digest(&account("old"));
    let lk = Provider::Linkup;
    let ok = Health::default();
    assert_eq!(may_call(&ok, lk, NOW), Ok(false));
    let refused = after_answer(&ok, lk, Answer::SessionRefused, &digest, NOW);
    assert_eq!(refused.state, HealthState::SessionExpired);
    assert_eq!((refused.since, refused.until), (NOW, None));
    assert_eq!(may_call(&refused, lk, NOW + 1), Err(60));
    assert_eq!(may_call(&refused, lk, NOW + 59_001), Err(1));
    assert_eq!(may_call(&refused, lk, NOW + 60_000), Ok(true));
    assert_eq!(
        may_call(&refused, Provider::ConnectSafely, NOW + 1),
        Ok(false),
        "the other provider's calls go"
    );
    // The probe refused again: the same state since the first refusal, the next probe later.
    let again = after_answer(&refused, lk, Answer::SessionRefused, &digest, NOW + 60_000);
    assert!(!again.shows_differently(&refused));
    assert_eq!(may_call(&again, lk, NOW + 61_000), Err(59));
    // Good answers of the other provider say nothing about this session.
    let cs_good = after_answer(&again, Provider::ConnectSafely, Answer::Good, &digest, NOW);
    assert_eq!(cs_good.state, HealthState::SessionExpired);
    let cleared = after_answer(&again, lk, Answer::Good, &digest, NOW + 120_000);
    assert_eq!(cleared, Health::ok(NOW + 120_000));
}

#[test]
fn changed_credentials_clear_a_refused_session_and_time_clears_a_pause_or_budget() {
    let (old, new) = (
        credential_digest(&account("old")),
        credential_digest(&account("new")),
    );
    assert_ne!(old, new);
    assert!(!old.contains("old") && old.len() == 24);
    let refused = after_answer(
        &Health::default(),
        Provider::Linkup,
        Answer::SessionRefused,
        &old,
        NOW,
    );
    assert_eq!(current(&refused, &old, NOW + 3_600_000), refused);
    assert_eq!(current(&refused, &new, NOW + 5), Health::ok(NOW + 5));
    let paused = after_answer(
        &Health::default(),
        Provider::Linkup,
        Answer::Paused { until: NOW + 1_000 },
        &old,
        NOW,
    );
    assert_eq!(paused.state, HealthState::ProviderPaused);
    assert_eq!(paused.shown()["until"], NOW + 1_000);
    assert_eq!(
        current(&paused, &old, NOW + 999).state,
        HealthState::ProviderPaused
    );
    assert_eq!(current(&paused, &old, NOW + 1_000), Health::ok(NOW + 1_000));
    let spent = after_budget_refusal(&Health::default(), Provider::ConnectSafely, NOW + 9, NOW);
    assert_eq!(
        spent.shown(),
        serde_json::json!({"state": "over_budget", "since": NOW, "until": NOW + 9})
    );
    assert_eq!(current(&spent, &old, NOW + 9).state, HealthState::Ok);
    // A refused session outranks a budget or a pause.
    assert_eq!(
        after_budget_refusal(&refused, Provider::ConnectSafely, NOW + 9, NOW).state,
        HealthState::SessionExpired
    );
    let paused_too = after_answer(
        &refused,
        Provider::Linkup,
        Answer::Paused { until: NOW + 9 },
        &old,
        NOW,
    );
    assert_eq!(paused_too.state, HealthState::SessionExpired);
}

#[test]
fn disabled_is_the_operators_and_states_round_trip_by_name() {
    let disabled = Health {
        state: HealthState::Disabled,
        ..Health::ok(NOW)
    };
    for answer in [
        Answer::Good,
        Answer::SessionRefused,
        Answer::Paused { until: NOW + 1 },
    ] {
        assert_eq!(
            after_answer(&disabled, Provider::Linkup, answer, "d", NOW),
            disabled
        );
    }
    assert_eq!(current(&disabled, "d", NOW + 1), disabled);
    for state in [
        HealthState::Ok,
        HealthState::SessionExpired,
        HealthState::ProviderPaused,
        HealthState::OverBudget,
        HealthState::Disabled,
    ] {
        assert_eq!(HealthState::from_name(state.as_str()), state);
        assert_eq!(
            serde_json::to_value(state).unwrap(),
            serde_json::json!(state.as_str())
        );
    }
    assert_eq!(HealthState::from_name("unknown"), HealthState::Ok);
}

#[test]
fn a_copy_of_the_shown_health_ends_its_pause_or_budget_once_until_passed() {
    let paused = serde_json::json!({"state": "over_budget", "since": 5, "until": NOW});
    assert_eq!(shown_as_of(&paused, NOW - 1), paused);
    assert_eq!(
        shown_as_of(&paused, NOW),
        serde_json::json!({"state": "ok", "since": NOW})
    );
    let expired = serde_json::json!({"state": "session_expired", "since": 5});
    assert_eq!(shown_as_of(&expired, NOW), expired);
    assert_eq!(
        shown_as_of(&serde_json::Value::Null, NOW),
        serde_json::Value::Null
    );
}
