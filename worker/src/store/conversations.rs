//! Conversations in the store (`conversations`, searched through `conversation_text`): the
//! list sync's pages, pushed and sent messages and read state written into them, each write
//! numbered in the change feed; one conversation read back.

use linkedin_inbox::{Conversation, ConversationPage, LatestMessage, Message};
use serde::Deserialize;

use super::sql::{int, text, Result, Sql};
use super::{RowId, Store};
use crate::rules::webhook_events::PushedMessage;

/// What a conversation is found by: names, headlines and the latest message.
fn searchable(conversation: &Conversation) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in &conversation.participants {
        parts.push(&p.name);
        if let Some(h) = &p.headline {
            parts.push(h);
        }
    }
    if let Some(m) = &conversation.latest_message {
        parts.push(&m.text);
    }
    parts.join("\n")
}

/// The `/in/<slug>` part of a profile URL, lower-cased.
fn profile_slug(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    lower
        .split_once("/in/")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or("").to_owned())
        .filter(|slug| !slug.is_empty())
}

/// The conversation a first message to the member at `profile_url` opened, as the send's
/// answer tells it (its thread, the message; the member's name and picture come with the next
/// list sync). `None` when the answer names no thread.
pub fn opened_conversation(
    message: &Message,
    profile_url: &str,
    provider: linkedin_inbox::Provider,
) -> Option<Conversation> {
    let thread = linkedin_inbox::thread_id(&message.conversation_id)?.to_owned();
    let slug = profile_slug(profile_url).unwrap_or_default();
    let member = linkedin_inbox::Participant {
        // A profile id (`ACoAA…`) when the URL is one; a vanity slug names no profile id.
        profile_id: Some(slug)
            .filter(|s| s.starts_with("acoa"))
            .and_then(|_| profile_url.trim_end_matches('/').rsplit('/').next())
            .unwrap_or_default()
            .to_owned(),
        name: String::new(),
        headline: None,
        profile_url: Some(profile_url.trim().to_owned()),
        picture_url: None,
        picture_expires_at: None,
        distance: None,
        raw_distance: None,
        member_badge_type: None,
        participant_urn: None,
        backend_urn: None,
        host_identity_urn: None,
    };
    Some(Conversation {
        id: thread.clone(),
        urn: None,
        provider,
        url: Some(format!(
            "https://www.linkedin.com/messaging/thread/{thread}/"
        )),
        thread_id: thread,
        backend_urn: None,
        participants: vec![member],
        unread_count: 0,
        is_read: true,
        last_activity_at: Some(message.sent_at),
        created_at: None,
        last_read_at: None,
        state: None,
        latest_message: Some(LatestMessage::of(message, true, false)),
        account: None,
        triage: None,
    })
}

#[derive(Deserialize)]
struct Json {
    json: String,
}

impl<S: Sql> Store<S> {
    /// Stores a page of the unfiltered list (conversations replace their earlier copies when
    /// their activity is as new or newer). Only rows that changed are written, each with the
    /// next number of the change feed.
    pub fn upsert_conversations(&self, page: &ConversationPage) -> Result<()> {
        let feed = self.numbers_changes();
        let first_seq = match (feed, page.items.is_empty()) {
            (true, false) => self.take_seqs(page.items.len() as i64)?,
            _ => 0,
        };
        // Triaged conversations' activity before the page: a newer incoming message wakes them.
        let triaged = self.triaged_activity(&page.items)?;
        for (seq, conversation) in (first_seq..).zip(&page.items) {
            let at = conversation.activity_at();
            let unread = conversation.is_unread();
            let json = serde_json::to_string(conversation)?;
            let row = match feed {
                true => self.sql.rows::<RowId>(
                    "INSERT INTO conversations (thread_id, last_activity_at, unread, json, changed_seq) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                       unread = excluded.unread, json = excluded.json, changed_seq = excluded.changed_seq
                     WHERE excluded.last_activity_at >= conversations.last_activity_at
                       AND excluded.json IS NOT conversations.json
                     RETURNING rowid AS rowid",
                    vec![text(&conversation.id), int(at), int(i64::from(unread)), text(&json), int(seq)],
                )?,
                // A store below the change feed's schema has no `changed_seq`: only the upgrade
                // tests hold one there (`SCHEMA_VERSION_CAP`), to write the rows an upgrade
                // then carries over.
                false => self.sql.rows::<RowId>(
                    "INSERT INTO conversations (thread_id, last_activity_at, unread, json) VALUES (?, ?, ?, ?)
                     ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                       unread = excluded.unread, json = excluded.json
                     WHERE excluded.last_activity_at >= conversations.last_activity_at
                     RETURNING rowid AS rowid",
                    vec![text(&conversation.id), int(at), int(i64::from(unread)), text(&json)],
                )?,
            };
            if let Some(row) = row.first() {
                self.reindex(row.rowid as i64, conversation)?;
                let incoming = conversation
                    .latest_message
                    .as_ref()
                    .is_some_and(|m| !m.from_self);
                let before = triaged.iter().find(|(id, _)| *id == conversation.id);
                if incoming && before.is_some_and(|(_, was)| at > *was) {
                    self.wake_on_incoming(&conversation.id, at)?;
                }
            }
        }
        Ok(())
    }

    fn reindex(&self, rowid: i64, conversation: &Conversation) -> Result<()> {
        self.sql.run(
            "DELETE FROM conversation_text WHERE rowid = ?",
            vec![int(rowid)],
        )?;
        self.sql.run(
            "INSERT INTO conversation_text (rowid, text) VALUES (?, ?)",
            vec![int(rowid), text(&searchable(conversation))],
        )
    }

    /// A message a provider pushed: kept in its thread (searchable) and, when new, counted in
    /// its conversation, which is created when the store does not hold it yet (`seed`). An
    /// incoming message adds one unread; the newest message becomes the conversation's latest
    /// whatever order events arrive in. Returns whether the message was new.
    pub fn record_pushed(&self, pushed: &PushedMessage) -> Result<bool> {
        let message = &pushed.message;
        let owner = self.sync_state()?.and_then(|s| s.owner);
        let from_owner = pushed.sent_by_owner(owner.as_deref());
        let known = self.sql.rows::<serde_json::Value>(
            "SELECT id FROM messages WHERE id = ?",
            vec![text(linkedin_inbox::message_id(&message.id))],
        )?;
        if !known.is_empty() {
            return Ok(false);
        }
        self.index_message(message)?;
        let mut conversation = match self.conversation(&message.conversation_id)? {
            Some(conversation) => conversation,
            None => pushed.new_conversation(from_owner),
        };
        conversation.apply_message(message, from_owner, pushed.has_attachment);
        self.write_one(&conversation)?;
        if !from_owner {
            self.wake_on_incoming(&conversation.id, message.sent_at)?;
        }
        Ok(true)
    }

    /// Writes one conversation as it is now (whatever its activity), as a change.
    fn write_one(&self, conversation: &Conversation) -> Result<()> {
        let seq = self.take_seqs(1)?;
        let unread = conversation.is_unread();
        let json = serde_json::to_string(conversation)?;
        let row = self.sql.rows::<RowId>(
            "INSERT INTO conversations (thread_id, last_activity_at, unread, json, changed_seq) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
               unread = excluded.unread, json = excluded.json, changed_seq = excluded.changed_seq
             RETURNING rowid AS rowid",
            vec![
                text(&conversation.id),
                int(conversation.activity_at()),
                int(i64::from(unread)),
                text(&json),
                int(seq),
            ],
        )?;
        if let Some(row) = row.first() {
            self.reindex(row.rowid as i64, conversation)?;
        }
        Ok(())
    }

    /// The last activity the list shows for a thread, when it is stored.
    pub fn last_activity(&self, thread_id: &str) -> Result<Option<i64>> {
        #[derive(Deserialize)]
        struct At {
            last_activity_at: f64,
        }
        Ok(self
            .sql
            .first_row::<At>(
                "SELECT last_activity_at FROM conversations WHERE thread_id = ?",
                vec![text(thread_id)],
            )?
            .map(|a| a.last_activity_at as i64))
    }

    /// A message the account sent: searchable at once, and its conversation's latest (read:
    /// replying reads a conversation). A conversation the store does not hold yet is stored as
    /// `opened` when given (a first message to a member), else left to the next list sync.
    pub fn record_sent(&self, message: &Message, opened: Option<&Conversation>) -> Result<()> {
        self.index_message(message)?;
        let stored = self.conversation(&message.conversation_id)?;
        let Some(mut conversation) = stored.or_else(|| opened.cloned()) else {
            return Ok(());
        };
        conversation.apply_sent(message);
        self.upsert_one(&conversation)
    }

    /// Sets a conversation's read state as LinkedIn now has it.
    pub fn record_read(&self, thread_id: &str, read: bool) -> Result<()> {
        let Some(mut conversation) = self.conversation(thread_id)? else {
            return Ok(());
        };
        conversation.set_read(read);
        // The same activity time: an upsert keeps it and replaces the rest.
        self.upsert_one(&conversation)
    }

    /// A stored conversation, by thread id.
    pub fn conversation(&self, thread_id: &str) -> Result<Option<Conversation>> {
        Ok(self
            .sql
            .first_row::<Json>(
                "SELECT json FROM conversations WHERE thread_id = ?",
                vec![text(thread_id)],
            )?
            .and_then(|row| serde_json::from_str(&row.json).ok()))
    }

    /// The newest stored conversation with the member at `profile_url` (compared by the
    /// `/in/<slug>` part, case-insensitively).
    pub fn conversation_with(&self, profile_url: &str) -> Result<Option<Conversation>> {
        let Some(wanted) = profile_slug(profile_url) else {
            return Ok(None);
        };
        let rows = self.sql.rows::<Json>(
            "SELECT json FROM conversations WHERE instr(lower(json), ?) > 0 ORDER BY last_activity_at DESC LIMIT 20",
            vec![text(&format!("/in/{wanted}"))],
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str::<Conversation>(&row.json).ok())
            .find(|c| {
                c.participants.iter().any(|p| {
                    p.profile_url.as_deref().and_then(profile_slug).as_deref() == Some(&wanted)
                })
            }))
    }

    /// The newest stored conversation whose latest message is the account's own with `text`,
    /// sent at `since` or later: where a first message whose answer was lost shows in the list
    /// when the member's profile URL is not the one it was sent to.
    pub fn conversation_sent_since(
        &self,
        text_sent: &str,
        since: i64,
    ) -> Result<Option<Conversation>> {
        let rows = self.sql.rows::<Json>(
            "SELECT json FROM conversations WHERE last_activity_at >= ? ORDER BY last_activity_at DESC LIMIT 100",
            vec![int(since)],
        )?;
        let wanted = text_sent.trim();
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str::<Conversation>(&row.json).ok())
            .find(|c| {
                c.latest_message
                    .as_ref()
                    .is_some_and(|m| m.from_self && m.text.trim() == wanted)
            }))
    }

    fn upsert_one(&self, conversation: &Conversation) -> Result<()> {
        self.upsert_conversations(&ConversationPage {
            items: vec![conversation.clone()],
            next_cursor: None,
            total: None,
            account_id: None,
            owner_profile_urn: None,
            filters_applied: false,
            credit_cost: 0,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
