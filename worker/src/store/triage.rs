//! Triage in the account's store: each conversation's state (`conversations.triage`,
//! the JSON items carry under `triage`, NULL when nothing is set, so untriaged items keep their
//! bytes), the account's labels (`labels`), and snoozes woken. Every change takes the next
//! number of the change feed, so it reaches `/v1/changes`, the sockets and the client indexes
//! once; a write that changes nothing takes none. The rules are `rules/triage.rs`.

use linkedin_inbox::{Conversation, Error};
use serde::Deserialize;

use super::sql::{int, text, text_or_null, Result, Sql};
use super::Store;
use crate::rules::star_mirror::{awaits_mirror, mirror_pending, mirror_settled, star_to_mirror};
use crate::rules::triage::{apply, TriageChange, TriageState};

/// The schema version that adds triage.
pub const TRIAGE_VERSION: u32 = 10;

/// Who wakes a snoozed conversation when its time comes (`updatedBy`).
pub const SNOOZE_ALARM: &str = "snooze";

/// What a triage request came to.
#[derive(Debug, PartialEq, Eq)]
pub enum TriageOutcome {
    /// The store holds no such conversation.
    Unknown,
    /// Refused, nothing changed.
    Refused(Error),
    /// The conversation's state now (the same as before when the request changed nothing).
    Set(TriageState),
    /// Set, its star changed and its mirror on LinkedIn pending: the star (`true`) or unstar
    /// to ask of ConnectSafely, then [`Store::settle_star_mirror`].
    Mirror(TriageState, bool),
}

/// What a label rename or delete came to.
#[derive(Debug, PartialEq, Eq)]
pub enum LabelOutcome {
    Unknown,
    Refused(Error),
    /// Done: how many conversations changed.
    Done(u64),
}

#[derive(Deserialize)]
struct Row {
    thread_id: String,
    triage: Option<String>,
    json: String,
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

fn state_of(triage: Option<&str>) -> TriageState {
    triage
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default()
}

impl<S: Sql> Store<S> {
    /// Whether the store keeps triage (the upgrade tests' older schemas do not).
    pub(super) fn keeps_triage(&self) -> bool {
        self.version >= TRIAGE_VERSION
    }

    /// The SQL of a row's JSON as items show it: with `"triage"` first when set. `table`
    /// qualifies the columns.
    pub(super) fn shown_json(&self, table: &str) -> String {
        match self.keeps_triage() {
            true => format!(
                "CASE WHEN {table}.triage IS NULL THEN {table}.json
                 ELSE '{{\"triage\":' || {table}.triage || ',' || substr({table}.json, 2) END"
            ),
            false => format!("{table}.json"),
        }
    }

    /// The account's labels, oldest first.
    pub fn labels(&self) -> Result<Vec<String>> {
        Ok(self
            .sql
            .rows::<Name>("SELECT name FROM labels ORDER BY created_at, name", vec![])?
            .into_iter()
            .map(|n| n.name)
            .collect())
    }

    fn row(&self, thread_id: &str) -> Result<Option<Row>> {
        self.sql.first_row::<Row>(
            "SELECT thread_id, triage, json FROM conversations WHERE thread_id = ?",
            vec![text(thread_id)],
        )
    }

    /// A conversation's triage (`None`: no such conversation).
    pub fn triage_state(&self, thread_id: &str) -> Result<Option<TriageState>> {
        Ok(self
            .row(thread_id)?
            .map(|row| state_of(row.triage.as_deref())))
    }

    /// The conversations whose star's mirror is pending.
    pub fn pending_star_mirrors(&self) -> Result<Vec<String>> {
        if !self.keeps_triage() {
            return Ok(Vec::new());
        }
        let rows = self.sql.rows::<Row>(
            "SELECT thread_id, triage, json FROM conversations WHERE triage IS NOT NULL
               AND json_extract(triage, '$.starMirror.state') = 'pending'",
            vec![],
        )?;
        Ok(rows.into_iter().map(|r| r.thread_id).collect())
    }

    /// Applies `change` to a conversation as `client` asks at `now_ms`: one change of the
    /// feed, or none when the state stays the same (the same request twice is one change).
    /// `mirror`: a changed star is to be mirrored on LinkedIn (pending until settled).
    pub fn set_triage(
        &self,
        thread_id: &str,
        change: &TriageChange,
        client: &str,
        now_ms: i64,
        mirror: bool,
    ) -> Result<TriageOutcome> {
        let Some(row) = self.row(thread_id)? else {
            return Ok(TriageOutcome::Unknown);
        };
        let before = state_of(row.triage.as_deref());
        let (after, created) = match apply(&before, change, &self.labels()?) {
            Ok(applied) => applied,
            Err(refusal) => return Ok(TriageOutcome::Refused(refusal)),
        };
        if after.same_as(&before) {
            return Ok(TriageOutcome::Set(before));
        }
        for label in &created {
            self.sql.run(
                "INSERT INTO labels (name, created_at, created_by) VALUES (?, ?, ?)",
                vec![text(label), int(now_ms), text(client)],
            )?;
        }
        match star_to_mirror(&before, &after).filter(|_| mirror) {
            Some(starred) => {
                let after = mirror_pending(after);
                let stamped = self.write_triage(&row.thread_id, after, client, now_ms, None)?;
                Ok(TriageOutcome::Mirror(stamped, starred))
            }
            None => {
                let stamped = self.write_triage(&row.thread_id, after, client, now_ms, None)?;
                Ok(TriageOutcome::Set(stamped))
            }
        }
    }

    /// The answer of the star mirror [`TriageOutcome::Mirror`] asked for (`starred`): the
    /// conversation's state with it, a change of the feed that keeps the stamp of the last
    /// change (the mirror is no one's new change). A star changed again meanwhile is left as
    /// it is (its own mirror settles it).
    pub fn settle_star_mirror(
        &self,
        thread_id: &str,
        starred: bool,
        outcome: std::result::Result<(), &Error>,
    ) -> Result<Option<TriageState>> {
        let Some(row) = self.row(thread_id)? else {
            return Ok(None);
        };
        let now = state_of(row.triage.as_deref());
        if !awaits_mirror(&now, starred) {
            return Ok(Some(now));
        }
        let by = now.updated_by.clone().unwrap_or_default();
        let at = now.updated_at.unwrap_or_default();
        let settled = mirror_settled(now, outcome);
        self.write_triage(thread_id, settled, &by, at, None)
            .map(Some)
    }

    /// Writes a conversation's triage (and, when given, its JSON) as one change of the feed.
    fn write_triage(
        &self,
        thread_id: &str,
        state: TriageState,
        client: &str,
        now_ms: i64,
        woken: Option<&Conversation>,
    ) -> Result<TriageState> {
        let stamped = TriageState {
            updated_by: Some(client.to_owned()),
            updated_at: Some(now_ms),
            ..state
        };
        let shown = match stamped.is_empty() {
            true => None,
            false => Some(serde_json::to_string(&stamped)?),
        };
        let seq = self.take_seqs(1)?;
        match woken {
            None => self.sql.run(
                "UPDATE conversations SET triage = ?, changed_seq = ? WHERE thread_id = ?",
                vec![text_or_null(shown.as_deref()), int(seq), text(thread_id)],
            )?,
            Some(conversation) => self.sql.run(
                "UPDATE conversations SET triage = ?, changed_seq = ?, json = ?, unread = ? WHERE thread_id = ?",
                vec![
                    text_or_null(shown.as_deref()),
                    int(seq),
                    text(&serde_json::to_string(conversation)?),
                    int(i64::from(conversation.is_unread())),
                    text(thread_id),
                ],
            )?,
        }
        Ok(stamped)
    }

    /// Renames a label of the account, on every conversation that has it (each a change).
    pub fn rename_label(
        &self,
        from: &str,
        to: &str,
        client: &str,
        now_ms: i64,
    ) -> Result<LabelOutcome> {
        let labels = self.labels()?;
        if !labels.iter().any(|l| l == from) {
            return Ok(LabelOutcome::Unknown);
        }
        if from == to {
            return Ok(LabelOutcome::Done(0));
        }
        if labels.iter().any(|l| l == to) {
            return Ok(LabelOutcome::Refused(Error::InvalidInput {
                field: "name",
                reason: format!("the account has a label `{to}` already"),
            }));
        }
        self.sql.run(
            "UPDATE labels SET name = ? WHERE name = ?",
            vec![text(to), text(from)],
        )?;
        self.relabel(from, Some(to), client, now_ms)
            .map(LabelOutcome::Done)
    }

    /// Deletes a label of the account, taking it off every conversation (each a change).
    pub fn delete_label(&self, name: &str, client: &str, now_ms: i64) -> Result<LabelOutcome> {
        if !self.labels()?.iter().any(|l| l == name) {
            return Ok(LabelOutcome::Unknown);
        }
        self.sql
            .run("DELETE FROM labels WHERE name = ?", vec![text(name)])?;
        self.relabel(name, None, client, now_ms)
            .map(LabelOutcome::Done)
    }

    fn relabel(&self, from: &str, to: Option<&str>, client: &str, now_ms: i64) -> Result<u64> {
        let rows = self.sql.rows::<Row>(
            "SELECT thread_id, triage, json FROM conversations WHERE triage IS NOT NULL
               AND EXISTS (SELECT 1 FROM json_each(conversations.triage, '$.labels') l WHERE l.value = ?)",
            vec![text(from)],
        )?;
        for row in &rows {
            let mut state = state_of(row.triage.as_deref());
            state.labels = state
                .labels
                .iter()
                .filter_map(|l| match l == from {
                    true => to.map(str::to_owned),
                    false => Some(l.clone()),
                })
                .collect();
            state.labels.dedup();
            self.write_triage(&row.thread_id, state, client, now_ms, None)?;
        }
        Ok(rows.len() as u64)
    }

    /// The last activity of the conversations of `items` that have a triage state.
    pub(super) fn triaged_activity(&self, items: &[Conversation]) -> Result<Vec<(String, i64)>> {
        #[derive(Deserialize)]
        struct At {
            thread_id: String,
            last_activity_at: f64,
        }
        if !self.keeps_triage() || items.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = items.iter().map(|c| c.id.as_str()).collect();
        Ok(self
            .sql
            .rows::<At>(
                "SELECT thread_id, last_activity_at FROM conversations WHERE triage IS NOT NULL
                   AND thread_id IN (SELECT value FROM json_each(?))",
                vec![text(&serde_json::to_string(&ids)?)],
            )?
            .into_iter()
            .map(|a| (a.thread_id, a.last_activity_at as i64))
            .collect())
    }

    /// The earliest snooze still to wake, if any.
    pub fn next_snooze_at(&self) -> Result<Option<i64>> {
        #[derive(Deserialize)]
        struct At {
            at: Option<f64>,
        }
        if !self.keeps_triage() {
            return Ok(None);
        }
        Ok(self
            .sql
            .first_row::<At>(
                "SELECT min(json_extract(triage, '$.snoozedUntil')) AS at FROM conversations WHERE triage IS NOT NULL",
                vec![],
            )?
            .and_then(|a| a.at)
            .map(|a| a as i64))
    }

    /// Wakes the conversations snoozed until `now_ms` or before: back in the inbox, unread,
    /// each a change. Returns how many woke.
    pub fn wake_due_snoozes(&self, now_ms: i64) -> Result<u64> {
        if !self.keeps_triage() {
            return Ok(0);
        }
        let rows = self.sql.rows::<Row>(
            "SELECT thread_id, triage, json FROM conversations WHERE triage IS NOT NULL
               AND json_extract(triage, '$.snoozedUntil') <= ?",
            vec![int(now_ms)],
        )?;
        for row in &rows {
            let state = state_of(row.triage.as_deref()).woken();
            let mut conversation: Conversation = serde_json::from_str(&row.json)?;
            conversation.set_read(false);
            self.write_triage(
                &row.thread_id,
                state,
                SNOOZE_ALARM,
                now_ms,
                Some(&conversation),
            )?;
        }
        Ok(rows.len() as u64)
    }

    /// A new incoming message in the conversation (a webhook or a sync): archived or snoozed,
    /// it comes back to the inbox, in the change the message's write took (no number of its
    /// own: call it right after that write).
    pub(super) fn wake_on_incoming(&self, thread_id: &str, now_ms: i64) -> Result<()> {
        if !self.keeps_triage() {
            return Ok(());
        }
        let Some(row) = self.row(thread_id)? else {
            return Ok(());
        };
        let before = state_of(row.triage.as_deref());
        if !before.archived && before.snoozed_until.is_none() {
            return Ok(());
        }
        let woken = TriageState {
            updated_by: Some("incoming".to_owned()),
            updated_at: Some(now_ms),
            ..before.woken()
        };
        let shown = match woken.is_empty() {
            true => None,
            false => Some(serde_json::to_string(&woken)?),
        };
        self.sql.run(
            "UPDATE conversations SET triage = ? WHERE thread_id = ?",
            vec![text_or_null(shown.as_deref()), text(thread_id)],
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
