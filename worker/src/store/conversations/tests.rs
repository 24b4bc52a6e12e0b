use linkedin_inbox::Conversation;

use crate::rules::webhook_events::PushedMessage;
use crate::store::tests::{conversation, memory_store, message, page};

fn pushed(id: &str, thread: &str, at: i64, text: &str, sender_id: &str) -> PushedMessage {
    PushedMessage {
        account_id: None,
        message: message(id, thread, at, text),
        sender_id: Some(sender_id.to_owned()),
        sender_picture: None,
        has_attachment: false,
        conversation_urn: format!("urn:li:messagingThread:{thread}"),
    }
}

fn stored(store: &crate::store::Store<rusqlite::Connection>, id: &str) -> Conversation {
    store.conversation(id).unwrap().expect("stored")
}

#[test]
fn a_synced_page_is_stored_and_read_back() {
    let store = memory_store();
    let alex = conversation("2-a", 10, true, "Alex", "hi");
    store
        .upsert_conversations(&page(vec![alex.clone()]))
        .unwrap();
    assert_eq!(stored(&store, "2-a"), alex);
    assert_eq!(store.last_activity("2-a").unwrap(), Some(10));
    assert_eq!(store.conversation("2-zz").unwrap(), None);
    assert_eq!(store.last_activity("2-zz").unwrap(), None);
}

#[test]
fn an_older_copy_never_replaces_a_newer_one() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![conversation("2-a", 20, false, "Alex", "newer")]))
        .unwrap();
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "older")]))
        .unwrap();
    let kept = stored(&store, "2-a");
    assert_eq!(kept.latest_message.unwrap().text, "newer");
    assert!(kept.is_read);
}

#[test]
fn only_rows_that_changed_take_a_change_number() {
    let store = memory_store();
    let alex = conversation("2-a", 10, true, "Alex", "hi");
    let priya = conversation("2-b", 20, true, "Priya", "hello");
    store
        .upsert_conversations(&page(vec![alex.clone(), priya.clone()]))
        .unwrap();
    let (_, first, _) = store.changes_since(0, 10, "acct").unwrap();
    assert_eq!(first, 2);
    // The same page again: nothing is written, no change is seen.
    store
        .upsert_conversations(&page(vec![alex, priya]))
        .unwrap();
    let (items, last, more) = store.changes_since(2, 10, "acct").unwrap();
    assert_eq!((items.as_str(), last, more), ("", 2, false));
    // One conversation read elsewhere, at the same activity time: one change.
    store.record_read("2-a", true).unwrap();
    let (items, last, _) = store.changes_since(2, 10, "acct").unwrap();
    assert!(items.contains("\"id\":\"2-a\""));
    assert!(!items.contains("2-b"));
    assert!(last > 2);
}

#[test]
fn read_state_follows_linkedin() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "hi")]))
        .unwrap();
    store.record_read("2-a", true).unwrap();
    let read = stored(&store, "2-a");
    assert!(read.is_read && read.unread_count == 0 && !read.is_unread());
    store.record_read("2-a", false).unwrap();
    let unread = stored(&store, "2-a");
    assert!(!unread.is_read && unread.unread_count == 1);
    // An unknown thread is left alone.
    store.record_read("2-zz", true).unwrap();
    assert_eq!(store.conversation("2-zz").unwrap(), None);
}

#[test]
fn a_sent_message_becomes_the_latest_reads_the_conversation_and_is_searchable() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![conversation("2-a", 10, true, "Alex", "hi")]))
        .unwrap();
    store
        .record_sent(
            &message(
                "urn:li:msg_message:(me,2-s1)",
                "2-a",
                50,
                "see you thursday",
            ),
            None,
        )
        .unwrap();
    let after = stored(&store, "2-a");
    assert_eq!(after.last_activity_at, Some(50));
    assert!(after.is_read && after.unread_count == 0);
    let latest = after.latest_message.unwrap();
    assert!(latest.from_self);
    assert_eq!(latest.text, "see you thursday");
    assert_eq!(store.last_activity("2-a").unwrap(), Some(50));
    let found = crate::store::tests::listed(
        &store,
        &crate::store::Filters {
            unread: None,
            keywords: Some("thurs"),
            person: None,
            view: None,
            now_ms: 0,
        },
    );
    assert_eq!(found, ["2-a"]);
}

#[test]
fn a_first_message_to_a_member_stores_the_conversation_it_opened_at_once() {
    let store = memory_store();
    let sent = message(
        "urn:li:messagingMessage:2-s9",
        "2-opened",
        70,
        "hello from here",
    );
    // Without the conversation it opened, a message of an unknown thread waits for a sync.
    store.record_sent(&sent, None).unwrap();
    assert_eq!(store.conversation("2-opened").unwrap(), None);
    let url = "https://www.linkedin.com/in/Jane-Doe-123/";
    let opened = crate::store::opened_conversation(&sent, url, linkedin_inbox::Provider::Linkup)
        .expect("the answer names a thread");
    store.record_sent(&sent, Some(&opened)).unwrap();
    let after = stored(&store, "2-opened");
    assert_eq!(
        (
            after.id.as_str(),
            after.last_activity_at,
            after.is_read,
            after.unread_count
        ),
        ("2-opened", Some(70), true, 0)
    );
    assert_eq!(after.participants[0].profile_url.as_deref(), Some(url));
    assert!(after.latest_message.unwrap().from_self);
    let search = |words| {
        crate::store::tests::listed(
            &store,
            &crate::store::Filters {
                unread: None,
                keywords: Some(words),
                person: None,
                view: None,
                now_ms: 0,
            },
        )
    };
    assert_eq!(search("hello"), ["2-opened"]);
    assert_eq!(
        store
            .conversation_with("https://www.linkedin.com/in/jane-doe-123")
            .unwrap()
            .map(|c| c.id),
        Some("2-opened".to_owned())
    );
    // A stored conversation is never replaced by one built from an answer.
    store
        .record_sent(&message("2-s10", "2-opened", 80, "again"), Some(&opened))
        .unwrap();
    assert_eq!(
        stored(&store, "2-opened").latest_message.unwrap().text,
        "again"
    );
    // An answer naming no thread (a profile URL as its conversation) opens nothing.
    let unnamed = message("2-s11", url, 90, "x");
    assert_eq!(
        crate::store::opened_conversation(&unnamed, url, linkedin_inbox::Provider::Linkup),
        None
    );
}

#[test]
fn a_pushed_message_creates_or_updates_its_conversation_once() {
    let store = memory_store();
    let first = pushed(
        "urn:li:messagingMessage:2-p1",
        "2-new",
        100,
        "hello there",
        "ACoA-bob",
    );
    assert!(store.record_pushed(&first).unwrap());
    let created = stored(&store, "2-new");
    assert_eq!(created.unread_count, 1);
    assert!(!created.is_read);
    assert_eq!(created.last_activity_at, Some(100));
    // The same message under another URN form is a duplicate.
    let again = pushed(
        "urn:li:msg_message:(me,2-p1)",
        "2-new",
        100,
        "hello there",
        "ACoA-bob",
    );
    assert!(!store.record_pushed(&again).unwrap());
    assert_eq!(stored(&store, "2-new").unread_count, 1);
    // An older message arriving late counts as unread but does not become the latest.
    let late = pushed("2-p0", "2-new", 50, "earlier words", "ACoA-bob");
    assert!(store.record_pushed(&late).unwrap());
    let after = stored(&store, "2-new");
    assert_eq!(after.unread_count, 2);
    assert_eq!(after.latest_message.unwrap().text, "hello there");
    assert_eq!(after.last_activity_at, Some(100));
}

#[test]
fn a_message_the_owner_wrote_on_linkedin_reads_the_conversation() {
    let store = memory_store();
    let mut head = page(vec![conversation("2-a", 10, true, "Alex", "hi")]);
    head.owner_profile_urn = Some("urn:li:fsd_profile:ACoA-me".into());
    store.upsert_conversations(&head).unwrap();
    store.record_head(&head, 1_000, 1).unwrap();
    let mine = pushed("2-o1", "2-a", 20, "on my way", "ACoA-me");
    assert!(store.record_pushed(&mine).unwrap());
    let after = stored(&store, "2-a");
    assert!(after.is_read && after.unread_count == 0);
    assert!(after.latest_message.unwrap().from_self);
}

#[test]
fn a_conversation_is_found_by_its_member_profile_url_slug() {
    let store = memory_store();
    store
        .upsert_conversations(&page(vec![
            conversation("2-a", 10, false, "Ales Prew", "hi"),
            conversation("2-b", 20, false, "Ales Prewitt", "hello"),
        ]))
        .unwrap();
    let found = |url: &str| store.conversation_with(url).unwrap().map(|c| c.id);
    assert_eq!(
        found("https://www.linkedin.com/in/ALES-PREW/?trk=x"),
        Some("2-a".into())
    );
    assert_eq!(
        found("https://linkedin.com/in/ales-prewitt"),
        Some("2-b".into())
    );
    assert_eq!(found("https://www.linkedin.com/in/ales-pre/"), None);
    assert_eq!(found("https://www.linkedin.com/company/x"), None);
}

#[test]
fn a_conversation_is_found_by_the_account_s_own_latest_text_since_a_time() {
    let store = memory_store();
    let mut mine = conversation("2-mine", 100, false, "Zoe", "see you there");
    mine.latest_message.as_mut().unwrap().from_self = true;
    let theirs = conversation("2-theirs", 120, true, "Ana", "see you there");
    store
        .upsert_conversations(&page(vec![mine, theirs]))
        .unwrap();
    let found = |text: &str, since| {
        store
            .conversation_sent_since(text, since)
            .unwrap()
            .map(|c| c.id)
    };
    assert_eq!(found(" see you there ", 90), Some("2-mine".to_owned()));
    assert_eq!(found("see you there", 101), None, "older than the try");
    assert_eq!(found("see you", 0), None, "the whole text only");
}
