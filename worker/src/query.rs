//! Query strings and path ids of the proxy API into core queries. Anything the core would
//! reject, or an unknown parameter, is `INVALID_INPUT` naming the field.

use linkedin_inbox::{ConversationQuery, Error, MessageQuery};
use worker::Url;

fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// The parameters of `url`, last value winning; names outside `allowed` are refused.
fn params(url: &Url, allowed: &[&'static str]) -> Result<Vec<(&'static str, String)>, Error> {
    let mut found: Vec<(&'static str, String)> = Vec::new();
    for (name, value) in url.query_pairs() {
        let Some(known) = allowed.iter().find(|a| **a == name) else {
            let shown: String = name.chars().take(40).collect();
            return Err(invalid(
                "query",
                format!(
                    "unknown parameter `{shown}`; allowed: {}",
                    allowed.join(", ")
                ),
            ));
        };
        found.retain(|(n, _)| n != known);
        found.push((known, value.into_owned()));
    }
    Ok(found)
}

fn get(params: &[(&'static str, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.clone())
}

fn count(params: &[(&'static str, String)]) -> Result<Option<u32>, Error> {
    get(params, "count")
        .map(|text| {
            text.trim().parse::<u32>().map_err(|_| {
                invalid(
                    "count",
                    format!(
                        "must be a whole number, got `{}`",
                        text.chars().take(20).collect::<String>()
                    ),
                )
            })
        })
        .transpose()
}

/// `GET /v1/conversations?count=&keywords=&unread=&cursor=` for the client's account.
pub fn conversations(url: &Url, account_id: &str) -> Result<ConversationQuery, Error> {
    let params = params(url, &["count", "keywords", "unread", "cursor"])?;
    let unread = match get(&params, "unread").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(invalid("unread", "must be true or false")),
    };
    let query = ConversationQuery {
        account_id: Some(account_id.to_owned()),
        count: count(&params)?,
        keywords: get(&params, "keywords"),
        unread,
        cursor: get(&params, "cursor"),
    };
    query.cache_key()?;
    Ok(query)
}

/// `GET /v1/conversations/{id}/messages?count=&cursor=` (the id percent-encoded in the path).
pub fn messages_by_id(url: &Url, raw_id: &str) -> Result<MessageQuery, Error> {
    if raw_id.len() > 3 * linkedin_inbox::MAX_ID_LEN {
        return Err(invalid("conversationId", "is too long"));
    }
    let id = percent_encoding::percent_decode_str(raw_id)
        .decode_utf8()
        .map_err(|_| invalid("conversationId", "is not valid percent-encoded UTF-8"))?;
    let params = params(url, &["count", "cursor"])?;
    checked(MessageQuery {
        conversation_id: Some(id.into_owned()),
        profile_url: None,
        count: count(&params)?,
        cursor: get(&params, "cursor"),
    })
}

/// `GET /v1/messages?profileUrl=&count=&cursor=`.
pub fn messages_by_profile(url: &Url) -> Result<MessageQuery, Error> {
    let params = params(url, &["profileUrl", "count", "cursor"])?;
    let profile_url =
        get(&params, "profileUrl").ok_or_else(|| invalid("profileUrl", "is required"))?;
    checked(MessageQuery {
        conversation_id: None,
        profile_url: Some(profile_url),
        count: count(&params)?,
        cursor: get(&params, "cursor"),
    })
}

fn checked(query: MessageQuery) -> Result<MessageQuery, Error> {
    query.cache_key()?;
    Ok(query)
}
