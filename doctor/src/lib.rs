//! The doctor: with a user's own keys, a few read-only calls to each configured provider (one
//! page of the inbox, one thread), each answer checked against the provider's documented
//! contract (`linkedin_inbox::contract`) and read by the core as the product reads it. The
//! report names endpoints, JSON paths, forms and error codes only: never a key, a session, an
//! id of a person or a word of a message, so it can be pasted into an issue as it is.

mod report;
mod transport;

use std::future::Future;
use std::task::{Context, Poll, Waker};

use linkedin_inbox::contract::{self, Endpoint};
use linkedin_inbox::{
    ApiKey, Backend, ConnectSafely, ConversationQuery, Error, Exchange, HttpRequest, HttpResponse,
    Linkup, LoginToken, MessageQuery, Operation, Page, Provider, Routes, Step,
};

pub use report::{Call, Outcome, Report, Section};
pub use transport::{Transport, Ureq};

/// Items asked for per call: one credit of LinkupAPI's "1 per 10 results".
pub const PAGE_SIZE: u32 = 5;

/// What to check: the providers the user has credentials for.
pub struct Credentials {
    /// ConnectSafely key and the LinkedIn account's id there.
    pub connectsafely: Option<(ApiKey, String)>,
    /// LinkupAPI key and a v1 `login_token`.
    pub linkup_v1: Option<(ApiKey, LoginToken)>,
    /// LinkupAPI key and a v2 connected account id.
    pub linkup_v2: Option<(ApiKey, String)>,
    /// ConnectSafely's base URL (its real one unless testing).
    pub connectsafely_url: String,
    /// LinkupAPI's base URL (its real one unless testing).
    pub linkup_url: String,
}

/// Runs every check the credentials allow, in order: ConnectSafely, LinkupAPI v1, v2.
pub fn run(credentials: &Credentials, transport: &mut impl Transport) -> Report {
    let mut sections = Vec::new();
    if let Some((key, account)) = &credentials.connectsafely {
        let title = format!("ConnectSafely (account ending {})", tail(account));
        let client = ConnectSafely::with_base_url(key.clone(), &credentials.connectsafely_url);
        sections.push(match client {
            Ok(client) => check_provider(
                title,
                direct(
                    Some(client),
                    None,
                    Some(account.clone()),
                    Provider::ConnectSafely,
                ),
                transport,
            ),
            Err(e) => Section::refused(title, &e),
        });
    }
    if let Some((key, token)) = &credentials.linkup_v1 {
        let title = "LinkupAPI v1 (login_token)".to_owned();
        let client = Linkup::with_base_url(key.clone(), token.clone(), &credentials.linkup_url);
        sections.push(match client {
            Ok(client) => check_provider(
                title,
                direct(None, Some(client), None, Provider::Linkup),
                transport,
            ),
            Err(e) => Section::refused(title, &e),
        });
    }
    if let Some((key, account)) = &credentials.linkup_v2 {
        let title = format!("LinkupAPI v2 (account ending {})", tail(account));
        let client = Linkup::v2(key.clone(), account, &credentials.linkup_url);
        sections.push(match client {
            Ok(client) => check_provider(
                title,
                direct(None, Some(client), None, Provider::Linkup),
                transport,
            ),
            Err(e) => Section::refused(title, &e),
        });
    }
    Report { sections }
}

/// The last two characters of an id: enough to tell accounts apart, not to name one.
fn tail(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    chars[chars.len().saturating_sub(2)..].iter().collect()
}

fn direct(
    connectsafely: Option<ConnectSafely>,
    linkup: Option<Linkup>,
    account_id: Option<String>,
    provider: Provider,
) -> Backend {
    Backend::Direct {
        connectsafely,
        linkup,
        account_id,
        routes: Routes {
            list: Some(provider),
            threads: Some(provider),
        },
    }
}

/// One page of the inbox, then the first conversation's newest messages.
fn check_provider(title: String, backend: Backend, transport: &mut impl Transport) -> Section {
    let mut calls = Vec::new();
    let list = Operation::ListConversations(ConversationQuery {
        count: Some(PAGE_SIZE),
        ..Default::default()
    });
    let first = match drive(&backend, list, transport, &mut calls) {
        Ok(Page::Conversations(page)) => page.items.first().map(|c| c.id.clone()),
        _ => None,
    };
    if let Some(conversation_id) = first {
        let thread = Operation::ListMessages(MessageQuery {
            conversation_id: Some(conversation_id),
            count: Some(PAGE_SIZE),
            ..Default::default()
        });
        let _ = drive(&backend, thread, transport, &mut calls);
    }
    Section { title, calls }
}

/// Runs one operation as the product does (the core's `Exchange`, driven by the core's
/// `drive`), recording each call. `Err` when any call failed.
fn drive(
    backend: &Backend,
    operation: Operation,
    transport: &mut impl Transport,
    calls: &mut Vec<Call>,
) -> Result<Page, ()> {
    let operation = backend.prepare(operation);
    let (exchange, request) = match Exchange::start(backend.clone(), operation) {
        Ok(started) => started,
        Err(e) => {
            calls.push(Call::not_sent(&e));
            return Err(());
        }
    };
    let mut recorded = Recorded {
        transport,
        calls,
        answered: None,
        failed: false,
    };
    let answer = {
        let driven = std::pin::pin!(linkedin_inbox::drive(exchange, request, &mut recorded));
        // The doctor's transport blocks: the driver's future is ready when first polled.
        let Poll::Ready(answer) = driven.poll(&mut Context::from_waker(Waker::noop())) else {
            unreachable!("a blocking transport never leaves the driver pending")
        };
        answer
    };
    match recorded.failed {
        true => Err(()),
        false => answer.map_err(|_| ()),
    }
}

/// The doctor's transport as the core's driver uses it: each call recorded with what the
/// exchange made of its answer.
struct Recorded<'a, T> {
    transport: &'a mut T,
    calls: &'a mut Vec<Call>,
    /// The last call's request and answer, until the exchange reads it.
    answered: Option<(HttpRequest, HttpResponse)>,
    failed: bool,
}

impl<T: Transport> linkedin_inbox::Transport for Recorded<'_, T> {
    async fn send(&mut self, request: &HttpRequest) -> linkedin_inbox::Result<HttpResponse> {
        match self.transport.send(request) {
            Ok(response) => {
                self.answered = Some((request.clone(), response.clone()));
                Ok(response)
            }
            Err(kind) => {
                self.calls.push(Call::unreachable(request, kind.clone()));
                self.failed = true;
                Err(Error::Network { message: kind })
            }
        }
    }

    fn received(&mut self, step: &linkedin_inbox::Result<Step>) {
        let Some((request, response)) = self.answered.take() else {
            return; // unreachable: recorded when it failed
        };
        let mut call = Call::answered(&request, &response, checked(&request, &response));
        call.outcome = match step {
            Ok(Step::Follow(_)) => Outcome::Redirected,
            Ok(Step::Send(_)) => Outcome::MorePages,
            Ok(Step::Done(page)) => Outcome::read(page),
            Err(error) => {
                self.failed = true;
                Outcome::failed(error)
            }
        };
        self.calls.push(call);
    }
}

/// The contract's findings for a successful answer of a documented endpoint.
fn checked(request: &HttpRequest, response: &HttpResponse) -> Option<Vec<contract::Finding>> {
    let endpoint = Endpoint::of(request)?;
    (200..300)
        .contains(&response.status)
        .then(|| contract::check(endpoint, &response.body))
}
