//! `GET /v1/conversations?account=all`: the client's merged index (`index_object/`)
//! answers the page; here the query is read, the cursor opened (sealed for the client, bound
//! to the filters) and handed over as a position.

use linkedin_inbox::Error;
use url::Url;
use worker::{Env, Response};

use crate::edge::context::Call;
use crate::index_object::PageAsk;
use crate::respond;
use crate::rules::merged_walk::{self, MAX_MERGED_LEN};
use crate::rules::query_params as query;
use crate::rules::triage::ViewFilter;

/// `GET /v1/conversations?account=all` for a client of several accounts.
pub async fn conversations(env: &Env, call: &Call, url: &Url) -> worker::Result<Response> {
    let refuse_cursor = |_: &str| -> Result<String, Error> { Err(invalid_cursor()) };
    let mut plain = url.clone();
    let presented = url
        .query_pairs()
        .filter(|(n, _)| n == "cursor")
        .last()
        .map(|(_, v)| v.into_owned());
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(n, _)| n != "cursor")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    plain.query_pairs_mut().clear().extend_pairs(kept);
    let query = match query::conversations(&plain, None, &refuse_cursor) {
        Ok(query) => query,
        Err(e) => return respond::core_error(&e),
    };
    let person = match query::person(url) {
        Ok(person) => person,
        Err(e) => return respond::core_error(&e),
    };
    let view = match view_of(url) {
        Ok(view) => view,
        Err(e) => return respond::core_error(&e),
    };
    // The cursor is bound to the member and the triage view too.
    let fingerprint = match (query.fingerprint(), &person) {
        (Ok(f), None) => f,
        // A member id is [A-Za-z0-9_-]: no `|`, which separates the cursor's fields.
        (Ok(f), Some(person)) => format!("{f}.person.{person}"),
        (Err(e), _) => return respond::core_error(&e),
    };
    let fingerprint = fingerprint
        + &view
            .as_ref()
            .map(ViewFilter::fingerprint)
            .unwrap_or_default();
    let client = &call.client().name;
    let after = match &presented {
        None => None,
        Some(presented) => {
            let opened = (presented.len() <= MAX_MERGED_LEN)
                .then(|| {
                    call.config
                        .cursor_key
                        .open(&merged_walk::scope(client), presented)
                        .ok()
                })
                .flatten()
                .and_then(|text| merged_walk::decode(&text, &fingerprint));
            match opened {
                Some(position) => Some(position),
                None => return respond::core_error(&invalid_cursor()),
            }
        }
    };
    let ask = PageAsk {
        client: client.clone(),
        fingerprint,
        unread: query.unread,
        keywords: query.keywords.clone(),
        person,
        view,
        count: query.count.unwrap_or(20),
        after,
        continued: presented.is_some(),
    };
    ask_index(env, &ask).await
}

/// A page of the client's index (its answer, or 503 when the index object failed).
pub async fn ask_index(env: &Env, ask: &PageAsk) -> worker::Result<Response> {
    crate::index_object::ask(env, &ask.client, "/page", serde_json::to_string(ask)?).await
}

/// The triage view of `?view=&label=&waiting=&quietDays=` (`None`: no view, every
/// conversation, as before triage).
pub fn view_of(url: &Url) -> Result<Option<ViewFilter>, Error> {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let view = ViewFilter::parse(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
    Ok(Some(view).filter(|v| !v.is_empty()))
}

fn invalid_cursor() -> Error {
    Error::InvalidCursor {
        reason: "not a cursor this proxy issued to this client".into(),
    }
}
