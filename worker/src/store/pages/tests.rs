use crate::store::tests::{memory_store, message, thread_page};
use crate::store::Stored;

fn stored(body: &str, age_secs: u64, remaining_secs: u64) -> Option<Stored> {
    Some(Stored {
        body: body.to_owned(),
        age_secs,
        remaining_secs,
    })
}

#[test]
fn a_page_is_fresh_for_its_ttl_then_stale_for_the_window_after_it() {
    let store = memory_store();
    store.put_page("k", "body", 60, 120, 1_000_000).unwrap();
    assert_eq!(
        store.fresh_page("k", 1_000_000).unwrap(),
        stored("body", 0, 60)
    );
    assert_eq!(
        store.fresh_page("k", 1_059_999).unwrap(),
        stored("body", 59, 1)
    );
    assert_eq!(store.fresh_page("k", 1_060_000).unwrap(), None);
    assert_eq!(
        store.stale_page("k", 1_060_000).unwrap(),
        stored("body", 60, 0)
    );
    assert_eq!(
        store.stale_page("k", 1_179_999).unwrap(),
        stored("body", 179, 0)
    );
    assert_eq!(store.stale_page("k", 1_180_000).unwrap(), None);
    assert_eq!(store.fresh_page("other", 1_000_000).unwrap(), None);
}

#[test]
fn a_page_put_again_replaces_the_earlier_one() {
    let store = memory_store();
    store.put_page("k", "old", 60, 0, 1_000).unwrap();
    store.put_page("k", "new", 30, 0, 11_000).unwrap();
    assert_eq!(store.fresh_page("k", 11_000).unwrap(), stored("new", 0, 30));
}

fn page_rows(store: &crate::store::Store<rusqlite::Connection>) -> i64 {
    store
        .sql
        .query_row("SELECT COUNT(*) FROM pages", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn each_write_prunes_a_bounded_batch_of_expired_pages() {
    let store = memory_store();
    for n in 0..30 {
        store.put_page(&format!("old{n}"), "x", 1, 0, 0).unwrap();
    }
    assert_eq!(page_rows(&store), 30, "none expired yet");
    store.put_page("new", "x", 60, 0, 10_000).unwrap();
    assert_eq!(page_rows(&store), 31 - 20);
    store.prune_pages(10_000).unwrap();
    assert_eq!(page_rows(&store), 1);
    store.wipe_pages().unwrap();
    assert_eq!(page_rows(&store), 0);
}

#[test]
fn a_message_is_spliced_into_the_matching_head_pages_in_its_place() {
    let store = memory_store();
    let head = thread_page(
        "2-a",
        vec![
            message("m3", "2-a", 30, "three"),
            message("m1", "2-a", 10, "one"),
        ],
    );
    let body = serde_json::to_string(&head).unwrap();
    store
        .put_page("thread:2-a:head:10", &body, 60, 60, 0)
        .unwrap();
    store
        .put_page("thread:2-b:head:10", &body, 60, 60, 0)
        .unwrap();
    store
        .put_page("thread:2-a:head:20", "not json", 60, 60, 0)
        .unwrap();
    let two = message("urn:li:msg_message:(me,m2)", "2-a", 20, "two");
    store.splice_message("thread:2-a:%", &two).unwrap();
    store.splice_message("thread:2-a:%", &two).unwrap();
    let read = |key: &str| -> Vec<String> {
        let page: linkedin_inbox::MessagePage =
            serde_json::from_str(&store.fresh_page(key, 0).unwrap().unwrap().body).unwrap();
        page.items.into_iter().map(|m| m.text).collect()
    };
    assert_eq!(read("thread:2-a:head:10"), ["three", "two", "one"]);
    assert_eq!(read("thread:2-b:head:10"), ["three", "one"]);
    assert_eq!(
        store
            .fresh_page("thread:2-a:head:20", 0)
            .unwrap()
            .unwrap()
            .body,
        "not json"
    );
}

#[test]
fn a_whole_thread_in_fewer_messages_answers_any_larger_head_request_while_fresh() {
    use crate::rules::page_plan::any_size_prefix;
    let store = memory_store();
    let whole = serde_json::to_string(&thread_page(
        "2-a",
        vec![message("2-m1", "2-a", 10, "only one")],
    ))
    .unwrap();
    let key = |count: u32| format!("acct/k1/g3/lk:abc:{count}:-");
    store.put_page(&key(1), &whole, 30, 60, 1_000).unwrap();
    let (pattern, count) = any_size_prefix(&key(20)).unwrap();
    assert_eq!((pattern.as_str(), count), ("acct/k1/g3/lk:abc:", 20));
    assert_eq!(
        store.whole_thread_page(&pattern, count, 2_000).unwrap(),
        stored(&whole, 1, 29)
    );
    // Past its TTL, or for another generation or thread: not an answer.
    assert_eq!(
        store.whole_thread_page(&pattern, count, 31_000).unwrap(),
        None
    );
    let (other, _) = any_size_prefix("acct/k1/g4/lk:abc:20:-").unwrap();
    assert_eq!(store.whole_thread_page(&other, 20, 2_000).unwrap(), None);
    // A page with an older page after it is not the whole thread.
    let mut partial = thread_page("2-b", vec![message("2-m2", "2-b", 10, "x")]);
    partial.next_cursor = Some("older".into());
    store
        .put_page(
            "acct/k1/g3/lk:bcd:1:-",
            &serde_json::to_string(&partial).unwrap(),
            30,
            60,
            1_000,
        )
        .unwrap();
    assert_eq!(
        store
            .whole_thread_page("acct/k1/g3/lk:bcd:", 20, 2_000)
            .unwrap(),
        None
    );
    // More messages than asked for: not an answer either.
    let two = serde_json::to_string(&thread_page(
        "2-c",
        vec![
            message("2-m3", "2-c", 20, "b"),
            message("2-m4", "2-c", 10, "a"),
        ],
    ))
    .unwrap();
    store
        .put_page("acct/k1/g3/lk:cde:5:-", &two, 30, 60, 1_000)
        .unwrap();
    assert_eq!(
        store
            .whole_thread_page("acct/k1/g3/lk:cde:", 1, 2_000)
            .unwrap(),
        None
    );
    assert!(store
        .whole_thread_page("acct/k1/g3/lk:cde:", 2, 2_000)
        .unwrap()
        .is_some());
    assert_eq!(
        any_size_prefix("acct/k1/lk:abc:20:cs.123"),
        None,
        "history pages are exact"
    );
    // A longer thread key sharing the prefix is another thread.
    store
        .put_page("acct/k1/g3/lk:abc:x:1:-", &whole, 30, 60, 1_000)
        .unwrap();
    store
        .put_page("acct/k1/g3/lk:abcd:1:-", &whole, 30, 60, 1_000)
        .unwrap();
    assert_eq!(
        store
            .whole_thread_page("acct/k1/g3/lk:ab", 20, 2_000)
            .unwrap(),
        None
    );
}
