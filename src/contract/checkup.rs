//! The doctor's checks, free of any transport: one page of the inbox, then the first
//! conversation's newest messages, each operation run as the product runs it (the core's
//! [`Exchange`]) and each answer checked against its documented contract ([`check`]). The
//! caller sends each request it is handed and gives the answer back ([`Checkup::receive`]):
//! the CLI doctor does so with `ureq`, the Worker's operator route through the account's
//! object, metered like any call. What it records is the redacted [`Section`].

use super::report::{Call, Outcome, Section};
use super::{check, Endpoint, Finding};
use crate::{
    Backend, ConversationQuery, Error, Exchange, HttpRequest, HttpResponse, MessageQuery,
    Operation, Page, Step,
};

/// Items asked for per call: one credit of LinkupAPI's "1 per 10 results".
pub const PAGE_SIZE: u32 = 5;

/// What the caller does next.
#[derive(Debug)]
pub enum Next {
    /// Send this request and pass its answer (or why there was none) to [`Checkup::receive`].
    Send(HttpRequest),
    /// Every check is made.
    Done(Section),
}

/// The checks of one provider's credentials, in progress.
pub struct Checkup {
    backend: Backend,
    title: String,
    calls: Vec<Call>,
    /// The operation in flight and the request sent for it.
    current: Option<(Exchange, HttpRequest)>,
    /// Whether the list was asked for already (then the thread is, if the list named one).
    listed: bool,
    /// What the core made of the last answer, when it could not use it.
    last_error: Option<Error>,
}

impl Checkup {
    /// Starts the checks of `backend` (its routes name the provider checked) under `title`.
    pub fn start(title: String, backend: Backend) -> (Self, Next) {
        let mut checkup = Self {
            backend,
            title,
            calls: Vec::new(),
            current: None,
            listed: false,
            last_error: None,
        };
        let list = Operation::ListConversations(ConversationQuery {
            count: Some(PAGE_SIZE),
            ..Default::default()
        });
        let next = checkup.begin(list);
        (checkup, next)
    }

    /// The answer to the request last handed out; `Err` says why there was none (never a URL
    /// or a header).
    pub fn receive(&mut self, answer: Result<HttpResponse, String>) -> Next {
        let Some((mut exchange, request)) = self.current.take() else {
            return self.finish();
        };
        let response = match answer {
            Ok(response) => response,
            Err(kind) => {
                self.calls.push(Call::unreachable(&request, kind));
                return self.after(None);
            }
        };
        let mut call = Call::answered(&request, &response, checked(&request, &response));
        self.last_error = None;
        match exchange.receive(&response) {
            Ok(Step::Follow(next)) => {
                call.outcome = Outcome::Redirected;
                self.calls.push(call);
                self.send(exchange, next)
            }
            Ok(Step::Send(next)) => {
                call.outcome = Outcome::MorePages;
                self.calls.push(call);
                self.send(exchange, next)
            }
            Ok(Step::Done(page)) => {
                call.outcome = Outcome::read(&page);
                self.calls.push(call);
                self.after(Some(page))
            }
            Err(error) => {
                call.outcome = Outcome::failed(&error);
                self.calls.push(call);
                self.last_error = Some(error);
                self.after(None)
            }
        }
    }

    /// The request last handed out is not sent (a budget or a pause of the caller's refused
    /// it, `error` says which): recorded by its code, and the checks end there.
    pub fn refuse(&mut self, error: &Error) -> Next {
        self.calls.push(Call::not_sent(error));
        self.finish()
    }

    /// The error the core made of the last answer, if it could not use it (what a metering
    /// caller settles the call with).
    pub fn last_error(&self) -> Option<&Error> {
        self.last_error.as_ref()
    }

    fn send(&mut self, exchange: Exchange, request: HttpRequest) -> Next {
        self.current = Some((exchange, request.clone()));
        Next::Send(request)
    }

    fn begin(&mut self, operation: Operation) -> Next {
        let operation = self.backend.prepare(operation);
        match Exchange::start(self.backend.clone(), operation) {
            Ok((exchange, request)) => self.send(exchange, request),
            Err(e) => {
                self.calls.push(Call::not_sent(&e));
                self.finish()
            }
        }
    }

    /// After an operation: the thread of the list's first conversation, or the end.
    fn after(&mut self, page: Option<Page>) -> Next {
        if self.listed {
            return self.finish();
        }
        self.listed = true;
        let first = match page {
            Some(Page::Conversations(page)) => page.items.first().map(|c| c.id.clone()),
            _ => None,
        };
        match first {
            Some(conversation_id) => self.begin(Operation::ListMessages(MessageQuery {
                conversation_id: Some(conversation_id),
                count: Some(PAGE_SIZE),
                ..Default::default()
            })),
            None => self.finish(),
        }
    }

    fn finish(&mut self) -> Next {
        self.current = None;
        Next::Done(Section {
            title: std::mem::take(&mut self.title),
            calls: std::mem::take(&mut self.calls),
        })
    }
}

/// The contract's findings for a successful answer of a documented endpoint.
fn checked(request: &HttpRequest, response: &HttpResponse) -> Option<Vec<Finding>> {
    let endpoint = Endpoint::of(request)?;
    (200..300)
        .contains(&response.status)
        .then(|| check(endpoint, &response.body))
}
