use linkedin_inbox::Provider;

use super::HEALTH_VERSION;
use crate::rules::account_health::{after_answer, Answer, Health, HealthState};
use crate::store::schema::LATEST;
use crate::store::tests::{conversation, memory_store, memory_store_at, page};
use crate::store::Store;

const NOW: u64 = 1_796_551_200_000;

fn refused() -> Health {
    after_answer(
        &Health::default(),
        Provider::Linkup,
        Answer::SessionRefused,
        "digest-1",
        NOW,
    )
}

#[test]
fn health_is_kept_and_a_shown_change_takes_the_next_change_number() {
    let store = memory_store();
    assert_eq!(store.account_health().unwrap(), (Health::default(), 0));
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "hi")]))
        .unwrap();
    let before = store.latest_seq().unwrap();
    assert!(store.put_account_health(&refused()).unwrap());
    let (kept, seq) = store.account_health().unwrap();
    assert_eq!(kept, refused());
    assert_eq!(seq, before + 1);
    assert_eq!(store.latest_seq().unwrap(), before + 1, "the feed moved on");
    // A probe is bookkeeping: kept, no change of the feed.
    let probed = Health {
        probe_at: NOW + 60_000,
        ..refused()
    };
    assert!(!store.put_account_health(&probed).unwrap());
    assert_eq!(store.account_health().unwrap(), (probed, before + 1));
    assert_eq!(store.latest_seq().unwrap(), before + 1);
    // Conversations changed later still come after it in the feed.
    store
        .upsert_conversations(&page(vec![conversation("2-b", 20, true, "Bo", "yo")]))
        .unwrap();
    let (items, last, _) = store.changes_since(before + 1, 10, "alex").unwrap();
    assert!(items.contains("2-b") && !items.contains("2-a"), "{items}");
    assert_eq!(last, before + 2);
    assert!(store.put_account_health(&Health::ok(NOW + 1)).unwrap());
    assert_eq!(store.account_health().unwrap().0.state, HealthState::Ok);
}

#[test]
fn a_store_before_the_health_version_upgrades_and_then_keeps_health() {
    let old = memory_store_at(HEALTH_VERSION - 1);
    old.upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "hi")]))
        .unwrap();
    // Below the version nothing is kept, and nothing fails.
    assert!(!old.put_account_health(&refused()).unwrap());
    assert_eq!(old.account_health().unwrap(), (Health::default(), 0));
    let store = Store::open(old.sql, LATEST).unwrap();
    assert!(store.version >= HEALTH_VERSION);
    assert_eq!(store.count(&Default::default()).unwrap(), 1, "data kept");
    assert!(store.put_account_health(&refused()).unwrap());
    assert_eq!(store.account_health().unwrap().0, refused());
    let again = Store::open(store.sql, LATEST).unwrap();
    assert_eq!(
        again.account_health().unwrap().0,
        refused(),
        "kept across opens"
    );
}
