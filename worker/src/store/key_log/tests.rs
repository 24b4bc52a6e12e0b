use super::*;

fn log() -> KeyLog<rusqlite::Connection> {
    KeyLog::open(rusqlite::Connection::open_in_memory().unwrap()).unwrap()
}

fn grant(at_ms: u64, account: &str, permits: u64) -> Grant {
    Grant {
        at_ms,
        account: account.into(),
        permits,
    }
}

#[test]
fn grants_are_read_back_oldest_first_and_old_ones_forgotten() {
    let log = log();
    log.record(&grant(1_000, "a", 4), 0).unwrap();
    log.record(&grant(2_000, "b", 1), 0).unwrap();
    log.record(&grant(3_000, "a", 1), 1_500).unwrap();
    let state = log.load(0, 0).unwrap();
    assert_eq!(
        state.grants,
        vec![grant(2_000, "b", 1), grant(3_000, "a", 1)]
    );
    assert_eq!(log.load(2_500, 0).unwrap().grants.len(), 1);
    assert!(state.askers.is_empty(), "who asks lives in memory only");
}

#[test]
fn a_pause_is_kept_unless_the_operator_cleared_pauses_set_before_it() {
    let log = log();
    assert_eq!(log.load(0, 0).unwrap().paused_until_ms, 0);
    log.pause(90_000, 30_000).unwrap();
    assert_eq!(log.load(0, 0).unwrap().paused_until_ms, 90_000);
    assert_eq!(log.load(0, 30_000).unwrap().paused_until_ms, 90_000);
    assert_eq!(log.load(0, 30_001).unwrap().paused_until_ms, 0);
}
