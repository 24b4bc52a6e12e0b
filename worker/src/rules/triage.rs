//! Triage of a conversation: archived, snoozed until a time, starred, labels of the
//! account, a private note. The state the account's store keeps per conversation, the changes
//! a client asks for (`POST /v1/conversations/{id}/triage`), each checked before anything is
//! written, and the views of the list (`?view=&label=&waiting=&quietDays=`).
//!
//! The star is kept in the store and, on an account with ConnectSafely (unless
//! `STAR_ON_LINKEDIN=0`), mirrored through its star/unstar: `starredOn` says where it holds,
//! `starMirror` a mirror under way or failed (see docs/triage.md).

use linkedin_inbox::Error;

use crate::rules::star_mirror::LOCAL;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Labels an account may have.
pub const MAX_LABELS: usize = 50;
/// A label's name, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// A note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;
/// How far ahead a snooze may reach.
pub const MAX_SNOOZE_MS: i64 = 365 * DAY_MS;
/// "Waiting on them" after this many quiet days, unless `quietDays` says otherwise.
pub const DEFAULT_QUIET_DAYS: u32 = 3;
/// The longest `quietDays`.
pub const MAX_QUIET_DAYS: u32 = 365;
const DAY_MS: i64 = 86_400_000;

/// One conversation's triage, as items carry it under `triage`: the core's model.
pub use linkedin_inbox::Triage as TriageState;

/// The changes of one triage request; `None`: left as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageChange {
    pub archived: Option<bool>,
    pub snoozed_until: Option<Option<i64>>,
    pub starred: Option<bool>,
    pub add_labels: Vec<String>,
    pub remove_labels: Vec<String>,
    pub note: Option<Option<String>>,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// A label's name as sent, checked (trimmed; 1 to 40 characters, no control characters).
pub fn label_name(value: &str, field: &'static str) -> Result<String, Error> {
    let name = value.trim();
    if name.is_empty() || name.chars().count() > MAX_LABEL_CHARS {
        return Err(invalid(
            field,
            format!("a label is 1 to {MAX_LABEL_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(field, "a label holds no control characters"));
    }
    Ok(name.to_owned())
}

fn label_list(value: Option<&Value>) -> Result<Vec<String>, Error> {
    match value {
        None => Ok(Vec::new()),
        // More names than an account may have labels can never be right: refused before any work.
        Some(Value::Array(items)) if items.len() > MAX_LABELS => Err(invalid(
            "labels",
            format!("at most {MAX_LABELS} names at a time"),
        )),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => label_name(s, "labels"),
                _ => Err(invalid("labels", "labels are strings")),
            })
            .collect(),
        Some(_) => Err(invalid("labels", "`add` and `remove` are arrays of names")),
    }
}

fn flag(value: &Value, field: &'static str) -> Result<bool, Error> {
    value
        .as_bool()
        .ok_or_else(|| invalid(field, "must be true or false"))
}

/// A snooze time: RFC 3339 or epoch milliseconds, after `now_ms` and at most a year ahead.
fn snooze_time(value: &Value, now_ms: i64) -> Result<Option<i64>, Error> {
    let at = match value {
        Value::Null => return Ok(None),
        Value::String(s) => linkedin_inbox::parse_iso8601(s.trim()),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
    .ok_or_else(|| {
        invalid(
            "snoozedUntil",
            "must be an RFC 3339 time, epoch milliseconds or null",
        )
    })?;
    if at <= now_ms {
        return Err(invalid("snoozedUntil", "must be in the future"));
    }
    if at > now_ms.saturating_add(MAX_SNOOZE_MS) {
        return Err(invalid("snoozedUntil", "must be at most a year ahead"));
    }
    Ok(Some(at))
}

/// The changes a request body asks for, checked; a refusal names the field.
pub fn parse_change(body: &str, now_ms: i64) -> Result<TriageChange, Error> {
    let object: Map<String, Value> = serde_json::from_str(body)
        .map_err(|_| invalid("body", "must be a JSON object of triage changes"))?;
    if object.is_empty() {
        return Err(invalid("body", "names no change"));
    }
    let mut change = TriageChange::default();
    for (name, value) in &object {
        match name.as_str() {
            "archived" => change.archived = Some(flag(value, "archived")?),
            "starred" => change.starred = Some(flag(value, "starred")?),
            "snoozedUntil" => change.snoozed_until = Some(snooze_time(value, now_ms)?),
            "note" => {
                change.note = Some(match value {
                    Value::Null => None,
                    Value::String(s) if s.chars().count() > MAX_NOTE_CHARS => {
                        return Err(invalid(
                            "note",
                            format!("must be at most {MAX_NOTE_CHARS} characters"),
                        ))
                    }
                    Value::String(s) if s.trim().is_empty() => None,
                    // Plain text: lines and tabs, no other control character (NUL, bidi overrides).
                    Value::String(s)
                        if s.chars().any(|c| {
                            (c.is_control() && c != '\n' && c != '\t')
                                || ('\u{202A}'..='\u{202E}').contains(&c)
                                || ('\u{2066}'..='\u{2069}').contains(&c)
                        }) =>
                    {
                        return Err(invalid(
                            "note",
                            "is plain text: no control characters but lines and tabs",
                        ))
                    }
                    Value::String(s) => Some(s.clone()),
                    _ => return Err(invalid("note", "must be a string or null")),
                })
            }
            "labels" => {
                let Value::Object(labels) = value else {
                    return Err(invalid(
                        "labels",
                        "must be {\"add\": [...], \"remove\": [...]}",
                    ));
                };
                if let Some(other) = labels.keys().find(|k| *k != "add" && *k != "remove") {
                    let shown: String = other.chars().take(40).collect();
                    return Err(invalid("labels", format!("unknown key `{shown}`")));
                }
                change.add_labels = label_list(labels.get("add"))?;
                change.remove_labels = label_list(labels.get("remove"))?;
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(invalid(
                    "body",
                    format!("unknown field `{shown}`; allowed: archived, snoozedUntil, starred, labels, note"),
                ));
            }
        }
    }
    Ok(change)
}

/// What a change makes of a conversation's state, given the account's labels: the new state
/// and the labels to create first. Removing a label the account does not have, or adding
/// past [`MAX_LABELS`], is refused.
pub fn apply(
    state: &TriageState,
    change: &TriageChange,
    account_labels: &[String],
) -> Result<(TriageState, Vec<String>), Error> {
    if let Some(unknown) = change
        .remove_labels
        .iter()
        .find(|l| !account_labels.contains(l))
    {
        return Err(invalid("labels", format!("unknown label `{unknown}`")));
    }
    let mut created: Vec<String> = Vec::new();
    for label in &change.add_labels {
        if !account_labels.contains(label) && !created.contains(label) {
            created.push(label.clone());
        }
    }
    if account_labels.len() + created.len() > MAX_LABELS {
        return Err(invalid(
            "labels",
            format!("an account has at most {MAX_LABELS} labels"),
        ));
    }
    let mut next = state.clone();
    if let Some(archived) = change.archived {
        next.archived = archived;
    }
    if let Some(until) = change.snoozed_until {
        next.snoozed_until = until;
    }
    // A star that changes is local until a mirror says otherwise; one that stays keeps where
    // it holds.
    if let Some(starred) = change.starred.filter(|s| *s != next.starred) {
        next.starred = starred;
        next.starred_on = None;
        next.star_mirror = None;
    }
    next.starred_on = match next.starred {
        true => next.starred_on.or_else(|| Some(LOCAL.to_owned())),
        false => None,
    };
    if let Some(note) = &change.note {
        next.note = note.clone();
    }
    next.labels.retain(|l| !change.remove_labels.contains(l));
    for label in &change.add_labels {
        if !next.labels.contains(label) && !change.remove_labels.contains(label) {
            next.labels.push(label.clone());
        }
    }
    Ok((next, created))
}

/// A view of the list (`?view=`): none is every conversation (the default, as before triage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    /// Neither archived nor snoozed.
    Inbox,
    Archived,
    Snoozed,
    Starred,
}

/// Whose turn it is (`?waiting=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Waiting {
    /// The other person wrote last.
    Me,
    /// The account wrote last, and nothing came back for `quietDays`.
    Them,
}

/// The triage filters of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewFilter {
    pub view: Option<View>,
    pub label: Option<String>,
    pub waiting: Option<Waiting>,
    pub quiet_days: Option<u32>,
}

impl ViewFilter {
    /// Reads `view`, `label`, `waiting` and `quietDays` from query pairs.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, Error> {
        let mut filter = Self::default();
        for (name, value) in pairs {
            match name {
                "view" => {
                    filter.view = Some(match value {
                        "inbox" => View::Inbox,
                        "archived" => View::Archived,
                        "snoozed" => View::Snoozed,
                        "starred" => View::Starred,
                        _ => {
                            return Err(invalid(
                                "view",
                                "must be inbox, archived, snoozed or starred",
                            ))
                        }
                    })
                }
                "label" => filter.label = Some(label_name(value, "label")?),
                "waiting" => {
                    filter.waiting = Some(match value {
                        "me" => Waiting::Me,
                        "them" => Waiting::Them,
                        _ => return Err(invalid("waiting", "must be me or them")),
                    })
                }
                "quietDays" => {
                    filter.quiet_days = Some(
                        value
                            .parse::<u32>()
                            .ok()
                            .filter(|d| *d <= MAX_QUIET_DAYS)
                            .ok_or_else(|| {
                                invalid("quietDays", format!("must be 0 to {MAX_QUIET_DAYS}"))
                            })?,
                    )
                }
                _ => {}
            }
        }
        if filter.quiet_days.is_some() && filter.waiting != Some(Waiting::Them) {
            return Err(invalid("quietDays", "goes with waiting=them"));
        }
        Ok(filter)
    }

    /// Whether only conversations with a triage state can match (archived, snoozed, starred,
    /// labelled): the store holds them all, so the list's older pages need no sync.
    pub fn stored_only(&self) -> bool {
        self.label.is_some()
            || matches!(
                self.view,
                Some(View::Archived | View::Snoozed | View::Starred)
            )
    }

    /// Whether no triage filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The filters as a cursor binds them, appended to the query's fingerprint (a cursor of
    /// one view is refused in another): in hex, as a label may hold the cursor's separators.
    pub fn fingerprint(&self) -> String {
        match self.is_empty() {
            true => String::new(),
            false => format!(
                ".view.{}",
                hex::encode(format!(
                    "{:?};{:?};{:?};{}",
                    self.view,
                    self.waiting,
                    self.quiet_days,
                    self.label.as_deref().unwrap_or("")
                ))
            ),
        }
    }

    /// "Waiting on them": the account's last message was sent at or before this time.
    pub fn quiet_before(&self, now_ms: i64) -> i64 {
        let days = i64::from(self.quiet_days.unwrap_or(DEFAULT_QUIET_DAYS));
        now_ms.saturating_sub(days * DAY_MS)
    }
}

/// Whether a stored list's cursor position (`<mark><stored>|<position>`, `store::Position`)
/// was made for the view of `view_mark` ([`ViewFilter::fingerprint`], empty without a view).
pub fn view_bound(upstream: &str, view_mark: &str) -> bool {
    upstream
        .split_once('|')
        .and_then(|(head, _)| head.strip_prefix(view_mark))
        .is_some_and(|stored| !stored.is_empty() && stored.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests;
