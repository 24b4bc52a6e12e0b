use crate::store::tests::{memory_store, page};

#[test]
fn the_first_head_sync_says_where_older_pages_start() {
    let store = memory_store();
    assert!(store.sync_state().unwrap().is_none());
    let mut head = page(vec![]);
    head.next_cursor = Some("cursor-1".into());
    head.account_id = Some("cs-account".into());
    store.record_head(&head, 1_000, 3).unwrap();
    let state = store.sync_state().unwrap().unwrap();
    assert_eq!((state.head_at, state.generation), (1_000.0, 3.0));
    assert_eq!(state.tail.as_deref(), Some("cursor-1"));
    assert!(!state.is_complete());
    assert_eq!(state.account_id.as_deref(), Some("cs-account"));
}

#[test]
fn a_head_sync_without_older_pages_completes_the_list() {
    let store = memory_store();
    store.record_head(&page(vec![]), 1_000, 1).unwrap();
    let state = store.sync_state().unwrap().unwrap();
    assert!(state.is_complete());
    assert_eq!(state.tail, None);
}

#[test]
fn later_head_syncs_keep_the_tail_and_the_known_account() {
    let store = memory_store();
    let mut head = page(vec![]);
    head.next_cursor = Some("cursor-1".into());
    head.account_id = Some("cs-account".into());
    head.owner_profile_urn = Some("urn:li:fsd_profile:ME".into());
    store.record_head(&head, 1_000, 1).unwrap();
    let mut later = page(vec![]);
    later.next_cursor = Some("cursor-other".into());
    store.record_head(&later, 2_000, 2).unwrap();
    let state = store.sync_state().unwrap().unwrap();
    assert_eq!((state.head_at, state.generation), (2_000.0, 2.0));
    assert_eq!(state.tail.as_deref(), Some("cursor-1"));
    assert_eq!(state.account_id.as_deref(), Some("cs-account"));
    assert_eq!(state.owner.as_deref(), Some("urn:li:fsd_profile:ME"));
}

#[test]
fn older_pages_move_the_tail_until_the_list_ends() {
    let store = memory_store();
    let mut head = page(vec![]);
    head.next_cursor = Some("c1".into());
    store.record_head(&head, 1_000, 1).unwrap();
    let mut older = page(vec![]);
    older.next_cursor = Some("c2".into());
    store.record_tail(&older, "c1").unwrap();
    let state = store.sync_state().unwrap().unwrap();
    assert_eq!(
        (state.tail.as_deref(), state.is_complete()),
        (Some("c2"), false)
    );
    // The same cursor again ends the list (no endless walk).
    store.record_tail(&older, "c2").unwrap();
    let state = store.sync_state().unwrap().unwrap();
    assert_eq!((state.tail.as_deref(), state.is_complete()), (None, true));
}

#[test]
fn the_served_account_is_remembered_and_replaced() {
    let store = memory_store();
    assert_eq!(store.remembered_account().unwrap(), None);
    store.remember_account("alex").unwrap();
    store.remember_account("alex").unwrap();
    assert_eq!(store.remembered_account().unwrap().as_deref(), Some("alex"));
    store.remember_account("work").unwrap();
    assert_eq!(store.remembered_account().unwrap().as_deref(), Some("work"));
}
