//! A first message to a member: the conversation its answer names, stored at once (list and
//! search), and, when it is certainly new, its whole thread as a stored head page, so opening
//! it costs no upstream call.

use linkedin_inbox::{Conversation, Message, MessagePage, MessageQuery, ThreadInfo};

use super::Attempt;

use crate::gate::clock::arrival_ms;
use crate::rules::page_plan::PageRequest;
use crate::store::sql_storage::ObjectStore;
use crate::store::{opened_conversation, Filters};

impl Attempt {
    /// The conversation a send to a profile opened, when the store does not hold the thread
    /// its answer names.
    pub(super) fn opened(&self, store: &ObjectStore, message: &Message) -> Option<Conversation> {
        let (None, Some(url)) = (&self.draft.conversation_id, &self.draft.profile_url) else {
            return None;
        };
        let thread = linkedin_inbox::thread_id(&message.conversation_id)?;
        match store.conversation(thread) {
            Ok(None) => opened_conversation(message, url, self.writer.provider()),
            _ => None,
        }
    }

    /// Stores the whole thread of a conversation the send opened with a member the store
    /// had no conversation with: when the store holds the whole list (ended upstream, not at
    /// the `MAX_THREADS` cap), the conversation is certainly new and its thread is only this
    /// message. Else its thread is read upstream when opened (older messages may exist).
    pub(super) fn store_new_thread(
        &self,
        store: &ObjectStore,
        message: &Message,
    ) -> worker::Result<()> {
        let whole_list = store.sync_state()?.is_some_and(|s| s.is_complete())
            && store.count(&Filters::default())? < u64::from(self.config.max_threads);
        if !whole_list {
            return Ok(());
        }
        let query = MessageQuery {
            conversation_id: Some(message.conversation_id.clone()),
            count: Some(1),
            ..Default::default()
        };
        let generation = store.generation()?;
        let Ok(plan) = PageRequest::Messages(query).plan(
            &self.config,
            &self.account_digest,
            generation,
            self.writer.provider(),
        ) else {
            return Ok(());
        };
        let page = MessagePage {
            items: vec![message.clone()],
            next_cursor: None,
            total: None,
            thread: ThreadInfo {
                conversation_id: message.conversation_id.clone(),
                urn: None,
                profile_url: None,
                unread_count: 0,
                last_seen_at: None,
                last_message_seen: true,
                other_member_message_count: None,
            },
            credit_cost: 0,
        };
        let body =
            serde_json::to_string(&page).map_err(|e| worker::Error::RustError(e.to_string()))?;
        Ok(store.put_page(
            &plan.key,
            &body,
            plan.ttl_secs,
            self.config.stale_window_secs,
            arrival_ms(),
        )?)
    }
}
