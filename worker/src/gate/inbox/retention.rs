//! Message texts indexed for search, and what retention and a wipe remove.

use linkedin_inbox::{Message, MessagePage};

use super::{Inbox, RowId};
use crate::gate::sql_values::{int, text};

impl Inbox {
    /// Indexes the text of a thread's messages for search (each message once).
    pub fn index_messages(&self, page: &MessagePage) -> worker::Result<()> {
        page.items.iter().try_for_each(|m| self.index_message(m))
    }

    pub(super) fn index_message(&self, message: &Message) -> worker::Result<()> {
        let row = self
            .0
            .exec(
                "INSERT INTO messages (id, thread_id, sent_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING rowid AS rowid",
                vec![
                    text(linkedin_inbox::message_id(&message.id)),
                    text(&message.conversation_id),
                    int(message.sent_at),
                ],
            )?
            .to_array::<RowId>()?;
        if let (Some(row), false) = (row.first(), message.text.is_empty()) {
            self.0.exec(
                "INSERT INTO message_text (rowid, text) VALUES (?, ?)",
                vec![int(row.rowid as i64), text(&message.text)],
            )?;
        }
        Ok(())
    }

    /// Keeps storage bounded: conversations beyond the newest `max_threads`, and messages older
    /// than `oldest_ms` or of a conversation no longer kept, are deleted with their search
    /// text. Lists then end at what is kept; search no longer finds pruned messages.
    pub fn prune(&self, oldest_ms: i64, max_threads: u32) -> worker::Result<()> {
        // At the cap, the list ends at what is kept: no older page is fetched to be pruned again.
        self.0.exec(
            "UPDATE list_sync SET complete = 1, tail = NULL WHERE (SELECT COUNT(*) FROM conversations) >= ?",
            vec![int(i64::from(max_threads))],
        )?;
        self.0.exec(
            "DELETE FROM conversations WHERE rowid NOT IN
               (SELECT rowid FROM conversations ORDER BY last_activity_at DESC, thread_id LIMIT ?)",
            vec![int(i64::from(max_threads))],
        )?;
        self.0.exec(
            "DELETE FROM conversation_text WHERE rowid NOT IN (SELECT rowid FROM conversations)",
            None,
        )?;
        self.0.exec(
            "DELETE FROM messages WHERE sent_at < ? OR thread_id NOT IN (SELECT thread_id FROM conversations)",
            vec![int(oldest_ms)],
        )?;
        self.0.exec(
            "DELETE FROM message_text WHERE rowid NOT IN (SELECT rowid FROM messages)",
            None,
        )?;
        Ok(())
    }

    /// Deletes the inbox (personal data); the ledger lives elsewhere and stays.
    pub fn wipe(&self) -> worker::Result<()> {
        for table in [
            "conversations",
            "conversation_text",
            "messages",
            "message_text",
            "list_sync",
        ] {
            self.0.exec(&format!("DELETE FROM {table}"), None)?;
        }
        Ok(())
    }
}
