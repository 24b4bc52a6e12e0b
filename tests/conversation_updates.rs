//! How a conversation changes when a message arrives, is sent or is read (`apply_message`,
//! `apply_sent`, `set_read`): the one definition the Worker's store applies.

use linkedin_inbox::{Conversation, Message};
use serde_json::json;

fn conversation(last_activity_at: i64, unread_count: u32, is_read: bool) -> Conversation {
    serde_json::from_value(json!({
        "id": "2-abc", "urn": null, "provider": "connectsafely", "threadId": "2-abc",
        "backendUrn": null, "url": null, "participants": [], "unreadCount": unread_count,
        "isRead": is_read, "lastActivityAt": last_activity_at, "createdAt": null,
        "lastReadAt": null, "state": null, "latestMessage": null
    }))
    .unwrap()
}

fn message(id: &str, sent_at: i64) -> Message {
    serde_json::from_value(json!({
        "id": id, "conversationId": "2-abc", "text": format!("text of {id}"), "sentAt": sent_at,
        "kind": "text", "rawKind": "MEMBER_TO_MEMBER",
        "sender": { "name": "Ana", "firstName": null, "lastName": null, "profileUrl": null, "urn": null },
        "attachments": []
    }))
    .unwrap()
}

#[test]
fn an_incoming_message_becomes_the_latest_and_counts_unread() {
    let mut c = conversation(1_000, 0, true);
    assert!(c.apply_message(&message("m1", 2_000), false, true));
    assert_eq!((c.unread_count, c.is_read, c.is_unread()), (1, false, true));
    assert_eq!(c.activity_at(), 2_000);
    let latest = c.latest_message.as_ref().unwrap();
    assert_eq!(
        (latest.id.as_str(), latest.from_self, latest.has_attachment),
        ("m1", false, true)
    );
}

#[test]
fn an_older_incoming_message_counts_unread_but_is_not_the_latest() {
    let mut c = conversation(5_000, 0, true);
    assert!(!c.apply_message(&message("old", 2_000), false, false));
    assert_eq!((c.unread_count, c.activity_at()), (1, 5_000));
    assert!(c.latest_message.is_none());
}

#[test]
fn the_owner_writing_the_newest_message_reads_it_an_older_one_changes_nothing() {
    let mut c = conversation(1_000, 3, false);
    assert!(c.apply_message(&message("mine", 2_000), true, false));
    assert_eq!((c.unread_count, c.is_read), (0, true));
    let mut c = conversation(9_000, 3, false);
    assert!(!c.apply_message(&message("late", 2_000), true, false));
    assert_eq!(
        (c.unread_count, c.is_read, c.activity_at()),
        (3, false, 9_000)
    );
}

#[test]
fn a_sent_message_is_the_latest_and_reads_the_conversation() {
    let mut c = conversation(9_000, 2, false);
    c.apply_sent(&message("reply", 3_000));
    assert_eq!(
        (c.unread_count, c.is_read, c.activity_at()),
        (0, true, 3_000)
    );
    assert!(c.latest_message.as_ref().unwrap().from_self);
}

#[test]
fn marking_unread_keeps_at_least_one_unread_and_read_clears_them() {
    let mut c = conversation(1_000, 0, true);
    c.set_read(false);
    assert_eq!((c.unread_count, c.is_read), (1, false));
    c.unread_count = 4;
    c.set_read(false);
    assert_eq!(c.unread_count, 4);
    c.set_read(true);
    assert_eq!((c.unread_count, c.is_read, c.is_unread()), (0, true, false));
}

#[test]
fn activity_falls_back_to_the_latest_message_then_zero() {
    let mut c = conversation(0, 0, true);
    c.last_activity_at = None;
    assert_eq!(c.activity_at(), 0);
    c.apply_sent(&message("m", 7_000));
    c.last_activity_at = None;
    assert_eq!(c.activity_at(), 7_000);
}
