//! The providers' documented answers as checkable contracts: for each read endpoint, every key
//! its documentation shows, the forms its value may take (where the docs disagree or are
//! silent, every documented form), whether linkedin-inbox reads it and for what. [`check`]
//! compares an answer with its contract and names each difference by JSON path and form, never
//! by value, so a report can be shown to anyone (the doctor prints it; the Worker counts it).
//! [`checkup`] runs the doctor's read-only checks over any [`Checker`] and records a redacted
//! [`Report`] (`report.rs`).
//! The tables are in `tables.rs`; the documented examples themselves
//! (`tests/fixtures/documented/`) are checked against them in the tests.

mod checkup;
mod report;
mod tables;

use std::fmt;

use serde_json::Value;

use crate::http::HttpRequest;

pub use checkup::{checkup, Checker, Unsent, PAGE_SIZE};
pub use report::{Call, Outcome, Report, Section};

/// A read endpoint whose documented answer has a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// ConnectSafely `GET /linkedin/messaging/recent-messages` (the seed page).
    ConnectSafelyRecentMessages,
    /// ConnectSafely `GET /linkedin/conversations` (where the seed path redirects).
    ConnectSafelyConversations,
    /// ConnectSafely `GET /linkedin/conversations/{urn}/messages`.
    ConnectSafelyThreadMessages,
    /// LinkupAPI `POST /v1/messages/inbox`.
    LinkupV1Inbox,
    /// LinkupAPI `POST /v1/messages/conversation`.
    LinkupV1Conversation,
    /// LinkupAPI `POST /v2/messages` with `list_inbox`.
    LinkupV2ListInbox,
    /// LinkupAPI `POST /v2/messages` with `get_conversation`.
    LinkupV2GetConversation,
}

impl Endpoint {
    /// Every endpoint with a contract.
    pub const ALL: [Self; 7] = [
        Self::ConnectSafelyRecentMessages,
        Self::ConnectSafelyConversations,
        Self::ConnectSafelyThreadMessages,
        Self::LinkupV1Inbox,
        Self::LinkupV1Conversation,
        Self::LinkupV2ListInbox,
        Self::LinkupV2GetConversation,
    ];

    /// The endpoint as its provider documents it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::ConnectSafelyRecentMessages => {
                "ConnectSafely GET /linkedin/messaging/recent-messages"
            }
            Self::ConnectSafelyConversations => "ConnectSafely GET /linkedin/conversations",
            Self::ConnectSafelyThreadMessages => {
                "ConnectSafely GET /linkedin/conversations/{urn}/messages"
            }
            Self::LinkupV1Inbox => "LinkupAPI POST /v1/messages/inbox",
            Self::LinkupV1Conversation => "LinkupAPI POST /v1/messages/conversation",
            Self::LinkupV2ListInbox => "LinkupAPI POST /v2/messages list_inbox",
            Self::LinkupV2GetConversation => "LinkupAPI POST /v2/messages get_conversation",
        }
    }

    /// The endpoint a request built by this crate (or a redirect of one) goes to, if it has a
    /// contract.
    pub fn of(request: &HttpRequest) -> Option<Self> {
        let path = request.url.split(['?', '#']).next()?;
        let path = path.splitn(4, '/').nth(3).map_or("", |p| p);
        let path = format!("/{}", path.trim_end_matches('/'));
        if path.ends_with("/linkedin/messaging/recent-messages") {
            return Some(Self::ConnectSafelyRecentMessages);
        }
        if path.ends_with("/linkedin/conversations") {
            return Some(Self::ConnectSafelyConversations);
        }
        if path.contains("/linkedin/conversations/") && path.ends_with("/messages") {
            return Some(Self::ConnectSafelyThreadMessages);
        }
        if path.ends_with("/v1/messages/inbox") {
            return Some(Self::LinkupV1Inbox);
        }
        if path.ends_with("/v1/messages/conversation") {
            return Some(Self::LinkupV1Conversation);
        }
        if path.ends_with("/v2/messages") {
            let body: Value = serde_json::from_str(request.body.as_deref()?).ok()?;
            return match body.get("action")?.as_str()? {
                "list_inbox" => Some(Self::LinkupV2ListInbox),
                "get_conversation" => Some(Self::LinkupV2GetConversation),
                _ => None,
            };
        }
        None
    }
}

/// A form a documented value may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// Any string.
    Text,
    /// A `urn:li:` string.
    Urn,
    /// An `http(s)://` string.
    Url,
    /// A time: epoch milliseconds as a number or a string of digits, or ISO-8601 text.
    Time,
    /// `null`.
    Null,
    /// An object.
    Object,
    /// An array.
    Array,
}

impl Form {
    const fn name(self) -> &'static str {
        match self {
            Self::Bool => "boolean",
            Self::Integer => "integer",
            Self::Text => "string",
            Self::Urn => "URN string",
            Self::Url => "URL string",
            Self::Time => "time (epoch ms or ISO-8601)",
            Self::Null => "null",
            Self::Object => "object",
            Self::Array => "array",
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (Self::Bool, Value::Bool(_)) | (Self::Null, Value::Null) => true,
            (Self::Object, Value::Object(_)) | (Self::Array, Value::Array(_)) => true,
            (Self::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Self::Text, Value::String(_)) => true,
            (Self::Urn, Value::String(s)) => s.starts_with("urn:li:"),
            (Self::Url, Value::String(s)) => s.starts_with("https://") || s.starts_with("http://"),
            (Self::Time, Value::Number(n)) => n.is_u64(),
            (Self::Time, Value::String(s)) => {
                (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    || crate::time::parse_iso8601(s).is_some()
            }
            _ => false,
        }
    }
}

/// The form of a value as seen, for a report (never the value itself).
fn seen_form(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "fractional number",
        Value::String(s) if s.starts_with("urn:li:") => "URN string",
        Value::String(s) if s.starts_with("https://") || s.starts_with("http://") => "URL string",
        Value::String(s) if crate::time::parse_iso8601(s).is_some() => "ISO-8601 string",
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            "string of digits"
        }
        Value::String(_) => "string",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
    }
}

/// One documented key of an answer.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Its path from the root: `data.conversations[].unread` (`[]`: every element).
    pub path: &'static str,
    /// The forms the documentation shows for it.
    pub forms: &'static [Form],
    /// Whether every documented answer has it (not: only some copies of the docs or some
    /// accounts show it).
    pub always: bool,
    /// What linkedin-inbox reads it for, if it does.
    pub read_for: Option<&'static str>,
    /// Its contents are not documented (an attachment's fields): not checked.
    pub open: bool,
}

/// How an answer differs from its contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A documented key is absent.
    Missing,
    /// The value has a form the documentation does not show.
    Form {
        /// The documented forms.
        expected: String,
        /// The form seen.
        seen: &'static str,
    },
    /// A key the documentation does not show.
    Undocumented,
}

impl Difference {
    /// The difference in a few words: `absent`, `undocumented`, or
    /// `expected <forms>, seen <form>`.
    pub fn summary(&self) -> String {
        match self {
            Self::Missing => "absent".to_owned(),
            Self::Undocumented => "undocumented".to_owned(),
            Self::Form { expected, seen } => format!("expected {expected}, seen {seen}"),
        }
    }
}

/// One difference, by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// JSON path, `$.data.conversations[].unread`.
    pub path: String,
    /// What differs.
    pub difference: Difference,
    /// What of linkedin-inbox it breaks, when it reads this key (else only the docs differ).
    pub breaks: Option<&'static str>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.difference {
            Difference::Missing => write!(f, "{}: documented, absent", self.path)?,
            Difference::Form { expected, seen } => {
                write!(f, "{}: expected {expected}, seen {seen}", self.path)?
            }
            Difference::Undocumented => write!(f, "{}: not in the documented answer", self.path)?,
        }
        match self.breaks {
            Some(what) => write!(f, " (breaks: {what})"),
            None => Ok(()),
        }
    }
}

/// The rules of `endpoint`.
pub fn rules(endpoint: Endpoint) -> Vec<Rule> {
    tables::rules(endpoint)
}

/// Compares `body` with `endpoint`'s contract: every difference, each path once, in the
/// answer's order. An answer that is not a JSON object is one finding at `$`.
pub fn check(endpoint: Endpoint, body: &str) -> Vec<Finding> {
    let rules = rules(endpoint);
    let mut findings = Vec::new();
    match serde_json::from_str::<Value>(body) {
        Ok(value @ Value::Object(_)) => walk(&rules, "", &value, &mut findings),
        Ok(other) => findings.push(Finding {
            path: "$".into(),
            difference: Difference::Form {
                expected: Form::Object.name().into(),
                seen: seen_form(&other),
            },
            breaks: Some("every answer of this endpoint"),
        }),
        Err(_) => findings.push(Finding {
            path: "$".into(),
            difference: Difference::Form {
                expected: "JSON".into(),
                seen: "text that is not JSON",
            },
            breaks: Some("every answer of this endpoint"),
        }),
    }
    findings
}

fn display(path: &str) -> String {
    match path {
        "" => "$".into(),
        path => format!("$.{path}"),
    }
}

/// Findings reported for one answer at most: a hostile or broken answer with thousands of
/// unknown keys costs a bounded amount of work and storage.
pub const MAX_FINDINGS: usize = 50;

/// `key` as a path segment: a key that does not look like a field name (an id, a name, text:
/// data used as a key) is shown as `<key>`, so no value reaches a report through a key.
fn segment(key: &str) -> &str {
    let mut bytes = key.bytes();
    let field_like = key.len() <= 40
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if field_like {
        key
    } else {
        "<key>"
    }
}

fn child(parent: &str, key: &str) -> String {
    match parent {
        "" => segment(key).into(),
        parent => format!("{parent}.{}", segment(key)),
    }
}

fn add(findings: &mut Vec<Finding>, finding: Finding) {
    if findings.len() < MAX_FINDINGS && !findings.iter().any(|f| f.path == finding.path) {
        findings.push(finding);
    }
}

/// Checks the value at `path` (an object's keys, an array's elements) against `rules`.
fn walk(rules: &[Rule], path: &str, value: &Value, findings: &mut Vec<Finding>) {
    match value {
        Value::Object(map) => {
            for rule in rules.iter().filter(|r| parent_of(r.path) == path) {
                if rule.always && !map.contains_key(key_of(rule.path)) {
                    let finding = Finding {
                        path: display(rule.path),
                        difference: Difference::Missing,
                        breaks: rule.read_for,
                    };
                    add(findings, finding);
                }
            }
            for (key, item) in map {
                let item_path = child(path, key);
                match rules.iter().find(|r| r.path == item_path) {
                    None => {
                        let finding = Finding {
                            path: display(&item_path),
                            difference: Difference::Undocumented,
                            breaks: None,
                        };
                        add(findings, finding);
                    }
                    Some(rule) if !rule.forms.iter().any(|form| form.accepts(item)) => {
                        let expected: Vec<&str> = rule.forms.iter().map(|f| f.name()).collect();
                        let finding = Finding {
                            path: display(&item_path),
                            difference: Difference::Form {
                                expected: expected.join(" or "),
                                seen: seen_form(item),
                            },
                            breaks: rule.read_for,
                        };
                        add(findings, finding);
                    }
                    Some(rule) if rule.open => {}
                    Some(_) => walk(rules, &item_path, item, findings),
                }
            }
        }
        Value::Array(items) => {
            let element = format!("{path}[]");
            for item in items {
                if item.is_object() {
                    walk(rules, &element, item, findings);
                }
            }
        }
        _ => {}
    }
}

fn parent_of(path: &str) -> &str {
    path.rfind('.').map_or("", |dot| &path[..dot])
}

fn key_of(path: &str) -> &str {
    path.rfind('.').map_or(path, |dot| &path[dot + 1..])
}

#[cfg(test)]
mod tests;
