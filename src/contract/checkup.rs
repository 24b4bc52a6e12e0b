//! The doctor's checks, free of any transport: one page of the inbox, then the first
//! conversation's newest messages, each operation run as the product runs it (the core's
//! [`Exchange`], driven by the one driver, [`drive`]) and each answer checked against its
//! documented contract ([`check`]). The caller sends each request ([`Checker::send`]): the CLI
//! doctor with `ureq`, the Worker's operator route through the account's object, metered like
//! any call. What it records is the redacted [`Section`].

use std::future::Future;

use super::report::{Call, Outcome, Section};
use super::{check, Endpoint, Finding};
use crate::inbox::{drive, Transport};
use crate::{
    Backend, ConversationQuery, Error, Exchange, HttpRequest, HttpResponse, MessageQuery,
    Operation, Page, Result, Step,
};

/// Items asked for per call: one credit of LinkupAPI's "1 per 10 results".
pub const PAGE_SIZE: u32 = 5;

/// Why a request of the checks got no answer.
#[derive(Debug)]
pub enum Unsent {
    /// The caller did not send it (a budget or a pause of its own; the error says which):
    /// recorded by its code, and the checks end there.
    Refused(Error),
    /// It was sent and no answer came.
    Unreachable {
        /// What kept it from being answered, as the report shows it (never a URL or a header).
        kind: String,
        /// What the core makes of it (a metering caller settles the call with it).
        error: Error,
    },
}

/// How the checks reach the provider.
pub trait Checker {
    /// Sends one request: its response, whatever its status, or why none came.
    fn send(
        &mut self,
        request: &HttpRequest,
    ) -> impl Future<Output = std::result::Result<HttpResponse, Unsent>>;

    /// What the core made of the last answer (or of its absence), before the checks go on: a
    /// metering caller settles the call with it.
    fn received(&mut self, _step: &Result<Step>) {}
}

/// Runs the checks of `backend` (its routes name the provider checked) under `title`.
pub async fn checkup<C: Checker>(title: String, backend: Backend, checker: &mut C) -> Section {
    let mut recorder = Recorder {
        checker,
        calls: Vec::new(),
        answered: None,
        refused: false,
    };
    let list = Operation::ListConversations(ConversationQuery {
        count: Some(PAGE_SIZE),
        ..Default::default()
    });
    // Then the thread of the list's first conversation, if it named one.
    if let Some(Page::Conversations(page)) = recorder.run(&backend, list).await {
        if let Some(first) = page.items.first() {
            let thread = Operation::ListMessages(MessageQuery {
                conversation_id: Some(first.id.clone()),
                count: Some(PAGE_SIZE),
                ..Default::default()
            });
            recorder.run(&backend, thread).await;
        }
    }
    Section {
        title,
        calls: recorder.calls,
    }
}

/// The driver's transport for the checks: each call recorded with what the core made of it.
struct Recorder<'a, C> {
    checker: &'a mut C,
    calls: Vec<Call>,
    /// The last answered call, until the core says what it made of the answer.
    answered: Option<Call>,
    /// Whether the caller refused a request (the checks end there).
    refused: bool,
}

impl<C: Checker> Recorder<'_, C> {
    /// One operation driven to its page; `None` when it failed or a request was refused.
    async fn run(&mut self, backend: &Backend, operation: Operation) -> Option<Page> {
        let operation = backend.prepare(operation);
        let (exchange, request) = match Exchange::start(backend.clone(), operation) {
            Ok(started) => started,
            Err(e) => {
                self.calls.push(Call::not_sent(&e));
                return None;
            }
        };
        let page = drive(exchange, request, self).await.ok();
        page.filter(|_| !self.refused)
    }
}

impl<C: Checker> Transport for Recorder<'_, C> {
    async fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse> {
        match self.checker.send(request).await {
            Ok(response) => {
                let findings = checked(request, &response);
                self.answered = Some(Call::answered(request, &response, findings));
                Ok(response)
            }
            Err(Unsent::Refused(error)) => {
                self.calls.push(Call::not_sent(&error));
                self.refused = true;
                Err(error)
            }
            Err(Unsent::Unreachable { kind, error }) => {
                self.calls.push(Call::unreachable(request, kind));
                Err(error)
            }
        }
    }

    fn received(&mut self, step: &Result<Step>) {
        if let Some(mut call) = self.answered.take() {
            call.outcome = match step {
                Ok(Step::Follow(_)) => Outcome::Redirected,
                Ok(Step::Send(_)) => Outcome::MorePages,
                Ok(Step::Done(page)) => Outcome::read(page),
                Err(error) => Outcome::failed(error),
            };
            self.calls.push(call);
        }
        self.checker.received(step);
    }
}

/// The contract's findings for a successful answer of a documented endpoint.
fn checked(request: &HttpRequest, response: &HttpResponse) -> Option<Vec<Finding>> {
    let endpoint = Endpoint::of(request)?;
    (200..300)
        .contains(&response.status)
        .then(|| check(endpoint, &response.body))
}
