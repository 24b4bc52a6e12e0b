//! Drift in production: how an upstream answer differs from its provider's documented contract
//! (`linkedin_inbox::contract`), reduced to what may be kept and shown to an operator: the
//! endpoint, the JSON path, the kind of difference and what of the product it breaks. Never a
//! value. The account's store counts them (`store/contract_drift.rs`); `GET /v1/usage` shows
//! them.

use linkedin_inbox::contract::{Difference, Endpoint, Finding};
use linkedin_inbox::Error;

/// Distinct paths kept per endpoint: a provider that changed everything still fills a bounded
/// table (later paths are not counted until the table is cleared).
pub const MAX_PATHS_PER_ENDPOINT: u32 = 20;

/// The difference kept for an answer the core could not read.
pub const UNREADABLE: &str = "MALFORMED_RESPONSE";

/// One difference of one answer, as it is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The endpoint as its provider documents it (`Endpoint::name`).
    pub endpoint: &'static str,
    /// The JSON path, array positions as `[]`.
    pub path: String,
    /// `absent`, `undocumented`, `expected <forms>, seen <form>`, or [`UNREADABLE`].
    pub difference: String,
    /// What of linkedin-inbox it breaks, when the product reads that key.
    pub breaks: Option<&'static str>,
}

/// The contract's findings for one answer of `endpoint`, as counted.
pub fn of_findings(endpoint: Endpoint, findings: &[Finding]) -> Vec<Drift> {
    findings
        .iter()
        .map(|finding| Drift {
            endpoint: endpoint.name(),
            path: finding.path.clone(),
            difference: match &finding.difference {
                Difference::Missing => "absent".to_owned(),
                Difference::Undocumented => "undocumented".to_owned(),
                Difference::Form { expected, seen } => format!("expected {expected}, seen {seen}"),
            },
            breaks: finding.breaks,
        })
        .collect()
}

/// An answer of `endpoint` the core refused as malformed: the path it could not read (the
/// reason and the body excerpt, which may quote values, are left out).
pub fn of_error(endpoint: Endpoint, error: &Error) -> Option<Drift> {
    let Error::MalformedResponse { path, .. } = error else {
        return None;
    };
    Some(Drift {
        endpoint: endpoint.name(),
        path: json_path(path),
        difference: UNREADABLE.to_owned(),
        breaks: Some("reading this answer"),
    })
}

/// The core's path of a failure (`data.items[3].unread`, `.` for the root) in the contract's
/// form: `$`-rooted, positions as `[]` so every element counts under one path.
fn json_path(core_path: &str) -> String {
    let mut path = String::from("$");
    let trimmed = core_path.trim_start_matches(['$', '.']);
    if !trimmed.is_empty() && !trimmed.starts_with('[') {
        path.push('.');
    }
    let mut in_brackets = false;
    for c in trimmed.chars() {
        match c {
            '[' => {
                in_brackets = true;
                path.push_str("[]");
            }
            ']' => in_brackets = false,
            _ if in_brackets => {}
            c => path.push(c),
        }
    }
    path
}

/// Whether an answer is checked now: the last check of its endpoint was `interval_ms` or more
/// ago (0: every answer).
pub fn check_due(last_checked_ms: Option<u64>, now_ms: u64, interval_ms: u64) -> bool {
    last_checked_ms.is_none_or(|last| now_ms.saturating_sub(last) >= interval_ms)
}

#[cfg(test)]
mod tests;
