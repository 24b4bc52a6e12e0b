//! The account's inbox in its Durable Object's SQLite database: every conversation the
//! provider listed (keyed by thread id, ordered by last activity), the text of every message
//! of every thread opened, and where the list sync stands. Lists, their `unread` and
//! `keywords` filters and search are answered from here, whatever the provider can filter.
//! SQL calls are synchronous: no request interleaves with them.

use super::sql_values::{int, text};
use linkedin_inbox::{Conversation, ConversationPage, LatestMessage, Message, MessagePage};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue, Storage};

use super::pages::{migrated, migrated_once};
use crate::rules::fts_query::fts_query;

/// Where the list sync stands.
#[derive(Debug, Clone, Deserialize)]
pub struct SyncState {
    pub head_at: f64,
    pub generation: f64,
    /// The upstream cursor of the next older page not yet stored.
    pub tail: Option<String>,
    pub complete: f64,
    pub account_id: Option<String>,
    pub owner: Option<String>,
}

impl SyncState {
    pub fn is_complete(&self) -> bool {
        self.complete != 0.0
    }
}

/// A position in the stored list: after this conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub last_activity_at: i64,
    pub thread_id: String,
}

impl Position {
    /// `<stored>|<last activity>:<thread id>`; `stored` (how many conversations the inbox held
    /// when the position did not move) makes such a cursor differ from the one presented.
    pub fn encode(&self, stored: u64) -> String {
        format!("{stored}|{}:{}", self.last_activity_at, self.thread_id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (_, position) = text.split_once('|')?;
        let (at, id) = position.split_once(':')?;
        Some(Self {
            last_activity_at: at.parse().ok()?,
            thread_id: id.to_owned(),
        })
    }
}

/// The filters of a stored list.
pub struct Filters<'a> {
    pub unread: Option<bool>,
    pub keywords: Option<&'a str>,
}

/// How far a page of the stored list reaches: see [`Inbox::page_end`].
pub struct PageEnd {
    /// Conversations matched, up to the page's size + 1.
    pub matched: u32,
    /// Where the page's last conversation stands.
    pub last: Option<Position>,
}

#[derive(Deserialize)]
struct End {
    last_activity_at: f64,
    thread_id: String,
    n: f64,
}

#[derive(Deserialize)]
struct Joined {
    json: Option<String>,
}

#[derive(Deserialize)]
struct Count {
    n: f64,
}

/// Where a conversation stands in the list: its last activity, else its latest message's.
pub fn activity_key(conversation: &Conversation) -> i64 {
    conversation
        .last_activity_at
        .or(conversation.latest_message.as_ref().and_then(|m| m.sent_at))
        .unwrap_or(0)
}

#[derive(Deserialize)]
struct RowId {
    rowid: f64,
}

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

/// One account's inbox.
pub struct Inbox(SqlStorage);

impl Inbox {
    pub fn open(storage: &Storage) -> worker::Result<Self> {
        Ok(Self(migrated(storage)?))
    }

    /// The store of this object, its schema checked once per isolate.
    pub fn of(state: &worker::State) -> worker::Result<Self> {
        Ok(Self(migrated_once(
            &state.storage(),
            &state.id().to_string(),
        )?))
    }

    pub fn sync_state(&self) -> worker::Result<Option<SyncState>> {
        Ok(self
            .0
            .exec(
                "SELECT head_at, generation, tail, complete, account_id, owner FROM list_sync WHERE id = 1",
                None,
            )?
            .to_array::<SyncState>()?
            .into_iter()
            .next())
    }

    /// Stores a page of the unfiltered list (conversations replace their earlier copies when
    /// their activity is as new or newer). Only rows that changed are written, each with the
    /// next number of the change feed.
    pub fn upsert(&self, page: &ConversationPage) -> worker::Result<()> {
        let feed = super::pages::schema_reaches(5);
        let first_seq = match (feed, page.items.is_empty()) {
            (true, false) => self.take_seqs(page.items.len() as i64)?,
            _ => 0,
        };
        for (seq, conversation) in (first_seq..).zip(&page.items) {
            let at = activity_key(conversation);
            let unread = conversation.is_unread();
            let json = serde_json::to_string(conversation)?;
            let row = match feed {
                true => self.0.exec(
                    "INSERT INTO conversations (thread_id, last_activity_at, unread, json, changed_seq) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                       unread = excluded.unread, json = excluded.json, changed_seq = excluded.changed_seq
                     WHERE excluded.last_activity_at >= conversations.last_activity_at
                       AND excluded.json IS NOT conversations.json
                     RETURNING rowid AS rowid",
                    vec![text(&conversation.id), int(at), int(i64::from(unread)), text(&json), int(seq)],
                )?,
                false => self.0.exec(
                    "INSERT INTO conversations (thread_id, last_activity_at, unread, json) VALUES (?, ?, ?, ?)
                     ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                       unread = excluded.unread, json = excluded.json
                     WHERE excluded.last_activity_at >= conversations.last_activity_at
                     RETURNING rowid AS rowid",
                    vec![text(&conversation.id), int(at), int(i64::from(unread)), text(&json)],
                )?,
            }
            .to_array::<RowId>()?;
            if let Some(row) = row.first() {
                self.reindex(row.rowid as i64, conversation)?;
            }
        }
        Ok(())
    }

    fn reindex(&self, rowid: i64, conversation: &Conversation) -> worker::Result<()> {
        self.0.exec(
            "DELETE FROM conversation_text WHERE rowid = ?",
            vec![int(rowid)],
        )?;
        self.0.exec(
            "INSERT INTO conversation_text (rowid, text) VALUES (?, ?)",
            vec![int(rowid), text(&searchable(conversation))],
        )?;
        Ok(())
    }

    /// The first of `n` fresh numbers of the change feed (the counter lives in the ledger, so
    /// a wipe never hands out a number twice).
    fn take_seqs(&self, n: i64) -> worker::Result<i64> {
        #[derive(Deserialize)]
        struct Counter {
            value: f64,
        }
        let last = self
            .0
            .exec(
                "INSERT INTO ledger (key, value) VALUES ('change_seq', ?)
                 ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value",
                vec![int(n)],
            )?
            .to_array::<Counter>()?
            .first()
            .map_or(n, |c| c.value as i64);
        Ok(last - n + 1)
    }

    /// The change feed's last number (0 before any change).
    pub fn latest_seq(&self) -> worker::Result<i64> {
        #[derive(Deserialize)]
        struct Counter {
            value: f64,
        }
        Ok(self
            .0
            .exec("SELECT value FROM ledger WHERE key = 'change_seq'", None)?
            .to_array::<Counter>()?
            .first()
            .map_or(0, |c| c.value as i64))
    }

    /// Conversations changed after `since`, oldest change first, at most `limit`: their JSON
    /// (with `"account"` first, joined by commas), the number of the last one, and whether
    /// more follow.
    pub fn changes_since(
        &self,
        since: i64,
        limit: u32,
        account: &str,
    ) -> worker::Result<(String, i64, bool)> {
        #[derive(Deserialize)]
        struct Changed {
            changed_seq: f64,
            json: String,
        }
        if !crate::rules::registry::is_safe_name(account) {
            return Err(worker::Error::RustError(
                "an account id out of its alphabet".into(),
            ));
        }
        let rows = self
            .0
            .exec(
                &format!(
                    "SELECT changed_seq, '{{\"account\":\"{account}\",' || substr(json, 2) AS json
                     FROM conversations WHERE changed_seq > ? ORDER BY changed_seq LIMIT ?"
                ),
                vec![int(since), int(i64::from(limit) + 1)],
            )?
            .to_array::<Changed>()?;
        let more = rows.len() > limit as usize;
        let shown = &rows[..rows.len().min(limit as usize)];
        let last = shown.last().map_or(since, |r| r.changed_seq as i64);
        let joined = shown
            .iter()
            .map(|r| r.json.as_str())
            .collect::<Vec<_>>()
            .join(",");
        Ok((joined, last, more))
    }

    /// Records a provider event `id` once: false when it was already handled.
    pub fn first_event(&self, id: &str, now_ms: u64) -> worker::Result<bool> {
        let rows = self
            .0
            .exec(
                "INSERT INTO events (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
                vec![text(id), int(i64::try_from(now_ms).unwrap_or(i64::MAX))],
            )?
            .to_array::<serde_json::Value>()?;
        Ok(!rows.is_empty())
    }

    /// Forgets a provider event whose work failed (its retry is then not a duplicate).
    pub fn forget_event(&self, id: &str) -> worker::Result<()> {
        self.0
            .exec("DELETE FROM events WHERE id = ?", vec![text(id)])?;
        Ok(())
    }

    /// The account this object serves, as its last webhook named it (for its alarm).
    pub fn remember_account(&self, account: &str) -> worker::Result<()> {
        self.0.exec(
            "INSERT INTO identity (id, account) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET account = excluded.account WHERE account IS NOT excluded.account",
            vec![text(account)],
        )?;
        Ok(())
    }

    pub fn remembered_account(&self) -> worker::Result<Option<String>> {
        #[derive(Deserialize)]
        struct Identity {
            account: String,
        }
        Ok(self
            .0
            .exec("SELECT account FROM identity WHERE id = 1", None)?
            .to_array::<Identity>()?
            .into_iter()
            .next()
            .map(|i| i.account))
    }

    /// A message a provider pushed: kept in its thread (searchable) and, when new, counted in
    /// its conversation, which is created when the store does not hold it yet (`seed`). An
    /// incoming message adds one unread; the newest message becomes the conversation's latest
    /// whatever order events arrive in. Returns whether the message was new.
    pub fn record_pushed(
        &self,
        pushed: &crate::rules::webhook_events::PushedMessage,
    ) -> worker::Result<bool> {
        let message = &pushed.message;
        let owner = self.sync_state()?.and_then(|s| s.owner);
        let from_owner = pushed.sent_by_owner(owner.as_deref());
        let known = self.0.exec(
            "SELECT id FROM messages WHERE id = ?",
            vec![text(linkedin_inbox::message_id(&message.id))],
        )?;
        if !known.to_array::<serde_json::Value>()?.is_empty() {
            return Ok(false);
        }
        self.index_message(message)?;
        let mut conversation = match self.conversation(&message.conversation_id)? {
            Some(conversation) => conversation,
            None => pushed.new_conversation(from_owner),
        };
        let newest = activity_key(&conversation) <= message.sent_at;
        if newest {
            conversation.latest_message = Some(LatestMessage {
                id: message.id.clone(),
                backend_urn: None,
                text: message.text.clone(),
                sent_at: Some(message.sent_at),
                sender_name: Some(message.sender.name.clone()).filter(|n| !n.is_empty()),
                sender_profile_url: message.sender.profile_url.clone(),
                sender_urn: message.sender.urn.clone(),
                from_self: from_owner,
                has_attachment: pushed.has_attachment,
            });
            conversation.last_activity_at = Some(message.sent_at);
        }
        match (from_owner, newest) {
            (false, _) => {
                conversation.unread_count = conversation.unread_count.saturating_add(1);
                conversation.is_read = false;
            }
            // Writing from LinkedIn itself reads the conversation.
            (true, true) => {
                conversation.unread_count = 0;
                conversation.is_read = true;
            }
            (true, false) => {}
        }
        self.write_one(&conversation)?;
        Ok(true)
    }

    /// Writes one conversation as it is now (whatever its activity), as a change.
    fn write_one(&self, conversation: &Conversation) -> worker::Result<()> {
        let seq = self.take_seqs(1)?;
        let unread = conversation.is_unread();
        let json = serde_json::to_string(conversation)?;
        let row = self
            .0
            .exec(
                "INSERT INTO conversations (thread_id, last_activity_at, unread, json, changed_seq) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                   unread = excluded.unread, json = excluded.json, changed_seq = excluded.changed_seq
                 RETURNING rowid AS rowid",
                vec![
                    text(&conversation.id),
                    int(activity_key(conversation)),
                    int(i64::from(unread)),
                    text(&json),
                    int(seq),
                ],
            )?
            .to_array::<RowId>()?;
        if let Some(row) = row.first() {
            self.reindex(row.rowid as i64, conversation)?;
        }
        Ok(())
    }

    /// Records a head sync: when, for which refresh generation, and (on the first sync) where
    /// the older pages start.
    pub fn record_head(
        &self,
        page: &ConversationPage,
        now_ms: u64,
        generation: u64,
    ) -> worker::Result<()> {
        let first = self.sync_state()?.is_none();
        let now = int(i64::try_from(now_ms).unwrap_or(i64::MAX));
        let generation = int(i64::try_from(generation).unwrap_or(i64::MAX));
        let account = page
            .account_id
            .clone()
            .map_or(SqlStorageValue::Null, SqlStorageValue::String);
        let owner = page
            .owner_profile_urn
            .clone()
            .map_or(SqlStorageValue::Null, SqlStorageValue::String);
        if first {
            let tail = page
                .next_cursor
                .clone()
                .map_or(SqlStorageValue::Null, SqlStorageValue::String);
            self.0.exec(
                "INSERT INTO list_sync (id, head_at, generation, tail, complete, account_id, owner) VALUES (1, ?, ?, ?, ?, ?, ?)",
                vec![now, generation, tail, int(i64::from(page.next_cursor.is_none())), account, owner],
            )?;
        } else {
            self.0.exec(
                "UPDATE list_sync SET head_at = ?, generation = ?, account_id = COALESCE(?, account_id), owner = COALESCE(?, owner) WHERE id = 1",
                vec![now, generation, account, owner],
            )?;
        }
        Ok(())
    }

    /// The last activity the list shows for a thread, when it is stored.
    pub fn last_activity(&self, thread_id: &str) -> worker::Result<Option<i64>> {
        #[derive(Deserialize)]
        struct At {
            last_activity_at: f64,
        }
        Ok(self
            .0
            .exec(
                "SELECT last_activity_at FROM conversations WHERE thread_id = ?",
                vec![text(thread_id)],
            )?
            .to_array::<At>()?
            .first()
            .map(|a| a.last_activity_at as i64))
    }

    /// Records an older page read from `previous`: the next one starts at its cursor (none, or
    /// the same one again, ends the list).
    pub fn record_tail(&self, page: &ConversationPage, previous: &str) -> worker::Result<()> {
        let next = crate::rules::page_plan::next_tail(previous, page.next_cursor.as_deref());
        let tail = next.map_or(SqlStorageValue::Null, text);
        self.0.exec(
            "UPDATE list_sync SET tail = ?, complete = ? WHERE id = 1",
            vec![tail, int(i64::from(next.is_none()))],
        )?;
        Ok(())
    }

    /// Indexes the text of a thread's messages for search (each message once).
    pub fn index_messages(&self, page: &MessagePage) -> worker::Result<()> {
        page.items.iter().try_for_each(|m| self.index_message(m))
    }

    /// A message the account sent: searchable at once, and its conversation's latest (read:
    /// replying reads a conversation).
    pub fn record_sent(&self, message: &Message) -> worker::Result<()> {
        self.index_message(message)?;
        let Some(mut conversation) = self.conversation(&message.conversation_id)? else {
            return Ok(());
        };
        conversation.latest_message = Some(LatestMessage {
            id: message.id.clone(),
            backend_urn: None,
            text: message.text.clone(),
            sent_at: Some(message.sent_at),
            sender_name: Some(message.sender.name.clone()).filter(|n| !n.is_empty()),
            sender_profile_url: message.sender.profile_url.clone(),
            sender_urn: message.sender.urn.clone(),
            from_self: true,
            has_attachment: false,
        });
        conversation.last_activity_at = Some(message.sent_at);
        conversation.unread_count = 0;
        conversation.is_read = true;
        self.upsert_one(&conversation)
    }

    /// Sets a conversation's read state as LinkedIn now has it.
    pub fn record_read(&self, thread_id: &str, read: bool) -> worker::Result<()> {
        let Some(mut conversation) = self.conversation(thread_id)? else {
            return Ok(());
        };
        conversation.is_read = read;
        conversation.unread_count = match read {
            true => 0,
            false => conversation.unread_count.max(1),
        };
        // The same activity time: an upsert keeps it and replaces the rest.
        self.upsert_one(&conversation)
    }

    /// A stored conversation, by thread id.
    pub fn conversation(&self, thread_id: &str) -> worker::Result<Option<Conversation>> {
        #[derive(Deserialize)]
        struct Json {
            json: String,
        }
        let rows = self
            .0
            .exec(
                "SELECT json FROM conversations WHERE thread_id = ?",
                vec![text(thread_id)],
            )?
            .to_array::<Json>()?;
        Ok(rows
            .first()
            .and_then(|row| serde_json::from_str(&row.json).ok()))
    }

    /// The newest stored conversation with the member at `profile_url` (compared by the
    /// `/in/<slug>` part, case-insensitively).
    pub fn conversation_with(&self, profile_url: &str) -> worker::Result<Option<Conversation>> {
        #[derive(Deserialize)]
        struct Json {
            json: String,
        }
        let slug = |url: &str| {
            let lower = url.to_ascii_lowercase();
            lower
                .split_once("/in/")
                .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or("").to_owned())
                .filter(|slug| !slug.is_empty())
        };
        let Some(wanted) = slug(profile_url) else {
            return Ok(None);
        };
        let rows = self
            .0
            .exec(
                "SELECT json FROM conversations WHERE instr(lower(json), ?) > 0 ORDER BY last_activity_at DESC LIMIT 20",
                vec![text(&format!("/in/{wanted}"))],
            )?
            .to_array::<Json>()?;
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str::<Conversation>(&row.json).ok())
            .find(|c| {
                c.participants
                    .iter()
                    .any(|p| p.profile_url.as_deref().and_then(slug).as_deref() == Some(&wanted))
            }))
    }

    fn upsert_one(&self, conversation: &Conversation) -> worker::Result<()> {
        self.upsert(&ConversationPage {
            items: vec![conversation.clone()],
            next_cursor: None,
            total: None,
            account_id: None,
            owner_profile_urn: None,
            filters_applied: false,
            credit_cost: 0,
        })
    }

    fn index_message(&self, message: &Message) -> worker::Result<()> {
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

    fn filter_sql(filters: &Filters<'_>, bindings: &mut Vec<SqlStorageValue>) -> Option<String> {
        let mut clauses = Vec::new();
        if let Some(unread) = filters.unread {
            clauses.push("unread = ?".to_owned());
            bindings.push(int(i64::from(unread)));
        }
        if let Some(keywords) = filters.keywords {
            // No searchable word: nothing matches.
            let query = fts_query(keywords)?;
            clauses.push(
                "rowid IN (SELECT rowid FROM conversation_text WHERE conversation_text MATCH ?)
                 OR thread_id IN (SELECT m.thread_id FROM message_text t JOIN messages m ON m.rowid = t.rowid WHERE message_text MATCH ?)"
                    .to_owned(),
            );
            bindings.push(text(&query));
            bindings.push(text(&query));
        }
        Some(match clauses.is_empty() {
            true => "1".to_owned(),
            false => clauses
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" AND "),
        })
    }

    /// The `WHERE` clause and its bindings for `filters` after `after` (`None`: nothing can
    /// match).
    fn page_sql(
        filters: &Filters<'_>,
        after: Option<&Position>,
    ) -> Option<(String, Vec<SqlStorageValue>)> {
        let mut bindings = Vec::new();
        let mut condition = Self::filter_sql(filters, &mut bindings)?;
        if let Some(position) = after {
            condition.push_str(
                " AND (last_activity_at < ? OR (last_activity_at = ? AND thread_id > ?))",
            );
            bindings.push(int(position.last_activity_at));
            bindings.push(int(position.last_activity_at));
            bindings.push(text(&position.thread_id));
        }
        Some((condition, bindings))
    }

    /// How many conversations match `filters` after `after` (counted up to `count + 1`, so
    /// more than `count` means the list goes on), and where the `count`th (or the last, when
    /// fewer match) stands. Two rows cross into Rust, not a page of them.
    pub fn page_end(
        &self,
        filters: &Filters<'_>,
        after: Option<&Position>,
        count: u32,
    ) -> worker::Result<PageEnd> {
        let Some((condition, mut bindings)) = Self::page_sql(filters, after) else {
            return Ok(PageEnd {
                matched: 0,
                last: None,
            });
        };
        bindings.push(int(i64::from(count) + 1));
        // The page's last two rows, last first, with the page's length.
        let ends = self
            .0
            .exec(
                &format!(
                    "SELECT last_activity_at, thread_id, count(*) OVER () AS n FROM
                       (SELECT last_activity_at, thread_id FROM conversations WHERE {condition}
                        ORDER BY last_activity_at DESC, thread_id ASC LIMIT ?)
                     ORDER BY last_activity_at ASC, thread_id DESC LIMIT 2"
                ),
                bindings,
            )?
            .to_array::<End>()?;
        let matched = ends.first().map_or(0, |end| end.n as u32);
        let shown = match matched > count {
            true => ends.get(1),
            false => ends.first(),
        };
        Ok(PageEnd {
            matched,
            last: shown.map(|end| Position {
                last_activity_at: end.last_activity_at as i64,
                thread_id: end.thread_id.clone(),
            }),
        })
    }

    /// The stored JSON of the first `limit` conversations matching `filters` after `after`,
    /// each with `"account": account` first, joined by commas in list order: it goes into the
    /// answer as it is (no parse, no re-serialization), and crosses into Rust as one string
    /// rather than a row each.
    pub fn joined_json(
        &self,
        filters: &Filters<'_>,
        after: Option<&Position>,
        limit: u32,
        account: &str,
    ) -> worker::Result<String> {
        let Some((condition, mut bindings)) = Self::page_sql(filters, after) else {
            return Ok(String::new());
        };
        bindings.push(int(i64::from(limit)));
        // Registry ids are A-Z a-z 0-9 . _ - only: safe inside a SQL and a JSON string.
        if !crate::rules::registry::is_safe_name(account) {
            return Err(worker::Error::RustError(
                "an account id out of its alphabet".into(),
            ));
        }
        Ok(self
            .0
            .exec(
                &format!(
                    "SELECT group_concat('{{\"account\":\"{account}\",' || substr(json, 2), ',' ORDER BY last_activity_at DESC, thread_id ASC) AS json FROM
                       (SELECT json, last_activity_at, thread_id FROM conversations WHERE {condition}
                        ORDER BY last_activity_at DESC, thread_id ASC LIMIT ?)"
                ),
                bindings,
            )?
            .to_array::<Joined>()?
            .into_iter()
            .next()
            .and_then(|j| j.json)
            .unwrap_or_default())
    }

    /// Unread conversations in the store (`None` before it held any).
    pub fn unread_total(&self) -> worker::Result<Option<u64>> {
        let everything = Filters {
            unread: None,
            keywords: None,
        };
        if self.sync_state()?.is_none() && self.count(&everything)? == 0 {
            return Ok(None);
        }
        self.count(&Filters {
            unread: Some(true),
            keywords: None,
        })
        .map(Some)
    }

    /// How many stored conversations match `filters`.
    pub fn count(&self, filters: &Filters<'_>) -> worker::Result<u64> {
        let mut bindings = Vec::new();
        let Some(condition) = Self::filter_sql(filters, &mut bindings) else {
            return Ok(0);
        };
        Ok(self
            .0
            .exec(
                &format!("SELECT COUNT(*) AS n FROM conversations WHERE {condition}"),
                bindings,
            )?
            .to_array::<Count>()?
            .first()
            .map_or(0, |c| c.n as u64))
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
