//! Pages of the merged inbox: **the merged order** (newest activity first, then the client's
//! account order, then thread id), the filters applied as in an account's store
//! (`list_query::filter_sql`), a page after a position and never past a bound (the oldest
//! stored conversation of an account whose store does not hold its whole list yet: what
//! follows it there is not known), and counts.

use serde::Deserialize;

use super::InboxIndex;
use crate::rules::merged_walk::IndexPosition;
use crate::store::list_query::{filter_sql, FilterScope, Filters};
use crate::store::sql::{int, text, Result, Sql, Value};

/// A page: its items' JSON joined by commas, how many matched (up to the count + 1), and
/// where its last item stands.
#[derive(Debug, PartialEq, Eq)]
pub struct IndexPage {
    pub json: String,
    pub matched: u32,
    pub last: Option<IndexPosition>,
}

#[derive(Deserialize)]
struct Row {
    last_activity_at: f64,
    rank: f64,
    thread_id: String,
    json: String,
}

#[derive(Deserialize)]
struct Count {
    n: f64,
}

const ORDER: &str = "last_activity_at DESC, rank ASC, thread_id ASC";

impl<S: Sql> InboxIndex<S> {
    /// The first `count` entries matching `filters` after `after` and up to `bound`
    /// (inclusive), with one more counted when there is one.
    pub fn page(
        &self,
        filters: &Filters<'_>,
        after: Option<&IndexPosition>,
        bound: Option<&IndexPosition>,
        count: u32,
    ) -> Result<IndexPage> {
        let mut bindings = Vec::new();
        let Some(mut condition) = filter_sql(filters, &mut bindings, FilterScope::Index) else {
            return Ok(IndexPage {
                json: String::new(),
                matched: 0,
                last: None,
            });
        };
        if let Some(p) = after {
            condition.push_str(
                " AND (last_activity_at < ? OR (last_activity_at = ? AND (rank > ? OR (rank = ? AND thread_id > ?))))",
            );
            push_position(&mut bindings, p);
        }
        if let Some(b) = bound {
            condition.push_str(
                " AND (last_activity_at > ? OR (last_activity_at = ? AND (rank < ? OR (rank = ? AND thread_id <= ?))))",
            );
            push_position(&mut bindings, b);
        }
        bindings.push(int(i64::from(count) + 1));
        let rows = self.sql.rows::<Row>(
            &format!(
                "SELECT last_activity_at, rank, thread_id, json FROM entries WHERE {condition} ORDER BY {ORDER} LIMIT ?"
            ),
            bindings,
        )?;
        let matched = rows.len() as u32;
        let shown = &rows[..rows.len().min(count as usize)];
        let last = shown.last().map(|r| IndexPosition {
            at: r.last_activity_at as i64,
            rank: r.rank as i64,
            thread_id: r.thread_id.clone(),
        });
        let json = shown
            .iter()
            .map(|r| r.json.as_str())
            .collect::<Vec<_>>()
            .join(",");
        Ok(IndexPage {
            json,
            matched,
            last,
        })
    }

    /// The oldest entry of an account in the merged order (`None`: it has none).
    pub fn lane_end(&self, account: &str) -> Result<Option<IndexPosition>> {
        Ok(self
            .sql
            .first_row::<Row>(
                "SELECT last_activity_at, rank, thread_id, '' AS json FROM entries WHERE account = ?
                 ORDER BY last_activity_at ASC, thread_id DESC LIMIT 1",
                vec![text(account)],
            )?
            .map(|r| IndexPosition {
                at: r.last_activity_at as i64,
                rank: r.rank as i64,
                thread_id: r.thread_id,
            }))
    }

    /// How many entries match `filters` (without keywords, a person or a triage view: the
    /// lanes' counts).
    pub fn count(&self, filters: &Filters<'_>) -> Result<u64> {
        if filters.keywords.is_none() && filters.person.is_none() && filters.view.is_none() {
            let sum = match filters.unread {
                None => "stored",
                Some(true) => "unread_count",
                Some(false) => "stored - unread_count",
            };
            return Ok(self
                .sql
                .first_row::<Count>(
                    &format!("SELECT coalesce(SUM({sum}), 0) AS n FROM lanes"),
                    vec![],
                )?
                .map_or(0, |c| c.n as u64));
        }
        let mut bindings = Vec::new();
        let Some(condition) = filter_sql(filters, &mut bindings, FilterScope::Index) else {
            return Ok(0);
        };
        Ok(self
            .sql
            .first_row::<Count>(
                &format!("SELECT COUNT(*) AS n FROM entries WHERE {condition}"),
                bindings,
            )?
            .map_or(0, |c| c.n as u64))
    }
}

fn push_position(bindings: &mut Vec<Value>, p: &IndexPosition) {
    bindings.push(int(p.at));
    bindings.push(int(p.at));
    bindings.push(int(p.rank));
    bindings.push(int(p.rank));
    bindings.push(text(&p.thread_id));
}
