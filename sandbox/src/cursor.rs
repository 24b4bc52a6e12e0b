//! Conversation-list cursors, shared by every inbox listing: base64 of
//! `<last activity ms>:<thread id>` of the last conversation served. Lists are ordered by
//! last activity (newest first), then thread id, so a cursor stays exact when conversations
//! share a timestamp.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::data::Conversation;

/// The position after `cursor` in a conversation list; a cursor decoded from [`encode`].
pub struct After {
    at: i64,
    thread_id: String,
}

pub fn encode(c: &Conversation) -> String {
    STANDARD.encode(format!("{}:{}", c.last_activity_at(), c.thread_id))
}

/// `None` when the text is not a cursor this sandbox issued.
pub fn decode(cursor: &str) -> Option<After> {
    let text = String::from_utf8(STANDARD.decode(cursor).ok()?).ok()?;
    let (at, thread_id) = text.split_once(':')?;
    Some(After {
        at: at.parse().ok()?,
        thread_id: thread_id.to_owned(),
    })
}

/// Index of the first conversation of `list` that comes after `after` (0 without a cursor).
fn start<'a>(list: impl IntoIterator<Item = &'a Conversation>, after: Option<&After>) -> usize {
    let Some(after) = after else { return 0 };
    let mut index = 0;
    for c in list {
        let activity = c.last_activity_at();
        if activity < after.at || (activity == after.at && c.thread_id > after.thread_id) {
            break;
        }
        index += 1;
    }
    index
}

/// One page of a conversation list: `list[start..end]`, and the cursor of the next page.
pub struct Page<'a> {
    pub start: usize,
    pub items: Vec<&'a Conversation>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// The page of at most `count` conversations after `after`.
pub fn page<'a>(list: &[&'a Conversation], after: Option<&After>, count: usize) -> Page<'a> {
    let start = start(list.iter().copied(), after);
    let items: Vec<&Conversation> = list.iter().skip(start).take(count).copied().collect();
    let has_more = start + items.len() < list.len();
    let next_cursor = items.last().filter(|_| has_more).map(|c| encode(c));
    Page {
        start,
        items,
        has_more,
        next_cursor,
    }
}
