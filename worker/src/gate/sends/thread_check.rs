//! Before sending again after an unknown outcome: the thread is read, through the provider
//! that sent, for the account's own message with this text.

use linkedin_inbox::{Error, Message, MessageQuery, Operation, Page};

use super::{storage_error, Attempt, Check, CHECK_COUNT, SKEW_MS};

use crate::gate::contract_watch::ContractWatch;
use crate::gate::exchange_driver::{fetch_admitted, Meter, Upstream};
use crate::gate::key_permits::Patience;
use crate::gate::store_of;
use crate::rules::admission::{Billing, Cost, Limits};

impl Attempt {
    /// Looks in the thread, through the provider that sent, for the account's own message with
    /// this text sent since the try began (skew allowed). `now`: when the retry arrived.
    pub(super) async fn find_sent(&self, began_at: i64, now: u64) -> Result<Check, Error> {
        let inbox = store_of(&self.storage).map_err(storage_error)?;
        // The conversation: the one replied in, else the stored one with this member, else
        // the one whose latest message is this text of the account's since the try began.
        let stored = match (&self.draft.conversation_id, &self.draft.profile_url) {
            (Some(id), _) => inbox.conversation(linkedin_inbox::thread_id(id).unwrap_or(id)),
            (None, Some(url)) => match inbox.conversation_with(url) {
                Ok(None) => inbox
                    .conversation_sent_since(&self.draft.text, began_at.saturating_sub(SKEW_MS)),
                found => found,
            },
            (None, None) => Ok(None),
        };
        let Some(conversation) = stored.map_err(|e| storage_error(e.into()))? else {
            return Ok(Check::Unfound);
        };
        // The check is an upstream call like any other: in today's budget or credit cap, not
        // while its provider is paused.
        let credits = u64::from(linkedin_inbox::credit_cost(CHECK_COUNT));
        let meter = Meter {
            page: Cost::call(self.writer.provider(), credits)
                .billed(Billing::of(&self.writer.reader())),
            limits: Limits::of(&self.config),
        };
        let query = MessageQuery {
            conversation_id: Some(conversation.id.clone()),
            count: Some(CHECK_COUNT),
            ..Default::default()
        };
        let upstream = Upstream {
            backend: self.writer.reader(),
            operation: Operation::ListMessages(query),
            timeout_ms: self.config.upstream_timeout_ms,
        };
        let watch = ContractWatch::new(inbox.clone(), &self.config);
        let fetched = fetch_admitted(
            upstream,
            self.ledger.clone(),
            meter,
            watch,
            Patience::Client,
            now,
        )
        .await;
        let Page::Messages(page) = fetched?.0 else {
            return Ok(Check::Unsure("the thread could not be checked"));
        };
        let since = began_at.saturating_sub(SKEW_MS);
        let wanted = self.draft.text.trim();
        let others = &conversation.participants;
        let own = |m: &Message| {
            let id = m.sender.urn.as_deref().and_then(|u| u.rsplit(':').next());
            !others.iter().any(|p| {
                id.is_some_and(|id| p.profile_id == id)
                    || (m.sender.profile_url.is_some() && m.sender.profile_url == p.profile_url)
                    || (!m.sender.name.is_empty() && m.sender.name == p.name)
            })
        };
        if let Some(found) = page
            .items
            .iter()
            .find(|m| m.sent_at >= since && m.text.trim() == wanted && own(m))
        {
            return Ok(Check::Found(found.clone()));
        }
        // Absent only when the page reaches back past the try: else newer messages hid it.
        let covered =
            page.next_cursor.is_none() || page.items.last().is_some_and(|m| m.sent_at < since);
        Ok(match covered {
            true => Check::Absent,
            false => Check::Unverifiable,
        })
    }
}
