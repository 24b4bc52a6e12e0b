//! Merging pages of messages: de-duplicated by LinkedIn message id ([`message_id`], so one
//! message under two URN forms is kept once), newest first.

use std::collections::HashSet;

use crate::ids::message_id;
use crate::model::Message;

/// Merges `incoming` into `existing`: one message per LinkedIn message id (the first seen
/// wins, whichever id form it carries), ordered newest first (ties by id, so the order is
/// total). Use it when a page overlaps the previous one at an inclusive cursor boundary, after
/// a backfill, or to join pushed (webhook) and fetched messages.
pub fn merge_messages(existing: &[Message], incoming: &[Message]) -> Vec<Message> {
    dedupe_newest_first(existing.iter().chain(incoming).cloned().collect())
}

/// One message per LinkedIn message id (the first wins), newest first, ties by id; takes
/// ownership, no clones.
pub(crate) fn dedupe_newest_first(mut messages: Vec<Message>) -> Vec<Message> {
    let keep: Vec<bool> = {
        let mut seen = HashSet::with_capacity(messages.len());
        messages
            .iter()
            .map(|m| seen.insert(message_id(&m.id)))
            .collect()
    };
    let mut flags = keep.into_iter();
    messages.retain(|_| flags.next().unwrap_or(false));
    messages.sort_by(|a, b| b.sent_at.cmp(&a.sent_at).then_with(|| a.id.cmp(&b.id)));
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MessageKind, Sender};

    fn msg(id: &str, sent_at: i64) -> Message {
        Message {
            id: id.into(),
            conversation_id: "c".into(),
            text: String::new(),
            sent_at,
            kind: MessageKind::Text,
            raw_kind: "TEXT".into(),
            sender: Sender {
                name: "n".into(),
                first_name: None,
                last_name: None,
                profile_url: None,
                urn: None,
            },
            attachments: Vec::new(),
        }
    }

    #[test]
    fn overlapping_pages_merge_without_duplicates_newest_first() {
        let first = [msg("c", 30), msg("b", 20)];
        let second = [msg("b", 20), msg("a", 10)];
        let ids: Vec<_> = merge_messages(&first, &second)
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }

    #[test]
    fn one_message_under_two_urn_forms_is_kept_once() {
        let pushed = [msg("urn:li:messagingMessage:2-MSG", 20)];
        let fetched = [
            msg("urn:li:msg_message:(urn:li:fsd_profile:OWN,2-MSG)", 20),
            msg("urn:li:msg_message:(urn:li:fsd_profile:OWN,2-OLD)", 10),
        ];
        let ids: Vec<_> = merge_messages(&pushed, &fetched)
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(
            ids,
            [
                "urn:li:messagingMessage:2-MSG",
                "urn:li:msg_message:(urn:li:fsd_profile:OWN,2-OLD)"
            ]
        );
    }

    #[test]
    fn out_of_order_input_is_sorted() {
        let ids: Vec<_> = merge_messages(&[], &[msg("a", 1), msg("c", 3), msg("b", 2)])
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }
}
