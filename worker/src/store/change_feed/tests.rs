use crate::store::tests::{conversation, memory_store, page};
use crate::store::ProviderEvent;

#[test]
fn changes_come_oldest_first_a_frame_at_a_time() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![
            conversation("2-a", 30, true, "Alex", "a"),
            conversation("2-b", 20, true, "Priya", "b"),
            conversation("2-c", 10, true, "Ana", "c"),
        ]))
        .unwrap();
    assert_eq!(store.latest_seq().unwrap(), 3);
    let (items, last, more) = store.changes_since(0, 2, "acct").unwrap();
    let ids: Vec<serde_json::Value> = serde_json::from_str(&format!("[{items}]")).unwrap();
    assert_eq!(
        ids.iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2-a", "2-b"]
    );
    assert!(ids.iter().all(|c| c["account"] == "acct"));
    assert_eq!((last, more), (2, true));
    let (items, last, more) = store.changes_since(last, 2, "acct").unwrap();
    assert!(items.contains("\"id\":\"2-c\""));
    assert_eq!((last, more), (3, false));
    let (items, last, more) = store.changes_since(3, 2, "acct").unwrap();
    assert_eq!((items.as_str(), last, more), ("", 3, false));
    assert!(store.changes_since(0, 2, "not safe!").is_err());
}

#[test]
fn a_wipe_never_hands_out_a_change_number_twice() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![conversation("2-a", 30, true, "Alex", "a")]))
        .unwrap();
    store.wipe_inbox().unwrap();
    assert_eq!(store.latest_seq().unwrap(), 1);
    store
        .upsert_conversations(&page(vec![conversation("2-a", 30, true, "Alex", "a")]))
        .unwrap();
    assert_eq!(store.latest_seq().unwrap(), 2);
    let (_, last, _) = store.changes_since(1, 10, "acct").unwrap();
    assert_eq!(last, 2);
}

#[test]
fn a_provider_event_is_handled_once_until_forgotten_or_pruned() {
    let store = memory_store();
    let message = ProviderEvent::ConnectSafelyMessage("2-m1");
    let linkup = ProviderEvent::Linkup("evt-2");
    assert!(store.first_event(message, 1_000).unwrap());
    assert!(!store.first_event(message, 2_000).unwrap());
    store.forget_event(message).unwrap();
    assert!(store.first_event(message, 3_000).unwrap());
    assert!(store.first_event(linkup, 5_000).unwrap());
    // Events received before the window's start are forgotten; the others stay.
    store.prune_events(4_000).unwrap();
    assert!(store.first_event(message, 6_000).unwrap());
    assert!(!store.first_event(linkup, 6_000).unwrap());
}

#[test]
fn one_message_is_one_event_whatever_urn_names_it_and_providers_never_collide() {
    let store = memory_store();
    let thread_form =
        ProviderEvent::ConnectSafelyMessage("urn:li:msg_message:(urn:li:fsd_profile:ME,2-m9)");
    let event_form = ProviderEvent::ConnectSafelyMessage("urn:li:messagingMessage:2-m9");
    assert!(store.first_event(thread_form, 1_000).unwrap());
    assert!(!store.first_event(event_form, 1_000).unwrap());
    assert!(store
        .first_event(ProviderEvent::Linkup("2-m9"), 1_000)
        .unwrap());
}
