//! Reading an index's lanes: all, or only those a page needs (not whole, due for an ask, not
//! holding a whole list), their counts and the oldest head, so a page crosses only those rows.

use serde::Deserialize;

use super::apply::{Lane, LaneRow};
use super::InboxIndex;
use crate::store::sql::{uint, Result, Sql};

/// Which lanes to read.
#[derive(Debug, Clone, Copy)]
pub enum Lanes {
    All,
    /// Not whole: never taken, or behind.
    Unready,
    /// Not whole, never synced, or whose head was synced at or before this time.
    Due {
        head_before: u64,
    },
    /// The store does not hold the account's whole list.
    Incomplete,
}

#[derive(Deserialize)]
struct LaneCounts {
    lanes: f64,
    unready: f64,
}

#[derive(Deserialize)]
struct OldestHead {
    at: Option<f64>,
}

impl<S: Sql> InboxIndex<S> {
    /// Every lane, in the client's order.
    pub fn lanes(&self) -> Result<Vec<Lane>> {
        self.lanes_where(Lanes::All)
    }

    /// The lanes `which` names, in the client's order (only those rows are read).
    pub fn lanes_where(&self, which: Lanes) -> Result<Vec<Lane>> {
        let (condition, values) = match which {
            Lanes::All => ("1", vec![]),
            Lanes::Unready => ("joined = 0 OR behind = 1", vec![]),
            Lanes::Due { head_before } => (
                "joined = 0 OR behind = 1 OR synced = 0 OR head_at <= ?",
                vec![uint(head_before)],
            ),
            Lanes::Incomplete => ("complete = 0", vec![]),
        };
        Ok(self
            .sql
            .rows::<LaneRow>(
                &format!(
                    "SELECT account, rank, joined, behind, health, epoch, prunes, seq, message_seq, complete, synced, head_at
                     FROM lanes WHERE {condition} ORDER BY rank"
                ),
                values,
            )?
            .into_iter()
            .map(Lane::from)
            .collect())
    }

    /// How many lanes there are, and how many are not whole.
    pub fn lane_counts(&self) -> Result<(usize, usize)> {
        let counts = self.sql.first_row::<LaneCounts>(
            "SELECT COUNT(*) AS lanes, coalesce(SUM(joined = 0 OR behind = 1), 0) AS unready FROM lanes",
            vec![],
        )?;
        Ok(counts.map_or((0, 0), |c| (c.lanes as usize, c.unready as usize)))
    }

    /// The oldest head sync among the lanes that synced one, epoch ms.
    pub fn oldest_head(&self) -> Result<Option<u64>> {
        Ok(self
            .sql
            .first_row::<OldestHead>(
                "SELECT MIN(head_at) AS at FROM lanes WHERE head_at > 0",
                vec![],
            )?
            .and_then(|h| h.at)
            .map(|at| at as u64))
    }
}
