use super::*;
use crate::rules::settings::tests::env;

/// 2026-12-06T10:00:00Z: 14 hours before the UTC midnight reset.
const NOW: u64 = 1_796_551_200_000;
const UNTIL_RESET: u64 = 14 * 3600;

fn limits(daily_calls: u64, daily_credit_cap: u64) -> Limits {
    Limits {
        daily_calls,
        reads_per_minute: 0,
        writes_per_minute: 0,
        daily_credit_cap,
        monitoring_credits: 0,
        clear_pauses_before_ms: 0,
        max_pause_secs: 900,
    }
}

fn calls_today(n: u64) -> LedgerReading {
    LedgerReading {
        connectsafely_calls_today: n,
        ..Default::default()
    }
}

fn credits_today(n: u64) -> LedgerReading {
    LedgerReading {
        linkup_credits_today: n,
        ..Default::default()
    }
}

fn exhausted() -> Result<Spend, Error> {
    Err(Error::BudgetExhausted {
        retry_after_secs: Some(UNTIL_RESET),
    })
}

#[test]
fn a_read_costs_one_connectsafely_call_or_its_linkup_credits_and_a_send_no_call_or_one_credit() {
    assert_eq!(Cost::call(Provider::ConnectSafely, 3).units, 1);
    assert_eq!(Cost::call(Provider::Linkup, 3).units, 3);
    assert_eq!(Cost::send(Provider::ConnectSafely).units, 0);
    assert_eq!(Cost::send(Provider::Linkup).units, 1);
}

#[test]
fn a_star_is_one_connectsafely_call_counted_with_the_writes() {
    let star = Cost::star();
    assert_eq!(
        (star.provider, star.units, star.kind),
        (Provider::ConnectSafely, 1, CallKind::Write)
    );
}

#[test]
fn connectsafely_calls_are_counted_up_to_the_daily_limit_then_refused_until_midnight() {
    let cost = Cost::call(Provider::ConnectSafely, 0);
    assert_eq!(
        admit(calls_today(0), cost, limits(3, 0), NOW),
        Ok(Spend::Calls(1))
    );
    assert_eq!(
        admit(calls_today(2), cost, limits(3, 0), NOW),
        Ok(Spend::Calls(1)),
        "the last call of the day"
    );
    assert_eq!(admit(calls_today(3), cost, limits(3, 0), NOW), exhausted());
    assert_eq!(
        admit(calls_today(9), cost, limits(3, 0), NOW),
        exhausted(),
        "a limit lowered below what was spent"
    );
}

#[test]
fn a_send_through_connectsafely_spends_no_call_of_the_read_budget() {
    let send = Cost::send(Provider::ConnectSafely);
    assert_eq!(
        admit(calls_today(3), send, limits(3, 0), NOW),
        Ok(Spend::Calls(0))
    );
    assert_eq!(
        admit(calls_today(9), send, limits(0, 0), NOW),
        Ok(Spend::Calls(0))
    );
}

#[test]
fn linkup_credits_are_held_up_to_the_cap_exactly() {
    let page = Cost::call(Provider::Linkup, 2);
    assert_eq!(
        admit(credits_today(0), page, limits(0, 10), NOW),
        Ok(Spend::Credits(2))
    );
    assert_eq!(
        admit(credits_today(8), page, limits(0, 10), NOW),
        Ok(Spend::Credits(2)),
        "exactly at the cap"
    );
    assert_eq!(
        admit(credits_today(9), page, limits(0, 10), NOW),
        exhausted()
    );
    assert_eq!(
        admit(credits_today(10), page, limits(0, 10), NOW),
        exhausted()
    );
}

#[test]
fn a_credit_cap_of_zero_is_no_cap() {
    let page = Cost::call(Provider::Linkup, 5);
    assert_eq!(
        admit(credits_today(u64::MAX - 1), page, limits(0, 0), NOW),
        Ok(Spend::Credits(5))
    );
}

#[test]
fn a_page_dearer_than_the_whole_cap_is_invalid_input_not_a_wait() {
    let page = Cost::call(Provider::Linkup, 11);
    let Err(Error::InvalidInput { field, reason }) =
        admit(credits_today(0), page, limits(0, 10), NOW)
    else {
        panic!("a page dearer than the cap is the request's fault");
    };
    assert_eq!(field, "count");
    assert!(reason.contains("11") && reason.contains("10"), "{reason}");
    // A page costing the whole cap fits an unspent day.
    assert_eq!(
        admit(
            credits_today(0),
            Cost::call(Provider::Linkup, 10),
            limits(0, 10),
            NOW
        ),
        Ok(Spend::Credits(10))
    );
}

#[test]
fn a_paused_provider_is_refused_with_the_seconds_left_rounded_up() {
    let paused = |until| LedgerReading {
        paused_until_ms: until,
        ..Default::default()
    };
    for cost in [
        Cost::call(Provider::ConnectSafely, 0),
        Cost::call(Provider::Linkup, 1),
        Cost::send(Provider::ConnectSafely),
    ] {
        assert_eq!(
            admit(paused(NOW + 1_500), cost, limits(3, 10), NOW),
            Err(Error::RateLimited {
                retry_after_secs: Some(2)
            })
        );
        assert_eq!(
            admit(paused(NOW + 1), cost, limits(3, 10), NOW),
            Err(Error::RateLimited {
                retry_after_secs: Some(1)
            })
        );
    }
    // A pause ending now (or before) is over.
    let cost = Cost::call(Provider::ConnectSafely, 0);
    assert_eq!(
        admit(paused(NOW), cost, limits(3, 0), NOW),
        Ok(Spend::Calls(1))
    );
    assert_eq!(
        admit(paused(NOW - 1), cost, limits(3, 0), NOW),
        Ok(Spend::Calls(1))
    );
    // The pause answers before the budget does.
    let spent = LedgerReading {
        paused_until_ms: NOW + 1_000,
        connectsafely_calls_today: 3,
        ..Default::default()
    };
    assert!(matches!(
        admit(spent, cost, limits(3, 0), NOW),
        Err(Error::RateLimited { .. })
    ));
}

#[test]
fn one_provider_budget_does_not_refuse_the_other() {
    let reading = LedgerReading {
        connectsafely_calls_today: 3,
        linkup_credits_today: 10,
        ..Default::default()
    };
    assert_eq!(
        admit(reading, Cost::call(Provider::Linkup, 1), limits(3, 0), NOW),
        Ok(Spend::Credits(1))
    );
    assert_eq!(
        admit(
            reading,
            Cost::call(Provider::ConnectSafely, 0),
            limits(5, 10),
            NOW
        ),
        Ok(Spend::Calls(1))
    );
}

#[test]
fn the_wait_runs_to_the_next_utc_midnight_and_is_never_zero() {
    let midnight = 1_796_601_600_000;
    let cost = Cost::call(Provider::ConnectSafely, 0);
    assert_eq!(
        admit(calls_today(3), cost, limits(3, 0), midnight - 1),
        Err(Error::BudgetExhausted {
            retry_after_secs: Some(1)
        })
    );
    assert_eq!(
        budget_exhausted(midnight),
        Error::BudgetExhausted {
            retry_after_secs: Some(86_400)
        }
    );
}

#[test]
fn pushed_syncs_keep_a_third_of_their_provider_budget() {
    let cs = Provider::ConnectSafely;
    assert!(keeps_reserve(calls_today(0), cs, limits(150, 0)));
    assert!(keeps_reserve(calls_today(99), cs, limits(150, 0)));
    assert!(!keeps_reserve(calls_today(100), cs, limits(150, 0)));
    assert!(!keeps_reserve(calls_today(u64::MAX), cs, limits(150, 0)));
    assert!(
        keeps_reserve(calls_today(10_000), cs, limits(0, 0)),
        "no limit"
    );
    let lk = Provider::Linkup;
    assert!(keeps_reserve(credits_today(199), lk, limits(0, 300)));
    assert!(!keeps_reserve(credits_today(200), lk, limits(0, 300)));
    assert!(
        keeps_reserve(credits_today(10_000), lk, limits(0, 0)),
        "no cap"
    );
    // Each provider's own day: the other's spending does not count.
    assert!(keeps_reserve(credits_today(300), cs, limits(150, 300)));
    assert!(keeps_reserve(calls_today(150), lk, limits(150, 300)));
}

#[test]
fn an_answer_keeps_what_was_charged_and_gives_the_rest_back() {
    let day = NOW / DAY_MS;
    assert_eq!(
        settlement(3, day, Ok(3), Billing::Successes, NOW),
        Settlement::Charged { unused: 0 }
    );
    assert_eq!(
        settlement(3, day, Ok(1), Billing::Successes, NOW),
        Settlement::Charged { unused: 2 }
    );
    assert_eq!(
        settlement(1, day, Ok(5), Billing::Successes, NOW),
        Settlement::Charged { unused: 0 },
        "a provider charging more than held gives nothing back"
    );
}

#[test]
fn a_failure_that_may_have_been_billed_is_charged_and_a_refusal_refunded() {
    let day = NOW / DAY_MS;
    for billed in [
        Error::Network {
            message: "timeout".into(),
        },
        Error::MalformedResponse {
            status: 200,
            path: ".".into(),
            reason: "?".into(),
            body_excerpt: String::new(),
        },
        Error::Unavailable {
            message: "?".into(),
        },
    ] {
        assert_eq!(
            settlement(3, day, Err(&billed), Billing::Successes, NOW),
            Settlement::Charged { unused: 0 },
            "{billed:?}"
        );
    }
    for refused in [
        Error::RateLimited {
            retry_after_secs: Some(5),
        },
        Error::UpstreamError {
            status: 500,
            message: "?".into(),
        },
    ] {
        assert_eq!(
            settlement(3, day, Err(&refused), Billing::Successes, NOW),
            Settlement::Refunded {
                from_day_count: true
            },
            "{refused:?}"
        );
    }
}

#[test]
fn a_refund_after_midnight_leaves_the_new_day_count_alone() {
    let midnight = 1_796_601_600_000;
    let held_on = (midnight - 1) / DAY_MS;
    let refused = Error::RateLimited {
        retry_after_secs: None,
    };
    assert_eq!(
        settlement(3, held_on, Err(&refused), Billing::Successes, midnight - 1),
        Settlement::Refunded {
            from_day_count: true
        }
    );
    assert_eq!(
        settlement(3, held_on, Err(&refused), Billing::Successes, midnight),
        Settlement::Refunded {
            from_day_count: false
        }
    );
}

#[test]
fn a_429_pauses_from_its_arrival_for_its_retry_after_clamped() {
    let limited = |secs| Error::RateLimited {
        retry_after_secs: secs,
    };
    let pause = |error: &Error| pause_until::<()>(Err(error), NOW, 120);
    assert_eq!(pause(&limited(Some(30))), Some(NOW + 30_000));
    assert_eq!(
        pause(&limited(Some(120))),
        Some(NOW + 120_000),
        "exactly the cap"
    );
    assert_eq!(
        pause(&limited(Some(999_999))),
        Some(NOW + 120_000),
        "clamped"
    );
    assert_eq!(pause(&limited(Some(0))), Some(NOW + 1_000), "never 0");
    assert_eq!(
        pause(&limited(None)),
        Some(NOW + DEFAULT_PAUSE_SECS * 1000),
        "the default pause"
    );
    assert_eq!(
        pause(&Error::Network {
            message: "timeout".into()
        }),
        None
    );
    assert_eq!(pause_until(Ok::<u64, &Error>(1), NOW, 120), None);
    assert_eq!(
        pause_until::<()>(Err(&limited(Some(5))), u64::MAX - 1, 120),
        Some(u64::MAX),
        "saturates"
    );
}

#[test]
fn a_linkup_v1_refusal_keeps_its_credits_and_its_500_is_refunded() {
    let day = NOW / DAY_MS;
    let answered = |status| Error::UpstreamError {
        status,
        message: "?".into(),
    };
    let settled = |status| settlement(3, day, Err(&answered(status)), Billing::AllBut500, NOW);
    assert_eq!(settled(404), Settlement::Charged { unused: 0 });
    assert_eq!(
        settled(500),
        Settlement::Refunded {
            from_day_count: true
        }
    );
}

/// The account's per-minute figures, no daily cap, monitoring credits.
mod per_minute;
