//! The account's inbox in its Durable Object's SQLite database: every conversation the
//! provider listed (keyed by thread id, ordered by last activity), the text of every message
//! of every thread opened, and where the list sync stands. Lists, their `unread` and
//! `keywords` filters and search are answered from here, whatever the provider can filter.
//! SQL calls are synchronous: no request interleaves with them.

use linkedin_inbox::{Conversation, ConversationPage, LatestMessage, Message, MessagePage};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue, Storage};

use super::pages::{migrated, migrated_once};
use crate::search::fts_query;

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

#[derive(Deserialize)]
struct RowId {
    rowid: f64,
}

fn text(value: &str) -> SqlStorageValue {
    SqlStorageValue::String(value.to_owned())
}

fn int(value: i64) -> SqlStorageValue {
    SqlStorageValue::Integer(value)
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

    /// Stores a page of the unfiltered list (conversations replace their earlier copies).
    pub fn upsert(&self, page: &ConversationPage) -> worker::Result<()> {
        for conversation in &page.items {
            let at = conversation
                .last_activity_at
                .or(conversation.latest_message.as_ref().and_then(|m| m.sent_at))
                .unwrap_or(0);
            let unread = conversation.unread_count > 0 || !conversation.is_read;
            let json = serde_json::to_string(conversation)?;
            let row = self
                .0
                .exec(
                    "INSERT INTO conversations (thread_id, last_activity_at, unread, json) VALUES (?, ?, ?, ?)
                     ON CONFLICT (thread_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
                       unread = excluded.unread, json = excluded.json
                     WHERE excluded.last_activity_at >= conversations.last_activity_at
                     RETURNING rowid AS rowid",
                    vec![text(&conversation.id), int(at), int(i64::from(unread)), text(&json)],
                )?
                .to_array::<RowId>()?;
            if let Some(row) = row.first() {
                let rowid = int(row.rowid as i64);
                self.0.exec(
                    "DELETE FROM conversation_text WHERE rowid = ?",
                    vec![rowid.clone()],
                )?;
                self.0.exec(
                    "INSERT INTO conversation_text (rowid, text) VALUES (?, ?)",
                    vec![rowid, text(&searchable(conversation))],
                )?;
            }
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
        let next = crate::plan::next_tail(previous, page.next_cursor.as_deref());
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
                vec![text(&message.id), text(&message.conversation_id), int(message.sent_at)],
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
        if !crate::registry::is_safe_name(account) {
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
