//! Lists answered from the store: **where the `unread` and `keywords` filters are applied**
//! (SQL and FTS5), positions in the stored order, pages as joined JSON, counts and unread totals.

use serde::Deserialize;

use super::sql::{int, text, Result, Sql, StoreError, Value};
use super::Store;
use crate::rules::fts_query::fts_query;
use crate::rules::triage::{View, ViewFilter, Waiting};

/// The filters of a stored list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filters<'a> {
    pub unread: Option<bool>,
    pub keywords: Option<&'a str>,
    /// A LinkedIn member's profile id: conversations with them (the client's merged index
    /// only: an account's store has no member table).
    pub person: Option<&'a str>,
    /// The triage view, label and whose turn it is (`rules/triage.rs`).
    pub view: Option<&'a ViewFilter>,
    /// Now, for "waiting on them" (quiet since).
    pub now_ms: i64,
}

/// How far a page of the stored list reaches: see [`Store::page_end`].
#[derive(Debug, PartialEq, Eq)]
pub struct PageEnd {
    /// Conversations matched, up to the page's size + 1.
    pub matched: u32,
    /// Where the page's last conversation stands.
    pub last: Option<Position>,
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

/// Where the filters are applied: an account's store, or a client's merged index
/// (`store/inbox_index/`), whose rows and message texts also name their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FilterScope {
    Account,
    Index,
}

/// The condition `filters` put on the listed rows (`conversations`, or the index's
/// `entries`), its values pushed onto `bindings` (`None`: nothing can match). One rule for
/// both: a conversation matches keywords by its names, headlines and latest message, or by the
/// text of any message stored of it.
pub(super) fn filter_sql(
    filters: &Filters<'_>,
    bindings: &mut Vec<Value>,
    scope: FilterScope,
) -> Option<String> {
    let mut clauses = Vec::new();
    if let Some(unread) = filters.unread {
        clauses.push("unread = ?".to_owned());
        bindings.push(int(i64::from(unread)));
    }
    if let Some(keywords) = filters.keywords {
        // No searchable word: nothing matches.
        let query = fts_query(keywords)?;
        clauses.push(match scope {
            FilterScope::Account => "rowid IN (SELECT rowid FROM conversation_text WHERE conversation_text MATCH ?)
             OR thread_id IN (SELECT m.thread_id FROM message_text t JOIN messages m ON m.rowid = t.rowid WHERE message_text MATCH ?)",
            FilterScope::Index => "rowid IN (SELECT rowid FROM entry_text WHERE entry_text MATCH ?)
             OR (account, thread_id) IN (SELECT m.account, m.thread_id FROM message_text t JOIN messages m ON m.rowid = t.rowid WHERE message_text MATCH ?)",
        }
        .to_owned());
        bindings.push(text(&query));
        bindings.push(text(&query));
    }
    if let Some(person) = filters.person {
        clauses.push(
            match scope {
                FilterScope::Index => "rowid IN (SELECT entry FROM entry_members WHERE member = ?)",
                FilterScope::Account => {
                    "EXISTS (SELECT 1 FROM json_each(conversations.json, '$.participants') p
             WHERE json_extract(p.value, '$.profileId') = ?)"
                }
            }
            .to_owned(),
        );
        bindings.push(text(person));
    }
    if let Some(view) = filters.view {
        triage_clauses(view, filters.now_ms, scope, &mut clauses, bindings);
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

/// The conditions of a triage view: on an account's `conversations.triage`, or on the
/// `triage` an index entry's JSON carries (the account's feed hands it over spliced in).
fn triage_clauses(
    view: &ViewFilter,
    now_ms: i64,
    scope: FilterScope,
    clauses: &mut Vec<String>,
    bindings: &mut Vec<Value>,
) {
    let (state, row) = match scope {
        FilterScope::Account => ("conversations.triage, '$", "conversations.json"),
        FilterScope::Index => ("entries.json, '$.triage", "entries.json"),
    };
    let field = |name: &str| format!("json_extract({state}.{name}')");
    match view.view {
        None => {}
        Some(View::Inbox) => clauses.push(format!(
            "coalesce({}, 0) = 0 AND {} IS NULL",
            field("archived"),
            field("snoozedUntil")
        )),
        Some(View::Archived) => clauses.push(format!("{} = 1", field("archived"))),
        Some(View::Snoozed) => clauses.push(format!("{} IS NOT NULL", field("snoozedUntil"))),
        Some(View::Starred) => clauses.push(format!("{} = 1", field("starred"))),
    }
    if let Some(label) = &view.label {
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM json_each({state}.labels') l WHERE l.value = ?)"
        ));
        bindings.push(text(label));
    }
    let from_self = format!("json_extract({row}, '$.latestMessage.fromSelf')");
    match view.waiting {
        None => {}
        Some(Waiting::Me) => clauses.push(format!("{from_self} = 0")),
        Some(Waiting::Them) => {
            clauses.push(format!("{from_self} = 1 AND last_activity_at <= ?"));
            bindings.push(int(view.quiet_before(now_ms)));
        }
    }
}

/// The `WHERE` clause and its bindings for `filters` after `after` (`None`: nothing can
/// match).
fn page_sql(filters: &Filters<'_>, after: Option<&Position>) -> Option<(String, Vec<Value>)> {
    let mut bindings = Vec::new();
    let mut condition = filter_sql(filters, &mut bindings, FilterScope::Account)?;
    if let Some(position) = after {
        condition
            .push_str(" AND (last_activity_at < ? OR (last_activity_at = ? AND thread_id > ?))");
        bindings.push(int(position.last_activity_at));
        bindings.push(int(position.last_activity_at));
        bindings.push(text(&position.thread_id));
    }
    Some((condition, bindings))
}

/// Registry ids are A-Z a-z 0-9 . _ - only: safe inside a SQL and a JSON string.
pub(super) fn checked_account(account: &str) -> Result<&str> {
    match crate::rules::registry::is_safe_name(account) {
        true => Ok(account),
        false => Err(StoreError("an account id out of its alphabet".into())),
    }
}

impl<S: Sql> Store<S> {
    /// How many conversations match `filters` after `after` (counted up to `count + 1`, so
    /// more than `count` means the list goes on), and where the `count`th (or the last, when
    /// fewer match) stands. Two rows cross into Rust, not a page of them.
    pub fn page_end(
        &self,
        filters: &Filters<'_>,
        after: Option<&Position>,
        count: u32,
    ) -> Result<PageEnd> {
        let Some((condition, mut bindings)) = page_sql(filters, after) else {
            return Ok(PageEnd {
                matched: 0,
                last: None,
            });
        };
        bindings.push(int(i64::from(count) + 1));
        // The page's last two rows, last first, with the page's length.
        let ends = self.sql.rows::<End>(
            &format!(
                "SELECT last_activity_at, thread_id, count(*) OVER () AS n FROM
                   (SELECT last_activity_at, thread_id FROM conversations WHERE {condition}
                    ORDER BY last_activity_at DESC, thread_id ASC LIMIT ?)
                 ORDER BY last_activity_at ASC, thread_id DESC LIMIT 2"
            ),
            bindings,
        )?;
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
    ) -> Result<String> {
        let Some((condition, mut bindings)) = page_sql(filters, after) else {
            return Ok(String::new());
        };
        bindings.push(int(i64::from(limit)));
        let account = checked_account(account)?;
        let shown = self.shown_json("conversations");
        Ok(self
            .sql
            .first_row::<Joined>(
                &format!(
                    "SELECT group_concat('{{\"account\":\"{account}\",' || substr(json, 2), ',' ORDER BY last_activity_at DESC, thread_id ASC) AS json FROM
                       (SELECT {shown} AS json, last_activity_at, thread_id FROM conversations WHERE {condition}
                        ORDER BY last_activity_at DESC, thread_id ASC LIMIT ?)"
                ),
                bindings,
            )?
            .and_then(|j| j.json)
            .unwrap_or_default())
    }

    /// Unread conversations in the store (`None` before it held any).
    pub fn unread_total(&self) -> Result<Option<u64>> {
        if self.sync_state()?.is_none() && self.count(&Filters::default())? == 0 {
            return Ok(None);
        }
        self.count(&Filters {
            unread: Some(true),
            ..Filters::default()
        })
        .map(Some)
    }

    /// How many stored conversations match `filters`.
    pub fn count(&self, filters: &Filters<'_>) -> Result<u64> {
        let mut bindings = Vec::new();
        let Some(condition) = filter_sql(filters, &mut bindings, FilterScope::Account) else {
            return Ok(0);
        };
        Ok(self
            .sql
            .first_row::<Count>(
                &format!("SELECT COUNT(*) AS n FROM conversations WHERE {condition}"),
                bindings,
            )?
            .map_or(0, |c| c.n as u64))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
