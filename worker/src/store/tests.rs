//! The fixtures of the store's tests, and its migrations run on an in-memory SQLite.

use linkedin_inbox::{Conversation, ConversationPage, Message, MessagePage};
use serde_json::json;

pub(super) use super::native_sql::{memory_store, memory_store_at};
use super::schema::LATEST;
use super::{Filters, Store};

/// A conversation with one participant (`name`, headline "Engineer", profile `/in/<slug>`),
/// its latest message `latest` at `at`.
pub(super) fn conversation(
    id: &str,
    at: i64,
    unread: bool,
    name: &str,
    latest: &str,
) -> Conversation {
    let slug = name.to_lowercase().replace(' ', "-");
    serde_json::from_value(json!({
        "id": id,
        "provider": "connectsafely",
        "threadId": id,
        "participants": [{
            "profileId": format!("ACoA-{id}"),
            "name": name,
            "headline": "Engineer",
            "profileUrl": format!("https://www.linkedin.com/in/{slug}/"),
        }],
        "unreadCount": u32::from(unread),
        "isRead": !unread,
        "lastActivityAt": at,
        "latestMessage": {
            "id": format!("m-{id}"),
            "text": latest,
            "sentAt": at,
            "fromSelf": false,
            "hasAttachment": false,
        },
    }))
    .expect("a conversation")
}

/// A page of the unfiltered list holding `items`.
pub(super) fn page(items: Vec<Conversation>) -> ConversationPage {
    ConversationPage {
        items,
        next_cursor: None,
        total: None,
        account_id: None,
        owner_profile_urn: None,
        filters_applied: true,
        credit_cost: 0,
    }
}

/// A message of `thread` sent at `at` by Alex.
pub(super) fn message(id: &str, thread: &str, at: i64, text: &str) -> Message {
    serde_json::from_value(json!({
        "id": id,
        "conversationId": thread,
        "text": text,
        "sentAt": at,
        "kind": "text",
        "rawKind": "TEXT",
        "sender": { "name": "Alex" },
    }))
    .expect("a message")
}

/// A page of a thread's messages (newest first as given).
pub(super) fn thread_page(thread: &str, items: Vec<Message>) -> MessagePage {
    serde_json::from_value(json!({
        "items": items,
        "thread": { "conversationId": thread, "unreadCount": 0, "lastMessageSeen": true },
        "creditCost": 0,
    }))
    .expect("a message page")
}

/// The thread ids a stored list shows for `filters`, in list order.
pub(super) fn listed<S: super::sql::Sql>(store: &Store<S>, filters: &Filters<'_>) -> Vec<String> {
    let joined = store
        .joined_json(filters, None, 1000, "acct")
        .expect("a list");
    let items: Vec<serde_json::Value> =
        serde_json::from_str(&format!("[{joined}]")).expect("joined JSON is a JSON list");
    items
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn keywords(words: &str) -> Filters<'_> {
    Filters {
        unread: None,
        keywords: Some(words),
        person: None,
        view: None,
        now_ms: 0,
    }
}

#[test]
fn a_new_store_reaches_the_latest_version_and_opening_again_changes_nothing() {
    let store = memory_store();
    assert_eq!(store.version, LATEST);
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "hi")]))
        .unwrap();
    let again = Store::open(store.sql, LATEST).unwrap();
    assert_eq!(again.version, LATEST);
    assert_eq!(listed(&again, &Filters::default()), ["2-a"]);
}

#[test]
fn opened_reads_the_version_without_migrating() {
    let store = memory_store_at(2);
    let opened = Store::opened(store.sql).unwrap();
    assert_eq!(opened.version, 2);
    assert!(!opened.numbers_changes());
}

#[test]
fn a_version_1_store_upgrades_with_its_pages_kept() {
    let old = memory_store_at(1);
    assert_eq!(old.version, 1);
    old.put_page("thread:x", "{\"items\":[]}", 60, 60, 1_000)
        .unwrap();
    let store = Store::open(old.sql, LATEST).unwrap();
    assert_eq!(store.version, LATEST);
    assert_eq!(
        store.fresh_page("thread:x", 2_000).unwrap().map(|p| p.body),
        Some("{\"items\":[]}".to_owned())
    );
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, false, "Alex", "hi")]))
        .unwrap();
    assert_eq!(store.count(&Filters::default()).unwrap(), 1);
}

#[test]
fn data_stored_at_version_2_is_still_found_by_search_after_the_explicit_keys() {
    let old = memory_store_at(2);
    // Unnumbered writes at version 2 (no change feed yet).
    old.upsert_conversations(&page(vec![
        conversation("2-a", 30, false, "Zoé Martin", "lunch"),
        conversation("2-b", 20, true, "Priya Shah", "offer"),
    ]))
    .unwrap();
    old.index_messages(&thread_page(
        "2-b",
        vec![message("m1", "2-b", 20, "quarterly roadmap")],
    ))
    .unwrap();
    let store = Store::open(old.sql, LATEST).unwrap();
    assert_eq!(listed(&store, &keywords("zoe")), ["2-a"]);
    assert_eq!(listed(&store, &keywords("roadmap")), ["2-b"]);
    assert_eq!(listed(&store, &Filters::default()), ["2-a", "2-b"]);
    // Rows written before changes were numbered get numbers on the upgrade (the client
    // indexes take an inbox by its change numbers: `index_feed.rs`).
    assert_eq!(
        store.latest_seq().unwrap(),
        2,
        "the two rows numbered on upgrade"
    );
    store
        .upsert_conversations(&page(vec![conversation("2-c", 40, true, "Ana", "new")]))
        .unwrap();
    assert_eq!(store.latest_seq().unwrap(), 3);
    assert_eq!(listed(&store, &keywords("ana")), ["2-c"]);
}

#[test]
fn below_the_change_feed_version_upserts_take_no_change_number() {
    let store = memory_store_at(4);
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "hi")]))
        .unwrap();
    assert_eq!(store.latest_seq().unwrap(), 0);
    assert_eq!(store.count(&Filters::default()).unwrap(), 1);
}

#[test]
fn rows_come_back_by_column_name_numbers_as_floats_and_null_as_none() {
    use super::sql::{int, text, text_or_null, Sql};
    #[derive(serde::Deserialize)]
    struct Row {
        n: f64,
        t: String,
        missing: Option<String>,
    }
    let store = memory_store();
    let rows = store
        .sql
        .rows::<Row>(
            "SELECT ? AS n, ? AS t, ? AS missing",
            vec![int(9_007_199_254_740_991), text("é"), text_or_null(None)],
        )
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].n, rows[0].t.as_str(), &rows[0].missing),
        (9_007_199_254_740_991.0, "é", &None)
    );
}

#[test]
fn a_failing_statement_is_an_error_in_sqlite_s_words() {
    use super::sql::Sql;
    let store = memory_store();
    let error = store
        .sql
        .run("INSERT INTO no_such_table VALUES (1)", vec![])
        .unwrap_err();
    assert!(error.0.contains("no_such_table"), "{error}");
}

#[test]
fn message_ids_stored_before_their_one_identity_are_normalized_by_the_upgrade() {
    use super::sql::{int, text, Sql};
    use super::ProviderEvent;
    let old = memory_store_at(super::schema::MESSAGE_IDS_VERSION - 1);
    // Rows as version 6 could hold them, written in their old forms.
    let rows = [
        (
            "urn:li:msg_message:(urn:li:fsd_profile:ACoAA1,2-AAA=)",
            "first form",
        ),
        ("urn:li:messagingMessage:2-AAA=", "second form"),
        ("urn:li:messagingMessage:2-BBB=", "pushed roadmap"),
        ("2-CCC=", "bare already"),
        (" 2-DDD= ", "spaced"),
    ];
    for (seq, (id, words)) in (1_i64..).zip(rows) {
        old.sql
            .run(
                "INSERT INTO messages (seq, id, thread_id, sent_at) VALUES (?, ?, '2-t', ?)",
                vec![int(seq), text(id), int(seq)],
            )
            .unwrap();
        old.sql
            .run(
                "INSERT INTO message_text (rowid, text) VALUES (?, ?)",
                vec![int(seq), text(words)],
            )
            .unwrap();
    }
    for id in [
        "cs:urn:li:messagingMessage:2-EEE=",
        "cs:urn:li:msg_message:(urn:li:fsd_profile:ACoAA1,2-FFF=)",
        "cs:2-FFF=",
    ] {
        old.sql
            .run(
                "INSERT INTO events (id, received_at) VALUES (?, 5)",
                vec![text(id)],
            )
            .unwrap();
    }
    old.upsert_conversations(&page(vec![conversation("2-t", 9, false, "Ana", "x")]))
        .unwrap();
    let store = Store::open(old.sql, LATEST).unwrap();
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
        text: String,
    }
    let stored: Vec<(String, String)> = store
        .sql
        .rows::<Row>(
            "SELECT m.id AS id, t.text AS text FROM messages m JOIN message_text t ON t.rowid = m.seq ORDER BY m.seq",
            vec![],
        )
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.text))
        .collect();
    let expected = [
        ("2-AAA=", "first form"),
        ("2-BBB=", "pushed roadmap"),
        ("2-CCC=", "bare already"),
        ("2-DDD=", "spaced"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(
        stored, expected,
        "one row per message, the first stored kept"
    );
    let texts: Vec<serde_json::Value> = store
        .sql
        .rows("SELECT rowid FROM message_text", vec![])
        .unwrap();
    assert_eq!(texts.len(), 4, "the duplicate's search text went with it");
    assert_eq!(listed(&store, &keywords("roadmap")), ["2-t"]);
    // A message stored again in any form is the one stored: not indexed twice.
    store
        .index_message(&message(
            "urn:li:messagingMessage:2-BBB=",
            "2-t",
            2,
            "pushed roadmap",
        ))
        .unwrap();
    assert_eq!(
        store
            .sql
            .rows::<serde_json::Value>("SELECT seq FROM messages", vec![])
            .unwrap()
            .len(),
        4
    );
    // Events handled under an old form are known under the identity.
    for id in [
        "2-EEE=",
        "urn:li:messagingMessage:2-FFF=",
        "urn:li:msg_message:(urn:li:fsd_profile:ACoAA1,2-EEE=)",
    ] {
        assert!(
            !store
                .first_event(ProviderEvent::ConnectSafelyMessage(id), 10)
                .unwrap(),
            "{id} was handled"
        );
    }
    let events: Vec<serde_json::Value> = store
        .sql
        .rows("SELECT id FROM events ORDER BY id", vec![])
        .unwrap();
    assert_eq!(
        events,
        vec![json!({"id": "cs:2-EEE="}), json!({"id": "cs:2-FFF="})]
    );
}
