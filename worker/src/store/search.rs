//! Message texts indexed for search (`messages`, `message_text`), and what retention and a
//! wipe remove from the inbox.

use linkedin_inbox::{Message, MessagePage};

use super::ledger::Mark;
use super::sql::{int, text, Result, Sql};
use super::{RowId, Store};

#[derive(serde::Deserialize)]
struct Extent {
    conversations: f64,
    last_message: f64,
}

impl<S: Sql> Store<S> {
    /// Indexes the text of a thread's messages for search (each message once).
    pub fn index_messages(&self, page: &MessagePage) -> Result<()> {
        page.items.iter().try_for_each(|m| self.index_message(m))
    }

    pub(super) fn index_message(&self, message: &Message) -> Result<()> {
        let row = self.sql.first_row::<RowId>(
            "INSERT INTO messages (id, thread_id, sent_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING rowid AS rowid",
            vec![
                text(linkedin_inbox::message_id(&message.id)),
                text(&message.conversation_id),
                int(message.sent_at),
            ],
        )?;
        if let (Some(row), false) = (row, message.text.is_empty()) {
            self.sql.run(
                "INSERT INTO message_text (rowid, text) VALUES (?, ?)",
                vec![int(row.rowid as i64), text(&message.text)],
            )?;
        }
        Ok(())
    }

    /// Keeps storage bounded: conversations beyond the newest `max_threads`, and messages older
    /// than `oldest_ms` or of a conversation no longer kept, are deleted with their search
    /// text. Lists then end at what is kept; search no longer finds pruned messages.
    /// What the client indexes that hold the account learn of it (`store/index_feed.rs`):
    /// messages older than `oldest_ms` are gone (`Mark::MessagesPrunedBefore`, the indexes
    /// delete the same); a pass that deleted conversations, or the newest stored message (its
    /// row number may be handed out again), is counted (`Mark::InboxPrunes`) and the indexes
    /// take the account's inbox again.
    pub fn prune_inbox(&self, oldest_ms: i64, max_threads: u32) -> Result<()> {
        let before = self.stored_extent()?;
        // At the cap, the list ends at what is kept: no older page is fetched to be pruned again.
        self.sql.run(
            "UPDATE list_sync SET complete = 1, tail = NULL WHERE (SELECT COUNT(*) FROM conversations) >= ?",
            vec![int(i64::from(max_threads))],
        )?;
        self.sql.run(
            "DELETE FROM conversations WHERE rowid NOT IN
               (SELECT rowid FROM conversations ORDER BY last_activity_at DESC, thread_id LIMIT ?)",
            vec![int(i64::from(max_threads))],
        )?;
        self.sql.run(
            "DELETE FROM conversation_text WHERE rowid NOT IN (SELECT rowid FROM conversations)",
            vec![],
        )?;
        self.sql.run(
            "DELETE FROM messages WHERE sent_at < ? OR thread_id NOT IN (SELECT thread_id FROM conversations)",
            vec![int(oldest_ms)],
        )?;
        self.sql.run(
            "DELETE FROM message_text WHERE rowid NOT IN (SELECT rowid FROM messages)",
            vec![],
        )?;
        let after = self.stored_extent()?;
        if after.conversations < before.conversations || after.last_message < before.last_message {
            let prunes = self.mark(Mark::InboxPrunes)?;
            self.set_mark(Mark::InboxPrunes, prunes + 1)?;
        }
        let oldest = u64::try_from(oldest_ms).unwrap_or(0);
        if oldest > self.mark(Mark::MessagesPrunedBefore)? {
            self.set_mark(Mark::MessagesPrunedBefore, oldest)?;
        }
        Ok(())
    }

    /// How many conversations are stored, and the newest message's row number.
    fn stored_extent(&self) -> Result<Extent> {
        Ok(self
            .sql
            .first_row::<Extent>(
                "SELECT (SELECT COUNT(*) FROM conversations) AS conversations,
                   (SELECT coalesce(MAX(rowid), 0) FROM messages) AS last_message",
                vec![],
            )?
            .unwrap_or(Extent {
                conversations: 0.0,
                last_message: 0.0,
            }))
    }

    /// Deletes the inbox (personal data); the ledger, the change counter among it, stays.
    pub fn wipe_inbox(&self) -> Result<()> {
        for table in [
            "conversations",
            "conversation_text",
            "messages",
            "message_text",
            "list_sync",
        ] {
            self.sql.run(&format!("DELETE FROM {table}"), vec![])?;
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
