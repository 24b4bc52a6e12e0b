//! What the doctor found, and its text: endpoints, statuses, JSON paths, forms and error codes,
//! never a value of the answers or the credentials.

use std::fmt;

use serde_json::{json, Value};

use super::{Endpoint, Finding};
use crate::{Error, HttpRequest, HttpResponse, Page};

/// What became of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A redirect, followed as the product follows it.
    Redirected,
    /// A page read; the product asked for the next one (a list it filters itself).
    MorePages,
    /// The product read the answer: how many items.
    Read(String),
    /// The product could not use the answer: its error code, and the JSON path for an answer
    /// it could not read.
    Failed {
        /// The core's error code.
        code: &'static str,
        /// Where the answer could not be read.
        path: Option<String>,
    },
    /// Not sent: the request could not be built (the code says why).
    NotSent(&'static str),
    /// No answer (connection refused, timeout, TLS...).
    Unreachable(String),
}

impl Outcome {
    pub(crate) fn read(page: &Page) -> Self {
        Self::Read(match page {
            Page::Conversations(p) => format!("{} conversations", p.items.len()),
            Page::Messages(p) => format!("{} messages", p.items.len()),
        })
    }

    pub(crate) fn failed(error: &Error) -> Self {
        let path = match error {
            Error::MalformedResponse { path, .. } => Some(path.clone()),
            _ => None,
        };
        Self::Failed {
            code: error.code().as_str(),
            path,
        }
    }
}

/// One call to a provider.
#[derive(Debug, Clone)]
pub struct Call {
    /// The documented endpoint called, or `None` for a path without a contract.
    pub endpoint: Option<Endpoint>,
    /// The answer's status.
    pub status: Option<u16>,
    /// The contract's findings (`None`: not checked, e.g. an error status or a redirect).
    pub findings: Option<Vec<Finding>>,
    /// What the product made of it.
    pub outcome: Outcome,
}

impl Call {
    pub(crate) fn answered(
        request: &HttpRequest,
        response: &HttpResponse,
        findings: Option<Vec<Finding>>,
    ) -> Self {
        Self {
            endpoint: Endpoint::of(request),
            status: Some(response.status),
            findings,
            outcome: Outcome::Redirected,
        }
    }

    pub(crate) fn unreachable(request: &HttpRequest, kind: String) -> Self {
        Self {
            endpoint: Endpoint::of(request),
            status: None,
            findings: None,
            outcome: Outcome::Unreachable(kind),
        }
    }

    /// A call not made: `error` says why (its code only).
    pub fn not_sent(error: &Error) -> Self {
        Self {
            endpoint: None,
            status: None,
            findings: None,
            outcome: Outcome::NotSent(error.code().as_str()),
        }
    }

    fn failed(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Failed { .. } | Outcome::NotSent(_) | Outcome::Unreachable(_)
        )
    }
}

/// The calls made with one provider's credentials.
#[derive(Debug, Clone)]
pub struct Section {
    /// The provider and the account, by the last characters of its id.
    pub title: String,
    /// In the order made.
    pub calls: Vec<Call>,
}

impl Section {
    /// A section for credentials the product refuses before any call.
    pub fn refused(title: String, error: &Error) -> Self {
        Self {
            title,
            calls: vec![Call::not_sent(error)],
        }
    }
}

/// Everything the doctor found.
#[derive(Debug, Clone)]
pub struct Report {
    /// One per provider checked.
    pub sections: Vec<Section>,
}

impl Report {
    fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.sections
            .iter()
            .flat_map(|s| &s.calls)
            .flat_map(|c| c.findings.iter().flatten())
    }

    /// Differences from the documented contracts.
    pub fn differences(&self) -> usize {
        self.findings().count()
    }

    /// Differences in keys linkedin-inbox reads.
    pub fn breaking(&self) -> usize {
        self.findings().filter(|f| f.breaks.is_some()).count()
    }

    /// Calls that failed or could not be made.
    pub fn failures(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.calls)
            .filter(|c| c.failed())
            .count()
    }

    /// Nothing to report: every answer as documented and read.
    pub fn all_clear(&self) -> bool {
        !self.sections.is_empty() && self.differences() == 0 && self.failures() == 0
    }
}

impl Outcome {
    fn to_json(&self) -> Value {
        match self {
            Self::Redirected => json!({ "kind": "redirected" }),
            Self::MorePages => json!({ "kind": "morePages" }),
            Self::Read(what) => json!({ "kind": "read", "detail": what }),
            Self::Failed { code, path } => json!({ "kind": "failed", "code": code, "path": path }),
            Self::NotSent(code) => json!({ "kind": "notSent", "code": code }),
            Self::Unreachable(kind) => json!({ "kind": "unreachable", "detail": kind }),
        }
    }
}

impl Report {
    /// The report as JSON (what the Worker's operator route answers): the same endpoints,
    /// statuses, paths, forms and codes as the text, and the verdict's counts.
    pub fn to_json(&self) -> Value {
        let sections: Vec<Value> = self
            .sections
            .iter()
            .map(|section| {
                let calls: Vec<Value> = section
                    .calls
                    .iter()
                    .map(|call| {
                        let findings = call.findings.as_ref().map(|findings| {
                            findings
                                .iter()
                                .map(|f| {
                                    json!({
                                        "path": f.path,
                                        "difference": f.difference.summary(),
                                        "breaks": f.breaks,
                                    })
                                })
                                .collect::<Vec<_>>()
                        });
                        json!({
                            "endpoint": call.endpoint.map(Endpoint::name),
                            "status": call.status,
                            "findings": findings,
                            "outcome": call.outcome.to_json(),
                        })
                    })
                    .collect();
                json!({ "title": section.title, "calls": calls })
            })
            .collect();
        json!({
            "allClear": self.all_clear(),
            "differences": self.differences(),
            "breaking": self.breaking(),
            "failures": self.failures(),
            "sections": sections,
        })
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self
            .endpoint
            .map_or("a path without a documented contract", Endpoint::name);
        match self.status {
            Some(status) => writeln!(f, "  {name}: HTTP {status}")?,
            None => writeln!(f, "  {name}")?,
        }
        match &self.findings {
            Some(findings) if findings.is_empty() => writeln!(f, "    as documented")?,
            Some(findings) => {
                for finding in findings {
                    writeln!(f, "    differs: {finding}")?;
                }
            }
            None => {}
        }
        match &self.outcome {
            Outcome::Redirected => writeln!(f, "    a redirect, followed"),
            Outcome::MorePages => writeln!(f, "    read; the next page asked for"),
            Outcome::Read(what) => writeln!(f, "    linkedin-inbox reads it: {what}"),
            Outcome::Failed {
                code,
                path: Some(path),
            } => {
                writeln!(f, "    linkedin-inbox cannot read it: {code} at {path}")
            }
            Outcome::Failed { code, path: None } => {
                writeln!(f, "    linkedin-inbox answers {code}")
            }
            Outcome::NotSent(code) => writeln!(f, "    not sent: {code}"),
            Outcome::Unreachable(kind) => writeln!(f, "    no answer: {kind}"),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sections.is_empty() {
            return writeln!(f, "Nothing to check: no provider credentials were given.");
        }
        for section in &self.sections {
            writeln!(f, "{}", section.title)?;
            for call in &section.calls {
                write!(f, "{call}")?;
            }
            writeln!(f)?;
        }
        if self.all_clear() {
            return writeln!(
                f,
                "All clear: every answer is as its provider documents it, and linkedin-inbox \
                 reads it."
            );
        }
        writeln!(
            f,
            "{} difference(s) from the documented answers, {} in what linkedin-inbox reads; \
             {} call(s) failed.",
            self.differences(),
            self.breaking(),
            self.failures()
        )?;
        writeln!(
            f,
            "This report holds no key, session, id or message text: it can be shared as it is."
        )
    }
}
