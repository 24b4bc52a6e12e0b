use super::super::native_sql::memory_store;
use crate::rules::contract_drift::{Drift, MAX_PATHS_PER_ENDPOINT};

fn drift(endpoint: &'static str, path: &str, difference: &str) -> Drift {
    Drift {
        endpoint,
        path: path.into(),
        difference: difference.into(),
        breaks: Some("the unread count"),
    }
}

#[test]
fn differences_are_counted_per_endpoint_path_and_kind() {
    let store = memory_store();
    let unread = drift(
        "inbox",
        "$.data.items[].unread",
        "expected integer, seen boolean",
    );
    store
        .record_drift(std::slice::from_ref(&unread), 1_000)
        .unwrap();
    store
        .record_drift(std::slice::from_ref(&unread), 2_000)
        .unwrap();
    store
        .record_drift(&[drift("thread", "$.data.items[].unread", "absent")], 1_500)
        .unwrap();
    let counted = store.contract_drift().unwrap();
    assert_eq!(counted.len(), 2);
    assert_eq!(
        (
            counted[0].endpoint.as_str(),
            counted[0].count,
            counted[0].last_seen_at
        ),
        ("inbox", 2, 2_000)
    );
    assert_eq!(counted[0].breaks.as_deref(), Some("the unread count"));
    assert_eq!(
        (counted[1].endpoint.as_str(), counted[1].count),
        ("thread", 1)
    );
}

#[test]
fn an_endpoint_keeps_a_bounded_number_of_paths_and_still_counts_them() {
    let store = memory_store();
    let many: Vec<Drift> = (0..MAX_PATHS_PER_ENDPOINT + 5)
        .map(|i| drift("inbox", &format!("$.key{i}"), "undocumented"))
        .collect();
    store.record_drift(&many, 1_000).unwrap();
    store.record_drift(&many, 2_000).unwrap();
    store
        .record_drift(&[drift("thread", "$.key0", "undocumented")], 2_000)
        .unwrap();
    let counted = store.contract_drift().unwrap();
    let inbox: Vec<_> = counted.iter().filter(|d| d.endpoint == "inbox").collect();
    assert_eq!(inbox.len(), MAX_PATHS_PER_ENDPOINT as usize);
    assert!(inbox.iter().all(|d| d.count == 2));
    assert_eq!(counted.iter().filter(|d| d.endpoint == "thread").count(), 1);
}

#[test]
fn an_endpoint_is_checked_at_most_once_per_interval() {
    let store = memory_store();
    assert!(store.take_contract_check("inbox", 1_000, 60_000).unwrap());
    assert!(!store.take_contract_check("inbox", 30_000, 60_000).unwrap());
    assert!(store.take_contract_check("thread", 30_000, 60_000).unwrap());
    assert!(store.take_contract_check("inbox", 61_000, 60_000).unwrap());
    assert!(store.take_contract_check("inbox", 61_000, 0).unwrap());
}

#[test]
fn a_store_at_an_older_schema_counts_and_shows_nothing() {
    let store = super::super::native_sql::memory_store_at(5);
    let unread = drift("inbox", "$.unread", "absent");
    store.record_drift(&[unread], 1_000).unwrap();
    assert!(!store.take_contract_check("inbox", 1_000, 0).unwrap());
    assert_eq!(store.contract_drift().unwrap(), vec![]);
}
