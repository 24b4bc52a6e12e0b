use crate::store::tests::{conversation, listed, memory_store, message, page, thread_page};
use crate::store::Filters;

fn keywords(words: &str) -> Filters<'_> {
    Filters {
        unread: None,
        keywords: Some(words),
        person: None,
        view: None,
        now_ms: 0,
    }
}

fn rows(store: &crate::store::Store<rusqlite::Connection>, table: &str) -> i64 {
    store
        .sql
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn each_message_is_indexed_once_and_empty_texts_not_at_all() {
    let store = memory_store();
    let thread = thread_page(
        "2-a",
        vec![
            message("urn:li:msg_message:(me,2-m2)", "2-a", 20, "second"),
            message("2-m1", "2-a", 10, ""),
        ],
    );
    store.index_messages(&thread).unwrap();
    store.index_messages(&thread).unwrap();
    // Another form of the same message's URN is the same message.
    store
        .index_messages(&thread_page(
            "2-a",
            vec![message("urn:li:messagingMessage:2-m2", "2-a", 20, "second")],
        ))
        .unwrap();
    assert_eq!(rows(&store, "messages"), 2);
    assert_eq!(rows(&store, "message_text"), 1);
}

#[test]
fn retention_keeps_the_newest_conversations_and_recent_messages() {
    let store = memory_store();
    let mut head = page(vec![
        conversation("2-c", 30, false, "Alex", "newest"),
        conversation("2-b", 20, false, "Priya", "middle"),
        conversation("2-a", 10, false, "Ana", "oldest"),
    ]);
    head.next_cursor = Some("older".into());
    store.upsert_conversations(&head).unwrap();
    store.record_head(&head, 1_000, 1).unwrap();
    store
        .index_messages(&thread_page(
            "2-c",
            vec![
                message("m-new", "2-c", 300, "fresh topic"),
                message("m-old", "2-c", 5, "ancient topic"),
            ],
        ))
        .unwrap();
    store
        .index_messages(&thread_page(
            "2-a",
            vec![message("m-a", "2-a", 300, "dropped topic")],
        ))
        .unwrap();
    store.prune_inbox(100, 2).unwrap();
    assert_eq!(listed(&store, &Filters::default()), ["2-c", "2-b"]);
    assert_eq!(listed(&store, &keywords("fresh")), ["2-c"]);
    assert_eq!(listed(&store, &keywords("ancient")), Vec::<String>::new());
    assert_eq!(listed(&store, &keywords("dropped")), Vec::<String>::new());
    assert_eq!(listed(&store, &keywords("ana")), Vec::<String>::new());
    assert_eq!(rows(&store, "conversation_text"), 2);
    assert_eq!(rows(&store, "message_text"), 1);
    // At the cap the list ends at what is kept.
    let state = store.sync_state().unwrap().unwrap();
    assert!(state.is_complete() && state.tail.is_none());
}

#[test]
fn retention_below_the_cap_leaves_the_list_open() {
    let store = memory_store();
    let mut head = page(vec![conversation("2-a", 10, false, "Ana", "hi")]);
    head.next_cursor = Some("older".into());
    store.upsert_conversations(&head).unwrap();
    store.record_head(&head, 1_000, 1).unwrap();
    store.prune_inbox(0, 5).unwrap();
    let state = store.sync_state().unwrap().unwrap();
    assert_eq!(
        (state.is_complete(), state.tail.as_deref()),
        (false, Some("older"))
    );
    assert_eq!(store.count(&Filters::default()).unwrap(), 1);
}

#[test]
fn a_wipe_deletes_the_inbox_and_keeps_the_ledger_and_pages() {
    let store = memory_store();
    let head = page(vec![conversation("2-a", 10, true, "Ana", "hi")]);
    store.upsert_conversations(&head).unwrap();
    store.record_head(&head, 1_000, 1).unwrap();
    store
        .index_messages(&thread_page("2-a", vec![message("m", "2-a", 10, "words")]))
        .unwrap();
    store.put_page("k", "{}", 60, 60, 1_000).unwrap();
    store.wipe_inbox().unwrap();
    for table in [
        "conversations",
        "conversation_text",
        "messages",
        "message_text",
        "list_sync",
    ] {
        assert_eq!(rows(&store, table), 0, "{table}");
    }
    assert_eq!(store.unread_total().unwrap(), None);
    assert_eq!(store.latest_seq().unwrap(), 1);
    assert!(store.fresh_page("k", 1_000).unwrap().is_some());
}
