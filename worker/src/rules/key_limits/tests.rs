use super::*;

/// ConnectSafely's stated figures, leases of up to 4 for 1 s, askers active for 2 s.
fn connectsafely() -> KeyPolicy {
    KeyPolicy {
        rates: KeyRates {
            per_minute: 60,
            burst: 100,
            burst_window_secs: 10,
        },
        lease_max: 4,
        lease_ms: 1_000,
        active_ms: 2_000,
    }
}

fn burst_only() -> KeyPolicy {
    KeyPolicy {
        rates: KeyRates {
            per_minute: 0,
            burst: 5,
            burst_window_secs: 10,
        },
        lease_max: 1,
        lease_ms: 0,
        active_ms: 2_000,
    }
}

const T0: u64 = 1_700_000_000_000;

#[test]
fn alone_an_account_gets_leases_up_to_the_minute_then_waits_for_the_oldest_grant_to_leave() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    let mut granted = 0;
    for i in 0..15 {
        granted += key.ask(&policy, "a", 4, T0 + i).granted;
    }
    assert_eq!(granted, 60, "leases of 4, the minute's 60 in all");
    let refused = key.ask(&policy, "a", 4, T0 + 20);
    assert_eq!(refused.granted, 0);
    // The first grant (T0) counts for the minute plus its lease.
    assert_eq!(refused.wait_ms, 60_000 + 1_000 - 20);
    // One ms before it leaves: still refused; at that ms: granted again.
    assert_eq!(key.ask(&policy, "a", 1, T0 + 60_999).granted, 0);
    assert_eq!(key.ask(&policy, "a", 1, T0 + 61_000).granted, 1);
}

#[test]
fn a_lease_never_exceeds_what_is_asked_nor_what_is_free() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    assert_eq!(key.ask(&policy, "a", 2, T0).granted, 2);
    assert_eq!(
        key.ask(&policy, "a", 0, T0).granted,
        1,
        "an ask is for one at least"
    );
    for i in 0..14 {
        key.ask(&policy, "a", 4, T0 + 1 + i);
    }
    assert_eq!(key.used(&policy, MINUTE_MS, T0 + 20, None), 59);
    assert_eq!(key.ask(&policy, "a", 4, T0 + 20).granted, 1, "one left");
}

#[test]
fn the_burst_window_holds_on_its_own_with_its_exact_boundary() {
    let policy = burst_only();
    let mut key = KeyLimiter::default();
    for i in 0..5 {
        assert_eq!(key.ask(&policy, "a", 1, T0 + i).granted, 1);
    }
    let refused = key.ask(&policy, "a", 1, T0 + 5);
    assert_eq!((refused.granted, refused.wait_ms), (0, 10_000 - 5));
    assert_eq!(key.ask(&policy, "a", 1, T0 + 9_999).granted, 0);
    assert_eq!(key.ask(&policy, "a", 1, T0 + 10_000).granted, 1);
}

#[test]
fn under_contention_each_asking_account_gets_one_permit_at_a_time_and_its_fair_share() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    // Three accounts ask in turn, as fast as they are answered, for 10 s.
    let accounts = ["a", "b", "c"];
    let mut per_account = [0u64; 3];
    for tick in 0..10_000u64 {
        let i = (tick % 3) as usize;
        let decision = key.ask(&policy, accounts[i], 4, T0 + tick);
        assert!(
            decision.granted <= 1 || tick < 3,
            "one at a time once others ask"
        );
        per_account[i] += decision.granted;
    }
    assert_eq!(per_account.iter().sum::<u64>(), 60);
    assert!(
        per_account.iter().all(|n| (19..=21).contains(n)),
        "{per_account:?}"
    );
}

#[test]
fn a_greedy_account_cannot_take_the_share_kept_for_another_asking_one() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    // b asks once (and is then active for 2 s); a hammers.
    assert_eq!(key.ask(&policy, "b", 1, T0).granted, 1);
    let mut a = 0;
    for tick in 1..1_000 {
        a += key.ask(&policy, "a", 1, T0 + tick).granted;
    }
    assert_eq!(a, 30, "a gets its half; b's other 29 are kept while b asks");
    let b_back = key.ask(&policy, "b", 1, T0 + 1_500);
    assert_eq!(b_back.granted, 1, "b still finds its share");
    // Once b has been quiet for active_ms, a may take what b left.
    assert_eq!(key.ask(&policy, "a", 1, T0 + 3_501).granted, 1);
    let mut more = 0;
    for tick in 3_502..4_000 {
        more += key.ask(&policy, "a", 1, T0 + tick).granted;
    }
    assert_eq!(more + 1 + 30 + 2, 60, "the minute is filled, never more");
}

#[test]
fn a_refused_account_over_its_share_waits_for_its_own_oldest_grant() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    for tick in 0..60u64 {
        let who = if tick % 2 == 0 { "a" } else { "b" };
        key.ask(&policy, who, 1, T0 + tick * 10);
    }
    // Both at 30 of 30: a's oldest grant is at T0, b's at T0 + 10.
    let a = key.ask(&policy, "a", 1, T0 + 1_000);
    let b = key.ask(&policy, "b", 1, T0 + 1_000);
    assert_eq!((a.granted, b.granted), (0, 0));
    assert_eq!(a.wait_ms, 61_000 - 1_000);
    assert_eq!(b.wait_ms, 61_010 - 1_000);
}

#[test]
fn a_pause_holds_every_account_of_the_key_until_it_ends() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    assert_eq!(key.ask(&policy, "a", 1, T0).granted, 1);
    key.pause(T0 + 30_000);
    key.pause(T0 + 10_000); // a shorter pause never shortens it
    for account in ["a", "b", "c"] {
        let d = key.ask(&policy, account, 1, T0 + 1);
        assert_eq!(
            (d.granted, d.wait_ms, d.paused_until_ms),
            (0, 29_999, T0 + 30_000)
        );
    }
    assert_eq!(key.ask(&policy, "b", 1, T0 + 29_999).granted, 0);
    assert_eq!(key.ask(&policy, "b", 1, T0 + 30_000).granted, 1);
    assert_eq!(key.usage(&policy, "b", T0 + 30_000).paused_until, None);
}

#[test]
fn no_limits_means_every_ask_is_granted() {
    let mut policy = connectsafely();
    policy.rates = KeyRates {
        per_minute: 0,
        burst: 0,
        burst_window_secs: 10,
    };
    let mut key = KeyLimiter::default();
    for tick in 0..500 {
        assert!(key.ask(&policy, "a", 1, T0 + tick).granted >= 1);
    }
}

#[test]
fn old_grants_and_quiet_askers_are_forgotten() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    key.ask(&policy, "a", 4, T0);
    key.ask(&policy, "b", 4, T0 + 1);
    key.forget(&policy, T0 + 61_000);
    assert_eq!(
        key.grants.len(),
        1,
        "a's grant left at T0 + 61 s, b's not yet"
    );
    assert!(key.askers.is_empty());
    let usage = key.usage(&policy, "b", T0 + 61_000);
    assert_eq!(
        (
            usage.used_last_minute,
            usage.account_used_last_minute,
            usage.fair_share_per_minute
        ),
        (1, 1, 60)
    );
}

#[test]
fn an_account_minute_is_a_sliding_window_to_the_millisecond() {
    assert_eq!(account_minute(15, 0, T0), Ok(()), "fewer than 15 so far");
    assert_eq!(account_minute(0, T0, T0), Ok(()), "no limit");
    assert_eq!(account_minute(15, T0, T0 + 59_999), Err(1));
    assert_eq!(account_minute(15, T0, T0 + 60_000), Ok(()));
}

#[test]
fn a_429_pauses_its_key_for_its_stated_wait_clamped_or_the_default_pause() {
    assert_eq!(key_pause_until(Some(12), T0, 900), T0 + 12_000);
    assert_eq!(key_pause_until(Some(100_000), T0, 900), T0 + 900_000);
    assert_eq!(key_pause_until(None, T0, 900), T0 + 30_000);
}

#[test]
fn a_refused_account_keeps_its_share_through_the_wait_it_was_told() {
    let policy = connectsafely();
    let mut key = KeyLimiter::default();
    for tick in 0..60u64 {
        let who = if tick % 2 == 0 { "a" } else { "b" };
        key.ask(&policy, who, 1, T0 + tick);
    }
    let told = key.ask(&policy, "b", 1, T0 + 100).wait_ms;
    assert!(told > 60_000);
    // Long after active_ms, while b waits, b still counts as asking (a, quiet, no more).
    assert_eq!(key.active(T0 + 30_000).collect::<Vec<_>>(), vec!["b"]);
}

/// 30 accounts on one key, each asking again 20 ms after a grant (its call) or when told:
/// what each gets in 30 s of a burst window of 60 per 2 s (the minute not binding), counted
/// once all are asking (the first asker, alone for an instant, may get a lease of 4).
#[test]
fn thirty_accounts_each_get_their_share_of_the_binding_window_within_ten_percent() {
    let policy = KeyPolicy {
        rates: KeyRates {
            per_minute: 1_800,
            burst: 60,
            burst_window_secs: 2,
        },
        lease_max: 4,
        lease_ms: 500,
        active_ms: 2_000,
    };
    let mut key = KeyLimiter::default();
    let accounts: Vec<String> = (0..30).map(|i| format!("account-{i}")).collect();
    let mut next_ask = vec![T0; 30];
    let mut granted = vec![0u64; 30];
    let mut asks = 0;
    for now in T0..T0 + 30_000 {
        for (i, account) in accounts.iter().enumerate() {
            if next_ask[i] != now {
                continue;
            }
            asks += 1;
            let decision = key.ask(&policy, account, 4, now);
            if now >= T0 + 1_000 {
                granted[i] += decision.granted;
            }
            next_ask[i] = now
                + if decision.granted > 0 {
                    20
                } else {
                    decision.wait_ms
                };
        }
    }
    let total: u64 = granted.iter().sum();
    // At most 60 per 2.5 s (the window plus the lease's margin) for 29 s.
    assert!((600..=700).contains(&total), "{total}");
    let mean = total as f64 / 30.0;
    let (min, max) = (granted.iter().min().unwrap(), granted.iter().max().unwrap());
    assert!(
        *min as f64 >= mean * 0.9 && *max as f64 <= mean * 1.1,
        "{granted:?}"
    );
    assert!(
        asks < 4 * total,
        "refused asks are few: {asks} for {total} permits"
    );
}

/// 30 accounts busy for 25 s, the key paused 4 s while all ask, 4 s more, then quiet: an
/// account asking alone 4 s later is granted at once. (What the accounts gone quiet used
/// counts for nobody's share: reserving a share of it for the accounts still asking would
/// refuse everyone until the minute's oldest grant left it.)
#[test]
fn after_a_busy_minute_and_a_pause_an_account_asking_alone_is_granted_at_once() {
    let policy = KeyPolicy {
        rates: KeyRates {
            per_minute: 1_800,
            burst: 60,
            burst_window_secs: 2,
        },
        lease_max: 4,
        lease_ms: 500,
        active_ms: 2_000,
    };
    let mut key = KeyLimiter::default();
    let accounts: Vec<String> = (0..30).map(|i| format!("account-{i}")).collect();
    let mut next_ask = vec![T0; 30];
    let run = |key: &mut KeyLimiter, from: u64, to: u64, next_ask: &mut [u64]| {
        for now in from..to {
            for (i, account) in accounts.iter().enumerate() {
                if next_ask[i] <= now {
                    let decision = key.ask(&policy, account, 4, now);
                    next_ask[i] = now
                        + if decision.granted > 0 {
                            300
                        } else {
                            decision.wait_ms
                        };
                }
            }
        }
    };
    run(&mut key, T0, T0 + 25_000, &mut next_ask);
    key.pause(T0 + 29_000);
    next_ask.fill(T0 + 25_000);
    run(&mut key, T0 + 25_000, T0 + 33_000, &mut next_ask);
    let decision = key.ask(&policy, "account-0", 4, T0 + 37_000);
    assert_eq!(decision.granted, 4, "{decision:?}");
    assert_eq!(
        key.usage(&policy, "account-0", T0 + 37_000).accounts_asking,
        1
    );
}

#[test]
fn more_accounts_asking_than_the_minute_has_calls_still_get_one_each_in_turn() {
    let policy = KeyPolicy {
        lease_max: 1,
        lease_ms: 0,
        ..connectsafely()
    };
    let mut key = KeyLimiter::default();
    let accounts: Vec<String> = (0..61).map(|i| format!("acc{i}")).collect();
    // A paused key: all 61 ask and wait, so all 61 count as asking with nothing used when the
    // pause ends; then each asks again.
    key.pause(T0 + 1_000);
    for (i, account) in accounts.iter().enumerate() {
        assert_eq!(key.ask(&policy, account, 1, T0 + i as u64).granted, 0);
    }
    let mut granted = 0;
    for round in 0..2 {
        for (i, account) in accounts.iter().enumerate() {
            granted += key
                .ask(&policy, account, 1, T0 + 1_000 + round * 100 + i as u64)
                .granted;
        }
    }
    assert_eq!(granted, 60, "the minute's 60, no more and not none");
    let refused: Vec<&String> = accounts
        .iter()
        .filter(|a| key.grants.iter().all(|g| &g.account != *a))
        .collect();
    assert_eq!(refused.len(), 1, "one account waits");
    let waiting = key.ask(&policy, refused[0], 1, T0 + 1_300);
    assert_eq!(waiting.granted, 0);
    assert!(
        waiting.wait_ms <= MINUTE_MS,
        "a finite wait: {}",
        waiting.wait_ms
    );
    // When the first grant leaves the window the waiting account, having had none, goes
    // first; one that already had one does not.
    let at = T0 + 1_300 + waiting.wait_ms;
    assert_eq!(key.ask(&policy, &accounts[5], 1, at).granted, 0);
    assert_eq!(key.ask(&policy, refused[0], 1, at).granted, 1);
}
