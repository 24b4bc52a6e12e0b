//! One operation as a short conversation with the provider, sans-IO: the transport sends each
//! request the exchange asks for and hands back the response, until the exchange answers a
//! page. It follows a redirect (one hop, same host only: ConnectSafely's seed path answers 307
//! to `/conversations`), and when the endpoint that answered cannot apply a list's `unread` and
//! `keywords` filters, it applies them itself, walking upstream pages (at most
//! [`MAX_FILTERED_PAGES`]) until it has `count` matches; its cursor then remembers the position
//! inside the upstream page, so nothing is skipped or repeated.

use crate::cursor::{Cursor, Provider};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::inbox::backend::{Backend, Operation, Page, Served};
use crate::model::{Conversation, ConversationPage};
use crate::query::ConversationQuery;

/// Upstream pages one filtered list request reads at most; the page it answers may then hold
/// fewer than `count` matches, with a cursor to continue.
pub const MAX_FILTERED_PAGES: u32 = 5;

/// What the transport does next.
#[derive(Debug)]
pub enum Step {
    /// Send this request (another upstream page of a list filtered here) and pass its response
    /// to [`Exchange::receive`]; a transport that meters pages may [`Exchange::finish`] instead.
    Send(HttpRequest),
    /// Send this request (a redirect of the last one) and pass its response back.
    Follow(HttpRequest),
    /// The answer.
    Done(Page),
}

/// A list filtered on our side: the caller's query and what was gathered so far.
struct Walk {
    query: ConversationQuery,
    want: usize,
    /// Items of the current upstream page already handed out by an earlier answer.
    skip: usize,
    /// The current upstream page's position (`upstream` "" for the first page).
    position: Cursor,
    items: Vec<Conversation>,
    pages: u32,
    first: Option<ConversationPage>,
}

/// One operation in progress (see the module documentation).
pub struct Exchange {
    backend: Backend,
    operation: Operation,
    request: HttpRequest,
    hops: u8,
    /// The ConnectSafely list is answered by the seed path's successor.
    successor: bool,
    /// The last request is a redirect's `Location` as given, not one built here: its page
    /// applied none of the query's filters, whatever the parser assumes.
    at_foreign_location: bool,
    calls: u32,
    credits: u32,
    walk: Option<Walk>,
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// `scheme://authority` of an absolute http(s) URL.
fn origin(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (end > 0).then(|| &url[..scheme_end + 3 + end])
}

/// `location` resolved against `base` (absolute, scheme-relative, path-absolute or relative).
fn resolve(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty() || location.chars().any(char::is_control) {
        return None;
    }
    if origin(location).is_some() {
        return Some(location.to_owned());
    }
    let base_origin = origin(base)?;
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = &base[..base.find("://")?];
        return Some(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Some(format!("{base_origin}{location}"));
    }
    let path = base[base_origin.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let directory = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let directory = if directory.is_empty() { "/" } else { directory };
    Some(format!("{base_origin}{directory}{location}"))
}

fn refused(status: u16, message: &str) -> Error {
    Error::UpstreamError {
        status,
        message: message.to_owned(),
    }
}

impl Exchange {
    /// Starts `operation` on `backend`: the exchange and the first request to send.
    pub fn start(backend: Backend, operation: Operation) -> Result<(Self, HttpRequest)> {
        let mut operation = backend.prepare(operation);
        let mut walk = None;
        if let (false, Operation::ListConversations(query)) =
            (matches!(backend, Backend::Proxy(_)), &mut operation)
        {
            walk = Some(Self::walk(&backend, query)?);
        }
        // A label is a filter of the successor only: ask it directly.
        let successor = match (&operation, backend.served(&operation)?) {
            (Operation::ListConversations(q), Served::ConnectSafely(..)) => q.label_id.is_some(),
            _ => false,
        };
        let request = match (&operation, backend.served(&operation)?) {
            (Operation::ListConversations(q), Served::ConnectSafely(client, _)) if successor => {
                client.build_conversations(q)?
            }
            _ => backend.build(&operation)?,
        };
        let exchange = Self {
            backend,
            operation,
            request: request.clone(),
            hops: 0,
            successor,
            at_foreign_location: false,
            calls: 0,
            credits: 0,
            walk,
        };
        Ok((exchange, request))
    }

    /// The walk state of a direct list; `query` loses a cursor's position inside its page
    /// (the upstream page is fetched whole and the position skipped here).
    fn walk(backend: &Backend, query: &mut ConversationQuery) -> Result<Walk> {
        let (provider, page_size) =
            match backend.served(&Operation::ListConversations(query.clone()))? {
                Served::Linkup(_) => (Provider::Linkup, 10),
                _ => (Provider::ConnectSafely, 20),
            };
        let fingerprint = query.check()?.fingerprint;
        let position = match query.cursor.as_deref() {
            Some(opaque) => Cursor::check(opaque, provider, &fingerprint)?,
            None => Cursor::upstream(provider, &fingerprint, String::new()),
        };
        let skip = position.skip as usize;
        query.cursor = (!position.upstream.is_empty())
            .then(|| Cursor::upstream(provider, &fingerprint, position.upstream.clone()).encode());
        Ok(Walk {
            want: query.count.map_or(page_size, |c| c as usize),
            query: query.clone(),
            skip,
            position: Cursor {
                skip: 0,
                ..position
            },
            items: Vec::new(),
            pages: 0,
            first: None,
        })
    }

    /// HTTP requests sent so far (a redirect counts).
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// LinkupAPI credits the answered requests cost.
    pub fn credits(&self) -> u32 {
        self.credits
    }

    /// Reads the response to the last request: the next request, or the answer.
    pub fn receive(&mut self, response: &HttpResponse) -> Result<Step> {
        self.calls += 1;
        if is_redirect(response.status) && !matches!(self.backend, Backend::Proxy(_)) {
            return self.follow(response).map(Step::Follow);
        }
        self.hops = 0;
        let page = self
            .backend
            .parse_answer(&self.operation, response, self.successor)?;
        match page {
            Page::Messages(mut page) => {
                self.credits += page.credit_cost;
                page.credit_cost = self.credits;
                Ok(Step::Done(Page::Messages(page)))
            }
            Page::Conversations(mut page) => {
                self.credits += page.credit_cost;
                let filtered =
                    matches!(&self.operation, Operation::ListConversations(q) if q.filters());
                page.filters_applied &= !(self.at_foreign_location && filtered);
                self.conversations(page)
            }
        }
    }

    fn follow(&mut self, response: &HttpResponse) -> Result<HttpRequest> {
        let status = response.status;
        if self.hops >= 1 {
            return Err(refused(
                status,
                "the provider redirected more than once; refused",
            ));
        }
        let target = response
            .header("location")
            .and_then(|location| resolve(&self.request.url, location))
            .ok_or_else(|| refused(status, "the provider redirected without a usable Location"))?;
        if origin(&target).map(str::to_ascii_lowercase)
            != origin(&self.request.url).map(str::to_ascii_lowercase)
        {
            return Err(refused(
                status,
                "the provider redirected to another host; refused",
            ));
        }
        self.hops += 1;
        // A ConnectSafely list that moved is answered by an endpoint that may not filter: its
        // page is filtered here whatever it says. When it moved to the successor, our own
        // request for it is sent (every parameter, the cursor included), not the Location's.
        if let (Operation::ListConversations(query), Ok(Served::ConnectSafely(client, _))) =
            (&self.operation, self.backend.served(&self.operation))
        {
            self.successor = true;
            let path = target.split(['?', '#']).next().unwrap_or_default();
            if path.trim_end_matches('/').ends_with("/conversations") {
                let rebuilt = client.build_conversations(query)?;
                if origin(&rebuilt.url).map(str::to_ascii_lowercase)
                    == origin(&target).map(str::to_ascii_lowercase)
                {
                    self.at_foreign_location = false;
                    self.request = rebuilt;
                    return Ok(self.request.clone());
                }
            }
        }
        self.at_foreign_location = true;
        self.request = HttpRequest {
            url: target,
            ..self.request.clone()
        };
        Ok(self.request.clone())
    }

    fn conversations(&mut self, page: ConversationPage) -> Result<Step> {
        let Some(walk) = self.walk.as_mut() else {
            return Ok(Step::Done(Page::Conversations(page)));
        };
        // The provider filtered (or there is nothing to filter): its page is the answer.
        if page.filters_applied && walk.skip == 0 && walk.items.is_empty() {
            let credit_cost = self.credits;
            return Ok(Step::Done(Page::Conversations(ConversationPage {
                credit_cost,
                ..page
            })));
        }
        let filtered_here = !page.filters_applied;
        let ConversationPage {
            items, next_cursor, ..
        } = page.clone();
        if walk.first.is_none() {
            walk.first = Some(page);
        }
        let count = items.len();
        for (index, item) in items.into_iter().enumerate().skip(walk.skip) {
            if filtered_here && !walk.query.matches(&item) {
                continue;
            }
            walk.items.push(item);
            if walk.items.len() >= walk.want {
                let next = match index + 1 < count {
                    true => Some(
                        Cursor {
                            skip: (index + 1) as u32,
                            ..walk.position.clone()
                        }
                        .encode(),
                    ),
                    false => next_cursor,
                };
                return Ok(self.answer(next));
            }
        }
        walk.pages += 1;
        walk.skip = 0;
        let Some(next) = next_cursor else {
            return Ok(self.answer(None));
        };
        if walk.pages >= MAX_FILTERED_PAGES {
            return Ok(self.answer(Some(next)));
        }
        walk.position = Cursor::decode(&next)?;
        let query = ConversationQuery {
            cursor: Some(next),
            ..walk.query.clone()
        };
        self.operation = Operation::ListConversations(query.clone());
        let request = match (self.successor, self.backend.served(&self.operation)?) {
            (true, Served::ConnectSafely(client, _)) => client.build_conversations(&query)?,
            _ => self.backend.build(&self.operation)?,
        };
        self.at_foreign_location = false;
        self.request = request.clone();
        Ok(Step::Send(request))
    }

    /// Answers now with what a filtered walk gathered, and a cursor to go on from the page it
    /// would have read next (for a transport out of budget). `None` outside a walk.
    pub fn finish(mut self) -> Option<Page> {
        let walk = self.walk.as_ref()?;
        walk.first.as_ref()?;
        let next = Some(
            Cursor {
                skip: 0,
                ..walk.position.clone()
            }
            .encode(),
        );
        match self.answer(next) {
            Step::Done(page) => Some(page),
            _ => None,
        }
    }

    /// After a failure: the page gathered so far when a filtered walk has read at least one
    /// upstream page (the next request continues from where it stopped), else the error.
    pub fn recover(self, error: Error) -> Result<Page> {
        let gathered = self.walk.as_ref().is_some_and(|w| w.first.is_some());
        match gathered {
            true => self.finish().ok_or(error),
            false => Err(error),
        }
    }

    /// The page gathered by a walk.
    fn answer(&mut self, next_cursor: Option<String>) -> Step {
        let walk = self.walk.as_mut().expect("answer ends a walk");
        let first = walk.first.take();
        Step::Done(Page::Conversations(ConversationPage {
            items: std::mem::take(&mut walk.items),
            next_cursor,
            // A total is the provider's, for a query it filtered itself.
            total: first
                .as_ref()
                .filter(|f| f.filters_applied)
                .and_then(|f| f.total),
            account_id: first.as_ref().and_then(|f| f.account_id.clone()),
            owner_profile_urn: first.and_then(|f| f.owner_profile_urn),
            filters_applied: true,
            credit_cost: self.credits,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_request() {
        let base = "http://127.0.0.1:9/linkedin/messaging/recent-messages?count=5";
        assert_eq!(
            resolve(base, "/linkedin/conversations?count=5").as_deref(),
            Some("http://127.0.0.1:9/linkedin/conversations?count=5")
        );
        assert_eq!(
            resolve(base, "conversations").as_deref(),
            Some("http://127.0.0.1:9/linkedin/messaging/conversations")
        );
        assert_eq!(
            resolve(base, "https://evil.example/x").as_deref(),
            Some("https://evil.example/x")
        );
        assert_eq!(
            resolve(base, "//evil.example/x").as_deref(),
            Some("http://evil.example/x")
        );
        assert_eq!(resolve(base, ""), None);
        assert_eq!(origin("http://127.0.0.1:9/x"), Some("http://127.0.0.1:9"));
        assert_eq!(origin("javascript:alert(1)"), None);
        assert_eq!(origin("ftp://h/x"), None);
    }
}
