use super::*;

#[test]
fn the_limits_come_from_the_settings() {
    let config = Config::from_lookup(&env(&[
        ("CONNECTSAFELY_DAILY_LIMIT", "7"),
        ("LINKUP_DAILY_CREDIT_CAP", "11"),
        ("CLEAR_PAUSES_BEFORE_MS", "13"),
        ("MAX_PAUSE_SECS", "17"),
    ]))
    .unwrap();
    assert_eq!(
        Limits::of(&config),
        Limits {
            daily_calls: 7,
            reads_per_minute: 30,
            writes_per_minute: 15,
            daily_credit_cap: 11,
            monitoring_credits: 0,
            clear_pauses_before_ms: 13,
            max_pause_secs: 17,
        }
    );
}

#[test]
fn a_daily_call_limit_of_zero_is_no_cap_on_connectsafely() {
    let cost = Cost::call(Provider::ConnectSafely, 0);
    assert_eq!(
        admit(calls_today(1_000_000), cost, limits(0, 0), NOW),
        Ok(Spend::Calls(1))
    );
}

#[test]
fn the_accounts_connectsafely_reads_and_writes_of_the_last_minute_are_kept_apart() {
    let per_minute = Limits {
        reads_per_minute: 30,
        writes_per_minute: 15,
        ..limits(0, 0)
    };
    let read = Cost::call(Provider::ConnectSafely, 0);
    let write = Cost::send(Provider::ConnectSafely);
    // The 30th read back went 59.999 s ago: one more ms to wait, whole seconds told.
    let reads_full = LedgerReading {
        oldest_of_last_reads_ms: NOW - 59_999,
        ..Default::default()
    };
    assert_eq!(
        admit(reads_full, read, per_minute, NOW),
        Err(Error::RateLimited {
            retry_after_secs: Some(1)
        })
    );
    assert_eq!(
        admit(reads_full, write, per_minute, NOW),
        Ok(Spend::Calls(0))
    );
    assert_eq!(
        admit(reads_full, read, per_minute, NOW + 1),
        Ok(Spend::Calls(1))
    );
    let writes_full = LedgerReading {
        oldest_of_last_writes_ms: NOW - 30_000,
        ..Default::default()
    };
    assert_eq!(
        admit(writes_full, write, per_minute, NOW),
        Err(Error::RateLimited {
            retry_after_secs: Some(30)
        })
    );
    // LinkupAPI has no per-account figure.
    assert_eq!(
        admit(writes_full, Cost::send(Provider::Linkup), per_minute, NOW),
        Ok(Spend::Credits(1))
    );
}

#[test]
fn a_monitored_accounts_webhook_credits_count_in_its_linkup_day() {
    let monitored = limits(0, 300).monitored(10);
    let cost = Cost::call(Provider::Linkup, 1);
    assert_eq!(
        admit(credits_today(289), cost, monitored, NOW),
        Ok(Spend::Credits(1))
    );
    assert_eq!(admit(credits_today(290), cost, monitored, NOW), exhausted());
    assert_eq!(
        admit(credits_today(290), cost, limits(0, 300), NOW),
        Ok(Spend::Credits(1)),
        "not monitored"
    );
    assert!(keeps_reserve(
        credits_today(189),
        Provider::Linkup,
        monitored
    ));
    assert!(!keeps_reserve(
        credits_today(190),
        Provider::Linkup,
        monitored
    ));
}
