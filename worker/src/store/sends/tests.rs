use super::KEY_RETENTION_MS;
use crate::store::tests::memory_store;
use crate::store::{SendRecord, SendState};

const NOW: u64 = 1_700_000_000_000;

fn record(state: SendState, answer: Option<&str>) -> Option<SendRecord> {
    Some(SendRecord {
        digest: "d1".into(),
        state,
        answer: answer.map(str::to_owned),
        created_at: NOW as f64,
    })
}

#[test]
fn a_send_is_recorded_before_its_call_and_its_answer_after() {
    let store = memory_store();
    assert_eq!(store.send_record("k").unwrap(), None);
    store.record_send("k", "d1", NOW).unwrap();
    assert_eq!(
        store.send_record("k").unwrap(),
        record(SendState::Pending, None)
    );
    store.mark_send_sent("k", r#"{"message":{}}"#).unwrap();
    assert_eq!(
        store.send_record("k").unwrap(),
        record(SendState::Sent, Some(r#"{"message":{}}"#)),
        "a retry replays the answer"
    );
    assert_eq!(store.send_record("other").unwrap(), None);
}

#[test]
fn an_unknown_outcome_stays_until_a_retry_runs_it_again() {
    let store = memory_store();
    store.record_send("k", "d1", NOW).unwrap();
    store.mark_send_unknown("k").unwrap();
    assert_eq!(
        store.send_record("k").unwrap(),
        record(SendState::Unknown, None)
    );
    store.mark_send_pending("k").unwrap();
    assert_eq!(
        store.send_record("k").unwrap(),
        record(SendState::Pending, None)
    );
}

#[test]
fn a_key_is_not_taken_again_and_keeps_its_first_digest() {
    let store = memory_store();
    store.record_send("k", "d1", NOW).unwrap();
    assert!(store.record_send("k", "d2", NOW + 1).is_err());
    let kept = store.send_record("k").unwrap().unwrap();
    assert_eq!(
        kept.digest, "d1",
        "another request under the key is told apart"
    );
}

#[test]
fn a_freed_key_may_be_used_again() {
    let store = memory_store();
    store.record_send("k", "d1", NOW).unwrap();
    store.forget_send("k").unwrap();
    assert_eq!(store.send_record("k").unwrap(), None);
    store.record_send("k", "d2", NOW + 1).unwrap();
    assert_eq!(store.send_record("k").unwrap().unwrap().digest, "d2");
}

#[test]
fn keys_are_kept_seven_days() {
    let store = memory_store();
    store.record_send("old", "d1", NOW).unwrap();
    store.record_send("new", "d1", NOW + 1).unwrap();
    store.prune_sends(NOW + KEY_RETENTION_MS).unwrap();
    assert!(
        store.send_record("old").unwrap().is_some(),
        "exactly 7 days: kept"
    );
    store.prune_sends(NOW + KEY_RETENTION_MS + 1).unwrap();
    assert_eq!(store.send_record("old").unwrap(), None);
    assert!(store.send_record("new").unwrap().is_some());
}

#[test]
fn keys_survive_a_wipe_of_the_inbox() {
    let store = memory_store();
    store.record_send("k", "d1", NOW).unwrap();
    store.mark_send_sent("k", "{}").unwrap();
    store.wipe_inbox().unwrap();
    store.wipe_pages().unwrap();
    assert_eq!(
        store.send_record("k").unwrap(),
        record(SendState::Sent, Some("{}"))
    );
}
