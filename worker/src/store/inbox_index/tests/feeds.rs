//! The index's own change feed, retention's cut, and the client's bucket.

use super::*;

#[test]
fn the_index_feed_hands_what_changed_and_starts_again_after_a_wipe() {
    let stores = stores();
    let index = fed(&stores);
    let start = index.changes_since(None, 10).unwrap();
    assert_eq!((start.conversations.as_str(), start.reset), ("", false));
    assert_eq!(
        start
            .accounts
            .iter()
            .map(|(a, u, _)| (a.as_str(), *u))
            .collect::<Vec<_>>(),
        [("alex", Some(1)), ("priya", Some(2)), ("titouan", None)]
    );
    stores[0].1.record_read("2-a1", true).unwrap();
    catch_up(&index, "alex", &stores[0].1);
    let next = index.changes_since(Some(start.mark), 10).unwrap();
    let items: Vec<serde_json::Value> =
        serde_json::from_str(&format!("[{}]", next.conversations)).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0]["account"].as_str(), items[0]["id"].as_str()),
        (Some("alex"), Some("2-a1"))
    );
    assert_eq!(next.accounts[0].1, Some(0));
    assert!(next.mark.seq > start.mark.seq && !next.reset);
    // Nothing since: the same mark, nothing listed.
    let same = index.changes_since(Some(next.mark), 10).unwrap();
    assert_eq!((same.conversations.as_str(), same.mark), ("", next.mark));
    // A wipe replaces priya's rows: the feed starts again.
    stores[1].1.record_wipe().unwrap();
    stores[1].1.wipe_inbox().unwrap();
    catch_up(&index, "priya", &stores[1].1);
    assert!(index.changes_since(Some(next.mark), 10).unwrap().reset);
}

#[test]
fn the_client_stream_hands_each_changed_account_its_conversations_and_totals() {
    let stores = stores();
    let index = fed(&stores);
    let start = index.standing_mark().unwrap();
    assert_eq!(index.pushed_mark().unwrap(), None);
    index.set_pushed_mark(start).unwrap();
    assert_eq!(index.pushed_mark().unwrap(), Some(start));
    assert!(index
        .stream_since(start.seq, 10)
        .unwrap()
        .accounts
        .is_empty());
    stores[0].1.record_read("2-a1", true).unwrap();
    catch_up(&index, "alex", &stores[0].1);
    let pushed = index.stream_since(start.seq, 10).unwrap();
    let alex = &pushed.accounts[..];
    assert_eq!(alex.len(), 1, "only the account that changed");
    assert_eq!(
        (alex[0].account.as_str(), alex[0].unread),
        ("alex", Some(0))
    );
    assert_eq!(alex[0].conversations.len(), 1);
    assert!(alex[0].conversations[0].contains("\"2-a1\""));
    assert_eq!(
        (pushed.mark, pushed.more),
        (index.standing_mark().unwrap(), false)
    );
    // Over the limit: the rest is left to the change feed (`more`), the mark at the last shown.
    stores[1].1.record_read("2-p1", true).unwrap();
    stores[1].1.record_read("2-same", true).unwrap();
    catch_up(&index, "priya", &stores[1].1);
    let cut = index.stream_since(pushed.mark.seq, 1).unwrap();
    assert!(cut.more && cut.mark.seq < index.standing_mark().unwrap().seq);
    assert_eq!(
        cut.accounts
            .iter()
            .map(|a| a.conversations.len())
            .sum::<usize>(),
        1
    );
}

#[test]
fn a_retention_pass_that_deletes_conversations_is_taken_again_in_place_without_a_reset() {
    let stores = stores();
    let index = fed(&stores);
    let start = index.changes_since(None, 10).unwrap().mark;
    // priya's store keeps its newest conversation only (MAX_THREADS): its feed starts again.
    stores[1].1.prune_inbox(0, 1).unwrap();
    catch_up(&index, "priya", &stores[1].1);
    assert_eq!(walk(&index, &NONE, 2), union(&stores, &NONE));
    let after = index.changes_since(Some(start), 10).unwrap();
    assert!(!after.reset, "no reset of the client's feed or stream");
    assert_eq!(after.mark.epoch, start.epoch);
    // The kept conversation came back unchanged: not handed to clients again.
    assert_eq!(after.conversations, "");
    assert_eq!(
        after
            .accounts
            .iter()
            .find(|(a, _, _)| a == "priya")
            .map(|a| a.1),
        Some(Some(1))
    );
    // A wipe is still a reset.
    stores[1].1.record_wipe().unwrap();
    stores[1].1.wipe_inbox().unwrap();
    catch_up(&index, "priya", &stores[1].1);
    assert!(index.changes_since(Some(after.mark), 10).unwrap().reset);
}

#[test]
fn messages_retention_deletes_reach_the_index_without_taking_the_inbox_again() {
    let stores = stores();
    let index = fed(&stores);
    let review = Filters {
        unread: None,
        keywords: Some("review"),
        person: None,
        view: None,
        now_ms: 0,
    };
    assert_eq!(
        walk(&index, &review, 5),
        [("alex".to_owned(), "2-a2".to_owned())]
    );
    // A newer message stays the newest stored (its row number is never handed out again).
    stores[0]
        .1
        .index_messages(&thread_page(
            "2-a1",
            vec![message("m2", "2-a1", 45, "agenda")],
        ))
        .unwrap();
    catch_up(&index, "alex", &stores[0].1);
    let marks = index.lane("alex").unwrap().unwrap().marks.unwrap();
    // The message of 29 is older than the pass's cut at 30; every conversation stays.
    stores[0].1.prune_inbox(30, 100).unwrap();
    let feed = stores[0].1.index_feed(Some(&marks), 10, 0).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&feed.json).unwrap()["reset"],
        false
    );
    catch_up(&index, "alex", &stores[0].1);
    assert_eq!(walk(&index, &review, 5), union(&stores, &review));
    assert!(walk(&index, &review, 5).is_empty());
    assert_eq!(walk(&index, &NONE, 3), union(&stores, &NONE));
}

#[test]
fn the_bucket_meters_merged_requests_at_the_client_rate() {
    use crate::rules::request_limits::Rate;
    let index = memory_index();
    let rate = Rate {
        per_minute: 60,
        burst: 2,
    };
    assert_eq!(index.take_request(rate, 0).unwrap(), Ok(()));
    assert_eq!(index.take_request(rate, 0).unwrap(), Ok(()));
    assert_eq!(index.take_request(rate, 0).unwrap(), Err(1));
    assert_eq!(index.take_request(rate, 1_000).unwrap(), Ok(()));
    let off = Rate {
        per_minute: 0,
        burst: 0,
    };
    assert_eq!(index.take_request(off, 1_000).unwrap(), Ok(()));
}
