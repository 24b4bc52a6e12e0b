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
fn messages_retention_deletes_reach_the_index_without_taking_the_inbox_again() {
    let stores = stores();
    let index = fed(&stores);
    let review = Filters {
        unread: None,
        keywords: Some("review"),
        person: None,
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
    let feed = stores[0].1.index_feed(Some(&marks), 10).unwrap();
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
