//! The one driver of an [`Exchange`], run natively over a scripted transport: redirects
//! followed, a filtered walk's further pages read, stopped or failed.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use linkedin_inbox::{
    drive, ApiKey, Backend, ConnectSafely, ConversationQuery, Error, ErrorCode, Exchange,
    HttpRequest, HttpResponse, Operation, Page, Result, Routes, Step, Transport,
};
use serde_json::json;

const BASE: &str = "http://127.0.0.1:9";

/// The direct ConnectSafely backend (its list answered after a 307).
fn backend() -> Backend {
    let cs = ConnectSafely::with_base_url(ApiKey::new("cs-key"), &format!("{BASE}/linkedin"));
    Backend::Direct {
        connectsafely: Some(cs.unwrap()),
        linkup: None,
        account_id: None,
        routes: Routes::default(),
    }
}

/// Unread conversations naming "person": filtered here, over several upstream pages.
fn filtered(count: u32) -> Operation {
    Operation::ListConversations(ConversationQuery {
        unread: Some(true),
        keywords: Some("person".into()),
        count: Some(count),
        ..Default::default()
    })
}

/// A successor page of `ids` (unread when the id ends in `u`), with `next` as its cursor.
fn page(ids: &[&str], next: Option<&str>) -> Result<HttpResponse> {
    let conversations: Vec<_> = ids
        .iter()
        .map(|id| {
            json!({
                "conversationUrn": format!("urn:li:msg_conversation:(urn:li:fsd_profile:OWNER,{id})"),
                "conversationId": id,
                "unreadCount": u32::from(id.ends_with('u')),
                "participants": [{"profileId": "P", "name": format!("Person {id}")}],
                "latestMessage": {"text": "hi", "sentAt": 1}
            })
        })
        .collect();
    let body =
        json!({"conversations": conversations, "nextCursor": next, "hasMore": next.is_some()});
    Ok(HttpResponse::new(200, body.to_string()))
}

fn moved() -> Result<HttpResponse> {
    Ok(HttpResponse::new(307, "").with_header("location", "/linkedin/conversations"))
}

/// Answers each request with the next scripted response; lets `budget` further pages through.
struct Scripted {
    responses: VecDeque<Result<HttpResponse>>,
    budget: std::result::Result<u32, ErrorCode>,
    sent: Vec<String>,
    /// What the exchange made of each response: "follow", "send", "done" or an error code.
    steps: Vec<String>,
}

impl Scripted {
    fn new(responses: Vec<Result<HttpResponse>>, budget: u32) -> Self {
        Self {
            responses: responses.into(),
            budget: Ok(budget),
            sent: Vec::new(),
            steps: Vec::new(),
        }
    }
}

impl Transport for Scripted {
    async fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse> {
        self.sent.push(request.url.replace(BASE, ""));
        self.responses.pop_front().expect("a scripted response")
    }

    fn received(&mut self, step: &Result<Step>) {
        self.steps.push(match step {
            Ok(Step::Follow(_)) => "follow".into(),
            Ok(Step::Send(_)) => "send".into(),
            Ok(Step::Done(_)) => "done".into(),
            Err(error) => format!("{:?}", error.code()),
        });
    }

    async fn before_next_page(&mut self) -> Result<bool> {
        match &mut self.budget {
            Ok(0) => Ok(false),
            Ok(left) => {
                *left -= 1;
                Ok(true)
            }
            Err(_) => Err(Error::Unavailable {
                message: "the ledger failed".into(),
            }),
        }
    }
}

/// Runs the driver to its answer: the scripted transport never waits.
fn run(operation: Operation, transport: &mut Scripted) -> Result<Page> {
    let (exchange, first) = Exchange::start(backend(), operation).unwrap();
    let mut driven = pin!(drive(exchange, first, transport));
    match driven
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(answer) => answer,
        Poll::Pending => panic!("a scripted transport answers at once"),
    }
}

fn ids(page: &Page) -> Vec<&str> {
    match page {
        Page::Conversations(page) => page.items.iter().map(|c| c.id.as_str()).collect(),
        Page::Messages(_) => panic!("a list"),
    }
}

fn next_cursor(page: &Page) -> Option<&str> {
    match page {
        Page::Conversations(page) => page.next_cursor.as_deref(),
        Page::Messages(_) => panic!("a list"),
    }
}

#[test]
fn a_redirect_is_followed_and_further_pages_are_read_until_the_count_is_met() {
    let mut transport = Scripted::new(
        vec![
            moved(),
            page(&["2-a", "2-bu"], Some("p2")),
            page(&["2-c", "2-du", "2-eu"], Some("p3")),
        ],
        5,
    );
    let answer = run(filtered(3), &mut transport).unwrap();
    assert_eq!(ids(&answer), ["2-bu", "2-du", "2-eu"]);
    assert_eq!(transport.sent.len(), 3);
    assert!(
        transport.sent[2].contains("nextCursor=p2"),
        "{:?}",
        transport.sent
    );
    assert_eq!(transport.steps, ["follow", "send", "done"]);
    assert_eq!(transport.budget, Ok(4), "one further page let through");
}

#[test]
fn a_transport_may_stop_before_a_further_page_and_gets_what_was_gathered() {
    let mut transport = Scripted::new(vec![moved(), page(&["2-a", "2-bu"], Some("p2"))], 0);
    let answer = run(filtered(3), &mut transport).unwrap();
    assert_eq!(ids(&answer), ["2-bu"]);
    assert!(next_cursor(&answer).is_some(), "a cursor to go on from p2");
    assert_eq!(transport.sent.len(), 2, "the further page is not read");
}

#[test]
fn a_refusal_of_the_transport_before_a_further_page_is_the_answer() {
    let mut transport = Scripted::new(vec![moved(), page(&["2-bu"], Some("p2"))], 0);
    transport.budget = Err(ErrorCode::Unavailable);
    let error = run(filtered(3), &mut transport).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Unavailable);
}

#[test]
fn a_failure_after_the_walk_gathered_answers_with_it_and_is_reported_first() {
    let failed = Err(Error::Network {
        message: "reset".into(),
    });
    let mut transport = Scripted::new(vec![moved(), page(&["2-au"], Some("p2")), failed], 5);
    let answer = run(filtered(3), &mut transport).unwrap();
    assert_eq!(ids(&answer), ["2-au"]);
    assert_eq!(transport.steps, ["follow", "send", "Network"]);
}

#[test]
fn a_failure_of_the_first_request_is_the_error() {
    let refused = Ok(HttpResponse::new(401, r#"{"error":"bad key"}"#));
    let mut transport = Scripted::new(vec![refused], 5);
    let error = run(filtered(3), &mut transport).unwrap_err();
    assert_eq!(transport.steps.len(), 1);
    assert_ne!(error.code(), ErrorCode::Unavailable);
}
