use crate::store::index_feed::FeedMarks;
use crate::store::tests::{
    conversation, memory_store, memory_store_at, message, page, thread_page,
};

fn feed(json: &str) -> serde_json::Value {
    serde_json::from_str(json).expect("the feed is JSON")
}

#[test]
fn the_feed_hands_changes_and_message_texts_after_the_marks() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![
            conversation("2-a", 30, true, "Alex", "hello"),
            conversation("2-b", 20, false, "Priya", "bye"),
        ]))
        .unwrap();
    store
        .index_messages(&thread_page(
            "2-b",
            vec![message("m1", "2-b", 5, "quarterly plan")],
        ))
        .unwrap();
    let first = store.index_feed(None, 1, 0).unwrap();
    let answer = feed(&first.json);
    assert_eq!(answer["reset"], true);
    assert_eq!(answer["more"], true);
    assert_eq!(answer["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(answer["conversations"][0]["t"], "2-a");
    assert_eq!(answer["conversations"][0]["u"], 1);
    assert_eq!(answer["conversations"][0]["j"]["id"], "2-a");
    assert!(answer["conversations"][0]["x"]
        .as_str()
        .unwrap()
        .contains("Alex"));
    assert_eq!(answer["messages"][0]["x"], "quarterly plan");
    let second = store.index_feed(Some(&first.marks), 1, 0).unwrap();
    let answer = feed(&second.json);
    assert_eq!(
        (answer["reset"].clone(), answer["more"].clone()),
        (false.into(), false.into())
    );
    assert_eq!(answer["conversations"][0]["t"], "2-b");
    assert_eq!(answer["messages"].as_array().unwrap().len(), 0);
    // Caught up: nothing more until something changes.
    let third = store.index_feed(Some(&second.marks), 10, 0).unwrap();
    assert_eq!(
        feed(&third.json)["conversations"].as_array().unwrap().len(),
        0
    );
    assert_eq!(third.marks, second.marks);
    assert_eq!(second.marks, store.feed_position().unwrap());
    // What a change during a request tells the indexes: the position, and the day's spending.
    let state = store.feed_state(0).unwrap();
    assert_eq!(
        (state.marks, state.spent),
        (second.marks, Default::default())
    );
    store.record_read("2-a", true).unwrap();
    let fourth = store.index_feed(Some(&third.marks), 10, 0).unwrap();
    let answer = feed(&fourth.json);
    assert_eq!(answer["conversations"][0]["t"], "2-a");
    assert_eq!(answer["conversations"][0]["u"], 0);
}

#[test]
fn a_wipe_or_a_pruning_pass_starts_the_feed_again() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![
            conversation("2-a", 30, true, "Alex", "a"),
            conversation("2-b", 20, true, "Priya", "b"),
        ]))
        .unwrap();
    let caught_up = store.index_feed(None, 10, 0).unwrap().marks;
    // A pass that deletes nothing changes nothing.
    store.prune_inbox(0, 10).unwrap();
    assert!(
        !feed(&store.index_feed(Some(&caught_up), 10, 0).unwrap().json)["reset"]
            .as_bool()
            .unwrap()
    );
    store.prune_inbox(0, 1).unwrap();
    let after_prune = store.index_feed(Some(&caught_up), 10, 0).unwrap();
    let answer = feed(&after_prune.json);
    assert_eq!(answer["reset"], true);
    assert_eq!(answer["conversations"].as_array().unwrap().len(), 1);
    store.record_wipe().unwrap();
    store.wipe_inbox().unwrap();
    let after_wipe = feed(
        &store
            .index_feed(Some(&after_prune.marks), 10, 0)
            .unwrap()
            .json,
    );
    assert_eq!(after_wipe["reset"], true);
    assert_eq!(after_wipe["synced"], false);
    assert_eq!(after_wipe["conversations"].as_array().unwrap().len(), 0);
    // Marks from the future (another store's) start again too.
    let future = FeedMarks {
        seq: 1_000,
        ..store.feed_position().unwrap()
    };
    assert_eq!(
        feed(&store.index_feed(Some(&future), 10, 0).unwrap().json)["reset"],
        true
    );
}

#[test]
fn subscribers_are_kept_with_their_marks() {
    let store = memory_store();
    let marks = FeedMarks {
        epoch: 1,
        prunes: 2,
        seq: 3,
        message_seq: 4,
    };
    store.subscribe_index("team", &marks).unwrap();
    store.subscribe_index("ops", &FeedMarks::default()).unwrap();
    store
        .subscribe_index("team", &FeedMarks { seq: 9, ..marks })
        .unwrap();
    assert_eq!(
        store.index_subscribers().unwrap(),
        vec![
            ("ops".to_owned(), FeedMarks::default()),
            ("team".to_owned(), FeedMarks { seq: 9, ..marks })
        ]
    );
    store.unsubscribe_index("team").unwrap();
    assert_eq!(store.index_subscribers().unwrap().len(), 1);
}

#[test]
fn rows_stored_before_changes_were_numbered_get_numbers_on_upgrade() {
    let old = memory_store_at(4);
    old.upsert_conversations(&page(vec![
        conversation("2-a", 30, true, "Alex", "a"),
        conversation("2-b", 20, true, "Priya", "b"),
    ]))
    .unwrap();
    let store = crate::store::Store::open(old.sql, crate::store::schema::LATEST).unwrap();
    let answer = store.index_feed(None, 1, 0).unwrap();
    let rest = store.index_feed(Some(&answer.marks), 10, 0).unwrap();
    let ids: Vec<String> = [&answer.json, &rest.json]
        .iter()
        .flat_map(|j| feed(j)["conversations"].as_array().unwrap().clone())
        .map(|c| c["t"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2, "both rows, each once: {ids:?}");
}

#[test]
fn another_store_of_the_same_account_never_continues_an_index_from_the_marks_of_the_first() {
    let first = memory_store();
    let second = memory_store();
    for store in [&first, &second] {
        store
            .upsert_conversations(&page(vec![
                conversation("2-a", 30, true, "Alex", "hello"),
                conversation("2-b", 20, false, "Priya", "bye"),
            ]))
            .unwrap();
    }
    let marks = first.index_feed(None, 10, 0).unwrap().marks;
    // The same changes and message numbers, but another store (credentials moved to another
    // object): its feed starts again rather than continuing after the first one's marks.
    assert_ne!(marks.epoch, second.feed_position().unwrap().epoch);
    assert_eq!(
        feed(&second.index_feed(Some(&marks), 10, 0).unwrap().json)["reset"],
        true
    );
    // The store's own marks continue; a wipe starts it again.
    assert_eq!(
        feed(&first.index_feed(Some(&marks), 10, 0).unwrap().json)["reset"],
        false
    );
    first.record_wipe().unwrap();
    assert_eq!(
        feed(&first.index_feed(Some(&marks), 10, 0).unwrap().json)["reset"],
        true
    );
    assert!(marks.epoch < 1 << 53, "exact as a JSON and SQLite number");
}
