use linkedin_inbox::{Error, ErrorCode, Provider};

use super::{Admission, Counters, Key, Mark, Tallies, Tally};
use crate::rules::admission::{CallKind, Cost, Limits};
use crate::rules::request_limits::Rate;
use crate::rules::utc_day::DAY_MS;
use crate::store::tests::memory_store;

const NOON: u64 = 20_000 * DAY_MS + DAY_MS / 2;

const LIMITS: Limits = Limits {
    daily_calls: 3,
    reads_per_minute: 0,
    writes_per_minute: 0,
    daily_credit_cap: 10,
    monitoring_credits: 0,
    clear_pauses_before_ms: 0,
    max_pause_secs: 600,
};

fn code<T>(answer: Result<T, Error>) -> Option<ErrorCode> {
    answer.err().map(|e| e.code())
}

#[test]
fn keys_keep_the_names_stored_since_the_key_value_ledger() {
    assert_eq!(Key::CallsOn(20_000).name(), "cs:20000");
    assert_eq!(Key::CreditsOn(20_000).name(), "lk:20000");
    assert_eq!(Key::SendsOn(20_000).name(), "sends:20000");
    assert_eq!(Key::PausedAt(Provider::Linkup).name(), "paused_at:linkup");
    assert_eq!(
        Key::PausedUntil(Provider::ConnectSafely).name(),
        "paused_until:connectsafely"
    );
    assert_eq!(Key::BucketTokens("app").name(), "bucket:app:tokens");
    assert_eq!(Key::BucketAt("app").name(), "bucket:app:at");
    assert_eq!(Key::Tallied(Tally::CreditsSaved).name(), "credits_saved");
    assert_eq!(Key::Mark(Mark::PushedSeq).name(), "pushed_seq");
    assert_eq!(
        Key::Mark(Mark::LinkupDisconnectedAt).name(),
        "linkup_disconnected_at"
    );
}

#[test]
fn every_mark_keeps_its_own_value() {
    let store = memory_store();
    let marks = [
        Mark::PruneDueAt,
        Mark::SyncRequested,
        Mark::PushedSyncNotBefore,
        Mark::PushedSeq,
        Mark::LinkupDisconnectedAt,
        Mark::DoctorRanAt,
        Mark::InboxPrunes,
        Mark::MessagesPrunedBefore,
        Mark::StoreId,
        Mark::SpendingPushedAt,
    ];
    for (value, mark) in (1..).zip(marks) {
        store.set_mark(mark, value).unwrap();
    }
    for (value, mark) in (1..).zip(marks) {
        assert_eq!(store.mark(mark).unwrap(), value, "{mark:?}");
    }
}

#[test]
fn the_call_budget_is_spent_up_to_the_cap_then_refused_until_midnight() {
    let store = memory_store();
    let call = Cost::call(Provider::ConnectSafely, 0);
    for _ in 0..3 {
        let admission = store.admit(call, &LIMITS, NOON).unwrap().unwrap();
        store.settle(admission, Ok(0), NOON).unwrap();
    }
    let refused = store.admit(call, &LIMITS, NOON).unwrap();
    assert_eq!(code(refused), Some(ErrorCode::BudgetExhausted));
    assert_eq!(store.ledger_value(Key::CallsOn(20_000)).unwrap(), 3);
    // The next UTC day has its own budget, and its first call drops the day before's count.
    let admission = store.admit(call, &LIMITS, NOON + DAY_MS).unwrap().unwrap();
    store.settle(admission, Ok(0), NOON + DAY_MS).unwrap();
    assert_eq!(store.ledger_value(Key::CallsOn(20_001)).unwrap(), 1);
    assert_eq!(store.ledger_value(Key::CallsOn(20_000)).unwrap(), 0);
}

#[test]
fn credits_are_held_then_kept_as_charged_and_the_rest_given_back() {
    let store = memory_store();
    let page = Cost::call(Provider::Linkup, 4);
    let admission = store.admit(page, &LIMITS, NOON).unwrap().unwrap();
    assert_eq!(store.ledger_value(Key::CreditsOn(20_000)).unwrap(), 4);
    store.settle(admission, Ok(1), NOON).unwrap();
    let counters = store.counters(NOON, &Tallies::default()).unwrap();
    assert_eq!(counters.linkup_credits_today, 1);
    assert_eq!(counters.linkup_credits_spent, 1);
    // 1 + 9 fits the cap of 10; one more credit does not.
    let admission = store
        .admit(Cost::call(Provider::Linkup, 9), &LIMITS, NOON)
        .unwrap();
    store.settle(admission.unwrap(), Ok(9), NOON).unwrap();
    let refused = store
        .admit(Cost::call(Provider::Linkup, 1), &LIMITS, NOON)
        .unwrap();
    assert_eq!(code(refused), Some(ErrorCode::BudgetExhausted));
    let dearer = store.admit(Cost::call(Provider::Linkup, 11), &LIMITS, NOON + DAY_MS);
    assert_eq!(code(dearer.unwrap()), Some(ErrorCode::InvalidInput));
}

#[test]
fn a_refused_call_is_refunded_from_its_day_only_while_that_day_lasts() {
    let store = memory_store();
    let refused_upstream = Error::InvalidInput {
        field: "session",
        reason: "expired".into(),
    };
    let page = Cost::call(Provider::Linkup, 3);
    let same_day = store.admit(page, &LIMITS, NOON).unwrap().unwrap();
    store
        .settle(same_day, Err(&refused_upstream), NOON)
        .unwrap();
    assert_eq!(store.ledger_value(Key::CreditsOn(20_000)).unwrap(), 0);
    assert_eq!(store.ledger_value(Key::CreditsSpent).unwrap(), 0);

    let before_midnight = NOON + DAY_MS / 2 - 1;
    let held = store
        .admit(page, &LIMITS, before_midnight)
        .unwrap()
        .unwrap();
    store
        .settle(held, Err(&refused_upstream), before_midnight + 1)
        .unwrap();
    assert_eq!(
        store.ledger_value(Key::CreditsOn(20_000)).unwrap(),
        3,
        "yesterday's count is not given back"
    );
    assert_eq!(store.ledger_value(Key::CreditsSpent).unwrap(), 0);
}

#[test]
fn a_call_that_may_have_been_billed_keeps_its_credits() {
    let store = memory_store();
    let held: Admission = store
        .admit(Cost::call(Provider::Linkup, 2), &LIMITS, NOON)
        .unwrap()
        .unwrap();
    let timeout = Error::Network {
        message: "timed out".into(),
    };
    store.settle(held, Err(&timeout), NOON).unwrap();
    assert_eq!(store.ledger_value(Key::CreditsOn(20_000)).unwrap(), 2);
    assert_eq!(store.ledger_value(Key::CreditsSpent).unwrap(), 2);
}

#[test]
fn a_429_pauses_its_provider_only_until_the_operator_clears_it() {
    let store = memory_store();
    let call = Cost::call(Provider::ConnectSafely, 0);
    let admission = store.admit(call, &LIMITS, NOON).unwrap().unwrap();
    let too_many = Error::RateLimited {
        retry_after_secs: Some(60),
    };
    store.settle(admission, Err(&too_many), NOON).unwrap();
    let paused = store.admit(call, &LIMITS, NOON + 59_000).unwrap();
    assert_eq!(code(paused), Some(ErrorCode::RateLimited));
    let other = store.admit(Cost::call(Provider::Linkup, 1), &LIMITS, NOON + 1);
    assert!(other.unwrap().is_ok(), "the other provider is not paused");
    let cleared = Limits {
        clear_pauses_before_ms: NOON + 1,
        ..LIMITS
    };
    assert!(store.admit(call, &cleared, NOON + 2).unwrap().is_ok());
    assert!(store.admit(call, &LIMITS, NOON + 60_000).unwrap().is_ok());
}

#[test]
fn a_client_bucket_refills_at_its_rate() {
    let store = memory_store();
    let rate = Rate {
        per_minute: 60,
        burst: 2,
    };
    assert_eq!(store.take_request("app", rate, NOON).unwrap(), Ok(()));
    assert_eq!(store.take_request("app", rate, NOON).unwrap(), Ok(()));
    assert_eq!(store.take_request("app", rate, NOON).unwrap(), Err(1));
    assert_eq!(store.take_request("other", rate, NOON).unwrap(), Ok(()));
    assert_eq!(
        store.take_request("app", rate, NOON + 1_000).unwrap(),
        Ok(())
    );
    let unlimited = Rate {
        per_minute: 0,
        burst: 0,
    };
    assert_eq!(store.take_request("free", unlimited, NOON).unwrap(), Ok(()));
    assert_eq!(store.ledger_value(Key::BucketAt("free")).unwrap(), 0);
}

#[test]
fn a_refresh_bumps_the_generation_at_most_once_an_interval() {
    let store = memory_store();
    assert_eq!(store.generation().unwrap(), 0);
    assert_eq!(store.try_refresh(NOON, 30).unwrap(), Ok(1));
    assert_eq!(store.try_refresh(NOON + 10_500, 30).unwrap(), Err(20));
    assert_eq!(store.try_refresh(NOON + 30_000, 30).unwrap(), Ok(2));
    assert_eq!(store.generation().unwrap(), 2);
}

#[test]
fn sends_are_counted_per_day_up_to_the_limit_and_given_back() {
    use crate::rules::send_caps::{SendCaps, SendKind};
    let store = memory_store();
    let caps = |sends, new_conversations| SendCaps {
        sends,
        new_conversations,
    };
    let cs = Provider::ConnectSafely;
    let spend = |now, caps, kind| store.try_spend_sends(now, caps, kind, cs).unwrap();
    let reply = spend(NOON, caps(2, 1), SendKind::Reply).unwrap();
    let new = spend(NOON, caps(2, 1), SendKind::NewConversation).unwrap();
    assert!(new.new_conversation && !reply.new_conversation);
    assert!(spend(NOON, caps(2, 0), SendKind::Reply).is_err(), "2 sends");
    assert!(
        spend(NOON, caps(0, 1), SendKind::NewConversation).is_err(),
        "1 new conversation"
    );
    assert!(
        spend(NOON, caps(0, 1), SendKind::Reply).is_ok(),
        "replies go on"
    );
    assert_eq!(
        (
            store.sends_today(NOON).unwrap(),
            store.new_conversations_today(NOON).unwrap()
        ),
        (3, 1)
    );
    store.give_back_send(NOON, new).unwrap();
    assert_eq!(
        (
            store.sends_today(NOON).unwrap(),
            store.new_conversations_today(NOON).unwrap()
        ),
        (2, 0)
    );
    assert!(spend(NOON, caps(0, 1), SendKind::NewConversation).is_ok());
    // A new day: both counts start again.
    assert!(spend(NOON + DAY_MS, caps(1, 1), SendKind::NewConversation).is_ok());
    store.give_back_send(NOON + 2 * DAY_MS, reply).unwrap();
    assert_eq!(store.sends_today(NOON + 2 * DAY_MS).unwrap(), 0);
}

#[test]
fn tallies_are_written_in_batches_and_counted_before_they_are() {
    let store = memory_store();
    let mut tallies = Tallies::default();
    assert_eq!(tallies.add(Tally::CreditsSaved, 5), None);
    for _ in 0..14 {
        assert_eq!(tallies.add(Tally::Hits, 1), None);
    }
    assert_eq!(tallies.add(Tally::Stale, 1), None);
    store.record_miss().unwrap();
    let counters = store.counters(NOON, &tallies).unwrap();
    assert_eq!(
        counters,
        Counters {
            connectsafely_calls_today: 0,
            linkup_credits_spent: 0,
            linkup_credits_today: 0,
            linkup_credits_saved: 5,
            cache_hits: 14,
            cache_misses: 1,
            coalesced: 0,
            stale: 1,
            generation: 0,
        }
    );
    let batch = tallies
        .add(Tally::Coalesced, 1)
        .expect("16 answers: a batch");
    store.add_tallies(batch).unwrap();
    assert_eq!(tallies.unsaved(Tally::Hits), 0);
    let written = store.counters(NOON, &tallies).unwrap();
    assert_eq!(
        (written.cache_hits, written.coalesced, written.stale),
        (14, 1, 1)
    );
    assert_eq!(written.linkup_credits_saved, 5);
}

#[test]
fn marks_wipes_and_the_legacy_import_survive_a_wipe() {
    let store = memory_store();
    store.set_mark(Mark::PruneDueAt, NOON).unwrap();
    store.record_wipe().unwrap();
    assert!(!store.legacy_ledger_imported().unwrap());
    store
        .import_legacy_ledger(&[("generation".into(), 7), ("wipes".into(), 9)])
        .unwrap();
    assert!(store.legacy_ledger_imported().unwrap());
    store.wipe_inbox().unwrap();
    assert_eq!(store.mark(Mark::PruneDueAt).unwrap(), NOON);
    assert_eq!(store.mark(Mark::SyncRequested).unwrap(), 0);
    assert_eq!(store.wipe_epoch().unwrap(), 1, "rows in the table win");
    assert_eq!(store.generation().unwrap(), 7);
}

#[test]
fn the_accounts_last_minute_of_connectsafely_reads_is_a_ring_as_long_as_its_limit() {
    let store = memory_store();
    let limits = Limits {
        daily_calls: 0,
        reads_per_minute: 2,
        writes_per_minute: 1,
        ..LIMITS
    };
    let read = Cost::call(Provider::ConnectSafely, 0);
    let write = Cost::send(Provider::ConnectSafely);
    assert!(store.admit(read, &limits, NOON).unwrap().is_ok());
    assert!(store.admit(read, &limits, NOON + 10_000).unwrap().is_ok());
    let refused = store.admit(read, &limits, NOON + 59_999).unwrap();
    assert_eq!(code(refused), Some(ErrorCode::RateLimited));
    assert!(store.admit(write, &limits, NOON + 59_999).unwrap().is_ok());
    assert_eq!(
        code(store.admit(write, &limits, NOON + 60_000).unwrap()),
        Some(ErrorCode::RateLimited),
        "writes have their own ring"
    );
    assert_eq!(
        store
            .calls_last_minute(CallKind::Read, 2, NOON + 59_999)
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .calls_last_minute(CallKind::Read, 2, NOON + 60_000)
            .unwrap(),
        1
    );
    // The first read leaves the minute at NOON + 60 s; the second 10 s later.
    assert!(store.admit(read, &limits, NOON + 60_000).unwrap().is_ok());
    assert_eq!(
        code(store.admit(read, &limits, NOON + 69_999).unwrap()),
        Some(ErrorCode::RateLimited)
    );
    assert!(store.admit(read, &limits, NOON + 70_000).unwrap().is_ok());
    assert_eq!(Key::RecentCall(CallKind::Read, 1).name(), "cs_reads:1");
    assert_eq!(Key::RecentCalls(CallKind::Write).name(), "cs_writes:n");
}
