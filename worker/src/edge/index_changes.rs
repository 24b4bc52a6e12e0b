//! `GET /v1/changes` for a client of more than `MAX_MERGED_ACCOUNTS` accounts: the client's
//! index answers (`index_object/changes.rs`) with one mark, whatever the number of accounts;
//! the token is sealed for the client here. (Up to that many accounts, each account's store
//! answers and the token holds a mark of each: `live_feed.rs`.)

use crate::rules::page_body::with_first_field;
use linkedin_inbox::Error;
use url::Url;
use worker::{Env, Response};

use crate::edge::context::Call;
use crate::index_object::{ChangesAnswer, ChangesAsk};
use crate::respond;
use crate::rules::change_tokens::{decode_index_mark as decode, encode_index_mark as encode};
use crate::rules::merged_walk::MAX_MERGED_LEN;

pub async fn changes(env: &Env, call: &Call, url: &Url, scope: &str) -> worker::Result<Response> {
    let since = match url.query_pairs().find(|(n, _)| n == "since") {
        None => None,
        Some((_, token)) => {
            let opened = (token.len() <= MAX_MERGED_LEN)
                .then(|| call.config.cursor_key.open(scope, &token).ok())
                .flatten()
                .and_then(|text| decode(&text));
            match opened {
                Some(mark) => Some(mark),
                None => return respond::core_error(&Error::InvalidCursor {
                    reason:
                        "since is not a token this proxy issued to this client for these accounts"
                            .into(),
                }),
            }
        }
    };
    let ask = ChangesAsk {
        client: call.client().name.clone(),
        since,
    };
    let body = serde_json::to_string(&ask)?;
    let mut answer = crate::index_object::ask(env, &ask.client, "/changes", body).await?;
    if answer.status_code() != 200 {
        return Ok(answer);
    }
    let answer: ChangesAnswer = answer.json().await?;
    let token = call.config.cursor_key.seal(scope, &encode(&answer.mark));
    let body = with_first_field(&answer.body, "token", &serde_json::Value::from(token));
    let mut response = Response::ok(body)?;
    response
        .headers_mut()
        .set("Content-Type", "application/json")?;
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}
